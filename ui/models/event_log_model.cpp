#include "event_log_model.h"

#include "ui/palette.h"

#include <QDateTime>
#include <QJsonArray>

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
    if (m_events.capacity() < m_events.size() + events.size()) // doubling: appends stay cheap
        m_events.reserve(std::max(2 * m_events.size(), m_events.size() + events.size()));
    m_events.append(events);
    endInsertRows();
}

void EventLogModel::growTo(QList<Event> all)
{
    const int first = int(m_events.size());
    if (all.size() <= first) { // not grown: other events, as a reset says
        setEvents(std::move(all));
        return;
    }
    beginInsertRows({}, first, int(all.size()) - 1);
    m_events = std::move(all);
    endInsertRows();
}

void EventLogModel::setServiceSpans(QList<ServiceSpan> spans)
{
    if (spans == m_spans)
        return;
    m_spans = std::move(spans);
    if (!m_events.isEmpty())
        Q_EMIT dataChanged(index(0, Service), index(rowCount() - 1, Service));
}

ServiceState EventLogModel::serviceStateAt(qint64 timeMs) const
{
    // The last stretch that began at or before the time, if it has not ended.
    const auto after =
        std::upper_bound(m_spans.cbegin(), m_spans.cend(), timeMs,
                         [](qint64 t, const ServiceSpan &s) { return t < s.fromMs; });
    if (after == m_spans.cbegin())
        return ServiceState::Ok;
    const ServiceSpan &span = *std::prev(after);
    return timeMs < span.toMs ? span.state : ServiceState::Ok;
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
        case Service: {
            const ServiceState state = serviceStateAt(e.timeMs);
            return state == ServiceState::Ok ? QString() : toString(state);
        }
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
    case Qt::ToolTipRole: {
        // An alert from Alertmanager: what holds it back, and where it links to.
        QString tip = e.text;
        const auto silencedBy = e.details.value(QStringLiteral("silenced_by")).toArray();
        if (!silencedBy.isEmpty())
            tip += QObject::tr("\nsilenced by %1").arg(silencedBy.first().toString());
        if (!e.details.value(QStringLiteral("inhibited_by")).toArray().isEmpty())
            tip += QObject::tr("\ninhibited by another alert");
        for (const char *key : {"generator_url", "alertmanager_url"}) {
            const QString url = e.details.value(QLatin1StringView(key)).toString();
            if (!url.isEmpty())
                tip += u'\n' + url;
        }
        return tip;
    }
    case Qt::BackgroundRole: {
        // The service's state, as in the header: its column in the state's colour, and the
        // rows that changed it tinted.
        const ServiceState state = serviceStateAt(e.timeMs);
        if (index.column() == Service && state != ServiceState::Ok) {
            QColor tint = serviceStateColor(state);
            tint.setAlpha(110);
            return tint;
        }
        if (e.kind != EventKind::ServiceState)
            return {};
        QColor tint = serviceStateColor(e.subject == u"outage"     ? ServiceState::Outage
                                        : e.subject == u"degraded" ? ServiceState::Degraded
                                                                   : ServiceState::Ok);
        tint.setAlpha(45);
        return tint;
    }
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
    case Service:
        return tr("Service");
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
    : QAbstractProxyModel(parent)
{}

void EventLogFilter::setSourceModel(QAbstractItemModel *source)
{
    if (sourceModel())
        disconnect(sourceModel(), nullptr, this, nullptr);
    QAbstractProxyModel::setSourceModel(source);
    m_events = qobject_cast<const EventLogModel *>(source);
    Q_ASSERT(!source || m_events);
    if (!source)
        return;
    // A source reset is this one's too: it begins before the source's rows change.
    connect(source, &QAbstractItemModel::modelAboutToBeReset, this, [this] {
        beginResetModel();
        m_rows.clear();
    });
    connect(source, &QAbstractItemModel::modelReset, this, [this] {
        collect();
        endResetModel();
    });
    connect(source, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) { appended(first, last); });
    connect(source, &QAbstractItemModel::dataChanged, this, [this] {
        if (rowCount() > 0)
            Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
    });
    refilter();
}

void EventLogFilter::setKinds(const QSet<QString> &kinds)
{
    if (std::exchange(m_kinds, kinds) != kinds)
        refilter();
}

void EventLogFilter::setNode(const QString &node)
{
    if (std::exchange(m_node, node) != node)
        refilter();
}

void EventLogFilter::setSite(const QString &site)
{
    if (std::exchange(m_site, site) != site)
        refilter();
}

void EventLogFilter::setText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (std::exchange(m_text, trimmed) != trimmed)
        refilter();
}

bool EventLogFilter::accepts(const Event &e) const
{
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

void EventLogFilter::refilter()
{
    beginResetModel();
    collect();
    endResetModel();
}

void EventLogFilter::collect()
{
    m_rows.clear();
    const int count = m_events ? m_events->rowCount() : 0;
    for (int row = 0; row < count; ++row) {
        if (accepts(m_events->eventAt(row)))
            m_rows.append(row);
    }
}

void EventLogFilter::appended(int first, int last)
{
    if (!m_rows.isEmpty() && first <= m_rows.last()) {
        refilter(); // not at the end: the source's order changed under us
        return;
    }
    QList<int> rows;
    for (int row = first; row <= last; ++row) {
        if (accepts(m_events->eventAt(row)))
            rows.append(row);
    }
    if (rows.isEmpty())
        return;
    const int at = int(m_rows.size());
    beginInsertRows({}, at, at + int(rows.size()) - 1);
    m_rows += rows;
    endInsertRows();
}

QModelIndex EventLogFilter::mapToSource(const QModelIndex &proxy) const
{
    if (!proxy.isValid() || !m_events || proxy.row() >= m_rows.size())
        return {};
    return m_events->index(m_rows[proxy.row()], proxy.column());
}

QModelIndex EventLogFilter::mapFromSource(const QModelIndex &source) const
{
    if (!source.isValid())
        return {};
    const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), source.row());
    if (it == m_rows.cend() || *it != source.row())
        return {};
    return index(int(it - m_rows.cbegin()), source.column());
}

QModelIndex EventLogFilter::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || row >= m_rows.size() || column < 0 ||
        column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex EventLogFilter::parent(const QModelIndex &) const
{
    return {};
}

int EventLogFilter::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventLogFilter::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : EventLogModel::ColumnCount;
}

QVariant EventLogFilter::headerData(int section, Qt::Orientation orientation, int role) const
{
    // The same columns as the source's, whatever rows are shown (none, even).
    return m_events ? m_events->headerData(section, orientation, role) : QVariant();
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
            {QObject::tr("Alerts"), names({K::AlertFiring, K::AlertResolved, K::AlertSilenced})},
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
    const auto after =
        std::upper_bound(m_rows.cbegin(), m_rows.cend(), timeMs,
                         [this](qint64 t, int row) { return t < m_events->eventAt(row).timeMs; });
    return int(after - m_rows.cbegin()) - 1;
}

} // namespace warroom
