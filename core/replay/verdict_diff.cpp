#include "verdict_diff.h"

#include "core/analysis/reachability_engine.h"

#include <QHash>

#include <algorithm>

namespace warroom {

namespace {

struct Hop
{
    VerdictState state;
    QString why;
};

// Every live hop of a run by "from|to|dependency".
QHash<QString, Hop> hops(const ReachabilityEngine &engine)
{
    QHash<QString, Hop> out;
    const Topology &t = engine.topology();
    for (int e = 0; e < engine.edgeCount(); ++e) {
        if (!engine.edgeAlive(e))
            continue;
        const DependencyEdge &edge = engine.edge(e);
        const Verdict &v = engine.verdict(e);
        out.insert(t.nodes[edge.from].id + u'|' + t.nodes[edge.to].id + u'|' +
                       t.dependencies[edge.dependency].id,
                   {v.state, verdictText(v.state, v.reason)});
    }
    return out;
}

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

} // namespace

QList<VerdictDifference> verdictDifferences(const ReachabilityEngine &a,
                                            const ReachabilityEngine &b)
{
    const QHash<QString, Hop> inA = hops(a);
    const QHash<QString, Hop> inB = hops(b);
    const Hop none{VerdictState::Unknown, QStringLiteral("no such hop in this run")};
    QList<VerdictDifference> out;
    auto add = [&](const QString &key, const Hop &x, const Hop &y) {
        if (x.state == y.state)
            return;
        const QStringList parts = key.split(u'|');
        out.append({parts[0], parts[1], parts[2], x.state, y.state, x.why, y.why});
    };
    // A hop only one run has (its instances differ) counts when it is broken there: a working
    // hop to an instance the other run never launched is no difference anyone acts on.
    for (auto it = inA.cbegin(); it != inA.cend(); ++it) {
        if (inB.contains(it.key()) || it.value().state != VerdictState::Reachable)
            add(it.key(), it.value(), inB.value(it.key(), none));
    }
    for (auto it = inB.cbegin(); it != inB.cend(); ++it) {
        if (!inA.contains(it.key()) && it.value().state != VerdictState::Reachable)
            add(it.key(), none, it.value());
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
