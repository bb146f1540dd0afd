#pragma once

#include <QJsonObject>
#include <QString>

class QDebug;

namespace warroom {

// What happened. Stored as text ("autoscaler.scale_out"), so recordings stay readable and a
// new kind never renumbers old files.
enum class EventKind
{
    NodeLaunched,      // a node started (scenario start, autoscaler, failover)
    NodeInService,     // warm-up done: the node takes traffic
    NodeUnhealthy,     // health checks failed long enough: out of rotation
    NodeDraining,      // scale in: out of rotation, finishing its requests before termination
    NodeTerminated,    // the autoscaler removed it
    NodeCrashed,       // a fault stopped it
    NodeRestarted,     // a fault's end (or a change) brought it back
    CapacityChanged,   // a node's or a group's capacity was changed
    ScaleOut,          // the autoscaler adds an instance
    ScaleIn,           // the autoscaler removes an instance
    ScaleHeld,         // a threshold is crossed but cooldown, warm-up, min or max hold it back
    RuleAdded,         //
    RuleRemoved,       //
    RuleCorrected,     // a rule replaced by a corrected version with the same id
    LinkDown,          //
    LinkUp,            //
    LinkDegraded,      //
    SiteDown,          //
    SiteUp,            //
    FaultStarted,      // a scheduled fault or change as the scenario declares it
    FaultEnded,        // its `for:` is over and what it changed is undone
    DnsFailover,       // a DNS record now points at another stack (clients follow after the TTL)
    VerdictChanged,    // a dependency edge's verdict changed (or a new edge starts broken)
    ProbeObserved,     // what a probe from one site (`site`) saw of another (`subject`) now
    AlertFiring,       //
    AlertResolved,     //
    ServiceState,      // the service as its users see it: ok, degraded or outage
    BacklogStarted,    // a queue's backlog grew beyond what one tick drains
    BacklogDrained,    // ... and is drained again
    Annotation,        // written by a person
    ReactionFired,     // a scenario's reaction: its condition held, its change follows
    LaunchFailed,      // an instance the autoscaler asked for did not come (quota, rate, ...)
    Promoted,          // a replica became the primary; writes it lacked are lost or divergent
    MonitoringChanged, // monitoring lost (or regained) sight of nodes, or its alert path
    ServiceCause,      // the state holds, but what fails first is now something else
    AlertSilenced,     // an alert Alertmanager holds back: silenced or inhibited (not firing)
};

// One timestamped fact of an incident. `id` is assigned in order of appending and never
// reused; `details` carries the kind's own fields (documented in docs/recording-format.md).
struct Event
{
    qint64 id = 0;
    qint64 timeMs = 0; // milliseconds since the epoch, UTC
    EventKind kind = EventKind::Annotation;
    QString node;    // node id it concerns, if any
    QString site;    // site id it concerns, if any
    QString subject; // link, rule, group, alert or fault id
    QString text;    // one line for people: "scale out app-pool: cpu 46.2 % > 40 %"
    QJsonObject details;

    bool operator==(const Event &) const = default;
};

} // namespace warroom

// Its members are all relocatable: a list of a million events grows by moving memory.
Q_DECLARE_TYPEINFO(warroom::Event, Q_RELOCATABLE_TYPE);

namespace warroom {

QString toString(EventKind kind); // "autoscaler.scale_out"
// The kind for a stored name; false when `name` is not one.
bool eventKindFromString(const QString &name, EventKind *kind);
QStringList eventKindNames();

// When what an event reports began: a service.state's `since_ms` (a change is said once it
// has held for the scenario's `state_for`), else the event's own time.
qint64 beganAtMs(const Event &event);

QDebug operator<<(QDebug debug, const Event &event);

} // namespace warroom
