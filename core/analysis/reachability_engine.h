#pragma once

#include "network_graph.h"
#include "verdict.h"

#include <functional>
#include <optional>
#include <vector>

namespace warroom {

// One instance-to-instance hop a dependency needs: node `from` needs node `to`.
struct DependencyEdge
{
    int dependency = -1;
    int from = -1;
    int to = -1;
    bool operator==(const DependencyEdge &) const = default;
};

// How traffic gets from one site to another right now (fewest links).
struct SiteRoute
{
    bool reachable = false;
    QStringList sites;      // site ids along the way
    QList<int> links;       // link indices along the way
    double latencyMs = 0.0; // sum of link latencies
    int degradedLink = -1;  // first degraded link on the way
    int unknownLink = -1;   // first link of unknown state on the way
    QStringList cut;        // when unreachable: what is down between the two (the cut)
    bool operator==(const SiteRoute &) const = default;
};

// What a node's dependency amounts to over all the instances it may use.
struct DependencyStatus
{
    int node = -1;
    int dependency = -1;
    VerdictState state = VerdictState::Reachable;
    Reason reason;
    QList<int> edges;        // indices into edge(), empty for a hypothetical node
    QList<Verdict> verdicts; // one per candidate instance
    QList<int> targets;      // node index of each candidate (-1: the hypothetical node itself)
    int usable = 0;          // candidates that are reachable or degraded
};

// Verdicts for every dependency edge of a topology, kept current as states change.
// Each change re-verdicts only the edges it can affect and returns their indices.
class ReachabilityEngine
{
public:
    // Nodes whose start lies after `atMs` are not present yet.
    explicit ReachabilityEngine(Topology topology, qint64 atMs = 0);

    const Topology &topology() const { return m_topology; }
    const NetworkGraph &network() const { return m_network; }

    int edgeCount() const { return int(m_edges.size()); }
    bool edgeAlive(int edge) const { return m_alive[edge] != 0; }
    const DependencyEdge &edge(int edge) const { return m_edges[edge]; }
    const Verdict &verdict(int edge) const { return m_verdicts[edge]; }
    QList<int> aliveEdges() const;
    bool nodePresent(int node) const { return m_nodePresent[node] != 0; }

    const SiteRoute &route(int fromSite, int toSite) const;

    // The verdict for `from` reaching `to` on `port`; either may be hypothetical.
    Verdict evaluate(const Node &from, const Node &to, int port) const;

    // Every present node's status for each of its dependencies, in node then dependency order.
    QList<DependencyStatus> statuses() const;
    // The status a node (present or hypothetical) would have for one dependency.
    DependencyStatus assess(const Node &node, int dependency) const;

    QList<int> setLinkState(int link, ElementState state);
    // A link's latency (routes and degraded verdicts follow), capacity or loss.
    QList<int> setLinkLatency(int link, double latencyMs);
    void setLinkCarrying(int link, double capacity, double loss);
    QList<int> setSiteState(int site, ElementState state);
    QList<int> setNodeState(int node, ElementState state);
    // A replica that stops (or starts) taking its role's requests, as a promotion moves the
    // primary: the edges that ended, or the new ones.
    QList<int> setStandby(int node, const QString &role, bool standby);
    QList<int> addNode(const Node &node); // returns the new edges
    QList<int> removeNode(int node);      // returns the edges that ceased
    QList<int> insertRule(int position, const Rule &rule);
    QList<int> removeRule(int index);
    // What a probe saw from one site of another (nullopt: no probe any more), of one node of
    // it (`scope.node`, -1: any) on one port (`scope.port`, 0: any); the edges it covers then
    // carry it (withObservation), the most specific one where several cover an edge.
    QList<int> setObservation(int fromSite, int toSite, ObservationScope scope,
                              std::optional<Observation> observation);
    QList<int> setObservation(int fromSite, int toSite, std::optional<Observation> observation)
    {
        return setObservation(fromSite, toSite, ObservationScope{}, std::move(observation));
    }

private:
    void recomputeRoutes();
    std::size_t sitePair(int from, int to) const;
    QStringList cutBetween(const SearchTree &live, int to) const;
    QList<int> reverdictSitePairsThatChanged(const std::vector<SiteRoute> &before);
    void reverdict(int edge);
    // Re-verdicts the alive ones of `edges`; those whose verdict changed go to `changed`.
    void reverdictEdges(const std::vector<int> &edges, QList<int> &changed);
    QList<int> reverdictWhere(const std::function<bool(const DependencyEdge &)> &affected);
    void connectNode(int node);
    int addEdge(const DependencyEdge &edge);
    QList<int> candidatesFor(const Node &node, const Dependency &dependency) const;
    DependencyStatus aggregate(const Node &node, int dependency, QList<Verdict> verdicts) const;

    Topology m_topology;
    NetworkGraph m_network;
    std::vector<SiteRoute> m_routes; // [from * sites + to]
    std::vector<DependencyEdge> m_edges;
    std::vector<Verdict> m_verdicts;
    std::vector<char> m_alive;
    std::vector<char> m_nodePresent;
    std::vector<std::vector<int>> m_edgesOfNode;     // outgoing and incoming
    std::vector<std::vector<int>> m_edgesOfSitePair; // [from * sites + to]
    struct ScopedObservation
    {
        ObservationScope scope;
        Observation observation;
    };
    std::vector<std::vector<ScopedObservation>> m_observations; // [from * sites + to]
};

} // namespace warroom
