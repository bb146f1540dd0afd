#pragma once

#include "core/events/event.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QToolButton;

namespace warroom {

class EventLogFilter;
class EventLogModel;
class ReplaySession;

// The recording's events under the map: a text search, kinds by the names people use
// ("Autoscaler decisions", several at once), a site, the selected node. The highlighted row is
// the last event shown at or before the cursor, under every filter, kept in view; following a
// live recording, new rows scroll into view. A click moves the cursor there.
class EventLogPanel : public QWidget
{
    Q_OBJECT

public:
    explicit EventLogPanel(ReplaySession *session, QWidget *parent = nullptr);

    void reset();                 // a new recording
    void grow(qsizetype newFrom); // the same one grown (-1: every event read again)
    void refresh();               // once per frame: the cursor's row
    void setNode(const QString &node);
    // The previous (-1) or next (+1) event shown, from the cursor; -1 when there is none.
    qint64 stepFrom(qint64 timeMs, int direction) const;
    // Kinds by group label ("Alerts"); none checked: every kind.
    void setKindGroups(const QStringList &labels);
    QStringList kindGroups() const;

    const EventLogModel *model() const { return m_model; }
    EventLogFilter *filter() const { return m_filter; }
    QTableView *view() const { return m_view; }
    int highlightedRow() const { return m_highlighted; } // in the filter's rows, -1: none

Q_SIGNALS:
    void seekRequested(qint64 timeMs);
    void addToTimelineRequested(const Event &event);

protected:
    // The table's viewport resized (shown, a splitter moved): the highlighted row into view.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void applyKinds();
    void fillSites();
    void markStale(); // the rows shown changed: the cursor's row again, on the next turn
    void showWhyEmpty();

    ReplaySession *m_session;
    EventLogModel *m_model;
    EventLogFilter *m_filter;
    QTableView *m_view;
    QLineEdit *m_search;
    QToolButton *m_kinds;
    QComboBox *m_sites;
    QLabel *m_node;
    QLabel *m_empty; // over the table when the filters leave no row
    int m_highlighted = -1;
    qint64 m_highlightedFor = -1; // the cursor time it was chosen for
    bool m_stale = true;          // the rows changed: choose again
};

} // namespace warroom
