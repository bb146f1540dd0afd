#include "simulation.h"

namespace warroom {

Result<SimulationStats> simulate(const Scenario &scenario, const SimulationOptions &options,
                                 EventSink &sink)
{
    Topology topology = scenario.topology;
    const QStringList whatIfs = scenario.whatIfs + options.whatIfs;
    for (int i = 0; i < whatIfs.size(); ++i) {
        const bool fromFile = i < scenario.whatIfs.size();
        auto located = [&](const ErrorList &errors) {
            Error e = errors.first();
            if (fromFile) {
                e.file =
                    scenario.whatIfPlace.file.isEmpty() ? scenario.file : scenario.whatIfPlace.file;
                e.line = scenario.whatIfPlace.line;
                e.column = scenario.whatIfPlace.column;
            }
            return e;
        };
        const Result<WhatIf> whatIf = parseWhatIf(whatIfs[i]);
        if (!whatIf)
            return located(whatIf.errors());
        if (const Result<bool> applied = applyWhatIf(topology, whatIf.value()); !applied)
            return located(applied.errors());
    }
    const quint64 seed = options.seed.value_or(scenario.simulation.seed);
    sim::Simulation simulation(scenario, std::move(topology), options, seed, sink);
    return simulation.run();
}

} // namespace warroom
