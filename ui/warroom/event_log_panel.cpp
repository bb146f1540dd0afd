#include "event_log_panel.h"

#include "ui/models/event_log_model.h"

#include "core/replay/replay_session.h"

#include <QAction>
#include <QComboBox>
#include <QDesktopServices>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace warroom {

namespace {

// A menu of choices that stays open while they are ticked, several in a row.
class ChoiceMenu : public QMenu
{
public:
    using QMenu::QMenu;

protected:
    void mouseReleaseEvent(QMouseEvent *event) override
    {
        if (QAction *action = activeAction(); action && action->isCheckable()) {
            action->toggle();
            return;
        }
        QMenu::mouseReleaseEvent(event);
    }
};

} // namespace

EventLogPanel::EventLogPanel(ReplaySession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *filters = new QHBoxLayout;
    m_search = new QLineEdit;
    m_search->setPlaceholderText(tr("Search the events (node, rule, text)…"));
    m_search->setClearButtonEnabled(true);
    m_kinds = new QToolButton;
    m_kinds->setObjectName(QStringLiteral("kindFilter"));
    m_kinds->setPopupMode(QToolButton::InstantPopup);
    auto *menu = new ChoiceMenu(m_kinds);
    for (const EventKindGroup &group : eventKindGroups()) {
        QAction *action = menu->addAction(group.label);
        action->setCheckable(true);
        connect(action, &QAction::toggled, this, &EventLogPanel::applyKinds);
    }
    menu->addSeparator();
    menu->addAction(tr("Every kind"), this, [this] { setKindGroups({}); });
    m_kinds->setMenu(menu);
    m_kinds->setToolTip(tr("Show only events of these kinds (several at once)"));
    m_sites = new QComboBox;
    m_sites->setObjectName(QStringLiteral("siteFilter"));
    m_node = new QLabel;
    filters->addWidget(m_search, 1);
    filters->addWidget(m_kinds);
    filters->addWidget(m_sites);
    filters->addWidget(m_node);
    layout->addLayout(filters);

    m_model = new EventLogModel(this);
    m_filter = new EventLogFilter(this);
    m_filter->setSourceModel(m_model);
    m_view = new QTableView;
    m_view->setModel(m_filter);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(22);
    m_view->setWordWrap(false);
    m_view->setTabKeyNavigation(false); // Tab leaves the table
    // Columns as wide as what they hold at most (measured once, not from the rows shown: a
    // filter showing nothing must not shrink them); the summary takes the rest.
    QHeaderView *header = m_view->horizontalHeader();
    const QFontMetrics fm(m_view->font());
    int kindWidth = 0;
    for (const QString &kind : eventKindNames())
        kindWidth = std::max(kindWidth, fm.horizontalAdvance(kind));
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->resizeSection(EventLogModel::Time,
                          fm.horizontalAdvance(QStringLiteral("2020-05-25 08:48:40")) + 16);
    header->resizeSection(EventLogModel::Service,
                          fm.horizontalAdvance(QStringLiteral("recovering")) + 12);
    header->resizeSection(EventLogModel::Kind, kindWidth + 16);
    header->resizeSection(EventLogModel::Node,
                          fm.horizontalAdvance(QStringLiteral("dispatchers-10")) + 16);
    header->resizeSection(EventLogModel::Site,
                          fm.horizontalAdvance(QStringLiteral("us-east-1")) + 12);
    header->setSectionResizeMode(EventLogModel::Summary, QHeaderView::Stretch);
    layout->addWidget(m_view);
    m_view->viewport()->installEventFilter(this);
    // Said over the empty table: a filter that shows nothing is not a recording without events.
    m_empty = new QLabel(m_view->viewport());
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setStyleSheet(QStringLiteral("color: #666"));
    m_empty->hide();
    applyKinds();
    fillSites();

    connect(m_search, &QLineEdit::textChanged, m_filter, &EventLogFilter::setText);
    connect(m_sites, &QComboBox::currentIndexChanged, this,
            [this](int i) { m_filter->setSite(m_sites->itemData(i).toString()); });
    // Other rows shown: the cursor's row is chosen again (and scrolled to) on the next frame.
    connect(m_filter, &QAbstractItemModel::modelReset, this, &EventLogPanel::markStale);
    connect(m_filter, &QAbstractItemModel::layoutChanged, this, &EventLogPanel::markStale);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &EventLogPanel::markStale);
    connect(m_filter, &QAbstractItemModel::rowsRemoved, this, &EventLogPanel::markStale);
    connect(m_view, &QTableView::clicked, this, [this](const QModelIndex &index) {
        Q_EMIT seekRequested(index.data(EventLogModel::TimeRole).toLongLong());
    });
    // A log row into the post-mortem's timeline (a double click, or the context menu).
    auto addRow = [this](const QModelIndex &index) {
        const int row = m_filter->mapToSource(index).row();
        if (index.isValid() && row >= 0 && row < m_model->rowCount())
            Q_EMIT addToTimelineRequested(m_model->eventAt(row));
    };
    connect(m_view, &QTableView::doubleClicked, this, addRow);
    m_view->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_view, &QWidget::customContextMenuRequested, this, [this, addRow](const QPoint &at) {
        const QModelIndex index = m_view->indexAt(at);
        if (!index.isValid())
            return;
        QMenu context;
        context.addAction(tr("Add to the post-mortem's timeline"), this,
                          [index, addRow] { addRow(index); });
        // An alert from Alertmanager links back to where it came from.
        const int row = m_filter->mapToSource(index).row();
        if (row >= 0 && row < m_model->rowCount()) {
            const QJsonObject &details = m_model->eventAt(row).details;
            const QString alertmanager =
                details.value(QStringLiteral("alertmanager_url")).toString();
            const QString rule = details.value(QStringLiteral("generator_url")).toString();
            // Only the web: a recording or a webhook could carry any address.
            auto web = [](const QString &url) {
                const QString scheme = QUrl(url).scheme();
                return scheme == u"http" || scheme == u"https";
            };
            if (web(alertmanager))
                context.addAction(tr("Open in Alertmanager"), this, [alertmanager] {
                    QDesktopServices::openUrl(QUrl(alertmanager));
                });
            if (web(rule))
                context.addAction(tr("Open the alert's rule in Prometheus"), this,
                                  [rule] { QDesktopServices::openUrl(QUrl(rule)); });
        }
        context.exec(m_view->viewport()->mapToGlobal(at));
    });
}

void EventLogPanel::applyKinds()
{
    QSet<QString> kinds;
    QStringList labels;
    const QList<QAction *> actions = m_kinds->menu()->actions();
    for (int i = 0; i < eventKindGroups().size(); ++i) {
        if (actions[i]->isChecked()) {
            kinds += eventKindGroups()[i].kinds;
            labels.append(eventKindGroups()[i].label);
        }
    }
    m_filter->setKinds(kinds);
    m_kinds->setText(labels.isEmpty()     ? tr("All kinds ▾")
                     : labels.size() == 1 ? labels.first() + u" ▾"
                                          : tr("%1 kinds ▾").arg(labels.size()));
    markStale(); // the filter's reset did too; once is enough
}

void EventLogPanel::setKindGroups(const QStringList &labels)
{
    const QList<QAction *> actions = m_kinds->menu()->actions();
    for (int i = 0; i < eventKindGroups().size(); ++i) {
        const QSignalBlocker quiet(actions[i]);
        actions[i]->setChecked(labels.contains(eventKindGroups()[i].label));
    }
    applyKinds();
}

QStringList EventLogPanel::kindGroups() const
{
    QStringList labels;
    const QList<QAction *> actions = m_kinds->menu()->actions();
    for (int i = 0; i < eventKindGroups().size(); ++i) {
        if (actions[i]->isChecked())
            labels.append(eventKindGroups()[i].label);
    }
    return labels;
}

void EventLogPanel::fillSites()
{
    const QSignalBlocker quiet(m_sites);
    const QString current = m_sites->currentData().toString();
    m_sites->clear();
    m_sites->addItem(tr("All sites"), QString());
    if (const auto &data = m_session->data()) {
        for (const Site &site : data->first.sites)
            m_sites->addItem(site.id, site.id);
    }
    m_sites->setCurrentIndex(std::max(0, m_sites->findData(current)));
    m_filter->setSite(m_sites->currentData().toString());
}

void EventLogPanel::reset()
{
    m_model->setEvents(m_session->data() ? m_session->data()->events : QList<Event>{});
    m_model->setServiceSpans(m_session->data() ? m_session->data()->troubleSpans
                                               : QList<ServiceSpan>{});
    fillSites();
    markStale();
}

void EventLogPanel::grow(qsizetype newFrom)
{
    const auto &data = m_session->data();
    if (newFrom < 0)
        m_model->setEvents(data->events);
    else if (newFrom < data->events.size())
        m_model->growTo(data->events); // shared with the session's data: nothing copied
    m_model->setServiceSpans(data->troubleSpans);
    if (m_sites->count() <= 1 && !data->first.sites.isEmpty())
        fillSites(); // a live source sent its first topology
    markStale();
}

void EventLogPanel::setNode(const QString &node)
{
    m_filter->setNode(node);
    m_node->setText(node.isEmpty() ? QString() : tr("node: %1").arg(node));
    markStale();
}

qint64 EventLogPanel::stepFrom(qint64 timeMs, int direction) const
{
    // The events the log shows: with a kind (or node, site, text) filter set, the next event
    // of that kind.
    const int atOrBefore = m_filter->rowAtTime(timeMs);
    auto timeAt = [this](int row) {
        return m_filter->index(row, 0).data(EventLogModel::TimeRole).toLongLong();
    };
    if (direction > 0) {
        const int next = atOrBefore + 1;
        return next < m_filter->rowCount() ? timeAt(next) : -1;
    }
    for (int row = atOrBefore; row >= 0; --row) {
        if (timeAt(row) < timeMs)
            return timeAt(row);
    }
    return -1;
}

void EventLogPanel::markStale()
{
    // Other rows shown: the cursor's row is chosen again (and scrolled to) once, after this
    // batch of changes, whether or not the clock moves.
    if (std::exchange(m_stale, true))
        return;
    QMetaObject::invokeMethod(this, &EventLogPanel::refresh, Qt::QueuedConnection);
}

bool EventLogPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view->viewport() && event->type() == QEvent::Resize) {
        m_stale = true;
        refresh();
    }
    return QWidget::eventFilter(watched, event);
}

void EventLogPanel::showWhyEmpty()
{
    const bool empty = m_filter->rowCount() == 0 && m_model->rowCount() > 0;
    m_empty->setVisible(empty);
    if (!empty)
        return;
    QStringList filters;
    if (!m_filter->node().isEmpty())
        filters.append(tr("node %1").arg(m_filter->node()));
    if (!m_filter->site().isEmpty())
        filters.append(tr("site %1").arg(m_filter->site()));
    if (!m_filter->kinds().isEmpty())
        filters.append(kindGroups().join(QStringLiteral(", ")));
    if (!m_filter->text().isEmpty())
        filters.append(u'"' + m_filter->text() + u'"');
    m_empty->setText(tr("No event of the %1 matches: %2")
                         .arg(m_model->rowCount())
                         .arg(filters.join(QStringLiteral(" · "))));
    m_empty->setGeometry(m_view->viewport()->rect().adjusted(12, 8, -12, -8));
}

void EventLogPanel::refresh()
{
    const qint64 t = m_session->time();
    if (!m_stale && t == m_highlightedFor)
        return;
    if (m_stale)
        showWhyEmpty();
    const int row = m_filter->rowAtTime(t);
    const bool moved = m_stale || row != m_highlighted;
    m_stale = false;
    m_highlightedFor = t;
    if (!moved || !m_session->data())
        return;
    m_highlighted = row;
    if (row < 0) {
        m_view->clearSelection();
        m_view->scrollToTop();
        return;
    }
    const QModelIndex index = m_filter->index(row, 0);
    m_view->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect |
                                                QItemSelectionModel::Rows);
    m_view->scrollTo(index, m_session->following() ? QAbstractItemView::PositionAtBottom
                                                   : QAbstractItemView::EnsureVisible);
}

} // namespace warroom
