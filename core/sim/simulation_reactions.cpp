// Reactions: a scenario's automatic responses. When a condition has held for its `for:`, the
// reaction fires: an event naming the condition, then its change (tagged with the reaction),
// undone by the change's own `for:` or when `until` holds.
#include "simulation.h"

#include "core/analysis/rules.h"

namespace warroom::sim {

double Simulation::metricNow(const QString &key) const
{
    const QString kind = key.section(u'/', 0, 0);
    const QString id = key.section(u'/', 1, 1);
    const QString what = key.section(u'/', 2);
    if (kind == u"service")
        return m_offered > 0.0 ? 100.0 * m_failed / m_offered : 0.0;
    if (kind == u"link") {
        const int l = topo().linkIndex(id);
        if (l < 0)
            return std::nan("");
        const LinkRun &run = m_links[size_t(l)];
        const Link &link = topo().links[l];
        if (what == u"utilization")
            return link.capacity > 0.0 ? 100.0 * run.load / link.capacity : std::nan("");
        if (what == u"loss")
            return 100.0 * run.loss;
        return link.latencyMs + run.queueMs;
    }
    if (kind == u"queue") {
        double items = 0.0;
        for (const Endpoint &ep : m_endpoints) {
            if (ep.holds >= 0 && m_scenario.queues[ep.holds].id == id)
                items += m_nodes[size_t(ep.node)].backlogCount;
        }
        return items;
    }
    const int n = topo().nodeIndex(id);
    if (n < 0 || !m_nodes[size_t(n)].present)
        return std::nan("");
    const NodeRun &run = m_nodes[size_t(n)];
    const Endpoint *entry = run.entry >= 0 ? &m_endpoints[size_t(run.entry)] : nullptr;
    if (!entry)
        return std::nan("");
    if (what == u"cpu")
        return std::min(100.0, 100.0 * entry->accepted / run.capacity);
    if (what == u"busy")
        return run.maxConcurrency > 0 ? run.busyPercent(entry->accepted) : std::nan("");
    if (what == u"requests")
        return entry->in;
    if (what == u"errors") {
        double errors = 0.0;
        for (int e : run.endpoints)
            errors += m_endpoints[size_t(e)].errors;
        return errors;
    }
    return entry->latencyMs;
}

bool Simulation::holds(const Condition &c) const
{
    using K = Condition::Kind;
    switch (c.kind) {
    case K::MetricAbove:
    case K::MetricBelow: {
        const double value = metricNow(c.metric);
        return !std::isnan(value) &&
               (c.kind == K::MetricAbove ? value > c.threshold : value < c.threshold);
    }
    case K::NodeDown: {
        const int n = topo().nodeIndex(c.node);
        return n >= 0 && !nodeUp(n);
    }
    case K::DependencyFailing:
    case K::Unreachable:
        break;
    }
    // Over the running nodes `who` names: how many are cut off.
    int named = 0;
    int failing = 0;
    int dependency = -1;
    for (int d = 0; d < topo().dependencies.size(); ++d) {
        if (topo().dependencies[d].id == c.dependency)
            dependency = d;
    }
    const int toNode = c.toNode.isEmpty() ? -1 : topo().nodeIndex(c.toNode);
    const int toSite = toNode >= 0 ? topo().nodes[toNode].site : topo().siteIndex(c.toSite);
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        const Node &node = topo().nodes[n];
        if (!nodeUp(n) || !scopeMatches(c.who, node, topo().sites[node.site]))
            continue;
        if (c.kind == K::DependencyFailing &&
            !node.hasRole(topo().dependencies[dependency].fromRole))
            continue;
        ++named;
        bool cut = false;
        if (c.kind == K::DependencyFailing) {
            const DependencyStatus status = m_engine.assess(node, dependency);
            cut = status.usable == 0;
        } else if (toNode >= 0) {
            cut = !canReach(n, toNode, c.port);
        } else {
            cut = !m_engine.route(node.site, toSite).reachable;
        }
        failing += cut ? 1 : 0;
    }
    if (named == 0)
        return false;
    switch (c.quorum) {
    case Condition::Quorum::All:
        return failing == named;
    case Condition::Quorum::Any:
        return failing > 0;
    case Condition::Quorum::Majority:
        return 2 * failing > named;
    }
    return false;
}

void Simulation::watchReactions()
{
    const QList<Reaction> &reactions = m_scenario.reactions;
    m_reactions.resize(size_t(reactions.size()));
    for (int i = 0; i < reactions.size(); ++i) {
        const Reaction &reaction = reactions[i];
        ReactionRun &run = m_reactions[size_t(i)];
        if (run.active && reaction.hasUntil) {
            const bool over = reaction.untilClear ? !holds(reaction.when) : holds(reaction.until);
            const qint64 holdMs = reaction.untilClear ? reaction.when.forMs : reaction.until.forMs;
            const QString why = reaction.untilClear
                                    ? QString(u"clear for " + formatDuration(holdMs) + u" (" +
                                              reaction.when.text(false) + u')')
                                    : reaction.until.text();
            if (!over) {
                run.untilSinceMs = -1;
            } else {
                if (run.untilSinceMs < 0)
                    run.untilSinceMs = m_now;
                if (m_now - run.untilSinceMs >= holdMs) {
                    const CauseScope cause(*this, u"reaction:" + reaction.id + u"/until@" +
                                                      QString::number(m_now / 1000) + u's');
                    emitEvent(EventKind::ReactionFired, {}, reaction.id,
                              u"reaction " + reaction.id + u" over: " + why,
                              {{QStringLiteral("reaction"), reaction.id},
                               {QStringLiteral("condition"), why},
                               {QStringLiteral("undo"), true}});
                    undo(run.undo);
                    run.active = false;
                    run.untilSinceMs = -1;
                }
            }
        }
        if (run.active && !reaction.hasUntil && reaction.change.forMs > 0 &&
            m_now >= run.firedMs + reaction.change.forMs)
            run.active = false; // its `for:` undid it
        if (!holds(reaction.when)) {
            run.heldSinceMs = -1;
            run.rearm = true;
            continue;
        }
        if (run.heldSinceMs < 0)
            run.heldSinceMs = m_now;
        const bool cooled = run.firedMs < 0 || m_now - run.firedMs >= reaction.cooldownMs;
        if (run.active || !run.rearm || !cooled || m_now - run.heldSinceMs < reaction.when.forMs)
            continue;
        run.firedMs = m_now;
        run.active = true;
        run.rearm = false;
        ScheduledChange change = reaction.change;
        change.atMs = m_now;
        // The firing names its condition; the change and what it brings about name the firing.
        const CauseScope cause(*this, u"reaction:" + reaction.id + u'@' +
                                          QString::number(m_now / 1000) + u's');
        emitEvent(EventKind::ReactionFired, {}, reaction.id,
                  u"reaction " + reaction.id + u": " + reaction.when.text() + u" → " +
                      change.description(),
                  {{QStringLiteral("reaction"), reaction.id},
                   {QStringLiteral("condition"), reaction.when.text()},
                   {QStringLiteral("change"), toString(change.kind)},
                   {QStringLiteral("target"), change.target},
                   {QStringLiteral("line"), reaction.place.line}});
        apply(change, &run.undo);
    }
}

} // namespace warroom::sim
