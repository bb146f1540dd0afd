#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;

namespace warroom {

// File → Open shared incident…: a database's address (docs/shared.md), the incidents it holds
// (listed on a pool thread: the window never waits on the network; those being written now
// marked live), and the one to open. Opened from a shared incident, it starts on its database
// with that incident chosen; else on the database last listed.
class SharedIncidentDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SharedIncidentDialog(const QString &current = {}, QWidget *parent = nullptr);

    // The incident's address, postgresql://…?incident=NAME, once accepted.
    QString incidentAddress() const;

    void list(); // the incidents at the typed address

private:
    QLineEdit *m_database;
    QListWidget *m_incidents;
    QLabel *m_status;
    int m_listing = 0; // the newest listing asked for; older answers are dropped
    QString m_choose;  // the incident to choose once listed
};

} // namespace warroom
