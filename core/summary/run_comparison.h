#pragma once

#include "recording_summary.h"

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
    int launched = 0; // instances the autoscaler started
    struct Queue
    {
        QString id;
        qint64 targetMs = 0;
        double delivered = 0.0;
        double late = 0.0;
        double slowestMs = 0.0;
        double undelivered = 0.0;   // still waiting when the recording ends
        double peak = 0.0;          // the largest backlog
        qint64 drainedAfterMs = -1; // from the start of its first backlog to drained; -1: never
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
};

QList<ComparisonRow> compareRuns(const RunOutcome &a, const RunOutcome &b);
QString comparisonText(const RunOutcome &a, const RunOutcome &b, const QList<ComparisonRow> &rows);
QJsonObject comparisonJson(const RunOutcome &a, const RunOutcome &b,
                           const QList<ComparisonRow> &rows);

} // namespace warroom
