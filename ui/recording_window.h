#pragma once

#include "core/replay/node_lives.h"
#include "core/replay/replay_data.h"
#include "core/util/latest_job.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QThreadPool>
#include <QTimer>
#include <QUndoStack>

#include <optional>

class QAction;
class QProgressBar;
class QSplitter;
class QTabWidget;

namespace warroom {

class ChartPanel;
class ClockBar;
class ComparePanel;
class DetailsPane;
class DrillPanel;
class EventLogFilter;
class EventLogModel;
class EventLogPanel;
class HeaderBar;
class LiveListener;
class MapView;
class MetricChart;
class OverviewStrip;
class PostMortemEditor;
class ReplaySession;
struct DrillOptions;
struct IngestOptions;
struct LiveSources;

// The war room on a recording: a replay session (core) viewed by small panels — the header
// (service state and why), the clock bar, the overview strip, the map with the selected node's
// details, the charts, the event log, the post-mortem. The window lays them out, connects them
// to the session, and redraws them on one frame timer, once per frame whatever happened.
class RecordingWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit RecordingWindow(QWidget *parent = nullptr);
    ~RecordingWindow() override;

    ReplaySession *session() const { return m_session; }
    // A recording, or a scenario: that is simulated first on a worker thread (a progress bar
    // shows how far), into the cache folder, and its recording opened.
    void openFile(const QString &path);
    int simulationProgress() const; // 0..1000 while a scenario is simulated
    // Moves the cursor (clamped to the recording); the views follow on the next frame.
    void seek(qint64 timeMs);
    // Moves the cursor to a typed time (docs/war-room.md: ISO, 16:10, +5m, 3w1d); false (and
    // the go-to field says why) if the text is not one.
    bool seekTo(const QString &text);
    // To the next (+1) or previous (-1) event the log shows: a kind filter steps by kind.
    void stepToEvent(int direction);
    // To the start of the next (+1) or previous (-1) stretch the service was not ok.
    void stepToTrouble(int direction);
    qint64 cursorTime() const;
    bool playing() const;
    void setPlaying(bool playing);
    void setSpeed(double speed);
    // Selects a node on the map, opens its charts and its details (empty: none).
    void selectNode(const QString &node);
    // The part of the recording the charts show (re-read at that zoom on a worker thread).
    void setVisibleRange(qint64 fromMs, qint64 toMs);
    std::pair<qint64, qint64> visibleRange() const;
    const MetricChart *chart(int index) const;
    QString chartTitle(int index) const;
    int chartCount() const;
    const ReplayData *data() const;
    const MapView *map() const { return m_map; }
    MapView *mapView() const { return m_map; }
    // Waits for the layout writes handed to the worker (tests, closing).
    void waitForLayoutSaved() { m_layoutWrites.waitForDone(); }
    // Writes a copy of the recording (with the map as placed now) and opens it: the way on
    // from a read-only file. Asks where; saveCopyTo() is the same without asking.
    void saveCopyAs();
    void saveCopyTo(const QString &path);
    const EventLogModel *eventLog() const;
    EventLogFilter *eventLogFilter() const;
    EventLogPanel *eventLogPanel() const { return m_log; }
    ChartPanel *chartPanel() const { return m_charts; }
    HeaderBar *header() const { return m_header; }
    ClockBar *clockBar() const { return m_clock; }
    DetailsPane *details() const { return m_details; }
    QString statusText() const; // the header, as plain text
    PostMortemEditor *postMortemEditor() const { return m_postMortem; }
    // A live recording: follow its end (or stay where the user scrubbed to).
    void setFollowing(bool following);
    bool following() const;
    qint64 liveLagMs() const;
    // Where the post-mortem sits: a tab beside the charts, beside the map at full height, or
    // the whole window under the clock. Remembered (unless told not to: a command line's).
    enum class PostMortemPlace
    {
        Tab,
        Side,
        Window,
    };
    void setPostMortemPlace(PostMortemPlace place, bool remember = true);
    PostMortemPlace postMortemPlace() const { return m_postMortemPlace; }
    static QString toString(PostMortemPlace place); // "tab", "side", "window"
    static std::optional<PostMortemPlace> postMortemPlaceFrom(const QString &text);
    void showPostMortem(); // the post-mortem in front (its tab, where it is one)
    // A second run of the incident (a recording or a variant scenario) beside the map on one
    // clock, with the hops whose verdict differs (File → Compare with…); empty path: none.
    void compareWith(const QString &path);
    ComparePanel *comparePanel() const { return m_compare; }
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
    // The panel that has the keyboard: "map", "charts", "log", "post-mortem", "clock", ...
    QString focusedPanel() const;
    // Moves the keyboard to the next (+1) or previous (-1) panel (F6, Shift+F6).
    void cyclePanels(int direction);
    void render(); // draws the cursor's moment now (the frame timer does it otherwise)
    // Something the cursor's moment needs is still read or drawn (charts, the map's badges).
    bool drawing() const;
    // The map's hand-made layout: every node back where the map computes it (undoable).
    void resetLayout();
    QUndoStack *layoutUndo() { return &m_layoutUndo; }

Q_SIGNALS:
    void copySaved(const QString &path, const QString &error); // error empty: saved, opening it
    void firstFrame();                // the recording is open and its start drawn
    void liveUpdated();               // a live recording grew and is drawn
    void loaded(const QString &path); // ... and every event read
    void chartsShown(); // the charts show the visible range (after a zoom or a selection)
    void rendered();    // a frame: the views show the cursor's time
    void loadFailed(const QString &message);
    void comparisonShown(); // a compared run is open and drawn beside the map

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void build();
    void buildMenus();
    void exportMap(const QString &format);
    // A new live recording (named prefix-TIME in the cache) received by m_listener.
    void startListener(const QString &prefix, const IngestOptions &options,
                       const LiveSources &sources);
    void showDrillPanel(const DrillOptions &options);
    void placePostMortem(PostMortemPlace place); // the widgets only
    void updateComparedCharts();                 // the compared run's series on the charts, aligned
    void opened();
    void grew(qsizetype newFrom);
    void frame();
    // The overview strip: every event again (newFrom -1) or those from newFrom on.
    void showOverview(qsizetype newFrom);
    void requestFigures();              // the map's badges for the cursor, read on a worker
    void showNode(const QString &chip); // a chip chosen on the map
    void showHopsOf(const QString &chip);
    void saveLayout(const QString &node, double x, double y); // a drag, undoable
    void applyLayout(const QHash<QString, std::pair<double, double>> &from,
                     const QHash<QString, std::pair<double, double>> &to);
    void snapshotMapFor(const QString &entryId, qint64 timeMs);
    void exportPostMortem();
    void showShortcuts();
    void fail(const QString &title, const QString &message);
    QList<QWidget *> panels() const;

    ReplaySession *m_session;
    HeaderBar *m_header;
    ClockBar *m_clock;
    OverviewStrip *m_overview;
    MapView *m_map;
    DetailsPane *m_details;
    ChartPanel *m_charts;
    EventLogPanel *m_log;
    PostMortemEditor *m_postMortem;
    QTabWidget *m_right;
    QWidget *m_postMortemTab; // the editor, scrolled
    QSplitter *m_outer;       // the war room's panels, and the post-mortem when it is not a tab
    QSplitter *m_beside;      // the map, a compared run, the charts and post-mortem tabs
    ComparePanel *m_compare = nullptr;
    QWidget *m_panels; // the map, charts, log and details
    PostMortemPlace m_postMortemPlace = PostMortemPlace::Tab;
    QList<QAction *> m_postMortemPlaceActions; // the menu's choices, in enum order
    QProgressBar *m_simulating;
    QTimer m_frameTimer;
    QTimer m_progressTimer;
    QElapsedTimer m_sinceFrame;
    qint64 m_renderedTime = -1;
    bool m_dirty = true; // something besides the time changed: draw on the next frame
    quint64 m_mapGeneration = 0;
    NodeMarks m_mapMarks;
    qint64 m_mapTime = 0;
    LiveListener *m_listener = nullptr;
    DrillPanel *m_drillPanel = nullptr;
    quint16 m_listeningPort = 0;
    QThreadPool m_layoutWrites;                         // one thread: the layout writes in order
    QHash<QString, std::pair<double, double>> m_layout; // nodes placed by hand, as shown
    QUndoStack m_layoutUndo;
    qint64 m_figuresTime = -1; // the moment the map's badges were asked for
    LatestJob m_figures{this};
    LatestJob m_copying{this};  // a copy being saved (File ▸ Save a copy as…)
    QString m_postMortemsStamp; // the post-mortems as last read, to tell new writes
};

} // namespace warroom
