#pragma once

#include "geometry/time_scale.h"

#include "core/replay/service_status.h"

#include <QWidget>

namespace warroom {

// The whole recording in one strip: how many events happened when (a bar per pixel column),
// the service's state as bands (degraded, outage, recovering), the part the charts show, and
// the cursor. The time under the pointer shows; a click moves the cursor (to an event or a
// state change within a few pixels, when there is one), a drag selects the part the charts
// show, a double click shows everything again.
class OverviewStrip : public QWidget
{
    Q_OBJECT

public:
    explicit OverviewStrip(QWidget *parent = nullptr);

    void setData(qint64 fromMs, qint64 toMs, QList<qint64> eventTimes, QList<ServiceSpan> states);
    // A live recording grew: its new end, the times of the events that came, its states.
    void append(qint64 toMs, const QList<qint64> &eventTimes, QList<ServiceSpan> states);
    // Where a click at x lands: the nearest event or state change within a few pixels.
    qint64 snappedTime(double x) const;
    QString hoverText() const { return m_hoverText; }
    void setCursorTime(qint64 timeMs);
    qint64 from() const { return m_from; } // where the strip begins
    void setVisibleRange(qint64 fromMs, qint64 toMs);
    QSize sizeHint() const override { return {800, 40}; }

Q_SIGNALS:
    void seekRequested(qint64 timeMs);
    void rangeSelected(qint64 fromMs, qint64 toMs);
    void resetRequested();

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void leaveEvent(QEvent *event) override;

private:
    TimeScale scale() const;

    qint64 m_from = 0;
    qint64 m_to = 1;
    void bin(qint64 timeMs);

    QList<qint64> m_events; // sorted (a click snaps to the nearest)
    // Events counted per stretch of time, for drawing: a paint costs the bins, not the events.
    // When a live recording outgrows the last bin, neighbours merge and each bin doubles.
    static constexpr int kBins = 4096;
    QList<int> m_bins;
    qint64 m_binMs = 1;
    QList<ServiceSpan> m_states;
    QString m_hoverText;
    double m_hoverX = -1.0;
    qint64 m_cursor = 0;
    qint64 m_visibleFrom = 0;
    qint64 m_visibleTo = 1;
    double m_pressX = -1.0;
    double m_dragX = -1.0;
};

} // namespace warroom
