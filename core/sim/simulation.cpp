#include "simulation.h"

#include "core/model/topology_json.h"

#include <QJsonDocument>

#include <cstring>

namespace warroom::sim {

namespace {

bool healthy(const Endpoint &ep) // every required call can be served right now
{
    return std::all_of(ep.calls.cbegin(), ep.calls.cend(), [](const Call &c) {
        return !c.required || (c.directHang + c.directRefuse) < 1e-9;
    });
}

} // namespace

Simulation::Simulation(const Scenario &scenario, Topology topology,
                       const SimulationOptions &options, quint64 seed, EventSink &sink)
    : m_scenario(scenario)
    , m_options(options)
    , m_sink(sink)
    , m_engine(std::move(topology), 0)
    , m_random(seed)
{
    m_loads.reserve(size_t(scenario.loads.size()));
    for (const LoadProfile &load : scenario.loads)
        m_loads.emplace_back(load, scenario.start);
    m_stats.seed = seed;
    m_tickMs = std::max<qint64>(10, scenario.simulation.tickMs);
    m_tickSec = double(m_tickMs) / 1000.0;
    m_startEpochMs = scenario.start.isValid() ? scenario.start.toMSecsSinceEpoch() : 0;
    m_endMs = options.toMs >= 0 ? options.toMs
                                : (scenario.durationMs > 0 ? scenario.durationMs : 86400000);
    m_roleRank = roleRanks(topo());
    m_staleDependencies.assign(size_t(topo().dependencies.size()), 0);
    m_groups.resize(size_t(topo().groups.size()));
    for (int g = 0; g < topo().groups.size(); ++g)
        m_groups[size_t(g)].capacity = topo().groups[g].capacity;
    m_queues.resize(size_t(scenario.queues.size()));
    m_nodes.resize(size_t(topo().nodes.size()));
    for (int n = 0; n < topo().nodes.size(); ++n) {
        NodeRun &run = m_nodes[size_t(n)];
        const Node &node = topo().nodes[n];
        run.capacity = node.capacity;
        run.maxConcurrency = node.maxConcurrency;
        run.present = m_engine.nodePresent(n);
        run.inService = run.present;
        if (!node.group.isEmpty()) {
            GroupRun &g = m_groups[size_t(topo().groupIndex(node.group))];
            g.nextNumber++;
        }
    }
    m_links.resize(size_t(topo().links.size()));
    for (int l = 0; l < topo().links.size(); ++l)
        markLinkModelled(l);
    for (const ReplicationSpec &spec : scenario.replication) {
        ReplicationRun set;
        set.spec = &spec;
        set.primary = topo().nodeIndex(spec.primary);
        for (const QString &id : spec.members())
            set.members.push_back({topo().nodeIndex(id), {}, 0.0, 0.0, -1, -1});
        m_replications.push_back(std::move(set));
    }
    if (scenario.monitoring.declared) {
        m_monitor = topo().nodeIndex(scenario.monitoring.node);
        m_notify = topo().nodeIndex(scenario.monitoring.notify);
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
    // A change or a decision says its id ("cause_id": the first event of its scope); what it
    // brings about names it ("caused_by").
    if (!m_cause.isEmpty()) {
        details.insert(m_causeSaid ? QStringLiteral("caused_by") : QStringLiteral("cause_id"),
                       m_cause);
        m_causeSaid = true;
    }
    e.details = std::move(details);
    const QByteArray bytes = QByteArray::number(e.timeMs) + '|' + toString(e.kind).toUtf8() + '|' +
                             e.node.toUtf8() + '|' + e.site.toUtf8() + '|' + e.subject.toUtf8() +
                             '|' + e.text.toUtf8() + '|' +
                             QJsonDocument(e.details).toJson(QJsonDocument::Compact) + '\n';
    m_hash.addData(bytes);
    switch (e.kind) {
    case EventKind::LinkDown:
    case EventKind::LinkUp:
    case EventKind::LinkDegraded:
    case EventKind::SiteDown:
    case EventKind::SiteUp:
    case EventKind::NodeCrashed:
    case EventKind::NodeRestarted:
        ++m_changesSinceVersion;
        break;
    default:
        break;
    }
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
    if (run.maxConcurrency > 0)
        run.busySeries =
            beginSeries(u"node/" + id + u"/busy", id, QStringLiteral("busy"), QStringLiteral("%"));
    const bool holdsItems =
        std::any_of(run.endpoints.cbegin(), run.endpoints.cend(),
                    [this](int e) { return m_endpoints[size_t(e)].holds >= 0; });
    if (holdsItems) { // a queue node: what waits on it, for the map's badge
        run.waitingSeries = beginSeries(u"node/" + id + u"/waiting", id, QStringLiteral("waiting"),
                                        QStringLiteral("items"));
        run.oldestSeries = beginSeries(u"node/" + id + u"/oldest", id, QStringLiteral("oldest"),
                                       QStringLiteral("ms"));
    }
}

void Simulation::markLinkModelled(int link)
{
    const Link &l = topo().links[link];
    LinkRun &run = m_links[size_t(link)];
    if (run.modelled || (l.capacity <= 0.0 && l.loss <= 0.0))
        return;
    run.modelled = true;
    m_linksModelled = true;
    openLinkSeries(link);
}

void Simulation::openLinkSeries(int link)
{
    LinkRun &run = m_links[size_t(link)];
    if (!m_recording || !run.modelled || run.utilizationSeries >= 0)
        return;
    const QString prefix = u"link/" + topo().links[link].id + u'/';
    run.utilizationSeries = beginSeries(prefix + u"utilization", {}, QStringLiteral("utilization"),
                                        QStringLiteral("%"));
    run.lossSeries = beginSeries(prefix + u"loss", {}, QStringLiteral("loss"), QStringLiteral("%"));
    run.latencySeries =
        beginSeries(prefix + u"latency", {}, QStringLiteral("latency"), QStringLiteral("ms"));
}

void Simulation::closeNodeSeries(int node)
{
    NodeRun &run = m_nodes[size_t(node)];
    auto end = [this](int &s) {
        if (s >= 0)
            m_sink.endSeries(s);
        s = -1;
    };
    for (int &s : run.series)
        end(s);
    end(run.waitingSeries);
    end(run.oldestSeries);
    end(run.busySeries);
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
                        scalingMetricUnit(group.metric));
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
    for (int l = 0; l < int(m_links.size()); ++l)
        openLinkSeries(l);
    openReplicationSeries();
    m_offeredSeries = beginSeries(QStringLiteral("service/offered"), {}, QStringLiteral("offered"),
                                  QStringLiteral("req/s"));
    m_failedSeries = beginSeries(QStringLiteral("service/failed"), {}, QStringLiteral("failed"),
                                 QStringLiteral("req/s"));
    m_ratioSeries = beginSeries(QStringLiteral("service/failure_ratio"), {},
                                QStringLiteral("failure_ratio"), QStringLiteral("%"));
    const bool several = m_loads.size() > 1;
    for (LoadRun &load : m_loads) {
        const QString &id = load.profile->id;
        if (several) {
            load.offeredSeries = beginSeries(u"load/" + id + u"/offered", {},
                                             QStringLiteral("offered"), QStringLiteral("req/s"));
            load.failedSeries = beginSeries(u"load/" + id + u"/failed", {},
                                            QStringLiteral("failed"), QStringLiteral("req/s"));
        }
        if (load.profile->onFailure == FailurePolicy::Retry)
            load.upstreamSeries =
                beginSeries(several ? QString(u"upstream/" + id + u"/backlog")
                                    : QStringLiteral("upstream/backlog"),
                            {}, QStringLiteral("backlog"), QStringLiteral("items"));
    }
    recordTopology(QStringLiteral("start"));
    if (m_serviceState != u"ok") // recording from the middle of an incident: say so first
        emitEvent(EventKind::ServiceState, {}, m_serviceState,
                  u"service " + m_serviceState + u" when the recording starts",
                  {{QStringLiteral("state"), m_serviceState},
                   {QStringLiteral("previous"), m_serviceState},
                   {QStringLiteral("causes"), causes()},
                   {QStringLiteral("surfaced"), surfaced()}});
    restateMonitoring();
}

void Simulation::recordTopology(const QString &reason)
{
    if (!m_recording)
        return;
    m_lastVersionMs = m_now;
    m_changesSinceVersion = 0;
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

bool Simulation::canReach(int from, int to, int port) const
{
    if (!nodeUp(from) || !nodeUp(to))
        return false;
    const Node &a = topo().nodes[from];
    const Node &b = topo().nodes[to];
    if (port > 0)
        return usableVerdict(m_engine.evaluate(a, b, port));
    return a.site == b.site || m_engine.route(a.site, b.site).reachable;
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
    m_staleEdges.clear();
    m_staleDependencies.assign(size_t(topo().dependencies.size()), 0);
    m_anyStaleDependency = false;
    m_endpoints.clear();
    for (LoadRun &load : m_loads) {
        load.sources.clear();
        load.weightTotal = 0.0;
    }
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
            ep.source = std::any_of(m_loads.cbegin(), m_loads.cend(), [&](const LoadRun &l) {
                return l.profile->sourceRole == role;
            });
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
        ep.healthy = healthy(ep);
        for (LoadRun &load : m_loads) {
            if (ep.source && load.profile->sourceRole == ep.role)
                load.sources.push_back(int(&ep - m_endpoints.data()));
        }
    }
    // Weights of each load's sources: the site's share, split equally among its sources.
    for (LoadRun &load : m_loads) {
        std::map<QString, int> perSite;
        for (int s : load.sources)
            perSite[siteOf(m_endpoints[size_t(s)].node)]++;
        for (int s : load.sources) {
            const QString site = siteOf(m_endpoints[size_t(s)].node);
            load.weightTotal += load.profile->share.isEmpty()
                                    ? 1.0
                                    : load.profile->share.value(site, 0.0) / perSite[site];
        }
    }
    m_order.resize(m_endpoints.size());
    for (size_t i = 0; i < m_order.size(); ++i)
        m_order[i] = int(i);
    std::stable_sort(m_order.begin(), m_order.end(), [&](int a, int b) {
        return m_endpoints[size_t(a)].rank < m_endpoints[size_t(b)].rank;
    });
}

void Simulation::markDependencyStale(int dependency)
{
    m_staleDependencies[size_t(dependency)] = 1;
    m_anyStaleDependency = true;
}

void Simulation::markCallersStale(const QString &role)
{
    for (int d = 0; d < topo().dependencies.size(); ++d) {
        if (topo().dependencies[d].toRole == role)
            markDependencyStale(d);
    }
}

void Simulation::markCallersStale(int node)
{
    for (const QString &role : topo().nodes[node].roles)
        markCallersStale(role);
}

void Simulation::markFailoverStale(const QString &fromTag)
{
    const QString &tag = fromTag.isEmpty() ? m_failover.fromTag : fromTag;
    for (int d = 0; d < topo().dependencies.size(); ++d) {
        if (topo().dependencies[d].toTag == tag)
            markDependencyStale(d);
    }
}

// Resolves again only the calls a change touched: those of an edge whose verdict changed, and
// every call of a dependency whose targets changed otherwise. The endpoints, the sources and
// their order stay, as no node came or went. A drill changing something every second on a
// 300-node fleet resolves tens of calls a tick instead of every node's (docs/performance.md).
void Simulation::refreshPlan()
{
    if (m_staleEdges.empty() && !m_anyStaleDependency)
        return;
    std::vector<std::pair<int, int>> stale; // (endpoint, dependency)
    for (int e : m_staleEdges) {
        if (!m_engine.edgeAlive(e))
            continue;
        const DependencyEdge &edge = m_engine.edge(e);
        if (m_staleDependencies[size_t(edge.dependency)])
            continue;
        const int ep = endpointOf(edge.from, topo().dependencies[edge.dependency].fromRole);
        if (ep >= 0)
            stale.emplace_back(ep, edge.dependency);
    }
    if (m_anyStaleDependency) {
        for (int ep = 0; ep < int(m_endpoints.size()); ++ep) {
            for (const Call &call : m_endpoints[size_t(ep)].calls) {
                if (m_staleDependencies[size_t(call.dependency)])
                    stale.emplace_back(ep, call.dependency);
            }
        }
    }
    std::sort(stale.begin(), stale.end());
    stale.erase(std::unique(stale.begin(), stale.end()), stale.end());
    for (size_t i = 0; i < stale.size(); ++i) {
        Endpoint &ep = m_endpoints[size_t(stale[i].first)];
        for (Call &call : ep.calls) {
            if (call.dependency == stale[i].second) {
                call = Call();
                resolveCall(ep, stale[i].second, call);
            }
        }
        if (i + 1 == stale.size() || stale[i + 1].first != stale[i].first)
            ep.healthy = healthy(ep);
    }
    m_staleEdges.clear();
    std::fill(m_staleDependencies.begin(), m_staleDependencies.end(), 0);
    m_anyStaleDependency = false;
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
            if (m_nodes[size_t(n)].present && t.serves(dep.toRole) && t.tags.contains(f.toTag))
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
            const bool inRotation = run.present && run.inService;
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
        // (weight copied: clang 14 cannot capture a structured binding)
        auto failAll = [&, w = weight] { (anyHang ? call.directHang : call.directRefuse) += w; };
        switch (dep.need) {
        case InstanceNeed::Any:
        case InstanceNeed::AtLeast: {
            const size_t need = dep.need == InstanceNeed::Any ? 1 : size_t(dep.atLeast);
            if (usable.size() < need) {
                failAll();
                break;
            }
            for (int t : usable)
                call.targets.push_back({t, weight / double(usable.size()),
                                        sitePair(ep.node, m_endpoints[size_t(t)].node)});
            broken.clear(); // others serve: nothing failed
            break;
        }
        case InstanceNeed::All:
        case InstanceNeed::SameNode: {
            const double each = candidates.empty() ? 0.0 : weight / double(candidates.size());
            if (candidates.empty())
                failAll();
            for (int t : usable)
                call.targets.push_back({t, each, sitePair(ep.node, m_endpoints[size_t(t)].node)});
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
    if (added)
        m_planDirty = true; // a node joined: new endpoints
    else
        m_staleEdges.insert(m_staleEdges.end(), edges.cbegin(), edges.cend());
    if (m_failover.active)
        markFailoverStale(); // the standby's verdicts are not edges: asked again
    m_monitorDirty = true;   // who the monitoring reaches, again
}

SimulationStats Simulation::run()
{
    while (step()) {
    }
    return finish();
}

bool Simulation::step()
{
    if (m_now >= m_endMs)
        return false;
    if (!m_recording && m_now >= std::clamp<qint64>(m_options.fromMs, 0, m_endMs))
        startRecording();
    tick();
    ++m_stats.ticks;
    if (m_options.progress && m_now / 3600000 != m_lastProgressHour) {
        m_lastProgressHour = m_now / 3600000;
        m_options.progress(m_now, m_endMs);
    }
    m_now += m_tickMs;
    return true;
}

SimulationStats Simulation::finish()
{
    if (!m_recording)
        startRecording();
    const qint64 end = std::min(m_now, m_endMs);
    sayUndeliveredAlerts();
    if (m_options.progress)
        m_options.progress(end, m_endMs);
    m_stats.endMs = epoch(end);
    m_stats.eventsHash = m_hash.result().toHex();
    return m_stats;
}

void Simulation::tick()
{
    applyDueChanges();
    advanceLifecycle();
    if (m_failover.active && m_now - m_failover.atMs <= m_failover.ttlMs + m_tickMs)
        markFailoverStale(); // clients move to the new stack as their DNS caches expire
    if (m_planDirty || m_options.rebuildPlanEveryTick)
        rebuildPlan();
    else
        refreshPlan();
    for (Endpoint &ep : m_endpoints) {
        ep.in = 0.0;
        ep.items = 0.0;
    }
    drainQueues();
    offerLoad();
    flowForward();
    flowBackward();
    watchLinks();
    settleSources();
    storeItems();
    updateMonitoring(); // before any alert is raised
    watchBacklogs();    // first: whether backlogs still drain decides recovering
    watchService();
    watchAlerts();
    recordSamples();
    watchReactions();
    replaceUnhealthy();
    launchPending();
    autoscale();
    if (m_changesSinceVersion >= kCheckpointChanges ||
        (m_changesSinceVersion > 0 && m_now - m_lastVersionMs >= kCheckpointMs))
        recordTopology(QStringLiteral("checkpoint"));
}

} // namespace warroom::sim
