#pragma once

#include <QString>
#include <QStringList>

namespace warroom {

struct ReplayData;

// What the scenario's monitoring could do at one moment, from its monitoring.changed events:
// the nodes it could not scrape (their alerts unknown) and whether its alerts could reach
// the pager (or waited).
struct MonitoringStatus
{
    QString monitor;   // its node; empty when the recording says nothing of it
    QStringList blind; // nodes it cannot scrape, in the order they were lost
    qint64 blindSinceMs = -1;
    bool alertsHeld = false; // its alerts cannot reach `notify`: they wait
    QString notify;
    qint64 heldSinceMs = -1;

    bool impaired() const { return !blind.isEmpty() || alertsHeld; }
    // One line for people: "prom blind to auth-1, auth-2 and 2 more since 15:30 UTC;
    // alerts held from pager since 15:31 UTC". Empty when it is not impaired.
    QString text() const;
};

MonitoringStatus monitoringStatusAt(const ReplayData &data, qint64 timeMs);

} // namespace warroom
