#pragma once

#include "core/model/topology.h"
#include "core/store/recording.h"
#include "recording_summary.h"

#include <memory>

namespace warroom {

// One line of a chart: a series' window points over the recording.
struct ChartLine
{
    QString name;
    QList<WindowPoint> points;
    QString key;        // the series it shows
    double scale = 1.0; // applied to the stored values (ms -> min)
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

// What the war-room window needs of a recording, read once on a worker thread and shared
// read-only with the UI: topology versions, the events, the summary, chart windows.
struct ReplayData
{
    QString path;
    QString name;
    QString title;
    qint64 startMs = 0;
    qint64 endMs = 0;
    QList<std::pair<qint64, Topology>> versions; // in time order
    QList<Event> events;                         // all of them, in time order
    RecordingSummary summary;
    QList<ChartData> charts;
    QHash<QString, std::pair<double, double>> layout; // nodes placed by hand
};

// The charts of one node: CPU, and requests with errors (lines without points yet).
QList<ChartData> nodeCharts(const QString &node);

// Reads a recording for the war room; charts get `columns` points across the whole range.
Result<std::shared_ptr<const ReplayData>> loadReplayData(const QString &path, int columns = 1600);

// The same charts' lines read again for [fromMs, toMs) (a zoom), `columns` points each.
Result<QList<ChartData>> loadChartWindows(const QString &path, QList<ChartData> charts,
                                          qint64 fromMs, qint64 toMs, int columns = 1600);

} // namespace warroom
