#pragma once

#include <QObject>
#include <QString>

#include <atomic>
#include <thread>

namespace warroom {

// Follows a shared incident (docs/shared.md): LISTENs on its channel and says when a writer
// committed something (changed), when the server went away (connectionChanged false, why) and
// when it is back (connectionChanged true: read what came meanwhile). A thread of its own waits
// on the connection's socket, never on a timer; lost connections come back with backoff
// (0.25 s doubling to 10 s). On a streaming replica, where NOTIFY does not arrive, it watches
// the position the replica has replayed instead (twice a second, no table read). Signals
// arrive queued in the thread that made the follower.
class SharedFollower : public QObject
{
    Q_OBJECT

public:
    explicit SharedFollower(const QString &address, QObject *parent = nullptr);
    ~SharedFollower() override; // stops and joins the thread

    void start();

Q_SIGNALS:
    void changed(const QString &what); // "events,samples,meta,…", as the writer said
    void connectionChanged(bool connected, const QString &why);

private:
    void run();
    bool waitForWake(int timeoutMs); // true when told to stop

    QString m_address;
    std::thread m_thread;
    std::atomic<bool> m_stop{false};
    int m_wake[2] = {-1, -1}; // a pipe: the destructor writes, poll() returns
};

} // namespace warroom
