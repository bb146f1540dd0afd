#include "recording_summary.h"

#include "core/util/numbers.h"
#include "service_periods.h"

#include "core/scenario/simulation_spec.h"
#include "core/store/recording.h"
#include "core/store/shared_address.h"
#include "core/util/duration.h"
#include "core/util/json_ms.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>

#include <cmath>
#include <map>
#include <optional>

namespace warroom {

namespace {

// Sum and max of a series over the whole recording (rates times the interval).
std::pair<double, double> totalAndMax(const Recording &recording, const QString &key)
{
    const StoredSeries *series = recording.seriesByKey(key);
    if (!series)
        return {0.0, 0.0};
    double total = 0.0;
    double max = 0.0;
    for (float v : recording.samples(*series, series->info.startMs, series->endMs())) {
        if (std::isnan(v))
            continue;
        total += double(v) * double(series->info.intervalMs) / 1000.0;
        max = std::max(max, double(v));
    }
    return {total, max};
}

// The alerts firing at some time in [fromMs, toMs], as "node (alert, site)", each once.
QStringList alertsDuring(const QList<Event> &events, qint64 fromMs, qint64 toMs)
{
    QHash<QString, qint64> firedAt; // "alert|node" -> when it fired
    QStringList out;
    for (const Event &e : events) {
        if (e.timeMs > toMs)
            break;
        const QString key = e.subject + u'|' + e.node;
        if (e.kind == EventKind::AlertFiring) {
            firedAt.insert(key, e.timeMs);
        } else if (e.kind == EventKind::AlertResolved || e.kind == EventKind::AlertSilenced) {
            const auto it = firedAt.constFind(key);
            if (it != firedAt.cend() && e.timeMs >= fromMs) {
                const QString where = (e.node.isEmpty() ? e.subject : e.node) + u" (" + e.subject +
                                      u", " + e.site + u')';
                if (!out.contains(where))
                    out.append(where);
            }
            firedAt.remove(key);
        }
    }
    for (const Event &e : events) { // still firing at the end of the period
        if (e.kind == EventKind::AlertFiring &&
            firedAt.value(e.subject + u'|' + e.node) == e.timeMs) {
            const QString where =
                (e.node.isEmpty() ? e.subject : e.node) + u" (" + e.subject + u", " + e.site + u')';
            if (!out.contains(where))
                out.append(where);
        }
    }
    return out;
}

QStringList texts(const QJsonArray &array, const char *key)
{
    QStringList out;
    for (const QJsonValue &v : array)
        out.append(v.toObject().value(QLatin1StringView(key)).toString());
    return out;
}

} // namespace

qint64 RecordingSummary::outageMs() const
{
    qint64 total = 0;
    for (const Outage &o : outages)
        total += o.durationMs();
    return total;
}

namespace {

// The recorded `outage_above`, or nothing when it is missing or not a fraction.
std::optional<double> recordedOutageThreshold(const Recording &recording)
{
    bool ok = false;
    const double stored = recording.meta(QStringLiteral("outage_above")).toDouble(&ok);
    if (ok && stored >= 0.0 && stored <= 1.0)
        return stored;
    return std::nullopt;
}

} // namespace

double outageThreshold(const Recording &recording)
{
    return recordedOutageThreshold(recording).value_or(ServiceLevel{}.outageAbove);
}

RecordingSummary summarize(const Recording &recording)
{
    RecordingSummary s;
    s.name = recording.meta(QStringLiteral("scenario_name"));
    s.title = recording.meta(QStringLiteral("scenario_title"));
    s.scenarioFile = recording.meta(QStringLiteral("scenario_file"));
    s.whatIfs = recording.meta(QStringLiteral("what_ifs")).split(u' ', Qt::SkipEmptyParts);
    s.seed = recording.meta(QStringLiteral("seed")).toULongLong();
    s.startMs = recording.startMs();
    s.endMs = recording.endMs();
    s.eventCount = recording.eventCount();
    s.eventsHash = recording.meta(QStringLiteral("events_hash"));
    s.outageAbove = outageThreshold(recording);
    s.outageAboveAssumed = recording.metaDamaged(QStringLiteral("outage_above")) ||
                           (!recording.meta(QStringLiteral("outage_above")).isEmpty() &&
                            !recordedOutageThreshold(recording));
    s.fileName = recordingDisplayName(recording.path());
    s.requestsCounted = recording.seriesByKey(QStringLiteral("service/offered")) != nullptr;
    s.offeredRequests = totalAndMax(recording, QStringLiteral("service/offered")).first;
    s.failedRequests = totalAndMax(recording, QStringLiteral("service/failed")).first;

    // Service states: outages and the time spent in each state; recorded, or observed (probes
    // and alerts) for a recording watched live; debounced.
    QList<std::pair<QString, qint64>> inState{{QStringLiteral("ok"), 0},
                                              {QStringLiteral("degraded"), 0},
                                              {QStringLiteral("outage"), 0},
                                              {QStringLiteral("recovering"), 0}};
    const QList<Event> stateEvents = recording.events(EventFilter::ofKinds(
        {EventKind::ServiceState, EventKind::ServiceCause, EventKind::ProbeObserved,
         EventKind::AlertFiring, EventKind::AlertResolved, EventKind::AlertSilenced}));
    const bool simulated = recording.meta(QStringLiteral("source")) == u"simulator" ||
                           recording.meta(QStringLiteral("source")) == u"drill";
    s.simulated = simulated;
    s.statesKnown = simulated || !stateEvents.isEmpty() || s.requestsCounted;
    const QList<ServicePeriod> periods =
        servicePeriods(stateEvents, s.startMs, s.endMs,
                       simulated ? StateSource::Recorded : StateSource::Observed, &s.blips);
    for (const ServicePeriod &p : periods) {
        for (auto &entry : inState) {
            if (entry.first == p.state)
                entry.second += p.endMs - p.startMs;
        }
        s.observed = s.observed || p.observed;
        if (p.state != u"outage")
            continue;
        Outage current;
        current.startMs = p.startMs;
        current.endMs = p.endMs;
        current.failedRequests = p.failed;
        const QJsonArray causes = p.details.value(QStringLiteral("causes")).toArray();
        current.causes = texts(causes, "text");
        for (const QString &rule : texts(causes, "rule")) {
            if (!rule.isEmpty() && !current.rules.contains(rule))
                current.rules.append(rule);
        }
        for (const QJsonValue &v : p.details.value(QStringLiteral("surfaced")).toArray()) {
            const QJsonObject o = v.toObject();
            const double errors = o.value(QStringLiteral("errors_per_s")).toDouble(-1.0);
            current.surfaced.append(
                o.value(QStringLiteral("node")).toString() + u" (" +
                o.value(QStringLiteral("role")).toString() + u", " +
                o.value(QStringLiteral("site")).toString() + u')' +
                (errors < 0 ? QString() : u' ' + QString::number(errors, 'f', 1) + u" errors/s"));
        }
        // Watched live, the states say what failed (an SLI), not where: the alerts that fired
        // during it did.
        if (current.surfaced.isEmpty() && !simulated)
            current.surfaced = alertsDuring(stateEvents, current.startMs, current.endMs);
        s.outages.append(current);
    }
    // Back to ok after the last trouble (-1: never left it, or still out at the end).
    s.okAgainMs = periods.size() > 1 && periods.last().state == u"ok" ? periods.last().startMs : -1;
    // Failures not said by the states (still out at the end, or states observed live): counted
    // from the series, when there is one.
    const StoredSeries *failed = recording.seriesByKey(QStringLiteral("service/failed"));
    for (Outage &o : s.outages) {
        if (!std::isnan(o.failedRequests))
            continue;
        double sum = 0.0;
        if (failed) {
            for (float v : recording.samples(*failed, o.startMs, o.endMs))
                sum += std::isnan(v) ? 0.0 : double(v) * failed->info.intervalMs / 1000.0;
        }
        o.failedRequests = failed || !s.observed ? sum : std::nan("");
    }
    s.timeInState = inState;

    // Autoscaler actions by group and site.
    std::map<std::pair<QString, QString>, SiteActions> actions;
    for (const Event &e : recording.events(
             EventFilter::ofKinds({EventKind::NodeLaunched, EventKind::NodeTerminated,
                                   EventKind::NodeUnhealthy, EventKind::LaunchFailed}))) {
        if (e.subject.isEmpty())
            continue; // not a scaling group's instance
        const QString site = e.site.isEmpty()
                                 ? e.details.value(QStringLiteral("site")).toString()
                                 : e.site; // a failed launch has no node, its site is a detail
        SiteActions &a = actions[{e.subject, site}];
        a.group = e.subject;
        a.site = site;
        if (e.kind == EventKind::NodeLaunched)
            ++a.launched;
        else if (e.kind == EventKind::LaunchFailed)
            ++a.launchFailed;
        else if (e.kind == EventKind::NodeTerminated)
            ++a.terminated;
        else
            ++a.replacedUnhealthy;
    }
    for (const auto &entry : actions)
        s.actions.append(entry.second);

    // Backlogs and deliveries.
    std::map<QString, Backlog> open;
    for (const Event &e : recording.events(
             EventFilter::ofKinds({EventKind::BacklogStarted, EventKind::BacklogDrained}))) {
        if (e.kind == EventKind::BacklogStarted) {
            open[e.subject] = Backlog{e.subject, e.timeMs, 0.0, e.timeMs, -1};
            continue;
        }
        Backlog b = open.count(e.subject) ? open[e.subject] : Backlog{e.subject, e.timeMs};
        open.erase(e.subject);
        b.peak = e.details.value(QStringLiteral("peak")).toDouble();
        b.peakMs = jsonMs(e.details.value(QStringLiteral("peak_ms")));
        b.drainedMs = e.timeMs;
        s.backlogs.append(b);
    }
    for (auto &[queue, b] : open) {
        const QString key = backlogSeriesPrefix(queue) + u"backlog";
        if (const StoredSeries *series = recording.seriesByKey(key)) {
            const std::vector<float> values = recording.samples(*series, b.startMs, s.endMs);
            for (size_t i = 0; i < values.size(); ++i) {
                if (values[i] > b.peak) {
                    b.peak = values[i];
                    b.peakMs = b.startMs + qint64(i) * series->info.intervalMs;
                }
            }
        }
        s.backlogs.append(b);
    }
    const QJsonArray queues =
        QJsonDocument::fromJson(recording.meta(QStringLiteral("queues")).toUtf8()).array();
    for (const QJsonValue &v : queues) {
        Deliveries d;
        d.queue = v.toObject().value(QStringLiteral("id")).toString();
        d.targetMs = jsonMs(v.toObject().value(QStringLiteral("target_ms")));
        const QString prefix = u"queue/" + d.queue + u'/';
        d.delivered = totalAndMax(recording, prefix + u"delivered").first;
        d.late = totalAndMax(recording, prefix + u"late").first;
        d.maxLatencyMs = totalAndMax(recording, prefix + u"delivery_latency").second;
        // Never delivered: what a backlog that had not drained at the end still held (a queue
        // that flows always holds a few items in passing: those are not counted).
        const bool stuck =
            std::any_of(s.backlogs.cbegin(), s.backlogs.cend(),
                        [&](const Backlog &b) { return b.queue == d.queue && b.drainedMs < 0; });
        if (const StoredSeries *backlog = recording.seriesByKey(prefix + u"backlog");
            stuck && backlog && backlog->count > 0) { // its last sample
            const QList<WindowPoint> last = recording.window(
                *backlog, backlog->endMs() - backlog->info.intervalMs, backlog->endMs(), 1);
            if (!last.isEmpty() && !std::isnan(last.first().max))
                d.waitingAtEnd = last.first().max;
        }
        s.deliveries.append(d);
    }
    for (const Event &e : recording.events(EventFilter::ofKinds({EventKind::AlertFiring}))) {
        ++s.alerts;
        if (const QJsonValue delay = e.details.value(QStringLiteral("delayed_ms"));
            delay.toDouble() > 0) {
            ++s.lateAlerts;
            s.maxAlertDelayMs = std::max(s.maxAlertDelayMs, jsonMs(delay));
        }
    }
    for (const Event &e : recording.events(EventFilter::ofKinds({EventKind::MonitoringChanged})))
        s.undeliveredAlerts += e.details.value(QStringLiteral("undelivered")).toInt();
    for (const Event &e : recording.events(EventFilter::ofKinds({EventKind::Promoted}))) {
        if (e.details.value(QStringLiteral("from")) == e.details.value(QStringLiteral("to")))
            continue; // already the primary
        s.promotions.append({e.timeMs, e.subject,
                             e.details.value(QStringLiteral("from")).toString(),
                             e.details.value(QStringLiteral("to")).toString(),
                             e.details.value(QStringLiteral("lost")).toDouble(),
                             e.details.value(QStringLiteral("divergent")).toDouble(),
                             jsonMs(e.details.value(QStringLiteral("lag_ms")))});
    }
    for (const StoredSeries &series : recording.series()) {
        const QString &key = series.info.key;
        if (key.startsWith(u"replication/") && key.endsWith(u"/lag"))
            s.maxLagMs.append({key.mid(12, key.size() - 16), totalAndMax(recording, key).second});
    }
    return s;
}

QString backlogSeriesPrefix(const QString &subject)
{
    if (subject == u"upstream")
        return QStringLiteral("upstream/");
    if (subject.startsWith(u"upstream ")) // one of several loads
        return u"upstream/" + subject.mid(9) + u'/';
    return u"queue/" + subject + u'/';
}

QString summaryText(const RecordingSummary &s)
{
    QString out;
    if (!s.name.isEmpty())
        out += s.name + (s.title.isEmpty() ? QString() : u" — " + s.title) + u'\n';
    else
        out += (s.title.isEmpty() ? s.fileName : s.title) + u'\n';
    out += u"recording: " + formatUtc(s.startMs) + u" to " + formatUtc(s.endMs) + u" UTC (" +
           formatDuration(s.endMs - s.startMs) + u")" +
           (s.simulated ? u", seed " + QString::number(s.seed) : QString()) + u", " +
           formatCount(double(s.eventCount)) + u" events";
    if (!s.whatIfs.isEmpty())
        out += u", what-if " + s.whatIfs.join(QStringLiteral(", "));
    out += u'\n';
    if (s.requestsCounted)
        out += u"requests: " + formatCount(s.offeredRequests) + u" offered, " +
               formatCount(s.failedRequests) + u" failed (" +
               QString::number(s.offeredRequests > 0 ? 100.0 * s.failedRequests / s.offeredRequests
                                                     : 0.0,
                               'f', 3) +
               u" %)\n\n";
    else
        out += QStringLiteral("requests: not counted (no request series)\n\n");

    const QString outagesAre =
        s.observed
            ? QStringLiteral("observed: probes failing")
            : u"more than " + QString::number(s.outageAbove * 100.0) + u" % of requests failing" +
                  (s.outageAboveAssumed ? QStringLiteral(", the default: the "
                                                         "recorded threshold is "
                                                         "damaged")
                                        : QString());
    if (!s.statesKnown)
        out += QStringLiteral("Outages: not known (no service states, probes, alerts or request "
                              "series in the recording)");
    else
        out += u"Outages (" + outagesAre + u"): " + QString::number(s.outages.size());
    if (!s.outages.isEmpty())
        out += u", " + formatDuration(s.outageMs()) + u" in all";
    if (s.blips > 0)
        out += u" (and " + QString::number(s.blips) + u" blip" + (s.blips > 1 ? u"s" : u"") +
               u" shorter than " + formatDuration(kBlipMs) + u", not counted)";
    out += u'\n';
    for (const Outage &o : s.outages) {
        out += u"  " + formatUtc(o.startMs) + u" to " + formatUtc(o.endMs).mid(11) + u" (" +
               formatDuration(o.durationMs()) + u')' +
               (std::isnan(o.failedRequests) || !s.requestsCounted
                    ? QString(u'\n')
                    : QString(u": " + formatCount(o.failedRequests) + u" requests failed\n"));
        for (const QString &c : o.causes)
            out += u"      failed at:   " + c + u'\n';
        if (!o.surfaced.isEmpty())
            out += u"      surfaced at: " + o.surfaced.join(QStringLiteral(", ")) + u'\n';
    }

    out += QStringLiteral("\nAutoscaler actions by site:\n");
    if (s.actions.isEmpty())
        out += QStringLiteral("  none\n");
    for (const SiteActions &a : s.actions) {
        out += u"  " + a.group.leftJustified(14) + u' ' + a.site.leftJustified(10) + u' ' +
               QString::number(a.launched) + u" launched, " + QString::number(a.terminated) +
               u" terminated";
        if (a.replacedUnhealthy > 0)
            out += u" (" + QString::number(a.replacedUnhealthy) + u" unhealthy, replaced)";
        if (a.launchFailed > 0)
            out += u", " + QString::number(a.launchFailed) + u" launches failed";
        out += u'\n';
    }

    out += QStringLiteral("\nTime in each state:");
    if (s.statesKnown) {
        for (const auto &[state, ms] : s.timeInState)
            out += u' ' + state + u' ' + formatDuration(ms) + u';';
        out.chop(1);
    } else {
        out += QStringLiteral(" not known");
    }
    out += u'\n';

    if (!s.backlogs.isEmpty() || !s.deliveries.isEmpty())
        out += QStringLiteral("\nBacklogs:\n");
    for (const Backlog &b : s.backlogs) {
        out += u"  " + b.queue + u": peak " + formatCount(b.peak) + u" items at " +
               formatUtc(b.peakMs) + u", ";
        out += b.drainedMs < 0 ? QStringLiteral("not drained by the end")
                               : u"drained " + formatDuration(b.drainMs()) + u" after the peak (" +
                                     formatUtc(b.drainedMs).mid(11) + u')';
        out += u'\n';
    }
    for (const Deliveries &d : s.deliveries) {
        out += u"  deliveries of " + d.queue + u": " + formatCount(d.delivered) + u" delivered, " +
               formatCount(d.late) + u" late";
        if (d.targetMs > 0)
            out += u" (target " + formatDuration(d.targetMs) + u')';
        out += u", slowest " + formatDuration(qint64(d.maxLatencyMs));
        if (d.waitingAtEnd >= 1.0)
            out += u", " + formatCount(d.waitingAtEnd) + u" still waiting at the end";
        out += u'\n';
    }
    if (!s.promotions.isEmpty() || !s.maxLagMs.isEmpty())
        out += QStringLiteral("\nReplication:\n");
    for (const auto &[replica, lag] : s.maxLagMs)
        out += u"  " + replica + u": lag up to " + formatDuration(qint64(lag)) + u'\n';
    for (const Promotion &p : s.promotions) {
        out += u"  " + formatUtc(p.atMs) + u" " + p.to + u" promoted in " + p.replication +
               u" (was " + p.from + u"): ";
        if (p.lost + p.divergent < 0.5)
            out += QStringLiteral("no write missing\n");
        else
            out += formatCount(p.lost) + u" writes lost, " + formatCount(p.divergent) +
                   u" divergent\n";
    }
    out += u"\nalerts fired: " + QString::number(s.alerts);
    if (s.lateAlerts > 0)
        out += u" (" + QString::number(s.lateAlerts) + u" delivered late, up to " +
               formatDuration(s.maxAlertDelayMs) + u')';
    if (s.undeliveredAlerts > 0)
        out += u", " + QString::number(s.undeliveredAlerts) +
               u" raised but never delivered (the path to the pager still cut at the end)";
    if (!s.eventsHash.isEmpty())
        out += u"; events hash " + s.eventsHash.left(16);
    out += u'\n';
    return out;
}

QJsonObject summaryJson(const RecordingSummary &s)
{
    QJsonArray outages;
    for (const Outage &o : s.outages)
        outages.append(
            QJsonObject{{QStringLiteral("start_ms"), o.startMs},
                        {QStringLiteral("end_ms"), o.endMs},
                        {QStringLiteral("duration_ms"), o.durationMs()},
                        {QStringLiteral("failed_requests"), std::round(o.failedRequests)},
                        {QStringLiteral("causes"), QJsonArray::fromStringList(o.causes)},
                        {QStringLiteral("rules"), QJsonArray::fromStringList(o.rules)},
                        {QStringLiteral("surfaced"), QJsonArray::fromStringList(o.surfaced)}});
    QJsonArray actions;
    for (const SiteActions &a : s.actions)
        actions.append(QJsonObject{{QStringLiteral("group"), a.group},
                                   {QStringLiteral("site"), a.site},
                                   {QStringLiteral("launched"), a.launched},
                                   {QStringLiteral("terminated"), a.terminated},
                                   {QStringLiteral("replaced_unhealthy"), a.replacedUnhealthy},
                                   {QStringLiteral("launch_failed"), a.launchFailed}});
    QJsonArray backlogs;
    for (const Backlog &b : s.backlogs)
        backlogs.append(QJsonObject{{QStringLiteral("queue"), b.queue},
                                    {QStringLiteral("start_ms"), b.startMs},
                                    {QStringLiteral("peak"), std::round(b.peak)},
                                    {QStringLiteral("peak_ms"), b.peakMs},
                                    {QStringLiteral("drained_ms"), b.drainedMs},
                                    {QStringLiteral("drain_ms"), b.drainMs()}});
    QJsonArray deliveries;
    for (const Deliveries &d : s.deliveries)
        deliveries.append(
            QJsonObject{{QStringLiteral("queue"), d.queue},
                        {QStringLiteral("target_ms"), d.targetMs},
                        {QStringLiteral("delivered"), std::round(d.delivered)},
                        {QStringLiteral("late"), std::round(d.late)},
                        {QStringLiteral("max_latency_ms"), std::round(d.maxLatencyMs)},
                        {QStringLiteral("waiting_at_end"), std::round(d.waitingAtEnd)}});
    QJsonObject states;
    for (const auto &[state, ms] : s.timeInState)
        states.insert(state, ms);
    QJsonArray promotions;
    for (const Promotion &p : s.promotions)
        promotions.append(QJsonObject{{QStringLiteral("at_ms"), p.atMs},
                                      {QStringLiteral("replication"), p.replication},
                                      {QStringLiteral("from"), p.from},
                                      {QStringLiteral("to"), p.to},
                                      {QStringLiteral("lost"), std::round(p.lost)},
                                      {QStringLiteral("divergent"), std::round(p.divergent)},
                                      {QStringLiteral("lag_ms"), p.lagMs}});
    QJsonObject lags;
    for (const auto &[replica, lag] : s.maxLagMs)
        lags.insert(replica, std::round(lag));
    return {
        {QStringLiteral("format"), QStringLiteral("warroom-summary")},
        {QStringLiteral("version"), 1},
        {QStringLiteral("scenario"), s.name},
        {QStringLiteral("title"), s.title},
        {QStringLiteral("what_ifs"), QJsonArray::fromStringList(s.whatIfs)},
        {QStringLiteral("seed"), s.simulated ? QJsonValue(QString::number(s.seed)) : QJsonValue()},
        {QStringLiteral("start_ms"), s.startMs},
        {QStringLiteral("end_ms"), s.endMs},
        {QStringLiteral("events"), s.eventCount},
        {QStringLiteral("events_hash"), s.eventsHash},
        {QStringLiteral("offered_requests"), std::round(s.offeredRequests)},
        {QStringLiteral("failed_requests"), std::round(s.failedRequests)},
        {QStringLiteral("outage_ms"), s.outageMs()},
        {QStringLiteral("outage_above"), s.outageAbove},
        {QStringLiteral("outage_above_assumed"), s.outageAboveAssumed},
        {QStringLiteral("blips"), s.blips},
        {QStringLiteral("states_observed"), s.observed},
        {QStringLiteral("states_known"), s.statesKnown},
        {QStringLiteral("outages"), outages},
        {QStringLiteral("autoscaler_actions"), actions},
        {QStringLiteral("backlogs"), backlogs},
        {QStringLiteral("deliveries"), deliveries},
        {QStringLiteral("time_in_state_ms"), states},
        {QStringLiteral("alerts"), s.alerts},
        {QStringLiteral("alerts_late"), s.lateAlerts},
        {QStringLiteral("max_alert_delay_ms"), s.maxAlertDelayMs},
        {QStringLiteral("alerts_undelivered"), s.undeliveredAlerts},
        {QStringLiteral("promotions"), promotions},
        {QStringLiteral("max_replication_lag_ms"), lags}};
}

} // namespace warroom
