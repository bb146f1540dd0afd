#pragma once

#include "core/util/result.h"
#include "feed_protocol.h"

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

class QTcpServer;
class QTimer;
class QTcpSocket;

namespace warroom {

class RecordingWriter;
class RecordingSink;
struct Scenario;

// Starts a new live recording at `path`: the scenario's topology is its first version, now.
Result<bool> createLiveRecording(const QString &path, const Scenario &scenario,
                                 const QString &source);

// How often a live writer marks the recording as still written (meta heartbeat_ms).
constexpr int kHeartbeatMs = 2000;

struct IngestOptions
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 0; // 0: any free port
    QString token;    // required from clients when not empty (and off loopback)
    int maxConnections = 256;
    int maxPerAddress = 64;                 // from one address (loopback counts as one)
    qsizetype readBufferBytes = 256 * 1024; // per connection: beyond it TCP pushes back
    // Times a client may send (docs/feed-protocol.md): not before the recording's start (as it
    // was when the server started) by more than maxPastMs — a replay of an old incident moves
    // the start back, a clock in seconds or a 1970 default does not —, not beyond the server's
    // clock by more than maxAheadMs.
    qint64 maxPastMs = 10958LL * 24 * 3600 * 1000; // 30 years
    qint64 maxAheadMs = 24LL * 3600 * 1000;
    // A connection with no complete line accepted for this long is closed; one that has not
    // finished its first line within firstLineMs too (a slow or silent client holds a slot).
    int idleTimeoutMs = 300'000;
    int firstLineMs = 10'000;
    // What the recording's writer says while a write waits (a shared database gone away), on
    // the writer's thread (RecordingWriter::setNotices).
    std::function<void(const QString &)> storeNotice;
};

// Metadata only the server writes (a client's `meta` line for one is refused): what the
// recording is, where its range lies, whether it is live, its hashes, a drill's settings.
bool serverOwnedMeta(const QString &key);

// Receives the feed protocol (docs/feed-protocol.md) over TCP and appends everything to a
// recording through its one writer. A batch is acknowledged ({"ack": n}) only once committed;
// a bad line is answered with an error naming it, and the connection stays. A connection is
// read only as fast as the recording takes it: TCP's flow control holds a fast sender back.
// Runs in the thread that starts it (its event loop).
class IngestServer : public QObject
{
    Q_OBJECT

public:
    ~IngestServer() override;

    // Opens (creating it when missing) the recording at `path` and listens.
    static Result<std::unique_ptr<IngestServer>> start(const QString &path,
                                                       const IngestOptions &options);
    quint16 port() const;
    QString path() const { return m_path; }
    qint64 stored() const { return m_stored; }       // lines accepted so far
    qint64 committed() const { return m_committed; } // ... and committed
    int connections() const { return int(m_clients.size()); }
    // Stops listening, ends the series, commits and closes the recording.
    Result<bool> close();
    // A source in this process (Prometheus, Alertmanager, a drill) appends a message as a
    // client's line would be; committed with the next batch. The error says why it is refused.
    std::optional<QString> append(feed::Message message);

Q_SIGNALS:
    void committedChanged(qint64 committed);
    // What the server told a client it would not take: line N of the connection from `peer`
    // ("10.0.0.5:41234"), or the connection itself (line 0: closed, or refused on arrival).
    void refused(const QString &peer, qint64 line, const QString &why);

private:
    struct Client;
    IngestServer() = default;
    void accept();
    void read(Client &client);
    void handle(Client &client, const QByteArray &line);
    std::optional<QString> store(feed::Message message); // the error, if refused
    void reject(Client &client, const QString &why);     // {"error": why, "line": its number}
    std::optional<QString> refusedFromClient(const feed::Message &message) const;
    void closeIdle(); // connections silent for too long
    // Room for a newcomer from `address` when full: the connection idle longest (from that
    // address when it holds its share) is closed. Why not, when every one is busy.
    std::optional<QString> makeRoom(const QHostAddress &address);
    void closeClient(Client &client, const QString &why);
    void beat();       // the heartbeat, committed with the next commit
    void writeRange(); // start_ms and end_ms as the data received moved them
    void scheduleCommit();
    void commit();
    void drop(QTcpSocket *socket);

    QString m_path;
    IngestOptions m_options;
    std::unique_ptr<RecordingWriter> m_writer;
    std::unique_ptr<RecordingSink> m_sink;
    QTcpServer *m_server = nullptr;
    QTimer *m_heartbeat = nullptr;
    QHash<QTcpSocket *, std::shared_ptr<Client>> m_clients;
    struct OpenSeries
    {
        int handle = -1; // the sink's
        qint64 startMs = 0;
        qint64 intervalMs = 1000;
        qint64 count = 0; // samples so far: the series' end moves the recording's
    };
    QHash<QString, OpenSeries> m_series; // by key
    qint64 m_stored = 0;
    qint64 m_committed = 0;
    qint64 m_startMs = 0;
    qint64 m_earliestAllowedMs = 0;                           // the server's start minus maxPastMs
    qint64 m_earliestMs = std::numeric_limits<qint64>::max(); // of everything received
    qint64 m_endMs = 0;
    bool m_commitScheduled = false;
    QElapsedTimer m_sinceCommit;
    bool m_closed = false;
};

} // namespace warroom
