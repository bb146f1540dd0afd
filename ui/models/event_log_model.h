#pragma once

#include "core/events/event.h"

#include <QAbstractTableModel>
#include <QSet>
#include <QSortFilterProxyModel>

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
    const Event &event(int row) const { return m_events[row]; }
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
};

// Kinds of events as people name them ("Autoscaler decisions"), for the log's kind filter.
struct EventKindGroup
{
    QString label;
    QSet<QString> kinds; // stored names
};
const QList<EventKindGroup> &eventKindGroups();

// Filters the event log by kind, node, site and a text search (all that are set must match).
class EventLogFilter : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit EventLogFilter(QObject *parent = nullptr);

    void setKinds(const QSet<QString> &kinds); // stored names; empty: every kind
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

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QSet<QString> m_kinds;
    QString m_node;
    QString m_site;
    QString m_text;
};

} // namespace warroom
