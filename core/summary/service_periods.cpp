#include "service_periods.h"

#include "core/events/event.h"

#include <QJsonArray>

#include <algorithm>

#include <cmath>
#include <map>

namespace warroom {

namespace {

int severity(const QString &state)
{
    return state == u"outage" ? 2 : state == u"degraded" ? 1 : 0; // recovering: requests succeed
}

// From the recorded service states: one period per state change.
QList<ServicePeriod> recorded(const QList<Event> &events, qint64 startMs, qint64 endMs)
{
    QList<ServicePeriod> out{{QStringLiteral("ok"), startMs, endMs, {}, 0.0, false}};
    for (const Event &e : events) {
        if (e.kind == EventKind::ServiceCause && out.last().state == e.subject) {
            // What failed first later in the period: its causes too, after the first ones.
            QJsonArray causes = out.last().details.value(QStringLiteral("causes")).toArray();
            for (const QJsonValue &c : e.details.value(QStringLiteral("causes")).toArray()) {
                if (!causes.contains(c))
                    causes.append(c);
            }
            out.last().details.insert(QStringLiteral("causes"), causes);
            continue;
        }
        if (e.kind != EventKind::ServiceState)
            continue;
        ServicePeriod &last = out.last();
        const qint64 began = std::max(beganAtMs(e), last.startMs);
        last.endMs = began;
        // Not said (states observed live): counted from the series, if any.
        last.failed = e.details.value(QStringLiteral("failed_in_previous")).toDouble(std::nan(""));
        out.append({e.subject, began, endMs, e.details, std::nan(""), false});
    }
    return out;
}

// From observations: failing probes (an outage on their paths) and firing alerts (degraded).
QList<ServicePeriod> observed(const QList<Event> &events, qint64 startMs, qint64 endMs)
{
    std::map<QString, Event> failing; // "from->to" -> the probe that saw it fail
    std::map<QString, Event> firing;  // alert and node -> the alert
    QList<ServicePeriod> out{{QStringLiteral("ok"), startMs, endMs, {}, std::nan(""), true}};
    for (const Event &e : events) {
        bool changed = true;
        switch (e.kind) {
        case EventKind::ProbeObserved: {
            // A site pair, or one node (and port) of it.
            const QString pair = e.site + u"->" + e.subject + u'|' + e.node + u'|' +
                                 QString::number(e.details.value(QStringLiteral("port")).toInt());
            if (e.details.value(QStringLiteral("state")).toString() == u"blocked")
                failing[pair] = e;
            else
                changed = failing.erase(pair) > 0;
            break;
        }
        case EventKind::AlertFiring:
            firing[e.subject + u'|' + e.node] = e;
            break;
        case EventKind::AlertResolved:
        case EventKind::AlertSilenced: // held back by Alertmanager: not firing
            changed = firing.erase(e.subject + u'|' + e.node) > 0;
            break;
        default:
            changed = false;
        }
        if (!changed)
            continue;
        const QString state = !failing.empty()  ? QStringLiteral("outage")
                              : !firing.empty() ? QStringLiteral("degraded")
                                                : QStringLiteral("ok");
        // The period's why, in the recorded form: the failing paths, and the alerts as where it
        // surfaced.
        QJsonArray causes, surfaced;
        for (const auto &[pair, probe] : failing)
            causes.append(QJsonObject{{QStringLiteral("text"), probe.text}});
        for (const auto &[key, alert] : firing)
            surfaced.append(QJsonObject{
                {QStringLiteral("node"), alert.node.isEmpty() ? alert.subject : alert.node},
                {QStringLiteral("role"), alert.subject},
                {QStringLiteral("site"), alert.site}});
        const QJsonObject details{{QStringLiteral("causes"), causes},
                                  {QStringLiteral("surfaced"), surfaced}};
        if (state == out.last().state) {
            // The same trouble, seen on more paths or surfacing in more places: all of it.
            for (const char *key : {"causes", "surfaced"}) {
                QJsonArray all = out.last().details.value(QLatin1StringView(key)).toArray();
                for (const QJsonValue &v : details.value(QLatin1StringView(key)).toArray()) {
                    if (!all.contains(v))
                        all.append(v);
                }
                out.last().details.insert(QLatin1StringView(key), all);
            }
            continue;
        }
        out.last().endMs = e.timeMs;
        out.append({state, e.timeMs, endMs, details, std::nan(""), true});
    }
    return out;
}

// Failures of merged periods: not recorded (NaN) if any part's were not, so that they are
// counted from the series for the whole of it.
double sum(double a, double b)
{
    return std::isnan(a) || std::isnan(b) ? std::nan("") : a + b;
}

// Neighbours in one state are one period (the first one's why, the failures summed).
QList<ServicePeriod> merged(const QList<ServicePeriod> &raw)
{
    QList<ServicePeriod> out;
    for (const ServicePeriod &p : raw) {
        if (!out.isEmpty() && out.last().state == p.state) {
            out.last().endMs = p.endMs;
            out.last().failed = sum(out.last().failed, p.failed);
            if (severity(p.state) > 0 && out.last().details.isEmpty())
                out.last().details = p.details;
            continue;
        }
        out.append(p);
    }
    return out;
}

} // namespace

QList<ServicePeriod> servicePeriods(const QList<Event> &events, qint64 startMs, qint64 endMs,
                                    StateSource source, int *blips)
{
    const bool hasStates = std::any_of(events.cbegin(), events.cend(), [](const Event &e) {
        return e.kind == EventKind::ServiceState;
    });
    QList<ServicePeriod> raw = hasStates || source == StateSource::Recorded
                                   ? recorded(events, startMs, endMs)
                                   : observed(events, startMs, endMs);
    if (blips)
        *blips = 0;
    // Short ok between the same trouble does not end it (first: a flapping service is one
    // stretch of trouble, not many blips).
    for (int i = 1; i + 1 < raw.size(); ++i) {
        if (severity(raw[i].state) == 0 && raw[i].endMs - raw[i].startMs < kBlipMs &&
            severity(raw[i - 1].state) > 0 && raw[i - 1].state == raw[i + 1].state)
            raw[i].state = raw[i - 1].state;
    }
    raw = merged(raw);
    // Then blips: short trouble between ok (or the ends) becomes ok.
    for (int i = 0; i < raw.size(); ++i) {
        ServicePeriod &p = raw[i];
        const bool okAround = (i == 0 || severity(raw[i - 1].state) == 0) &&
                              (i + 1 == raw.size() || severity(raw[i + 1].state) == 0);
        if (severity(p.state) > 0 && okAround && p.endMs - p.startMs < kBlipMs &&
            i + 1 < raw.size()) { // trouble still there at the end is not a blip
            p.state = i == 0 ? QStringLiteral("ok") : raw[i - 1].state;
            if (blips)
                ++*blips;
        }
    }
    return merged(raw);
}

} // namespace warroom
