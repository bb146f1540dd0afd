#include "event_log_model.h"

#include <QDateTime>

#include <algorithm>

namespace warroom {

EventLogModel::EventLogModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

void EventLogModel::setEvents(QList<Event> events)
{
    beginResetModel();
    m_events = std::move(events);
    endResetModel();
}

void EventLogModel::appendEvents(const QList<Event> &events)
{
    if (events.isEmpty())
        return;
    const int first = int(m_events.size());
    beginInsertRows({}, first, first + int(events.size()) - 1);
    m_events.append(events);
    endInsertRows();
}

int EventLogModel::rowAtTime(qint64 timeMs) const
{
    const auto after = std::upper_bound(m_events.cbegin(), m_events.cend(), timeMs,
                                        [](qint64 t, const Event &e) { return t < e.timeMs; });
    return int(after - m_events.cbegin()) - 1;
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Event &e = m_events[index.row()];
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(e.timeMs, Qt::UTC)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
        case Kind:
            return toString(e.kind);
        case Node:
            return e.node;
        case Site:
            return e.site;
        case Summary:
            return e.text;
        case ColumnCount:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        return e.text;
    case EventIdRole:
        return e.id;
    case TimeRole:
        return e.timeMs;
    case KindRole:
        return toString(e.kind);
    default:
        return {};
    }
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Time:
        return tr("Time (UTC)");
    case Kind:
        return tr("Kind");
    case Node:
        return tr("Node");
    case Site:
        return tr("Site");
    case Summary:
        return tr("What happened");
    case ColumnCount:
        break;
    }
    return {};
}

EventLogFilter::EventLogFilter(QObject *parent)
    : QSortFilterProxyModel(parent)
{}

void EventLogFilter::setKinds(const QSet<QString> &kinds)
{
    m_kinds = kinds;
    invalidateRowsFilter();
}

void EventLogFilter::setNode(const QString &node)
{
    m_node = node;
    invalidateRowsFilter();
}

void EventLogFilter::setSite(const QString &site)
{
    m_site = site;
    invalidateRowsFilter();
}

void EventLogFilter::setText(const QString &text)
{
    m_text = text.trimmed();
    invalidateRowsFilter();
}

bool EventLogFilter::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    const auto *model = static_cast<const EventLogModel *>(sourceModel());
    const Event &e = model->event(sourceRow);
    if (!m_kinds.isEmpty() && !m_kinds.contains(toString(e.kind)))
        return false;
    if (!m_node.isEmpty() && e.node != m_node)
        return false;
    if (!m_site.isEmpty() && e.site != m_site)
        return false;
    if (!m_text.isEmpty() && !e.text.contains(m_text, Qt::CaseInsensitive) &&
        !e.node.contains(m_text, Qt::CaseInsensitive) &&
        !e.subject.contains(m_text, Qt::CaseInsensitive))
        return false;
    return true;
}

} // namespace warroom
