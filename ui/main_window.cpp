#include "main_window.h"
#include "recording_window.h"

#include "models/finding_model.h"
#include "models/topology_model.h"
#include "palette.h"

#include "core/analysis/analysis.h"
#include "core/scenario/scenario_loader.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QMenuBar>
#include <QSplitter>
#include <QStatusBar>
#include <QTableView>
#include <QTextBrowser>
#include <QTreeView>
#include <QVBoxLayout>

namespace warroom {

// What the worker hands back: the scenario and its analysis, or why there are none.
struct LoadedScenario
{
    QString path;
    std::optional<Scenario> scenario;
    std::optional<Analysis> analysis;
    ErrorList errors;
    qint64 elapsedMs = 0;
};

namespace {

LoadedScenario loadAndAnalyze(const QString &path)
{
    QElapsedTimer timer;
    timer.start();
    LoadedScenario out;
    out.path = path;
    Result<Scenario> scenario = loadScenarioFile(path);
    if (!scenario) {
        out.errors = scenario.errors();
        return out;
    }
    Result<Analysis> analysis = analyze(scenario.value());
    if (!analysis) {
        out.errors = analysis.errors();
        return out;
    }
    out.scenario = std::move(scenario).value();
    out.analysis = std::move(analysis).value();
    out.elapsedMs = timer.elapsed();
    return out;
}

QString counted(int count, const QString &one, const QString &many)
{
    return QString::number(count) + u' ' + (count == 1 ? one : many);
}

QString chip(const QColor &color, const QString &text)
{
    return u"<span style='color:" + color.name() + u"'>&#9679;</span>&nbsp;" + text.toHtmlEscaped();
}

} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_topology(new TopologyModel(this))
    , m_findings(new FindingModel(this))
    , m_title(new QLabel(this))
    , m_summary(new QLabel(this))
    , m_tree(new QTreeView(this))
    , m_table(new QTableView(this))
    , m_details(new QTextBrowser(this))
{
    setWindowTitle(tr("Warroom"));
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setText(tr("No scenario open"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setText(tr("File → Open… (Ctrl+O) opens a scenario."));

    m_tree->setModel(m_topology);
    m_tree->setAlternatingRowColors(true);
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_tree->header()->setStretchLastSection(true);

    m_table->setModel(m_findings);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setMaximumSectionSize(420);
    m_table->setTextElideMode(Qt::ElideRight);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::showFindingDetails);

    m_details->setOpenLinks(false);
    m_details->setPlaceholderText(tr("Select a finding to see why."));

    auto *header = new QWidget(this);
    auto *headerLayout = new QVBoxLayout(header);
    headerLayout->setContentsMargins(12, 10, 12, 8);
    headerLayout->setSpacing(4);
    headerLayout->addWidget(m_title);
    headerLayout->addWidget(m_summary);

    auto *right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_table);
    right->addWidget(m_details);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);
    auto *split = new QSplitter(Qt::Horizontal, this);
    split->addWidget(m_tree);
    split->addWidget(right);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(header);
    layout->addWidget(split, 1);
    setCentralWidget(central);
    buildActions();
    statusBar()->showMessage(tr("Ready"));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildActions()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *open = file->addAction(tr("&Open…"), this, &MainWindow::chooseFile);
    open->setShortcut(QKeySequence::Open);
    QAction *reload = file->addAction(tr("&Reload"), this, [this] {
        if (!m_path.isEmpty())
            openFile(m_path);
    });
    reload->setShortcut(QKeySequence::Refresh);
    QAction *replay = file->addAction(tr("Re&play: simulate and open the war room"), this, [this] {
        if (m_path.isEmpty())
            return;
        // Its own window; it simulates on a worker and shows its progress.
        auto *window = new RecordingWindow;
        window->setAttribute(Qt::WA_DeleteOnClose);
        window->resize(size());
        window->show();
        window->openFile(m_path);
    });
    replay->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), qApp, &QApplication::quit);
    quit->setShortcut(QKeySequence::Quit);
}

void MainWindow::chooseFile()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open scenario"), QFileInfo(m_path).absolutePath(),
                                     tr("Scenarios (*.yaml *.yml *.json);;All files (*)"));
    if (!path.isEmpty())
        openFile(path);
}

void MainWindow::openFile(const QString &path)
{
    m_path = path;
    statusBar()->showMessage(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    // A newer file asked for supersedes this one: its result is dropped.
    m_loading.run([path](const JobControl &) { return loadAndAnalyze(path); },
                  [this](const LoadedScenario &result) { apply(result); });
}

void MainWindow::apply(const LoadedScenario &result)
{
    if (!result.errors.isEmpty()) {
        QStringList lines;
        for (const Error &e : result.errors)
            lines.append(e.toString());
        m_topology->setTopology({});
        m_findings->setAnalysis({});
        m_title->setText(tr("Cannot open %1").arg(QFileInfo(result.path).fileName()));
        m_summary->setText(
            chip(okabeIto::vermillion, counted(int(lines.size()), tr("problem in the file"),
                                               tr("problems in the file"))));
        m_details->setPlainText(lines.join(u'\n'));
        statusBar()->showMessage(tr("%1 could not be opened").arg(result.path));
        Q_EMIT loadFailed(lines.join(u'\n'));
        return;
    }
    const Scenario &s = *result.scenario;
    const Analysis &a = *result.analysis;
    m_topology->setTopology(s.topology);
    m_tree->expandAll();
    m_findings->setAnalysis(a);
    m_title->setText(s.title.isEmpty() ? s.name : s.title);
    setWindowTitle(s.name + u" — Warroom");

    int latent = 0, live = 0, spof = 0;
    for (int row = 0; row < m_findings->rowCount(); ++row) {
        if (!m_findings->row(row).actionable)
            continue;
        switch (m_findings->row(row).kind) {
        case FindingRow::Kind::Latent:
            ++latent;
            break;
        case FindingRow::Kind::Live:
            ++live;
            break;
        case FindingRow::Kind::SinglePoint:
            ++spof;
            break;
        case FindingRow::Kind::BlastRadius:
            break;
        }
    }
    const QStringList parts{
        QFileInfo(result.path).fileName().toHtmlEscaped(),
        tr("%1 sites, %2 links, %3 nodes, %4 dependency hops")
            .arg(a.siteCount)
            .arg(a.linkCount)
            .arg(a.nodeCount)
            .arg(a.edgeCount),
        chip(live ? okabeIto::vermillion : okabeIto::bluishGreen,
             counted(live, tr("live failure"), tr("live failures"))),
        chip(latent ? okabeIto::vermillion : okabeIto::bluishGreen,
             counted(latent, tr("latent placement failure"), tr("latent placement failures"))),
        chip(spof ? okabeIto::orange : okabeIto::bluishGreen,
             counted(spof, tr("single point of failure"), tr("single points of failure")))};
    m_summary->setText(parts.join(QStringLiteral(" &nbsp;·&nbsp; ")));
    if (m_findings->rowCount() > 0)
        m_table->selectRow(0);
    else
        m_details->setPlainText(tr("Nothing to report: every dependency is reachable."));
    statusBar()->showMessage(
        tr("Loaded and analysed %1 in %2 ms").arg(result.path).arg(result.elapsedMs));
    Q_EMIT loaded(result.path);
}

void MainWindow::showFindingDetails()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_details->clear();
        return;
    }
    const FindingRow &row = m_findings->row(current.row());
    m_details->setPlainText(toString(row.kind) + u": " + row.where + u'\n' + row.details);
}

QString MainWindow::detailsText() const
{
    return m_details->toPlainText();
}

} // namespace warroom
