#include "event.h"
#include "core/util/json_ms.h"

#include <QDebug>
#include <QJsonDocument>
#include <QStringList>

#include <array>
#include <utility>

namespace warroom {

namespace {

constexpr std::array<std::pair<EventKind, const char16_t *>, 36> kNames = {{
    {EventKind::NodeLaunched, u"node.launched"},
    {EventKind::NodeInService, u"node.in_service"},
    {EventKind::NodeUnhealthy, u"node.unhealthy"},
    {EventKind::NodeDraining, u"node.draining"},
    {EventKind::NodeTerminated, u"node.terminated"},
    {EventKind::NodeCrashed, u"node.crashed"},
    {EventKind::NodeRestarted, u"node.restarted"},
    {EventKind::CapacityChanged, u"node.capacity"},
    {EventKind::ScaleOut, u"autoscaler.scale_out"},
    {EventKind::ScaleIn, u"autoscaler.scale_in"},
    {EventKind::ScaleHeld, u"autoscaler.held"},
    {EventKind::RuleAdded, u"rule.added"},
    {EventKind::RuleRemoved, u"rule.removed"},
    {EventKind::RuleCorrected, u"rule.corrected"},
    {EventKind::LinkDown, u"link.down"},
    {EventKind::LinkUp, u"link.up"},
    {EventKind::LinkDegraded, u"link.degraded"},
    {EventKind::SiteDown, u"site.down"},
    {EventKind::SiteUp, u"site.up"},
    {EventKind::FaultStarted, u"fault.started"},
    {EventKind::FaultEnded, u"fault.ended"},
    {EventKind::DnsFailover, u"dns.failover"},
    {EventKind::VerdictChanged, u"verdict.changed"},
    {EventKind::ProbeObserved, u"probe.observed"},
    {EventKind::AlertFiring, u"alert.firing"},
    {EventKind::AlertResolved, u"alert.resolved"},
    {EventKind::ServiceState, u"service.state"},
    {EventKind::BacklogStarted, u"queue.backlog"},
    {EventKind::BacklogDrained, u"queue.drained"},
    {EventKind::Annotation, u"annotation"},
    {EventKind::ReactionFired, u"reaction.fired"},
    {EventKind::LaunchFailed, u"autoscaler.launch_failed"},
    {EventKind::Promoted, u"replication.promoted"},
    {EventKind::MonitoringChanged, u"monitoring.changed"},
    {EventKind::ServiceCause, u"service.cause"},
    {EventKind::AlertSilenced, u"alert.silenced"},
}};

} // namespace

QString toString(EventKind kind)
{
    for (const auto &[k, name] : kNames) {
        if (k == kind)
            return QString::fromUtf16(name);
    }
    return QStringLiteral("unknown");
}

bool eventKindFromString(const QString &name, EventKind *kind)
{
    for (const auto &[k, n] : kNames) {
        if (name == QStringView(n)) {
            *kind = k;
            return true;
        }
    }
    return false;
}

QStringList eventKindNames()
{
    QStringList names;
    for (const auto &entry : kNames)
        names.append(QString::fromUtf16(entry.second));
    return names;
}

qint64 beganAtMs(const Event &event)
{
    if (event.kind != EventKind::ServiceState)
        return event.timeMs;
    const QJsonValue since = event.details.value(QStringLiteral("since_ms"));
    return since.isDouble() ? std::min(jsonMs(since), event.timeMs) : event.timeMs;
}

QDebug operator<<(QDebug debug, const Event &event)
{
    QDebugStateSaver saver(debug);
    debug.nospace() << "Event(" << event.id << ' ' << event.timeMs << ' ' << toString(event.kind)
                    << ' ' << event.node << ' ' << event.subject << ": " << event.text << ' '
                    << QJsonDocument(event.details).toJson(QJsonDocument::Compact) << ')';
    return debug;
}

} // namespace warroom
