#include "ingest_server.h"

#include "core/model/topology_json.h"
#include "core/scenario/scenario.h"
#include "core/store/recording.h"
#include "core/store/recording_sink.h"
#include "core/store/recording_writer.h"
#include "core/store/shared_address.h"
#include "core/util/quoted.h"
#include "feed_protocol.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace warroom {

namespace {
constexpr qsizetype kMaxUnsentBytes = 1 << 20; // a client that never reads its acks is dropped
constexpr int kFlushWaitMs = 2000; // longer: the writer waits for space, the server goes on
constexpr qint64 kSamplesCommitGapMs = 200; // between commits that rewrite partial chunks
constexpr qint64 kEvictableIdleMs = 2000;   // a connection this quiet may make room for another
constexpr qint64 kNewcomerGraceMs = 250;    // ... one with nothing taken yet, once this old
constexpr int kIdleCheckMs = 1000;

QString seconds(qint64 ms)
{
    if (ms % 1000 == 0)
        return QString::number(ms / 1000) + u" s";
    return QString::number(ms) + u" ms";
}

// What every new live recording starts with: its format, its source, a range beginning now.
void beginLiveRecording(RecordingWriter &w, const QString &source, qint64 nowMs)
{
    w.setMeta(QStringLiteral("format"), QStringLiteral("warroom-recording"));
    w.setMeta(QStringLiteral("source"), source);
    w.setMeta(QStringLiteral("start_ms"), QString::number(nowMs));
    w.setMeta(QStringLiteral("end_ms"), QString::number(nowMs));
}

} // namespace

struct IngestServer::Client
{
    QTcpSocket *socket = nullptr;
    QByteArray partial;      // a line not complete yet
    bool discarding = false; // the rest of a line too long to keep
    qint64 lines = 0;        // lines received
    qint64 accepted = 0;     // ... stored
    qint64 acked = 0;        // ... acknowledged
    bool greeted = false;    // the token was given (or none is needed)
    bool anyLine = false;    // a complete line came
    QElapsedTimer quiet;     // since the last line accepted (or since connected)
    QElapsedTimer age;       // since connected
};

namespace {

QString peerOf(const QTcpSocket &socket)
{
    const QHostAddress address = socket.peerAddress();
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? u'[' + address.toString() + u']'
                             : address.toString();
    return host + u':' + QString::number(socket.peerPort());
}

// Compared in time that does not depend on where they differ (their digests are).
bool sameSecret(const QString &given, const QString &expected)
{
    const QByteArray a = QCryptographicHash::hash(given.toUtf8(), QCryptographicHash::Sha256);
    const QByteArray b = QCryptographicHash::hash(expected.toUtf8(), QCryptographicHash::Sha256);
    unsigned char differ = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        differ |= static_cast<unsigned char>(a[i] ^ b[i]);
    return differ == 0;
}

} // namespace

bool serverOwnedMeta(const QString &key)
{
    static const QStringList owned{QStringLiteral("format"),      QStringLiteral("source"),
                                   QStringLiteral("start_ms"),    QStringLiteral("end_ms"),
                                   QStringLiteral("live"),        QStringLiteral("heartbeat_ms"),
                                   QStringLiteral("events_hash"), QStringLiteral("samples_hash"),
                                   QStringLiteral("schema"),      QStringLiteral("writer")};
    return owned.contains(key) || key.startsWith(u"drill");
}

Result<bool> createLiveRecording(const QString &path, const Scenario &scenario,
                                 const QString &source)
{
    auto writer = RecordingWriter::create(path);
    if (!writer)
        return writer.errors();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    RecordingWriter &w = *writer.value();
    beginLiveRecording(w, source, now);
    w.setMeta(QStringLiteral("scenario_name"), scenario.name);
    w.setMeta(QStringLiteral("scenario_title"), scenario.title);
    // The thresholds observed states (SLIs) are held to, for the summary and the charts.
    w.setMeta(QStringLiteral("outage_above"), QString::number(scenario.serviceLevel.outageAbove));
    w.setMeta(QStringLiteral("degraded_above"),
              QString::number(scenario.serviceLevel.degradedAbove));
    w.addTopologyVersion(now, QStringLiteral("scenario"), topologyToJsonBytes(scenario.topology));
    return w.close();
}

IngestServer::~IngestServer()
{
    close();
}

Result<std::unique_ptr<IngestServer>> IngestServer::start(const QString &path,
                                                          const IngestOptions &options)
{
    if (options.token.isEmpty() && options.address != QHostAddress::LocalHost &&
        options.address != QHostAddress::LocalHostIPv6)
        return Error{u"listening on " + options.address.toString() +
                         u" (not loopback) needs a token",
                     {},
                     0,
                     0};
    const auto found = Recording::exists(path);
    if (!found)
        return found.errors();
    const bool exists = found.value();
    // Where the recording begins: data from before moves it (a feed replaying an old incident).
    qint64 startMs = QDateTime::currentMSecsSinceEpoch();
    if (exists) {
        auto existing = Recording::open(path);
        if (!existing)
            return existing.errors();
        // Marked read-only is read-only, to root too (who could write it anyway).
        if (const QString readOnly = existing.value()->postMortemsReadOnly();
            !isSharedAddress(path) && !readOnly.isEmpty())
            return Error{u"cannot append to it: " + readOnly, path, 0, 0};
        startMs = existing.value()->startMs();
    }
    auto writer =
        exists ? RecordingWriter::openForAppend(path, true) : RecordingWriter::create(path);
    if (!writer)
        return writer.errors();
    std::unique_ptr<IngestServer> server(new IngestServer);
    server->m_path = path;
    server->m_startMs = startMs;
    server->m_earliestAllowedMs = startMs - options.maxPastMs;
    server->m_options = options;
    server->m_writer = std::move(writer.value());
    server->m_writer->setNotices(options.storeNotice);
    server->m_writer->setWaitForSpace(true); // a full disk pauses the feed, loses nothing
    server->m_sink = std::make_unique<RecordingSink>(*server->m_writer);
    if (!exists)
        beginLiveRecording(*server->m_writer, QStringLiteral("feed"), startMs);
    server->m_writer->setMeta(QStringLiteral("live"), QStringLiteral("1"));
    server->beat();
    if (auto flushed = server->m_writer->flush(); !flushed)
        return flushed.errors();
    server->m_server = new QTcpServer(server.get());
    server->m_server->setMaxPendingConnections(options.maxConnections);
    server->m_server->setListenBacklogSize(options.maxConnections);
    if (!server->m_server->listen(options.address, options.port))
        return Error{u"cannot listen on " + options.address.toString() + u':' +
                         QString::number(options.port) + u": " + server->m_server->errorString(),
                     {},
                     0,
                     0};
    connect(server->m_server, &QTcpServer::newConnection, server.get(), &IngestServer::accept);
    // A sign of life in the recording: a reader tells a writer that was killed from a quiet one.
    server->m_heartbeat = new QTimer(server.get());
    connect(server->m_heartbeat, &QTimer::timeout, server.get(), [ingest = server.get()] {
        ingest->beat();
        ingest->scheduleCommit();
    });
    server->m_heartbeat->start(kHeartbeatMs);
    auto *idle = new QTimer(server.get());
    connect(idle, &QTimer::timeout, server.get(), &IngestServer::closeIdle);
    idle->start(std::min({kIdleCheckMs, options.idleTimeoutMs, options.firstLineMs}));
    return server;
}

quint16 IngestServer::port() const
{
    return m_server ? m_server->serverPort() : 0;
}

void IngestServer::accept()
{
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        if (const std::optional<QString> full = makeRoom(socket->peerAddress())) {
            Q_EMIT refused(peerOf(*socket), 0, *full);
            socket->write(QJsonDocument(QJsonObject{{QStringLiteral("error"), *full},
                                                    {QStringLiteral("line"), 0}})
                              .toJson(QJsonDocument::Compact) +
                          '\n');
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        auto client = std::make_shared<Client>();
        client->socket = socket;
        client->quiet.start();
        client->age.start();
        client->greeted = m_options.token.isEmpty();
        socket->setReadBufferSize(m_options.readBufferBytes);
        m_clients.insert(socket, client);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            if (auto it = m_clients.find(socket); it != m_clients.end()) {
                const std::shared_ptr<Client> keep = *it; // handle() may drop it meanwhile
                read(*keep);
            }
        });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] { drop(socket); });
    }
}

std::optional<QString> IngestServer::makeRoom(const QHostAddress &address)
{
    int fromThere = 0;
    for (const auto &client : std::as_const(m_clients))
        fromThere += client->socket->peerAddress().isEqual(address);
    const bool addressFull = fromThere >= m_options.maxPerAddress;
    if (!addressFull && m_clients.size() < m_options.maxConnections)
        return std::nullopt;
    // First one that never had a line taken, the oldest (a feeder's first line is taken at
    // once; a connection that holds a slot silently, or sends only what is refused, never), if
    // it had a moment to speak; else the one quiet longest.
    Client *quietest = nullptr;
    auto evictable = [](const Client &c) {
        return c.accepted == 0 ? c.age.elapsed() >= kNewcomerGraceMs
                               : c.quiet.elapsed() >= kEvictableIdleMs;
    };
    auto before = [](const Client &a, const Client &b) {
        if ((a.accepted == 0) != (b.accepted == 0))
            return a.accepted == 0;
        return a.accepted == 0 ? a.age.elapsed() > b.age.elapsed()
                               : a.quiet.elapsed() > b.quiet.elapsed();
    };
    for (const auto &client : std::as_const(m_clients)) {
        if (addressFull && !client->socket->peerAddress().isEqual(address))
            continue;
        if (evictable(*client) && (!quietest || before(*client, *quietest)))
            quietest = client.get();
    }
    if (!quietest)
        return addressFull ? QStringLiteral("too many connections from this address")
                           : QStringLiteral("too many connections"); // all busy
    closeClient(*quietest, QStringLiteral("closed to make room for another connection: no line "
                                          "taken for %1 s")
                               .arg(double(quietest->quiet.elapsed()) / 1000.0, 0, 'f', 1));
    return std::nullopt;
}

void IngestServer::closeIdle()
{
    QList<Client *> silent;
    for (const auto &client : std::as_const(m_clients)) {
        const qint64 quiet = client->quiet.elapsed();
        // Nothing taken soon after connecting (silence, or only what is refused): closed.
        if (quiet > m_options.idleTimeoutMs ||
            (client->accepted == 0 && quiet > m_options.firstLineMs))
            silent.append(client.get());
    }
    for (Client *client : silent)
        closeClient(*client, client->accepted > 0 ? QString(u"closed: no line accepted for " +
                                                            seconds(m_options.idleTimeoutMs))
                             : client->anyLine
                                 ? QString(u"closed: no line accepted within " +
                                           seconds(m_options.firstLineMs) + u" of connecting")
                                 : QString(u"closed: no complete line within " +
                                           seconds(m_options.firstLineMs) + u" of connecting"));
}

void IngestServer::closeClient(Client &client, const QString &why)
{
    QTcpSocket *socket = client.socket;
    Q_EMIT refused(peerOf(*socket), 0, why);
    // Of the connection, not of a line (line 0): the line it was at may have been taken.
    client.socket->write(
        QJsonDocument(QJsonObject{{QStringLiteral("error"), why}, {QStringLiteral("line"), 0}})
            .toJson(QJsonDocument::Compact) +
        '\n');
    socket->disconnectFromHost();
    if (m_clients.remove(socket)) // the client is gone from here on
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    if (socket->state() == QAbstractSocket::UnconnectedState)
        socket->deleteLater();
    else // one that does not read what is still to be sent is not waited for
        QTimer::singleShot(5000, socket, [socket] { socket->abort(); });
}

void IngestServer::drop(QTcpSocket *socket)
{
    if (m_clients.remove(socket))
        socket->deleteLater();
}

void IngestServer::read(Client &client)
{
    const QByteArray chunk = client.socket->readAll();
    qsizetype from = 0;
    while (from < chunk.size()) {
        const qsizetype newline = chunk.indexOf('\n', from);
        const qsizetype end = newline < 0 ? chunk.size() : newline;
        if (client.discarding) {
            if (newline >= 0)
                client.discarding = false;
        } else {
            client.partial.append(chunk.constData() + from, end - from);
            if (client.partial.size() > feed::kMaxLineBytes) {
                // Too long to keep: answer once, skip to its end.
                ++client.lines;
                reject(client, QStringLiteral("longer than %1 bytes").arg(feed::kMaxLineBytes));
                client.partial.clear();
                client.discarding = newline < 0;
            } else if (newline >= 0) {
                ++client.lines;
                handle(client, std::exchange(client.partial, {}));
                if (!m_clients.contains(client.socket))
                    return; // dropped (no token)
            }
        }
        from = newline < 0 ? chunk.size() : newline + 1;
    }
    if (client.socket->bytesToWrite() > kMaxUnsentBytes) {
        // Nothing can be said to it any more: said to whoever runs the server only.
        Q_EMIT refused(peerOf(*client.socket), 0,
                       QStringLiteral("closed: it does not read the server's replies"));
        client.socket->abort();
        return;
    }
    scheduleCommit();
}

void IngestServer::handle(Client &client, const QByteArray &line)
{
    if (line.trimmed().isEmpty()) { // an empty line keeps a quiet feeder's connection
        if (client.greeted)
            client.quiet.restart();
        return;
    }
    client.anyLine = true;
    auto reply = [&](const QString &error) { reject(client, error); };
    auto parsed = feed::parseLine(line);
    if (!client.greeted) {
        // Told why before the connection closes (closeClient lets the reply go out first).
        const auto *message = std::get_if<feed::Message>(&parsed);
        const auto *hello = message ? std::get_if<feed::Hello>(message) : nullptr;
        if (!hello) {
            closeClient(client, QStringLiteral("closed: this server wants a token; the first line "
                                               "must be {\"type\":\"hello\",\"token\":\"...\"}"));
            return;
        }
        if (!sameSecret(hello->token, m_options.token)) {
            closeClient(client, QStringLiteral("closed: wrong token"));
            return;
        }
    }
    if (auto *error = std::get_if<QString>(&parsed)) {
        reply(*error);
        return;
    }
    feed::Message &message = std::get<feed::Message>(parsed);
    if (!client.greeted) {
        client.greeted = true;
        ++client.accepted;
        client.quiet.restart();
        return;
    }
    if (auto refused = refusedFromClient(message)) {
        reply(*refused);
        return;
    }
    if (auto error = store(std::move(message))) {
        reply(*error);
        return;
    }
    ++client.accepted;
    client.quiet.restart();
}

// What a client may not send, though a source in this process may: times outside the window,
// metadata the server owns.
std::optional<QString> IngestServer::refusedFromClient(const feed::Message &message) const
{
    const qint64 latest = QDateTime::currentMSecsSinceEpoch() + m_options.maxAheadMs;
    auto outside = [&](qint64 t, const QString &what) -> std::optional<QString> {
        if (t >= m_earliestAllowedMs && t <= latest)
            return std::nullopt;
        const auto utc = [](qint64 ms) {
            return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
        };
        if (t < m_earliestAllowedMs) {
            // A time in seconds (a common slip) would fit once made milliseconds: say so.
            const bool seconds = t > 0 && t < latest / 1000 && t * 1000 >= m_earliestAllowedMs;
            return what + u" " + QString::number(t) + u" is before " + utc(m_earliestAllowedMs) +
                   u" (the recording's start less the server's --max-past)" +
                   (seconds ? QStringLiteral("; it looks like seconds: times are milliseconds")
                            : QString());
        }
        return what + u" " + QString::number(t) + u" is after " + utc(latest) +
               u" (now and the server's --max-ahead)";
    };
    if (const auto *e = std::get_if<Event>(&message))
        return outside(e->timeMs, QStringLiteral("time_ms"));
    if (const auto *t = std::get_if<feed::TopologyMessage>(&message))
        return outside(t->timeMs, QStringLiteral("time_ms"));
    if (const auto *info = std::get_if<SeriesInfo>(&message)) {
        if (info->intervalMs > 24LL * 3600 * 1000)
            return QStringLiteral("interval_ms above a day");
        return outside(info->startMs, QStringLiteral("start_ms"));
    }
    if (const auto *samples = std::get_if<feed::Samples>(&message)) {
        const auto it = m_series.constFind(samples->key);
        if (it == m_series.cend())
            return std::nullopt; // store() says it is not declared
        const qint64 last = it->startMs + (it->count + samples->values.size() - 1) * it->intervalMs;
        if (last > latest)
            return u"the samples reach " +
                   QDateTime::fromMSecsSinceEpoch(last, Qt::UTC).toString(Qt::ISODate) +
                   u", beyond now and the server's --max-ahead";
        return std::nullopt;
    }
    if (const auto *meta = std::get_if<feed::Meta>(&message); meta && serverOwnedMeta(meta->key))
        return u"meta " + quotedForMessage(meta->key) + u" is the server's to set";
    return std::nullopt;
}

std::optional<QString> IngestServer::store(feed::Message message)
{
    if (auto *e = std::get_if<Event>(&message)) {
        m_endMs = std::max(m_endMs, e->timeMs);
        m_earliestMs = std::min(m_earliestMs, e->timeMs);
        e->details.insert(QStringLiteral("received_ms"), QDateTime::currentMSecsSinceEpoch());
        m_sink->event(std::move(*e));
    } else if (auto *info = std::get_if<SeriesInfo>(&message)) {
        if (m_series.contains(info->key))
            return u"series " + quotedForMessage(info->key, 80) + u" is already declared";
        m_series.insert(info->key,
                        OpenSeries{m_sink->beginSeries(*info), info->startMs, info->intervalMs, 0});
    } else if (auto *samples = std::get_if<feed::Samples>(&message)) {
        const auto it = m_series.find(samples->key);
        if (it == m_series.end())
            return u"series " + quotedForMessage(samples->key, 80) +
                   u" is not declared (send a \"series\" line first)";
        for (float v : samples->values)
            m_sink->sample(it->handle, v);
        m_earliestMs = std::min(m_earliestMs, it->startMs);
        it->count += samples->values.size();
        m_endMs = std::max(m_endMs, it->startMs + (it->count - 1) * it->intervalMs);
    } else if (auto *topology = std::get_if<feed::TopologyMessage>(&message)) {
        m_endMs = std::max(m_endMs, topology->timeMs);
        m_earliestMs = std::min(m_earliestMs, topology->timeMs);
        m_sink->topologyVersion(topology->timeMs, topology->reason, topology->json);
    } else if (auto *meta = std::get_if<feed::Meta>(&message)) {
        m_writer->setMeta(meta->key, meta->value);
    }
    ++m_stored;
    return std::nullopt;
}

std::optional<QString> IngestServer::append(feed::Message message)
{
    if (m_closed)
        return QStringLiteral("the recording is closed");
    auto error = store(std::move(message));
    scheduleCommit();
    return error;
}

void IngestServer::reject(Client &client, const QString &why)
{
    Q_EMIT refused(peerOf(*client.socket), client.lines, why);
    client.socket->write(QJsonDocument(QJsonObject{{QStringLiteral("error"), why},
                                                   {QStringLiteral("line"), client.lines}})
                             .toJson(QJsonDocument::Compact) +
                         '\n');
}

void IngestServer::writeRange()
{
    if (m_earliestMs < m_startMs) {
        m_startMs = m_earliestMs;
        m_writer->setMeta(QStringLiteral("start_ms"), QString::number(m_startMs));
    }
    if (m_endMs > 0)
        m_writer->setMeta(QStringLiteral("end_ms"), QString::number(std::max(m_endMs, m_startMs)));
}

void IngestServer::beat()
{
    m_writer->setMeta(QStringLiteral("heartbeat_ms"),
                      QString::number(QDateTime::currentMSecsSinceEpoch()));
}

void IngestServer::scheduleCommit()
{
    if (m_commitScheduled || m_closed)
        return;
    m_commitScheduled = true;
    // After the sockets ready now were read: one commit for all of them. A commit rewrites the
    // chunk each growing series is filling, so while samples come commits are spaced out.
    const qint64 gap = m_sink->seriesGrew() ? kSamplesCommitGapMs : 0;
    const qint64 since = m_sinceCommit.isValid() ? m_sinceCommit.elapsed() : gap;
    QTimer::singleShot(int(std::max<qint64>(0, gap - since)), this, &IngestServer::commit);
}

void IngestServer::commit()
{
    m_commitScheduled = false;
    if (m_closed)
        return;
    m_sinceCommit.restart();
    m_sink->handOver(true);
    writeRange();
    QElapsedTimer flushing;
    flushing.start();
    const Result<bool> committed = m_writer->flush(kFlushWaitMs);
    if (committed && !committed.value()) {
        // A full disk waited out by the writer: nothing is acknowledged until it is written.
        // The clients' silence does not count meanwhile; ask again shortly.
        for (const auto &client : std::as_const(m_clients))
            client->quiet.restart();
        scheduleCommit();
        return;
    }
    const bool flushed = bool(committed);
    // The server itself waited (a shared database away): its clients were not quiet meanwhile,
    // they were not read. Their silence counts from now.
    if (flushing.elapsed() > kEvictableIdleMs) {
        for (const auto &client : std::as_const(m_clients))
            client->quiet.restart();
    }
    if (!flushed)
        return; // the writer keeps its error; nothing is acknowledged
    m_committed = m_stored;
    for (const auto &client : std::as_const(m_clients)) {
        if (client->accepted == client->acked)
            continue;
        client->acked = client->accepted;
        client->socket->write(QJsonDocument(QJsonObject{{QStringLiteral("ack"), client->acked}})
                                  .toJson(QJsonDocument::Compact) +
                              '\n');
    }
    Q_EMIT committedChanged(m_committed);
}

Result<bool> IngestServer::close()
{
    if (m_closed)
        return true;
    m_closed = true;
    m_writer->beginClose(); // its last words must not wait behind a full disk's backlog
    if (m_heartbeat)
        m_heartbeat->stop();
    if (m_server)
        m_server->close();
    // Aborting a socket says "disconnected" at once, which drops it from m_clients: take them
    // out first.
    const auto clients = std::exchange(m_clients, {});
    for (const auto &client : clients) {
        client->socket->abort();
        client->socket->deleteLater();
    }
    m_sink->finish();
    m_writer->setMeta(QStringLiteral("live"), QStringLiteral("0"));
    writeRange();
    const Result<bool> closed = m_writer->close();
    m_sink.reset();
    return closed;
}

} // namespace warroom
