#pragma once

#include <QList>
#include <QString>

namespace warroom {

struct ReplayData;

// The service as its users see it.
enum class ServiceState
{
    Ok,
    Degraded,   // more requests fail than the degraded threshold, or a backlog builds
    Outage,     // more fail than the outage threshold
    Recovering, // requests succeed again, but a backlog left by the trouble still drains
};

QString toString(ServiceState state); // "ok", "degraded", "outage", "recovering"

// The state at one moment, since when, and why in one line for people.
struct ServiceStatus
{
    ServiceState state = ServiceState::Ok;
    qint64 sinceMs = -1; // -1: since the recording began
    QString why;         // the worst failing hop and its reason; where errors surface; the queue
};

// A stretch of one state (the overview strip's bands).
struct ServiceSpan
{
    ServiceState state = ServiceState::Ok;
    qint64 fromMs = 0;
    qint64 toMs = 0;
    bool operator==(const ServiceSpan &) const = default;
};

// From the recorded service.state and backlog events (`ReplayData::stateEvents`); a recording
// without service.state events (one watched from Prometheus) uses the summary's outages.
ServiceStatus serviceStatusAt(const ReplayData &data, qint64 timeMs);
// Every stretch that is not ok, in time order.
QList<ServiceSpan> serviceSpans(const ReplayData &data);

// Where a newcomer should land: the first moment the service was not ok (the state at a moment
// includes what happened then, so the trouble shows at once), or, when it always was ok, the
// first fault; the start when nothing happened.
qint64 firstMomentThatMatters(const ReplayData &data);

} // namespace warroom
