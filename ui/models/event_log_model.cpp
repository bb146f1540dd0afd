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

const QList<EventKindGroup> &eventKindGroups()
{
    static const QList<EventKindGroup> groups = [] {
        auto names = [](std::initializer_list<EventKind> kinds) {
            QSet<QString> out;
            for (EventKind k : kinds)
                out.insert(toString(k));
            return out;
        };
        using K = EventKind;
        return QList<EventKindGroup>{
            {QObject::tr("Service state"), names({K::ServiceState})},
            {QObject::tr("Faults and fixes"),
             names({K::FaultStarted, K::FaultEnded, K::RuleAdded, K::RuleRemoved, K::RuleCorrected,
                    K::LinkDown, K::LinkUp, K::LinkDegraded, K::SiteDown, K::SiteUp, K::DnsFailover,
                    K::CapacityChanged})},
            {QObject::tr("Verdict changes"), names({K::VerdictChanged})},
            {QObject::tr("Alerts"), names({K::AlertFiring, K::AlertResolved})},
            {QObject::tr("Autoscaler decisions"), names({K::ScaleOut, K::ScaleIn, K::ScaleHeld})},
            {QObject::tr("Nodes starting and stopping"),
             names({K::NodeLaunched, K::NodeInService, K::NodeUnhealthy, K::NodeDraining,
                    K::NodeTerminated, K::NodeCrashed, K::NodeRestarted})},
            {QObject::tr("Backlogs"), names({K::BacklogStarted, K::BacklogDrained})},
            {QObject::tr("Probes"), names({K::ProbeObserved})},
            {QObject::tr("Notes by people"), names({K::Annotation})},
        };
    }();
    return groups;
}

int EventLogFilter::rowAtTime(qint64 timeMs) const
{
    // The filter keeps the source's time order: the last row at or before is a binary search.
    int low = 0, high = rowCount(); // the answer is in [low - 1, high)
    while (low < high) {
        const int mid = (low + high) / 2;
        if (index(mid, 0).data(EventLogModel::TimeRole).toLongLong() <= timeMs)
            low = mid + 1;
        else
            high = mid;
    }
    return low - 1;
}

} // namespace warroom
