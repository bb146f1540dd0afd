#pragma once

#include "core/events/event.h"
#include "core/replay/service_status.h"

#include <QAbstractProxyModel>
#include <QAbstractTableModel>
#include <QSet>

namespace warroom {

// A recording's events for the event log, in time order. A thin adapter: events are set
// (reset) or appended in batches (one insert per batch, never per event).
class EventLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        Time,
        Service, // the service's state at the event's time (blank when ok)
        Kind,
        Node,
        Site,
        Summary,
        ColumnCount
    };
    enum Role
    {
        EventIdRole = Qt::UserRole,
        TimeRole, // ms since the epoch
        KindRole, // stored kind name
    };

    explicit EventLogModel(QObject *parent = nullptr);

    void setEvents(QList<Event> events);
    void appendEvents(const QList<Event> &events); // later than those held
    // The same events with more after them (a live recording's, shared, not copied): rows are
    // inserted for those that came.
    void growTo(QList<Event> all);
    // The stretches the service was not ok (serviceSpans): the Service column reads them.
    void setServiceSpans(QList<ServiceSpan> spans);
    ServiceState serviceStateAt(qint64 timeMs) const;
    const Event &eventAt(int row) const { return m_events[row]; }
    // The last row at or before `timeMs` (-1 when every event is later): the row a replay
    // cursor at that time selects.
    int rowAtTime(qint64 timeMs) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QList<Event> m_events;
    QList<ServiceSpan> m_spans; // in time order
};

// Kinds of events as people name them ("Autoscaler decisions"), for the log's kind filter.
struct EventKindGroup
{
    QString label;
    QSet<QString> kinds; // stored names
};
const QList<EventKindGroup> &eventKindGroups();

// Filters the event log by kind, node, site and a text search (all that are set must match).
// Keeps the source's time order, and the rows it shows as a list of source rows: an append to
// the source costs what was appended (a live feed), a new filter one pass over every event.
class EventLogFilter : public QAbstractProxyModel
{
    Q_OBJECT

public:
    explicit EventLogFilter(QObject *parent = nullptr);

    void setSourceModel(QAbstractItemModel *source) override; // an EventLogModel
    void setKinds(const QSet<QString> &kinds);                // stored names; empty: every kind
    void setNode(const QString &node);
    void setSite(const QString &site);
    void setText(const QString &text); // case-insensitive, in the summary, node or subject
    const QSet<QString> &kinds() const { return m_kinds; }
    const QString &node() const { return m_node; }
    const QString &site() const { return m_site; }
    const QString &text() const { return m_text; }
    // The last row shown at or before `timeMs` (-1 when every row shown is later): the row the
    // replay cursor at that time selects under the filter.
    int rowAtTime(qint64 timeMs) const;

    QModelIndex mapToSource(const QModelIndex &proxy) const override;
    QModelIndex mapFromSource(const QModelIndex &source) const override;
    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    bool accepts(const Event &e) const;
    void refilter(); // every source row again (a new filter), as a reset
    void collect();  // m_rows from every source row
    void appended(int first, int last);

    const EventLogModel *m_events = nullptr;
    QList<int> m_rows; // the source rows shown, ascending
    QSet<QString> m_kinds;
    QString m_node;
    QString m_site;
    QString m_text;
};

} // namespace warroom
