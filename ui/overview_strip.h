#pragma once

#include "geometry/time_scale.h"

#include <QWidget>

namespace warroom {

// The whole recording in one strip: how many events happened when (a bar per pixel column),
// the outage bands, the part the charts show, and the cursor. A click moves the cursor, a
// drag selects the part the charts show, a double click shows everything again.
class OverviewStrip : public QWidget
{
    Q_OBJECT

public:
    explicit OverviewStrip(QWidget *parent = nullptr);

    void setData(qint64 fromMs, qint64 toMs, QList<qint64> eventTimes,
                 QList<std::pair<qint64, qint64>> outages);
    void setCursorTime(qint64 timeMs);
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

private:
    TimeScale scale() const;

    qint64 m_from = 0;
    qint64 m_to = 1;
    QList<qint64> m_events; // sorted
    QList<std::pair<qint64, qint64>> m_outages;
    qint64 m_cursor = 0;
    qint64 m_visibleFrom = 0;
    qint64 m_visibleTo = 1;
    double m_pressX = -1.0;
    double m_dragX = -1.0;
};

} // namespace warroom
