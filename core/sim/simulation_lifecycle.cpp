#include "simulation.h"

#include <numeric>

namespace warroom::sim {

namespace {

// How the autoscaler chose the new instance's site, in words.
QString placedHow(PlacementPolicy policy)
{
    switch (policy) {
    case PlacementPolicy::Random:
        return QStringLiteral(" (placed at random)");
    case PlacementPolicy::Balanced:
        return QStringLiteral(" (placed where the group has fewest)");
    case PlacementPolicy::Fixed:
        return QStringLiteral(" (its fixed site)");
    }
    return {};
}

} // namespace

void Simulation::advanceLifecycle()
{
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        NodeRun &run = m_nodes[size_t(n)];
        if (run.present && run.drainUntilMs >= 0) {
            if (run.drainUntilMs <= m_now)
                terminate(n, QStringLiteral("drained after scale in"));
            continue;
        }
        if (run.present && !run.inService && run.inServiceAtMs <= m_now) {
            run.inService = true;
            markCallersStale(n);
            emitEvent(EventKind::NodeInService, topo().nodes[n].id, topo().nodes[n].group,
                      topo().nodes[n].id + u" warmed up: in service");
        }
    }
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
    node.maxConcurrency = group.maxConcurrency;
    node.group = group.id;
    node.site = site;
    node.startMs = m_now;
    const QList<int> edges = m_engine.addNode(node);
    const int n = topo().nodeIndex(node.id);
    m_nodes.resize(topo().nodes.size());
    NodeRun &run = m_nodes[size_t(n)];
    run.present = true;
    run.capacity = node.capacity;
    run.maxConcurrency = node.maxConcurrency;
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
        raiseAlert(EventKind::AlertResolved, topo().nodes[n].id, QStringLiteral("HighErrorRate"),
                   u"HighErrorRate on " + topo().nodes[n].id + u" resolved (node terminated)");
    }
    run.alertSinceMs = -1;
    run.drainUntilMs = -1;
    run.present = run.inService = false;
    m_planDirty = true; // its endpoints go
    run.backlog.clear();
    run.backlogCount = 0.0;
    emitEvent(EventKind::NodeTerminated, topo().nodes[n].id, topo().nodes[n].group,
              topo().nodes[n].id + u" terminated (" + why + u"), ran " +
                  formatDuration(m_now - run.launchedMs),
              {{QStringLiteral("ran_ms"), m_now - run.launchedMs}});
    closeNodeSeries(n);
    recordTopology(u"terminated " + topo().nodes[n].id);
}

void Simulation::drainOrTerminate(const ScalingGroup &group, int n, const QString &why)
{
    if (group.drainMs <= 0) {
        terminate(n, why);
        return;
    }
    // Deregistered from its load balancers first: no new requests, the running ones finish.
    NodeRun &run = m_nodes[size_t(n)];
    run.inService = false;
    run.drainUntilMs = m_now + group.drainMs;
    markCallersStale(n);
    emitEvent(EventKind::NodeDraining, topo().nodes[n].id, group.id,
              topo().nodes[n].id + u" draining for " + formatDuration(group.drainMs) + u" (" + why +
                  u')',
              {{QStringLiteral("drain_ms"), group.drainMs}});
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
        // Its termination and replacement (and the new instance's hops) name it.
        const CauseScope cause(*this,
                               u"unhealthy:" + id + u'@' + QString::number(m_now / 1000) + u's');
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
        provision(group, newSite,
                  std::accumulate(members.cbegin(), members.cend(), 0) +
                      int(m_groups[size_t(topo().groupIndex(group.id))].pending.size()),
                  u"replaces " + id);
    }
}

bool Simulation::provision(const ScalingGroup &group, int site, int members, const QString &why)
{
    const Provisioning &p = group.provisioning;
    GroupRun &state = m_groups[size_t(topo().groupIndex(group.id))];
    while (!state.launchTimes.empty() && state.launchTimes.front() <= m_now - 60000)
        state.launchTimes.pop_front();
    QString failed;
    if (p.quota > 0 && members >= p.quota) {
        failed = u"quota of " + QString::number(p.quota) + u" instances reached";
    } else if (p.launchesPerMinute > 0.0 &&
               double(state.launchTimes.size()) >= p.launchesPerMinute) {
        failed =
            u"launch rate limit reached (" + QString::number(p.launchesPerMinute) + u" per minute)";
    } else if (!p.service.isEmpty()) {
        const int service = topo().nodeIndex(p.service);
        const int from = p.from.isEmpty() ? site : topo().siteIndex(p.from);
        const SiteRoute &route = m_engine.route(from, topo().nodes[service].site);
        if (!nodeUp(service))
            failed = u"provisioning service " + p.service + u" is down";
        else if (!route.reachable)
            failed = u"provisioning service " + p.service + u" unreachable from " +
                     topo().sites[from].id + u" (" + route.cut.join(QStringLiteral(", ")) + u')';
    }
    if (failed.isEmpty() && p.failureRatio > 0.0 && m_random.uniform() < p.failureRatio)
        failed = u"the new instance failed to start (" + QString::number(p.failureRatio * 100.0) +
                 u" % of launches fail)";
    if (!failed.isEmpty()) {
        state.lastFailedMs = m_now;
        emitEvent(EventKind::LaunchFailed, {}, group.id,
                  u"launch for " + group.id + u" in " + topo().sites[site].id + u" failed: " +
                      failed,
                  {{QStringLiteral("group"), group.id},
                   {QStringLiteral("site"), topo().sites[site].id},
                   {QStringLiteral("reason"), failed}});
        return false;
    }
    state.launchTimes.push_back(m_now);
    if (p.launchTimeMs > 0)
        state.pending.push_back({m_now + p.launchTimeMs, site, why, m_cause});
    else
        launch(group, site, why);
    return true;
}

void Simulation::launchPending()
{
    for (int g = 0; g < topo().groups.size(); ++g) {
        std::vector<PendingLaunch> &pending = m_groups[size_t(g)].pending;
        for (size_t i = 0; i < pending.size();) {
            if (pending[i].dueMs > m_now) {
                ++i;
                continue;
            }
            const PendingLaunch due = pending[i];
            pending.erase(pending.begin() + std::ptrdiff_t(i));
            const CauseScope cause(*this, due.cause); // what the decision asked for
            m_causeSaid = true;
            launch(topo().groups[g], due.site, due.why);
        }
    }
}

double Simulation::groupMetric(const ScalingGroup &group, const std::vector<int> &inService) const
{
    if (group.metric == u"backlog") { // the queues its instances work, in all
        double items = 0.0;
        for (const Endpoint &ep : m_endpoints) {
            if (ep.holds >= 0 &&
                group.roles.contains(m_scenario.queues[size_t(ep.holds)].workerRole))
                items += m_nodes[size_t(ep.node)].backlogCount;
        }
        return inService.empty() ? std::nan("") : items;
    }
    if (inService.empty())
        return std::nan("");
    double sum = 0.0;
    for (int n : inService) {
        const NodeRun &run = m_nodes[size_t(n)];
        if (run.entry < 0)
            continue;
        const double accepted = m_endpoints[size_t(run.entry)].accepted;
        if (group.metric == u"requests")
            sum += accepted;
        else if (group.metric == u"latency")
            sum += run.latencyMs;
        else if (group.metric == u"busy") // in flight / max_concurrency (Little's law)
            sum += run.busyPercent(accepted);
        else
            sum += std::min(100.0, 100.0 * accepted / run.capacity);
    }
    return sum / double(inService.size());
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
        std::vector<int> serving; // their node indices
        for (int n = 0; n < int(m_nodes.size()); ++n) {
            const NodeRun &run = m_nodes[size_t(n)];
            if (!run.present || run.drainUntilMs >= 0 || topo().nodes[n].group != group.id)
                continue; // a draining instance is on its way out: not a member any more
            ++seen.members;
            members[size_t(topo().nodes[n].site)]++;
            if (!run.inService) {
                seen.warming += run.withdrawn ? 0 : 1; // withdrawn: a member, not warming
                continue;
            }
            inService.push_back({n, topo().nodes[n].id, run.launchedMs});
            serving.push_back(n);
        }
        // Instances asked for and still launching count as warming members.
        seen.members += int(state.pending.size());
        seen.warming += int(state.pending.size());
        for (const PendingLaunch &p : state.pending)
            members[size_t(p.site)]++;
        // Autoscalers act on a metric averaged over a period, not on one sample.
        const double raw = groupMetric(group, serving);
        const double alpha = std::min(1.0, double(m_tickMs) / double(kMetricPeriodMs));
        state.smoothed = std::isnan(raw) ? raw
                         : std::isnan(state.smoothed)
                             ? raw
                             : state.smoothed + alpha * (raw - state.smoothed);
        seen.metric = state.smoothed;
        // Below min after a launch failed: tried again after the cooldown (a minute at least),
        // not every tick.
        if (seen.members < group.min && state.lastFailedMs >= 0 &&
            m_now - state.lastFailedMs < std::max<qint64>(group.cooldownMs, 60000))
            continue;
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
        // What the decision brings about (a launch and its hops, a drain) names it.
        const CauseScope cause(*this,
                               (decision.action == A::ScaleOut ? u"scale_out:" : u"scale_in:") +
                                   group.id + u'@' + QString::number(m_now / 1000) + u's');
        // How many this decision adds or removes: its step, within min and max.
        const int step =
            std::max(1, group.stepPercent > 0.0 ? int(std::ceil(group.stepPercent * seen.members))
                                                : group.step);
        if (decision.action == A::ScaleOut) {
            const int count = seen.members < group.min
                                  ? group.min - seen.members
                                  : std::max(1, std::min(step, group.max - seen.members));
            std::vector<int> sites;
            for (int i = 0; i < count; ++i) {
                sites.push_back(chooseSite(group, members, m_random));
                members[size_t(sites.back())]++;
            }
            QStringList where;
            for (int site : sites)
                where.append(topo().sites[site].id);
            details.insert(QStringLiteral("site"), where.first());
            details.insert(QStringLiteral("placement"), toString(group.placement));
            details.insert(QStringLiteral("count"), count);
            const QString added =
                count == 1 ? QString(u"; new instance in " + where.first())
                           : QString(u"; " + QString::number(count) + u" new instances in " +
                                     where.join(QStringLiteral(", ")));
            emitEvent(EventKind::ScaleOut, {}, group.id,
                      u"scale out " + group.id + u": " + decision.reason + added +
                          placedHow(group.placement),
                      details);
            for (size_t i = 0; i < sites.size(); ++i)
                provision(group, sites[i], seen.members + int(i), u"scale out: " + decision.reason);
        } else {
            if (!state.pending.empty())
                continue; // what it asked for is still coming: no scale in meanwhile
            const int count = std::max(1, std::min(step, seen.members - group.min));
            for (int removed = 0; removed < count && !inService.empty(); ++removed) {
                const int victim = chooseVictim(group, inService);
                if (victim < 0)
                    break;
                const Instance v = inService[size_t(victim)];
                inService.erase(inService.begin() + victim);
                details.insert(QStringLiteral("victim"), v.id);
                details.insert(QStringLiteral("victim_site"), siteOf(v.node));
                details.insert(QStringLiteral("termination"), toString(group.termination));
                emitEvent(EventKind::ScaleIn, {}, group.id,
                          u"scale in " + group.id + u": " + decision.reason + u"; removing " +
                              v.id + u" in " + siteOf(v.node) + u" (" +
                              toString(group.termination) + u" first, ran " +
                              formatDuration(m_now - v.launchedMs) + u')',
                          details);
                drainOrTerminate(group, v.node, u"scale in: " + decision.reason);
            }
        }
    }
}

} // namespace warroom::sim
