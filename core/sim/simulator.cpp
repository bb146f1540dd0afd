#include "simulator.h"

#include "autoscaler.h"
#include "core/analysis/analysis.h"
#include "core/analysis/reachability_engine.h"
#include "core/model/topology_json.h"
#include "load_curve.h"
#include "random.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <map>

namespace warroom {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr qint64 kMetricPeriodMs = 120000;
const float kNoValue = std::numeric_limits<float>::quiet_NaN();

enum Metric
{
    Cpu,
    Requests,
    Errors,
    Latency,
    MetricCount
};
const char16_t *const kMetricNames[] = {u"cpu", u"requests", u"errors", u"latency"};
const char16_t *const kMetricUnits[] = {u"%", u"req/s", u"err/s", u"ms"};

// Items created at `originMs` (an event raised by a customer's monitoring, say).
struct Bucket
{
    qint64 originMs = 0;
    double count = 0.0;
};

// Pops up to `amount` items from the front; calls `take(bucket, n)` for each part taken.
template<typename F> double popFront(std::deque<Bucket> &queue, double amount, F &&take)
{
    double taken = 0.0;
    while (amount > 1e-9 && !queue.empty()) {
        Bucket &front = queue.front();
        const double n = std::min(front.count, amount);
        take(front, n);
        front.count -= n;
        amount -= n;
        taken += n;
        if (front.count <= 1e-9)
            queue.pop_front();
    }
    return taken;
}

void pushBack(std::deque<Bucket> &queue, qint64 originMs, double count)
{
    if (count <= 1e-9)
        return;
    if (!queue.empty() && queue.back().originMs == originMs)
        queue.back().count += count;
    else
        queue.push_back({originMs, count});
}

// A usable instance a call sends to, with the share of the call's requests it receives.
struct Target
{
    int endpoint = -1;
    double weight = 0.0;
};

// An instance a call would need but cannot use, kept to explain failures.
struct Unusable
{
    int node = -1;
    Verdict verdict;
};

// One dependency of one endpoint, resolved against the verdicts of the moment.
struct Call
{
    int dependency = -1;
    double share = 1.0;
    bool required = true;
    double replication = 1.0; // writes per request (synchronous replication)
    int queue = -1;           // the queue spec its target role holds items of
    std::vector<Target> targets;
    double directHang = 0.0;   // share of its requests that go unanswered (blocked path)
    double directRefuse = 0.0; // share refused at once (target down)
    std::vector<Unusable> unusable;
};

// A role served by a node: requests of that role arrive here.
struct Endpoint
{
    int node = -1;
    QString role;
    int rank = 0;
    bool entry = false;  // the node's first role: its capacity limits what it accepts
    bool source = false; // sends the offered load
    int workerOf = -1;   // queue spec whose items it delivers
    int holds = -1;      // queue spec whose items it holds
    std::vector<Call> calls;
    bool healthy = true; // every required call can be served right now
    // per tick
    double in = 0.0;
    double accepted = 0.0;
    double fail = 0.0; // share of `in` that fails, as seen by the caller
    double hang = 0.0; // share of `in` left unanswered
    double latencyMs = 0.0;
    double errors = 0.0; // errors/s this endpoint answers
    double items = 0.0;  // items/s stored here
};

struct NodeRun
{
    bool present = false;
    bool inService = false;
    bool outOfRotation = false;
    qint64 launchedMs = 0;
    qint64 inServiceAtMs = 0;
    qint64 unhealthySinceMs = -1;
    double capacity = 100.0;
    int series[MetricCount] = {-1, -1, -1, -1};
    qint64 alertSinceMs = -1;
    bool alerting = false;
    std::deque<Bucket> backlog; // items held (queue nodes)
    double backlogCount = 0.0;
    std::vector<int> endpoints;
    int entry = -1;
};

struct GroupRun
{
    double capacity = 100.0; // of each new instance (a capacity change updates it)
    qint64 lastActionMs = -1;
    double smoothed = std::nan(""); // the metric averaged like an alarm period (2 minutes)
    QString lastHeld;
    int nextNumber = 1;
    int sizeSeries = -1;
    int metricSeries = -1;
};

// A backlog that grew beyond what one tick drains, until it is drained again.
struct Episode
{
    bool active = false;
    qint64 startMs = 0;
    double peak = 0.0;
    qint64 peakMs = 0;
    double delivered = 0.0;
    double late = 0.0;
};

struct QueueRun
{
    int backlogSeries = -1;
    int deliveredSeries = -1;
    int lateSeries = -1;
    int latencySeries = -1;
    Episode episode;
    bool alerting = false;
    qint64 clearSinceMs = -1;
    // this tick
    double delivered = 0.0;
    double late = 0.0;
    double maxLatencyMs = 0.0;
};

struct Surge
{
    qint64 fromMs = 0;
    qint64 untilMs = 0;
    qint64 decayMs = 0;
    double factor = 1.0;
};

struct Failover
{
    bool active = false;
    QString fromTag;
    QString toTag;
    qint64 atMs = 0;
    qint64 ttlMs = 0;
};

// What a scheduled change replaced, to put it back when its `for:` is over.
struct Undo
{
    ScheduledChange change;
    QList<std::pair<int, ElementState>> links;
    QList<std::pair<int, ElementState>> sites;
    QList<std::pair<int, ElementState>> nodes;
    Rule rule;
    int ruleIndex = -1;
    QList<std::pair<int, double>> capacities; // node, capacity
    double groupCapacity = 0.0;
};

bool hangs(const Reason &reason)
{
    switch (reason.kind) {
    case Reason::Kind::RuleDenied:
    case Reason::Kind::DefaultDenied:
    case Reason::Kind::NoRoute:
    case Reason::Kind::LinkUnknown:
    case Reason::Kind::NodeUnknown:
        return true;
    default:
        return false;
    }
}

bool usableVerdict(const Verdict &v)
{
    return v.state == VerdictState::Reachable || v.state == VerdictState::Degraded;
}

class Simulation
{
public:
    Simulation(const Scenario &scenario, Topology topology, const SimulationOptions &options,
               quint64 seed, EventSink &sink);
    SimulationStats run();

private:
    // time and output
    qint64 epoch(qint64 offsetMs) const { return m_startEpochMs + offsetMs; }
    void emitEvent(EventKind kind, const QString &node, const QString &subject, const QString &text,
                   QJsonObject details = {});
    void sample(int series, double value);
    int beginSeries(const QString &key, const QString &node, const QString &metric,
                    const QString &unit);
    void startRecording();
    void openNodeSeries(int node);
    void closeNodeSeries(int node);
    void recordTopology(const QString &reason);

    // the model
    const Topology &topo() const { return m_engine.topology(); }
    bool nodeUp(int node) const;
    QString siteOf(int node) const { return topo().sites[topo().nodes[node].site].id; }
    void computeRoleRanks();
    void rebuildPlan();
    void resolveCall(Endpoint &ep, int dependency, Call &call) const;
    int endpointOf(int node, const QString &role) const;
    void noteVerdicts(const QList<int> &edges, bool added);
    QString edgeText(int from, int to, int dependency, const Verdict &verdict) const;

    // each tick
    void tick();
    void applyDueChanges();
    void apply(const ScheduledChange &change);
    void undo(const Undo &undo);
    void setLinks(const QList<int> &links, ElementState state, Undo *undo, const QString &why);
    void advanceLifecycle();
    void drainQueues();
    void offerLoad();
    void flowForward();
    void flowBackward();
    void settleSources();
    void storeItems();
    void autoscale();
    void replaceUnhealthy();
    void watchService();
    void watchAlerts();
    void watchBacklogs();
    void recordSamples();

    // lifecycle
    int launch(const ScalingGroup &group, int site, const QString &why);
    void terminate(int node, const QString &why);
    double surgeFactor() const;
    QJsonArray causes() const;
    QJsonArray surfaced() const;

    const Scenario &m_scenario;
    const SimulationOptions &m_options;
    EventSink &m_sink;
    ReachabilityEngine m_engine;
    LoadCurve m_curve;
    Random m_random;
    SimulationStats m_stats;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};

    qint64 m_now = 0; // offset from the start
    qint64 m_tickMs = 1000;
    double m_tickSec = 1.0;
    qint64 m_startEpochMs = 0;
    qint64 m_endMs = 0;
    bool m_recording = false;

    std::map<QString, int> m_roleRank;
    std::vector<Endpoint> m_endpoints;
    std::vector<int> m_order; // endpoints by rank
    std::vector<int> m_sources;
    double m_sourceWeightTotal = 0.0;
    bool m_planDirty = true;
    std::vector<NodeRun> m_nodes;
    std::vector<GroupRun> m_groups;
    std::vector<QueueRun> m_queues;
    std::vector<VerdictState> m_edgeStates;
    std::vector<char> m_edgeSeen;

    int m_nextChange = 0;
    std::multimap<qint64, Undo> m_undos;
    std::vector<Surge> m_surges;
    Failover m_failover;

    // load of this tick
    double m_newRequests = 0.0; // requests created this tick
    std::vector<Bucket> m_retried;
    double m_offered = 0.0; // requests sent this tick (new and retried)
    double m_failed = 0.0;
    std::deque<Bucket> m_upstream; // failed requests waiting to be sent again
    double m_upstreamCount = 0.0;
    Episode m_upstreamEpisode;

    // service as its users see it
    QString m_serviceState = QStringLiteral("ok");
    qint64 m_serviceSinceMs = 0;
    double m_failedInState = 0.0;
    qint64 m_uptimeFailingSinceMs = -1;
    bool m_uptimeAlerting = false;
    int m_offeredSeries = -1;
    int m_failedSeries = -1;
    int m_ratioSeries = -1;
    int m_upstreamSeries = -1;
};

Simulation::Simulation(const Scenario &scenario, Topology topology,
                       const SimulationOptions &options, quint64 seed, EventSink &sink)
    : m_scenario(scenario)
    , m_options(options)
    , m_sink(sink)
    , m_engine(std::move(topology), 0)
    , m_curve(scenario.load, scenario.start)
    , m_random(seed)
{
    m_stats.seed = seed;
    m_tickMs = std::max<qint64>(10, scenario.simulation.tickMs);
    m_tickSec = double(m_tickMs) / 1000.0;
    m_startEpochMs = scenario.start.isValid() ? scenario.start.toMSecsSinceEpoch() : 0;
    m_endMs = options.toMs >= 0 ? options.toMs
                                : (scenario.durationMs > 0 ? scenario.durationMs : 86400000);
    computeRoleRanks();
    m_groups.resize(size_t(topo().groups.size()));
    for (int g = 0; g < topo().groups.size(); ++g)
        m_groups[size_t(g)].capacity = topo().groups[g].capacity;
    m_queues.resize(size_t(scenario.queues.size()));
    m_nodes.resize(size_t(topo().nodes.size()));
    for (int n = 0; n < topo().nodes.size(); ++n) {
        NodeRun &run = m_nodes[size_t(n)];
        const Node &node = topo().nodes[n];
        run.capacity = node.capacity;
        run.present = m_engine.nodePresent(n);
        run.inService = run.present;
        if (!node.group.isEmpty()) {
            GroupRun &g = m_groups[size_t(topo().groupIndex(node.group))];
            g.nextNumber++;
        }
    }
    m_edgeStates.resize(size_t(m_engine.edgeCount()));
    for (int e = 0; e < m_engine.edgeCount(); ++e)
        m_edgeStates[size_t(e)] = m_engine.verdict(e).state;
}

void Simulation::emitEvent(EventKind kind, const QString &node, const QString &subject,
                           const QString &text, QJsonObject details)
{
    if (!m_recording)
        return;
    Event e;
    e.timeMs = epoch(m_now);
    e.kind = kind;
    e.node = node;
    e.site =
        node.isEmpty() || topo().nodeIndex(node) < 0 ? QString() : siteOf(topo().nodeIndex(node));
    e.subject = subject;
    e.text = text;
    e.details = std::move(details);
    const QByteArray bytes = QByteArray::number(e.timeMs) + '|' + toString(e.kind).toUtf8() + '|' +
                             e.node.toUtf8() + '|' + e.site.toUtf8() + '|' + e.subject.toUtf8() +
                             '|' + e.text.toUtf8() + '|' +
                             QJsonDocument(e.details).toJson(QJsonDocument::Compact) + '\n';
    m_hash.addData(bytes);
    ++m_stats.events;
    m_sink.event(std::move(e));
}

void Simulation::sample(int series, double value)
{
    if (series < 0)
        return;
    const float v = float(value);
    quint32 bits;
    std::memcpy(&bits, &v, sizeof bits);
    m_stats.samplesHash = (m_stats.samplesHash ^ bits) * 0x100000001B3ull;
    ++m_stats.samples;
    m_sink.sample(series, v);
}

int Simulation::beginSeries(const QString &key, const QString &node, const QString &metric,
                            const QString &unit)
{
    return m_sink.beginSeries(SeriesInfo{key, node, metric, unit, epoch(m_now), m_tickMs});
}

void Simulation::openNodeSeries(int node)
{
    NodeRun &run = m_nodes[size_t(node)];
    if (!m_recording || run.series[0] >= 0)
        return;
    const QString id = topo().nodes[node].id;
    for (int m = 0; m < MetricCount; ++m)
        run.series[m] =
            beginSeries(u"node/" + id + u'/' + QStringView(kMetricNames[m]), id,
                        QString::fromUtf16(kMetricNames[m]), QString::fromUtf16(kMetricUnits[m]));
}

void Simulation::closeNodeSeries(int node)
{
    NodeRun &run = m_nodes[size_t(node)];
    for (int &s : run.series) {
        if (s >= 0)
            m_sink.endSeries(s);
        s = -1;
    }
}

void Simulation::startRecording()
{
    m_recording = true;
    m_stats.startMs = epoch(m_now);
    for (int g = 0; g < int(m_groups.size()); ++g) {
        const ScalingGroup &group = topo().groups[g];
        m_groups[size_t(g)].sizeSeries =
            beginSeries(u"group/" + group.id + u"/size", {}, QStringLiteral("size"),
                        QStringLiteral("instances"));
        m_groups[size_t(g)].metricSeries =
            beginSeries(u"group/" + group.id + u'/' + group.metric, {}, group.metric,
                        group.metric == u"cpu" ? QStringLiteral("%") : QString());
    }
    for (int q = 0; q < int(m_queues.size()); ++q) {
        const QString prefix = u"queue/" + m_scenario.queues[q].id + u'/';
        QueueRun &run = m_queues[size_t(q)];
        run.backlogSeries = beginSeries(prefix + u"backlog", {}, QStringLiteral("backlog"),
                                        QStringLiteral("items"));
        run.deliveredSeries = beginSeries(prefix + u"delivered", {}, QStringLiteral("delivered"),
                                          QStringLiteral("items/s"));
        run.lateSeries =
            beginSeries(prefix + u"late", {}, QStringLiteral("late"), QStringLiteral("items/s"));
        run.latencySeries = beginSeries(prefix + u"delivery_latency", {},
                                        QStringLiteral("delivery_latency"), QStringLiteral("ms"));
    }
    m_offeredSeries = beginSeries(QStringLiteral("service/offered"), {}, QStringLiteral("offered"),
                                  QStringLiteral("req/s"));
    m_failedSeries = beginSeries(QStringLiteral("service/failed"), {}, QStringLiteral("failed"),
                                 QStringLiteral("req/s"));
    m_ratioSeries = beginSeries(QStringLiteral("service/failure_ratio"), {},
                                QStringLiteral("failure_ratio"), QStringLiteral("%"));
    if (m_scenario.load.onFailure == FailurePolicy::Retry)
        m_upstreamSeries = beginSeries(QStringLiteral("upstream/backlog"), {},
                                       QStringLiteral("backlog"), QStringLiteral("items"));
    recordTopology(QStringLiteral("start"));
    if (m_serviceState != u"ok") // recording from the middle of an incident: say so first
        emitEvent(EventKind::ServiceState, {}, m_serviceState,
                  u"service " + m_serviceState + u" when the recording starts",
                  {{QStringLiteral("state"), m_serviceState},
                   {QStringLiteral("previous"), m_serviceState},
                   {QStringLiteral("causes"), causes()},
                   {QStringLiteral("surfaced"), surfaced()}});
}

void Simulation::recordTopology(const QString &reason)
{
    if (!m_recording)
        return;
    std::vector<char> present(m_nodes.size());
    for (size_t n = 0; n < m_nodes.size(); ++n)
        present[n] = m_nodes[n].present ? 1 : 0;
    m_sink.topologyVersion(epoch(m_now), reason, topologyToJsonBytes(topo(), present));
}

bool Simulation::nodeUp(int node) const
{
    const Node &n = topo().nodes[node];
    return m_nodes[size_t(node)].present && n.state != ElementState::Down &&
           topo().sites[n.site].state != ElementState::Down;
}

void Simulation::computeRoleRanks()
{
    // Longest chain of callers above each role; dependencies between roles are acyclic.
    QStringList roles;
    for (const Node &n : topo().nodes)
        roles += n.roles;
    for (const ScalingGroup &g : topo().groups)
        roles += g.roles;
    for (const QString &r : roles)
        m_roleRank[r] = 0;
    for (int pass = 0; pass < int(m_roleRank.size()) + 1; ++pass) {
        bool changed = false;
        for (const Dependency &d : topo().dependencies) {
            if (d.need == InstanceNeed::SameNode && d.fromRole == d.toRole)
                continue;
            const int want = m_roleRank[d.fromRole] + 1;
            if (m_roleRank[d.toRole] < want) {
                m_roleRank[d.toRole] = want;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
}

int Simulation::endpointOf(int node, const QString &role) const
{
    for (int e : m_nodes[size_t(node)].endpoints) {
        if (m_endpoints[size_t(e)].role == role)
            return e;
    }
    return -1;
}

void Simulation::rebuildPlan()
{
    m_planDirty = false;
    m_endpoints.clear();
    m_sources.clear();
    m_sourceWeightTotal = 0.0;
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        NodeRun &run = m_nodes[size_t(n)];
        run.endpoints.clear();
        run.entry = -1;
        if (!run.present)
            continue;
        const Node &node = topo().nodes[n];
        for (const QString &role : node.roles) {
            Endpoint ep;
            ep.node = n;
            ep.role = role;
            ep.rank = m_roleRank[role];
            ep.source = m_scenario.load.declared && role == m_scenario.load.sourceRole;
            for (int q = 0; q < m_scenario.queues.size(); ++q) {
                if (m_scenario.queues[q].role == role)
                    ep.holds = q;
                if (m_scenario.queues[q].workerRole == role)
                    ep.workerOf = q;
            }
            run.endpoints.push_back(int(m_endpoints.size()));
            if (run.entry < 0 || ep.rank < m_endpoints[size_t(run.entry)].rank)
                run.entry = int(m_endpoints.size());
            m_endpoints.push_back(std::move(ep));
        }
        if (run.entry >= 0)
            m_endpoints[size_t(run.entry)].entry = true;
    }
    for (Endpoint &ep : m_endpoints) {
        for (int d = 0; d < topo().dependencies.size(); ++d) {
            if (topo().dependencies[d].fromRole != ep.role)
                continue;
            Call call;
            resolveCall(ep, d, call);
            ep.calls.push_back(std::move(call));
        }
        ep.healthy = std::all_of(ep.calls.cbegin(), ep.calls.cend(), [](const Call &c) {
            return !c.required || (c.directHang + c.directRefuse) < 1e-9;
        });
        if (ep.source)
            m_sources.push_back(int(&ep - m_endpoints.data()));
    }
    // Weights of the sources: the site's share, split equally among its sources.
    std::map<QString, int> perSite;
    for (int s : m_sources)
        perSite[siteOf(m_endpoints[size_t(s)].node)]++;
    for (int s : m_sources) {
        const QString site = siteOf(m_endpoints[size_t(s)].node);
        m_endpoints[size_t(s)].items = 0.0;
        m_sourceWeightTotal += m_scenario.load.share.isEmpty()
                                   ? 1.0
                                   : m_scenario.load.share.value(site, 0.0) / perSite[site];
    }
    m_order.resize(m_endpoints.size());
    for (size_t i = 0; i < m_order.size(); ++i)
        m_order[i] = int(i);
    std::stable_sort(m_order.begin(), m_order.end(), [&](int a, int b) {
        return m_endpoints[size_t(a)].rank < m_endpoints[size_t(b)].rank;
    });
}

void Simulation::resolveCall(Endpoint &ep, int dependency, Call &call) const
{
    const Dependency &dep = topo().dependencies[dependency];
    const Node &node = topo().nodes[ep.node];
    call.dependency = dependency;
    call.share = dep.share;
    call.required = dep.required;
    for (int q = 0; q < m_scenario.queues.size(); ++q) {
        if (m_scenario.queues[q].role == dep.toRole)
            call.queue = q;
    }

    struct Candidate
    {
        int node;
        Verdict verdict;
    };
    // The candidate stacks and the share of requests each gets (DNS failover splits them).
    std::vector<std::pair<std::vector<Candidate>, double>> stacks;
    auto engineCandidates = [&] {
        std::vector<Candidate> out;
        const DependencyStatus status = m_engine.assess(node, dependency);
        for (int i = 0; i < status.targets.size(); ++i)
            out.push_back(
                {status.targets[i] < 0 ? ep.node : status.targets[i], status.verdicts[i]});
        return out;
    };
    const Failover &f = m_failover;
    if (f.active && dep.toTag == f.fromTag && !node.tags.contains(f.fromTag)) {
        std::vector<Candidate> standby;
        for (int n = 0; n < int(m_nodes.size()); ++n) {
            const Node &t = topo().nodes[n];
            if (m_nodes[size_t(n)].present && t.hasRole(dep.toRole) && t.tags.contains(f.toTag))
                standby.push_back({n, m_engine.evaluate(node, t, dep.port)});
        }
        const double moved =
            node.tags.contains(f.toTag)
                ? 1.0
                : (f.ttlMs <= 0 ? 1.0
                                : std::clamp(double(m_now - f.atMs) / double(f.ttlMs), 0.0, 1.0));
        if (moved < 1.0)
            stacks.emplace_back(engineCandidates(), 1.0 - moved);
        stacks.emplace_back(std::move(standby), moved);
    } else {
        stacks.emplace_back(engineCandidates(), 1.0);
    }

    if (dep.need == InstanceNeed::AtLeast)
        call.replication = dep.atLeast;
    for (const auto &[candidates, weight] : stacks) {
        std::vector<int> usable;
        bool anyHang = false;
        std::vector<Candidate> broken;
        for (const Candidate &c : candidates) {
            const NodeRun &run = m_nodes[size_t(c.node)];
            const bool inRotation = run.present && run.inService && !run.outOfRotation;
            const int target = endpointOf(c.node, dep.toRole);
            if (usableVerdict(c.verdict) && inRotation && target >= 0) {
                usable.push_back(target);
            } else if (!usableVerdict(c.verdict)) {
                anyHang = anyHang || hangs(c.verdict.reason);
                broken.push_back(c);
            } else if (dep.need == InstanceNeed::All || dep.need == InstanceNeed::SameNode) {
                broken.push_back(c); // warming up or out of rotation: refuses
            }
        }
        auto failAll = [&] { (anyHang ? call.directHang : call.directRefuse) += weight; };
        switch (dep.need) {
        case InstanceNeed::Any:
        case InstanceNeed::AtLeast: {
            const size_t need = dep.need == InstanceNeed::Any ? 1 : size_t(dep.atLeast);
            if (usable.size() < need) {
                failAll();
                break;
            }
            for (int t : usable)
                call.targets.push_back({t, weight / double(usable.size())});
            broken.clear(); // others serve: nothing failed
            break;
        }
        case InstanceNeed::All:
        case InstanceNeed::SameNode: {
            const double each = candidates.empty() ? 0.0 : weight / double(candidates.size());
            if (candidates.empty())
                failAll();
            for (int t : usable)
                call.targets.push_back({t, each});
            for (const Candidate &c : broken)
                (hangs(c.verdict.reason) ? call.directHang : call.directRefuse) += each;
            break;
        }
        }
        for (const Candidate &c : broken)
            call.unusable.push_back({c.node, c.verdict});
    }
}

QString Simulation::edgeText(int from, int to, int dependency, const Verdict &verdict) const
{
    return edgeReport(m_engine, topo().nodes[from], topo().nodes[to], dependency, verdict).text();
}

void Simulation::noteVerdicts(const QList<int> &edges, bool added)
{
    m_edgeStates.resize(size_t(m_engine.edgeCount()), VerdictState::Reachable);
    for (int e : edges) {
        const Verdict &v = m_engine.verdict(e);
        const VerdictState before = m_edgeStates[size_t(e)];
        m_edgeStates[size_t(e)] = v.state;
        // A new edge is news when it is broken by a rule or a cut, not by an instance that is
        // simply not running.
        const bool notRunning =
            v.reason.kind == Reason::Kind::TargetDown || v.reason.kind == Reason::Kind::SourceDown;
        if (!m_engine.edgeAlive(e) ||
            (added ? v.state == VerdictState::Reachable || notRunning : before == v.state))
            continue;
        const DependencyEdge &edge = m_engine.edge(e);
        const Node &from = topo().nodes[edge.from];
        emitEvent(EventKind::VerdictChanged, from.id, topo().nodes[edge.to].id,
                  edgeText(edge.from, edge.to, edge.dependency, v),
                  {{QStringLiteral("dependency"), topo().dependencies[edge.dependency].id},
                   {QStringLiteral("from"), from.id},
                   {QStringLiteral("to"), topo().nodes[edge.to].id},
                   {QStringLiteral("to_site"), siteOf(edge.to)},
                   {QStringLiteral("port"), topo().dependencies[edge.dependency].port},
                   {QStringLiteral("state"), toString(v.state)},
                   {QStringLiteral("previous"), added ? QString() : toString(before)},
                   {QStringLiteral("reason"), verdictText(v.state, v.reason)},
                   {QStringLiteral("rule"),
                    v.reason.kind == Reason::Kind::RuleDenied ? v.reason.subject : QString()}});
    }
    m_planDirty = true;
}

SimulationStats Simulation::run()
{
    const qint64 from = std::clamp<qint64>(m_options.fromMs, 0, m_endMs);
    qint64 lastProgress = -1;
    for (m_now = 0; m_now < m_endMs; m_now += m_tickMs) {
        if (!m_recording && m_now >= from)
            startRecording();
        tick();
        ++m_stats.ticks;
        if (m_options.progress && m_now / 3600000 != lastProgress) {
            lastProgress = m_now / 3600000;
            m_options.progress(m_now, m_endMs);
        }
    }
    if (!m_recording)
        startRecording();
    if (m_options.progress)
        m_options.progress(m_endMs, m_endMs);
    m_stats.endMs = epoch(m_endMs);
    m_stats.eventsHash = m_hash.result().toHex();
    return m_stats;
}

void Simulation::tick()
{
    applyDueChanges();
    advanceLifecycle();
    if (m_failover.active && m_now - m_failover.atMs <= m_failover.ttlMs + m_tickMs)
        m_planDirty = true; // clients move to the new stack as their DNS caches expire
    if (m_planDirty)
        rebuildPlan();
    for (Endpoint &ep : m_endpoints) {
        ep.in = 0.0;
        ep.items = 0.0;
    }
    drainQueues();
    offerLoad();
    flowForward();
    flowBackward();
    settleSources();
    storeItems();
    watchService();
    watchAlerts();
    watchBacklogs();
    recordSamples();
    replaceUnhealthy();
    autoscale();
}

void Simulation::applyDueChanges()
{
    while (!m_undos.empty() && m_undos.begin()->first <= m_now) {
        const Undo u = m_undos.begin()->second;
        m_undos.erase(m_undos.begin());
        undo(u);
    }
    while (m_nextChange < m_scenario.changes.size() &&
           m_scenario.changes[m_nextChange].atMs <= m_now)
        apply(m_scenario.changes[m_nextChange++]);
    // Nodes declared with a later start join now.
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        const Node &node = topo().nodes[n];
        if (!m_nodes[size_t(n)].present && node.startMs > 0 && node.startMs <= m_now &&
            node.startMs > m_now - m_tickMs) {
            noteVerdicts(m_engine.addNode(node), true);
            NodeRun &run = m_nodes[size_t(n)];
            run.present = run.inService = true;
            run.launchedMs = m_now;
            emitEvent(EventKind::NodeLaunched, node.id, node.group,
                      node.id + u" started in " + siteOf(n) + u" (declared start)");
            recordTopology(u"started " + node.id);
        }
    }
}

void Simulation::setLinks(const QList<int> &links, ElementState state, Undo *undo,
                          const QString &why)
{
    for (int l : links) {
        const Link &link = topo().links[l];
        if (link.state == state)
            continue;
        if (undo)
            undo->links.append({l, link.state});
        noteVerdicts(m_engine.setLinkState(l, state), false);
        const EventKind kind =
            state == ElementState::Down
                ? EventKind::LinkDown
                : (state == ElementState::Up ? EventKind::LinkUp : EventKind::LinkDegraded);
        emitEvent(kind, {}, link.id, u"link " + link.id + u' ' + toString(state) + u": " + why,
                  {{QStringLiteral("link"), link.id},
                   {QStringLiteral("state"), toString(state)},
                   {QStringLiteral("between"),
                    QJsonArray{topo().sites[link.siteA].id, topo().sites[link.siteB].id}}});
    }
}

void Simulation::apply(const ScheduledChange &c)
{
    using K = ScheduledChange::Kind;
    Undo u;
    u.change = c;
    const Topology &t = topo();
    const QString why = c.note.isEmpty() ? toString(c.kind) + u' ' + c.target : c.note;
    QJsonObject details{{QStringLiteral("change"), toString(c.kind)},
                        {QStringLiteral("target"), c.target},
                        {QStringLiteral("for_ms"), c.forMs},
                        {QStringLiteral("note"), c.note},
                        {QStringLiteral("line"), c.place.line}};
    emitEvent(EventKind::FaultStarted, {}, c.id(),
              toString(c.kind) + u' ' + c.target +
                  (c.forMs > 0 ? u" for " + formatDuration(c.forMs) : QString()) +
                  (c.note.isEmpty() ? QString() : u": " + c.note),
              details);
    auto internetLinks = [&](auto &&inScope) {
        QList<int> out;
        for (int l = 0; l < t.links.size(); ++l) {
            const Site &a = t.sites[t.links[l].siteA];
            const Site &b = t.sites[t.links[l].siteB];
            if ((inScope(a) && b.kind == SiteKind::Internet) ||
                (inScope(b) && a.kind == SiteKind::Internet))
                out.append(l);
        }
        return out;
    };
    switch (c.kind) {
    case K::LinkDown:
    case K::LinkUp:
    case K::LinkDegraded:
        setLinks({t.linkIndex(c.target)},
                 c.kind == K::LinkDown
                     ? ElementState::Down
                     : (c.kind == K::LinkUp ? ElementState::Up : ElementState::Degraded),
                 &u, why);
        break;
    case K::SiteOffline:
        setLinks(internetLinks([&](const Site &s) { return s.id == c.target; }), ElementState::Down,
                 &u, why);
        break;
    case K::RegionOffline:
        setLinks(internetLinks([&](const Site &s) { return s.region == c.target; }),
                 ElementState::Down, &u, why);
        break;
    case K::SiteDown:
    case K::SiteUp: {
        const int s = t.siteIndex(c.target);
        const ElementState state = c.kind == K::SiteDown ? ElementState::Down : ElementState::Up;
        u.sites.append({s, t.sites[s].state});
        noteVerdicts(m_engine.setSiteState(s, state), false);
        emitEvent(c.kind == K::SiteDown ? EventKind::SiteDown : EventKind::SiteUp, {}, c.target,
                  u"site " + c.target + u' ' + toString(state) + u": " + why);
        break;
    }
    case K::NodeCrash:
    case K::NodeRestart: {
        const int n = t.nodeIndex(c.target);
        const ElementState state = c.kind == K::NodeCrash ? ElementState::Down : ElementState::Up;
        u.nodes.append({n, t.nodes[n].state});
        noteVerdicts(m_engine.setNodeState(n, state), false);
        emitEvent(c.kind == K::NodeCrash ? EventKind::NodeCrashed : EventKind::NodeRestarted,
                  c.target, {}, c.target + (c.kind == K::NodeCrash ? u" crashed" : u" restarted"));
        break;
    }
    case K::RuleAdd:
    case K::RuleCorrect:
    case K::RuleRemove: {
        const int index = t.ruleIndex(c.target);
        u.ruleIndex = index;
        if (index >= 0) {
            u.rule = t.rules[index];
            noteVerdicts(m_engine.removeRule(index), false);
        }
        if (c.kind != K::RuleRemove) {
            const int before = c.before.isEmpty() ? -1 : topo().ruleIndex(c.before);
            const int at = index >= 0 ? index : (before >= 0 ? before : int(topo().rules.size()));
            noteVerdicts(m_engine.insertRule(at, c.rule), false);
        }
        const EventKind kind =
            c.kind == K::RuleAdd
                ? EventKind::RuleAdded
                : (c.kind == K::RuleRemove ? EventKind::RuleRemoved : EventKind::RuleCorrected);
        emitEvent(kind, {}, c.target,
                  u"rule " + c.target + u' ' + toString(kind).section(u'.', 1) + u": " + why,
                  {{QStringLiteral("rule"), c.target}, {QStringLiteral("line"), c.place.line}});
        recordTopology(u"rule " + c.target);
        break;
    }
    case K::Capacity: {
        const int group = t.groupIndex(c.target);
        for (int n = 0; n < int(m_nodes.size()); ++n) {
            if (t.nodes[n].id == c.target || (group >= 0 && t.nodes[n].group == c.target)) {
                u.capacities.append({n, m_nodes[size_t(n)].capacity});
                m_nodes[size_t(n)].capacity = c.capacity;
            }
        }
        if (group >= 0) {
            u.groupCapacity = m_groups[size_t(group)].capacity;
            m_groups[size_t(group)].capacity = c.capacity;
        }
        emitEvent(EventKind::CapacityChanged, {}, c.target,
                  u"capacity of " + c.target + u" set to " + QString::number(c.capacity));
        break;
    }
    case K::Failover: {
        for (int n = 0; n < int(m_nodes.size()); ++n) {
            const Node &node = t.nodes[n];
            if (node.tags.contains(c.toTag) && node.state == ElementState::Down) {
                noteVerdicts(m_engine.setNodeState(n, ElementState::Up), false);
                emitEvent(EventKind::NodeRestarted, node.id, c.toTag,
                          node.id + u" started for the failover to " + c.toTag);
            }
        }
        m_failover = {true, c.fromTag, c.toTag, m_now, c.dnsTtlMs};
        emitEvent(EventKind::DnsFailover, {}, c.target,
                  u"DNS now points at the " + c.toTag + u" stack; clients follow within TTL " +
                      formatDuration(c.dnsTtlMs),
                  {{QStringLiteral("from_tag"), c.fromTag},
                   {QStringLiteral("to_tag"), c.toTag},
                   {QStringLiteral("dns_ttl_ms"), c.dnsTtlMs}});
        break;
    }
    }
    if (c.surgeFactor != 1.0)
        m_surges.push_back(
            {m_now, c.forMs > 0 ? m_now + c.forMs : m_endMs, c.surgeDecayMs, c.surgeFactor});
    if (c.forMs > 0)
        m_undos.emplace(m_now + c.forMs, std::move(u));
    m_planDirty = true;
}

void Simulation::undo(const Undo &u)
{
    const ScheduledChange &c = u.change;
    const QString why = u"end of " + c.id();
    for (const auto &[link, state] : u.links)
        setLinks({link}, state, nullptr, why);
    for (const auto &[site, state] : u.sites) {
        noteVerdicts(m_engine.setSiteState(site, state), false);
        emitEvent(state == ElementState::Down ? EventKind::SiteDown : EventKind::SiteUp, {},
                  topo().sites[site].id,
                  u"site " + topo().sites[site].id + u' ' + toString(state) + u": " + why);
    }
    for (const auto &[node, state] : u.nodes) {
        noteVerdicts(m_engine.setNodeState(node, state), false);
        emitEvent(state == ElementState::Down ? EventKind::NodeCrashed : EventKind::NodeRestarted,
                  topo().nodes[node].id, {}, topo().nodes[node].id + u' ' + toString(state));
    }
    using K = ScheduledChange::Kind;
    if (c.kind == K::RuleAdd || c.kind == K::RuleCorrect || c.kind == K::RuleRemove) {
        if (const int now = topo().ruleIndex(c.target); now >= 0)
            noteVerdicts(m_engine.removeRule(now), false);
        if (u.ruleIndex >= 0)
            noteVerdicts(m_engine.insertRule(u.ruleIndex, u.rule), false);
        emitEvent(EventKind::RuleCorrected, {}, c.target,
                  u"rule " + c.target + u" restored: " + why);
        recordTopology(u"rule " + c.target);
    }
    for (const auto &[node, capacity] : u.capacities)
        m_nodes[size_t(node)].capacity = capacity;
    if (c.kind == K::Capacity && topo().groupIndex(c.target) >= 0)
        m_groups[size_t(topo().groupIndex(c.target))].capacity = u.groupCapacity;
    if (c.kind == K::Failover)
        m_failover.active = false;
    emitEvent(EventKind::FaultEnded, {}, c.id(), toString(c.kind) + u' ' + c.target + u" over");
    m_planDirty = true;
}

void Simulation::advanceLifecycle()
{
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        NodeRun &run = m_nodes[size_t(n)];
        if (run.present && !run.inService && run.inServiceAtMs <= m_now) {
            run.inService = true;
            m_planDirty = true;
            emitEvent(EventKind::NodeInService, topo().nodes[n].id, topo().nodes[n].group,
                      topo().nodes[n].id + u" warmed up: in service");
        }
    }
}

void Simulation::drainQueues()
{
    for (QueueRun &q : m_queues) {
        q.delivered = q.late = 0.0;
        q.maxLatencyMs = kNoValue;
    }
    for (Endpoint &w : m_endpoints) {
        if (w.workerOf < 0 || !nodeUp(w.node) || !m_nodes[size_t(w.node)].inService || !w.healthy)
            continue;
        const QueueSpec &spec = m_scenario.queues[w.workerOf];
        QueueRun &q = m_queues[size_t(w.workerOf)];
        std::vector<int> holders;
        double available = 0.0;
        for (const Call &call : w.calls) {
            if (call.queue != w.workerOf)
                continue;
            for (const Target &t : call.targets) {
                holders.push_back(m_endpoints[size_t(t.endpoint)].node);
                available += m_nodes[size_t(holders.back())].backlogCount;
            }
        }
        const double take = std::min(available, m_nodes[size_t(w.node)].capacity * m_tickSec);
        if (take <= 1e-9)
            continue;
        for (int holder : holders) {
            NodeRun &h = m_nodes[size_t(holder)];
            const double part = take * h.backlogCount / available;
            h.backlogCount -= popFront(h.backlog, part, [&](const Bucket &b, double n) {
                const double latency = double(m_now - b.originMs);
                q.delivered += n;
                if (spec.targetMs > 0 && latency > spec.targetMs)
                    q.late += n;
                q.maxLatencyMs =
                    std::isnan(q.maxLatencyMs) ? latency : std::max(q.maxLatencyMs, latency);
            });
        }
        w.in = take / m_tickSec;
    }
}

double Simulation::surgeFactor() const
{
    double f = 1.0;
    for (const Surge &s : m_surges) {
        if (m_now < s.fromMs)
            continue;
        if (m_now < s.untilMs)
            f *= s.factor;
        else if (s.decayMs > 0 && m_now < s.untilMs + s.decayMs)
            f *= 1.0 + (s.factor - 1.0) * (1.0 - double(m_now - s.untilMs) / s.decayMs);
    }
    return f;
}

void Simulation::offerLoad()
{
    const LoadProfile &load = m_scenario.load;
    m_retried.clear();
    m_newRequests = 0.0;
    m_offered = 0.0;
    if (!load.declared || m_sources.empty())
        return;
    double rate = m_curve.rate(m_now) * surgeFactor();
    if (load.noise > 0)
        rate *= std::max(0.0, 1.0 + load.noise * m_random.normal());
    m_newRequests = rate * m_tickSec;
    if (load.onFailure == FailurePolicy::Retry) {
        const double budget = (load.retryRate > 0 ? load.retryRate : 10.0 * load.rate) * m_tickSec;
        m_upstreamCount -= popFront(m_upstream, budget, [&](const Bucket &b, double n) {
            m_retried.push_back({b.originMs, n});
        });
    }
    double retried = 0.0;
    for (const Bucket &b : m_retried)
        retried += b.count;
    m_offered = m_newRequests + retried;
    for (int s : m_sources) {
        Endpoint &ep = m_endpoints[size_t(s)];
        const double weight = load.share.isEmpty() ? 1.0 : load.share.value(siteOf(ep.node), 0.0);
        ep.in = m_sourceWeightTotal > 0 ? m_offered / m_tickSec * weight / m_sourceWeightTotal : 0;
    }
}

void Simulation::flowForward()
{
    for (int index : m_order) {
        Endpoint &ep = m_endpoints[size_t(index)];
        if (ep.in <= 0.0) {
            ep.accepted = 0.0;
            continue;
        }
        const NodeRun &run = m_nodes[size_t(ep.node)];
        const double limit =
            !nodeUp(ep.node) ? 0.0 : (ep.entry && !ep.source ? run.capacity : kInf);
        ep.accepted = std::min(ep.in, limit);
        for (const Call &call : ep.calls) {
            const double demand = ep.accepted * call.share;
            for (const Target &t : call.targets) {
                Endpoint &target = m_endpoints[size_t(t.endpoint)];
                target.in += demand * t.weight * call.replication;
                if (call.queue >= 0 && call.queue != ep.workerOf) // a worker's calls read
                    target.items += demand * t.weight;
            }
        }
    }
}

void Simulation::flowBackward()
{
    const double timeoutMs = double(m_scenario.simulation.timeoutMs);
    const double serviceMs = m_scenario.simulation.serviceTimeMs;
    for (auto it = m_order.rbegin(); it != m_order.rend(); ++it) {
        Endpoint &ep = m_endpoints[size_t(*it)];
        const double reject = ep.in > 0.0 ? 1.0 - ep.accepted / ep.in : 0.0;
        double ok = 1.0;
        double answered = 1.0;
        double latency = serviceMs;
        if (ep.entry && !ep.source && ep.in > 0.0) {
            const double utilisation =
                ep.accepted / std::max(1e-9, m_nodes[size_t(ep.node)].capacity);
            latency = serviceMs / std::max(0.05, 1.0 - std::min(utilisation, 1.0));
        }
        for (const Call &call : ep.calls) {
            double downstream = 0.0;
            double weights = 0.0;
            double callLatency = 0.0;
            for (const Target &t : call.targets) {
                const Endpoint &target = m_endpoints[size_t(t.endpoint)];
                downstream += t.weight * target.fail;
                weights += t.weight;
                callLatency +=
                    t.weight * ((1.0 - target.hang) * target.latencyMs + target.hang * timeoutMs);
            }
            const double failed = std::min(1.0, call.directHang + call.directRefuse + downstream);
            ok *= 1.0 - call.share * failed;
            answered *= 1.0 - call.share * call.directHang;
            if (weights > 0.0)
                latency += call.share * callLatency / weights;
        }
        ep.fail = reject + (1.0 - reject) * (1.0 - ok);
        ep.hang = (1.0 - reject) * (1.0 - answered);
        ep.errors = ep.in * std::max(0.0, ep.fail - ep.hang);
        ep.latencyMs = latency;
    }
}

void Simulation::settleSources()
{
    m_failed = 0.0;
    if (m_offered <= 0.0)
        return;
    double failedShare = 0.0;
    double weight = 0.0;
    for (int s : m_sources) {
        const Endpoint &ep = m_endpoints[size_t(s)];
        failedShare += ep.in * ep.fail;
        weight += ep.in;
    }
    failedShare = weight > 0 ? failedShare / weight : 0.0;
    m_failed = m_offered * failedShare;
    if (m_scenario.load.onFailure != FailurePolicy::Retry || failedShare <= 0.0)
        return;
    // Failed retries go back to the front in their order, new failures to the back.
    for (auto it = m_retried.rbegin(); it != m_retried.rend(); ++it) {
        const double n = it->count * failedShare;
        if (n > 1e-9) {
            if (!m_upstream.empty() && m_upstream.front().originMs == it->originMs)
                m_upstream.front().count += n;
            else
                m_upstream.push_front({it->originMs, n});
            m_upstreamCount += n;
        }
    }
    pushBack(m_upstream, m_now, m_newRequests * failedShare);
    m_upstreamCount += m_newRequests * failedShare;
}

void Simulation::storeItems()
{
    if (m_offered <= 0.0)
        return;
    for (Endpoint &ep : m_endpoints) {
        if (ep.holds < 0 || ep.items <= 0.0)
            continue;
        NodeRun &run = m_nodes[size_t(ep.node)];
        const double items = ep.items * m_tickSec;
        // Stored items keep the age of the requests that carried them.
        for (const Bucket &b : m_retried)
            pushBack(run.backlog, b.originMs, items * b.count / m_offered);
        pushBack(run.backlog, m_now, items * m_newRequests / m_offered);
        run.backlogCount += items;
    }
}

QJsonArray Simulation::causes() const
{
    // The hops that actually fail: blocked or refused calls that carry requests right now.
    QJsonArray out;
    QStringList seen;
    for (const Endpoint &ep : m_endpoints) {
        if (ep.accepted <= 0.0)
            continue;
        for (const Call &call : ep.calls) {
            for (const Unusable &u : call.unusable) {
                const QString text = edgeText(ep.node, u.node, call.dependency, u.verdict);
                if (seen.contains(text) || seen.size() >= 12)
                    continue;
                seen.append(text);
                out.append(QJsonObject{
                    {QStringLiteral("from"), topo().nodes[ep.node].id},
                    {QStringLiteral("to"), topo().nodes[u.node].id},
                    {QStringLiteral("dependency"), topo().dependencies[call.dependency].id},
                    {QStringLiteral("reason"), verdictText(u.verdict.state, u.verdict.reason)},
                    {QStringLiteral("rule"), u.verdict.reason.kind == Reason::Kind::RuleDenied
                                                 ? u.verdict.reason.subject
                                                 : QString()},
                    {QStringLiteral("text"), text}});
            }
        }
    }
    return out;
}

QJsonArray Simulation::surfaced() const
{
    // Where the errors show: the hops answering errors, most first.
    std::vector<std::pair<double, int>> errors;
    for (int i = 0; i < int(m_endpoints.size()); ++i) {
        if (m_endpoints[size_t(i)].errors > 1e-6 && !m_endpoints[size_t(i)].source)
            errors.emplace_back(-m_endpoints[size_t(i)].errors, i);
    }
    std::sort(errors.begin(), errors.end());
    QJsonArray out;
    for (size_t i = 0; i < errors.size() && i < 8; ++i) {
        const Endpoint &ep = m_endpoints[size_t(errors[i].second)];
        out.append(QJsonObject{{QStringLiteral("node"), topo().nodes[ep.node].id},
                               {QStringLiteral("role"), ep.role},
                               {QStringLiteral("site"), siteOf(ep.node)},
                               {QStringLiteral("errors_per_s"), -errors[i].first}});
    }
    return out;
}

void Simulation::watchService()
{
    const ServiceLevel &sl = m_scenario.serviceLevel;
    const double ratio = m_offered > 0.0 ? m_failed / m_offered : 0.0;
    const QString state =
        ratio > sl.outageAbove
            ? QStringLiteral("outage")
            : (ratio > sl.degradedAbove ? QStringLiteral("degraded") : QStringLiteral("ok"));
    if (state != m_serviceState) {
        QJsonObject details{{QStringLiteral("state"), state},
                            {QStringLiteral("previous"), m_serviceState},
                            {QStringLiteral("failure_ratio"), ratio},
                            {QStringLiteral("previous_since_ms"), epoch(m_serviceSinceMs)},
                            {QStringLiteral("failed_in_previous"), std::round(m_failedInState)}};
        if (state != u"ok") {
            details.insert(QStringLiteral("causes"), causes());
            details.insert(QStringLiteral("surfaced"), surfaced());
        }
        QString text = u"service " + state + u": " + QString::number(ratio * 100.0, 'f', 1) +
                       u" % of requests fail";
        const QJsonArray why = details.value(QStringLiteral("causes")).toArray();
        if (!why.isEmpty())
            text += u"; " + why.first().toObject().value(QStringLiteral("text")).toString();
        emitEvent(EventKind::ServiceState, {}, state, text, details);
        m_serviceState = state;
        m_serviceSinceMs = m_now;
        m_failedInState = 0.0;
    }
    m_failedInState += m_failed;

    // The public uptime check: fails while the outage lasts.
    if (ratio > sl.outageAbove) {
        if (m_uptimeFailingSinceMs < 0)
            m_uptimeFailingSinceMs = m_now;
        if (!m_uptimeAlerting && m_now - m_uptimeFailingSinceMs >= sl.alertForMs) {
            m_uptimeAlerting = true;
            emitEvent(EventKind::AlertFiring, {}, QStringLiteral("UptimeCheckFailing"),
                      u"UptimeCheckFailing: " + QString::number(ratio * 100.0, 'f', 1) +
                          u" % of checks fail for " + formatDuration(sl.alertForMs));
        }
    } else {
        m_uptimeFailingSinceMs = -1;
        if (m_uptimeAlerting) {
            m_uptimeAlerting = false;
            emitEvent(EventKind::AlertResolved, {}, QStringLiteral("UptimeCheckFailing"),
                      QStringLiteral("UptimeCheckFailing resolved"));
        }
    }
}

void Simulation::watchAlerts()
{
    const ServiceLevel &sl = m_scenario.serviceLevel;
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        NodeRun &run = m_nodes[size_t(n)];
        if (!run.present || run.entry < 0 || m_endpoints[size_t(run.entry)].source)
            continue;
        double errors = 0.0;
        for (int e : run.endpoints)
            errors += m_endpoints[size_t(e)].errors;
        const double requests = m_endpoints[size_t(run.entry)].in;
        const double ratio = requests > 0.0 ? errors / requests : 0.0;
        const QString &id = topo().nodes[n].id;
        if (ratio > sl.alertErrorRatio) {
            if (run.alertSinceMs < 0)
                run.alertSinceMs = m_now;
            if (!run.alerting && m_now - run.alertSinceMs >= sl.alertForMs) {
                run.alerting = true;
                emitEvent(EventKind::AlertFiring, id, QStringLiteral("HighErrorRate"),
                          u"HighErrorRate on " + id + u": " +
                              QString::number(ratio * 100.0, 'f', 1) +
                              u" % of requests answered with errors or timeouts",
                          {{QStringLiteral("ratio"), ratio},
                           {QStringLiteral("role"), m_endpoints[size_t(run.entry)].role}});
            }
        } else {
            run.alertSinceMs = -1;
            if (run.alerting) {
                run.alerting = false;
                emitEvent(EventKind::AlertResolved, id, QStringLiteral("HighErrorRate"),
                          u"HighErrorRate on " + id + u" resolved");
            }
        }
    }
}

void Simulation::watchBacklogs()
{
    auto watch = [&](Episode &episode, const QString &subject, double backlog, qint64 oldestMs) {
        const qint64 age = backlog >= 1.0 ? m_now - oldestMs : 0;
        if (!episode.active && age > 2 * m_tickMs) {
            episode = {true, m_now, backlog, m_now, 0.0, 0.0};
            emitEvent(EventKind::BacklogStarted, {}, subject,
                      subject + u" backlog building: " + QString::number(qint64(backlog)) +
                          u" items waiting, oldest " + formatDuration(age));
        } else if (episode.active) {
            if (backlog > episode.peak) {
                episode.peak = backlog;
                episode.peakMs = m_now;
            }
            if (age <= m_tickMs) {
                episode.active = false;
                emitEvent(EventKind::BacklogDrained, {}, subject,
                          subject + u" backlog drained: peak " +
                              QString::number(qint64(episode.peak)) + u" items, drained " +
                              formatDuration(m_now - episode.peakMs) + u" after the peak",
                          {{QStringLiteral("peak"), std::round(episode.peak)},
                           {QStringLiteral("peak_ms"), epoch(episode.peakMs)},
                           {QStringLiteral("started_ms"), epoch(episode.startMs)},
                           {QStringLiteral("drain_ms"), m_now - episode.peakMs},
                           {QStringLiteral("delivered"), std::round(episode.delivered)},
                           {QStringLiteral("late"), std::round(episode.late)}});
            }
        }
    };
    for (int q = 0; q < int(m_queues.size()); ++q) {
        QueueRun &run = m_queues[size_t(q)];
        double backlog = 0.0;
        qint64 oldest = m_now;
        for (const Endpoint &ep : m_endpoints) {
            if (ep.holds != q)
                continue;
            const NodeRun &holder = m_nodes[size_t(ep.node)];
            backlog += holder.backlogCount;
            if (!holder.backlog.empty())
                oldest = std::min(oldest, holder.backlog.front().originMs);
        }
        if (run.episode.active) {
            run.episode.delivered += run.delivered;
            run.episode.late += run.late;
        }
        watch(run.episode, m_scenario.queues[q].id, backlog, oldest);
        // Late while items wait (or were delivered) beyond the target; resolved only after
        // a whole alert period without, so that a draining backlog does not flap.
        const qint64 target = m_scenario.queues[q].targetMs;
        const bool late =
            target > 0 && ((backlog >= 1.0 && m_now - oldest > target) || run.late > 0.0);
        const QString name = QStringLiteral("DeliveriesLate");
        if (late && !run.alerting) {
            run.alerting = true;
            emitEvent(EventKind::AlertFiring, {}, name,
                      name + u": " + m_scenario.queues[q].id + u" items wait longer than " +
                          formatDuration(target));
        }
        if (late)
            run.clearSinceMs = -1;
        else if (run.alerting && run.clearSinceMs < 0)
            run.clearSinceMs = m_now;
        if (run.alerting && !late &&
            m_now - run.clearSinceMs >= m_scenario.serviceLevel.alertForMs) {
            run.alerting = false;
            emitEvent(EventKind::AlertResolved, {}, name, name + u" resolved");
        }
    }
    if (m_scenario.load.onFailure == FailurePolicy::Retry)
        watch(m_upstreamEpisode, QStringLiteral("upstream"), m_upstreamCount,
              m_upstream.empty() ? m_now : m_upstream.front().originMs);
}

void Simulation::recordSamples()
{
    if (!m_recording)
        return;
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        if (!m_nodes[size_t(n)].present)
            continue;
        openNodeSeries(n); // a node's series starts with its first sample
        const NodeRun &run = m_nodes[size_t(n)];
        double errors = 0.0;
        for (int e : run.endpoints)
            errors += m_endpoints[size_t(e)].errors;
        const Endpoint *entry = run.entry >= 0 ? &m_endpoints[size_t(run.entry)] : nullptr;
        const double requests = entry ? entry->in : 0.0;
        const bool busy = entry && !entry->source && nodeUp(n);
        sample(run.series[Cpu],
               busy ? std::min(100.0, 100.0 * entry->accepted / run.capacity) : 0.0);
        sample(run.series[Requests], requests);
        sample(run.series[Errors], errors);
        sample(run.series[Latency], requests > 0.0 ? entry->latencyMs : kNoValue);
    }
    for (int g = 0; g < int(m_groups.size()); ++g) {
        const ScalingGroup &group = topo().groups[g];
        int size = 0;
        double sum = 0.0;
        int inService = 0;
        for (int n = 0; n < int(m_nodes.size()); ++n) {
            const NodeRun &run = m_nodes[size_t(n)];
            if (!run.present || topo().nodes[n].group != group.id)
                continue;
            ++size;
            if (run.inService && run.entry >= 0) {
                sum +=
                    std::min(100.0, 100.0 * m_endpoints[size_t(run.entry)].accepted / run.capacity);
                ++inService;
            }
        }
        sample(m_groups[size_t(g)].sizeSeries, size);
        sample(m_groups[size_t(g)].metricSeries, inService ? sum / inService : kNoValue);
    }
    for (int q = 0; q < int(m_queues.size()); ++q) {
        const QueueRun &run = m_queues[size_t(q)];
        double backlog = 0.0;
        for (const Endpoint &ep : m_endpoints) {
            if (ep.holds == q)
                backlog += m_nodes[size_t(ep.node)].backlogCount;
        }
        sample(run.backlogSeries, backlog);
        sample(run.deliveredSeries, run.delivered / m_tickSec);
        sample(run.lateSeries, run.late / m_tickSec);
        sample(run.latencySeries, run.maxLatencyMs);
    }
    sample(m_offeredSeries, m_offered / m_tickSec);
    sample(m_failedSeries, m_failed / m_tickSec);
    sample(m_ratioSeries, m_offered > 0.0 ? 100.0 * m_failed / m_offered : 0.0);
    sample(m_upstreamSeries, m_upstreamCount);
}

int Simulation::launch(const ScalingGroup &group, int site, const QString &why)
{
    const int g = topo().groupIndex(group.id);
    Node node;
    do {
        node.id = group.id + u'-' + QString::number(m_groups[size_t(g)].nextNumber++);
    } while (topo().nodeIndex(node.id) >= 0);
    node.roles = group.roles;
    node.tags = group.tags;
    node.capacity = m_groups[size_t(g)].capacity;
    node.group = group.id;
    node.site = site;
    node.startMs = m_now;
    const QList<int> edges = m_engine.addNode(node);
    const int n = topo().nodeIndex(node.id);
    m_nodes.resize(topo().nodes.size());
    NodeRun &run = m_nodes[size_t(n)];
    run.present = true;
    run.capacity = node.capacity;
    run.launchedMs = m_now;
    run.inServiceAtMs = m_now + group.warmUpMs;
    run.inService = group.warmUpMs <= 0;
    emitEvent(EventKind::NodeLaunched, node.id, group.id,
              node.id + u" launched in " + topo().sites[site].id + u" (" + why + u')',
              {{QStringLiteral("group"), group.id},
               {QStringLiteral("placement"), toString(group.placement)},
               {QStringLiteral("roles"), QJsonArray::fromStringList(group.roles)}});
    noteVerdicts(edges, true);
    recordTopology(u"launched " + node.id);
    return n;
}

void Simulation::terminate(int n, const QString &why)
{
    noteVerdicts(m_engine.removeNode(n), false);
    NodeRun &run = m_nodes[size_t(n)];
    if (run.alerting) {
        run.alerting = false;
        emitEvent(EventKind::AlertResolved, topo().nodes[n].id, QStringLiteral("HighErrorRate"),
                  u"HighErrorRate on " + topo().nodes[n].id + u" resolved (node terminated)");
    }
    run.alertSinceMs = -1;
    run.present = run.inService = false;
    run.backlog.clear();
    run.backlogCount = 0.0;
    emitEvent(EventKind::NodeTerminated, topo().nodes[n].id, topo().nodes[n].group,
              topo().nodes[n].id + u" terminated (" + why + u"), ran " +
                  formatDuration(m_now - run.launchedMs),
              {{QStringLiteral("ran_ms"), m_now - run.launchedMs}});
    closeNodeSeries(n);
    recordTopology(u"terminated " + topo().nodes[n].id);
}

void Simulation::replaceUnhealthy()
{
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        NodeRun &run = m_nodes[size_t(n)];
        const Node &node = topo().nodes[n];
        if (!run.present || !run.inService || node.group.isEmpty())
            continue;
        const ScalingGroup &group = topo().groups[topo().groupIndex(node.group)];
        if (group.replaceUnhealthyAfterMs <= 0)
            continue;
        bool healthy = nodeUp(n);
        for (int e : run.endpoints)
            healthy = healthy && m_endpoints[size_t(e)].healthy;
        if (healthy) {
            run.unhealthySinceMs = -1;
            continue;
        }
        if (run.unhealthySinceMs < 0)
            run.unhealthySinceMs = m_now;
        if (m_now - run.unhealthySinceMs < group.replaceUnhealthyAfterMs)
            continue;
        QJsonArray why;
        for (int e : run.endpoints) {
            for (const Call &call : m_endpoints[size_t(e)].calls) {
                for (const Unusable &u : call.unusable)
                    why.append(edgeText(n, u.node, call.dependency, u.verdict));
            }
        }
        const QString id = node.id;
        const int site = node.site;
        emitEvent(EventKind::NodeUnhealthy, id, group.id,
                  id + u" failed its health checks for " +
                      formatDuration(m_now - run.unhealthySinceMs) + u": out of rotation" +
                      (why.isEmpty() ? QString() : u"; " + why.first().toString()),
                  {{QStringLiteral("failing"), why}});
        terminate(n, QStringLiteral("unhealthy"));
        std::vector<int> members(topo().sites.size());
        for (int m = 0; m < int(m_nodes.size()); ++m) {
            if (m_nodes[size_t(m)].present && topo().nodes[m].group == group.id)
                members[size_t(topo().nodes[m].site)]++;
        }
        const int newSite = chooseSite(group, members, m_random);
        emitEvent(EventKind::ScaleOut, {}, group.id,
                  u"replace unhealthy " + id + u" (was in " + topo().sites[site].id +
                      u") with a new instance in " + topo().sites[newSite].id,
                  {{QStringLiteral("reason"), QStringLiteral("replace unhealthy")},
                   {QStringLiteral("replaced"), id},
                   {QStringLiteral("site"), topo().sites[newSite].id}});
        launch(group, newSite, u"replaces " + id);
    }
}

void Simulation::autoscale()
{
    for (int g = 0; g < topo().groups.size(); ++g) {
        const ScalingGroup &group = topo().groups[g];
        GroupRun &state = m_groups[size_t(g)];
        GroupObservation seen;
        seen.nowMs = m_now;
        seen.lastActionMs = state.lastActionMs;
        std::vector<int> members(topo().sites.size());
        std::vector<Instance> inService;
        double sum = 0.0;
        for (int n = 0; n < int(m_nodes.size()); ++n) {
            const NodeRun &run = m_nodes[size_t(n)];
            if (!run.present || topo().nodes[n].group != group.id)
                continue;
            ++seen.members;
            members[size_t(topo().nodes[n].site)]++;
            if (!run.inService) {
                ++seen.warming;
                continue;
            }
            inService.push_back({n, topo().nodes[n].id, run.launchedMs});
            if (run.entry >= 0)
                sum +=
                    std::min(100.0, 100.0 * m_endpoints[size_t(run.entry)].accepted / run.capacity);
        }
        // Autoscalers act on a metric averaged over a period, not on one sample.
        const double raw = inService.empty() ? std::nan("") : sum / double(inService.size());
        const double alpha = std::min(1.0, double(m_tickMs) / double(kMetricPeriodMs));
        state.smoothed = std::isnan(raw) ? raw
                         : std::isnan(state.smoothed)
                             ? raw
                             : state.smoothed + alpha * (raw - state.smoothed);
        seen.metric = state.smoothed;
        const ScalingDecision decision = decideScaling(group, seen);
        using A = ScalingDecision::Action;
        if (decision.action == A::None) {
            state.lastHeld.clear();
            continue;
        }
        QJsonObject details{{QStringLiteral("metric"), group.metric},
                            {QStringLiteral("value"),
                             std::isnan(seen.metric) ? QJsonValue() : QJsonValue(seen.metric)},
                            {QStringLiteral("scale_out_above"), group.scaleOutAbove},
                            {QStringLiteral("scale_in_below"), group.scaleInBelow},
                            {QStringLiteral("members"), seen.members},
                            {QStringLiteral("warming"), seen.warming},
                            {QStringLiteral("reason"), decision.reason}};
        if (decision.action == A::Held) {
            const QString kind =
                decision.reason.section(QStringLiteral("held: "), 1).section(u',', 0, 0);
            if (kind == state.lastHeld)
                continue; // said once per excursion, not every tick
            state.lastHeld = kind;
            emitEvent(EventKind::ScaleHeld, {}, group.id, group.id + u": " + decision.reason,
                      details);
            continue;
        }
        state.lastHeld.clear();
        state.lastActionMs = m_now;
        if (decision.action == A::ScaleOut) {
            const int site = chooseSite(group, members, m_random);
            details.insert(QStringLiteral("site"), topo().sites[site].id);
            details.insert(QStringLiteral("placement"), toString(group.placement));
            emitEvent(EventKind::ScaleOut, {}, group.id,
                      u"scale out " + group.id + u": " + decision.reason + u"; new instance in " +
                          topo().sites[site].id + u" (" + toString(group.placement) +
                          u" placement)",
                      details);
            launch(group, site, u"scale out: " + decision.reason);
        } else {
            const int victim = chooseVictim(group, inService);
            if (victim < 0)
                continue;
            const Instance &v = inService[size_t(victim)];
            details.insert(QStringLiteral("victim"), v.id);
            details.insert(QStringLiteral("victim_site"), siteOf(v.node));
            details.insert(QStringLiteral("termination"), toString(group.termination));
            emitEvent(EventKind::ScaleIn, {}, group.id,
                      u"scale in " + group.id + u": " + decision.reason + u"; removing " + v.id +
                          u" in " + siteOf(v.node) + u" (" + toString(group.termination) +
                          u" first, ran " + formatDuration(m_now - v.launchedMs) + u')',
                      details);
            terminate(v.node, u"scale in: " + decision.reason);
        }
    }
}

} // namespace

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
    Simulation simulation(scenario, std::move(topology), options, seed, sink);
    return simulation.run();
}

} // namespace warroom
