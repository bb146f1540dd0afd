#pragma once

#include "core/live/prometheus_mapping.h"

#include <QHash>
#include <QObject>
#include <QTcpServer>
#include <QTemporaryDir>

#include <memory>

class QProcess;

namespace warroom::test {

quint16 freePort();

// A service that is up: accepts connections on loopback and closes them.
class Listener : public QTcpServer
{
public:
    explicit Listener(quint16 port);
};

// Real monitoring daemons (Debian's Prometheus, exporters, Alertmanager) started by a test in
// a temporary folder on free loopback ports, stopped with it. scripts/install-deps installs
// them.
class MonitoringStack : public QObject
{
public:
    MonitoringStack();
    ~MonitoringStack() override;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    quint16 port(const QString &name); // a free port, the same for a name each time
    QString at(const QString &name) { return u"127.0.0.1:" + QString::number(port(name)); }
    bool write(const QString &name, const QByteArray &text) const;

    // Starts (or starts again) a daemon; its output goes to NAME.log.
    QProcess *start(const QString &name, const QString &program, const QStringList &arguments);
    void kill(const QString &name);
    QProcess *daemon(const QString &name) const { return m_daemons.value(name); }

    // Waits until `server` answers `promql` with at least `results` results.
    bool waitForResults(const HttpServer &server, const QString &promql, int results,
                        int timeoutMs);
    // GET or POST on a server; the status and the body.
    std::pair<int, QByteArray> request(const HttpServer &server, const QString &path,
                                       const QByteArray &postJson = {});

private:
    QTemporaryDir m_dir;
    QHash<QString, quint16> m_ports;
    QHash<QString, QProcess *> m_daemons;
    QHash<QString, std::pair<QString, QStringList>> m_commands;
};

} // namespace warroom::test
