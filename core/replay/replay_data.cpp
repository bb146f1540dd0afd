#include "replay_data.h"

#include "core/model/topology_json.h"
#include "core/postmortem/postmortem_store.h"
#include "core/store/shared_address.h"
#include "core/util/duration.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QStorageInfo>

#include <algorithm>

namespace warroom {

namespace {

bool isReveal(const Event &e)
{
    return e.kind == EventKind::Annotation && e.subject == u"drill.reveal";
}

ChartData chartNamed(const QString &title, const QString &unit)
{
    ChartData chart;
    chart.title = title;
    chart.unit = unit;
    return chart;
}

QList<WindowPoint> windowOf(const Recording &r, const StoredSeries &series, qint64 fromMs,
                            qint64 toMs, int columns, double scale)
{
    QList<WindowPoint> points = r.window(series, fromMs, toMs, columns);
    if (scale != 1.0) {
        for (WindowPoint &p : points) {
            p.min = float(p.min * scale);
            p.max = float(p.max * scale);
        }
    }
    return points;
}

void addLine(ChartData &chart, const Recording &r, const QString &key, const QString &name,
             int columns, double scale = 1.0)
{
    const StoredSeries *series = r.seriesByKey(key);
    if (!series)
        return;
    chart.lines.append(
        {name, windowOf(r, *series, r.startMs(), r.endMs(), columns, scale), key, scale});
}

// Annotations live sources write about themselves (down, answers again, a label naming
// nothing).
const QStringList kSourceSubjects{QStringLiteral("prometheus"), QStringLiteral("alertmanager")};

// A live writer's last heartbeat (docs/recording-format.md), -1 for a writer that keeps none.
// The newest event read, by id: a live source may append an event dated before one appended
// earlier (a poll's answers come after a webhook's alert), so the list's last by time is not it.
qint64 lastIdOf(const QList<Event> &events)
{
    qint64 id = 0;
    for (const Event &e : events)
        id = std::max(id, e.id);
    return id;
}

qint64 heartbeatOf(const Recording &r)
{
    const QString beat = r.meta(QStringLiteral("heartbeat_ms"));
    return beat.isEmpty() ? -1 : beat.toLongLong();
}

constexpr int kMostNodeCpuLines = 12; // more would not be told apart

QList<ChartData> chartsOf(const Recording &r, const Topology &start, int columns)
{
    QList<ChartData> charts;
    ChartData failing = chartNamed(QStringLiteral("Requests failing"), QStringLiteral("%"));
    addLine(failing, r, QStringLiteral("service/failure_ratio"), QStringLiteral("failing"),
            columns);
    failing.thresholds.append({QStringLiteral("outage"), outageThreshold(r) * 100.0});
    failing.markerKinds = {toString(EventKind::FaultStarted), toString(EventKind::RuleCorrected),
                           toString(EventKind::DnsFailover), toString(EventKind::AlertFiring)};
    charts.append(failing);

    // The story first: what users saw, then what waited and how late, then the causes.
    const QJsonArray queues =
        QJsonDocument::fromJson(r.meta(QStringLiteral("queues")).toUtf8()).array();
    for (const QJsonValue &v : queues) {
        const QString id = v.toObject().value(QStringLiteral("id")).toString();
        const double targetMin =
            v.toObject().value(QStringLiteral("target_ms")).toDouble() / 60000.0;
        ChartData backlog = chartNamed(id + u" backlog", QStringLiteral("items"));
        addLine(backlog, r, u"queue/" + id + u"/backlog", QStringLiteral("in the queue"), columns);
        for (const StoredSeries &series : r.series()) { // one per load that retries
            const QString &key = series.info.key;
            if (key.startsWith(u"upstream/") && key.endsWith(u"/backlog"))
                addLine(backlog, r, key,
                        key == u"upstream/backlog"
                            ? QStringLiteral("waiting outside")
                            : QString(u"waiting outside (" + key.section(u'/', 1, 1) + u')'),
                        columns);
        }
        backlog.markerKinds = {toString(EventKind::BacklogStarted),
                               toString(EventKind::BacklogDrained)};
        charts.append(backlog);
        ChartData latency = chartNamed(id + u" delivery latency", QStringLiteral("min"));
        addLine(latency, r, u"queue/" + id + u"/delivery_latency", QStringLiteral("slowest"),
                columns, 1.0 / 60000.0);
        if (targetMin > 0)
            latency.thresholds.append({QStringLiteral("target"), targetMin});

        charts.append(latency);
    }

    for (const ScalingGroup &g : start.groups) {
        // The metric its autoscaler acts on, with its thresholds.
        const QString what = g.metric == u"cpu"        ? QStringLiteral(" CPU (average)")
                             : g.metric == u"busy"     ? QStringLiteral(" busy (average)")
                             : g.metric == u"latency"  ? QStringLiteral(" latency (average)")
                             : g.metric == u"requests" ? QStringLiteral(" requests per instance")
                                                       : QStringLiteral(" backlog it works");
        const QString title = g.id + what;
        ChartData cpu = chartNamed(title, scalingMetricUnit(g.metric));
        addLine(cpu, r, u"group/" + g.id + u'/' + g.metric, g.id, columns);
        cpu.thresholds = {{QStringLiteral("scale out"), g.scaleOutAbove},
                          {QStringLiteral("scale in"), g.scaleInBelow}};
        cpu.markerKinds = {toString(EventKind::ScaleOut), toString(EventKind::ScaleIn)};
        cpu.markerSubject = g.id;
        charts.append(cpu);
    }

    // Links with a capacity or a loss: how full, and what they lose.
    ChartData utilization = chartNamed(QStringLiteral("Link utilization"), QStringLiteral("%"));
    ChartData loss = chartNamed(QStringLiteral("Link loss"), QStringLiteral("%"));
    for (const Link &l : start.links) {
        addLine(utilization, r, u"link/" + l.id + u"/utilization", l.id, columns);
        addLine(loss, r, u"link/" + l.id + u"/loss", l.id, columns);
    }
    utilization.thresholds = {{QStringLiteral("capacity"), 100.0}};
    for (ChartData *chart : {&utilization, &loss}) {
        chart->markerKinds = {toString(EventKind::LinkDegraded), toString(EventKind::LinkUp),
                              toString(EventKind::ReactionFired)};
        if (!chart->lines.isEmpty())
            charts.append(*chart);
    }

    // Replicas: how far behind their primary each is; promotions on it.
    ChartData lag = chartNamed(QStringLiteral("Replication lag"), QStringLiteral("s"));
    // Several load sources: what each sends.
    ChartData sources = chartNamed(QStringLiteral("Load by source"), QStringLiteral("req/s"));
    for (const StoredSeries &series : r.series()) {
        const QString &key = series.info.key;
        const QStringList parts = key.split(u'/');
        if (parts.size() == 4 && parts[0] == u"replication" && parts[3] == u"lag")
            addLine(lag, r, key, parts[1] + u' ' + parts[2], columns, 1.0 / 1000.0);
        else if (parts.size() == 3 && parts[0] == u"load" && parts[2] == u"offered")
            addLine(sources, r, key, parts[1], columns);
    }
    lag.markerKinds = {toString(EventKind::Promoted)};
    for (ChartData *chart : {&lag, &sources}) {
        if (!chart->lines.isEmpty())
            charts.append(*chart);
    }

    ChartData errors =
        chartNamed(QStringLiteral("Errors where they surface"), QStringLiteral("err/s"));
    for (const Node &n : start.nodes) {
        if (n.hasRole(QStringLiteral("load_balancer")) && n.state != ElementState::Down)
            addLine(errors, r, u"node/" + n.id + u"/errors", n.id, columns);
    }
    addLine(errors, r, QStringLiteral("service/failed"), QStringLiteral("users see"), columns);
    charts.append(errors);

    // Series a Prometheus mapping charts (`series:`): one chart per name, a line per node or
    // site pair.
    QMap<QString, ChartData> mapped;
    for (const StoredSeries &series : r.series()) {
        const QString &key = series.info.key;
        if (!key.startsWith(u"promql/"))
            continue;
        const QString name = key.section(u'/', 1, 1);
        auto it = mapped.find(name);
        if (it == mapped.end())
            it = mapped.insert(name, chartNamed(name, series.info.unit));
        if (it->lines.size() < kMostNodeCpuLines)
            addLine(*it, r, key, key.section(u'/', 2), columns);
    }
    for (ChartData &chart : mapped) {
        chart.markerKinds = {toString(EventKind::AlertFiring), toString(EventKind::AlertResolved),
                             toString(EventKind::ProbeObserved)};
        charts.append(chart);
    }

    // A recording with no simulated charts (one watched from Prometheus): its nodes' CPU.
    const bool simulated = std::any_of(charts.cbegin(), charts.cend(),
                                       [](const ChartData &c) { return !c.lines.isEmpty(); });
    if (!simulated || r.meta(QStringLiteral("source")) == u"prometheus") {
        ChartData cpu = chartNamed(QStringLiteral("Node CPU"), QStringLiteral("%"));
        for (const StoredSeries &series : r.series()) {
            if (series.info.metric == u"cpu" && !series.info.node.isEmpty() &&
                cpu.lines.size() < kMostNodeCpuLines)
                addLine(cpu, r, series.info.key, series.info.node, columns);
        }
        cpu.markerKinds = {toString(EventKind::AlertFiring), toString(EventKind::AlertResolved)};
        charts.append(cpu);
    }
    return charts;
}

} // namespace

void addDamage(QStringList &into, const QStringList &found)
{
    for (const QString &what : found) {
        if (!into.contains(what))
            into.append(what);
    }
}

Result<std::shared_ptr<const ReplayData>> loadReplayData(const QString &path, int columns)
{
    auto opened = Recording::open(path);
    if (!opened)
        return opened.errors();
    const Recording &r = *opened.value();
    auto data = std::make_shared<ReplayData>();
    data->path = path;
    data->name = r.meta(QStringLiteral("scenario_name"));
    data->title = r.meta(QStringLiteral("scenario_title"));
    data->startMs = r.startMs();
    data->endMs = std::max(r.endMs(), r.startMs() + 1);
    for (const TopologyVersion &v : r.topologyVersions())
        data->versions.append({v.timeMs, r.topologyJson(v.id), v.id});
    data->live = r.meta(QStringLiteral("live")) == u"1";
    data->heartbeatMs = heartbeatOf(r);
    data->drillHidesRootCause = r.meta(QStringLiteral("drill_hidden")) == u"1";
    if (r.readsTraineeViews()) {
        EventFilter reveals;
        reveals.kinds = {QStringLiteral("annotation")};
        reveals.subject = QStringLiteral("drill.reveal");
        reveals.limit = 1;
        data->revealedByServer = !r.events(reveals).isEmpty();
    }
    if (data->versions.isEmpty() && !data->live) // a live one gets its topology from its source
        return Error{QStringLiteral("the recording holds no topology"), path, 0, 0};
    if (!data->versions.isEmpty())
        data->first = data->topology(0);
    data->eventCount = r.eventCount();
    EventFilter first;
    first.limit = ReplayData::kFirstEvents + 1;
    data->events = r.events(first);
    if (data->events.size() > ReplayData::kFirstEvents) {
        // Cut before the time of the last one read: every event before the cut is there.
        data->complete = false;
        data->eventsUntilMs = data->events.last().timeMs;
        while (!data->events.isEmpty() && data->events.last().timeMs >= data->eventsUntilMs)
            data->events.removeLast();
    }
    data->lastEventId = lastIdOf(data->events);
    data->lifeEvents = r.events(EventFilter::ofKinds(
        {EventKind::NodeLaunched, EventKind::NodeDraining, EventKind::NodeTerminated}));
    data->lives = std::make_shared<const NodeLives>(data->lifeEvents);
    data->observations = r.events(EventFilter::ofKinds({EventKind::ProbeObserved}));
    data->stateEvents =
        r.events(EventFilter::ofKinds({EventKind::ServiceState, EventKind::ServiceCause,
                                       EventKind::BacklogStarted, EventKind::BacklogDrained}));
    for (const QString &subject : kSourceSubjects) {
        EventFilter sources = EventFilter::ofKinds({EventKind::Annotation});
        sources.subject = subject;
        data->sourceEvents += r.events(sources);
    }
    std::stable_sort(data->sourceEvents.begin(), data->sourceEvents.end(),
                     [](const Event &a, const Event &b) { return a.timeMs < b.timeMs; });
    data->monitoringEvents = r.events(EventFilter::ofKinds({EventKind::MonitoringChanged}));
    data->summary = summarize(r);
    data->charts = chartsOf(r, data->first, columns);
    data->troubleSpans = serviceSpans(*data);
    data->layout = r.layout();
    data->postMortemsStamp = r.postMortemsStamp();
    ErrorList problems;
    data->postMortems = readPostMortems(r, &problems, &data->unreadablePostMortems);
    data->postMortemsReadOnly = r.postMortemsReadOnly();
    for (const Error &e : problems)
        data->postMortemProblems.append(e.toString());
    data->damage = r.damage();
    if (!isSharedAddress(path)) // a live writer gone quiet on a full disk waits, it is not dead
        data->diskFreeBytes = QStorageInfo(QFileInfo(path).absolutePath()).bytesAvailable();
    return std::shared_ptr<const ReplayData>(std::move(data));
}

Result<std::shared_ptr<const ReplayData>> withAllEvents(std::shared_ptr<const ReplayData> data)
{
    if (data->complete)
        return data;
    auto opened = Recording::open(data->path);
    if (!opened)
        return opened.errors();
    auto all = std::make_shared<ReplayData>(*data);
    all->events = opened.value()->events();
    addDamage(all->damage, opened.value()->damage());
    all->lastEventId = lastIdOf(all->events);
    all->complete = true;
    all->eventsUntilMs = std::numeric_limits<qint64>::max();
    return std::shared_ptr<const ReplayData>(std::move(all));
}

Result<std::shared_ptr<const ReplayData>> refreshReplayData(std::shared_ptr<const ReplayData> data,
                                                            int columns)
{
    auto opened = Recording::open(data->path);
    if (!opened)
        return opened.errors();
    const Recording &r = *opened.value();
    auto next = std::make_shared<ReplayData>(*data);
    next->live = r.meta(QStringLiteral("live")) == u"1";
    next->heartbeatMs = heartbeatOf(r);
    next->drillHidesRootCause = r.meta(QStringLiteral("drill_hidden")) == u"1";
    next->startMs = r.startMs();
    next->endMs = std::max(r.endMs(), next->startMs + 1);
    next->title = r.meta(QStringLiteral("scenario_title"));
    // Versions in time order: one that came for a time before those held (a feed replaying an
    // old incident into a recording begun now) puts the list together again.
    const QList<TopologyVersion> versions = r.topologyVersions();
    bool extends = versions.size() >= next->versions.size();
    for (qsizetype i = 0; extends && i < next->versions.size(); ++i)
        extends = versions[i].id == next->versions[i].id;
    if (!extends)
        next->versions.clear();
    for (qsizetype i = next->versions.size(); i < versions.size(); ++i)
        next->versions.append({versions[i].timeMs, r.topologyJson(versions[i].id), versions[i].id});
    if ((data->versions.isEmpty() || !extends) && !next->versions.isEmpty())
        next->first = next->topology(0);
    EventFilter after;
    after.afterId = data->lastEventId;
    const QList<Event> fresh = r.events(after);
    // Revealed to a trainee reading through the server's views: all of it is read again.
    if (r.readsTraineeViews() && !data->revealedByServer &&
        std::any_of(fresh.cbegin(), fresh.cend(), isReveal)) {
        auto loaded = loadReplayData(data->path, columns);
        if (!loaded)
            return loaded;
        return withAllEvents(loaded.value()); // all of it: a live refresh grows from it
    }
    // A live source appends in time order; one that does not is read again in full.
    const bool reordered = !fresh.isEmpty() && !next->events.isEmpty() &&
                           fresh.first().timeMs < next->events.last().timeMs;
    if (reordered)
        next->events = r.events();
    else
        next->events += fresh;
    next->lastEventId = lastIdOf(next->events);
    next->eventCount = r.eventCount();
    for (const Event &e : fresh) {
        if (e.kind == EventKind::NodeLaunched || e.kind == EventKind::NodeDraining ||
            e.kind == EventKind::NodeTerminated)
            next->lifeEvents.append(e);
        else if (e.kind == EventKind::ProbeObserved)
            next->observations.append(e);
        else if (e.kind == EventKind::ServiceState || e.kind == EventKind::ServiceCause ||
                 e.kind == EventKind::BacklogStarted || e.kind == EventKind::BacklogDrained)
            next->stateEvents.append(e);
        else if (e.kind == EventKind::Annotation && kSourceSubjects.contains(e.subject))
            next->sourceEvents.append(e);
        else if (e.kind == EventKind::MonitoringChanged)
            next->monitoringEvents.append(e);
    }
    const bool lifeCame = std::any_of(fresh.cbegin(), fresh.cend(), [](const Event &e) {
        return e.kind == EventKind::NodeLaunched || e.kind == EventKind::NodeDraining ||
               e.kind == EventKind::NodeTerminated;
    });
    if (reordered) {
        for (QList<Event> *list : {&next->lifeEvents, &next->observations, &next->stateEvents,
                                   &next->sourceEvents, &next->monitoringEvents})
            std::stable_sort(list->begin(), list->end(),
                             [](const Event &x, const Event &y) { return x.timeMs < y.timeMs; });
    }
    if (lifeCame || reordered)
        next->lives = std::make_shared<const NodeLives>(next->lifeEvents);
    // Post-mortems written meanwhile (a drill's trainee, in another window): read only then.
    next->postMortemsStamp = r.postMortemsStamp();
    const bool written = next->postMortemsStamp != data->postMortemsStamp;
    if (written) {
        ErrorList problems;
        next->postMortems = readPostMortems(r, &problems, &next->unreadablePostMortems);
        next->postMortemProblems.clear();
        for (const Error &e : problems)
            next->postMortemProblems.append(e.toString());
    }
    addDamage(next->damage, r.damage());
    const bool grew = !fresh.isEmpty() || next->versions.size() != data->versions.size() ||
                      next->endMs != data->endMs || next->live != data->live;
    if (!grew && !written && next->heartbeatMs == data->heartbeatMs)
        return data; // nothing came: nothing to read again
    if (grew) {      // the summary, charts and states of what came
        next->summary = summarize(r);
        if (!next->versions.isEmpty())
            next->charts = chartsOf(r, next->first, columns);
        next->troubleSpans = serviceSpans(*next);
    }
    return std::shared_ptr<const ReplayData>(std::move(next));
}

bool versionsExtend(const QList<StoredTopology> &longer, const QList<StoredTopology> &shorter)
{
    if (longer.size() < shorter.size())
        return false;
    for (qsizetype i = 0; i < shorter.size(); ++i) {
        if (longer[i].id != shorter[i].id || longer[i].timeMs != shorter[i].timeMs)
            return false;
    }
    return true;
}

Topology ReplayData::topology(int version) const
{
    return topologyFromJson(QJsonDocument::fromJson(versions[version].json).object());
}

} // namespace warroom

namespace warroom {

QList<ChartData> nodeCharts(const QString &node)
{
    const QString prefix = u"node/" + node + u'/';
    ChartData cpu = chartNamed(node + u" CPU", QStringLiteral("%"));
    cpu.lines.append({QStringLiteral("cpu"), {}, prefix + u"cpu", 1.0});
    ChartData traffic = chartNamed(node + u" requests and errors", QStringLiteral("per s"));
    traffic.lines.append({QStringLiteral("requests"), {}, prefix + u"requests", 1.0});
    traffic.lines.append({QStringLiteral("errors"), {}, prefix + u"errors", 1.0});
    for (ChartData *c : {&cpu, &traffic}) {
        c->markerKinds = {toString(EventKind::NodeLaunched),  toString(EventKind::NodeInService),
                          toString(EventKind::NodeUnhealthy), toString(EventKind::NodeTerminated),
                          toString(EventKind::AlertFiring),   toString(EventKind::VerdictChanged)};
        c->markerNode = node;
    }
    return {cpu, traffic};
}

Result<QList<ChartData>> loadChartWindows(const QString &path, QList<ChartData> charts,
                                          qint64 fromMs, qint64 toMs, int columns,
                                          const std::function<bool()> &cancelled)
{
    auto opened = Recording::open(path);
    if (!opened)
        return opened.errors();
    const Recording &r = *opened.value();
    for (ChartData &chart : charts) {
        for (ChartLine &line : chart.lines) {
            if (cancelled && cancelled())
                return Error{QStringLiteral("cancelled"), path, 0, 0};
            if (const StoredSeries *series = r.seriesByKey(line.key))
                line.points = windowOf(r, *series, fromMs, toMs, columns, line.scale);
        }
    }
    return charts;
}

// What the map says when it has nothing to draw: no topology came yet (a live feed), or the one
// in effect at `t` is damaged (the header lists the damage).
QString emptyMapNote(const ReplayData &data, qint64 t)
{
    if (data.versions.isEmpty())
        return QStringLiteral("No topology yet: a live feed sends one as a \"topology\" "
                              "line (docs/feed-protocol.md).");
    auto after = std::upper_bound(data.versions.cbegin(), data.versions.cend(), t,
                                  [](qint64 at, const StoredTopology &v) { return at < v.timeMs; });
    const StoredTopology &inEffect = after == data.versions.cbegin() ? *after : *std::prev(after);
    if (t < inEffect.timeMs) // a live feed's first topology came after this
        return QStringLiteral("No topology at this time: the first one recorded is at %1 UTC.")
            .arg(formatUtc(inEffect.timeMs));
    if (inEffect.json.isEmpty())
        return QStringLiteral("The topology recorded at %1 UTC is damaged and cannot be "
                              "drawn.\nThe header lists what is damaged; "
                              "warroom-cli verify says more.")
            .arg(formatUtc(inEffect.timeMs));
    return {};
}

} // namespace warroom
