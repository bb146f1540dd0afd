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
    // Restarts the server with TLS: a certificate for 127.0.0.1 signed by a CA made here
    // (openssl), whose certificate is caFile(), for sslmode=verify-full.
    bool enableTls();
    QString caFile() const;
    // A streaming replica of this cluster (pg_basebackup, hot standby) on a port of its own:
    // its address for `incident`, or empty (error() says why).
    QString startReplica(const QString &incident);
    // psql as the cluster's superuser `warroom` on its database, stopping at the first error.
    bool psql(const QStringList &arguments);
    bool start();

private:
    bool run(const QStringList &command, QString *output = nullptr);

    QTemporaryDir m_dir;
    QString m_data;
    quint16 m_port = 0;
    QString m_error;
    QString m_serverOptions; // more -c settings (TLS)
    QString m_replicaData;   // a standby's folder, stopped with the cluster
    quint16 m_replicaPort = 0;
    bool m_started = false;
};

} // namespace warroom::test
