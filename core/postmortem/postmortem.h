#pragma once

#include "core/summary/recording_summary.h"
#include "core/summary/run_comparison.h"
#include "core/util/result.h"

#include <QByteArray>
#include <QDate>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace warroom {

// What an entry of the timeline marks; the marks drive the computed metrics.
enum class EntryMark
{
    Detection = 1,
    Diagnosis = 2,
    Repair = 4,
    Key = 8,
};

// One moment of the incident: proposed from the recording or written by a person.
struct TimelineEntry
{
    enum class Status
    {
        Proposed,  // a suggestion from the recording, not yet taken
        Accepted,  // in the post-mortem
        Dismissed, // kept out (and not proposed again)
    };

    QString id;          // unique in its post-mortem: "p12" (proposed), "u3" (added by a person)
    qint64 timeMs = 0;   // milliseconds since the epoch, UTC
    QString text;        // one line
    qint64 eventId = -1; // the recorded event it comes from, if any
    QString kind;        // that event's kind ("alert.firing"), or "note"
    int count = 1;       // similar events collapsed into this entry
    Status status = Status::Accepted;
    bool starred = false;
    int marks = 0;          // EntryMark flags
    QString seenAt;         // a misleading symptom: where people saw the errors ...
    QString failedAt;       // ... and the hop that actually failed
    QByteArray snapshotPng; // the map or a chart at this moment
    QString snapshotCaption;

    bool has(EntryMark mark) const { return marks & int(mark); }
    bool operator==(const TimelineEntry &) const = default;
};

// A follow-up the team commits to. Priority and status take fixed values (docs/postmortem.md):
// priority P0 (now: before anything else), P1 (this week), P2 (this quarter), P3 (some day);
// status open, in progress, blocked, done, won't do.
struct ActionItem
{
    // Stable within its post-mortem, so that desks writing it at once merge item by item:
    // "a1", "a2" for items of a file written before ids (by position), newActionId() for new ones.
    QString id;
    QString what;
    QString owner;
    QDate due;
    QString dueAsWritten; // read from a file and not a date ("next week"): kept, and said
    QString priority = QStringLiteral("P2");
    QString status = QStringLiteral("open");
    QString ticket; // a link (http, https) or a tracker's id (INC-123): no spaces
    // What the item would have changed: the incident replayed with it (docs/postmortem.md).
    // A variant scenario ("pagerduty-2011-standby.yaml", beside the incident's scenario or the
    // recording) or what-if changes ("rule-remove:dc3-egress capacity:app=200"); empty: none.
    QString whatIf;
    // The replay's figures against the incident's, for `simulatedWhatIf` (stale when the
    // what-if has changed since).
    QString simulatedWhatIf;
    QList<ComparisonRow> effect;
    bool simulated() const { return !simulatedWhatIf.isEmpty() && simulatedWhatIf == whatIf; }
    bool operator==(const ActionItem &) const = default;
};

enum class ActionField
{
    What,
    Owner,
    Due,
    Priority,
    Status,
    Ticket,
    WhatIf,
};

QString newActionId();                 // "a-<8 hex>", unlike another desk's
const QStringList &actionPriorities(); // P0 .. P3
const QStringList &actionStatuses();   // open .. won't do
// Why `text` cannot be the item's `field` ("priority must be P0, P1, P2 or P3, not \"P9\""),
// empty when it can. A due date is YYYY-MM-DD or nothing; a what-if a scenario file (.yaml,
// .yml, .json) or what-if changes separated by spaces or commas, each as --what-if takes it.
QString actionFieldError(ActionField field, const QString &text);
// Sets `field` of `item` from `text` when it is valid; else leaves the item as it was and
// returns why.
QString setActionField(ActionItem &item, ActionField field, const QString &text);
// The what-if changes of an item's what-if (empty for a variant scenario file).
QStringList whatIfChanges(const QString &whatIf);
bool whatIfIsScenarioFile(const QString &whatIf);
// What the reports say under an item with a what-if: "simulated with rule-remove:dc3-egress:
// outage 35m49s → 0s; …", "what-if X: not simulated yet" (or changed since); empty without.
QString effectLine(const ActionItem &item);

// The impact, computed from the recording (not typed).
struct Impact
{
    qint64 startMs = -1; // the first outage began
    qint64 endMs = -1;   // the last one ended
    qint64 outageMs = 0; // minutes of outage, summed
    int outages = 0;
    double failedRequests = 0.0;
    double offeredRequests = 0.0;
    // Each queue with its own target: delivered, late, the slowest, and what a backlog that
    // never drained still held at the end.
    QList<Deliveries> queues;
    qint64 degradedMs = 0; // time the service was degraded (above its degraded threshold)
    qint64 drainedMs = -1; // the last backlog the outage left drained (-1: none, or never)
    qint64 resolvedMs =
        -1; // the service ok again and every backlog drained (-1: not in the recording)
    bool resolutionKnown = false; // resolvedMs was computed (post-mortems before it: not)
    QStringList nodes;            // affected: where requests failed or errors surfaced
    QStringList sites;
    double writesLost = 0.0;      // at promotions, the old primary down
    double writesDivergent = 0.0; // at promotions, held only by the old primary
    int alertsLate = 0;           // delivered after their path came back
    qint64 alertDelayMs = 0;      // the latest of them
    bool operator==(const Impact &) const = default;
};

// A post-mortem as the Google SRE and PagerDuty templates lay it out.
struct PostMortem
{
    QString id;
    QString title;
    QString incidentId;
    QString severity = QStringLiteral("SEV2"); // SEV1 .. SEV4
    QString status = QStringLiteral("draft");  // draft, in review, final
    QStringList authors;
    QString summary;
    QString detection;
    QString rootCause;
    QString trigger;
    QString contributingFactors;
    QString resolution;
    QString wentWell;
    QString wentWrong;
    QString gotLucky;
    QString supporting;
    Impact impact;
    QList<TimelineEntry> timeline; // in time order
    QList<ActionItem> actions;
    // Read from a file: action items' values the editor would refuse ("action item 2: priority
    // must be ..."), kept as they were rather than lost; shown by the editor. Not written.
    QStringList readProblems;
    // Written together (docs/shared.md): each part's revision, last author and time, by part
    // ("field:summary", "entry:u3", "action:2"): {"rev": n, "by": "alice", "at": ms}; and
    // the edits that lost to a later one at the same time, kept to be resolved:
    // [{"part", "label", "value", "by", "at"}] (postmortem_merge.h).
    QJsonObject revisions;
    QJsonArray conflicts;

    int entryIndex(const QString &id) const;
    // "u<n>-<4 hex>": unused so far, and unlike another desk's new entry at the same time.
    QString newEntryId() const;
    bool operator==(const PostMortem &) const = default;
};

// The computed times: from the start of impact to the first Detection, Diagnosis and Repair
// marks, and to resolution (the later of the last Repair mark and the end of the last outage).
struct IncidentMetrics
{
    qint64 startMs = -1;
    qint64 detectedMs = -1;
    qint64 diagnosedMs = -1;
    qint64 mitigatedMs = -1;
    qint64 resolvedMs = -1;

    qint64 timeToDetect() const { return span(detectedMs); }
    qint64 timeToDiagnose() const { return span(diagnosedMs); }
    qint64 timeToMitigate() const { return span(mitigatedMs); }
    qint64 timeToResolve() const { return span(resolvedMs); }

private:
    qint64 span(qint64 t) const { return startMs < 0 || t < 0 ? -1 : t - startMs; }
};

IncidentMetrics metricsOf(const PostMortem &postMortem);

// Entries alike have the same kind and the same words but for numbers and what is in
// parentheses ("app-pool-4 launched in dc3 (scale out: cpu 40.1 > 40)" and "app-pool-7
// launched in dc3 (…)"): near-duplicates, triaged at once.
QString alikeKey(const TimelineEntry &entry);

QString toString(TimelineEntry::Status status); // "proposed"
QString markNames(int marks);                   // "Detection, Key moment"

// The JSON form (docs/postmortem.md): snapshots as base64 PNG.
QJsonObject toJson(const PostMortem &postMortem);
// Reads the JSON form; `source` names it in errors ("l.warroom: post-mortem pm-1: ...").
Result<PostMortem> postMortemFromJson(const QJsonObject &json, const QString &source);

} // namespace warroom
