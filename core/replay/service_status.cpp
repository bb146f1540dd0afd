#include "service_status.h"

#include "replay_data.h"

#include "core/util/duration.h"
#include "core/util/numbers.h"

#include <QJsonArray>

namespace warroom {

namespace {

// How long after it began a service state may be said (a scenario's `state_for`, held).
constexpr qint64 kStateSaidWithinMs = 24 * 3600000;

ServiceState stateNamed(const QString &name)
{
    if (name == u"outage")
        return ServiceState::Outage;
    if (name == u"degraded")
        return ServiceState::Degraded;
    if (name == u"recovering")
        return ServiceState::Recovering;
    return ServiceState::Ok;
}

// The value a chart line shows at `timeMs` (its column's maximum); -1 without one.
double lineValueAt(const ReplayData &data, const QString &key, qint64 timeMs)
{
    for (const ChartData &chart : data.charts) {
        for (const ChartLine &line : chart.lines) {
            if (line.key != key)
                continue;
            const auto it =
                std::upper_bound(line.points.cbegin(), line.points.cend(), timeMs,
                                 [](qint64 at, const WindowPoint &p) { return at < p.timeMs; });
            return it == line.points.cbegin() ? -1.0 : double(std::prev(it)->max);
        }
    }
    return -1.0;
}

// "notifications: 697,344 waiting, deliveries 31 min late (target 3m)"
QString backlogWhy(const ReplayData &data, const QString &queue, qint64 timeMs)
{
    const QString prefix = backlogSeriesPrefix(queue);
    const double waiting = lineValueAt(data, prefix + u"backlog", timeMs);
    QString text = queue.startsWith(u"upstream")
                       ? QString(u"requests waiting outside to be resent" + queue.mid(8))
                       : queue;
    if (waiting >= 0)
        text += u": " + formatCount(waiting) + u" waiting";
    const double lateMs = lineValueAt(data, prefix + u"delivery_latency", timeMs) * 60000.0;
    if (lateMs > 0) {
        text += u", deliveries " + formatDuration(qint64(lateMs)) + u" late";
        for (const Deliveries &d : data.summary.deliveries) {
            if (d.queue == queue && d.targetMs > 0)
                text += u" (target " + formatDuration(d.targetMs) + u')';
        }
    }
    return text;
}

// Why the service is in `state` per a service.state event: the worst failing hop, or where
// errors surface when no hop fails (an overload).
QString stateWhy(const Event &e)
{
    const QJsonArray causes = e.details.value(QStringLiteral("causes")).toArray();
    if (!causes.isEmpty())
        return causes.first().toObject().value(QStringLiteral("text")).toString();
    const QJsonArray surfaced = e.details.value(QStringLiteral("surfaced")).toArray();
    const double ratio = e.details.value(QStringLiteral("failure_ratio")).toDouble();
    QString text = QString::number(ratio * 100.0, 'f', 1) + u" % of requests fail";
    if (!surfaced.isEmpty()) {
        const QJsonObject at = surfaced.first().toObject();
        text += u", no hop is cut: errors at " + at.value(QStringLiteral("node")).toString() +
                u" (" + at.value(QStringLiteral("role")).toString() + u", " +
                at.value(QStringLiteral("site")).toString() + u") " +
                QString::number(at.value(QStringLiteral("errors_per_s")).toDouble(), 'f', 1) +
                u" errors/s";
    }
    return text;
}

} // namespace

QString toString(ServiceState state)
{
    switch (state) {
    case ServiceState::Ok:
        return QStringLiteral("ok");
    case ServiceState::Degraded:
        return QStringLiteral("degraded");
    case ServiceState::Outage:
        return QStringLiteral("outage");
    case ServiceState::Recovering:
        return QStringLiteral("recovering");
    }
    return {};
}

namespace {

// The state events taken in time order: what the service's state depends on at any moment.
struct Tracker
{
    const Event *state = nullptr; // the last service.state
    const Event *cause = nullptr; // ... and what fails first since, if it changed (service.cause)
    qint64 outageEndedMs = -1;    // when the last outage before it ended
    QStringList backlogs;         // queues whose backlog is not drained
    qint64 backlogSince = -1;

    void take(const Event &e)
    {
        if (e.kind == EventKind::ServiceState) {
            if (state && state->subject == u"outage" && e.subject != u"outage")
                outageEndedMs = beganAtMs(e);
            state = &e;
            cause = nullptr;
        } else if (e.kind == EventKind::ServiceCause) {
            if (state && state->subject == e.subject)
                cause = &e;
        } else if (e.kind == EventKind::BacklogStarted) {
            if (!backlogs.contains(e.subject))
                backlogs.append(e.subject);
            if (backlogSince < 0)
                backlogSince = e.timeMs;
        } else if (e.kind == EventKind::BacklogDrained) {
            backlogs.removeAll(e.subject);
            if (backlogs.isEmpty())
                backlogSince = -1;
        }
    }

    // Backlogs still drain that the last outage left (or grew during it).
    bool drainingSinceOutage() const
    {
        return !backlogs.isEmpty() && outageEndedMs >= 0 && outageEndedMs >= backlogSince;
    }

    ServiceState current() const
    {
        const ServiceState named = state ? stateNamed(state->subject) : ServiceState::Ok;
        if (named == ServiceState::Outage || named == ServiceState::Recovering)
            return named;
        if (drainingSinceOutage())
            return ServiceState::Recovering;
        if (named == ServiceState::Degraded || !backlogs.isEmpty())
            return ServiceState::Degraded;
        return ServiceState::Ok;
    }

    // The state with since when and why (the queues' figures read at `timeMs`).
    ServiceStatus status(const ReplayData &data, qint64 timeMs) const
    {
        QStringList queues;
        for (const QString &queue : backlogs)
            queues.append(backlogWhy(data, queue, timeMs));
        const QString waiting = queues.join(QStringLiteral("; "));
        switch (current()) {
        case ServiceState::Outage:
            return {ServiceState::Outage, beganAtMs(*state), stateWhy(cause ? *cause : *state)};
        case ServiceState::Recovering: // requests succeed, the backlog the outage left drains
            return {ServiceState::Recovering,
                    drainingSinceOutage() ? outageEndedMs : beganAtMs(*state), waiting};
        case ServiceState::Degraded:
            if (state && stateNamed(state->subject) == ServiceState::Degraded)
                return {ServiceState::Degraded, beganAtMs(*state),
                        stateWhy(cause ? *cause : *state) +
                            (waiting.isEmpty() ? QString() : u"; " + waiting)};
            return {ServiceState::Degraded, backlogSince, waiting}; // an overload building
        case ServiceState::Ok:
            break;
        }
        return {ServiceState::Ok, state ? beganAtMs(*state) : -1, {}};
    }
};

bool recordsServiceState(const ReplayData &data)
{
    return std::any_of(data.stateEvents.cbegin(), data.stateEvents.cend(),
                       [](const Event &e) { return e.kind == EventKind::ServiceState; });
}

} // namespace

ServiceStatus serviceStatusAt(const ReplayData &data, qint64 timeMs)
{
    if (!recordsServiceState(data)) {
        // Watched, not simulated: the summary's outages are all there is.
        ServiceStatus status;
        for (const Outage &o : data.summary.outages) {
            const bool ongoing = o.endMs >= data.endMs;
            if (timeMs >= o.startMs && (timeMs < o.endMs || ongoing))
                status = {ServiceState::Outage, o.startMs, o.causes.value(0)};
        }
        return status;
    }
    Tracker tracker;
    const QList<Event> &events = data.stateEvents;
    qsizetype i = 0;
    for (; i < events.size() && events[i].timeMs <= timeMs; ++i)
        tracker.take(events[i]);
    // A state said once it held (`state_for`) counts from when it began: one said a little
    // later but dated at or before `timeMs` is already the state then.
    for (; i < events.size() && events[i].timeMs <= timeMs + kStateSaidWithinMs; ++i) {
        if (events[i].kind != EventKind::ServiceState)
            continue;
        if (beganAtMs(events[i]) > timeMs)
            break; // states are dated in order: none later began before `timeMs`
        tracker.take(events[i]);
    }
    return tracker.status(data, timeMs);
}

QList<ServiceSpan> serviceSpans(const ReplayData &data)
{
    QList<ServiceSpan> spans;
    auto enter = [&](ServiceState state, qint64 at) {
        if (at < data.startMs || at > data.endMs)
            return;
        if (!spans.isEmpty() && spans.last().toMs < 0) {
            if (spans.last().state == state)
                return;
            if (at <= spans.last().fromMs) {
                // A state said late and dated back (held for `state_for`) replaces what showed
                // meanwhile.
                spans.removeLast();
                if (!spans.isEmpty())
                    at = std::max(at, spans.last().toMs);
            } else {
                spans.last().toMs = at;
            }
        }
        if (state != ServiceState::Ok)
            spans.append({state, at, -1});
    };
    if (!recordsServiceState(data)) {
        for (const Outage &o : data.summary.outages) {
            enter(ServiceState::Outage, o.startMs);
            enter(ServiceState::Ok, o.endMs);
        }
    } else {
        // One pass: the state after the last event of each moment.
        Tracker tracker;
        const QList<Event> &events = data.stateEvents;
        for (qsizetype i = 0; i < events.size(); ++i) {
            tracker.take(events[i]);
            if (i + 1 == events.size() || events[i + 1].timeMs != events[i].timeMs)
                enter(tracker.current(), beganAtMs(events[i]));
        }
    }
    if (!spans.isEmpty() && spans.last().toMs < 0)
        spans.last().toMs = data.endMs;
    return spans;
}

qint64 firstMomentThatMatters(const ReplayData &data)
{
    qint64 first = std::numeric_limits<qint64>::max();
    for (const Event &e : data.stateEvents) {
        if (e.kind == EventKind::ServiceState && e.subject != u"ok" && e.subject != u"recovering") {
            first = beganAtMs(e);
            break;
        }
    }
    for (const Outage &o : data.summary.outages)
        first = std::min(first, o.startMs);
    if (first == std::numeric_limits<qint64>::max()) { // users never saw trouble: the first fault
        for (const Event &e : data.events) {
            if (e.kind == EventKind::FaultStarted) {
                first = e.timeMs;
                break;
            }
        }
    }
    if (first == std::numeric_limits<qint64>::max())
        return data.startMs;
    return std::clamp(first, data.startMs, data.endMs);
}

} // namespace warroom
