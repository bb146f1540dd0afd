#pragma once

#include "core/replay/replay_data.h"

#include <QChartView>
#include <QTimer>

class QCategoryAxis;
class QLineSeries;

namespace warroom {

// What an event drawn on a chart is, told apart by shape and colour (the legend shows them).
enum class MarkerKind
{
    ScaleOut,
    ScaleIn,
    Fault,
    Alert,
    Fix,
    Node,
};

// An event drawn on a chart's time axis (an autoscaler decision, a fault, an alert).
struct ChartMarker
{
    qint64 timeMs = 0;
    QString text;
    MarkerKind kind = MarkerKind::Node;
};

// One chart of the war room (QtCharts): the lines of a ChartData as min/max per pixel column,
// its thresholds each in its own colour and dash, outage bands shaded, event markers by kind,
// and a cursor line at the replay time. Round ticks (minutes, hours, days; 0/10/20), values
// with thousands separators, axis titles with units and, when it shows part of the recording,
// the date. Hovering shows a crosshair with the time, every line's value there and the
// markers under the pointer. A click seeks, a drag pans, the wheel zooms, a double click shows
// everything again (without seeking).
class MetricChart : public QChartView
{
    Q_OBJECT

public:
    explicit MetricChart(QWidget *parent = nullptr);

    // `bounds`: the recording's range (the date shows when the window is shorter).
    void setData(const ChartData &data, qint64 fromMs, qint64 toMs,
                 const QList<std::pair<qint64, qint64>> &outages, const QList<ChartMarker> &markers,
                 std::pair<qint64, qint64> bounds);
    void setCursorTime(qint64 timeMs);
    int lineCount() const;
    int markerCount() const { return int(m_markers.size()); }
    std::pair<qint64, qint64> visibleRange() const { return {m_from, m_to}; }
    QString title() const { return m_data.title; }
    QStringList timeLabels() const;  // the time axis's tick labels, left to right
    QStringList valueLabels() const; // the value axis's, bottom to top
    QString timeAxisTitle() const;
    QString valueAxisTitle() const;
    QString describeAt(qint64 timeMs) const; // "app-pool CPU at 08:50:00: app-pool 44.1 %"
    // The hover readout at a point of the view (empty outside the plot).
    QString readoutAt(const QPointF &viewPos) const;

Q_SIGNALS:
    void zoomRequested(double factor, qint64 atMs);
    void panRequested(qint64 byMs);
    void resetRequested();
    void seekRequested(qint64 timeMs);
    // "Add to the post-mortem" on a point: its time and what the lines show there.
    void timelineEntryRequested(qint64 timeMs, const QString &text);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    void setTimeTicks(std::pair<qint64, qint64> bounds);
    void setValueTicks(double top);
    QStringList markersNear(double x) const;

    QCategoryAxis *m_time;
    QCategoryAxis *m_value;
    QLineSeries *m_cursor = nullptr;
    QList<ChartMarker> m_markers;
    ChartData m_data;
    qint64 m_from = 0;
    qint64 m_to = 1;
    double m_top = 1.0;
    QPointF m_hover{-1, -1}; // the pointer over the plot (view coordinates), or none
    QPointF m_press{-1, -1}; // where a press started (a drag pans, a click seeks)
    qint64 m_pressFrom = 0;  // ... and the window then
    bool m_dragged = false;
    QTimer m_click; // a click seeks once it is not a double click
    qint64 m_clickTime = 0;
};

} // namespace warroom
