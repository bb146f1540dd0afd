#include "recording_window.h"

#include "charts/metric_chart.h"
#include "core/replay/replay_cursor.h"
#include "core/util/duration.h"
#include "drill/drill_panel.h"
#include "geometry/time_scale.h"
#include "live_listener.h"
#include "map/map_view.h"
#include "models/event_log_model.h"
#include "overview_strip.h"
#include "postmortem/postmortem_document.h"
#include "postmortem/postmortem_editor.h"
#include "settings.h"

#include "core/postmortem/report.h"
#include "core/replay/root_cause_hidden.h"

#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording_writer.h"

#include <QBuffer>
#include <QCloseEvent>
#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QScrollArea>
#include <QSettings>
#include <QShortcut>
#include <QSlider>
#include <QSplitter>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace warroom {

namespace {

// A trainee's view of a drill hides the rule names until the instructor reveals them.
// `shown`: what the window shows now (what was hidden then need not be hidden again).
Result<std::shared_ptr<const ReplayData>> asShown(Result<std::shared_ptr<const ReplayData>> read,
                                                  bool trainee,
                                                  std::shared_ptr<const ReplayData> shown = {})
{
    if (!read || !trainee || !rootCauseHidden(*read.value()))
        return read;
    return withRootCauseHidden(read.value(), shown);
}

// The data as recorded, which reads and refreshes start from.
std::shared_ptr<const ReplayData> recorded(const std::shared_ptr<const ReplayData> &data)
{
    return data->unhidden ? data->unhidden : data;
}

constexpr int kFrameMs = 16;                    // ~60 frames a second at most
constexpr qint64 kAnimateWithinMs = 15 * 60000; // a step of the clock, not a jump
constexpr int kLivePollMs = 250;                // a live recording is read again this often
const double kSpeeds[] = {1, 10, 60, 300, 1000, 3600};

} // namespace

RecordingWindow::RecordingWindow(QWidget *parent)
    : QMainWindow(parent)
{
    m_layoutWrites.setMaxThreadCount(1);
    build();
    m_frameTimer.setInterval(kFrameMs);
    connect(&m_frameTimer, &QTimer::timeout, this, &RecordingWindow::frame);
}

RecordingWindow::~RecordingWindow() = default;

void RecordingWindow::build()
{
    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(8, 6, 8, 6);
    m_title = new QLabel(tr("No recording"));
    QFont big = m_title->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_title->setFont(big);
    m_status = new QLabel;
    m_status->setTextFormat(Qt::RichText);
    m_status->setWordWrap(true);
    m_status->setMinimumWidth(200);
    layout->addWidget(m_title);
    layout->addWidget(m_status);
    m_simulating = new QProgressBar;
    m_simulating->setRange(0, 1000);
    m_simulating->setFormat(tr("simulating… %p%"));
    m_simulating->hide();
    layout->addWidget(m_simulating);

    // The clock.
    auto *clock = new QHBoxLayout;
    auto *previous = new QToolButton;
    previous->setText(tr("◀ event"));
    previous->setToolTip(tr("Previous event of those the log shows (Ctrl+Left)"));
    m_play = new QToolButton;
    m_play->setText(tr("Play"));
    m_play->setToolTip(tr("Play or pause (Space)"));
    auto *next = new QToolButton;
    next->setText(tr("event ▶"));
    next->setToolTip(
        tr("Next event of those the log shows: set a kind to step by kind (Ctrl+Right)"));
    m_speedBox = new QComboBox;
    for (double s : kSpeeds)
        m_speedBox->addItem(QString::number(s) + u'×', s);
    m_speedBox->setCurrentIndex(2);
    m_slider = new QSlider(Qt::Horizontal);
    m_slider->setRange(0, 10000);
    m_clock = new QLabel;
    m_clock->setMinimumWidth(170);
    QFont mono = m_clock->font();
    mono.setFamily(QStringLiteral("monospace"));
    m_clock->setFont(mono);
    clock->addWidget(previous);
    clock->addWidget(m_play);
    clock->addWidget(next);
    clock->addWidget(m_speedBox);
    clock->addWidget(m_slider, 1);
    clock->addWidget(m_clock);
    // A live recording: follow its end, or scrub back and return with one click (or L).
    m_liveButton = new QToolButton;
    m_liveButton->setText(tr("● LIVE"));
    m_liveButton->setCheckable(true);
    m_liveButton->setToolTip(tr("Follow the live end of the recording (L)"));
    m_liveButton->setVisible(false);
    clock->addWidget(m_liveButton);
    connect(m_liveButton, &QToolButton::clicked, this, [this] { setFollowing(true); });
    m_liveTimer.setInterval(kLivePollMs);
    connect(&m_liveTimer, &QTimer::timeout, this, &RecordingWindow::pollLive);
    m_goTo = new QLineEdit;
    m_goTo->setPlaceholderText(tr("go to: UTC time or +3w8h"));
    m_goTo->setToolTip(tr("Jump to a time: ISO 8601 (UTC) or an offset from the start (Ctrl+G)"));
    m_goTo->setMaximumWidth(230);
    clock->addWidget(m_goTo);
    layout->addLayout(clock);
    m_overview = new OverviewStrip;
    layout->addWidget(m_overview);

    // Map on the left, charts on the right, the log below.
    auto *vertical = new QSplitter(Qt::Vertical);
    auto *horizontal = new QSplitter(Qt::Horizontal);
    m_map = new MapView;
    m_chartBox = new QWidget;
    new QVBoxLayout(m_chartBox);
    m_chartBox->layout()->setContentsMargins(0, 0, 0, 0);
    m_chartBox->layout()->setSpacing(2);
    auto *chartScroll = new QScrollArea;
    chartScroll->setWidget(m_chartBox);
    chartScroll->setWidgetResizable(true);
    chartScroll->setFrameShape(QFrame::NoFrame);
    // The charts and the post-mortem share the right side.
    m_right = new QTabWidget;
    m_right->addTab(chartScroll, tr("Charts"));
    m_postMortem = new PostMortemEditor;
    m_right->addTab(m_postMortem, tr("Post-mortem"));
    horizontal->addWidget(m_map);
    horizontal->addWidget(m_right);
    m_right->setMinimumWidth(440);
    horizontal->setStretchFactor(0, 3);
    horizontal->setStretchFactor(1, 2);
    horizontal->setSizes({840, 560});

    auto *logBox = new QWidget;
    auto *logLayout = new QVBoxLayout(logBox);
    logLayout->setContentsMargins(0, 0, 0, 0);
    auto *filters = new QHBoxLayout;
    m_search = new QLineEdit;
    m_search->setPlaceholderText(tr("Search the events (node, rule, text)…"));
    m_search->setClearButtonEnabled(true);
    m_kinds = new QComboBox;
    m_kinds->addItem(tr("All kinds"), QString());
    for (const QString &kind : eventKindNames())
        m_kinds->addItem(kind, kind);
    filters->addWidget(m_search, 1);
    filters->addWidget(m_kinds);
    m_sites = new QComboBox;
    m_sites->setObjectName(QStringLiteral("siteFilter"));
    m_sites->addItem(tr("All sites"), QString());
    filters->addWidget(m_sites);
    m_nodeFilter = new QLabel;
    filters->addWidget(m_nodeFilter);
    logLayout->addLayout(filters);
    m_log = new EventLogModel(this);
    m_filter = new EventLogFilter(this);
    m_filter->setSourceModel(m_log);
    m_logView = new QTableView;
    m_logView->setModel(m_filter);
    m_logView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_logView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_logView->verticalHeader()->hide();
    m_logView->verticalHeader()->setDefaultSectionSize(22);
    m_logView->horizontalHeader()->setStretchLastSection(true);
    m_logView->setWordWrap(false);
    m_logView->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_logView->horizontalHeader()->setSectionResizeMode(EventLogModel::Summary,
                                                        QHeaderView::Stretch);
    logLayout->addWidget(m_logView);

    vertical->addWidget(horizontal);
    vertical->addWidget(logBox);
    vertical->setStretchFactor(0, 3);
    vertical->setStretchFactor(1, 1);
    vertical->setSizes({620, 200});
    layout->addWidget(vertical, 1);
    setCentralWidget(central);

    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a recording or a scenario"), {},
            tr("Recordings and scenarios (*.warroom *.yaml *.yml *.json)"));
        if (!path.isEmpty())
            openFile(path);
    });
    m_recent = file->addMenu(tr("Open &recent"));
    connect(m_recent, &QMenu::aboutToShow, this, [this] {
        m_recent->clear();
        for (const QString &path : settings::recentFiles())
            m_recent->addAction(path, this, [this, path] { openFile(path); });
        if (m_recent->isEmpty())
            m_recent->addAction(tr("(none yet)"))->setEnabled(false);
    });
    file->addSeparator();
    file->addAction(tr("Export the map as &PNG…"), this,
                    [this] { exportMap(QStringLiteral("png")); });
    file->addAction(tr("Export the map as &SVG…"), this,
                    [this] { exportMap(QStringLiteral("svg")); });
    file->addAction(tr("&Listen for a live feed…"), this, [this] {
        bool ok = false;
        const int port = QInputDialog::getInt(this, tr("Listen for a live feed"),
                                              tr("Port on 127.0.0.1 (docs/feed-protocol.md):"),
                                              7070, 1, 65535, 1, &ok);
        if (ok)
            listen(quint16(port));
    });
    file->addAction(tr("&Watch a Prometheus…"), this, [this] {
        const QString mapping =
            QFileDialog::getOpenFileName(this, tr("Watch a Prometheus: its mapping file"), {},
                                         tr("Prometheus mapping (*.yaml *.yml)"));
        if (!mapping.isEmpty())
            watchPrometheus(mapping);
    });
    file->addAction(tr("Run a &drill…"), this, [this] {
        const QString scenario =
            QFileDialog::getOpenFileName(this, tr("Run a drill: the scenario the simulator plays"),
                                         {}, tr("Scenarios (*.yaml *.yml *.json)"));
        if (scenario.isEmpty())
            return;
        bool ok = false;
        DrillOptions options;
        options.speed = QInputDialog::getDouble(this, tr("Run a drill"),
                                                tr("Simulated time per real time (1 = real time):"),
                                                1.0, 0.1, 10000.0, 1, &ok);
        options.instructor = qEnvironmentVariable("USER", QStringLiteral("instructor"));
        if (ok)
            runDrill(scenario, options);
    });
    file->addAction(tr("&Export the post-mortem…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                    &RecordingWindow::exportPostMortem);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
    const QByteArray geometry =
        QSettings().value(QLatin1StringView(settings::kRecordingGeometry)).toByteArray();
    if (!geometry.isEmpty())
        restoreGeometry(geometry);

    connect(m_play, &QToolButton::clicked, this, [this] { setPlaying(!m_playing); });
    connect(previous, &QToolButton::clicked, this, [this] { stepToEvent(-1); });
    connect(next, &QToolButton::clicked, this, [this] { stepToEvent(+1); });
    connect(m_speedBox, &QComboBox::currentIndexChanged, this, [this](int i) {
        m_speed = m_speedBox->itemData(i).toDouble();
        QSettings().setValue(QLatin1StringView(settings::kRecordingSpeed), m_speed);
    });
    setSpeed(QSettings().value(QLatin1StringView(settings::kRecordingSpeed), 60.0).toDouble());
    connect(m_slider, &QSlider::sliderMoved, this, [this](int value) {
        if (m_data)
            seek(m_data->startMs +
                 qint64(double(m_data->endMs - m_data->startMs) * value / 10000.0));
    });
    connect(m_goTo, &QLineEdit::returnPressed, this, [this] {
        if (!m_data)
            return;
        if (!seekTo(m_goTo->text()))
            m_goTo->setStyleSheet(QStringLiteral("color: #D55E00"));
    });
    connect(m_goTo, &QLineEdit::textEdited, this, [this] { m_goTo->setStyleSheet({}); });
    // A new filter shows other rows: select the cursor's row again on the next frame.
    connect(m_filter, &QAbstractItemModel::modelReset, this, [this] { m_selectedRow = -1; });
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, [this] { m_selectedRow = -1; });
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, [this] { m_selectedRow = -1; });
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, [this] { m_selectedRow = -1; });
    connect(m_map, &MapView::nodeSelected, this, &RecordingWindow::showNode);
    connect(m_map, &MapView::nodeMoved, this, &RecordingWindow::saveLayout);
    connect(m_overview, &OverviewStrip::seekRequested, this, &RecordingWindow::seek);
    connect(m_overview, &OverviewStrip::rangeSelected, this, &RecordingWindow::setVisibleRange);
    connect(m_overview, &OverviewStrip::resetRequested, this, [this] {
        if (m_data)
            setVisibleRange(m_data->startMs, m_data->endMs);
    });
    connect(m_search, &QLineEdit::textChanged, m_filter, &EventLogFilter::setText);
    connect(m_sites, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_filter->setSite(m_sites->itemData(i).toString()); });
    connect(m_kinds, &QComboBox::currentIndexChanged, this, [this](int i) {
        const QString kind = m_kinds->itemData(i).toString();
        m_filter->setKinds(kind.isEmpty() ? QSet<QString>{} : QSet<QString>{kind});
    });
    connect(m_logView, &QTableView::clicked, this, [this](const QModelIndex &index) {
        seek(index.data(EventLogModel::TimeRole).toLongLong());
    });
    // A log row into the post-mortem's timeline (a double click, or the context menu).
    m_logView->setContextMenuPolicy(Qt::CustomContextMenu);
    auto addLogRow = [this](const QModelIndex &index) {
        const int row = m_filter->mapToSource(index).row();
        if (!index.isValid() || row < 0 || row >= m_data->events.size())
            return;
        m_right->setCurrentWidget(m_postMortem);
        m_postMortem->selectEntry(m_postMortem->addEvent(m_data->events[row]));
    };
    connect(m_logView, &QTableView::doubleClicked, this, addLogRow);
    connect(m_logView, &QWidget::customContextMenuRequested, this,
            [this, addLogRow](const QPoint &at) {
                const QModelIndex index = m_logView->indexAt(at);
                if (!index.isValid())
                    return;
                QMenu menu;
                menu.addAction(tr("Add to the post-mortem's timeline"), this,
                               [index, addLogRow] { addLogRow(index); });
                menu.exec(m_logView->viewport()->mapToGlobal(at));
            });
    connect(m_postMortem, &PostMortemEditor::seekRequested, this, &RecordingWindow::seek);
    connect(m_map, &MapView::timelineEntryRequested, this, [this](const QString &text) {
        showPostMortem();
        m_postMortem->selectEntry(m_postMortem->addNote(m_time, text));
    });
    connect(m_postMortem, &PostMortemEditor::snapshotRequested, this,
            &RecordingWindow::snapshotMapFor);
    connect(m_postMortem, &PostMortemEditor::exportRequested, this,
            &RecordingWindow::exportPostMortem);
    auto shortcut = [this](const QKeySequence &keys, auto &&slot) {
        connect(new QShortcut(keys, this), &QShortcut::activated, this, slot);
    };
    shortcut(QKeySequence(Qt::Key_Space), [this] { setPlaying(!m_playing); });
    shortcut(QKeySequence(Qt::Key_L), [this] {
        if (m_data && m_data->live)
            setFollowing(true);
    });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_Right), [this] { stepToEvent(+1); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_Left), [this] { stepToEvent(-1); });
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_G), [this] {
        m_goTo->setFocus();
        m_goTo->selectAll();
    });
    shortcut(QKeySequence(Qt::Key_Home), [this] {
        if (m_data)
            seek(m_data->startMs);
    });
    shortcut(QKeySequence(Qt::Key_End), [this] {
        if (m_data)
            seek(m_data->endMs);
    });
}

void RecordingWindow::exportMap(const QString &format)
{
    const QString suggested =
        (m_data ? QFileInfo(m_data->path).completeBaseName() : QStringLiteral("map")) + u'-' +
        QDateTime::fromMSecsSinceEpoch(m_time, Qt::UTC)
            .toString(QStringLiteral("yyyyMMdd-HHmmss")) +
        u'.' + format;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the map"), suggested,
                                                      format.toUpper() + u" (*." + format + u')');
    if (!path.isEmpty() && !m_map->exportTo(path))
        m_status->setText(tr("Cannot write %1").arg(path.toHtmlEscaped()));
}

void RecordingWindow::snapshotMapFor(const QString &entryId, qint64 timeMs)
{
    // The map as it was at the entry's moment: draw that moment, grab it, attach it.
    seek(timeMs);
    render();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    m_map->grab().save(&buffer, "PNG");
    m_postMortem->attachSnapshot(entryId, png, tr("The map at %1 UTC").arg(formatUtc(timeMs)));
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

void RecordingWindow::setTraineeView(bool trainee)
{
    m_trainee = trainee;
}

void RecordingWindow::startListener(const QString &prefix, const IngestOptions &options,
                                    const LiveSources &sources)
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                        QStringLiteral("/recordings");
    QDir().mkpath(dir);
    const QString path =
        dir + u'/' + prefix + u'-' +
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss")) + u".warroom";
    if (!m_listener) {
        m_listener = new LiveListener(this);
        connect(m_listener, &LiveListener::started, this, [this](const QString &at, quint16 bound) {
            m_listeningPort = bound;
            openFile(at);
        });
        connect(m_listener, &LiveListener::failed, this,
                [this](const QString &message) { fail({}, message); });
    }
    m_listener->start(path, options, sources);
}

void RecordingWindow::showPostMortem()
{
    m_right->setCurrentWidget(m_postMortem);
}

void RecordingWindow::exportPostMortem()
{
    if (!m_data || !m_postMortem->document()->isOpen())
        return;
    const PostMortem pm = m_postMortem->document()->postMortem();
    QString filter;
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the post-mortem"),
        QFileInfo(m_data->path).completeBaseName() + u'-' + pm.id + u".pdf",
        tr("PDF (*.pdf);;HTML, one file (*.html);;Markdown (*.md);;JSON (*.json)"), &filter);
    if (path.isEmpty())
        return;
    ReportFormat format = ReportFormat::Pdf;
    if (!reportFormatFromString(path.section(u'.', -1), &format)) {
        m_status->setText(tr("Choose a name ending in .pdf, .html, .md or .json"));
        return;
    }
    m_status->setText(tr("Writing %1…").arg(path.toHtmlEscaped()));
    auto *watcher = new QFutureWatcher<Result<bool>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        const Result<bool> done = watcher->result();
        m_status->setText(done ? tr("Wrote %1").arg(path.toHtmlEscaped())
                               : done.errors().first().toString().toHtmlEscaped());
    });
    watcher->setFuture(
        QtConcurrent::run([pm, format, path] { return writeReport(pm, format, path); }));
}

void RecordingWindow::closeEvent(QCloseEvent *event)
{
    m_postMortem->document()->saveNow(); // what was typed is in the file before the window goes
    waitForLayoutSaved(); // what was placed by hand is in the file before the window goes
    QSettings().setValue(QLatin1StringView(settings::kRecordingGeometry), saveGeometry());
    QMainWindow::closeEvent(event);
}

int RecordingWindow::simulationProgress() const
{
    return m_simulated ? m_simulated->load() : 0;
}

void RecordingWindow::simulateThenOpen(const QString &scenarioPath)
{
    const quint64 generation = ++m_generation;
    const QString folder =
        QStandardPaths::writableLocation(QStandardPaths::CacheLocation) + u"/recordings";
    QDir().mkpath(folder);
    const QString out = folder + u'/' + QFileInfo(scenarioPath).completeBaseName() + u".warroom";
    m_title->setText(tr("Simulating %1…").arg(QFileInfo(scenarioPath).fileName()));
    m_simulated = std::make_shared<std::atomic<int>>(0);
    m_simulating->setValue(0);
    m_simulating->show();
    // The worker only bumps a counter; a UI timer shows it.
    auto *poll = new QTimer(this);
    connect(poll, &QTimer::timeout, this,
            [this, progress = m_simulated] { m_simulating->setValue(progress->load()); });
    poll->start(100);
    auto *watcher = new QFutureWatcher<Result<SimulationStats>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, poll, generation, out] {
        watcher->deleteLater();
        poll->deleteLater();
        m_simulating->hide();
        if (generation != m_generation)
            return;
        const auto result = watcher->result();
        if (!result) {
            fail(tr("Cannot simulate the scenario"), result.errors().first().toString());
            return;
        }
        openFile(out);
    });
    watcher->setFuture(QtConcurrent::run([scenarioPath, out, progress = m_simulated] {
        const Result<Scenario> scenario = loadScenarioFile(scenarioPath);
        if (!scenario)
            return Result<SimulationStats>(scenario.errors());
        SimulationOptions options;
        options.progress = [progress](qint64 done, qint64 total) {
            progress->store(int(1000 * done / std::max<qint64>(1, total)));
        };
        return recordSimulation(scenario.value(), options, out);
    }));
}

void RecordingWindow::openFile(const QString &path)
{
    if (QFileInfo::exists(path) && !Recording::looksLikeRecording(path)) {
        simulateThenOpen(path);
        return;
    }
    settings::addRecentFile(path);
    const quint64 generation = ++m_generation;
    setWindowTitle(QFileInfo(path).fileName() + u" — Warroom");
    m_title->setText(tr("Opening %1…").arg(QFileInfo(path).fileName()));
    auto *watcher = new QFutureWatcher<Result<std::shared_ptr<const ReplayData>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // a newer file was asked for meanwhile
        const auto result = watcher->result();
        if (!result) {
            fail(tr("Cannot open the recording"), result.errors().first().toString());
            return;
        }
        apply(result.value());
        if (!m_data->complete)
            readAllEvents(generation);
    });
    watcher->setFuture(QtConcurrent::run(
        [path, trainee = m_trainee] { return asShown(loadReplayData(path), trainee); }));
}

void RecordingWindow::readAllEvents(quint64 generation)
{
    m_clock->setToolTip(tr("Reading all %L1 events…").arg(m_data->eventCount));
    auto *watcher = new QFutureWatcher<Result<std::shared_ptr<const ReplayData>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return;
        const auto result = watcher->result();
        if (!result) {
            fail({}, result.errors().first().toString());
            return;
        }
        m_data = result.value();
        m_clock->setToolTip({});
        adoptEvents();
        if (m_pendingSeek) // asked for while the events were being read
            m_time = std::clamp(*std::exchange(m_pendingSeek, std::nullopt), m_data->startMs,
                                m_data->endMs);
        render();
        Q_EMIT loaded(m_data->path);
    });
    watcher->setFuture(QtConcurrent::run([shown = m_data, trainee = m_trainee] {
        return asShown(withAllEvents(recorded(shown)), trainee, shown);
    }));
}

void RecordingWindow::adoptEvents(qsizetype appendedFrom)
{
    m_cursor = std::make_unique<ReplayCursor>(m_data);
    m_mapGeneration = 0;
    m_selectedRow = -1;
    if (appendedFrom >= 0)
        m_log->appendEvents(m_data->events.mid(appendedFrom));
    else
        m_log->setEvents(m_data->events);
    m_postMortem->setEvents(m_data->events);
    m_lives = NodeLives(m_data->lifeEvents);
    m_outages.clear();
    for (const Outage &o : m_data->summary.outages)
        m_outages.append({o.startMs, o.endMs});
    QList<qint64> eventTimes;
    eventTimes.reserve(m_data->events.size());
    for (const Event &e : m_data->events)
        eventTimes.append(e.timeMs);
    m_overview->setData(m_data->startMs, m_data->endMs, eventTimes, m_outages);
    for (int i = 0; i < m_chartData.size(); ++i)
        m_chartMarkers[i] = markersFor(m_chartData[i]);
    showCharts(m_chartData);
}

void RecordingWindow::apply(std::shared_ptr<const ReplayData> data)
{
    m_data = std::move(data);
    m_pendingSeek.reset();
    m_mapMarks.clear();
    m_title->setText(m_data->title.isEmpty() ? m_data->name : m_data->title);
    m_postMortem->setRecording(m_data->path, m_data->events, m_data->summary, m_data->postMortems);
    m_map->setManualLayout(m_data->layout);
    fillSiteFilter();
    qDeleteAll(m_charts);
    m_charts.clear();
    m_chartData.clear();
    m_chartMarkers.clear();
    m_nodeCharts = 0;
    m_map->selectNode({});
    for (const ChartData &c : m_data->charts) {
        if (!c.lines.isEmpty())
            addChart(c, int(m_charts.size()), {}); // markers: adoptEvents, once for all
    }
    m_visibleFrom = m_data->startMs;
    m_visibleTo = m_data->endMs;
    adoptEvents();
    m_time = m_data->startMs;
    m_renderedTime = -1;
    render();
    m_frameTimer.start();
    m_sinceFrame.start();
    m_liveButton->setVisible(m_data->live);
    m_lagMs = -1;
    if (m_data->live) {
        m_liveTimer.start();
        setFollowing(true);
    } else {
        m_liveTimer.stop();
        m_following = false;
    }
    if (m_drillPanel)
        m_drillPanel->update(*m_data);
    Q_EMIT firstFrame();
    if (m_data->complete)
        Q_EMIT loaded(m_data->path);
}

QList<ChartMarker> RecordingWindow::markersFor(const ChartData &c) const
{
    // Kinds as enum values: this walks every event (a million in a big recording).
    std::vector<char> wanted(eventKindNames().size());
    for (const QString &name : c.markerKinds) {
        if (EventKind kind; eventKindFromString(name, &kind))
            wanted[size_t(kind)] = 1;
    }
    QList<ChartMarker> markers;
    for (const Event &e : m_data->events) {
        if (wanted[size_t(e.kind)] && (c.markerSubject.isEmpty() || e.subject == c.markerSubject) &&
            (c.markerNode.isEmpty() || e.node == c.markerNode))
            markers.append({e.timeMs, formatUtc(e.timeMs).mid(11) + u"  " + e.text});
    }
    return markers;
}

void RecordingWindow::addChart(const ChartData &c, int position, const QList<ChartMarker> &markers)
{
    auto *chart = new MetricChart;
    connect(chart, &MetricChart::zoomRequested, this, &RecordingWindow::zoom);
    connect(chart, &MetricChart::seekRequested, this, &RecordingWindow::seek);
    connect(chart, &MetricChart::timelineEntryRequested, this,
            [this](qint64 timeMs, const QString &text) {
                showPostMortem();
                m_postMortem->selectEntry(m_postMortem->addNote(timeMs, text));
            });
    connect(chart, &MetricChart::resetRequested, this,
            [this] { setVisibleRange(m_data->startMs, m_data->endMs); });
    static_cast<QVBoxLayout *>(m_chartBox->layout())->insertWidget(position, chart);
    m_charts.insert(position, chart);
    m_chartData.insert(position, c);
    m_chartMarkers.insert(position, markers);
}

void RecordingWindow::selectNode(const QString &node)
{
    m_map->selectNode(node);
    showNode(node);
}

void RecordingWindow::saveLayout(const QString &node, double x, double y)
{
    if (!m_data)
        return;
    // Saved in the recording itself, on a pool of one thread (one at a time, in order).
    m_layoutWrites.start([path = m_data->path, node, x, y] {
        if (auto writer = RecordingWriter::openForAppend(path)) {
            writer.value()->setLayout(node, x, y);
            writer.value()->close(); // a read-only file keeps the layout for this session only
        }
    });
}

void RecordingWindow::showNode(const QString &node)
{
    // The selected node's charts go first; the previous selection's go away.
    for (int i = 0; i < m_nodeCharts; ++i) {
        delete m_charts.takeFirst();
        m_chartData.removeFirst();
        m_chartMarkers.removeFirst();
    }
    m_nodeCharts = 0;
    if (!node.isEmpty()) {
        const QList<ChartData> charts = nodeCharts(node);
        for (int i = 0; i < charts.size(); ++i)
            addChart(charts[i], i, markersFor(charts[i]));
        m_nodeCharts = int(charts.size());
    }
    // The log shows the selected node's events only (until it is unselected).
    m_filter->setNode(node);
    m_nodeFilter->setText(node.isEmpty() ? QString() : tr("node: %1").arg(node));
    setVisibleRange(m_visibleFrom, m_visibleTo); // reads the new charts' lines
}

void RecordingWindow::showCharts(const QList<ChartData> &charts)
{
    for (int i = 0; i < m_charts.size() && i < charts.size(); ++i) {
        m_charts[i]->setData(charts[i], m_visibleFrom, m_visibleTo, m_outages, m_chartMarkers[i]);
        m_charts[i]->setCursorTime(m_time);
    }
    m_overview->setVisibleRange(m_visibleFrom, m_visibleTo);
    Q_EMIT chartsShown();
}

void RecordingWindow::setVisibleRange(qint64 fromMs, qint64 toMs)
{
    if (!m_data)
        return;
    const TimeScale whole{m_data->startMs, m_data->endMs, 1000.0,
                          m_data->startMs, m_data->endMs, 60000};
    TimeScale wanted = whole;
    wanted.fromMs = std::min(fromMs, toMs);
    wanted.toMs = std::max({fromMs, toMs, wanted.fromMs + 60000});
    wanted = wanted.panned(0.0); // within the recording
    m_visibleFrom = wanted.fromMs;
    m_visibleTo = wanted.toMs;
    m_overview->setVisibleRange(m_visibleFrom, m_visibleTo);
    // The newest zoom wins: a slower, older answer is dropped.
    const quint64 generation = ++m_chartGeneration;
    auto *watcher = new QFutureWatcher<Result<QList<ChartData>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_chartGeneration || !watcher->result())
            return;
        showCharts(watcher->result().value());
    });
    watcher->setFuture(
        QtConcurrent::run([path = m_data->path, charts = m_chartData, from = m_visibleFrom,
                           to = m_visibleTo] { return loadChartWindows(path, charts, from, to); }));
}

void RecordingWindow::zoom(double factor, qint64 atMs)
{
    if (!m_data)
        return;
    const TimeScale now{m_visibleFrom, m_visibleTo, 1000.0, m_data->startMs, m_data->endMs, 60000};
    const TimeScale next = now.zoomed(factor, now.xForTime(atMs));
    setVisibleRange(next.fromMs, next.toMs);
}

void RecordingWindow::seek(qint64 timeMs)
{
    if (!m_data)
        return;
    if (m_following && timeMs < m_data->endMs)
        setFollowing(false); // scrubbed back: L (or the LIVE button) returns
    m_time = std::clamp(timeMs, m_data->startMs, lastShowable());
    if (m_time != timeMs && !m_data->complete)
        m_pendingSeek = timeMs; // shown once every event is read
    if (!m_frameTimer.isActive())
        render(); // no frame timer yet (not shown): draw now
}

qint64 RecordingWindow::lastShowable() const
{
    // Until every event is read, the clock stays where the events read so far are complete.
    return m_data->complete ? m_data->endMs : std::max(m_data->startMs, m_data->eventsUntilMs - 1);
}

bool RecordingWindow::seekTo(const QString &text)
{
    if (!m_data)
        return false;
    const std::optional<qint64> at = parseTime(text, m_data->startMs);
    if (at)
        seek(*at);
    return at.has_value();
}

void RecordingWindow::setPlaying(bool playing)
{
    m_playing = playing && m_data;
    m_play->setText(m_playing ? tr("Pause") : tr("Play"));
    m_sinceFrame.restart();
}

void RecordingWindow::setSpeed(double speed)
{
    for (int i = 0; i < m_speedBox->count(); ++i) {
        if (m_speedBox->itemData(i).toDouble() >= speed) {
            m_speedBox->setCurrentIndex(i);
            return;
        }
    }
}

void RecordingWindow::fail(const QString &title, const QString &message)
{
    if (!title.isEmpty())
        m_title->setText(title);
    m_status->setText(message.toHtmlEscaped());
    Q_EMIT loadFailed(message);
}

void RecordingWindow::fillSiteFilter()
{
    m_sites->clear();
    m_sites->addItem(tr("All sites"), QString());
    for (const Site &site : m_data->first.sites)
        m_sites->addItem(site.id, site.id);
}

void RecordingWindow::setFollowing(bool following)
{
    m_following = following && m_data && m_data->live;
    m_liveButton->setChecked(m_following);
    if (m_following) {
        setPlaying(false);
        m_time = m_data->endMs;
        if (!m_frameTimer.isActive())
            render();
    }
}

void RecordingWindow::pollLive()
{
    if (m_liveRefresh || !m_data || !m_data->complete)
        return; // a big recording's events are still being read: grow from all of them
    m_liveRefresh = true;
    const quint64 generation = m_generation;
    auto *watcher = new QFutureWatcher<Result<std::shared_ptr<const ReplayData>>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        m_liveRefresh = false;
        if (generation != m_generation || !watcher->result())
            return;
        adoptLive(watcher->result().value());
    });
    watcher->setFuture(QtConcurrent::run([shown = m_data, trainee = m_trainee] {
        return asShown(refreshReplayData(recorded(shown)), trainee, shown);
    }));
}

void RecordingWindow::adoptLive(std::shared_ptr<const ReplayData> data)
{
    if (data == m_data)
        return; // a quiet poll: the same data came back
    const qsizetype before = m_data->events.size();
    // A trainee's view that shows the rule names from now on (revealed) is read anew.
    const bool sameHiding = (data->unhidden == nullptr) == (m_data->unhidden == nullptr);
    const bool appended =
        sameHiding && data->events.size() >= before &&
        (before == 0 || data->events[before - 1].id == m_data->events[before - 1].id);
    const bool grew = !sameHiding || data->events.size() != before ||
                      data->versions.size() != m_data->versions.size() ||
                      data->endMs != m_data->endMs;
    const bool wasLive = m_data->live;
    const bool hadTopology = !m_data->versions.isEmpty();
    m_data = std::move(data);
    if (m_drillPanel) // a trainee's diagnosis may be all that came
        m_drillPanel->update(*m_data);
    if (!hadTopology && !m_data->versions.isEmpty())
        fillSiteFilter(); // a live source sent its first topology
    if (!grew && m_data->live == wasLive)
        return;
    // The recording's own charts, read again over the whole range (a node's stay as they are);
    // a chart whose first series came since is added.
    for (const ChartData &c : m_data->charts) {
        bool shown = false;
        for (int i = m_nodeCharts; i < m_chartData.size(); ++i) {
            if (c.title == m_chartData[i].title) {
                m_chartData[i] = c;
                shown = true;
            }
        }
        if (!shown && !c.lines.isEmpty())
            addChart(c, int(m_charts.size()), markersFor(c));
    }
    if (m_following || m_visibleTo >= m_data->endMs - 1000) {
        m_visibleFrom = m_data->startMs;
        m_visibleTo = m_data->endMs;
    }
    adoptEvents(appended ? before : -1);
    if (!m_data->events.isEmpty() && m_data->events.size() > before) {
        // How long the newest event took from the socket to the screen.
        const qint64 received =
            qint64(m_data->events.last().details.value(QStringLiteral("received_ms")).toDouble());
        m_lagMs = received > 0 ? QDateTime::currentMSecsSinceEpoch() - received : -1;
    }
    if (!m_data->live) {
        m_liveTimer.stop();
        m_following = false;
        m_liveButton->setVisible(false);
    }
    if (m_following)
        m_time = m_data->endMs;
    m_renderedTime = -1;
    render();
    Q_EMIT liveUpdated();
}

void RecordingWindow::frame()
{
    const qint64 elapsed = m_sinceFrame.restart();
    if (m_playing && m_data) {
        m_time = std::min(lastShowable(), m_time + qint64(double(elapsed) * m_speed));
        if (m_time >= m_data->endMs)
            setPlaying(false);
    }
    if (m_time != m_renderedTime)
        render();
}

void RecordingWindow::stepToEvent(int direction)
{
    // The events the log shows: with a kind (or node, site, text) filter set, the next event
    // of that kind.
    if (!m_data)
        return;
    const int rows = m_filter->rowCount();
    auto timeAt = [&](int row) {
        return m_filter->index(row, 0).data(EventLogModel::TimeRole).toLongLong();
    };
    if (direction > 0) {
        for (int row = 0; row < rows; ++row) {
            if (timeAt(row) > m_time) {
                seek(timeAt(row));
                return;
            }
        }
    } else {
        for (int row = rows - 1; row >= 0; --row) {
            if (timeAt(row) < m_time) {
                seek(timeAt(row));
                return;
            }
        }
    }
}

QString RecordingWindow::statusText() const
{
    if (!m_data)
        return {};
    QString state = QStringLiteral("ok");
    for (const Outage &o : m_data->summary.outages) {
        // An outage that lasts to the recording's end (a live one still going on) holds there.
        const bool ongoing = o.endMs >= m_data->endMs;
        if (m_time >= o.startMs && (m_time < o.endMs || ongoing))
            state = QStringLiteral("OUTAGE since ") + formatUtc(o.startMs).mid(11) + u" — " +
                    o.causes.value(0).toHtmlEscaped();
    }
    const RecordingSummary &s = m_data->summary;
    QString live;
    if (m_data->live) {
        live = m_following ? QStringLiteral("<span style='color:#D55E00'><b>● LIVE</b></span>")
                           : QStringLiteral("<b>live, scrubbed back</b> (L returns)");
        if (m_following && m_lagMs >= 0)
            live += u" (lag " + QString::number(m_lagMs / 1000.0, 'f', 1) + u" s)";
        if (m_listeningPort)
            live += u", listening on 127.0.0.1:" + QString::number(m_listeningPort);
        if (m_data->unhidden)
            live += QStringLiteral(", <b>drill</b>: rule names hidden until the instructor "
                                   "reveals them");
        live += QStringLiteral(" &nbsp;·&nbsp; ");
    }
    return live + u"<b>" + formatUtc(m_time) + u" UTC</b> &nbsp; service: " +
           (state == u"ok" ? QStringLiteral("<span style='color:#009E73'>ok</span>")
                           : u"<span style='color:#D55E00'><b>" + state + u"</b></span>") +
           u" &nbsp;·&nbsp; " + QString::number(s.outages.size()) + u" outages in the recording (" +
           formatDuration(s.outageMs()) + u"), " + QString::number(s.eventCount) + u" events";
}

void RecordingWindow::render()
{
    if (!m_data)
        return;
    m_renderedTime = m_time;
    m_cursor->seek(m_time);
    NodeMarks marks = m_lives.at(m_time);
    // The map is rebuilt only when what it shows changed, not on every frame of a replay.
    if (const ReachabilityEngine *engine = m_cursor->engine();
        engine && (m_cursor->stateGeneration() != m_mapGeneration || marks != m_mapMarks)) {
        // Launches and terminations animate when the clock runs into them, not after a jump.
        const bool animate = std::abs(m_time - m_mapTime) <= kAnimateWithinMs;
        m_map->setState(*engine, marks, animate);
        m_mapGeneration = m_cursor->stateGeneration();
        m_mapTime = m_time;
        m_mapMarks = std::move(marks);
    }
    for (MetricChart *chart : m_charts)
        chart->setCursorTime(m_time);
    m_overview->setCursorTime(m_time);
    m_postMortem->setCursor(
        m_time, m_map->selectedNode().isEmpty() ? QString() : m_map->selectedNode() + u": ");
    m_status->setText(statusText());
    m_clock->setText(formatUtc(m_time));
    if (!m_slider->isSliderDown())
        m_slider->setValue(int(10000.0 * double(m_time - m_data->startMs) /
                               double(std::max<qint64>(1, m_data->endMs - m_data->startMs))));
    selectLogRow();
    Q_EMIT rendered();
}

void RecordingWindow::selectLogRow()
{
    const int row = m_log->rowAtTime(m_time);
    if (row == m_selectedRow && row >= 0)
        return; // already selected and shown
    m_selectedRow = row;
    if (row < 0) {
        m_logView->clearSelection();
        return;
    }
    const QModelIndex index = m_filter->mapFromSource(m_log->index(row, 0));
    if (!index.isValid())
        return;
    m_logView->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect |
                                                   QItemSelectionModel::Rows);
    m_logView->scrollTo(index);
}

} // namespace warroom
