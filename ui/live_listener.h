#pragma once

#include "core/live/live_session.h"

#include <QObject>
#include <QPointer>
#include <QThread>

namespace warroom {

// The GUI's "Listen", "Watch a Prometheus" and "Run a drill": an ingest server and the sources
// feeding it, on a thread of their own, writing a live recording that the window follows. The
// UI thread never reads a socket, waits for a commit or runs the simulator.
class LiveListener : public QObject
{
    Q_OBJECT

public:
    explicit LiveListener(QObject *parent = nullptr);
    ~LiveListener() override; // stops the server and closes its recording

    // Starts receiving into `path` (created when missing): started() or failed() follows.
    // A Prometheus mapping's scenario starts a new recording with its topology.
    void start(const QString &path, const IngestOptions &options, const LiveSources &sources = {});
    void stop();
    bool listening() const { return m_listening; }

    // A running drill: the fault is injected at its next tick; injected() says how it went.
    void inject(const DrillFault &fault);
    void reveal(const QString &by);

Q_SIGNALS:
    void started(const QString &path, quint16 port);
    void failed(const QString &message);
    void injected(const DrillFault &fault, const QString &error); // error empty: done
    void drillEnded();                                            // the scenario reached its end

private:
    void answerWaitingFaults(const QString &error);

    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread, owns the server
    QPointer<Drill> m_drill;      // lives on m_thread too
    bool m_listening = false;
    QList<DrillFault> m_waitingFaults; // asked for before the drill had started
};

} // namespace warroom
