#pragma once

// The simulator's inside, shared by its source files (simulation*.cpp); not for other code.
// Reading order: simulation.cpp (the tick), simulation_flow.cpp (requests and queues),
// simulation_changes.cpp (the schedule), simulation_lifecycle.cpp (autoscaler, health
// checks), simulation_watch.cpp (service state, alerts, backlogs, samples).

#include "autoscaler.h"
#include "core/analysis/analysis.h"
#include "core/analysis/reachability_engine.h"
#include "load_curve.h"
#include "random.h"
#include "simulator.h"
#include "sliding_ratio.h"

#include <QCryptographicHash>
#include <QJsonArray>

#include <cmath>
#include <deque>
#include <limits>
#include <map>

namespace warroom::sim {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr qint64 kMetricPeriodMs = 120000;
// A link is saturated once at capacity this long, and no longer once under 90 % this long:
// noise about its capacity does not flap its state (and the verdicts of the hops over it).
inline constexpr qint64 kSaturationHoldMs = 30000;
// A topology version is written at least this often while states change, so that a replay
// cursor never applies more than this much of the event stream after a version.
inline constexpr qint64 kCheckpointMs = 3600000;
inline constexpr int kCheckpointChanges = 1000;
// How much of a tick's latency a node's concurrency limit takes in (an average over ~5 ticks).
inline constexpr double kConcurrencySmoothing = 0.2;
inline const float kNoValue = std::numeric_limits<float>::quiet_NaN();

enum Metric
{
    Cpu,
    Requests,
    Errors,
    Latency,
    MetricCount
};
inline const char16_t *const kMetricNames[] = {u"cpu", u"requests", u"errors", u"latency"};
inline const char16_t *const kMetricUnits[] = {u"%", u"req/s", u"err/s", u"ms"};

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

inline void pushBack(std::deque<Bucket> &queue, qint64 originMs, double count)
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
    int pair = -1; // the site pair its requests cross (from * sites + to); -1: the same site
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

// What a node remembers of one of its dependencies from the tick before: how often an attempt
// failed and how long one took, which set how many retries it makes now.
struct CallMemory
{
    double attemptFail = 0.0;
    double attemptMs = 0.0;
    int retries = 0; // attempts after the first that fit its deadline
};

// A link's load this tick and what it does to the requests it carries (docs/simulation.md).
struct LinkRun
{
    bool modelled = false; // it has a capacity or a loss (declared or changed): recorded
    bool saturated = false;
    bool degradedBySaturation = false; // its state was set to degraded by the saturation
    qint64 crossedSinceMs = -1;        // over (or back under) its threshold since
    double load = 0.0;                 // requests/s routed over it
    double loss = 0.0;                 // share lost: its own and what overflows
    double queueMs = 0.0;              // time spent in its devices' queues
    int utilizationSeries = -1;
    int lossSeries = -1;
    int latencySeries = -1;
};

// What the links between two sites do to a request this tick.
struct PathState
{
    double loss = 0.0;
    double delayMs = 0.0;
};

struct NodeRun
{
    bool present = false;
    bool inService = false;
    qint64 launchedMs = 0;
    qint64 inServiceAtMs = 0;
    qint64 unhealthySinceMs = -1;
    qint64 drainUntilMs = -1; // draining after a scale in: terminated then
    bool withdrawn = false;   // took itself out of service (a reaction's withdraw)
    double capacity = 100.0;
    int series[MetricCount] = {-1, -1, -1, -1};
    qint64 alertSinceMs = -1;
    bool alerting = false;
    SlidingRatio alertRatio;    // errors over requests in the alert's window
    std::deque<Bucket> backlog; // items held (queue nodes)
    double backlogCount = 0.0;
    // A queue node's series: the items it holds, and how long the oldest has waited (ms).
    int waitingSeries = -1;
    int oldestSeries = -1;
    std::vector<int> endpoints;
    int entry = -1;
    int maxConcurrency = 0;
    double latencyMs = 0.0; // its entry's latency in the tick before (Little's law)
    int busySeries = -1;    // in flight / max_concurrency (%)
    // In flight (Little's law: accepted × latency) over max_concurrency, in %; 0 without one.
    bool monitorReach = true; // the monitoring's route and rules reach it (at the last change)
    bool watched = true; // ... and its scrapes get through (or there is no declared monitoring)
    SlidingRatio scrapesLost; // the share of its scrapes lost on the way, over the alert window
    double busyPercent(double accepted) const
    {
        return maxConcurrency > 0 ? 100.0 * accepted * latencyMs / 1000.0 / double(maxConcurrency)
                                  : 0.0;
    }
    std::vector<CallMemory> calls; // by dependency index
};

// An instance asked for and not running yet (the provisioning's launch time).
struct PendingLaunch
{
    qint64 dueMs = 0;
    int site = -1;
    QString why;
    QString cause;
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
    std::deque<qint64> launchTimes; // the last minute's, for the launch rate limit
    std::vector<PendingLaunch> pending;
    qint64 lastFailedMs = -1; // a launch failed then
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

// One load source (docs/scenario-format.md, "Load") and what it sent this tick.
struct LoadRun
{
    LoadRun(const LoadProfile &p, const QDateTime &start)
        : profile(&p)
        , curve(p, start)
    {}
    const LoadProfile *profile;
    LoadCurve curve;
    std::vector<int> sources; // endpoints sending it
    double weightTotal = 0.0;
    // this tick
    double newRequests = 0.0; // requests created
    std::vector<Bucket> retried;
    double offered = 0.0; // requests sent (new and retried)
    double failed = 0.0;
    // failed requests waiting to be sent again (on_failure: retry)
    std::deque<Bucket> upstream;
    double upstreamCount = 0.0;
    Episode upstreamEpisode;
    int offeredSeries = -1; // per load when there are several
    int failedSeries = -1;
    int upstreamSeries = -1;
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

// One member of a replication: the writes of the primary it has not applied yet, oldest first.
struct ReplicaRun
{
    int node = -1;
    std::deque<Bucket> pending; // by the moment the primary wrote them
    double behind = 0.0;
    double lagMs = 0.0;
    int lagSeries = -1;
    int behindSeries = -1;
};

struct ReplicationRun
{
    const ReplicationSpec *spec = nullptr;
    int primary = -1;                // node
    std::vector<ReplicaRun> members; // every node of the set, the primary's ignored
    double lost = 0.0;               // writes lost at promotions (their holder was down)
    double divergent = 0.0;          // writes only a demoted primary holds
};

// An alert raised while the monitoring could not deliver it: sent once the path is back.
struct PendingAlert
{
    EventKind kind;
    QString node;
    QString subject;
    QString text;
    QJsonObject details;
    qint64 raisedMs = 0;
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
    QList<std::pair<int, Link>> carrying; // link, as it was (capacity, loss, latency)
    int promotedFrom = -1;                // Promote: the primary before
};

inline bool hangs(const Reason &reason)
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

inline bool usableVerdict(const Verdict &v)
{
    return v.state == VerdictState::Reachable || v.state == VerdictState::Degraded;
}

class Simulation
{
public:
    Simulation(const Scenario &scenario, Topology topology, const SimulationOptions &options,
               quint64 seed, EventSink &sink);
    SimulationStats run();
    // The same, one tick at a time (a live source): false once the end is reached.
    bool step();
    SimulationStats finish();
    qint64 nowEpochMs() const { return epoch(m_now); } // of the next tick
    qint64 endEpochMs() const { return epoch(m_endMs); }
    // Applied at the next tick, as if scheduled for then (a drill's instructor).
    void inject(ScheduledChange change) { m_injected.push_back(std::move(change)); }

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
    void markLinkModelled(int link); // from now on its load is summed and recorded
    void openLinkSeries(int link);
    void watchLinks();
    void closeNodeSeries(int node);
    void recordTopology(const QString &reason);

    // the model
    const Topology &topo() const { return m_engine.topology(); }
    bool nodeUp(int node) const;
    // Both run and `from` reaches `to`: on `port` (rules count) or, with 0, by a route.
    bool canReach(int from, int to, int port) const;
    QString siteOf(int node) const { return topo().sites[topo().nodes[node].site].id; }
    void rebuildPlan();
    void refreshPlan();
    void markDependencyStale(int dependency);
    void markCallersStale(int node);            // whether it takes requests changed
    void markCallersStale(const QString &role); // which of its nodes take requests changed
    // The calls a DNS failover from `fromTag` moves (default: the current one's): its share or
    // its targets changed.
    void markFailoverStale(const QString &fromTag = {});
    void resolveCall(Endpoint &ep, int dependency, Call &call) const;
    int endpointOf(int node, const QString &role) const;
    void noteVerdicts(const QList<int> &edges, bool added);
    QString edgeText(int from, int to, int dependency, const Verdict &verdict) const;

    // each tick
    void tick();
    void applyDueChanges();
    // Applies a change; `keep` receives what undoes it (a reaction's `until`).
    void apply(const ScheduledChange &change, Undo *keep = nullptr);
    void watchReactions();
    bool holds(const Condition &condition) const;
    double metricNow(const QString &key) const; // a recorded series' value this tick
    void undo(const Undo &undo);
    void setLinks(const QList<int> &links, ElementState state, Undo *undo, const QString &why);
    void advanceLifecycle();
    void drainQueues();
    void offerLoad();
    void flowForward();
    void loadLinks(int pair, double rate);
    void settleLinks();
    PathState path(int pair); // what the links of a site pair do this tick
    int sitePair(int fromNode, int toNode) const;
    void flowBackward();
    // Attempts per request and what a caller remembers of the dependency (retries).
    double attemptsPerRequest(int node, int dependency) const;
    CallMemory &callMemory(int node, int dependency);
    void settleSources();
    void storeItems();
    void autoscale();
    void replaceUnhealthy();
    static int severityOf(const QString &state); // ok and recovering 0, degraded 1, outage 2
    QString serviceStateFor(double ratio) const; // what the state would become now
    void watchService();
    void watchAlerts();
    void watchBacklogs();
    // replication (simulation_replication.cpp)
    void openReplicationSeries();
    void replicate(); // copies this tick's writes; before the links settle
    void promote(const ScheduledChange &change, Undo &undo);
    void recordReplication();
    int replicationOf(int node) const; // the set a node belongs to, or -1
    // monitoring (simulation_monitoring.cpp)
    // Who the monitoring sees and whether alerts get through: each tick, after the links
    // settle (a path that loses most of what it carries blinds it as a cut does).
    void updateMonitoring();
    void restateMonitoring(); // what it cannot see or deliver when the recording starts
    // How much of what crosses from the monitoring to a node is lost now (0 in one site).
    double lossFromMonitor(int node);
    // An alert as the monitoring delivers it: now, or once its path to `notify` is back.
    void sayUndeliveredAlerts(); // at the end: those still waiting for their path
    int alertWindowTicks() const
    {
        return SlidingRatio::ticksOf(m_scenario.serviceLevel.alertWindowMs, m_tickMs);
    }
    void raiseAlert(EventKind kind, const QString &node, const QString &subject,
                    const QString &text, QJsonObject details = {});
    // A group's metric now, as its autoscaler measures it (scalingMetrics()): over its
    // instances in service; NaN when none is.
    double groupMetric(const ScalingGroup &group, const std::vector<int> &inService) const;
    void recordSamples();

    // lifecycle
    int launch(const ScalingGroup &group, int site, const QString &why);
    // Asks the provisioning for one instance: false (and an event saying why) when it cannot.
    bool provision(const ScalingGroup &group, int site, int members, const QString &why);
    void launchPending();
    void terminate(int node, const QString &why);
    void drainOrTerminate(const ScalingGroup &group, int node, const QString &why);
    double surgeFactor() const;
    QJsonArray causes() const;
    void watchCause(); // the state holds, what fails first changed: said once it held
    QJsonArray surfaced() const;

    const Scenario &m_scenario;
    const SimulationOptions &m_options;
    EventSink &m_sink;
    ReachabilityEngine m_engine;
    std::vector<LoadRun> m_loads;
    Random m_random;
    SimulationStats m_stats;
    QCryptographicHash m_hash{QCryptographicHash::Sha256};

    qint64 m_now = 0; // offset from the start
    qint64 m_tickMs = 1000;
    double m_tickSec = 1.0;
    qint64 m_startEpochMs = 0;
    qint64 m_endMs = 0;
    bool m_recording = false;
    qint64 m_lastVersionMs = 0;
    int m_changesSinceVersion = 0; // state-change events since the last topology version

    std::map<QString, int> m_roleRank;
    std::vector<Endpoint> m_endpoints;
    std::vector<int> m_order; // endpoints by rank
    // What the flow plan must take in before the next tick. Nodes that came or went rebuild it
    // all; otherwise only the calls whose candidates changed are resolved again.
    bool m_planDirty = true;
    std::vector<int> m_staleEdges;         // engine edges whose verdict changed
    std::vector<char> m_staleDependencies; // by dependency: every call of it
    bool m_anyStaleDependency = false;
    std::vector<NodeRun> m_nodes;
    std::vector<GroupRun> m_groups;
    std::vector<QueueRun> m_queues;
    std::vector<VerdictState> m_edgeStates;
    std::vector<LinkRun> m_links;
    bool m_linksModelled = false;   // some link has a capacity or loss: loads are summed
    std::vector<double> m_pairLoad; // requests/s between two sites this tick [from * sites + to]
    std::vector<PathState> m_paths; // [from site * sites + to], valid when m_pathTick matches
    std::vector<qint64> m_pathTick;
    qint64 m_pathStamp = 0; // bumped when the links settle each tick
    std::vector<char> m_edgeSeen;

    int m_nextChange = 0;
    std::vector<ScheduledChange> m_injected;
    qint64 m_lastProgressHour = -1;
    std::multimap<qint64, Undo> m_undos;
    // The change being applied or undone: the events it causes carry its id as "cause".
    // The first event in its scope is the change or decision itself ("cause_id"), the others
    // what it brought about ("caused_by").
    QString m_cause;
    bool m_causeSaid = false;
    struct CauseScope
    {
        CauseScope(Simulation &simulation, const QString &id)
            : m_simulation(simulation)
        {
            m_simulation.m_cause = id;
            m_simulation.m_causeSaid = false;
        }
        ~CauseScope() { m_simulation.m_cause.clear(); }
        CauseScope(const CauseScope &) = delete;
        CauseScope &operator=(const CauseScope &) = delete;
        Simulation &m_simulation;
    };
    struct ReactionRun
    {
        qint64 heldSinceMs = -1;  // its condition holds since
        qint64 untilSinceMs = -1; // its `until` holds since
        qint64 firedMs = -1;
        bool active = false; // fired, not undone
        bool rearm = true;   // its condition was false since it last fired
        Undo undo;
    };
    std::vector<ReactionRun> m_reactions;
    std::vector<ReplicationRun> m_replications;
    int m_monitor = -1; // the declared monitoring node
    int m_notify = -1;
    bool m_alertPathOk = true;
    bool m_alertReach = true;   // the route and rules from the monitoring to `notify`
    bool m_monitorDirty = true; // verdicts changed: who the monitoring reaches, again

    std::vector<PendingAlert> m_pendingAlerts;
    std::vector<Surge> m_surges;
    Failover m_failover;

    // load of this tick, over every load source
    double m_offered = 0.0; // requests sent this tick (new and retried)
    double m_failed = 0.0;

    // service as its users see it
    QString m_serviceState = QStringLiteral("ok");
    qint64 m_serviceSinceMs = 0;
    double m_failedInState = 0.0;
    struct WindowTick
    {
        qint64 atMs;
        double failed;
        double offered;
    };
    std::deque<WindowTick> m_window; // the last `state_for` of ticks
    QString m_candidate;             // a state the window shows, not held for `state_for` yet
    QString m_saidCause;             // what fails first, as last said (causeKey)
    QString m_causeCandidate;        // ... and what fails first now, if that is another
    qint64 m_causeCandidateSinceMs = 0;
    qint64 m_candidateSinceMs = 0;
    double m_failedCandidate = 0.0; // failures since the candidate began
    qint64 m_uptimeFailingSinceMs = -1;
    SlidingRatio m_uptimeRatio; // failed over offered in the alert window
    bool m_uptimeAlerting = false;
    int m_offeredSeries = -1;
    int m_failedSeries = -1;
    int m_ratioSeries = -1;
};

} // namespace warroom::sim
