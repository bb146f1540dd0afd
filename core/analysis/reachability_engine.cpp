#include "reachability_engine.h"

#include "rules.h"

#include <QSet>

#include <algorithm>
#include <map>
#include <optional>

namespace warroom {

namespace {

std::vector<std::pair<int, int>> linkEndpoints(const Topology &t)
{
    std::vector<std::pair<int, int>> out;
    out.reserve(t.links.size());
    for (const Link &link : t.links)
        out.emplace_back(link.siteA, link.siteB);
    return out;
}

Verdict blocked(Reason::Kind kind, const QString &subject)
{
    Verdict v;
    v.state = VerdictState::Blocked;
    v.reason.kind = kind;
    v.reason.subject = subject;
    return v;
}

} // namespace

ReachabilityEngine::ReachabilityEngine(Topology topology, qint64 atMs)
    : m_topology(std::move(topology))
    , m_network(int(m_topology.sites.size()), linkEndpoints(m_topology))
{
    for (int i = 0; i < m_topology.links.size(); ++i)
        m_network.setEdgeUp(i, m_topology.links[i].state != ElementState::Down);
    for (int i = 0; i < m_topology.sites.size(); ++i)
        m_network.setVertexUp(i, m_topology.sites[i].state != ElementState::Down);
    const std::size_t siteCount = m_topology.sites.size();
    m_edgesOfSitePair.resize(siteCount * siteCount);
    m_observations.resize(siteCount * siteCount);
    m_edgesOfNode.resize(m_topology.nodes.size());
    m_nodePresent.resize(m_topology.nodes.size());
    for (int i = 0; i < m_topology.nodes.size(); ++i)
        m_nodePresent[i] = m_topology.nodes[i].startMs <= atMs ? 1 : 0;
    recomputeRoutes();
    for (int i = 0; i < m_topology.nodes.size(); ++i) {
        if (!m_nodePresent[i])
            continue;
        // Outgoing edges only: every incoming edge is some other node's outgoing one.
        for (int d = 0; d < m_topology.dependencies.size(); ++d) {
            const Dependency &dep = m_topology.dependencies[d];
            if (!m_topology.nodes[i].hasRole(dep.fromRole))
                continue;
            for (int target : candidatesFor(m_topology.nodes[i], dep))
                addEdge(DependencyEdge{d, i, target});
        }
    }
}

QList<int> ReachabilityEngine::aliveEdges() const
{
    QList<int> out;
    out.reserve(int(m_edges.size()));
    for (int i = 0; i < int(m_edges.size()); ++i) {
        if (m_alive[i])
            out.append(i);
    }
    return out;
}

const SiteRoute &ReachabilityEngine::route(int fromSite, int toSite) const
{
    return m_routes[std::size_t(fromSite) * m_topology.sites.size() + toSite];
}

void ReachabilityEngine::recomputeRoutes()
{
    const int siteCount = int(m_topology.sites.size());
    m_routes.assign(std::size_t(siteCount) * siteCount, SiteRoute{});
    for (int from = 0; from < siteCount; ++from) {
        const SearchTree live = m_network.search(from);
        for (int to = 0; to < siteCount; ++to) {
            SiteRoute &route = m_routes[std::size_t(from) * siteCount + to];
            if (!live.reached(to)) {
                route.cut = cutBetween(live, to);
                continue;
            }
            route.reachable = true;
            for (int v : live.pathVertices(to))
                route.sites.append(m_topology.sites[v].id);
            for (int link : live.pathEdges(to)) {
                route.links.append(link);
                const Link &l = m_topology.links[link];
                route.latencyMs += l.latencyMs;
                if (l.state == ElementState::Degraded && route.degradedLink < 0)
                    route.degradedLink = link;
                if (l.state == ElementState::Unknown && route.unknownLink < 0)
                    route.unknownLink = link;
            }
        }
    }
}

QStringList ReachabilityEngine::cutBetween(const SearchTree &live, int to) const
{
    // The cut is what is down on the border of the part the source still reaches, keeping
    // only what leads on to the target: every element named would have to come back.
    const int siteCount = int(m_topology.sites.size());
    auto reachesTarget = [&](int start) {
        std::vector<char> seen(siteCount, 0);
        std::vector<int> queue{start};
        seen[start] = 1;
        for (std::size_t i = 0; i < queue.size(); ++i) {
            const int v = queue[i];
            if (v == to)
                return true;
            for (int l = 0; l < m_topology.links.size(); ++l) {
                const auto [a, b] = m_network.endpoints(l);
                const int next = a == v ? b : b == v ? a : -1;
                if (next >= 0 && !seen[next] && !live.reached(next)) {
                    seen[next] = 1;
                    queue.push_back(next);
                }
            }
        }
        return false;
    };
    QStringList cut;
    if (!live.reached(live.source)) { // the source site itself is down
        cut.append(u"site " + m_topology.sites[live.source].id + u" is down");
        return cut;
    }
    for (int l = 0; l < m_topology.links.size(); ++l) {
        const auto [a, b] = m_network.endpoints(l);
        if (live.reached(a) == live.reached(b))
            continue; // not on the border
        const int outside = live.reached(a) ? b : a;
        if (!reachesTarget(outside))
            continue;
        const QString text = m_network.vertexUp(outside)
                                 ? u"link " + m_topology.links[l].id + u" is down"
                                 : u"site " + m_topology.sites[outside].id + u" is down";
        if (!cut.contains(text))
            cut.append(text);
    }
    return cut;
}

Verdict ReachabilityEngine::evaluate(const Node &from, const Node &to, int port) const
{
    const Site &fromSite = m_topology.sites[from.site];
    const Site &toSite = m_topology.sites[to.site];
    if (fromSite.state == ElementState::Down)
        return blocked(Reason::Kind::SiteDown, fromSite.id);
    if (toSite.state == ElementState::Down)
        return blocked(Reason::Kind::SiteDown, toSite.id);
    if (from.state == ElementState::Down)
        return blocked(Reason::Kind::SourceDown, from.id);
    if (to.state == ElementState::Down)
        return blocked(Reason::Kind::TargetDown, to.id);

    Verdict v;
    if (from.id == to.id) { // the same host: loopback, no network, no firewall
        v.path = {fromSite.id};
        return v;
    }
    const SiteRoute &r = route(from.site, to.site);
    if (!r.reachable) {
        Verdict b = blocked(Reason::Kind::NoRoute, QString());
        b.reason.cut = r.cut;
        return b;
    }
    v.path = r.sites;
    v.latencyMs = r.latencyMs;
    const RuleDecision decision = evaluateRules(m_topology, from, to, port);
    if (decision.action == RuleAction::Deny) {
        v.state = VerdictState::Blocked;
        if (decision.rule >= 0) {
            const Rule &rule = m_topology.rules[decision.rule];
            v.reason = Reason{Reason::Kind::RuleDenied, rule.id, rule.place, {}, 0.0};
        } else {
            v.reason = Reason{
                Reason::Kind::DefaultDenied, QString(), m_topology.defaultPolicyPlace, {}, 0.0};
        }
        return v;
    }
    for (const Node *n : {&from, &to}) {
        if (n->state == ElementState::Unknown) {
            v.state = VerdictState::Unknown;
            v.reason.kind = Reason::Kind::NodeUnknown;
            v.reason.subject = n->id;
            return v;
        }
    }
    if (r.unknownLink >= 0) {
        v.state = VerdictState::Unknown;
        v.reason.kind = Reason::Kind::LinkUnknown;
        v.reason.subject = m_topology.links[r.unknownLink].id;
        return v;
    }
    if (r.degradedLink >= 0) {
        v.state = VerdictState::Degraded;
        v.reason.kind = Reason::Kind::LinkDegraded;
        v.reason.subject = m_topology.links[r.degradedLink].id;
        return v;
    }
    if (r.latencyMs > m_topology.degradedLatencyMs) {
        v.state = VerdictState::Degraded;
        v.reason.kind = Reason::Kind::HighLatency;
        v.reason.latencyMs = r.latencyMs;
    }
    return v;
}

QList<int> ReachabilityEngine::candidatesFor(const Node &node, const Dependency &dep) const
{
    QList<int> out;
    if (dep.need == InstanceNeed::SameNode) {
        const int self = m_topology.nodeIndex(node.id);
        if (node.hasRole(dep.toRole) && (dep.toTag.isEmpty() || node.tags.contains(dep.toTag)) &&
            self >= 0 && m_nodePresent[self])
            out.append(self);
        return out;
    }
    for (int i = 0; i < m_topology.nodes.size(); ++i) {
        const Node &candidate = m_topology.nodes[i];
        if (!m_nodePresent[i] || candidate.id == node.id || !candidate.serves(dep.toRole))
            continue;
        if (!dep.toTag.isEmpty() && !candidate.tags.contains(dep.toTag))
            continue;
        out.append(i);
    }
    return out;
}

int ReachabilityEngine::addEdge(const DependencyEdge &edge)
{
    const int index = int(m_edges.size());
    m_edges.push_back(edge);
    m_alive.push_back(1);
    m_verdicts.push_back(Verdict{});
    m_edgesOfNode[edge.from].push_back(index);
    if (edge.to != edge.from)
        m_edgesOfNode[edge.to].push_back(index);
    const std::size_t siteCount = m_topology.sites.size();
    m_edgesOfSitePair[std::size_t(m_topology.nodes[edge.from].site) * siteCount +
                      m_topology.nodes[edge.to].site]
        .push_back(index);
    reverdict(index);
    return index;
}

void ReachabilityEngine::reverdict(int edge)
{
    const DependencyEdge &e = m_edges[edge];
    const Node &from = m_topology.nodes[e.from];
    const Node &to = m_topology.nodes[e.to];
    const int port = m_topology.dependencies[e.dependency].port;
    m_verdicts[edge] = evaluate(from, to, port);
    const ScopedObservation *best = nullptr;
    for (const ScopedObservation &seen : m_observations[sitePair(from.site, to.site)]) {
        if (seen.scope.covers(e.to, port) &&
            (!best || seen.scope.specificity() > best->scope.specificity()))
            best = &seen;
    }
    if (best)
        m_verdicts[edge] = withObservation(std::move(m_verdicts[edge]), best->observation);
}

std::size_t ReachabilityEngine::sitePair(int from, int to) const
{
    return std::size_t(from) * m_topology.sites.size() + std::size_t(to);
}

QList<int> ReachabilityEngine::setObservation(int fromSite, int toSite, ObservationScope scope,
                                              std::optional<Observation> observation)
{
    const std::size_t pair = sitePair(fromSite, toSite);
    std::vector<ScopedObservation> &seen = m_observations[pair];
    const auto it = std::find_if(seen.begin(), seen.end(),
                                 [&scope](const ScopedObservation &s) { return s.scope == scope; });
    if (it == seen.end() && !observation)
        return {};
    if (it != seen.end() && observation && it->observation == *observation)
        return {};
    if (!observation)
        seen.erase(it);
    else if (it == seen.end())
        seen.push_back({scope, *observation});
    else
        it->observation = *observation;
    QList<int> changed;
    reverdictEdges(m_edgesOfSitePair[pair], changed);
    return changed;
}

void ReachabilityEngine::reverdictEdges(const std::vector<int> &edges, QList<int> &changed)
{
    for (int edge : edges) {
        if (!m_alive[edge])
            continue;
        const Verdict old = m_verdicts[edge];
        reverdict(edge);
        if (!(m_verdicts[edge] == old))
            changed.append(edge);
    }
}

QList<int>
ReachabilityEngine::reverdictWhere(const std::function<bool(const DependencyEdge &)> &affected)
{
    QList<int> changed;
    for (int i = 0; i < int(m_edges.size()); ++i) {
        if (!m_alive[i] || !affected(m_edges[i]))
            continue;
        const Verdict before = m_verdicts[i];
        reverdict(i);
        if (!(m_verdicts[i] == before))
            changed.append(i);
    }
    return changed;
}

QList<int> ReachabilityEngine::reverdictSitePairsThatChanged(const std::vector<SiteRoute> &before)
{
    QList<int> changed;
    for (std::size_t pair = 0; pair < m_routes.size(); ++pair) {
        if (m_routes[pair] == before[pair])
            continue;
        reverdictEdges(m_edgesOfSitePair[pair], changed);
    }
    return changed;
}

QList<int> ReachabilityEngine::setLinkState(int link, ElementState state)
{
    if (m_topology.links[link].state == state)
        return {};
    m_topology.links[link].state = state;
    m_network.setEdgeUp(link, state != ElementState::Down);
    const std::vector<SiteRoute> before = m_routes;
    recomputeRoutes();
    return reverdictSitePairsThatChanged(before);
}

QList<int> ReachabilityEngine::setLinkLatency(int link, double latencyMs)
{
    if (m_topology.links[link].latencyMs == latencyMs)
        return {};
    m_topology.links[link].latencyMs = latencyMs;
    const std::vector<SiteRoute> before = m_routes;
    recomputeRoutes();
    return reverdictSitePairsThatChanged(before);
}

void ReachabilityEngine::setLinkCarrying(int link, double capacity, double loss)
{
    m_topology.links[link].capacity = capacity;
    m_topology.links[link].loss = loss;
}

QList<int> ReachabilityEngine::setSiteState(int site, ElementState state)
{
    if (m_topology.sites[site].state == state)
        return {};
    m_topology.sites[site].state = state;
    m_network.setVertexUp(site, state != ElementState::Down);
    const std::vector<SiteRoute> before = m_routes;
    recomputeRoutes();
    QList<int> changed = reverdictSitePairsThatChanged(before);
    // Edges within or into the site itself: their route may be unchanged but not their verdict.
    const std::size_t siteCount = m_topology.sites.size();
    QSet<int> seen(changed.cbegin(), changed.cend());
    for (std::size_t other = 0; other < siteCount; ++other) {
        for (std::size_t pair : {site * siteCount + other, other * siteCount + site}) {
            for (int edge : m_edgesOfSitePair[pair]) {
                if (!m_alive[edge] || seen.contains(edge))
                    continue;
                const Verdict old = m_verdicts[edge];
                reverdict(edge);
                if (!(m_verdicts[edge] == old)) {
                    changed.append(edge);
                    seen.insert(edge);
                }
            }
        }
    }
    return changed;
}

QList<int> ReachabilityEngine::setNodeState(int node, ElementState state)
{
    if (m_topology.nodes[node].state == state)
        return {};
    m_topology.nodes[node].state = state;
    QList<int> changed;
    reverdictEdges(m_edgesOfNode[node], changed);
    return changed;
}

void ReachabilityEngine::connectNode(int node)
{
    const Node &n = m_topology.nodes[node];
    for (int d = 0; d < m_topology.dependencies.size(); ++d) {
        const Dependency &dep = m_topology.dependencies[d];
        if (n.hasRole(dep.fromRole)) {
            for (int target : candidatesFor(n, dep))
                addEdge(DependencyEdge{d, node, target});
        }
        // Incoming: every present node that needs one of this node's roles.
        if (!n.serves(dep.toRole) || dep.need == InstanceNeed::SameNode ||
            (!dep.toTag.isEmpty() && !n.tags.contains(dep.toTag)))
            continue;
        for (int other = 0; other < m_topology.nodes.size(); ++other) {
            if (other != node && m_nodePresent[other] &&
                m_topology.nodes[other].hasRole(dep.fromRole))
                addEdge(DependencyEdge{d, other, node});
        }
    }
}

QList<int> ReachabilityEngine::addNode(const Node &node)
{
    int index = m_topology.nodeIndex(node.id);
    if (index >= 0 && m_nodePresent[index])
        return {};
    if (index < 0) {
        index = int(m_topology.nodes.size());
        m_topology.nodes.append(node);
        m_nodePresent.push_back(0);
        m_edgesOfNode.emplace_back();
    } else {
        m_topology.nodes[index] = node;
    }
    m_nodePresent[index] = 1;
    const int firstNew = int(m_edges.size());
    connectNode(index);
    QList<int> added;
    for (int i = firstNew; i < int(m_edges.size()); ++i)
        added.append(i);
    return added;
}

QList<int> ReachabilityEngine::setStandby(int node, const QString &role, bool standby)
{
    Node &n = m_topology.nodes[node];
    if (n.standbyRoles.contains(role) == standby)
        return {};
    QList<int> edges;
    if (standby) { // its callers' edges for the role end
        n.standbyRoles.append(role);
        for (int edge : m_edgesOfNode[node]) {
            const DependencyEdge &e = m_edges[edge];
            if (m_alive[edge] && e.to == node && e.from != node &&
                m_topology.dependencies[e.dependency].toRole == role) {
                m_alive[edge] = 0;
                edges.append(edge);
            }
        }
        return edges;
    }
    n.standbyRoles.removeAll(role);
    if (!m_nodePresent[node])
        return {};
    // The edges it had before it stood by come back (a failback), others are new.
    std::map<std::pair<int, int>, int> ended; // (dependency, from) -> edge
    for (int edge : m_edgesOfNode[node]) {
        if (!m_alive[edge] && m_edges[edge].to == node)
            ended[{m_edges[edge].dependency, m_edges[edge].from}] = edge;
    }
    for (int d = 0; d < m_topology.dependencies.size(); ++d) {
        const Dependency &dep = m_topology.dependencies[d];
        if (dep.toRole != role || dep.need == InstanceNeed::SameNode ||
            (!dep.toTag.isEmpty() && !n.tags.contains(dep.toTag)))
            continue;
        for (int other = 0; other < m_topology.nodes.size(); ++other) {
            if (other == node || !m_nodePresent[other] ||
                !m_topology.nodes[other].hasRole(dep.fromRole))
                continue;
            if (const auto it = ended.find({d, other}); it != ended.end()) {
                m_alive[it->second] = 1;
                reverdict(it->second);
                edges.append(it->second);
            } else {
                edges.append(addEdge(DependencyEdge{d, other, node}));
            }
        }
    }
    return edges;
}

QList<int> ReachabilityEngine::removeNode(int node)
{
    if (!m_nodePresent[node])
        return {};
    m_nodePresent[node] = 0;
    QList<int> removed;
    for (int edge : m_edgesOfNode[node]) {
        if (m_alive[edge]) {
            m_alive[edge] = 0;
            removed.append(edge);
        }
    }
    m_edgesOfNode[node].clear();
    return removed;
}

QList<int> ReachabilityEngine::insertRule(int position, const Rule &rule)
{
    m_topology.rules.insert(std::clamp(position, 0, int(m_topology.rules.size())), rule);
    return reverdictWhere([&](const DependencyEdge &e) {
        return ruleApplies(m_topology, rule, m_topology.nodes[e.from], m_topology.nodes[e.to]);
    });
}

QList<int> ReachabilityEngine::removeRule(int index)
{
    const Rule rule = m_topology.rules.takeAt(index);
    return reverdictWhere([&](const DependencyEdge &e) {
        return ruleApplies(m_topology, rule, m_topology.nodes[e.from], m_topology.nodes[e.to]);
    });
}

DependencyStatus ReachabilityEngine::assess(const Node &node, int dependency) const
{
    const Dependency &dep = m_topology.dependencies[dependency];
    QList<Verdict> verdicts;
    QList<int> targets;
    if (dep.need == InstanceNeed::SameNode) {
        // A hypothetical node is not in the topology: it is its own candidate.
        if (node.hasRole(dep.toRole) && (dep.toTag.isEmpty() || node.tags.contains(dep.toTag))) {
            targets.append(m_topology.nodeIndex(node.id));
            verdicts.append(evaluate(node, node, dep.port));
        }
    } else {
        targets = candidatesFor(node, dep);
        for (int target : targets)
            verdicts.append(evaluate(node, m_topology.nodes[target], dep.port));
    }
    DependencyStatus status = aggregate(node, dependency, verdicts);
    status.targets = targets;
    return status;
}

QList<DependencyStatus> ReachabilityEngine::statuses() const
{
    QList<DependencyStatus> out;
    for (int n = 0; n < m_topology.nodes.size(); ++n) {
        if (!m_nodePresent[n])
            continue;
        const Node &node = m_topology.nodes[n];
        for (int d = 0; d < m_topology.dependencies.size(); ++d) {
            if (!node.hasRole(m_topology.dependencies[d].fromRole))
                continue;
            QList<int> edges;
            QList<Verdict> verdicts;
            QList<int> targets;
            for (int edge : m_edgesOfNode[n]) {
                const DependencyEdge &e = m_edges[edge];
                if (m_alive[edge] && e.from == n && e.dependency == d) {
                    edges.append(edge);
                    verdicts.append(m_verdicts[edge]);
                    targets.append(e.to);
                }
            }
            DependencyStatus status = aggregate(node, d, verdicts);
            status.node = n;
            status.edges = edges;
            status.targets = targets;
            out.append(status);
        }
    }
    return out;
}

DependencyStatus ReachabilityEngine::aggregate(const Node &node, int dependency,
                                               QList<Verdict> verdicts) const
{
    const Dependency &dep = m_topology.dependencies[dependency];
    DependencyStatus s;
    s.node = m_topology.nodeIndex(node.id);
    s.dependency = dependency;
    s.verdicts = std::move(verdicts);
    if (s.verdicts.isEmpty()) {
        s.state = VerdictState::Blocked;
        s.reason = Reason{Reason::Kind::NoInstance, dep.toRole, {}, {}, 0.0};
        return s;
    }
    const Verdict *worst = &s.verdicts.first();
    const Verdict *firstDegraded = nullptr;
    for (const Verdict &v : s.verdicts) {
        if (!isBroken(v.state))
            ++s.usable;
        if (v.state > worst->state)
            worst = &v;
        if (v.state == VerdictState::Degraded && !firstDegraded)
            firstDegraded = &v;
    }
    const int total = int(s.verdicts.size());
    const int needed = dep.need == InstanceNeed::All       ? total
                       : dep.need == InstanceNeed::AtLeast ? dep.atLeast
                                                           : 1;
    auto countText = [&]() -> QString {
        return QString::number(s.usable) + u" of " + QString::number(total) + u" instances of " +
               dep.toRole + u" reachable, " + QString::number(needed) + u" needed";
    };
    if (dep.need == InstanceNeed::All || dep.need == InstanceNeed::SameNode || s.usable == 0) {
        // Every instance counts (or none is left): as bad as the worst hop.
        s.state = worst->state;
        s.reason = worst->reason;
    } else if (s.usable < needed) {
        s.state = VerdictState::Blocked;
        s.reason = Reason{Reason::Kind::TooFewReachable, countText(), {}, {}, 0.0};
    } else if (s.usable < total) {
        // Enough instances are left, but losing some is worth knowing.
        s.state = VerdictState::Degraded;
        s.reason = Reason{Reason::Kind::TooFewReachable, countText(), {}, {}, 0.0};
    }
    if (s.state == VerdictState::Reachable && firstDegraded) {
        s.state = VerdictState::Degraded;
        s.reason = firstDegraded->reason;
    }
    return s;
}

} // namespace warroom
