#pragma once

#include "ui/charts/metric_chart.h"

#include "core/util/latest_job.h"

#include <QWidget>

class QLabel;
class QVBoxLayout;

namespace warroom {

class ReplaySession;

// The charts beside the map: the recording's own (the story's first: requests failing, then
// backlogs and delivery latency against their target, then the autoscaled groups' CPU), and the
// selected node's on top. They show one window of time, read at that zoom on a worker, and
// follow the cursor: when it leaves the window, the window pans to it keeping its width; a user
// who pans away gets a "back to the cursor" button.
class ChartPanel : public QWidget
{
    Q_OBJECT

public:
    explicit ChartPanel(ReplaySession *session, QWidget *parent = nullptr);

    // A new recording (reset), or the same one grown (`newFrom`: its first new event, -1: all).
    void reset();
    void grow(qsizetype newFrom);
    void showNode(const QString &node); // the node's charts first (empty: none)
    void refresh();                     // once per frame: the cursor line, following it

    // The part of the recording the charts show (re-read at that zoom on a worker), as a user
    // chooses it: when the cursor is outside, the charts stay there ("back to the cursor").
    void setVisibleRange(qint64 fromMs, qint64 toMs);
    std::pair<qint64, qint64> visibleRange() const { return {m_from, m_to}; }
    void zoom(double factor, qint64 atMs);
    void resetZoom();
    // A window of a few hours around `timeMs` (a long recording), or the whole of a short one:
    // where a recording opens.
    void showAround(qint64 timeMs);
    // The next cursor move outside the window pans it there again (a seek, the button).
    void followCursor();
    bool pannedAway() const { return m_pannedAway; }
    // A window is being read, or its charts are still being drawn.
    bool loading() const { return m_windows.pending() || m_nextToDraw < m_toDraw.size(); }

    // Another run of the incident overlaid on each chart (dashed, "(B)"), read at the times
    // `shiftMs` later than this one's (B's start minus A's, or 0 by wall time); empty: none.
    void setComparedRun(const QString &path, qint64 shiftMs);

    int count() const { return int(m_charts.size()); }
    const MetricChart *chart(int index) const;
    QString title(int index) const;

Q_SIGNALS:
    void shown(); // the charts show the visible range (after a zoom, a pan or a selection)
    void seekRequested(qint64 timeMs);
    void timelineEntryRequested(qint64 timeMs, const QString &text);

private:
    struct Shown
    {
        ChartData data;
        QList<ChartMarker> markers;
        MetricChart *view = nullptr;
        bool ofNode = false;
    };
    void add(const ChartData &data, bool ofNode, int position);
    void setWindow(qint64 fromMs, qint64 toMs); // clamped to the recording, then read
    void showBackBar();                         // when the cursor is outside the window
    void markAll(qsizetype fromEvent);
    void pan(qint64 byMs);
    void load();
    void draw(const QList<ChartData> &charts);
    void drawNext();

    ReplaySession *m_session;
    QString m_comparedPath;
    qint64 m_comparedShiftMs = 0;
    QVBoxLayout *m_list;
    QWidget *m_backBar;
    QLabel *m_backText;
    QList<Shown> m_charts;
    QList<std::pair<qint64, qint64>> m_outages;
    qint64 m_from = 0;
    qint64 m_to = 1;
    qint64 m_boundsTo = 1; // the recording's end when last drawn
    bool m_pannedAway = false;
    qint64 m_drawnCursor = -1;
    QList<ChartData> m_toDraw; // what draw() was given, drawn one chart at a time ...
    int m_nextToDraw = 0;      // ... from here
    LatestJob m_windows{this};
};

} // namespace warroom
