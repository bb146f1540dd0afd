// libFuzzer: the times and durations people type (the go-to field, --at, scenario durations).
#include "core/scenario/scenario_loader.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    (void)warroom::parseDurationMs(text);
    (void)warroom::parseTime(text, 1'590'000'000'000LL);
    return 0;
}
