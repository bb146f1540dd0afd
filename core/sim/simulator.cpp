#include "simulation.h"

namespace warroom {

namespace {

// The scenario's topology with its what-ifs and the options' applied.
Result<Topology> preparedTopology(const Scenario &scenario, const SimulationOptions &options)
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
    return topology;
}

} // namespace

Result<SimulationStats> simulate(const Scenario &scenario, const SimulationOptions &options,
                                 EventSink &sink)
{
    Result<Topology> topology = preparedTopology(scenario, options);
    if (!topology)
        return topology.errors();
    const quint64 seed = options.seed.value_or(scenario.simulation.seed);
    sim::Simulation simulation(scenario, std::move(topology.value()), options, seed, sink);
    while (simulation.step()) {
        if (options.cancelled && options.cancelled())
            return Error{QStringLiteral("the simulation was cancelled"), {}, 0, 0};
    }
    return simulation.finish();
}

Result<std::unique_ptr<SteppedSimulation>>
SteppedSimulation::start(Scenario scenario, SimulationOptions options, EventSink &sink)
{
    Result<Topology> topology = preparedTopology(scenario, options);
    if (!topology)
        return topology.errors();
    std::unique_ptr<SteppedSimulation> stepped(new SteppedSimulation);
    stepped->m_scenario = std::move(scenario);
    stepped->m_options = std::move(options);
    const quint64 seed = stepped->m_options.seed.value_or(stepped->m_scenario.simulation.seed);
    stepped->m_simulation = std::make_unique<sim::Simulation>(
        stepped->m_scenario, std::move(topology.value()), stepped->m_options, seed, sink);
    return stepped;
}

SteppedSimulation::~SteppedSimulation() = default;

bool SteppedSimulation::step()
{
    return m_simulation->step();
}

qint64 SteppedSimulation::nowMs() const
{
    return m_simulation->nowEpochMs();
}

qint64 SteppedSimulation::endMs() const
{
    return m_simulation->endEpochMs();
}

void SteppedSimulation::inject(ScheduledChange change)
{
    m_simulation->inject(std::move(change));
}

SimulationStats SteppedSimulation::finish()
{
    return m_simulation->finish();
}

} // namespace warroom
