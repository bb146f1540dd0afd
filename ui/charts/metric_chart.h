#pragma once

#include "core/replay/replay_data.h"

#include <QChartView>

class QLineSeries;
class QDateTimeAxis;
class QScatterSeries;
class QValueAxis;

namespace warroom {

// An event drawn on a chart's time axis (an autoscaler decision, a fault, an alert).
struct ChartMarker
{
    qint64 timeMs = 0;
    QString text;
};

// One chart of the war room (QtCharts): the lines of a ChartData as min/max per pixel column,
// its thresholds dashed, outage bands shaded, event markers with their reason on hover, and a
// cursor line at the replay time. The wheel asks for a zoom, a double click for the whole.
class MetricChart : public QChartView
{
    Q_OBJECT

public:
    explicit MetricChart(QWidget *parent = nullptr);

    void setData(const ChartData &data, qint64 fromMs, qint64 toMs,
                 const QList<std::pair<qint64, qint64>> &outages,
                 const QList<ChartMarker> &markers);
    void setCursorTime(qint64 timeMs);
    int lineCount() const;
    int markerCount() const { return int(m_markers.size()); }
    QString describeAt(qint64 timeMs) const; // "app-pool CPU at 08:50:00: app-pool 44.1 %"

Q_SIGNALS:
    void zoomRequested(double factor, qint64 atMs);
    void resetRequested();
    void seekRequested(qint64 timeMs);
    // "Add to the post-mortem" on a point: its time and what the lines show there.
    void timelineEntryRequested(qint64 timeMs, const QString &text);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;

private:
    QDateTimeAxis *m_time;
    QValueAxis *m_value;
    QLineSeries *m_cursor = nullptr;
    QList<ChartMarker> m_markers;
    ChartData m_data;
    double m_top = 1.0;
};

} // namespace warroom
