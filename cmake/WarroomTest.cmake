# warroom_add_test(NAME SOURCES ... [LIBS ...] [GUI] [TIMEOUT s])
#
# One registration for every suite: links Qt Test and the test-support library,
# passes the data folders as compile definitions (never the working directory),
# and runs GUI suites on the offscreen platform.
function(warroom_add_test name)
  cmake_parse_arguments(ARG "GUI" "TIMEOUT" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE warroom_test_support Qt6::Test ${ARG_LIBS})
  add_test(NAME ${name} COMMAND ${name})
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  if(WARROOM_SANITIZE OR WARROOM_FUZZ OR WARROOM_TSAN)
    math(EXPR ARG_TIMEOUT "${ARG_TIMEOUT} * 4") # the sanitizers run 2-15 times slower
  endif()
  set(env "QT_QPA_PLATFORM=offscreen")
  set(labels core)
  if(ARG_GUI)
    set(labels gui)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${ARG_TIMEOUT} LABELS "${labels}"
                       ENVIRONMENT "${env}")
endfunction()
