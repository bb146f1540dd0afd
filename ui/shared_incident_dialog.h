#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;

namespace warroom {

// File → Open shared incident…: a database's address (docs/shared.md), the incidents it holds
// (listed on a pool thread: the window never waits on the network), and the one to open.
class SharedIncidentDialog : public QDialog
{
    Q_OBJECT

public:
    explicit SharedIncidentDialog(QWidget *parent = nullptr);

    // The incident's address, postgresql://…?incident=NAME, once accepted.
    QString incidentAddress() const;

    void list(); // the incidents at the typed address

private:
    QLineEdit *m_database;
    QListWidget *m_incidents;
    QLabel *m_status;
    int m_listing = 0; // the newest listing asked for; older answers are dropped
};

} // namespace warroom
