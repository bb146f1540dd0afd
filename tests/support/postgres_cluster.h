#pragma once

#include <QString>
#include <QTemporaryDir>

namespace warroom::test {

// A private PostgreSQL 15 cluster for one test: initdb in a temporary folder (as the
// unprivileged `postgres` user when the test runs as root: the server refuses root), a free
// loopback port, trust authentication for the test's own user `warroom`, stopped and removed
// with the object.
class PostgresCluster
{
public:
    PostgresCluster();
    ~PostgresCluster();

    bool ok() const { return m_error.isEmpty(); }
    const QString &error() const { return m_error; }
    quint16 port() const { return m_port; }
    // postgresql://127.0.0.1:PORT/warroom?user=warroom[&incident=NAME]
    QString address(const QString &incident = {}) const;
    // The server stopped (fast: clients are cut off) and started again on the same port.
    bool stop();
    // psql as the cluster's superuser `warroom` on its database, stopping at the first error.
    bool psql(const QStringList &arguments);
    bool start();

private:
    bool run(const QStringList &command, QString *output = nullptr);

    QTemporaryDir m_dir;
    QString m_data;
    quint16 m_port = 0;
    QString m_error;
    bool m_started = false;
};

} // namespace warroom::test
