#include "simulation.h"

#include "core/util/numbers.h"

namespace warroom::sim {

QJsonArray Simulation::causes() const
{
    // The hops that actually fail: blocked or refused calls that carry requests right now.
    QJsonArray out;
    QStringList seen;
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

QJsonArray Simulation::surfaced() const
{
    // Where the errors show: the hops answering errors, most first.
    std::vector<std::pair<double, int>> errors;
    for (int i = 0; i < int(m_endpoints.size()); ++i) {
        if (m_endpoints[size_t(i)].errors > 1e-6 && !m_endpoints[size_t(i)].source)
            errors.emplace_back(-m_endpoints[size_t(i)].errors, i);
    }
    std::sort(errors.begin(), errors.end());
    QJsonArray out;
    for (size_t i = 0; i < errors.size() && i < 8; ++i) {
        const Endpoint &ep = m_endpoints[size_t(errors[i].second)];
        out.append(QJsonObject{{QStringLiteral("node"), topo().nodes[ep.node].id},
                               {QStringLiteral("role"), ep.role},
                               {QStringLiteral("site"), siteOf(ep.node)},
                               {QStringLiteral("errors_per_s"), -errors[i].first}});
    }
    return out;
}

void Simulation::watchService()
{
    const ServiceLevel &sl = m_scenario.serviceLevel;
    const double ratio = m_offered > 0.0 ? m_failed / m_offered : 0.0;
    const QString state =
        ratio > sl.outageAbove
            ? QStringLiteral("outage")
            : (ratio > sl.degradedAbove ? QStringLiteral("degraded") : QStringLiteral("ok"));
    if (state != m_serviceState) {
        QJsonObject details{{QStringLiteral("state"), state},
                            {QStringLiteral("previous"), m_serviceState},
                            {QStringLiteral("failure_ratio"), ratio},
                            {QStringLiteral("previous_since_ms"), epoch(m_serviceSinceMs)},
                            {QStringLiteral("failed_in_previous"), std::round(m_failedInState)}};
        if (state != u"ok") {
            details.insert(QStringLiteral("causes"), causes());
            details.insert(QStringLiteral("surfaced"), surfaced());
        }
        QString text = u"service " + state + u": " + QString::number(ratio * 100.0, 'f', 1) +
                       u" % of requests fail";
        const QJsonArray why = details.value(QStringLiteral("causes")).toArray();
        if (!why.isEmpty())
            text += u"; " + why.first().toObject().value(QStringLiteral("text")).toString();
        emitEvent(EventKind::ServiceState, {}, state, text, details);
        m_serviceState = state;
        m_serviceSinceMs = m_now;
        m_failedInState = 0.0;
    }
    m_failedInState += m_failed;

    // The public uptime check: fails while the outage lasts.
    if (ratio > sl.outageAbove) {
        if (m_uptimeFailingSinceMs < 0)
            m_uptimeFailingSinceMs = m_now;
        if (!m_uptimeAlerting && m_now - m_uptimeFailingSinceMs >= sl.alertForMs) {
            m_uptimeAlerting = true;
            emitEvent(EventKind::AlertFiring, {}, QStringLiteral("UptimeCheckFailing"),
                      u"UptimeCheckFailing: " + QString::number(ratio * 100.0, 'f', 1) +
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
        if (!run.present || run.entry < 0 || m_endpoints[size_t(run.entry)].source)
            continue;
        double errors = 0.0;
        for (int e : run.endpoints)
            errors += m_endpoints[size_t(e)].errors;
        const double requests = m_endpoints[size_t(run.entry)].in;
        const double ratio = requests > 0.0 ? errors / requests : 0.0;
        const QString &id = topo().nodes[n].id;
        if (ratio > sl.alertErrorRatio) {
            if (run.alertSinceMs < 0)
                run.alertSinceMs = m_now;
            if (!run.alerting && m_now - run.alertSinceMs >= sl.alertForMs) {
                run.alerting = true;
                emitEvent(EventKind::AlertFiring, id, QStringLiteral("HighErrorRate"),
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
                emitEvent(EventKind::AlertResolved, id, QStringLiteral("HighErrorRate"),
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
        const QString name = QStringLiteral("DeliveriesLate");
        if (late && !run.alerting) {
            run.alerting = true;
            emitEvent(EventKind::AlertFiring, {}, name,
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
            emitEvent(EventKind::AlertResolved, {}, name, name + u" resolved");
        }
    }
    if (m_scenario.load.onFailure == FailurePolicy::Retry)
        watch(m_upstreamEpisode, QStringLiteral("upstream"), m_upstreamCount,
              m_upstream.empty() ? m_now : m_upstream.front().originMs);
}

void Simulation::recordSamples()
{
    if (!m_recording)
        return;
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
    sample(m_upstreamSeries, m_upstreamCount);
}

} // namespace warroom::sim
