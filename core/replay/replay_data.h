#pragma once

#include "node_lives.h"
#include "service_status.h"

#include "core/model/topology.h"
#include "core/postmortem/postmortem.h"
#include "core/store/recording.h"
#include "core/summary/recording_summary.h"

#include <functional>
#include <memory>

namespace warroom {

// One line of a chart: a series' window points over the recording.
struct ChartLine
{
    QString name;
    QList<WindowPoint> points;
    QString key;           // the series it shows
    double scale = 1.0;    // applied to the stored values (ms -> min)
    bool compared = false; // another run's, overlaid (drawn dashed beside its own run's line)
};

// A chart the war room shows: lines and the thresholds drawn with them.
struct ChartData
{
    QString title;
    QString unit;
    QList<ChartLine> lines;
    QList<std::pair<QString, double>> thresholds; // label, value
    QStringList markerKinds;                      // events shown as markers on the time axis
    QString markerSubject; // only those about this (a scaling group); empty: all
    QString markerNode;    // only those of this node; empty: all
};

// One topology version as stored: parsed only when the cursor needs it.
struct StoredTopology
{
    qint64 timeMs = 0;
    QByteArray json;
    qint64 id = 0; // in the recording: a live refresh tells what it already holds by it
};

// Whether `longer` holds every version of `shorter`, in the same places (a live refresh that
// only added versions after them).
bool versionsExtend(const QList<StoredTopology> &longer, const QList<StoredTopology> &shorter);

// What the war-room window needs of a recording, read on a worker thread and shared read-only
// with the UI: topology versions, the events, the summary, chart windows. A recording with many
// events is read in two steps, so that the first frame shows at once: first everything but the
// events after the first kFirstEvents (`complete` false), then all of them (withAllEvents).
struct ReplayData
{
    static constexpr int kFirstEvents = 50'000;

    QString path;
    QString name;
    QString title;
    qint64 startMs = 0;
    qint64 endMs = 0;
    QList<StoredTopology> versions; // in time order
    Topology first;                 // versions[0], parsed
    QList<Event> events;            // in time order: all of them, or those before `eventsUntilMs`
    bool complete = true;
    qint64 eventsUntilMs = std::numeric_limits<qint64>::max(); // `events` holds every one before
    QList<Event> lifeEvents;                // every launch, drain and termination ...
    std::shared_ptr<const NodeLives> lives; // ... as lives, built where the data is read
    QList<Event> observations; // every probe.observed (the cursor applies them after a version)
    QList<Event> stateEvents;  // every service.state, backlog.started and backlog.drained ...
    QList<ServiceSpan> troubleSpans; // ... as the stretches it was not ok (serviceSpans)
    QList<Event> sourceEvents;       // what live sources said of themselves ("Prometheus ... down")
    QList<Event> monitoringEvents;   // every monitoring.changed (monitoringStatusAt)
    qint64 eventCount = 0;           // in the recording
    bool live = false;               // still being written by a live source (its end keeps growing)
    qint64 heartbeatMs = -1; // a live writer's last sign of life (wall clock; -1: none kept)
    bool drillHidesRootCause = false; // a drill whose trainees see no rule names until revealed
    // Read through the server's trainee views after the reveal: what was read before it (names
    // hidden by the server) is read again, not grown from.
    bool revealedByServer = false;
    // A trainee's view of a drill (withRootCauseHidden): the data as recorded, which a live
    // refresh grows from. Null for data as recorded.
    std::shared_ptr<const ReplayData> unhidden;
    QStringList hiddenRules; // ... and the rule ids it hides, in the order of their names
    qint64 lastEventId = 0;  // the newest event read
    RecordingSummary summary;
    QList<ChartData> charts;
    QHash<QString, std::pair<double, double>> layout; // nodes placed by hand
    QList<PostMortem> postMortems;                    // written in the recording
    QStringList postMortemProblems;    // those that could not be read, and why (left out)
    QStringList unreadablePostMortems; // their ids
    QString postMortemsReadOnly;       // why this reader may not write them (empty: it may)
    QString postMortemsStamp;          // Recording::postMortemsStamp() when read
    QStringList damage;        // met while reading (Recording::damage): left out of what is here
    qint64 diskFreeBytes = -1; // a file's disk when read (-1: a shared incident, or not known)

    Topology topology(int version) const; // parses the stored version
};

// Adds what is not in `into` yet, in order.
void addDamage(QStringList &into, const QStringList &found);

// The charts of one node: CPU, and requests with errors (lines without points yet).
QList<ChartData> nodeCharts(const QString &node);
// What the map says when it has nothing to draw at `t`: no topology yet, or the one in effect
// damaged; empty otherwise.
QString emptyMapNote(const ReplayData &data, qint64 t);

// Reads a recording for the war room's first frame; charts get `columns` points across the
// whole range. Everything but, for a recording of many events, the later events.
Result<std::shared_ptr<const ReplayData>> loadReplayData(const QString &path, int columns = 1600);
// A live recording read again: the events, topology versions and charts that came since
// `data` was read (the charts over their whole range, `columns` points).
Result<std::shared_ptr<const ReplayData>> refreshReplayData(std::shared_ptr<const ReplayData> data,
                                                            int columns = 1600);
// The same data with every event (reads them when `data` is not complete).
Result<std::shared_ptr<const ReplayData>> withAllEvents(std::shared_ptr<const ReplayData> data);

// The same charts' lines read again for [fromMs, toMs) (a zoom), `columns` points each.
// `cancelled`, asked between lines, stops a read nobody waits for any more (an error then).
Result<QList<ChartData>> loadChartWindows(const QString &path, QList<ChartData> charts,
                                          qint64 fromMs, qint64 toMs, int columns = 1600,
                                          const std::function<bool()> &cancelled = {});

} // namespace warroom
