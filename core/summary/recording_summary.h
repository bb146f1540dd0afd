#pragma once

#include <QJsonObject>
#include <QStringList>

namespace warroom {

class Recording;

// A stretch of time in which the service's users saw more failures than the outage threshold.
struct Outage
{
    qint64 startMs = 0;
    qint64 endMs = 0;
    double failedRequests = 0.0;
    QStringList
        causes; // the hops that failed: "dc3/app-pool-7 -> dc1/cache-1:6379: blocked by rule ..."
    QStringList rules;    // ids of the rules among the causes
    QStringList surfaced; // where errors showed: "lb-1 (load_balancer, dc1) 3.2 errors/s"
    qint64 durationMs() const { return endMs - startMs; }
};

// What the autoscaler did in one site for one group.
struct SiteActions
{
    QString group;
    QString site;
    int launched = 0;
    int terminated = 0;
    int replacedUnhealthy = 0;
    int launchFailed = 0; // asked for, did not come (quota, rate, provisioning: the events say)
};

// One backlog episode: it built up, peaked, and drained (or had not when the recording ended).
struct Backlog
{
    QString queue; // a queue id, or "upstream" for requests waiting outside to be resent
    qint64 startMs = 0;
    double peak = 0.0;
    qint64 peakMs = 0;
    qint64 drainedMs = -1; // -1: still there at the end
    qint64 drainMs() const { return drainedMs < 0 ? -1 : drainedMs - peakMs; }
};

struct Deliveries
{
    QString queue;
    qint64 targetMs = 0;
    double delivered = 0.0;
    double late = 0.0;
    double maxLatencyMs = 0.0;
    double waitingAtEnd = 0.0; // never delivered: held by a backlog that had not drained at the end
    bool operator==(const Deliveries &) const = default;
};

// A replica made primary: the writes it had not received, lost (the old primary was down) or
// divergent (only the old primary holds them).
struct Promotion
{
    qint64 atMs = 0;
    QString replication;
    QString from;
    QString to;
    double lost = 0.0;
    double divergent = 0.0;
    qint64 lagMs = 0;
};

// What `warroom-cli summary` reports about a recording, computed from its events and series.
struct RecordingSummary
{
    QString name;
    QString title;
    QString fileName; // the heading when the recording names no scenario (one watched live)
    QString scenarioFile;
    QStringList whatIfs;
    quint64 seed = 0;
    qint64 startMs = 0;
    qint64 endMs = 0;
    qint64 eventCount = 0;
    QString eventsHash;
    double outageAbove = 0.0;
    bool outageAboveAssumed = false; // the recorded `outage_above` is damaged: the default
    double offeredRequests = 0.0;
    double failedRequests = 0.0;
    QList<Outage> outages;
    QList<SiteActions> actions;
    QList<Backlog> backlogs;
    QList<Deliveries> deliveries;
    QList<std::pair<QString, qint64>> timeInState; // ok, degraded, outage
    qint64 okAgainMs =
        -1;        // the service last came back to ok (-1: it never left, or never came back)
    int blips = 0; // trouble shorter than kBlipMs, not counted as outages
    bool observed = false;       // the states come from probes and alerts (a live recording)
    bool simulated = true;       // false: watched live (no seed)
    bool requestsCounted = true; // false: no request series (a live recording without one)
    // false: nothing in the recording tells how the service was (a feed of events alone: no
    // service states, probes, alerts or request series): no outage or state is claimed
    bool statesKnown = true;
    int alerts = 0;
    int lateAlerts = 0; // delivered after their path to the pager came back
    qint64 maxAlertDelayMs = 0;
    int undeliveredAlerts = 0; // raised, still waiting for their path when the recording ends
    QList<Promotion> promotions;
    // The most any replica lagged, by replication and node: "orders/db-2" -> ms.
    QList<std::pair<QString, double>> maxLagMs;

    qint64 outageMs() const;
};

RecordingSummary summarize(const Recording &recording);
// The failed share of requests above which the recording's service is out: its metadata
// `outage_above`, or the scenarios' default (5 %) when it has none or it is damaged.
double outageThreshold(const Recording &recording);
// The series of a backlog episode's subject: "upstream/" (requests waiting to be resent),
// "upstream/ID/" (of load ID, when there are several), "queue/Q/".
QString backlogSeriesPrefix(const QString &subject);
QString summaryText(const RecordingSummary &summary);
QJsonObject summaryJson(const RecordingSummary &summary);

} // namespace warroom
