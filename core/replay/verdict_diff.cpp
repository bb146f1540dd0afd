#include "verdict_diff.h"

#include "core/analysis/reachability_engine.h"

#include <QHash>

#include <algorithm>
#include <vector>

namespace warroom {

namespace {

int badness(VerdictState s)
{
    switch (s) {
    case VerdictState::Blocked:
        return 3;
    case VerdictState::Unknown:
        return 2;
    case VerdictState::Degraded:
        return 1;
    case VerdictState::Reachable:
        return 0;
    }
    return 0;
}

// A hop of run B by its ends and dependency, in B's indices (whole: no two hops share one).
using HopKey = std::pair<quint64, int>;
HopKey hopKey(int from, int to, int dependency)
{
    return {(quint64(quint32(from)) << 32) | quint64(quint32(to)), dependency};
}

// Each of A's ids (nodes, or dependencies) as B's index, -1 where B has none: the runs' ids are
// what they share, their indices differ.
template<typename T> std::vector<int> indicesIn(const QList<T> &a, const QList<T> &b)
{
    QHash<QString, int> inB;
    inB.reserve(b.size());
    for (int i = 0; i < b.size(); ++i)
        inB.insert(b[i].id, i);
    std::vector<int> out(size_t(a.size()), -1);
    for (int i = 0; i < a.size(); ++i)
        out[size_t(i)] = inB.value(a[i].id, -1);
    return out;
}

} // namespace

QList<VerdictDifference> verdictDifferences(const ReachabilityEngine &a,
                                            const ReachabilityEngine &b)
{
    const Topology &ta = a.topology();
    const Topology &tb = b.topology();
    // Ids compared as indices: strings only for the nodes and dependencies, and for the hops
    // that differ (a fleet of 10,000 nodes has hundreds of thousands of hops).
    const std::vector<int> nodeInB = indicesIn(ta.nodes, tb.nodes);
    const std::vector<int> dependencyInB = indicesIn(ta.dependencies, tb.dependencies);
    QHash<HopKey, int> hopsOfB;
    hopsOfB.reserve(b.edgeCount());
    for (int e = 0; e < b.edgeCount(); ++e) {
        if (b.edgeAlive(e)) {
            const DependencyEdge &edge = b.edge(e);
            hopsOfB.insert(hopKey(edge.from, edge.to, edge.dependency), e);
        }
    }
    std::vector<char> matched(size_t(b.edgeCount()), 0);
    QList<VerdictDifference> out;
    const QString absent = QStringLiteral("no such hop in this run");
    auto add = [&](const Topology &t, const DependencyEdge &edge, VerdictState x, QString xWhy,
                   VerdictState y, QString yWhy) {
        out.append({t.nodes[edge.from].id, t.nodes[edge.to].id, t.dependencies[edge.dependency].id,
                    x, y, std::move(xWhy), std::move(yWhy)});
    };
    // A hop only one run has (its instances differ) counts when it is broken there: a working
    // hop to an instance the other run never launched is no difference anyone acts on.
    for (int e = 0; e < a.edgeCount(); ++e) {
        if (!a.edgeAlive(e))
            continue;
        const DependencyEdge &edge = a.edge(e);
        const Verdict &v = a.verdict(e);
        const int from = nodeInB[size_t(edge.from)], to = nodeInB[size_t(edge.to)];
        const int dependency = dependencyInB[size_t(edge.dependency)];
        const auto it = from < 0 || to < 0 || dependency < 0
                            ? hopsOfB.cend()
                            : hopsOfB.constFind(hopKey(from, to, dependency));
        if (it == hopsOfB.cend()) {
            if (v.state != VerdictState::Reachable)
                add(ta, edge, v.state, verdictText(v.state, v.reason), VerdictState::Unknown,
                    absent);
            continue;
        }
        matched[size_t(*it)] = 1;
        const Verdict &w = b.verdict(*it);
        if (v.state != w.state)
            add(ta, edge, v.state, verdictText(v.state, v.reason), w.state,
                verdictText(w.state, w.reason));
    }
    for (int e = 0; e < b.edgeCount(); ++e) {
        if (b.edgeAlive(e) && !matched[size_t(e)] && b.verdict(e).state != VerdictState::Reachable)
            add(tb, b.edge(e), VerdictState::Unknown, absent, b.verdict(e).state,
                verdictText(b.verdict(e).state, b.verdict(e).reason));
    }
    std::sort(out.begin(), out.end(), [](const VerdictDifference &x, const VerdictDifference &y) {
        const int bx = badness(x.a) - badness(x.b), by = badness(y.a) - badness(y.b);
        if (bx != by)
            return bx > by;
        return std::tie(x.from, x.to, x.dependency) < std::tie(y.from, y.to, y.dependency);
    });
    return out;
}

} // namespace warroom
