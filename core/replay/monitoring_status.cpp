#include "monitoring_status.h"

#include "replay_data.h"

#include "core/util/duration.h"

#include <QJsonArray>

namespace warroom {

namespace {

QString shortList(const QStringList &names)
{
    constexpr int kNamed = 2; // the header has half a line for it
    if (names.size() <= kNamed)
        return names.join(QStringLiteral(", "));
    return names.mid(0, kNamed).join(QStringLiteral(", ")) + u" and " +
           QString::number(names.size() - kNamed) + u" more";
}

QString clock(qint64 ms)
{
    return formatUtc(ms).mid(11, 5) + u" UTC";
}

} // namespace

QString MonitoringStatus::text() const
{
    QStringList parts;
    if (!blind.isEmpty())
        parts.append(monitor + u" blind to " + shortList(blind) + u" since " + clock(blindSinceMs));
    if (alertsHeld)
        parts.append((blind.isEmpty() ? monitor + u"'s alerts" : QStringLiteral("alerts")) +
                     u" held from " + notify + u" since " + clock(heldSinceMs));
    return parts.join(QStringLiteral("; "));
}

MonitoringStatus monitoringStatusAt(const ReplayData &data, qint64 timeMs)
{
    MonitoringStatus status;
    for (const Event &e : data.monitoringEvents) {
        if (e.timeMs > timeMs)
            break;
        status.monitor = e.node;
        const QString state = e.details.value(QStringLiteral("state")).toString();
        if (e.subject == u"alerts") {
            const bool held = state == u"cut" || state == u"undelivered";
            if (held != status.alertsHeld)
                status.heldSinceMs = held ? e.timeMs : -1;
            status.alertsHeld = held;
            status.notify = e.details.value(QStringLiteral("notify")).toString();
            continue;
        }
        const QJsonArray nodes = e.details.value(QStringLiteral("nodes")).toArray();
        for (const QJsonValue &n : nodes) {
            const QString node = n.toString();
            if (state == u"blind" && !status.blind.contains(node))
                status.blind.append(node);
            else if (state == u"sees")
                status.blind.removeAll(node);
        }
        if (status.blind.isEmpty())
            status.blindSinceMs = -1;
        else if (state == u"blind" && status.blindSinceMs < 0)
            status.blindSinceMs = e.timeMs;
    }
    // A node terminated since it went unseen is gone, not unseen (no event says it again).
    for (const Event &e : data.lifeEvents) {
        if (e.timeMs > timeMs)
            break;
        if (e.kind == EventKind::NodeTerminated)
            status.blind.removeAll(e.node);
    }
    if (status.blind.isEmpty())
        status.blindSinceMs = -1;
    if (status.notify.isEmpty())
        status.notify = QStringLiteral("the pager");
    return status;
}

} // namespace warroom
