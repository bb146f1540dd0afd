#include "simulation.h"

#include "core/scenario/scenario_loader.h"

namespace warroom {

namespace {

// The scenario's topology with its what-ifs and the options' applied.
// An error about one of the scenario file's own what-ifs (a variant's `what_if:`) is placed
// there; one given on the command line has no place.
Error placed(const Scenario &scenario, const QString &whatIf, Error error)
{
    if (!error.file.isEmpty() || !scenario.whatIfs.contains(whatIf))
        return error;
    error.file = scenario.whatIfPlace.file.isEmpty() ? scenario.file : scenario.whatIfPlace.file;
    error.line = scenario.whatIfPlace.line;
    error.column = scenario.whatIfPlace.column;
    return error;
}

Result<Topology> preparedTopology(const Scenario &scenario, const SimulationOptions &options)
{
    Topology topology = scenario.topology;
    const QStringList whatIfs = scenario.whatIfs + options.whatIfs;
    for (int i = 0; i < whatIfs.size(); ++i) {
        auto located = [&](const ErrorList &errors) {
            return i < scenario.whatIfs.size() ? placed(scenario, whatIfs[i], errors.first())
                                               : errors.first();
        };
        const Result<WhatIf> whatIf = parseWhatIf(whatIfs[i]);
        if (!whatIf)
            return located(whatIf.errors());
        if (whatIf.value().onSchedule())
            continue; // prepareSchedule()
        if (const Result<bool> applied = applyWhatIf(topology, whatIf.value()); !applied)
            return located(applied.errors());
    }
    return topology;
}

// The scheduled change that would set what `whatIf` sets (its value would not hold), if any.
const ScheduledChange *overriding(const QList<ScheduledChange> &changes, const WhatIf &whatIf)
{
    using K = ScheduledChange::Kind;
    using W = WhatIf::Kind;
    const QString name = whatIf.subject.section(u'=', 0, 0);
    for (const ScheduledChange &c : changes) {
        if (c.target != name)
            continue;
        const bool overrides = [&] {
            switch (whatIf.kind) {
            case W::Capacity:
                return c.kind == K::Capacity;
            case W::Latency:
                return c.kind == K::Latency;
            case W::Loss:
                return c.kind == K::Loss;
            case W::LinkDown:
            case W::LinkUp:
                return c.kind == K::LinkDown || c.kind == K::LinkUp || c.kind == K::LinkDegraded;
            case W::NodeDown:
                return c.kind == K::NodeRestart;
            case W::SiteDown:
                return c.kind == K::SiteUp;
            default:
                return false;
            }
        }();
        if (overrides)
            return &c;
    }
    return nullptr;
}

// The scenario's schedule and reactions with the what-ifs that change them applied: a change or
// a reaction left out (without:ID), a change moved earlier or later (shift:ID=+5m). A what-if on
// the topology that a scheduled change would silently undo is an error.
Result<bool> prepareSchedule(Scenario &scenario, const QStringList &whatIfs)
{
    QList<ScheduledChange> &changes = scenario.changes;
    for (const QString &text : whatIfs) {
        const Result<WhatIf> whatIf = parseWhatIf(text);
        if (!whatIf || !whatIf.value().onSchedule())
            continue;
        const QString name = whatIf.value().subject.section(u'=', 0, 0);
        const auto it = std::find_if(changes.begin(), changes.end(),
                                     [&](const ScheduledChange &c) { return c.name == name; });
        const auto reaction = std::find_if(scenario.reactions.begin(), scenario.reactions.end(),
                                           [&](const Reaction &r) { return r.id == name; });
        if (whatIf.value().kind == WhatIf::Kind::WithoutChange &&
            reaction != scenario.reactions.end()) {
            scenario.reactions.erase(reaction);
            continue;
        }
        if (it == changes.end()) {
            QStringList named;
            for (const ScheduledChange &c : std::as_const(changes))
                if (!c.name.isEmpty())
                    named.append(c.name);
            for (const Reaction &r : std::as_const(scenario.reactions))
                named.append(r.id);
            return placed(
                scenario, text,
                Error{u"what-if " + text + u": no scheduled change has the id '" + name + u"' (" +
                          (named.isEmpty() ? QStringLiteral("none has an id: give one `id:`")
                                           : u"ids: " + named.join(u", ")) +
                          u')',
                      QString(), 0, 0});
        }
        if (whatIf.value().kind == WhatIf::Kind::WithoutChange) {
            changes.erase(it);
            continue;
        }
        const QString by = whatIf.value().subject.section(u'=', 1);
        const qint64 ms =
            parseDurationMs(by.startsWith(u'+') || by.startsWith(u'-') ? by.mid(1) : by);
        if (ms < 0 || !(by.startsWith(u'+') || by.startsWith(u'-')))
            return placed(scenario, text,
                          Error{u"what-if " + text +
                                    u": expected shift:ID=+DURATION or -DURATION "
                                    u"(+5m, -90s)",
                                QString(), 0, 0});
        it->atMs = std::max<qint64>(0, it->atMs + (by.startsWith(u'-') ? -ms : ms));
    }
    std::stable_sort(
        changes.begin(), changes.end(),
        [](const ScheduledChange &a, const ScheduledChange &b) { return a.atMs < b.atMs; });
    for (const QString &text : whatIfs) {
        const Result<WhatIf> whatIf = parseWhatIf(text);
        if (!whatIf || whatIf.value().onSchedule())
            continue;
        if (const ScheduledChange *c = overriding(changes, whatIf.value()))
            return placed(scenario, text,
                          Error{u"what-if " + text + u": the scheduled change at " +
                                    c->place.toString() + u" (" + c->description() + u" at " +
                                    formatDuration(c->atMs) +
                                    u") would override it; leave that change out (without:ID) or "
                                    u"move it (shift:ID=+5m)",
                                QString(), 0, 0});
    }
    return true;
}

} // namespace

Result<bool> checkWhatIfs(const Scenario &scenario)
{
    if (Result<Topology> topology = preparedTopology(scenario, {}); !topology)
        return topology.errors();
    Scenario scheduled = scenario;
    return prepareSchedule(scheduled, scenario.whatIfs);
}

Result<SimulationStats> simulate(const Scenario &scenario, const SimulationOptions &options,
                                 EventSink &sink)
{
    Result<Topology> topology = preparedTopology(scenario, options);
    if (!topology)
        return topology.errors();
    Scenario scheduled = scenario;
    if (Result<bool> prepared = prepareSchedule(scheduled, scenario.whatIfs + options.whatIfs);
        !prepared)
        return prepared.errors();
    const quint64 seed = options.seed.value_or(scenario.simulation.seed);
    sim::Simulation simulation(scheduled, std::move(topology.value()), options, seed, sink);
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
    if (Result<bool> prepared = prepareSchedule(scenario, scenario.whatIfs + options.whatIfs);
        !prepared)
        return prepared.errors();
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
