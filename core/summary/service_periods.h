#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace warroom {

struct Event;

// A stretch of time the service was in one state as its users saw it.
struct ServicePeriod
{
    QString state; // "ok", "degraded", "outage", "recovering"
    qint64 startMs = 0;
    qint64 endMs = 0;
    QJsonObject details;   // the event that began it: causes, surfaced (service.state's)
    double failed = 0.0;   // requests that failed in it (NaN: not recorded)
    bool observed = false; // derived from probes and alerts, not a recorded service state
};

// Trouble shorter than this between stretches of ok is a blip: it neither makes an outage
// of its own nor stretches a window; ok shorter than this between two stretches of the same
// trouble does not end it (docs/postmortem.md).
inline constexpr qint64 kBlipMs = 30000;

// Where a recording's service states come from.
enum class StateSource
{
    Recorded, // the simulator's (or a drill's) service.state events: none means always ok
    Observed, // watched live: probes and alerts, unless the source sent service.state itself
};

// The service's periods over [startMs, endMs): from the recorded service.state events, or, for
// a recording watched live that has none, from what was observed: a probe failing
// (`probe.observed` blocked) is an outage while it fails, an alert firing with no probe failing
// is degraded. Debounced (kBlipMs); `blips` counts the trouble taken as blips.
QList<ServicePeriod> servicePeriods(const QList<Event> &events, qint64 startMs, qint64 endMs,
                                    StateSource source, int *blips = nullptr);

} // namespace warroom
