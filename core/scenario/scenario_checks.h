#pragma once

#include "scenario.h"

namespace warroom {

// Checks that need the whole file: references to roles and tags, rules that can never match
// (unknown scope targets, shadowed by an earlier rule) and dependency cycles between roles.
// `rejectedNodes` are declarations already reported as wrong: their roles and tags still
// count as declared, so one mistake is not reported again in every place that names them.
void checkScenario(const Scenario &scenario, const QList<Node> &rejectedNodes, ErrorList &errors);

// Marks the replicas of each replication as standby for its role (its callers reach the
// primary only) and checks that no dependency into a replicated role needs more than one of
// its instances: only one takes requests.
void applyReplication(Scenario &scenario, ErrorList &errors);

// Whether every node that `narrow` matches is matched by `wide` too.
bool scopeCovers(const Topology &topology, const Scope &wide, const Scope &narrow);

} // namespace warroom
