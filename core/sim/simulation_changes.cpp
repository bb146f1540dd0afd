#include "simulation.h"

#include <optional>

namespace warroom::sim {

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
    for (ScheduledChange &c : std::exchange(m_injected, {})) {
        c.atMs = m_now;
        apply(c);
    }
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

void Simulation::apply(const ScheduledChange &c, Undo *keep)
{
    using K = ScheduledChange::Kind;
    Undo u;
    u.change = c;
    const Topology &t = topo();
    const QString why = c.note.isEmpty() ? c.description() : c.note;
    // What follows is this change's doing; a change a reaction makes is that reaction's.
    std::optional<CauseScope> cause;
    if (m_cause.isEmpty())
        cause.emplace(*this, c.id());
    QJsonObject details{{QStringLiteral("change"), toString(c.kind)},
                        {QStringLiteral("target"), c.target},
                        {QStringLiteral("for_ms"), c.forMs},
                        {QStringLiteral("note"), c.note},
                        {QStringLiteral("line"), c.place.line}};
    if (!c.injectedBy.isEmpty()) {
        details.insert(QStringLiteral("injected_by"), c.injectedBy);
        details.insert(QStringLiteral("surge"), c.surgeFactor);
    }
    const QString text = c.sentence();
    emitEvent(EventKind::FaultStarted, {}, c.id(),
              text + (c.forMs > 0 ? u" for " + formatDuration(c.forMs) : QString()) +
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
    case K::SiteCut: {
        QList<int> links;
        const int site = t.siteIndex(c.target);
        for (int l = 0; l < t.links.size(); ++l) {
            if (t.links[l].siteA == site || t.links[l].siteB == site)
                links.append(l);
        }
        setLinks(links, ElementState::Down, &u, why);
        break;
    }
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
    case K::Latency:
    case K::Loss:
    case K::Capacity: {
        if (const int l = t.linkIndex(c.target); l >= 0) {
            const Link before = t.links[l];
            u.carrying.append({l, before});
            if (c.kind == K::Latency)
                noteVerdicts(m_engine.setLinkLatency(l, c.latencyMs), false);
            else
                m_engine.setLinkCarrying(l, c.kind == K::Capacity ? c.capacity : before.capacity,
                                         c.kind == K::Loss ? c.loss : before.loss);
            markLinkModelled(l);
            if (c.kind == K::Capacity)
                emitEvent(
                    EventKind::CapacityChanged, {}, c.target, c.sentence(),
                    {{QStringLiteral("link"), c.target}, {QStringLiteral("capacity"), c.capacity}});
            break;
        }
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
        if (m_failover.active) // a failover replacing another: the calls the old one moved too
            markFailoverStale();
        m_failover = {true, c.fromTag, c.toTag, m_now, c.dnsTtlMs};
        markFailoverStale();
        emitEvent(EventKind::DnsFailover, {}, c.target,
                  u"DNS now points at the " + c.toTag + u" stack; clients follow within TTL " +
                      formatDuration(c.dnsTtlMs),
                  {{QStringLiteral("from_tag"), c.fromTag},
                   {QStringLiteral("to_tag"), c.toTag},
                   {QStringLiteral("dns_ttl_ms"), c.dnsTtlMs}});
        break;
    }
    case K::LoadSpike:
        break; // its surge, below
    case K::GroupDown: {
        const RiskGroup group = t.riskGroups[t.riskGroupIndex(c.target)];
        setLinks(group.links, ElementState::Down, &u, why);
        for (int s : group.sites) {
            u.sites.append({s, t.sites[s].state});
            noteVerdicts(m_engine.setSiteState(s, ElementState::Down), false);
            emitEvent(EventKind::SiteDown, {}, t.sites[s].id,
                      u"site " + t.sites[s].id + u" down: " + why);
        }
        for (int n : group.nodes) {
            u.nodes.append({n, t.nodes[n].state});
            noteVerdicts(m_engine.setNodeState(n, ElementState::Down), false);
            emitEvent(EventKind::NodeCrashed, t.nodes[n].id, {},
                      t.nodes[n].id + u" crashed: " + why);
        }
        break;
    }
    case K::Withdraw: {
        const int n = t.nodeIndex(c.target);
        NodeRun &run = m_nodes[size_t(n)];
        if (!run.present || !run.inService)
            break;
        run.inService = false;
        run.inServiceAtMs = std::numeric_limits<qint64>::max(); // until the change is undone
        u.nodes.append({n, ElementState::Unknown});             // marks the withdrawal to undo
        run.withdrawn = true;
        markCallersStale(n);
        emitEvent(EventKind::NodeDraining, c.target, t.nodes[n].group,
                  c.note.isEmpty() ? c.sentence() : QString(c.sentence() + u": " + c.note));
        break;
    }
    case K::Promote:
        promote(c, u);
        break;
    }
    if (c.surgeFactor != 1.0)
        m_surges.push_back(
            {m_now, c.forMs > 0 ? m_now + c.forMs : m_endMs, c.surgeDecayMs, c.surgeFactor});
    if (keep)
        *keep = u;
    if (c.forMs > 0)
        m_undos.emplace(m_now + c.forMs, std::move(u));
}

void Simulation::undo(const Undo &u)
{
    using K = ScheduledChange::Kind;
    const ScheduledChange &c = u.change;
    const QString why = c.description() + u" over";
    const CauseScope cause(*this, c.id() + u"/end"); // its own id: what the end brought about
    // The end first, then what it undoes (tagged with it), as when it began.
    QJsonObject details{{QStringLiteral("change"), toString(c.kind)},
                        {QStringLiteral("target"), c.target}};
    if (!c.injectedBy.isEmpty())
        details.insert(QStringLiteral("injected_by"), c.injectedBy);
    const QString text = c.sentence();
    emitEvent(EventKind::FaultEnded, {}, c.id(),
              text + u": over" + (c.forMs > 0 ? u" after " + formatDuration(c.forMs) : QString()),
              details);
    for (const auto &[link, state] : u.links)
        setLinks({link}, state, nullptr, why);
    for (const auto &[site, state] : u.sites) {
        noteVerdicts(m_engine.setSiteState(site, state), false);
        emitEvent(state == ElementState::Down ? EventKind::SiteDown : EventKind::SiteUp, {},
                  topo().sites[site].id,
                  u"site " + topo().sites[site].id + u' ' + toString(state) + u": " + why);
    }
    for (const auto &[node, state] : u.nodes) {
        if (c.kind == K::Withdraw) { // back in service, if it still runs
            NodeRun &run = m_nodes[size_t(node)];
            if (run.present && run.drainUntilMs < 0 && run.withdrawn) {
                run.inService = true;
                run.withdrawn = false;
                run.inServiceAtMs = m_now;
                markCallersStale(node);
                emitEvent(EventKind::NodeInService, topo().nodes[node].id, topo().nodes[node].group,
                          topo().nodes[node].id + u" back in service");
            }
            continue;
        }
        noteVerdicts(m_engine.setNodeState(node, state), false);
        emitEvent(state == ElementState::Down ? EventKind::NodeCrashed : EventKind::NodeRestarted,
                  topo().nodes[node].id, {}, topo().nodes[node].id + u' ' + toString(state));
    }
    if (c.kind == K::RuleAdd || c.kind == K::RuleCorrect || c.kind == K::RuleRemove) {
        if (const int now = topo().ruleIndex(c.target); now >= 0)
            noteVerdicts(m_engine.removeRule(now), false);
        if (u.ruleIndex >= 0)
            noteVerdicts(m_engine.insertRule(u.ruleIndex, u.rule), false);
        // A rule that was not there before is gone again; one that was is back as it was.
        const bool added = u.ruleIndex < 0;
        emitEvent(added ? EventKind::RuleRemoved : EventKind::RuleCorrected, {}, c.target,
                  u"rule " + c.target + (added ? u" removed: " : u" restored: ") + why);
        recordTopology(u"rule " + c.target);
    }
    for (const auto &[node, capacity] : u.capacities)
        m_nodes[size_t(node)].capacity = capacity;
    for (const auto &[link, before] : u.carrying) { // only what this change set
        const Link &now = topo().links[link];
        if (c.kind == K::Latency)
            noteVerdicts(m_engine.setLinkLatency(link, before.latencyMs), false);
        else
            m_engine.setLinkCarrying(link, c.kind == K::Capacity ? before.capacity : now.capacity,
                                     c.kind == K::Loss ? before.loss : now.loss);
    }
    if (c.kind == K::Capacity && topo().groupIndex(c.target) >= 0)
        m_groups[size_t(topo().groupIndex(c.target))].capacity = u.groupCapacity;
    if (c.kind == K::Failover) {
        markFailoverStale(c.fromTag);
        markFailoverStale();
        m_failover.active = false;
    }
    if (u.promotedFrom >= 0) { // the old primary promoted back (a failback)
        ScheduledChange back = c;
        back.target = topo().nodes[u.promotedFrom].id;
        back.note.clear();
        Undo ignored;
        promote(back, ignored);
    }
}

} // namespace warroom::sim
