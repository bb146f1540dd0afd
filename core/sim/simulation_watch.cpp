#include "simulation.h"

#include "core/util/numbers.h"

namespace warroom::sim {

namespace {

// What fails first, without its figures or instances: a link, or a dependency between two
// sites and its reason (a replaced instance failing the same way is the same cause).
QString causeKey(const QJsonArray &causes)
{
    if (causes.isEmpty())
        return {};
    const QJsonObject c = causes.first().toObject();
    if (c.contains(QStringLiteral("link")))
        return u"link " + c.value(QStringLiteral("link")).toString();
    QString reason = c.value(QStringLiteral("reason")).toString();
    reason.removeIf([](QChar ch) { return ch.isDigit(); }); // "high latency 120 ms"
    return c.value(QStringLiteral("dependency")).toString() + u' ' +
           c.value(QStringLiteral("from_site")).toString() + u" -> " +
           c.value(QStringLiteral("to_site")).toString() + u": " + reason;
}

} // namespace

QJsonArray Simulation::causes() const
{
    // The hops that actually fail: blocked or refused calls that carry requests right now;
    // first, links that lose what they carry (nothing is cut, yet requests fail on them).
    QJsonArray out;
    QStringList seen;
    for (int l = 0; l < int(m_links.size()); ++l) {
        const LinkRun &run = m_links[size_t(l)];
        const Link &link = topo().links[l];
        if (!run.modelled || (run.loss < 0.001 && !run.saturated))
            continue;
        QString text = u"link " + link.id + u' ' + topo().sites[link.siteA].id + u"–" +
                       topo().sites[link.siteB].id + u": ";
        if (link.capacity > 0.0)
            text += (run.saturated ? QStringLiteral("saturated, ") : QString()) +
                    QString::number(100.0 * run.load / link.capacity, 'f', 0) +
                    u" % of its capacity, ";
        text += QString::number(100.0 * run.loss, 'f', 1) + u" % lost, " +
                QString::number(link.latencyMs + run.queueMs, 'f', 0) + u" ms";
        out.append(QJsonObject{
            {QStringLiteral("link"), link.id},
            {QStringLiteral("reason"), run.saturated ? QStringLiteral("link saturated")
                                                     : QStringLiteral("link losing requests")},
            {QStringLiteral("text"), text}});
    }
    for (const Endpoint &ep : m_endpoints) {
        if (ep.accepted <= 0.0)
            continue;
        for (const Call &call : ep.calls) {
            for (const Unusable &u : call.unusable) {
                const QString text = edgeText(ep.node, u.node, call.dependency, u.verdict);
                if (seen.contains(text) || seen.size() >= 12)
                    continue;
                seen.append(text);
                out.append(QJsonObject{
                    {QStringLiteral("from"), topo().nodes[ep.node].id},
                    {QStringLiteral("to"), topo().nodes[u.node].id},
                    {QStringLiteral("from_site"), siteOf(ep.node)},
                    {QStringLiteral("to_site"), siteOf(u.node)},
                    {QStringLiteral("dependency"), topo().dependencies[call.dependency].id},
                    {QStringLiteral("reason"), verdictText(u.verdict.state, u.verdict.reason)},
                    {QStringLiteral("rule"), u.verdict.reason.kind == Reason::Kind::RuleDenied
                                                 ? u.verdict.reason.subject
                                                 : QString()},
                    {QStringLiteral("text"), text}});
            }
        }
    }
    return out;
}

void Simulation::watchCause()
{
    // Every ten seconds: listing the failing hops of a large fleet is not free.
    if ((m_serviceState != u"outage" && m_serviceState != u"degraded") || !m_candidate.isEmpty() ||
        (m_now / m_tickMs) % std::max<qint64>(1, 10000 / m_tickMs))
        return;
    const QJsonArray now = causes();
    const QString key = causeKey(now);
    if (key.isEmpty() || key == m_saidCause) {
        m_causeCandidate.clear();
        return;
    }
    if (key != m_causeCandidate) {
        m_causeCandidate = key;
        m_causeCandidateSinceMs = m_now;
    }
    if (m_now - m_causeCandidateSinceMs < m_scenario.serviceLevel.stateForMs)
        return;
    const QString first = now.first().toObject().value(QStringLiteral("text")).toString();
    emitEvent(EventKind::ServiceCause, {}, m_serviceState,
              u"service " + m_serviceState + u" goes on: now " + first,
              {{QStringLiteral("state"), m_serviceState},
               {QStringLiteral("since_ms"), epoch(m_causeCandidateSinceMs)},
               {QStringLiteral("previous"), m_saidCause},
               {QStringLiteral("causes"), now},
               {QStringLiteral("surfaced"), surfaced()}});
    m_saidCause = key;
    m_causeCandidate.clear();
}

QJsonArray Simulation::surfaced() const
{
    // Where the errors show: the hops answering errors, nearest the users first (where they
    // see them), then most first.
    std::vector<std::tuple<int, double, int>> errors;
    for (int i = 0; i < int(m_endpoints.size()); ++i) {
        const Endpoint &ep = m_endpoints[size_t(i)];
        if (ep.errors > 1e-6 && !ep.source)
            errors.emplace_back(ep.rank, -ep.errors, i);
    }
    std::sort(errors.begin(), errors.end());
    QJsonArray out;
    for (size_t i = 0; i < errors.size() && i < 8; ++i) {
        const Endpoint &ep = m_endpoints[size_t(std::get<2>(errors[i]))];
        out.append(QJsonObject{{QStringLiteral("node"), topo().nodes[ep.node].id},
                               {QStringLiteral("role"), ep.role},
                               {QStringLiteral("site"), siteOf(ep.node)},
                               {QStringLiteral("errors_per_s"), ep.errors}});
    }
    return out;
}

int Simulation::severityOf(const QString &state)
{
    return state == u"outage" ? 2 : state == u"degraded" ? 1 : 0;
}

QString Simulation::serviceStateFor(double ratio) const
{
    // Entered above a threshold, left only at or below the lower one (hysteresis).
    const ServiceLevel &sl = m_scenario.serviceLevel;
    const int was = severityOf(m_serviceState);
    if (ratio > sl.outageAbove || (was == 2 && ratio > sl.leaveOutage()))
        return QStringLiteral("outage");
    if (ratio > sl.degradedAbove || (was >= 1 && ratio > sl.leaveDegraded()))
        return QStringLiteral("degraded");
    // Requests succeed again while what the trouble left behind still drains.
    const bool draining = std::any_of(m_loads.cbegin(), m_loads.cend(),
                                      [](const LoadRun &l) { return l.upstreamEpisode.active; }) ||
                          std::any_of(m_queues.cbegin(), m_queues.cend(),
                                      [](const QueueRun &q) { return q.episode.active; });
    if ((was >= 1 || m_serviceState == u"recovering") && draining)
        return QStringLiteral("recovering");
    return QStringLiteral("ok");
}

void Simulation::watchService()
{
    const ServiceLevel &sl = m_scenario.serviceLevel;
    // The state follows the failing share over the last `state_for`, so that noise around a
    // threshold does not flap it; a change is dated from where it began inside that window.
    m_window.push_back({m_now, m_failed, m_offered});
    while (m_window.size() > 1 && m_window.front().atMs <= m_now - sl.stateForMs)
        m_window.pop_front();
    double failed = 0.0;
    double offered = 0.0;
    for (const WindowTick &w : m_window) {
        failed += w.failed;
        offered += w.offered;
    }
    const double smoothed = offered > 0.0 ? failed / offered : 0.0;
    const QString state = serviceStateFor(smoothed);
    const bool windowFull = m_window.front().atMs <= m_now - sl.stateForMs + m_tickMs;
    m_failedInState += m_failed; // since the last change that counted
    if (state == m_serviceState || !windowFull) {
        m_candidate.clear();
    } else if (state != m_candidate) {
        // A new candidate, dated from where it began in the window: worse, from its first
        // tick above the threshold; better, after its last one above.
        const int up = severityOf(state) - severityOf(m_serviceState);
        const double threshold = state == u"outage" ? sl.outageAbove
                                 : state == u"degraded"
                                     ? (up > 0 ? sl.degradedAbove : sl.leaveOutage())
                                     : sl.leaveDegraded();
        qint64 since = m_now;
        if (up > 0) {
            for (const WindowTick &w : m_window) {
                if (w.offered > 0.0 && w.failed / w.offered > threshold) {
                    since = w.atMs;
                    break;
                }
            }
        } else if (up < 0) {
            for (auto it = m_window.crbegin(); it != m_window.crend(); ++it) {
                if (it->offered > 0.0 && it->failed / it->offered > threshold)
                    break;
                since = it->atMs;
            }
        }
        m_candidate = state;
        m_candidateSinceMs = std::max(since, m_serviceSinceMs);
        m_failedCandidate = 0.0;
        for (const WindowTick &w : m_window) {
            if (w.atMs >= m_candidateSinceMs)
                m_failedCandidate += w.failed;
        }
    } else {
        m_failedCandidate += m_failed;
    }
    // ...and it counts once it has held for `state_for` as well.
    if (!m_candidate.isEmpty() && m_now - m_candidateSinceMs >= sl.stateForMs &&
        m_now - m_serviceSinceMs >= sl.stateForMs) {
        QJsonObject details{{QStringLiteral("state"), state},
                            {QStringLiteral("previous"), m_serviceState},
                            {QStringLiteral("since_ms"), epoch(m_candidateSinceMs)},
                            {QStringLiteral("failure_ratio"), smoothed}, // over the window
                            {QStringLiteral("previous_since_ms"), epoch(m_serviceSinceMs)},
                            {QStringLiteral("failed_in_previous"),
                             std::round(std::max(0.0, m_failedInState - m_failedCandidate))}};
        if (state == u"outage" || state == u"degraded") {
            details.insert(QStringLiteral("causes"), causes());
            details.insert(QStringLiteral("surfaced"), surfaced());
        }
        QString text = u"service " + state + u": " + QString::number(smoothed * 100.0, 'f', 1) +
                       u" % of requests fail";
        if (state == u"recovering")
            text += QStringLiteral(", backlogs draining");
        const QJsonArray why = details.value(QStringLiteral("causes")).toArray();
        if (!why.isEmpty())
            text += u"; " + why.first().toObject().value(QStringLiteral("text")).toString();
        emitEvent(EventKind::ServiceState, {}, state, text, details);
        m_saidCause = causeKey(why);
        m_causeCandidate.clear();
        m_serviceState = state;
        m_serviceSinceMs = m_candidateSinceMs;
        m_failedInState = m_failedCandidate;
        m_candidate.clear();
    }

    watchCause();

    // The public uptime check: the share of its checks that failed over the alert window.
    m_uptimeRatio.add(m_failed, m_offered, alertWindowTicks());
    if (const double checks = m_uptimeRatio.ratio(); checks > sl.outageAbove) {
        if (m_uptimeFailingSinceMs < 0)
            m_uptimeFailingSinceMs = m_now;
        if (!m_uptimeAlerting && m_now - m_uptimeFailingSinceMs >= sl.alertForMs) {
            m_uptimeAlerting = true;
            emitEvent(EventKind::AlertFiring, {}, QStringLiteral("UptimeCheckFailing"),
                      u"UptimeCheckFailing: " + QString::number(checks * 100.0, 'f', 1) +
                          u" % of checks fail for " + formatDuration(sl.alertForMs));
        }
    } else {
        m_uptimeFailingSinceMs = -1;
        if (m_uptimeAlerting) {
            m_uptimeAlerting = false;
            emitEvent(EventKind::AlertResolved, {}, QStringLiteral("UptimeCheckFailing"),
                      QStringLiteral("UptimeCheckFailing resolved"));
        }
    }
}

void Simulation::watchAlerts()
{
    const ServiceLevel &sl = m_scenario.serviceLevel;
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        NodeRun &run = m_nodes[size_t(n)];
        // A node the monitoring does not reach is unknown to it: its alert neither fires
        // nor resolves.
        if (!run.present || run.entry < 0 || m_endpoints[size_t(run.entry)].source)
            continue;
        if (!run.watched) { // seen again, it waits its `alert_for` afresh, on new scrapes
            run.alertSinceMs = -1;
            run.alertRatio.clear();
            continue;
        }
        double errors = 0.0;
        for (int e : run.endpoints)
            errors += m_endpoints[size_t(e)].errors;
        run.alertRatio.add(errors, m_endpoints[size_t(run.entry)].in, alertWindowTicks());
        const double ratio = run.alertRatio.ratio();
        const QString &id = topo().nodes[n].id;
        if (ratio > sl.alertErrorRatio) {
            if (run.alertSinceMs < 0)
                run.alertSinceMs = m_now;
            if (!run.alerting && m_now - run.alertSinceMs >= sl.alertForMs) {
                run.alerting = true;
                raiseAlert(EventKind::AlertFiring, id, QStringLiteral("HighErrorRate"),
                           u"HighErrorRate on " + id + u": " +
                               QString::number(ratio * 100.0, 'f', 1) +
                               u" % of requests answered with errors or timeouts",
                           {{QStringLiteral("ratio"), ratio},
                            {QStringLiteral("role"), m_endpoints[size_t(run.entry)].role}});
            }
        } else {
            run.alertSinceMs = -1;
            if (run.alerting) {
                run.alerting = false;
                raiseAlert(EventKind::AlertResolved, id, QStringLiteral("HighErrorRate"),
                           u"HighErrorRate on " + id + u" resolved");
            }
        }
    }
}

void Simulation::watchBacklogs()
{
    auto watch = [&](Episode &episode, const QString &subject, double backlog, qint64 oldestMs) {
        const qint64 age = backlog >= 1.0 ? m_now - oldestMs : 0;
        if (!episode.active && age > 2 * m_tickMs) {
            episode = {true, m_now, backlog, m_now, 0.0, 0.0};
            emitEvent(EventKind::BacklogStarted, {}, subject,
                      subject + u" backlog building: " + formatCount(backlog) +
                          u" items waiting, oldest " + formatDuration(age));
        } else if (episode.active) {
            if (backlog > episode.peak) {
                episode.peak = backlog;
                episode.peakMs = m_now;
            }
            if (age <= m_tickMs) {
                episode.active = false;
                emitEvent(EventKind::BacklogDrained, {}, subject,
                          subject + u" backlog drained: peak " + formatCount(episode.peak) +
                              u" items, drained " + formatDuration(m_now - episode.peakMs) +
                              u" after the peak",
                          {{QStringLiteral("peak"), std::round(episode.peak)},
                           {QStringLiteral("peak_ms"), epoch(episode.peakMs)},
                           {QStringLiteral("started_ms"), epoch(episode.startMs)},
                           {QStringLiteral("drain_ms"), m_now - episode.peakMs},
                           {QStringLiteral("delivered"), std::round(episode.delivered)},
                           {QStringLiteral("late"), std::round(episode.late)}});
            }
        }
    };
    for (int q = 0; q < int(m_queues.size()); ++q) {
        QueueRun &run = m_queues[size_t(q)];
        double backlog = 0.0;
        qint64 oldest = m_now;
        for (const Endpoint &ep : m_endpoints) {
            if (ep.holds != q)
                continue;
            const NodeRun &holder = m_nodes[size_t(ep.node)];
            backlog += holder.backlogCount;
            if (!holder.backlog.empty())
                oldest = std::min(oldest, holder.backlog.front().originMs);
        }
        if (run.episode.active) {
            run.episode.delivered += run.delivered;
            run.episode.late += run.late;
        }
        watch(run.episode, m_scenario.queues[q].id, backlog, oldest);
        // Late while items wait (or were delivered) beyond the target; resolved only after
        // a whole alert period without, so that a draining backlog does not flap.
        const qint64 target = m_scenario.queues[q].targetMs;
        const bool late =
            target > 0 && ((backlog >= 1.0 && m_now - oldest > target) || run.late > 0.0);
        if (m_monitor >= 0 && !nodeUp(m_monitor)) // nobody evaluates it
            continue;
        const QString name = QStringLiteral("DeliveriesLate");
        if (late && !run.alerting) {
            run.alerting = true;
            raiseAlert(EventKind::AlertFiring, {}, name,
                       name + u": " + m_scenario.queues[q].id + u" items wait longer than " +
                           formatDuration(target));
        }
        if (late)
            run.clearSinceMs = -1;
        else if (run.alerting && run.clearSinceMs < 0)
            run.clearSinceMs = m_now;
        if (run.alerting && !late &&
            m_now - run.clearSinceMs >= m_scenario.serviceLevel.alertForMs) {
            run.alerting = false;
            raiseAlert(EventKind::AlertResolved, {}, name, name + u" resolved");
        }
    }
    for (LoadRun &load : m_loads) {
        if (load.profile->onFailure == FailurePolicy::Retry)
            watch(load.upstreamEpisode,
                  m_loads.size() > 1 ? QString(u"upstream " + load.profile->id)
                                     : QStringLiteral("upstream"),
                  load.upstreamCount,
                  load.upstream.empty() ? m_now : load.upstream.front().originMs);
    }
}

void Simulation::watchLinks()
{
    // Saturated once its load has been at its capacity for kSaturationHoldMs, until it has been
    // below 90 % of it as long; a link that was up is degraded meanwhile, so that the hops over
    // it say why.
    for (int l = 0; l < int(m_links.size()); ++l) {
        LinkRun &run = m_links[size_t(l)];
        const Link &link = topo().links[l];
        if (!run.modelled || link.capacity <= 0.0) {
            if (run.saturated && run.degradedBySaturation && link.state == ElementState::Degraded)
                setLinks({l}, ElementState::Up, nullptr,
                         QStringLiteral("no capacity limit any more"));
            run.saturated = run.degradedBySaturation = false;
            continue;
        }
        const double u = run.load / link.capacity;
        // A saturation that ended while the link was down or cut: when a change puts back the
        // state it had (degraded by that saturation), nothing saturates it any more.
        if (!run.saturated && run.degradedBySaturation && link.state != ElementState::Down) {
            if (link.state == ElementState::Degraded)
                setLinks({l}, ElementState::Up, nullptr,
                         u"no longer saturated: " + QString::number(u * 100.0, 'f', 0) +
                             u" % of its capacity");
            run.degradedBySaturation = false;
        }
        const bool crossing = run.saturated ? u < 0.9 : u >= 1.0;
        if (!crossing) {
            run.crossedSinceMs = -1;
            continue;
        }
        if (run.crossedSinceMs < 0)
            run.crossedSinceMs = m_now;
        if (m_now - run.crossedSinceMs + m_tickMs < kSaturationHoldMs)
            continue;
        run.crossedSinceMs = -1;
        if (!run.saturated) {
            run.saturated = true;
            const QString why = u"saturated: " + formatCount(run.load) +
                                u" requests/s over a capacity of " + formatCount(link.capacity) +
                                u" (" + QString::number(u * 100.0, 'f', 0) + u" %), " +
                                QString::number(run.loss * 100.0, 'f', 1) + u" % lost, +" +
                                QString::number(run.queueMs, 'f', 0) + u" ms queueing";
            if (link.state == ElementState::Up) {
                run.degradedBySaturation = true;
                setLinks({l}, ElementState::Degraded, nullptr, why);
            } else {
                emitEvent(EventKind::LinkDegraded, {}, link.id,
                          u"link " + link.id + u' ' + toString(link.state) + u": " + why,
                          {{QStringLiteral("link"), link.id},
                           {QStringLiteral("state"), toString(link.state)},
                           {QStringLiteral("between"),
                            QJsonArray{topo().sites[link.siteA].id, topo().sites[link.siteB].id}}});
            }
        } else {
            run.saturated = false;
            const QString why = u"no longer saturated: " + formatCount(run.load) +
                                u" requests/s, " + QString::number(u * 100.0, 'f', 0) +
                                u" % of its capacity";
            if (run.degradedBySaturation && link.state == ElementState::Degraded) {
                setLinks({l}, ElementState::Up, nullptr, why);
                run.degradedBySaturation = false;
            } else if (link.state != ElementState::Down) {
                run.degradedBySaturation = false;
            } // down: the change that brings it back may restore the degraded state
        }
    }
}

void Simulation::recordSamples()
{
    if (!m_recording)
        return;
    for (int l = 0; l < int(m_links.size()); ++l) {
        const LinkRun &run = m_links[size_t(l)];
        const Link &link = topo().links[l];
        if (!run.modelled)
            continue;
        sample(run.utilizationSeries,
               link.capacity > 0.0 ? 100.0 * run.load / link.capacity : kNoValue);
        sample(run.lossSeries, 100.0 * run.loss);
        sample(run.latencySeries, link.latencyMs + run.queueMs);
    }
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        if (!m_nodes[size_t(n)].present)
            continue;
        openNodeSeries(n); // a node's series starts with its first sample
        const NodeRun &run = m_nodes[size_t(n)];
        double errors = 0.0;
        for (int e : run.endpoints)
            errors += m_endpoints[size_t(e)].errors;
        const Endpoint *entry = run.entry >= 0 ? &m_endpoints[size_t(run.entry)] : nullptr;
        const double requests = entry ? entry->in : 0.0;
        const bool busy = entry && !entry->source && nodeUp(n);
        sample(run.series[Cpu],
               busy ? std::min(100.0, 100.0 * entry->accepted / run.capacity) : 0.0);
        sample(run.series[Requests], requests);
        sample(run.series[Errors], errors);
        sample(run.series[Latency], requests > 0.0 ? entry->latencyMs : kNoValue);
        if (run.busySeries >= 0)
            sample(run.busySeries, busy ? run.busyPercent(entry->accepted) : 0.0);
        if (run.waitingSeries >= 0) {
            sample(run.waitingSeries, run.backlogCount);
            sample(run.oldestSeries, run.backlogCount >= 1.0 && !run.backlog.empty()
                                         ? double(m_now - run.backlog.front().originMs)
                                         : 0.0);
        }
    }
    for (int g = 0; g < int(m_groups.size()); ++g) {
        const ScalingGroup &group = topo().groups[g];
        int size = 0;
        std::vector<int> inService;
        for (int n = 0; n < int(m_nodes.size()); ++n) {
            const NodeRun &run = m_nodes[size_t(n)];
            if (!run.present || topo().nodes[n].group != group.id)
                continue;
            ++size;
            if (run.inService && run.entry >= 0)
                inService.push_back(n);
        }
        sample(m_groups[size_t(g)].sizeSeries, size);
        const double metric = groupMetric(group, inService);
        sample(m_groups[size_t(g)].metricSeries, std::isnan(metric) ? kNoValue : metric);
    }
    for (int q = 0; q < int(m_queues.size()); ++q) {
        const QueueRun &run = m_queues[size_t(q)];
        double backlog = 0.0;
        for (const Endpoint &ep : m_endpoints) {
            if (ep.holds == q)
                backlog += m_nodes[size_t(ep.node)].backlogCount;
        }
        sample(run.backlogSeries, backlog);
        sample(run.deliveredSeries, run.delivered / m_tickSec);
        sample(run.lateSeries, run.late / m_tickSec);
        sample(run.latencySeries, run.maxLatencyMs);
    }
    sample(m_offeredSeries, m_offered / m_tickSec);
    sample(m_failedSeries, m_failed / m_tickSec);
    sample(m_ratioSeries, m_offered > 0.0 ? 100.0 * m_failed / m_offered : 0.0);
    recordReplication();
    for (const LoadRun &load : m_loads) {
        sample(load.offeredSeries, load.offered / m_tickSec);
        sample(load.failedSeries, load.failed / m_tickSec);
        sample(load.upstreamSeries, load.upstreamCount);
    }
}

} // namespace warroom::sim
