// The war room's menus: every command with its shortcut shown where it is offered, and the
// keyboard's way around the panels (Escape back to the map, F6 from panel to panel).
#include "core/store/shared_address.h"
#include "recording_window.h"
#include "shared_incident_dialog.h"

#include "live_listener.h"
#include "map/map_view.h"
#include "postmortem/postmortem_document.h"
#include "postmortem/postmortem_editor.h"
#include "settings.h"
#include "warroom/chart_panel.h"
#include "warroom/clock_bar.h"
#include "warroom/event_log_panel.h"

#include "core/postmortem/report.h"
#include "core/postmortem/timeline_proposal.h"
#include "core/replay/replay_session.h"
#include "core/store/recording.h"

#include <QActionGroup>
#include <QApplication>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QInputDialog>
#include <QMenuBar>
#include <QMessageBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QtConcurrent>

namespace warroom {

namespace {

// The keyboard into a panel: its first widget that takes focus by Tab.
void focusFirstIn(QWidget *panel)
{
    for (QWidget *w = panel->nextInFocusChain(); w && w != panel; w = w->nextInFocusChain()) {
        if (panel->isAncestorOf(w) && w->isVisible() && w->isEnabled() &&
            (w->focusPolicy() & Qt::TabFocus)) {
            w->setFocus(Qt::TabFocusReason);
            return;
        }
    }
    panel->setFocus(Qt::TabFocusReason);
}

} // namespace

void RecordingWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open…"), QKeySequence::Open, this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Open a recording or a scenario"), {},
            tr("Recordings and scenarios (*.warroom *.yaml *.yml *.json)"));
        if (!path.isEmpty())
            openFile(path);
    });
    file->addAction(tr("Open &shared incident…"), this, [this] {
        const auto &data = m_session->data();
        SharedIncidentDialog dialog(data ? data->path : QString(), this);
        if (dialog.exec() == QDialog::Accepted && !dialog.incidentAddress().isEmpty())
            openFile(dialog.incidentAddress());
    });
    QMenu *recent = file->addMenu(tr("Open &recent"));
    connect(recent, &QMenu::aboutToShow, this, [this, recent] {
        recent->clear();
        for (const QString &path : settings::recentFiles())
            recent->addAction(path, this, [this, path] { openFile(path); });
        if (recent->isEmpty())
            recent->addAction(tr("(none yet)"))->setEnabled(false);
    });
    file->addSeparator();
    file->addAction(tr("Save a &copy as…"), QKeySequence::SaveAs, this,
                    &RecordingWindow::saveCopyAs);
    file->addAction(tr("&Compare with…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(
            this, tr("Compare with another run of the incident"), {},
            tr("Recordings and scenarios (*.warroom *.yaml *.yml *.json)"));
        if (!path.isEmpty())
            compareWith(path);
    });
    file->addAction(tr("Stop &comparing"), this, [this] { compareWith({}); });
    file->addSeparator();
    file->addAction(tr("Export the map as &PNG…"), this,
                    [this] { exportMap(QStringLiteral("png")); });
    file->addAction(tr("Export the map as &SVG…"), this,
                    [this] { exportMap(QStringLiteral("svg")); });
    file->addSeparator();
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
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Charts"), QKeySequence(Qt::CTRL | Qt::Key_1), this,
                    [this] { m_right->setCurrentWidget(m_charts); });
    view->addAction(tr("&Post-mortem"), QKeySequence(Qt::CTRL | Qt::Key_2), this,
                    &RecordingWindow::showPostMortem);
    view->addSeparator();
    view->addAction(tr("Charts: &back to the cursor"), QKeySequence(Qt::CTRL | Qt::Key_Period),
                    m_charts, &ChartPanel::followCursor);
    view->addAction(tr("Charts: &whole recording"), QKeySequence(Qt::CTRL | Qt::Key_0), m_charts,
                    &ChartPanel::resetZoom);
    view->addAction(tr("Charts: zoom &in"), QKeySequence(Qt::CTRL | Qt::Key_Plus), this,
                    [this] { m_charts->zoom(2.0, m_session->time()); });
    view->addAction(tr("Charts: zoom &out"), QKeySequence(Qt::CTRL | Qt::Key_Minus), this,
                    [this] { m_charts->zoom(0.5, m_session->time()); });
    view->addAction(tr("Map: &fit"), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F), m_map,
                    &MapView::fit);
    // Levels of detail: a chip per role in a site, or per node (Enter or a double click on a
    // role chip shows its nodes there).
    QAction *nodesLevel = view->addAction(tr("Map: one chip per &node"));
    nodesLevel->setCheckable(true);
    nodesLevel->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N));
    connect(nodesLevel, &QAction::toggled, m_map,
            [this](bool nodes) { m_map->setLevel(nodes ? MapLevel::Nodes : MapLevel::Roles); });
    connect(m_map, &MapView::optionsChanged, nodesLevel,
            [this, nodesLevel] { nodesLevel->setChecked(m_map->level() == MapLevel::Nodes); });
    QAction *undoMove = view->addAction(tr("Map: undo the last move (Ctrl+Z on the map)"),
                                        &m_layoutUndo, &QUndoStack::undo);
    undoMove->setEnabled(false);
    connect(&m_layoutUndo, &QUndoStack::canUndoChanged, undoMove, &QAction::setEnabled);
    view->addAction(tr("Map: &reset the layout"), this, &RecordingWindow::resetLayout);
    view->addSeparator();
    view->addAction(tr("&Map (leave any field)"), QKeySequence(Qt::Key_Escape), this,
                    [this] { m_map->setFocus(Qt::ShortcutFocusReason); });
    view->addAction(tr("&Next panel"), QKeySequence(Qt::Key_F6), this, [this] { cyclePanels(+1); });
    view->addAction(tr("P&revious panel"), QKeySequence(Qt::SHIFT | Qt::Key_F6), this,
                    [this] { cyclePanels(-1); });
    view->addAction(tr("&Search the events"), QKeySequence::Find, this,
                    [this] { focusFirstIn(m_log); });

    QMenu *go = menuBar()->addMenu(tr("&Go"));
    go->addAction(tr("&Play / pause"), QKeySequence(Qt::Key_Space), this,
                  [this] { setPlaying(!m_session->playing()); });
    go->addAction(tr("&Faster"), QKeySequence(Qt::CTRL | Qt::Key_BracketRight), this, [this] {
        for (double s : ClockBar::speeds()) {
            if (s > m_session->speed()) {
                m_session->setSpeed(s);
                return;
            }
        }
    });
    go->addAction(tr("&Slower"), QKeySequence(Qt::CTRL | Qt::Key_BracketLeft), this, [this] {
        for (auto it = ClockBar::speeds().crbegin(); it != ClockBar::speeds().crend(); ++it) {
            if (*it < m_session->speed()) {
                m_session->setSpeed(*it);
                return;
            }
        }
    });
    QAction *skip = go->addAction(tr("S&kip quiet stretches"), QKeySequence(Qt::CTRL | Qt::Key_K),
                                  this, [this](bool on) { m_session->setSkipQuiet(on); });
    skip->setCheckable(true);
    connect(m_session, &ReplaySession::stateChanged, skip,
            [this, skip] { skip->setChecked(m_session->skipQuiet()); });
    go->addSeparator();
    go->addAction(tr("P&revious event"), QKeySequence(Qt::CTRL | Qt::Key_Left), this,
                  [this] { stepToEvent(-1); });
    go->addAction(tr("&Next event"), QKeySequence(Qt::CTRL | Qt::Key_Right), this,
                  [this] { stepToEvent(+1); });
    go->addAction(tr("Previous &trouble"), QKeySequence(Qt::CTRL | Qt::Key_Up), this,
                  [this] { stepToTrouble(-1); });
    go->addAction(tr("Next t&rouble (outage, degraded, recovering)"),
                  QKeySequence(Qt::CTRL | Qt::Key_Down), this, [this] { stepToTrouble(+1); });
    go->addAction(tr("&Go to…"), QKeySequence(Qt::CTRL | Qt::Key_G), m_clock, &ClockBar::focusGoTo);
    go->addAction(tr("&Start of the recording"), QKeySequence(Qt::Key_Home), this, [this] {
        if (const auto &data = m_session->data())
            seek(data->startMs);
    });
    go->addAction(tr("&End of the recording"), QKeySequence(Qt::Key_End), this, [this] {
        if (const auto &data = m_session->data())
            seek(data->endMs);
    });
    go->addAction(tr("Back to &live"), QKeySequence(Qt::CTRL | Qt::Key_L), this,
                  [this] { m_session->setFollowing(true); });

    QMenu *pm = menuBar()->addMenu(tr("&Post-mortem"));
    pm->addAction(tr("&Show (Ctrl+2)"), this, &RecordingWindow::showPostMortem);
    // Where it sits, remembered: a tab beside the charts, beside the map at full height, or
    // the whole window for writing.
    auto *places = new QActionGroup(this);
    const std::tuple<PostMortemPlace, QString, QKeySequence> choices[] = {
        {PostMortemPlace::Tab, tr("In a &tab beside the charts"), {}},
        {PostMortemPlace::Side, tr("Beside the &map, full height"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_2)},
        {PostMortemPlace::Window, tr("The &whole window"),
         QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_3)},
    };
    for (const auto &[place, text, keys] : choices) {
        QAction *action = pm->addAction(text, keys, this, [this, place = place] {
            setPostMortemPlace(m_postMortemPlace == place && place != PostMortemPlace::Tab
                                   ? PostMortemPlace::Tab // the same keys again: back
                                   : place);
        });
        action->setCheckable(true);
        action->setChecked(place == m_postMortemPlace);
        places->addAction(action);
        m_postMortemPlaceActions.append(action);
    }
    pm->addSeparator();
    pm->addAction(tr("&Note at the cursor"), QKeySequence(Qt::CTRL | Qt::Key_M), this, [this] {
        showPostMortem();
        m_postMortem->selectEntry(m_postMortem->addNote(m_session->time(), {}));
    });
    pm->addAction(tr("New &draft from the recording"), this, [this] {
        showPostMortem();
        m_postMortem->askForNewDraft();
    });
    pm->addAction(tr("&Rename…"), m_postMortem, &PostMortemEditor::askToRename);
    pm->addAction(tr("De&lete…"), m_postMortem, &PostMortemEditor::askToDelete);
    pm->addAction(tr("&Export…"), QKeySequence(Qt::CTRL | Qt::Key_E), this,
                  &RecordingWindow::exportPostMortem);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&Keyboard shortcuts"), QKeySequence::HelpContents, this,
                    &RecordingWindow::showShortcuts);
    help->addAction(tr("&Where the documentation is"), this, [this] {
        QMessageBox::information(
            this, tr("Documentation"),
            tr("<p>The war room: <b>docs/war-room.md</b> in Warroom's source folder, with every "
               "panel, the service states and the keyboard.</p><p>Also there: "
               "docs/scenario-format.md, docs/recording-format.md, docs/feed-protocol.md, "
               "docs/prometheus.md, docs/drills.md, docs/postmortem.md, docs/cli.md.</p>"));
    });
    help->addAction(tr("&About Warroom"), this, [this] {
        QMessageBox::about(this, tr("About Warroom"),
                           tr("<b>Warroom</b> %1<br>An incident war room and topology visualizer: "
                              "what failed, where, why and since when.")
                               .arg(QApplication::applicationVersion()));
    });
}

void RecordingWindow::showShortcuts()
{
    QString rows;
    for (QAction *menu : menuBar()->actions()) {
        for (QAction *a : menu->menu()->actions()) {
            if (a->shortcut().isEmpty())
                continue;
            rows += u"<tr><td><b>" + a->shortcut().toString(QKeySequence::NativeText) +
                    u"</b></td><td>" + menu->text().remove(u'&') + u" → " + a->text().remove(u'&') +
                    u"</td></tr>";
        }
    }
    rows += tr("<tr><td><b>letters</b></td><td>Map: select the node whose name starts so</td></tr>"
               "<tr><td><b>arrows</b></td><td>Map: the nearest node that way</td></tr>"
               "<tr><td><b>Enter</b>, double click</td><td>Map: a role chip's nodes, and back"
               "</td></tr>"
               "<tr><td><b>Tab</b></td><td>within a panel; F6 to the next panel</td></tr>");
    QMessageBox box(this);
    box.setWindowTitle(tr("Keyboard shortcuts"));
    box.setText(u"<table cellspacing=4>" + rows + u"</table>");
    box.exec();
}

QList<QWidget *> RecordingWindow::panels() const
{
    // The post-mortem is a panel of its own when it is not a tab; hidden panels are skipped.
    QList<QWidget *> all;
    for (QWidget *panel :
         {static_cast<QWidget *>(m_map), static_cast<QWidget *>(m_right), m_postMortemTab,
          static_cast<QWidget *>(m_log), static_cast<QWidget *>(m_clock)}) {
        if (panel == m_postMortemTab && m_postMortemPlace == PostMortemPlace::Tab)
            continue;
        if (panel->isVisibleTo(this) || !isVisible())
            all.append(panel);
    }
    return all;
}

QString RecordingWindow::focusedPanel() const
{
    const QWidget *focus = QApplication::focusWidget();
    if (!focus)
        return QStringLiteral("none");
    if (focus == m_map || m_map->isAncestorOf(focus))
        return QStringLiteral("map");
    if (m_charts->isAncestorOf(focus))
        return QStringLiteral("charts");
    if (m_postMortem->isAncestorOf(focus))
        return QStringLiteral("post-mortem");
    if (m_right->isAncestorOf(focus) || focus == m_right)
        return QStringLiteral("right");
    if (m_log->isAncestorOf(focus))
        return QStringLiteral("log");
    if (m_clock->isAncestorOf(focus))
        return QStringLiteral("clock");
    return focus->objectName().isEmpty() ? QString::fromLatin1(focus->metaObject()->className())
                                         : focus->objectName();
}

void RecordingWindow::cyclePanels(int direction)
{
    const QList<QWidget *> all = panels();
    const QWidget *focus = QApplication::focusWidget();
    int current = -1;
    for (int i = 0; i < all.size(); ++i) {
        if (focus && (focus == all[i] || all[i]->isAncestorOf(focus)))
            current = i;
    }
    const int next = (current + direction + int(all.size())) % int(all.size());
    QWidget *panel = all[next];
    if (panel == m_map) {
        m_map->setFocus(Qt::TabFocusReason);
        return;
    }
    focusFirstIn(panel == m_right ? m_right->currentWidget() : panel);
}

void RecordingWindow::exportMap(const QString &format)
{
    const auto &data = m_session->data();
    const QString suggested = (data ? recordingBaseName(data->path) : QStringLiteral("map")) +
                              u'-' +
                              QDateTime::fromMSecsSinceEpoch(m_session->time(), Qt::UTC)
                                  .toString(QStringLiteral("yyyyMMdd-HHmmss")) +
                              u'.' + format;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export the map"), suggested,
                                                      format.toUpper() + u" (*." + format + u')');
    if (!path.isEmpty() && !m_map->exportTo(path))
        QMessageBox::warning(this, tr("Export the map"), tr("Cannot write %1").arg(path));
}

void RecordingWindow::exportPostMortem()
{
    const auto &data = m_session->data();
    if (!data || !m_postMortem->document()->isOpen())
        return;
    const PostMortem pm = withImpactOf(m_postMortem->document()->postMortem(), data->summary);
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export the post-mortem"), recordingBaseName(data->path) + u'-' + pm.id + u".pdf",
        tr("PDF (*.pdf);;HTML, one file (*.html);;Markdown (*.md);;JSON (*.json)"));
    if (path.isEmpty())
        return;
    ReportFormat format = ReportFormat::Pdf;
    if (!reportFormatFromString(path.section(u'.', -1), &format)) {
        QMessageBox::warning(this, tr("Export the post-mortem"),
                             tr("Choose a name ending in .pdf, .html, .md or .json"));
        return;
    }
    // Written on a worker; what it says comes back as a message, never over the header.
    auto *watcher = new QFutureWatcher<Result<bool>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, path] {
        watcher->deleteLater();
        const Result<bool> done = watcher->result();
        if (!done) {
            QStringList lines;
            for (const Error &e : done.errors())
                lines.append(e.toString());
            QMessageBox::warning(this, tr("Export the post-mortem"), lines.join(u'\n'));
        } else {
            statusBar()->showMessage(tr("Wrote %1").arg(path), 8000);
        }
    });
    // The charts are drawn from the recording there too (its own reader on that thread).
    watcher->setFuture(QtConcurrent::run([pm, format, path, recordingPath = data->path] {
        QList<ReportChart> charts;
        auto recording = Recording::open(recordingPath);
        if (recording)
            charts = reportCharts(*recording.value(), pm);
        Result<bool> written = writeReport(pm, format, path, charts);
        if (written && !recording) // written, but say what is missing from it and why
            return Result<bool>(ErrorList{Error{path + u": written without the charts: " +
                                                    recording.errors().first().toString(),
                                                {},
                                                0,
                                                0}});
        return written;
    }));
}

} // namespace warroom
