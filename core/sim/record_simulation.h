#pragma once

#include "simulator.h"

namespace warroom {

// The metadata a simulated recording carries (scenario text, seed, time range, hashes,
// thresholds, queues): what `summary` and the war room read.
QList<std::pair<QString, QString>> simulationMeta(const Scenario &scenario,
                                                  const SimulationOptions &options,
                                                  const SimulationStats &stats,
                                                  const QString &source);

// Simulates `scenario` into a new recording at `path`, with the metadata that `summary` and
// the war room read (scenario text, seed, time range, hashes, thresholds, queues). Written
// as `path.partial` and renamed when complete: a recording that exists is whole.
Result<SimulationStats> recordSimulation(const Scenario &scenario, const SimulationOptions &options,
                                         const QString &path);

} // namespace warroom
