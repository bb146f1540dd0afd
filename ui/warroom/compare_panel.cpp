#include "compare_panel.h"
#include "core/store/shared_address.h"

#include "core/replay/replay_data.h"
#include "core/replay/replay_session.h"
#include "core/replay/service_status.h"
#include "core/util/duration.h"
#include "ui/map/map_view.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>

namespace warroom {

namespace {

constexpr int kMaxRows = 500; // differences listed; the count says how many there are

} // namespace

ComparePanel::ComparePanel(QWidget *parent)
    : QWidget(parent)
    , m_b(new ReplaySession(this))
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *top = new QHBoxLayout;
    m_title = new QLabel(tr("Comparing…"));
    m_title->setWordWrap(true);
    m_title->setStyleSheet(QStringLiteral("font-weight: bold"));
    m_align = new QComboBox;
    m_align->addItem(tr("Same time since the start"), int(Alignment::Offset));
    m_align->addItem(tr("Same wall time"), int(Alignment::WallTime));
    m_align->setToolTip(tr("How B's clock follows A's: a variant replayed from the same start "
                           "aligns by the time since its start"));
    connect(m_align, &QComboBox::activated, this,
            [this](int index) { setAlignment(Alignment(m_align->itemData(index).toInt())); });
    auto *close = new QPushButton(tr("Close"));
    connect(close, &QPushButton::clicked, this, &ComparePanel::closeRequested);
    top->addWidget(m_title, 1);
    top->addWidget(m_align);
    top->addWidget(close);
    layout->addLayout(top);
    m_state = new QLabel;
    m_state->setWordWrap(true);
    m_state->setTextFormat(Qt::RichText);
    layout->addWidget(m_state);
    auto *split = new QSplitter(Qt::Vertical);
    m_map = new MapView;
    m_map->setObjectName(QStringLiteral("compareMap"));
    split->addWidget(m_map);
    auto *below = new QWidget;
    auto *bl = new QVBoxLayout(below);
    bl->setContentsMargins(0, 0, 0, 0);
    m_count = new QLabel;
    bl->addWidget(m_count);
    m_table = new QTableWidget(0, 3);
    m_table->setObjectName(QStringLiteral("differences"));
    m_table->setHorizontalHeaderLabels({tr("Hop"), tr("A (this window)"), tr("B")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setWordWrap(false);
    connect(m_table, &QTableWidget::cellClicked, this, [this](int row, int) {
        if (row >= 0 && row < m_differences.size())
            Q_EMIT nodeChosen(m_differences[row].from);
    });
    bl->addWidget(m_table, 1);
    split->addWidget(below);
    split->setStretchFactor(0, 4); // the map first; the differences' table scrolls
    split->setStretchFactor(1, 1);
    m_table->setMinimumHeight(80);
    layout->addWidget(split, 1);

    m_coalesce.setSingleShot(true);
    m_coalesce.setInterval(250);
    connect(&m_coalesce, &QTimer::timeout, this, &ComparePanel::compare);
    connect(m_b, &ReplaySession::loaded, this, [this] {
        const auto &data = m_b->data();
        m_title->setText(tr("B: %1").arg(data->summary.title.isEmpty()
                                             ? recordingDisplayName(data->path)
                                             : data->summary.title));
        m_title->setToolTip(data->path);
        m_bGeneration = ~quint64(0);
        Q_EMIT loaded();
    });
    // A run that cannot be opened is said here, in the panel: A's header stays A's.
    connect(m_b, &ReplaySession::failed, this,
            [this](const QString &what, const QStringList &errors) {
                m_title->setText(tr("B: %1").arg(what));
                m_state->setText(u"<span style='color:#D55E00'>" +
                                 errors.join(u"<br>").toHtmlEscaped() + u"</span>");
                Q_EMIT failed(what + u": " + errors.join(u"; "));
            });
    connect(m_b, &ReplaySession::simulationStarted, this, [this](const QString &scenario) {
        m_title->setText(tr("B: simulating %1…").arg(QFileInfo(scenario).fileName()));
    });
}

void ComparePanel::open(const QString &path)
{
    m_path = path;
    m_differences.clear();
    m_table->setRowCount(0);
    m_title->setText(tr("B: opening %1…").arg(recordingDisplayName(path)));
    m_b->open(path);
}

bool ComparePanel::isLoaded() const
{
    return m_b->isOpen();
}

void ComparePanel::setAlignment(Alignment alignment)
{
    m_alignment = alignment;
    m_align->setCurrentIndex(m_align->findData(int(alignment)));
    m_bGeneration = ~quint64(0); // follow() seeks again
    Q_EMIT alignmentChanged();
}

void ComparePanel::follow(ReplaySession &a)
{
    const auto &dataA = a.data();
    const auto &dataB = m_b->data();
    if (!dataA || !dataB)
        return;
    const qint64 t =
        m_alignment == Alignment::Offset ? dataB->startMs + (a.time() - dataA->startMs) : a.time();
    if (m_b->time() != t)
        m_b->seek(t);
    const ReachabilityEngine *engineA = a.engine();
    const ReachabilityEngine *engineB = m_b->engine();
    if (!engineA || !engineB)
        return;
    if (a.stateGeneration() == m_aGeneration && m_b->stateGeneration() == m_bGeneration &&
        m_aStart == dataA->startMs)
        return;
    m_a = &a;
    if (a.playing()) { // a replay changes states every frame: compare when it settles a little
        if (!m_coalesce.isActive())
            m_coalesce.start();
        return;
    }
    compare();
}

void ComparePanel::compare()
{
    m_coalesce.stop();
    if (!m_a || !m_a->data() || !m_b->data())
        return;
    ReplaySession &a = *m_a;
    const ReachabilityEngine *engineA = a.engine();
    const ReachabilityEngine *engineB = m_b->engine();
    if (!engineA || !engineB)
        return;
    const auto &dataB = m_b->data();
    const qint64 t = m_b->time();
    m_aGeneration = a.stateGeneration();
    m_bGeneration = m_b->stateGeneration();
    m_aStart = a.data()->startMs;
    m_map->setState(*engineB, m_b->nodeMarks());
    QList<VerdictDifference> differences = verdictDifferences(*engineA, *engineB);
    const ServiceStatus status = serviceStatusAt(*dataB, m_b->dataTime());
    m_state->setText(u"<b>B at " + formatUtc(t, QStringLiteral("yyyy-MM-dd HH:mm:ss")) +
                     u" UTC:</b> " + toString(status.state).toHtmlEscaped() +
                     (status.why.isEmpty() ? QString() : u" — " + status.why.toHtmlEscaped()));
    if (differences == m_differences && m_table->rowCount() > 0)
        return; // the same hops differ: the table and the outlines stay as they are
    m_differences = std::move(differences);
    showDifferences();
    Q_EMIT differencesChanged();
}

QString ComparePanel::stateText() const
{
    return m_state->text();
}

void ComparePanel::showDifferences()
{
    m_count->setText(m_differences.isEmpty()
                         ? tr("Every hop has the same verdict in both runs at this moment.")
                         : (m_differences.size() == 1
                                ? tr("1 hop differs at this moment (click it: its node on A's map)")
                                : tr("%1 hops differ at this moment (click one: its node on A's "
                                     "map)")
                                      .arg(m_differences.size())));
    const int rows = int(std::min<qsizetype>(m_differences.size(), kMaxRows));
    m_table->setRowCount(rows);
    for (int r = 0; r < rows; ++r) {
        const VerdictDifference &d = m_differences[r];
        const QStringList cells = {d.from + u" → " + d.to + u" (" + d.dependency + u')', d.aWhy,
                                   d.bWhy};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            item->setToolTip(cells[c]);
            m_table->setItem(r, c, item);
        }
    }
}

} // namespace warroom
