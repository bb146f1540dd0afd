#pragma once

#include "simulator.h"

namespace warroom {

// Simulates `scenario` into a new recording at `path`, with the metadata that `summary` and
// the war room read (scenario text, seed, time range, hashes, thresholds, queues). Written
// as `path.partial` and renamed when complete: a recording that exists is whole.
Result<SimulationStats> recordSimulation(const Scenario &scenario, const SimulationOptions &options,
                                         const QString &path);

} // namespace warroom
