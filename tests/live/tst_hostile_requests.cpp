// A thousand hostile connections to a feed server that wants a token (HTTP, a TLS ClientHello,
// binary noise, slowloris, oversized and malformed JSON, wrong tokens, and, with the right
// token, nothing but lines it must refuse) while a well-behaved feeder sends 20,000 events:
// nothing hostile is stored, and every one of the feeder's events is. (The feeder's rate under
// this load against its unloaded rate: bench/hostile_feed.py, docs/reliability.md.)
#include "core/live/feed_protocol.h"
#include "core/live/ingest_server.h"
#include "core/store/recording.h"
#include "support/feed_replies.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <memory>
#include <vector>

using namespace warroom;

namespace {

const QString kToken = QStringLiteral("s3cret-token-for-the-feed");

struct Attack
{
    QString kind;
    QByteArray payload;
    bool trickle = false; // slowloris: one byte at a time, never a line's end
};

QByteArray hostileEvent(qint64 timeMs)
{
    Event e;
    e.timeMs = timeMs;
    e.kind = EventKind::Annotation;
    e.subject = QStringLiteral("hostile");
    e.text = QStringLiteral("should never be stored");
    return feed::eventLine(e);
}

QByteArray noise(QRandomGenerator &random, int size)
{
    QByteArray bytes(size, '\0');
    for (char &c : bytes)
        c = char(random.bounded(256));
    return bytes;
}

std::vector<Attack> makeAttacks(QRandomGenerator &random)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QByteArray event = hostileEvent(now);
    std::vector<Attack> attacks;
    for (int i = 0; i < 100; ++i) {
        static const QByteArray http[] = {
            "GET / HTTP/1.1\r\nHost: warroom\r\n\r\n",
            "POST /ingest HTTP/1.1\r\nHost: warroom\r\nContent-Type: application/json\r\n\r\n",
            "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "CONNECT 10.0.0.1:443 HTTP/1.1\r\n\r\n"};
        attacks.push_back({QStringLiteral("http"), http[i % 4] + event});
    }
    for (int i = 0; i < 100; ++i) {
        // A TLS 1.2/1.3 ClientHello's record header and handshake start, then random bytes.
        QByteArray hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
        attacks.push_back({QStringLiteral("tls"), hello + noise(random, 500) + "\n" + event});
    }
    for (int i = 0; i < 150; ++i)
        attacks.push_back({QStringLiteral("noise"), noise(random, 1 + random.bounded(16384))});
    for (int i = 0; i < 100; ++i)
        attacks.push_back({QStringLiteral("slowloris"),
                           "{\"type\":\"hello\",\"token\":\"" + QByteArray(200, 'a'), true});
    for (int i = 0; i < 100; ++i) {
        const int size = 70 * 1024 + random.bounded(1024 * 1024);
        attacks.push_back(
            {QStringLiteral("oversized"),
             "{\"type\":\"hello\",\"token\":\"" + QByteArray(size, 'A') + "\"}\n" + event});
    }
    for (int i = 0; i < 150; ++i) {
        static const QByteArray malformed[] = {
            "{\"type\":\"hello\",\"token\":\"s3cret-token-for-the-feed\"\n",
            "{type:hello}\n",
            "{\"type\":\"hello\",\"token\":s3cret}\n",
            "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\n",
            "{\"type\":\"event\",\"time_ms\":1e400}\n",
            "\xff\xfe{\"type\":\"hello\"}\n",
            "{\"type\":\"hello\",\"token\":\"\\ud800\"}\n",
            "{}{}{}{}\n",
            "null\n",
            "\"just a string\"\n"};
        attacks.push_back({QStringLiteral("malformed"), malformed[i % 10] + event});
    }
    for (int i = 0; i < 150; ++i) {
        static const QString tokens[] = {QString(), QStringLiteral("s3cret"), kToken + u'x',
                                         kToken.toUpper(), QString(4000, u'z')};
        attacks.push_back(
            {QStringLiteral("wrong token"), feed::helloLine(tokens[i % 5]) + event + event});
    }
    for (int i = 0; i < 150; ++i) {
        // The right token, then only lines the server must refuse.
        Event absurd;
        absurd.kind = EventKind::Annotation;
        absurd.subject = QStringLiteral("hostile");
        absurd.timeMs = i % 2 ? 9'000'000'000'000'000LL : -1;
        QByteArray lines =
            feed::helloLine(kToken) + feed::eventLine(absurd) +
            feed::metaLine(QStringLiteral("start_ms"), QStringLiteral("0")) +
            feed::metaLine(QStringLiteral("format"), QStringLiteral("x")) +
            feed::metaLine(QStringLiteral("live"), QStringLiteral("0")) +
            "{\"type\":\"event\",\"time_ms\":" + QByteArray::number(now) +
            ",\"kind\":\"annotation\",\"subject\":\"hostile\",\"text\":\"a\\u0000b\"}\n" +
            "{\"type\":\"event\",\"time_ms\":" + QByteArray::number(now) +
            ",\"kind\":\"annotation\",\"subject\":\"hostile\",\"text\":\"\\udc00\"}\n" +
            "{\"type\":\"warp\",\"time_ms\":1}\n" +
            "{\"type\":\"samples\",\"key\":\"never-declared\",\"values\":[1,2]}\n" +
            "{\"type\":\"series\",\"key\":\"k\",\"metric\":\"m\",\"start_ms\":" +
            QByteArray::number(now) + ",\"interval_ms\":0}\n" +
            "{\"type\":\"event\",\"time_ms\":\"soon\",\"kind\":7}\n";
        attacks.push_back({QStringLiteral("violations"), lines});
    }
    return attacks;
}

} // namespace

class TestHostileRequests : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aThousandHostileRequestsGetNothingIn();

private:
    QTemporaryDir m_dir;
};

void TestHostileRequests::aThousandHostileRequestsGetNothingIn()
{
    const QString path = m_dir.filePath(QStringLiteral("hostile.warroom"));
    IngestOptions options;
    options.token = kToken;
    auto server = IngestServer::start(path, options);
    QVERIFY(server);
    const quint16 port = server.value()->port();

    // The feeder: hello with the token, then 20,000 events in batches, as acknowledged.
    constexpr int kFeederEvents = 20000;
    QTcpSocket feeder;
    test::FeedReplies feederReplies;
    int feederSent = 0;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    auto feedMore = [&] {
        if (!feeder.isOpen())
            return;
        feederReplies.read(feeder);
        if (feederReplies.ack == kFeederEvents + 1) { // all taken: a feeder that is done leaves
            feeder.disconnectFromHost();
            return;
        }
        // Keep about two batches ahead of the acknowledgements.
        while (feederSent < kFeederEvents && feederSent - feederReplies.ack < 1000) {
            QByteArray batch;
            for (int i = 0; i < 500 && feederSent < kFeederEvents; ++i, ++feederSent) {
                Event e;
                e.timeMs = now + feederSent;
                e.kind = EventKind::Annotation;
                e.subject = QStringLiteral("feeder");
                e.text = QStringLiteral("event %1").arg(feederSent);
                batch += feed::eventLine(e);
            }
            feeder.write(batch);
        }
    };
    connect(&feeder, &QTcpSocket::readyRead, this, feedMore);
    connect(&feeder, &QTcpSocket::connected, this, [&] {
        feeder.write(feed::helloLine(kToken));
        feedMore();
    });
    feeder.connectToHost(QHostAddress::LocalHost, port);

    // The attackers: up to 96 at once (more than one address may hold: the server must evict
    // them, not the feeder), each until the server closes it or for a few seconds.
    QRandomGenerator random(18);
    const std::vector<Attack> attacks = makeAttacks(random);
    QCOMPARE(attacks.size(), size_t(1000));
    size_t next = 0;
    int running = 0, closedByServer = 0, refusedLines = 0;
    std::vector<std::unique_ptr<QTcpSocket>> sockets;
    std::function<void()> launch = [&] {
        while (running < 96 && next < attacks.size()) {
            const Attack &attack = attacks[next++];
            ++running;
            auto *socket = new QTcpSocket;
            sockets.emplace_back(socket);
            auto replies = std::make_shared<test::FeedReplies>();
            auto done = std::make_shared<bool>(false);
            auto finish = [&, socket, done, replies](bool byServer) {
                if (std::exchange(*done, true))
                    return;
                if (socket->isOpen())
                    replies->read(*socket);
                refusedLines += int(replies->errors.size());
                closedByServer += byServer;
                --running;
                socket->abort();
                QTimer::singleShot(0, this, launch);
            };
            connect(socket, &QTcpSocket::readyRead, this,
                    [socket, replies] { replies->read(*socket); });
            connect(socket, &QTcpSocket::disconnected, this, [finish] { finish(true); });
            connect(socket, &QTcpSocket::errorOccurred, this, [finish] { finish(true); });
            connect(socket, &QTcpSocket::connected, this, [socket, attack] {
                if (!attack.trickle) {
                    socket->write(attack.payload);
                    return;
                }
                auto *drip = new QTimer(socket);
                auto sentBytes = std::make_shared<int>(0);
                QObject::connect(drip, &QTimer::timeout, socket, [socket, attack, sentBytes] {
                    if (socket->state() == QAbstractSocket::ConnectedState &&
                        *sentBytes < attack.payload.size())
                        socket->write(attack.payload.mid((*sentBytes)++, 1));
                });
                drip->start(300);
            });
            QTimer::singleShot(attack.trickle ? 15000 : 4000, socket, [finish] { finish(false); });
            socket->connectToHost(QHostAddress::LocalHost, port);
        }
    };
    QElapsedTimer clock;
    clock.start();
    launch();
    QTRY_VERIFY_WITH_TIMEOUT(next == attacks.size() && running == 0, 240000);
    qInfo("attacks done after %lld ms; feeder at %lld", clock.elapsed(), feederReplies.ack);
    QTRY_VERIFY_WITH_TIMEOUT((feedMore(), feederReplies.ack == kFeederEvents + 1), 60000);
    qInfo("feeder done after %lld ms", clock.elapsed());
    QVERIFY2(feederReplies.errors.empty(),
             qPrintable(feederReplies.errors.empty() ? QString()
                                                     : feederReplies.errors.begin()->second));
    QVERIFY(server.value()->close());

    auto recording = Recording::open(path);
    QVERIFY(recording);
    const QList<Event> events = recording.value()->events();
    QCOMPARE(events.size(), kFeederEvents);
    for (const Event &e : events)
        QCOMPARE(e.subject, QStringLiteral("feeder"));
    QVERIFY(recording.value()->series().isEmpty());
    QCOMPARE(recording.value()->meta(QStringLiteral("format")),
             QStringLiteral("warroom-recording"));
    QVERIFY(recording.value()->startMs() > now - 3600 * 1000);
    qInfo("1,000 hostile connections: 0 lines accepted, %d closed by the server, %d lines "
          "refused with a reason; the feeder's 20,000 events all acknowledged and stored",
          closedByServer, refusedLines);
}

QTEST_GUILESS_MAIN(TestHostileRequests)
#include "tst_hostile_requests.moc"
