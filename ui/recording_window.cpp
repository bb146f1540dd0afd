#include "recording_window.h"
#include "core/store/shared_address.h"

#include "drill/drill_panel.h"
#include "live_listener.h"
#include "map/map_view.h"
#include "models/event_log_model.h"
#include "overview_strip.h"
#include "postmortem/action_items_panel.h"
#include "postmortem/postmortem_document.h"
#include "postmortem/postmortem_editor.h"
#include "settings.h"
#include "warroom/chart_panel.h"
#include "warroom/clock_bar.h"
#include "warroom/compare_panel.h"
#include "warroom/details_pane.h"
#include "warroom/event_log_panel.h"
#include "warroom/header_bar.h"

#include "core/replay/node_figures.h"
#include "core/replay/replay_session.h"
#include "core/replay/service_status.h"
#include "core/store/recording_writer.h"
#include "core/util/duration.h"

#include <QAction>
#include <QApplication>
#include <QBuffer>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

namespace warroom {

namespace {

constexpr int kFrameMs = 16;                    // ~60 frames a second at most
constexpr qint64 kAnimateWithinMs = 15 * 60000; // a step of the clock, not a jump

} // namespace

RecordingWindow::RecordingWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_session(new ReplaySession(this))
{
    m_layoutWrites.setMaxThreadCount(1);
    build();
    buildMenus();
    m_frameTimer.setInterval(kFrameMs);
    connect(&m_frameTimer, &QTimer::timeout, this, &RecordingWindow::frame);
    m_progressTimer.setInterval(100); // the simulation only bumps a counter; this shows it
    connect(&m_progressTimer, &QTimer::timeout, this, [this] {
        const int progress = m_session->simulationProgress();
        m_simulating->setVisible(progress >= 0);
        m_simulating->setValue(std::max(0, progress));
        if (progress < 0)
            m_progressTimer.stop();
    });

    connect(m_session, &ReplaySession::simulationStarted, this, [this](const QString &scenario) {
        m_header->setMessage(tr("Simulating %1…").arg(QFileInfo(scenario).fileName()), {});
        m_simulating->setValue(0);
        m_simulating->show();
        m_progressTimer.start();
    });
    connect(m_session, &ReplaySession::opened, this, &RecordingWindow::opened);
    connect(m_session, &ReplaySession::dataChanged, this, &RecordingWindow::grew);
    connect(m_session, &ReplaySession::loaded, this, &RecordingWindow::loaded);
    connect(m_session, &ReplaySession::timeChanged, this, [this] {
        if (!m_frameTimer.isActive())
            render(); // no frame timer yet (not shown): draw now
    });
    connect(m_session, &ReplaySession::stateChanged, this, [this] { m_dirty = true; });
    connect(
        m_session, &ReplaySession::failed, this,
        [this](const QString &what, const QStringList &errors) { fail(what, errors.join(u'\n')); });
}

RecordingWindow::~RecordingWindow() = default;

void RecordingWindow::build()
{
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(8, 6, 8, 6);
    m_header = new HeaderBar(m_session);
    layout->addWidget(m_header);
    m_simulating = new QProgressBar;
    m_simulating->setRange(0, 1000);
    m_simulating->setFormat(tr("simulating… %p%"));
    m_simulating->hide();
    layout->addWidget(m_simulating);
    m_clock = new ClockBar(m_session);
    layout->addWidget(m_clock);
    m_overview = new OverviewStrip;
    layout->addWidget(m_overview);

    // The map on the left, charts and post-mortem on the right; the log and the selected node's
    // details below.
    m_map = new MapView;
    m_map->setObjectName(QStringLiteral("map"));
    // Ctrl+Z and Ctrl+Shift+Z on the map undo and redo its hand-made layout (the post-mortem
    // has its own, on its own widgets).
    const std::pair<QList<QKeySequence>, void (QUndoStack::*)()> keys[] = {
        {{QKeySequence(Qt::CTRL | Qt::Key_Z)}, &QUndoStack::undo},
        {{QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z), QKeySequence(Qt::CTRL | Qt::Key_Y)},
         &QUndoStack::redo}};
    for (const auto &[shortcuts, slot] : keys) {
        auto *action = new QAction(m_map);
        action->setShortcuts(shortcuts);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, &m_layoutUndo, slot);
        m_map->addAction(action);
    }
    // Beside the log, always there: a selection never resizes the map under the pointer.
    m_details = new DetailsPane;
    m_charts = new ChartPanel(m_session);
    m_postMortem = new PostMortemEditor;
    m_right = new QTabWidget;
    m_right->addTab(m_charts, tr("Charts"));
    // Scrolled when the window is small: the editor never forces the window's size.
    auto *postMortemScroll = new QScrollArea;
    postMortemScroll->setWidget(m_postMortem);
    postMortemScroll->setWidgetResizable(true);
    postMortemScroll->setFrameShape(QFrame::NoFrame);
    m_postMortemTab = postMortemScroll;
    m_right->addTab(m_postMortemTab, tr("Post-mortem"));
    m_right->setMinimumWidth(400);
    auto *horizontal = new QSplitter(Qt::Horizontal);
    m_beside = horizontal;
    horizontal->addWidget(m_map);
    horizontal->addWidget(m_right);
    horizontal->setStretchFactor(0, 3);
    horizontal->setStretchFactor(1, 2);
    horizontal->setSizes({900, 500});
    m_log = new EventLogPanel(m_session);
    m_log->setMinimumHeight(150); // the filters and four rows, at any window size
    auto *bottom = new QSplitter(Qt::Horizontal);
    bottom->addWidget(m_log);
    bottom->addWidget(m_details);
    bottom->setStretchFactor(0, 2);
    bottom->setStretchFactor(1, 1);
    bottom->setSizes({1000, 500});
    auto *vertical = new QSplitter(Qt::Vertical);
    vertical->addWidget(horizontal);
    vertical->addWidget(bottom);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 1);
    vertical->setSizes({720, 280});
    m_panels = vertical;
    m_outer = new QSplitter(Qt::Horizontal);
    m_outer->setObjectName(QStringLiteral("outer"));
    m_outer->addWidget(m_panels);
    m_outer->setStretchFactor(0, 3);
    layout->addWidget(m_outer, 1);
    setCentralWidget(central);
    placePostMortem(postMortemPlaceFrom(
                        QSettings().value(QLatin1StringView(settings::kPostMortemPlace)).toString())
                        .value_or(PostMortemPlace::Tab));
    const QByteArray geometry =
        QSettings().value(QLatin1StringView(settings::kRecordingGeometry)).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);

    connect(m_clock, &ClockBar::stepRequested, this, &RecordingWindow::stepToEvent);
    connect(m_clock, &ClockBar::finished, m_map, [this] { m_map->setFocus(); });
    connect(m_map, &MapView::nodeSelected, this, &RecordingWindow::showNode);
    connect(m_map, &MapView::optionsChanged, this, [this] {
        m_mapGeneration = ~quint64(0); // the map asks for its state again, at another level
        render();
    });
    connect(m_map, &MapView::nodeMoved, this, &RecordingWindow::saveLayout);
    connect(m_map, &MapView::timelineEntryRequested, this, [this](const QString &text) {
        showPostMortem();
        m_postMortem->selectEntry(m_postMortem->addNote(m_session->time(), text));
    });
    connect(m_overview, &OverviewStrip::seekRequested, this, &RecordingWindow::seek);
    connect(m_overview, &OverviewStrip::rangeSelected, this, &RecordingWindow::setVisibleRange);
    connect(m_overview, &OverviewStrip::resetRequested, m_charts, &ChartPanel::resetZoom);
    connect(m_charts, &ChartPanel::seekRequested, this, &RecordingWindow::seek);
    connect(m_charts, &ChartPanel::shown, this, [this] {
        m_overview->setVisibleRange(m_charts->visibleRange().first,
                                    m_charts->visibleRange().second);
        Q_EMIT chartsShown();
    });
    connect(m_charts, &ChartPanel::timelineEntryRequested, this,
            [this](qint64 timeMs, const QString &text) {
                showPostMortem();
                m_postMortem->selectEntry(m_postMortem->addNote(timeMs, text));
            });
    connect(m_log, &EventLogPanel::seekRequested, this, &RecordingWindow::seek);
    connect(m_log, &EventLogPanel::addToTimelineRequested, this, [this](const Event &event) {
        showPostMortem();
        m_postMortem->selectEntry(m_postMortem->addEvent(event));
    });
    connect(m_postMortem, &PostMortemEditor::seekRequested, this, &RecordingWindow::seek);
    connect(m_postMortem, &PostMortemEditor::snapshotRequested, this,
            &RecordingWindow::snapshotMapFor);
    connect(m_postMortem, &PostMortemEditor::exportRequested, this,
            &RecordingWindow::exportPostMortem);
    connect(m_postMortem->actionItems(), &ActionItemsPanel::compareRequested, this,
            &RecordingWindow::compareWith);
}

void RecordingWindow::openFile(const QString &path)
{
    settings::addRecentFile(path);
    setWindowTitle(recordingDisplayName(path) + u" — Warroom");
    m_header->setMessage(tr("Opening %1…").arg(recordingDisplayName(path)), {});
    m_session->open(path);
}

void RecordingWindow::opened()
{
    const auto &data = m_session->data();
    m_header->clearMessage();
    m_figuresTime = -1;
    m_map->setFigures({});
    m_mapMarks.clear();
    m_mapGeneration = 0;
    m_postMortem->setCacheFolder(m_session->cacheFolder() + QStringLiteral("/what-if"));
    m_postMortem->setRecording(data->path, data->events, data->summary, data->postMortems,
                               data->postMortemProblems, data->unreadablePostMortems);
    m_postMortem->setReadOnly(data->postMortemsReadOnly);
    m_postMortemsStamp = data->postMortemsStamp;
    m_layout = data->layout;
    m_layoutUndo.clear();
    m_map->setManualLayout(m_layout);
    m_map->selectNode({});
    m_details->showHops(nullptr, {});
    m_log->setNode({});
    m_log->reset();
    m_charts->reset();
    showOverview(-1);
    if (!m_session->following()) // a newcomer lands where the story starts, not weeks before
        m_session->seek(firstMomentThatMatters(*data));
    m_charts->showAround(m_session->time());
    if (m_drillPanel)
        m_drillPanel->update(*data);
    m_renderedTime = -1;
    render();
    m_map->setFocus(Qt::OtherFocusReason); // the keyboard starts on the map
    m_frameTimer.start();
    m_sinceFrame.start();
    Q_EMIT firstFrame();
}

void RecordingWindow::grew(qsizetype newFrom)
{
    const auto &data = m_session->data();
    if (m_drillPanel) // a trainee's diagnosis may be all that came
        m_drillPanel->update(*data);
    m_postMortem->grow(data->events, data->summary);
    if (data->postMortemsStamp != m_postMortemsStamp) // written at another desk
        m_postMortem->updateWritten(data->postMortems);
    m_postMortemsStamp = data->postMortemsStamp;
    m_log->grow(newFrom);
    m_charts->grow(newFrom);
    showOverview(newFrom);
    m_dirty = true;
    render();
    if (data->live || newFrom >= 0)
        Q_EMIT liveUpdated();
}

void RecordingWindow::showOverview(qsizetype newFrom)
{
    const auto &data = m_session->data();
    const bool all = newFrom < 0 || data->startMs != m_overview->from(); // the start moved back
    QList<qint64> times;
    times.reserve(data->events.size() - (all ? 0 : newFrom));
    for (qsizetype i = all ? 0 : newFrom; i < data->events.size(); ++i)
        times.append(data->events[i].timeMs);
    if (all)
        m_overview->setData(data->startMs, data->endMs, times, data->troubleSpans);
    else
        m_overview->append(data->endMs, times, data->troubleSpans);
}

void RecordingWindow::frame()
{
    m_session->advance(m_sinceFrame.restart());
    if (m_session->time() != m_renderedTime || m_dirty || m_session->liveHealth().live)
        render();
}

void RecordingWindow::render()
{
    const auto &data = m_session->data();
    if (!data)
        return;
    const qint64 t = m_session->time();
    m_renderedTime = t;
    m_dirty = false;
    const ReachabilityEngine *engine = m_session->engine();
    NodeMarks marks = m_session->nodeMarks();
    // The map is rebuilt only when what it shows changed, not on every frame of a replay.
    if (engine && (m_session->stateGeneration() != m_mapGeneration || marks != m_mapMarks)) {
        // Launches and terminations animate when the clock runs into them, not after a jump.
        const bool animate = std::abs(t - m_mapTime) <= kAnimateWithinMs;
        m_map->setState(*engine, marks, animate);
        m_mapGeneration = m_session->stateGeneration();
        m_mapTime = t;
        m_mapMarks = std::move(marks);
        showHopsOf(m_map->selectedNode());
    }
    m_map->setEmptyNote(emptyMapNote(*data, t));
    requestFigures();
    m_header->refresh();
    m_clock->refresh();
    m_charts->refresh();
    m_overview->setCursorTime(t);
    m_log->refresh();
    m_postMortem->setCursor(t, m_map->selectedNode().isEmpty() ? QString()
                                                               : m_map->selectedNode() + u": ");
    if (m_compare)
        m_compare->follow(*m_session);
    Q_EMIT rendered();
}

bool RecordingWindow::drawing() const
{
    const auto &data = m_session->data();
    return data &&
           (m_charts->loading() || m_figures.pending() || m_figuresTime != m_session->dataTime());
}

void RecordingWindow::requestFigures()
{
    const auto &data = m_session->data();
    const qint64 t = m_session->dataTime();
    if (t == m_figuresTime)
        return;
    if (m_figures.pending())
        return; // the answer asks again for where the cursor is by then
    m_figuresTime = t;
    m_figures.run([path = data->path, t](const JobControl &) { return loadMapFigures(path, t); },
                  [this](const Result<MapFigures> &figures) {
                      if (figures)
                          m_map->setFigures(figures.value());
                      if (m_session->data())
                          requestFigures();
                  });
}

void RecordingWindow::seek(qint64 timeMs)
{
    m_charts->followCursor(); // a deliberate move: the charts go where the cursor goes
    m_session->seek(timeMs);
}

bool RecordingWindow::seekTo(const QString &text)
{
    m_charts->followCursor();
    return m_clock->goTo(text);
}

void RecordingWindow::stepToEvent(int direction)
{
    const qint64 at = m_log->stepFrom(m_session->time(), direction);
    if (at >= 0)
        seek(at);
}

void RecordingWindow::stepToTrouble(int direction)
{
    const auto &data = m_session->data();
    if (!data)
        return;
    const qint64 t = m_session->time();
    const QList<ServiceSpan> &spans = data->troubleSpans;
    if (direction > 0) {
        for (const ServiceSpan &s : spans) {
            if (s.fromMs > t) {
                seek(s.fromMs);
                return;
            }
        }
    } else {
        for (auto it = spans.crbegin(); it != spans.crend(); ++it) {
            if (it->fromMs < t) {
                seek(it->fromMs);
                return;
            }
        }
    }
}

qint64 RecordingWindow::cursorTime() const
{
    return m_session->time();
}

bool RecordingWindow::playing() const
{
    return m_session->playing();
}

void RecordingWindow::setPlaying(bool playing)
{
    m_session->setPlaying(playing);
    m_sinceFrame.restart();
}

void RecordingWindow::setSpeed(double speed)
{
    m_session->setSpeed(speed);
}

bool RecordingWindow::following() const
{
    return m_session->following();
}

void RecordingWindow::setFollowing(bool following)
{
    m_session->setFollowing(following);
}

qint64 RecordingWindow::liveLagMs() const
{
    return m_session->liveHealth().lagMs;
}

const ReplayData *RecordingWindow::data() const
{
    return m_session->data().get();
}

void RecordingWindow::setVisibleRange(qint64 fromMs, qint64 toMs)
{
    m_charts->setVisibleRange(fromMs, toMs);
}

std::pair<qint64, qint64> RecordingWindow::visibleRange() const
{
    return m_charts->visibleRange();
}

const MetricChart *RecordingWindow::chart(int index) const
{
    return m_charts->chart(index);
}

QString RecordingWindow::chartTitle(int index) const
{
    return m_charts->title(index);
}

int RecordingWindow::chartCount() const
{
    return m_charts->count();
}

const EventLogModel *RecordingWindow::eventLog() const
{
    return m_log->model();
}

EventLogFilter *RecordingWindow::eventLogFilter() const
{
    return m_log->filter();
}

QString RecordingWindow::statusText() const
{
    return m_header->text();
}

void RecordingWindow::selectNode(const QString &node)
{
    m_map->selectNode(node);
    showNode(node);
}

void RecordingWindow::showNode(const QString &chip)
{
    // A role chip of one node is that node; of many, their hops (the charts and log are a
    // node's).
    const QStringList nodes = m_map->nodesOf(chip);
    const QString node = nodes.size() == 1 ? nodes.first() : QString();
    m_charts->showNode(node);
    m_log->setNode(node);
    showHopsOf(chip);
}

void RecordingWindow::showHopsOf(const QString &chip)
{
    m_details->showHops(m_session->engine(), chip.isEmpty() ? QStringList() : m_map->nodesOf(chip),
                        chip);
}

namespace {

using Layout = QHash<QString, std::pair<double, double>>;

// One change of the map's hand-made layout (a drag, a reset): undone and redone whole.
class LayoutChange : public QUndoCommand
{
public:
    LayoutChange(Layout before, Layout after, const QString &text,
                 std::function<void(const Layout &from, const Layout &to)> apply)
        : QUndoCommand(text)
        , m_before(std::move(before))
        , m_after(std::move(after))
        , m_apply(std::move(apply))
    {}
    void undo() override { m_apply(m_after, m_before); }
    void redo() override { m_apply(m_before, m_after); }

private:
    Layout m_before;
    Layout m_after;
    std::function<void(const Layout &, const Layout &)> m_apply;
};

} // namespace

void RecordingWindow::saveLayout(const QString &node, double x, double y)
{
    Layout after = m_layout;
    after.insert(node, {x, y});
    m_layoutUndo.push(
        new LayoutChange(m_layout, after, tr("move %1").arg(node),
                         [this](const Layout &from, const Layout &to) { applyLayout(from, to); }));
}

void RecordingWindow::resetLayout()
{
    if (!m_layout.isEmpty())
        m_layoutUndo.push(new LayoutChange(
            m_layout, {}, tr("reset the layout"),
            [this](const Layout &from, const Layout &to) { applyLayout(from, to); }));
}

void RecordingWindow::applyLayout(const Layout &from, const Layout &to)
{
    const auto &data = m_session->data();
    if (!data)
        return;
    m_layout = to;
    m_map->setManualLayout(m_layout);
    // A read-only file (the header says so) keeps the layout for this session only.
    if (!isSharedAddress(data->path) && !data->postMortemsReadOnly.isEmpty())
        return;
    // What changed, saved in the recording itself, on a pool of one thread (in order).
    QList<std::pair<QString, std::optional<std::pair<double, double>>>> changes;
    for (auto it = to.cbegin(); it != to.cend(); ++it) {
        if (from.value(it.key(), {-1.0, -1.0}) != it.value())
            changes.append({it.key(), it.value()});
    }
    for (auto it = from.cbegin(); it != from.cend(); ++it) {
        if (!to.contains(it.key()))
            changes.append({it.key(), std::nullopt});
    }
    if (changes.isEmpty())
        return;
    m_layoutWrites.start([path = data->path, changes] {
        if (auto writer = RecordingWriter::openForAppend(path)) {
            for (const auto &[node, place] : changes) {
                if (place)
                    writer.value()->setLayout(node, place->first, place->second);
                else
                    writer.value()->removeLayout(node);
            }
            writer.value()->close(); // a read-only file keeps the layout for this session only
        }
    });
}

void RecordingWindow::snapshotMapFor(const QString &entryId, qint64 timeMs)
{
    // The map as it was at the entry's moment: draw that moment, grab it, attach it.
    m_session->seek(timeMs);
    render();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    m_map->grab().save(&buffer, "PNG");
    m_postMortem->attachSnapshot(entryId, png, tr("The map at %1 UTC").arg(formatUtc(timeMs)));
}

void RecordingWindow::setTraineeView(bool trainee)
{
    m_session->setTraineeView(trainee);
}

int RecordingWindow::simulationProgress() const
{
    return std::max(0, m_session->simulationProgress());
}

void RecordingWindow::listen(quint16 port)
{
    IngestOptions options;
    options.port = port;
    startListener(QStringLiteral("live"), options, {});
}

void RecordingWindow::watchPrometheus(const QString &mappingPath)
{
    IngestOptions options; // a feed may come too, on any free port
    LiveSources sources;
    sources.prometheusMapping = mappingPath;
    startListener(QStringLiteral("prometheus"), options, sources);
}

void RecordingWindow::runDrill(const QString &scenarioPath, const DrillOptions &options)
{
    LiveSources sources;
    sources.drillScenario = scenarioPath;
    sources.drill = options;
    startListener(u"drill-" + QFileInfo(scenarioPath).completeBaseName(), IngestOptions{}, sources);
    showDrillPanel(options);
}

void RecordingWindow::showDrillPanel(const DrillOptions &options)
{
    if (m_drillPanel) {
        m_right->removeTab(m_right->indexOf(m_drillPanel));
        delete m_drillPanel;
    }
    m_drillPanel = new DrillPanel(m_listener, options);
    m_right->insertTab(0, m_drillPanel, tr("Drill"));
    m_right->setCurrentWidget(m_drillPanel);
}

void RecordingWindow::startListener(const QString &prefix, const IngestOptions &options,
                                    const LiveSources &sources)
{
    const QString dir = m_session->cacheFolder();
    QDir().mkpath(dir);
    const QString path =
        dir + u'/' + prefix + u'-' +
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")) + u".warroom";
    if (!m_listener) {
        m_listener = new LiveListener(this);
        connect(m_listener, &LiveListener::started, this, [this](const QString &at, quint16 bound) {
            m_listeningPort = bound;
            m_header->setListeningPort(bound);
            openFile(at);
        });
        connect(m_listener, &LiveListener::failed, this,
                [this](const QString &message) { fail({}, message); });
    }
    m_listener->start(path, options, sources);
}

void RecordingWindow::compareWith(const QString &path)
{
    if (path.isEmpty()) {
        if (m_compare) {
            // Nothing it says from now on is heard (its timer, B's session); it goes once the
            // click on its own Close button is over.
            m_compare->disconnect(this);
            m_compare->session()->disconnect(this);
            m_compare->hide();
            m_compare->deleteLater();
        }
        m_compare = nullptr;
        m_map->setCompared({});
        m_charts->setComparedRun({}, 0);
        return;
    }
    if (!m_compare) {
        m_compare = new ComparePanel;
        m_compare->setObjectName(QStringLiteral("compare"));
        m_beside->insertWidget(1, m_compare);
        m_beside->setStretchFactor(1, 3);
        // Two maps side by side need the room: on a narrow window the tabs fold away (their
        // splitter handle brings them back).
        const int width = std::max(m_beside->width(), 900);
        m_beside->setSizes(width < 1300 ? QList<int>{width / 2, width / 2, 0}
                                        : QList<int>{width * 2 / 5, width * 2 / 5, width / 5});
        connect(m_compare, &ComparePanel::closeRequested, this, [this] { compareWith({}); });
        connect(m_compare, &ComparePanel::nodeChosen, this, &RecordingWindow::selectNode);

        connect(m_compare, &ComparePanel::loaded, this, [this] {
            m_compare->follow(*m_session);
            updateComparedCharts();
            Q_EMIT comparisonShown();
        });
        connect(m_compare, &ComparePanel::alignmentChanged, this,
                &RecordingWindow::updateComparedCharts);
        connect(m_compare, &ComparePanel::failed, this, [this] { m_map->setCompared({}); });
        connect(m_compare, &ComparePanel::differencesChanged, this, [this] {
            QSet<QString> differing; // A's nodes whose hops differ in B: outlined on A's map
            for (const VerdictDifference &d : m_compare->differences())
                differing.insert(d.from);
            m_map->setCompared(differing);
        });
        // B's clock moves with A's; its state is drawn on A's frames.
        connect(m_compare->session(), &ReplaySession::stateChanged, this,
                [this] { m_dirty = true; });
    }
    if (m_postMortemPlace == PostMortemPlace::Window) // the comparison must be seen
        setPostMortemPlace(PostMortemPlace::Side, false);
    m_compare->open(path);
}

void RecordingWindow::updateComparedCharts()
{
    const auto &a = m_session->data();
    const auto &b = m_compare && m_compare->isLoaded() ? m_compare->session()->data() : nullptr;
    if (!a || !b)
        return m_charts->setComparedRun({}, 0);
    m_charts->setComparedRun(b->path, m_compare->alignment() == ComparePanel::Alignment::Offset
                                          ? b->startMs - a->startMs
                                          : 0);
}

void RecordingWindow::showPostMortem()
{
    if (m_postMortemPlace == PostMortemPlace::Tab)
        m_right->setCurrentWidget(m_postMortemTab);
}

QString RecordingWindow::toString(PostMortemPlace place)
{
    switch (place) {
    case PostMortemPlace::Tab:
        return QStringLiteral("tab");
    case PostMortemPlace::Side:
        return QStringLiteral("side");
    case PostMortemPlace::Window:
        return QStringLiteral("window");
    }
    return {};
}

std::optional<RecordingWindow::PostMortemPlace>
RecordingWindow::postMortemPlaceFrom(const QString &text)
{
    for (PostMortemPlace place :
         {PostMortemPlace::Tab, PostMortemPlace::Side, PostMortemPlace::Window}) {
        if (text == toString(place))
            return place;
    }
    return std::nullopt;
}

void RecordingWindow::setPostMortemPlace(PostMortemPlace place, bool remember)
{
    const bool focused = m_postMortemTab->isAncestorOf(QApplication::focusWidget());
    placePostMortem(place);
    if (remember)
        QSettings().setValue(QLatin1StringView(settings::kPostMortemPlace), toString(place));
    showPostMortem();
    if (focused || place == PostMortemPlace::Window)
        m_postMortem->setFocus(Qt::OtherFocusReason);
}

void RecordingWindow::placePostMortem(PostMortemPlace place)
{
    if (place == PostMortemPlace::Tab) {
        if (m_right->indexOf(m_postMortemTab) < 0)
            m_right->addTab(m_postMortemTab, tr("Post-mortem"));
    } else {
        if (const int tab = m_right->indexOf(m_postMortemTab); tab >= 0)
            m_right->removeTab(tab);
        if (m_outer->indexOf(m_postMortemTab) < 0) {
            m_outer->addWidget(m_postMortemTab);
            m_outer->setStretchFactor(1, 2);
        }
        m_postMortemTab->show();
        // Beside the map: the panels keep three fifths; the whole window: the editor alone.
        const int width = std::max(m_outer->width(), 1000);
        m_outer->setSizes(place == PostMortemPlace::Side ? QList<int>{width * 3 / 5, width * 2 / 5}
                                                         : QList<int>{0, width});
    }
    m_panels->setVisible(place != PostMortemPlace::Window);
    m_postMortemPlace = place;
    for (int i = 0; i < m_postMortemPlaceActions.size(); ++i)
        m_postMortemPlaceActions[i]->setChecked(i == int(place));
}

void RecordingWindow::fail(const QString &title, const QString &message)
{
    m_simulating->hide();
    m_header->setMessage(title.isEmpty() ? tr("Failed") : title, message);
    Q_EMIT loadFailed(message);
}

void RecordingWindow::closeEvent(QCloseEvent *event)
{
    m_postMortem->document()->saveNow(); // what was typed is in the file before the window goes
    waitForLayoutSaved(); // what was placed by hand is in the file before the window goes
    QSettings().setValue(QLatin1StringView(settings::kRecordingGeometry), saveGeometry());
    QMainWindow::closeEvent(event);
}

} // namespace warroom
