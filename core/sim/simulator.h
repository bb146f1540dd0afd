#pragma once

#include "core/events/event_sink.h"
#include "core/scenario/scenario.h"
#include "core/util/result.h"

#include <functional>
#include <memory>
#include <optional>

namespace warroom {

struct SimulationOptions
{
    std::optional<quint64> seed; // overrides the scenario's
    qint64 fromMs = 0;           // offset from the start: record from here on
    qint64 toMs = -1;            // offset: stop here (-1: the scenario's duration)
    QStringList whatIfs;         // applied after the scenario's own (see analysis.h)
    // Called now and then with the simulated offset and the end offset.
    std::function<void(qint64 doneMs, qint64 endMs)> progress;
    // Asked between ticks: true stops the simulation, which then fails ("cancelled").
    std::function<bool()> cancelled;
    // Rebuilds the request-flow plan from scratch every tick instead of resolving again only
    // the calls a change touched: the reference the incremental plan is tested against.
    bool rebuildPlanEveryTick = false;
};

struct SimulationStats
{
    quint64 seed = 0;
    qint64 ticks = 0;
    qint64 events = 0;
    qint64 samples = 0;
    QByteArray eventsHash;   // SHA-256 over every event, in order: equal for equal runs
    quint64 samplesHash = 0; // over every sample value
    qint64 startMs = 0;      // epoch ms of the first recorded tick
    qint64 endMs = 0;        // epoch ms where the recording ends
};

// Plays a scenario forward in discrete ticks and writes what happens to `sink`: events
// (autoscaler decisions with their reasons, node lifecycle, scheduled changes, verdict
// changes, alerts, service state, backlogs) and per-tick metric samples. Deterministic: the
// same scenario, options and seed give the same events, byte for byte.
//
// The request flow is a fluid model: each tick, the offered rate enters at the source nodes
// and flows along the dependencies of each role, split over the instances the reachability
// verdicts of the moment allow. A hop blocked by a rule or a cut does not answer (the caller
// times out); a hop whose target is down refuses at once. Errors are counted where they
// surface: at the hop that waited in vain, and every hop above it.
Result<SimulationStats> simulate(const Scenario &scenario, const SimulationOptions &options,
                                 EventSink &sink);

// Whether the scenario's own what-ifs (a variant's `what_if:`) apply: each names what exists,
// and no scheduled change would silently undo one. An error is placed at `what_if:`.
Result<bool> checkWhatIfs(const Scenario &scenario);

namespace sim {
class Simulation;
}

// The same simulation one tick at a time, for a live source: a drill plays a scenario at the
// pace of a clock while an instructor injects changes (applied at the next tick).
class SteppedSimulation
{
public:
    static Result<std::unique_ptr<SteppedSimulation>>
    start(Scenario scenario, SimulationOptions options, EventSink &sink);
    ~SteppedSimulation();

    bool step();          // one tick; false once the scenario's end is reached
    qint64 nowMs() const; // epoch ms of the next tick
    qint64 endMs() const; // epoch ms of the scenario's end
    void inject(ScheduledChange change);
    SimulationStats finish(); // ends the open series

private:
    SteppedSimulation() = default;
    Scenario m_scenario;
    SimulationOptions m_options;
    std::unique_ptr<sim::Simulation> m_simulation;
};

} // namespace warroom
