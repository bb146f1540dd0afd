// Replication (docs/simulation.md, "Replication"): every write the primary serves is copied to
// each other member over the modelled network; what a member has not applied yet is its lag.
// A promotion makes a member the primary; the writes it lacked are lost when the old primary
// is down, divergent when it still holds them.
#include "simulation.h"

#include "core/util/numbers.h"

namespace warroom::sim {

int Simulation::replicationOf(int node) const
{
    for (int r = 0; r < int(m_replications.size()); ++r) {
        for (const ReplicaRun &m : m_replications[size_t(r)].members) {
            if (m.node == node)
                return r;
        }
    }
    return -1;
}

void Simulation::openReplicationSeries()
{
    for (ReplicationRun &set : m_replications) {
        for (ReplicaRun &m : set.members) {
            const QString &id = topo().nodes[m.node].id;
            const QString prefix = u"replication/" + set.spec->id + u'/' + id + u'/';
            m.lagSeries =
                beginSeries(prefix + u"lag", id, QStringLiteral("lag"), QStringLiteral("ms"));
            m.behindSeries = beginSeries(prefix + u"behind", id, QStringLiteral("behind"),
                                         QStringLiteral("writes"));
        }
    }
}

void Simulation::replicate()
{
    for (ReplicationRun &set : m_replications) {
        const ReplicationSpec &spec = *set.spec;
        const int entry = endpointOf(set.primary, spec.role);
        const double writes = entry >= 0 && nodeUp(set.primary)
                                  ? m_endpoints[size_t(entry)].accepted * spec.writes * m_tickSec
                                  : 0.0;
        for (ReplicaRun &m : set.members) {
            if (m.node == set.primary) {
                m.lagMs = 0.0;
                continue;
            }
            pushBack(m.pending, m_now, writes);
            m.behind += writes;
            const int pair = sitePair(set.primary, m.node);
            const PathState way = path(pair);
            if (canReach(set.primary, m.node, spec.port)) {
                // What is lost on the way is sent again: the copy advances at what gets through.
                double ship = spec.applyRate > 0.0 ? spec.applyRate * m_tickSec : m.behind;
                ship = std::min(ship, m.behind) * (1.0 - way.loss);
                loadLinks(pair, ship / m_tickSec);
                m.behind -= popFront(m.pending, ship, [](const Bucket &, double) {});
                if (m.behind < 1e-6)
                    m.behind = 0.0;
            }
            m.lagMs = (m.pending.empty() ? 0.0 : double(m_now - m.pending.front().originMs)) +
                      way.delayMs;
        }
    }
}

void Simulation::recordReplication()
{
    for (const ReplicationRun &set : m_replications) {
        for (const ReplicaRun &m : set.members) {
            sample(m.lagSeries, m.lagMs);
            sample(m.behindSeries, m.behind);
        }
    }
}

void Simulation::promote(const ScheduledChange &c, Undo &u)
{
    const int node = topo().nodeIndex(c.target);
    const int r = replicationOf(node);
    if (r < 0)
        return;
    ReplicationRun &set = m_replications[size_t(r)];
    const QString &setId = set.spec->id;
    if (set.primary == node) {
        emitEvent(EventKind::Promoted, c.target, setId,
                  c.target + u" is already the primary of " + setId + u": nothing to promote",
                  {{QStringLiteral("replication"), setId},
                   {QStringLiteral("from"), c.target},
                   {QStringLiteral("to"), c.target},
                   {QStringLiteral("unreplicated"), 0}});
        return;
    }
    const int old = set.primary;
    auto member = [&](int n) -> ReplicaRun & {
        return *std::find_if(set.members.begin(), set.members.end(),
                             [n](const ReplicaRun &m) { return m.node == n; });
    };
    ReplicaRun &promoted = member(node);
    const double missing = promoted.behind;
    const double lagMs = promoted.lagMs;
    // The old primary holds what the new one lacks: divergent while it runs, lost if not.
    const bool oldUp = nodeUp(old);
    (oldUp ? set.divergent : set.lost) += missing;
    // Another member lacks, of the new primary's writes, only what it lacked beyond them.
    for (ReplicaRun &m : set.members) {
        if (m.node == node || m.node == old)
            continue;
        double surplus = std::min(missing, m.behind);
        while (surplus > 1e-9 && !m.pending.empty()) {
            const double n = std::min(surplus, m.pending.back().count);
            m.pending.back().count -= n;
            surplus -= n;
            m.behind -= n;
            if (m.pending.back().count <= 1e-9)
                m.pending.pop_back();
        }
    }
    promoted.pending.clear();
    promoted.behind = 0.0;
    ReplicaRun &demoted = member(old);
    demoted.pending.clear();
    demoted.behind = 0.0;
    set.primary = node;
    u.promotedFrom = old;
    const QString &oldId = topo().nodes[old].id;
    QString text = c.target + u" promoted to primary of " + setId + u" (was " + oldId + u')';
    if (missing >= 0.5)
        text += u": " + formatCount(missing) + u" writes it had not received from " + oldId +
                (oldUp ? QString(u" diverge (" + oldId + u" still holds them)")
                       : QString(u" are lost (" + oldId + u" is down)"));
    else
        text += QStringLiteral(": it had every write");
    if (!c.note.isEmpty())
        text += u"; " + c.note;
    emitEvent(EventKind::Promoted, c.target, setId, text,
              {{QStringLiteral("replication"), setId},
               {QStringLiteral("from"), oldId},
               {QStringLiteral("to"), c.target},
               {QStringLiteral("unreplicated"), std::round(missing)},
               {QStringLiteral("lost"), oldUp ? 0.0 : std::round(missing)},
               {QStringLiteral("divergent"), oldUp ? std::round(missing) : 0.0},
               {QStringLiteral("lag_ms"), std::round(lagMs)}});
    // Callers of the role now reach the new primary only: their edges to the old one end and
    // new ones begin (said as verdicts), and the recorded topology says who is primary.
    noteVerdicts(m_engine.setStandby(old, set.spec->role, true), false);
    noteVerdicts(m_engine.setStandby(node, set.spec->role, false), false);
    markCallersStale(set.spec->role); // those whose only edges ended too
    recordTopology(u"promoted " + c.target);
}

} // namespace warroom::sim
