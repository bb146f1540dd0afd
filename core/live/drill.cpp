#include "drill.h"

#include "core/postmortem/postmortem.h"
#include "core/sim/record_simulation.h"
#include "core/sim/simulator.h"
#include "core/util/duration.h"
#include "core/util/json_ms.h"

#include <cmath>

namespace warroom {

namespace {

constexpr int kPumpMs = 50;

const std::array<std::pair<DrillFault::Kind, const char16_t *>, 5> kFaultNames = {{
    {DrillFault::Kind::Block, u"block"},
    {DrillFault::Kind::CutLink, u"cut-link"},
    {DrillFault::Kind::CutSite, u"cut-site"},
    {DrillFault::Kind::Crash, u"crash"},
    {DrillFault::Kind::Spike, u"spike"},
}};

} // namespace

// The simulator's output as feed messages: what a remote source would send.
class Drill::FeedSink final : public EventSink
{
public:
    explicit FeedSink(Deliver deliver)
        : m_deliver(std::move(deliver))
    {}
    void event(Event event) override { m_deliver(std::move(event)); }
    int beginSeries(const SeriesInfo &info) override
    {
        m_deliver(info);
        m_series.push_back({info.key, {}});
        return int(m_series.size()) - 1;
    }
    void sample(int series, float value) override
    {
        m_series[size_t(series)].pending.append(value);
    }
    void endSeries(int) override {}
    void topologyVersion(qint64 timeMs, const QString &reason, const QByteArray &json) override
    {
        m_deliver(feed::TopologyMessage{timeMs, reason, json});
    }
    // The samples since the last flush, one message per series.
    void flush()
    {
        for (Series &s : m_series) {
            if (!s.pending.isEmpty())
                m_deliver(feed::Samples{s.key, std::exchange(s.pending, {})});
        }
    }

private:
    struct Series
    {
        QString key;
        QList<float> pending;
    };
    Deliver m_deliver;
    std::vector<Series> m_series;
};

QString toString(DrillFault::Kind kind)
{
    for (const auto &[k, name] : kFaultNames) {
        if (k == kind)
            return QString::fromUtf16(name);
    }
    return {};
}

bool drillFaultKindFromString(const QString &name, DrillFault::Kind *kind)
{
    for (const auto &[k, n] : kFaultNames) {
        if (name == QStringView(n)) {
            *kind = k;
            return true;
        }
    }
    return false;
}

Result<ScheduledChange> changeFor(const DrillFault &fault, const Topology &t)
{
    using K = ScheduledChange::Kind;
    ScheduledChange c;
    c.forMs = fault.forMs;
    c.target = fault.target;
    c.injectedBy = fault.injectedBy;
    c.note = u"injected by " +
             (fault.injectedBy.isEmpty() ? QStringLiteral("the instructor") : fault.injectedBy);
    auto unknown = [&](const QString &what) {
        return Error{u"no " + what + u" '" + fault.target + u"' in the scenario", {}, 0, 0};
    };
    switch (fault.kind) {
    case DrillFault::Kind::Block: {
        if (t.siteIndex(fault.target) < 0)
            return unknown(QStringLiteral("site"));
        if (t.siteIndex(fault.to) < 0)
            return Error{u"no site '" + fault.to + u"' in the scenario", {}, 0, 0};
        c.kind = K::RuleAdd;
        c.rule.id = u"deny-" + fault.target + u"-to-" + fault.to;
        c.rule.action = RuleAction::Deny;
        c.rule.from = {Scope{Scope::Kind::Site, fault.target}};
        c.rule.to = {Scope{Scope::Kind::Site, fault.to}};
        c.rule.description = c.note;
        c.target = c.rule.id;
        // First: the first rule that matches decides.
        if (!t.rules.isEmpty() && t.rules.first().id != c.rule.id)
            c.before = t.rules.first().id;
        break;
    }
    case DrillFault::Kind::CutLink:
        if (t.linkIndex(fault.target) < 0)
            return unknown(QStringLiteral("link"));
        c.kind = K::LinkDown;
        break;
    case DrillFault::Kind::CutSite:
        if (t.siteIndex(fault.target) < 0)
            return unknown(QStringLiteral("site"));
        c.kind = K::SiteCut;
        break;
    case DrillFault::Kind::Crash:
        if (t.nodeIndex(fault.target) < 0)
            return unknown(QStringLiteral("node"));
        c.kind = K::NodeCrash;
        break;
    case DrillFault::Kind::Spike:
        if (!(fault.factor > 0.0) || fault.factor == 1.0)
            return Error{QStringLiteral("a load spike needs a factor other than 1"), {}, 0, 0};
        c.kind = K::LoadSpike;
        c.target = QStringLiteral("load");
        c.surgeFactor = fault.factor;
        break;
    }
    return c;
}

Result<std::unique_ptr<Drill>> Drill::start(Scenario scenario, const DrillOptions &options,
                                            Deliver deliver)
{
    if (!(options.speed > 0.0))
        return Error{QStringLiteral("the speed of a drill must be above 0"), {}, 0, 0};
    std::unique_ptr<Drill> drill(new Drill);
    drill->m_scenario = std::move(scenario);
    drill->m_options = options;
    drill->m_deliver = std::move(deliver);
    drill->m_sink = std::make_unique<FeedSink>(drill->m_deliver);
    SimulationOptions simulation;
    simulation.fromMs = options.fromMs;
    simulation.toMs = options.toMs;
    auto stepped = SteppedSimulation::start(drill->m_scenario, simulation, *drill->m_sink);
    if (!stepped)
        return stepped.errors();
    drill->m_simulation = std::move(stepped.value());
    // What came before the drill's start is played at once (and not recorded).
    const qint64 beginMs = drill->m_simulation->nowMs() + options.fromMs;
    while (drill->m_simulation->nowMs() < beginMs && drill->m_simulation->step()) {
    }
    SimulationStats stats;
    stats.seed = drill->m_scenario.simulation.seed;
    stats.startMs = drill->m_simulation->nowMs();
    stats.endMs = stats.startMs;
    for (const auto &[key, value] :
         simulationMeta(drill->m_scenario, simulation, stats, QStringLiteral("drill"))) {
        if (key != u"end_ms" && key != u"events_hash" && key != u"samples_hash")
            drill->m_deliver(feed::Meta{key, value});
    }
    drill->m_deliver(feed::Meta{QStringLiteral("drill"), QStringLiteral("1")});
    drill->m_deliver(feed::Meta{QStringLiteral("drill_speed"), QString::number(options.speed)});
    drill->m_deliver(feed::Meta{QStringLiteral("drill_instructor"), options.instructor});
    drill->m_deliver(feed::Meta{QStringLiteral("drill_hidden"),
                                options.hideRootCause ? QStringLiteral("1") : QStringLiteral("0")});
    drill->m_startMs = drill->m_simulation->nowMs();
    drill->m_clock.start();
    drill->m_timer.setInterval(kPumpMs);
    connect(&drill->m_timer, &QTimer::timeout, drill.get(), &Drill::pump);
    drill->m_timer.start();
    drill->pump();
    return drill;
}

Drill::~Drill() = default;

qint64 Drill::nowMs() const
{
    return m_simulation->nowMs();
}

void Drill::pump()
{
    if (m_finished)
        return;
    const qint64 dueMs = m_startMs + std::llround(double(m_clock.elapsed()) * m_options.speed);
    bool running = true;
    while (running && m_simulation->nowMs() <= dueMs)
        running = m_simulation->step();
    m_sink->flush();
    if (!running) {
        m_simulation->finish();
        m_sink->flush();
        m_finished = true;
        m_timer.stop();
        Q_EMIT ended();
        return;
    }
}

std::optional<QString> Drill::inject(const DrillFault &fault)
{
    if (m_finished)
        return QStringLiteral("the drill has ended");
    auto change = changeFor(fault, m_scenario.topology);
    if (!change)
        return change.errors().first().message;
    m_simulation->inject(std::move(change.value()));
    return std::nullopt;
}

void Drill::reveal(const QString &by)
{
    Event e;
    e.timeMs = m_simulation->nowMs();
    e.kind = EventKind::Annotation;
    e.subject = QStringLiteral("drill.reveal");
    e.text = u"root cause revealed to the trainees by " +
             (by.isEmpty() ? QStringLiteral("the instructor") : by);
    m_deliver(std::move(e));
}

QList<DrillFaultOutcome> drillOutcomes(const QList<Event> &faultEvents,
                                       const QList<PostMortem> &postMortems)
{
    QList<qint64> diagnoses;
    for (const PostMortem &pm : postMortems) {
        for (const TimelineEntry &entry : pm.timeline) {
            if (entry.has(EntryMark::Diagnosis) && entry.status != TimelineEntry::Status::Dismissed)
                diagnoses.append(entry.timeMs);
        }
    }
    std::sort(diagnoses.begin(), diagnoses.end());
    QList<DrillFaultOutcome> out;
    for (const Event &e : faultEvents) {
        const QString by = e.details.value(QStringLiteral("injected_by")).toString();
        if (e.kind != EventKind::FaultStarted || by.isEmpty())
            continue;
        // What was done, without the note (who did it is a column of its own).
        const qint64 forMs = jsonMs(e.details.value(QStringLiteral("for_ms")));
        QString what = e.details.value(QStringLiteral("change")).toString() + u' ' +
                       e.details.value(QStringLiteral("target")).toString();
        if (forMs > 0)
            what += u" for " + formatDuration(forMs);
        DrillFaultOutcome o{e.timeMs, what, by, -1};
        const auto first = std::lower_bound(diagnoses.cbegin(), diagnoses.cend(), e.timeMs);
        if (first != diagnoses.cend())
            o.diagnosedAfterMs = *first - e.timeMs;
        out.append(o);
    }
    return out;
}

} // namespace warroom
