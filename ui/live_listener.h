#pragma once

#include "core/live/ingest_server.h"

#include <QObject>
#include <QThread>

namespace warroom {

// The GUI's "Listen" and "Watch a Prometheus": an ingest server (and the sources feeding it) on a
// thread of its own, writing a live recording that the window follows. The UI thread never reads a
// socket or waits for a commit.
class LiveListener : public QObject
{
    Q_OBJECT

public:
    explicit LiveListener(QObject *parent = nullptr);
    ~LiveListener() override; // stops the server and closes its recording

    // Starts receiving into `path` (created when missing): started() or failed() follows.
    // With a Prometheus mapping (docs/prometheus.md), also watches the Prometheus and
    // Alertmanager it names; a new recording then starts with its scenario's topology.
    void start(const QString &path, const IngestOptions &options,
               const QString &prometheusMapping = {});
    void stop();
    bool listening() const { return m_listening; }

Q_SIGNALS:
    void started(const QString &path, quint16 port);
    void failed(const QString &message);

private:
    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread, owns the server
    bool m_listening = false;
};

} // namespace warroom
