#pragma once

#include "scenario.h"

namespace warroom {

// Checks that need the whole file: references to roles and tags, rules that can never match
// (unknown scope targets, shadowed by an earlier rule) and dependency cycles between roles.
void checkScenario(const Scenario &scenario, ErrorList &errors);

// Whether every node that `narrow` matches is matched by `wide` too.
bool scopeCovers(const Topology &topology, const Scope &wide, const Scope &narrow);

} // namespace warroom
