#pragma once

#include "topology.h"

namespace warroom {

// A generated fleet for benchmarks and tests of scale: `nodes` instances over three
// datacenters, services of two instances each in two different datacenters, and each even
// service calling the next one (so about as many dependency hops as nodes); services belong to
// a dozen pools (each node's `group`), which the map's role view draws as one chip per site. Rules
// allow all; a benchmark changes verdicts by inserting a deny rule (see denyBetween).
Topology syntheticFleet(int nodes);

// A rule denying everything from one site to another, for inserting into a fleet's rules.
Rule denyBetween(const QString &fromSite, const QString &toSite);

} // namespace warroom
