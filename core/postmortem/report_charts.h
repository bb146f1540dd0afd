#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace warroom {

class Recording;
struct PostMortem;

// A chart of the incident for a report: a PNG and what it shows.
struct ReportChart
{
    QString id;      // "failing", "backlog-notifications": names its file
    QString caption; // "Requests failing, with the outage threshold (5 %); outages shaded"
    QByteArray png;
};

// The incident window's key charts, drawn from the recording: requests failing against the
// outage threshold, what waited outside to be resent (when the load resends), and for each
// queue its backlog and its delivery latency against its target. The window runs from a little
// before the impact began to a little after the service was back to normal. None for a recording
// without the series (one watched live) or without impact, and none without a QGuiApplication
// (fonts need one; offscreen will do). Drawn with QPainter (Qt Gui), never widgets: on any thread.
QList<ReportChart> reportCharts(const Recording &recording, const PostMortem &postMortem);

} // namespace warroom
