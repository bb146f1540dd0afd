#include "action_items_panel.h"
#include "core/store/shared_address.h"

#include "action_item_delegate.h"
#include "core/counterfactual/counterfactual.h"
#include "postmortem_document.h"

#include <QCryptographicHash>
#include <QDir>
#include <QEvent>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTableWidget>
#include <QVBoxLayout>

namespace warroom {

namespace {

// The scenarios beside `scenarioFile` that extend it: the bundled variants, a team's own.
QStringList variantsOf(const QString &scenarioFile, const QString &recordingPath)
{
    QString found;
    for (const QString &candidate :
         {scenarioFile, QFileInfo(recordingPath).absoluteDir().filePath(scenarioFile)}) {
        if (!candidate.isEmpty() && QFileInfo(candidate).isFile()) {
            found = candidate;
            break;
        }
    }
    if (found.isEmpty())
        return {};
    const QFileInfo scenario(found);
    const QRegularExpression extends(
        u"^extends:\\s*[\"']?" + QRegularExpression::escape(scenario.fileName()) + u"[\"']?\\s*$",
        QRegularExpression::MultilineOption);
    QStringList variants;
    for (const QFileInfo &file : scenario.absoluteDir().entryInfoList(
             {QStringLiteral("*.yaml"), QStringLiteral("*.yml")}, QDir::Files, QDir::Name)) {
        QFile f(file.filePath());
        if (file != scenario && f.open(QIODevice::ReadOnly) &&
            extends.match(QString::fromUtf8(f.read(64 * 1024))).hasMatch())
            variants.append(file.fileName());
    }
    return variants;
}

QString effectTip(const ActionItem &item)
{
    if (item.effect.isEmpty())
        return {};
    QString tip = u"<b>" + QObject::tr("The incident replayed with %1").arg(item.whatIf) +
                  u"</b><table cellspacing=4><tr><th></th><th>" + QObject::tr("recorded") +
                  u"</th><th>" + QObject::tr("with the what-if") + u"</th><th></th></tr>";
    for (const ComparisonRow &r : item.effect)
        tip += u"<tr><td>" + r.what.toHtmlEscaped() + u"</td><td>" + r.a + u"</td><td>" + r.b +
               u"</td><td>" + r.difference + u"</td></tr>";
    return tip + u"</table>";
}

} // namespace

ActionItemsPanel::ActionItemsPanel(PostMortemDocument *document, QWidget *parent)
    : QWidget(parent)
    , m_document(document)
{
    auto *layout = new QVBoxLayout(this);
    m_table = new QTableWidget(0, kEffectColumn + 1);
    m_table->setObjectName(QStringLiteral("actions"));
    m_table->setHorizontalHeaderLabels({tr("Action"), tr("Owner"), tr("Due"), tr("Priority"),
                                        tr("Status"), tr("Ticket"), tr("What-if"),
                                        tr("Simulated effect")});
    // The action takes the room; the short fields their contents'. Narrow (beside the map),
    // the effect column folds away: the line under the table says the selected item's whole.
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(kEffectColumn, QHeaderView::Stretch);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents); // wrapped
    m_table->installEventFilter(this);
    m_table->verticalHeader()->hide();
    m_table->setWordWrap(true);
    m_delegate = new ActionItemDelegate(m_table);
    m_table->setItemDelegate(m_delegate);
    m_table->setToolTip(tr("Priority: P0 now, P1 this week, P2 this quarter, P3 some day. "
                           "Status: open, in progress, blocked, done, won't do. Due: a date "
                           "(YYYY-MM-DD) or none. Ticket: a link or a tracker's id. What-if: a "
                           "variant scenario, or what-if changes (rule-remove:ID, "
                           "capacity:GROUP=N, …) that the incident is replayed with."));
    layout->addWidget(m_table, 1);
    // The selected item's effect in full: the column is narrow beside the map.
    m_effect = new QLabel;
    m_effect->setObjectName(QStringLiteral("effect"));
    m_effect->setStyleSheet(QStringLiteral("color: #0F5E8C"));
    m_effect->setWordWrap(true);
    m_effect->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_effect);
    m_problem = new QLabel;
    m_problem->setObjectName(QStringLiteral("actionProblem"));
    m_problem->setStyleSheet(QStringLiteral("color: #B54800"));
    m_problem->setWordWrap(true);
    layout->addWidget(m_problem);
    connect(m_table, &QTableWidget::itemChanged, this, [this](QTableWidgetItem *item) {
        if (!m_refreshing && item->column() < kEffectColumn)
            cellEdited(item->row(), item->column(), item->text());
    });
    connect(m_table, &QTableWidget::currentCellChanged, this, &ActionItemsPanel::updateButtons);

    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add action item"));
    connect(add, &QPushButton::clicked, this, [this] {
        edit(
            [](PostMortem &pm) {
                ActionItem item; // P2, open: the defaults
                item.id = newActionId();
                item.what = tr("What to do");
                pm.actions.append(item);
            },
            tr("Add action item"));
    });
    auto *remove = new QPushButton(tr("Remove"));
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        edit(
            [&](PostMortem &pm) {
                if (row >= 0 && row < pm.actions.size())
                    pm.actions.removeAt(row);
            },
            tr("Remove action item"));
    });
    m_simulate = new QPushButton(tr("Simulate the what-if"));
    m_simulate->setToolTip(tr("Replay the incident with this item's what-if (same scenario, same "
                              "seed) and keep what it changes"));
    connect(m_simulate, &QPushButton::clicked, this, [this] { simulate(m_table->currentRow()); });
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(220);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->hide();
    connect(m_cancel, &QPushButton::clicked, this, &ActionItemsPanel::cancelSimulation);
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    auto *whatIf = new QHBoxLayout; // its own row: the panel beside the map may be narrow
    m_compare = new QPushButton(tr("Compare in the window"));
    m_compare->setToolTip(tr("Open the replay with this item's what-if beside the map, on one "
                             "clock, with the hops that differ"));
    connect(m_compare, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        const auto &actions = m_document->postMortem().actions;
        if (row >= 0 && row < actions.size() && !replayOf(actions[row].whatIf).isEmpty())
            Q_EMIT compareRequested(replayOf(actions[row].whatIf));
    });
    whatIf->addWidget(m_simulate);
    whatIf->addWidget(m_compare);
    whatIf->addWidget(m_progress);
    whatIf->addWidget(m_cancel);
    whatIf->addStretch(1);
    layout->addLayout(whatIf);
    m_progressTimer.setInterval(100); // the bar only: the result comes by a signal
    connect(&m_progressTimer, &QTimer::timeout, this, &ActionItemsPanel::showProgress);
    updateButtons();
}

bool ActionItemsPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table && event->type() == QEvent::Resize)
        m_table->setColumnHidden(kEffectColumn, m_table->width() < kWideTable);
    return QWidget::eventFilter(watched, event);
}

void ActionItemsPanel::setRecording(const QString &path, const QString &scenarioFile)
{
    cancelSimulation();
    m_path = path;
    m_scenarioFile = scenarioFile;
    m_replays.clear(); // another incident's replays are not this one's
    m_delegate->setWhatIfChoices({});
    // The variants are read off the UI thread: a folder on a slow disk never stalls it.
    m_variants.run(
        [scenarioFile, path](const JobControl &) { return variantsOf(scenarioFile, path); },
        [this](const QStringList &variants) { m_delegate->setWhatIfChoices(variants); });
    m_problem->clear();
    updateButtons();
}

QString ActionItemsPanel::problem() const
{
    return m_problem->text();
}

void ActionItemsPanel::edit(const std::function<void(PostMortem &)> &change,
                            const QString &description)
{
    if (!m_document->isOpen() || m_refreshing)
        return;
    PostMortem next = m_document->postMortem();
    change(next);
    m_document->set(next, description);
}

void ActionItemsPanel::cellEdited(int row, int column, const QString &text)
{
    // A value the field does not take is refused with why, and the item keeps what it had.
    QString why;
    edit(
        [&](PostMortem &pm) {
            if (row < pm.actions.size())
                why = setActionField(pm.actions[row], ActionField(column), text);
        },
        tr("Edit action item"));
    m_problem->setText(why.isEmpty() ? QString() : tr("Not changed: %1.").arg(why));
    if (!why.isEmpty())
        refresh();
}

void ActionItemsPanel::refresh()
{
    m_refreshing = true;
    const PostMortem &pm = m_document->postMortem();
    if (!pm.readProblems.isEmpty() && m_problem->text().isEmpty())
        m_problem->setText(tr("Kept as written, but not what these fields take: %1.")
                               .arg(pm.readProblems.join(u"; ")));
    m_table->setRowCount(int(pm.actions.size()));
    for (int r = 0; r < pm.actions.size(); ++r) {
        const ActionItem &a = pm.actions[r];
        const QString effect = !a.simulated() && !a.whatIf.isEmpty()
                                   ? tr("not simulated yet")
                                   : (a.whatIf.isEmpty() ? QString() : effectText(a.effect));
        const QStringList cells = {
            a.what,     a.owner,  a.due.isValid() ? a.due.toString(Qt::ISODate) : a.dueAsWritten,
            a.priority, a.status, a.ticket,
            a.whatIf,   effect};
        for (int c = 0; c < cells.size(); ++c) {
            QTableWidgetItem *item = m_table->item(r, c);
            if (!item) {
                m_table->setItem(r, c, item = new QTableWidgetItem);
                if (c == kEffectColumn)
                    item->setFlags(item->flags() & ~Qt::ItemIsEditable);
            }
            if (item->text() != cells[c])
                item->setText(cells[c]);
        }
        m_table->item(r, kEffectColumn)->setToolTip(effectTip(a));
        m_table->item(r, kEffectColumn)
            ->setForeground(a.simulated() ? QColor(0x0F, 0x5E, 0x8C) : QColor(0x77, 0x77, 0x77));
    }
    m_refreshing = false;
    updateButtons();
}

void ActionItemsPanel::updateButtons()
{
    const int row = m_table->currentRow();
    const auto &actions = m_document->postMortem().actions;
    const bool hasWhatIf =
        row >= 0 && row < actions.size() && !actions[row].whatIf.trimmed().isEmpty();
    m_simulate->setEnabled(hasWhatIf && !simulating() && !m_path.isEmpty());
    m_simulate->setText(hasWhatIf && actions[row].simulated() ? tr("Simulate again")
                                                              : tr("Simulate the what-if"));
    m_compare->setEnabled(hasWhatIf && !replayOf(actions[row].whatIf).isEmpty());
    m_effect->setText(row >= 0 && row < actions.size() ? effectLine(actions[row]) : QString());
}

int ActionItemsPanel::simulationProgress() const
{
    return m_running ? m_running->load() : 0;
}

void ActionItemsPanel::showProgress()
{
    m_progress->setValue(simulationProgress());
}

void ActionItemsPanel::simulate(int row)
{
    const auto &actions = m_document->postMortem().actions;
    if (row < 0 || row >= actions.size() || m_path.isEmpty())
        return;
    const QString whatIf = actions[row].whatIf.trimmed();
    if (whatIf.isEmpty())
        return;
    const QString folder = m_cacheFolder.isEmpty()
                               ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                                     QStringLiteral("/what-if")
                               : m_cacheFolder;
    QDir().mkpath(folder);
    // One file per recording and what-if: simulating again replaces it.
    const QString key = QString::fromLatin1(
        QCryptographicHash::hash((m_path + u'\n' + whatIf).toUtf8(), QCryptographicHash::Sha1)
            .toHex()
            .left(12));
    const QString out =
        QDir(folder).filePath(recordingBaseName(m_path) + u"-what-if-" + key + u".warroom");
    auto progress = std::make_shared<std::atomic<int>>(0);
    m_running = progress;
    m_simulatingRow = row;
    m_problem->setText(tr("Replaying the incident with %1…").arg(whatIf));
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    m_progressTimer.start();
    updateButtons();
    m_replay.run(
        [path = m_path, whatIf, out, progress](const JobControl &control) {
            CounterfactualOptions options;
            options.outputPath = out;
            options.progress = [progress](qint64 done, qint64 total) {
                progress->store(int(1000 * done / std::max<qint64>(1, total)));
            };
            options.cancelled = [control] { return control.cancelled(); };
            return replayWithChange(path, whatIf, options);
        },
        [this, row, whatIf](const Result<Counterfactual> &result) {
            m_running.reset();
            m_progressTimer.stop();
            m_progress->hide();
            m_cancel->hide();
            if (!result) {
                const QString why = result.errors().first().toString();
                m_problem->setText(tr("Not simulated: %1").arg(why));
                updateButtons();
                Q_EMIT whatIfFailed(row, why);
                return;
            }
            // The item may have moved while the replay ran: the one with this what-if.
            const auto &actions = m_document->postMortem().actions;
            int at = row < actions.size() && actions[row].whatIf.trimmed() == whatIf ? row : -1;
            for (int r = 0; r < actions.size() && at < 0; ++r) {
                if (actions[r].whatIf.trimmed() == whatIf)
                    at = r;
            }
            if (at < 0) {
                m_problem->setText(tr("Simulated %1, but no item has that what-if any more: "
                                      "nothing kept.")
                                       .arg(whatIf));
                updateButtons();
                Q_EMIT whatIfFailed(row, m_problem->text());
                return;
            }
            if (!m_document->isOpen()) { // the post-mortem was closed meanwhile
                m_problem->setText(tr("Simulated %1, but its post-mortem is not open any more: "
                                      "nothing kept.")
                                       .arg(whatIf));
                Q_EMIT whatIfFailed(row, m_problem->text());
                return;
            }
            m_problem->clear();
            m_replays.insert(whatIf, result.value().outputPath);
            edit(
                [&](PostMortem &pm) {
                    pm.actions[at].simulatedWhatIf = pm.actions[at].whatIf;
                    pm.actions[at].effect = result.value().rows;
                },
                tr("Simulate what-if"));
            Q_EMIT whatIfFinished(at);
        });
}

void ActionItemsPanel::cancelSimulation()
{
    if (!simulating())
        return;
    m_replay.cancel();
    m_running.reset();
    m_progressTimer.stop();
    m_progress->hide();
    m_cancel->hide();
    m_problem->setText(tr("Simulation cancelled: nothing kept."));
    updateButtons();
    Q_EMIT whatIfFailed(m_simulatingRow, QStringLiteral("cancelled"));
}

} // namespace warroom
