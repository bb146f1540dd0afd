#pragma once

#include "core/replay/node_lives.h"
#include "core/replay/replay_data.h"

#include <QElapsedTimer>
#include <QFuture>
#include <QMainWindow>
#include <QSet>
#include <QThreadPool>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QMenu;
class QProgressBar;
class QSlider;
class QTableView;
class QToolButton;

namespace warroom {

class EventLogFilter;
class EventLogModel;
class MapView;
class PostMortemEditor;
class DrillPanel;
class LiveListener;
struct DrillOptions;
struct LiveSources;
struct IngestOptions;
class MetricChart;
class OverviewStrip;
class ReplayCursor;
struct ChartMarker;

// The war room on a recording: the map at the replay cursor, the charts with the cursor line,
// the event log, and the clock that drives them all. The recording is read on a worker thread;
// views redraw on the frame timer, once per frame whatever happened in between.
class RecordingWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit RecordingWindow(QWidget *parent = nullptr);
    ~RecordingWindow() override;

    // A recording, or a scenario: that is simulated first on a worker thread (a progress bar
    // shows how far), into the cache folder, and its recording opened.
    void openFile(const QString &path);
    int simulationProgress() const; // 0..1000 while a scenario is simulated
    // Moves the cursor (clamped to the recording); the views follow on the next frame.
    void seek(qint64 timeMs);
    // Moves the cursor to a typed time (ISO 8601, or an offset from the start); false if
    // the text is not a time.
    bool seekTo(const QString &text);
    // To the next (+1) or previous (-1) event the log shows: a kind filter steps by kind.
    void stepToEvent(int direction);
    qint64 cursorTime() const { return m_time; }
    bool playing() const { return m_playing; }
    void setPlaying(bool playing);
    void setSpeed(double speed);
    // Selects a node on the map and opens its charts (empty: none).
    void selectNode(const QString &node);
    // The part of the recording the charts show (re-read at that zoom on a worker thread).
    void setVisibleRange(qint64 fromMs, qint64 toMs);
    std::pair<qint64, qint64> visibleRange() const { return {m_visibleFrom, m_visibleTo}; }
    const MetricChart *chart(int index) const { return m_charts.value(index); }
    QString chartTitle(int index) const { return m_chartData.value(index).title; }
    const ReplayData *data() const { return m_data.get(); }
    const MapView *map() const { return m_map; }
    // Waits for the layout writes handed to the worker (tests, closing).
    void waitForLayoutSaved() { m_layoutWrites.waitForDone(); }
    const EventLogModel *eventLog() const { return m_log; }
    EventLogFilter *eventFilter() const { return m_filter; }
    int chartCount() const { return int(m_charts.size()); }
    QString statusText() const;
    MapView *mapView() const { return m_map; }
    PostMortemEditor *postMortemEditor() const { return m_postMortem; }
    // A live recording: follow its end (or stay where the user scrubbed to).
    void setFollowing(bool following);
    bool following() const { return m_following; }
    qint64 liveLagMs() const { return m_lagMs; }
    void showPostMortem(); // the post-mortem tab in front
    // Receives a live feed on 127.0.0.1:port (0: any) into a new recording and follows it.
    void listen(quint16 port);
    // Watches the Prometheus and Alertmanager a mapping file names (docs/prometheus.md) into a
    // new live recording with the mapping's scenario as its topology, and follows it.
    void watchPrometheus(const QString &mappingPath);
    // Plays a scenario as a training drill into a new live recording, with the instructor's
    // panel beside the map (docs/drills.md).
    void runDrill(const QString &scenarioPath, const DrillOptions &options);
    DrillPanel *drillPanel() const { return m_drillPanel; }
    // A trainee's view: a drill's rule names stay hidden until the instructor reveals them.
    // Set before opening.
    void setTraineeView(bool trainee);
    quint16 listeningPort() const { return m_listeningPort; }

Q_SIGNALS:
    void firstFrame();                // the recording is open and its start drawn
    void liveUpdated();               // a live recording grew and is drawn
    void loaded(const QString &path); // ... and every event read
    void chartsShown(); // the charts show the visible range (after a zoom or a selection)
    void rendered();    // a frame: the views show the cursor's time
    void loadFailed(const QString &message);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void build();
    void exportMap(const QString &format);
    void simulateThenOpen(const QString &scenarioPath);
    // A new live recording (named prefix-TIME in the cache) received by m_listener.
    void startListener(const QString &prefix, const IngestOptions &options,
                       const LiveSources &sources);
    void showDrillPanel(const DrillOptions &options);
    void apply(std::shared_ptr<const ReplayData> data);
    void pollLive();
    void fillSiteFilter();
    // Says why a file could not be opened (in the title when given, and the status line).
    void fail(const QString &title, const QString &message);
    void adoptLive(std::shared_ptr<const ReplayData> data);
    void readAllEvents(quint64 generation);
    // The cursor, the log, the overview, the node lives and the markers on m_data's events;
    // with `appendedFrom`, the log only takes the events from there on.
    void adoptEvents(qsizetype appendedFrom = -1);
    QList<ChartMarker> markersFor(const ChartData &chart) const;
    qint64 lastShowable() const;
    void frame();
    void render();
    void selectLogRow();
    void showCharts(const QList<ChartData> &charts);
    void zoom(double factor, qint64 atMs);
    void addChart(const ChartData &data, int position, const QList<ChartMarker> &markers);
    void showNode(const QString &node);
    void saveLayout(const QString &node, double x, double y);
    void snapshotMapFor(const QString &entryId, qint64 timeMs);
    void exportPostMortem();

    std::shared_ptr<const ReplayData> m_data;
    std::unique_ptr<ReplayCursor> m_cursor;
    NodeLives m_lives;
    quint64 m_mapGeneration = 0; // the cursor state the map shows
    qint64 m_mapTime = 0;        // ... and its time
    NodeMarks m_mapMarks;
    int m_selectedRow = -1; // the log row selected for the cursor
    qint64 m_time = 0;
    bool m_following = false; // a live recording: the cursor stays at its end
    bool m_liveRefresh = false;
    qint64 m_lagMs = -1; // from the newest event's arrival to its frame
    QTimer m_liveTimer;
    QToolButton *m_liveButton = nullptr;
    LiveListener *m_listener = nullptr;
    DrillPanel *m_drillPanel = nullptr;
    bool m_trainee = false;
    quint16 m_listeningPort = 0;
    std::optional<qint64> m_pendingSeek; // beyond the events read so far
    qint64 m_renderedTime = -1;
    bool m_playing = false;
    double m_speed = 60.0;
    QTimer m_frameTimer;
    QElapsedTimer m_sinceFrame;
    quint64 m_generation = 0;

    QLabel *m_title;
    QLabel *m_status;
    MapView *m_map;
    QTabWidget *m_right;
    PostMortemEditor *m_postMortem;
    QList<MetricChart *> m_charts;
    QList<ChartData> m_chartData;             // one per chart shown
    QList<QList<ChartMarker>> m_chartMarkers; // one per chart shown
    QList<std::pair<qint64, qint64>> m_outages;
    int m_nodeCharts = 0; // the selected node's charts, first in the lists
    qint64 m_visibleFrom = 0;
    qint64 m_visibleTo = 1;
    quint64 m_chartGeneration = 0;
    QThreadPool m_layoutWrites; // one thread: the layout writes in order
    OverviewStrip *m_overview;
    QWidget *m_chartBox;
    EventLogModel *m_log;
    EventLogFilter *m_filter;
    QTableView *m_logView;
    QLineEdit *m_search;
    QComboBox *m_kinds;
    QComboBox *m_sites;
    QLabel *m_nodeFilter;
    QToolButton *m_play;
    QComboBox *m_speedBox;
    QSlider *m_slider;
    QLabel *m_clock;
    QLineEdit *m_goTo;
    QProgressBar *m_simulating;
    std::shared_ptr<std::atomic<int>> m_simulated; // progress of the running simulation
    QMenu *m_recent;
};

} // namespace warroom
