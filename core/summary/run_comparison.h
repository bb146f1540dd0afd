#pragma once

#include "recording_summary.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace warroom {

class Recording;

// What a run of an incident came to, in the figures two runs are compared by (the same
// incident replayed with one thing changed: a variant scenario, a what-if).
struct RunOutcome
{
    RecordingSummary summary;
    qint64 outageMs = 0;
    qint64 degradedMs = 0;
    qint64 firstFailureMs = -1; // from the recording's start; -1: none
    double failedRequests = 0.0;
    int launched = 0;     // instances the autoscaler started
    int launchFailed = 0; // ... asked for, that did not come
    int alerts = 0;
    int lateAlerts = 0;        // delivered after their path to the pager came back
    int undeliveredAlerts = 0; // still waiting when the recording ends
    double writesLost = 0.0;   // at promotions (replication)
    double writesDivergent = 0.0;
    // A queue's deliveries (with its own target), its largest backlog and how long it took
    // to drain: from its first backlog's start to its last one's drain (-1: never).
    struct Queue : Deliveries
    {
        double peak = 0.0;
        qint64 drainedAfterMs = -1;
    };
    QList<Queue> queues;
};

RunOutcome runOutcome(const Recording &recording);

// One line of a comparison: what, each run's figure in words, and the difference.
struct ComparisonRow
{
    QString what;
    QString a;
    QString b;
    QString difference; // "−25m37s", "−1,327,811 (−84 %)", "same"
    double aValue = 0.0;
    double bValue = 0.0;
    bool operator==(const ComparisonRow &) const = default;
};

QList<ComparisonRow> compareRuns(const RunOutcome &a, const RunOutcome &b);
QString comparisonText(const RunOutcome &a, const RunOutcome &b, const QList<ComparisonRow> &rows);
QJsonObject comparisonJson(const RunOutcome &a, const RunOutcome &b,
                           const QList<ComparisonRow> &rows);
// The rows alone, and back (a post-mortem keeps them under an action item).
QJsonArray comparisonRowsJson(const QList<ComparisonRow> &rows);
QList<ComparisonRow> comparisonRowsFrom(const QJsonArray &json);

// What the second run changed, in one line: the telling rows that differ, at most `max`
// ("outage 35m49s → 9m46s; failed requests 4.87 M → 1.14 M; notifications late 1.59 M →
// 0.24 M"); "no difference in outage, failures or deliveries" when none does.
QString effectText(const QList<ComparisonRow> &rows, int max = 4);

} // namespace warroom
