// What a feed must not get in (issue: hardening): times outside the server's window, metadata
// only the server writes, texts holding a NUL or half a surrogate pair; what must not lock a
// feeder out: connections that hold a slot and say nothing; and a feed that stops short says why.
#include "core/live/feed_protocol.h"
#include "core/live/ingest_server.h"
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
#include "core/util/quoted.h"
#include "support/feed_replies.h"
#include "support/test_support.h"

#include <QDateTime>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>
#include <vector>

using namespace warroom;
using namespace Qt::StringLiterals;

namespace {

using Replies = test::FeedReplies;

Event at(qint64 timeMs, const QString &text = QStringLiteral("x"))
{
    Event e;
    e.timeMs = timeMs;
    e.kind = EventKind::Annotation;
    e.text = text;
    return e;
}

// Sends `lines` and reads the replies until `count` lines were answered (acknowledged or not).
// The server runs in this thread: waiting spins the event loop (on the socket's signal).
bool connectTo(QTcpSocket &socket, const IngestServer &server)
{
    socket.connectToHost(QHostAddress::LocalHost, server.port());
    return socket.waitForConnected(5000);
}

bool exchange(QTcpSocket &socket, const QByteArray &lines, qint64 count, Replies &replies)
{
    socket.write(lines);
    QSignalSpy ready(&socket, &QTcpSocket::readyRead);
    while (replies.ack + qint64(replies.errors.size()) < count) {
        if (socket.bytesAvailable() == 0 && !ready.wait(test::kLiveWaitMs)) {
            qWarning("%lld acknowledged, %zu refused of %lld", replies.ack, replies.errors.size(),
                     count);
            return false;
        }
        replies.read(socket);
    }
    return true;
}

} // namespace

class TestFeedHostile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // 9e15 (the year 287168), -9e15, -1, a time in seconds: refused with their line; an old
    // incident replayed (2020) and now are taken; samples may not run past tomorrow. The
    // recording's range stays where the data taken puts it.
    void absurdTimesAreRefused()
    {
        const QString path = m_dir.filePath(QStringLiteral("times.warroom"));
        auto server = IngestServer::start(path, {});
        QVERIFY(server);
        QTcpSocket socket;
        QVERIFY(connectTo(socket, *server.value()));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 replay =
            QDateTime(QDate(2020, 5, 25), QTime(8, 50), Qt::UTC).toMSecsSinceEpoch();
        QByteArray lines =
            feed::eventLine(at(9'000'000'000'000'000LL)) +            // 1
            feed::eventLine(at(-9'000'000'000'000'000LL)) +           // 2
            feed::eventLine(at(-1)) +                                 // 3
            feed::eventLine(at(now / 1000)) +                         // 4: seconds
            feed::eventLine(at(replay, QStringLiteral("replayed"))) + // 5
            feed::eventLine(at(now, QStringLiteral("now"))) +         // 6
            feed::topologyLine(1, QStringLiteral("feed"), R"({"sites":[{"id":"a"}]})") +        // 7
            feed::seriesLine({QStringLiteral("old"), {}, QStringLiteral("cpu"), {}, 0, 1000}) + // 8
            feed::seriesLine(
                {QStringLiteral("hourly"), {}, QStringLiteral("cpu"), {}, now, 3600 * 1000}) + // 9
            feed::samplesLine(QStringLiteral("hourly"), QList<float>(20, 1.0f)) +
            feed::samplesLine(QStringLiteral("hourly"), QList<float>(10, 1.0f));
        Replies replies;
        QVERIFY(exchange(socket, lines, 11, replies));
        QCOMPARE(replies.ack, 4); // lines 5, 6, 9, 10
        QVERIFY2(replies.errors[1].contains(u"is after"), qPrintable(replies.errors[1]));
        for (qint64 line : {2, 3, 4, 7, 8})
            QVERIFY2(replies.errors[line].contains(u"is before"),
                     qPrintable(QString::number(line) + u": " + replies.errors[line]));
        QVERIFY2(replies.errors[4].endsWith(u"; it looks like seconds: times are milliseconds"),
                 qPrintable(replies.errors[4]));
        QVERIFY(!replies.errors[3].contains(u"seconds"));
        QVERIFY2(replies.errors[11].contains(u"beyond now"), qPrintable(replies.errors[11]));
        QCOMPARE(replies.errors.size(), size_t(7));
        QVERIFY(server.value()->close());
        auto r = Recording::open(path);
        QVERIFY(r);
        QCOMPARE(r.value()->startMs(), replay);
        QVERIFY(r.value()->endMs() <= now + 24 * 3600 * 1000);
        QCOMPARE(r.value()->eventCount(), 2);
    }

    // A client's meta line may name the scenario; it may not move the range, say what the
    // recording is, whether it is live, or unhide a drill.
    void serverMetadataIsProtected()
    {
        const QString path = m_dir.filePath(QStringLiteral("meta.warroom"));
        auto server = IngestServer::start(path, {});
        QVERIFY(server);
        QTcpSocket socket;
        QVERIFY(connectTo(socket, *server.value()));
        QByteArray lines;
        const QStringList owned = {QStringLiteral("start_ms"), QStringLiteral("end_ms"),
                                   QStringLiteral("format"),   QStringLiteral("live"),
                                   QStringLiteral("source"),   QStringLiteral("drill_hidden")};
        for (const QString &key : owned)
            lines += feed::metaLine(key, QStringLiteral("0"));
        lines += feed::metaLine(QStringLiteral("scenario_title"), QStringLiteral("Fed"));
        Replies replies;
        QVERIFY(exchange(socket, lines, owned.size() + 1, replies));
        QCOMPARE(replies.ack, 1);
        for (int i = 0; i < owned.size(); ++i)
            QCOMPARE(replies.errors[i + 1], u"meta \"" + owned[i] + u"\" is the server's to set");
        QVERIFY(server.value()->close());
        auto r = Recording::open(path);
        QCOMPARE(r.value()->meta(QStringLiteral("scenario_title")), QStringLiteral("Fed"));
        QCOMPARE(r.value()->meta(QStringLiteral("format")), QStringLiteral("warroom-recording"));
        QVERIFY(r.value()->startMs() > 1'600'000'000'000LL);
    }

    // Keys that only look like another ("START_MS", "start_ms ") and thresholds that are not
    // fractions are refused with their line; nothing of them is stored.
    void malformedMetadataIsRefused()
    {
        const QString path = m_dir.filePath(QStringLiteral("meta-malformed.warroom"));
        auto server = IngestServer::start(path, {});
        QVERIFY(server);
        QTcpSocket socket;
        QVERIFY(connectTo(socket, *server.value()));
        const QList<std::pair<QString, QString>> refused = {
            {QStringLiteral("START_MS"), QStringLiteral("0")},
            {QStringLiteral("start_ms "), QStringLiteral("0")},
            {QStringLiteral("start_ms\n"), QStringLiteral("0")},
            {QString(), QStringLiteral("x")},
            {QStringLiteral("outage_above"), QStringLiteral("-5")},
            {QStringLiteral("degraded_above"), QStringLiteral("half")},
            {QStringLiteral("degraded_above"), QStringLiteral(" 0.3")},
            {QStringLiteral("start_ms\u200b"), QStringLiteral("0")},
            {QString(100, u'k'), QStringLiteral("0")}};
        QByteArray lines;
        for (const auto &[key, value] : refused)
            lines += feed::metaLine(key, value);
        lines += feed::metaLine(QStringLiteral("outage_above"), QStringLiteral("0.25"));
        Replies replies;
        QVERIFY(exchange(socket, lines, refused.size() + 1, replies));
        QCOMPARE(replies.ack, 1);
        QCOMPARE(replies.errors.size(), size_t(refused.size()));
        QCOMPARE(replies.errors[1],
                 QStringLiteral("meta key \"START_MS\" must be a lower-case name "
                                "(a-z, 0-9, '_', '.', '-'; at most 64 characters)"));
        QVERIFY(replies.errors[2].startsWith(u"meta key \"start_ms \" must be"));
        QVERIFY(replies.errors[3].startsWith(u"meta key \"start_ms\\n\" must be"));
        QVERIFY(replies.errors[4].startsWith(u"meta key \"\" must be"));
        QCOMPARE(
            replies.errors[5],
            QStringLiteral("meta \"outage_above\" must be a fraction from 0 to 1, not \"-5\""));
        QVERIFY(replies.errors[6].startsWith(u"meta \"degraded_above\" must be a fraction"));
        QVERIFY(replies.errors[7].startsWith(u"meta \"degraded_above\" must be a fraction"));
        // What cannot be seen is spelled out; what is too long to repeat is cut, and says so.
        QVERIFY2(replies.errors[8].startsWith(u"meta key \"start_ms\\u200b\" must be"),
                 qPrintable(replies.errors[8]));
        QVERIFY2(replies.errors[9].startsWith(u"meta key \"" + QString(40, u'k') +
                                              u"\"… (100 characters) must be"),
                 qPrintable(replies.errors[9]));
        QVERIFY(server.value()->close());
        auto r = Recording::open(path);
        QVERIFY(r);
        QCOMPARE(r.value()->meta(QStringLiteral("outage_above")), QStringLiteral("0.25"));
        QVERIFY(r.value()->meta(QStringLiteral("START_MS")).isEmpty());
        QVERIFY(r.value()->startMs() > 1'600'000'000'000LL);
    }

    // A topology line is the map from then on: one that draws nothing (no sites, a node in a
    // site it does not list, lists that are not lists) is refused, saying what is wrong.
    void topologiesThatDrawNothingAreRefused()
    {
        const QString path = m_dir.filePath(QStringLiteral("topology.warroom"));
        auto server = IngestServer::start(path, {});
        QVERIFY(server);
        QTcpSocket socket;
        QVERIFY(connectTo(socket, *server.value()));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const QList<QByteArray> refused = {
            R"({"sites":"x","nodes":42})", "{}",
            R"({"sites":[{"id":"a"}],"nodes":[{"id":"web","site":"z"}]})",
            R"({"sites":[{"id":"a"}],"links":[{"id":"l","between":["a","q"]}]})",
            R"({"sites":[{"id":"a"},{"id":"a"}]})"};
        QByteArray lines;
        for (const QByteArray &topology : refused)
            lines += feed::topologyLine(now, QStringLiteral("feed"), topology);
        lines += feed::topologyLine(
            now, QStringLiteral("feed"),
            R"({"sites":[{"id":"a"},{"id":"b"}],"links":[{"id":"l","between":["a","b"]}],)"
            R"("nodes":[{"id":"web","site":"a"}]})");
        Replies replies;
        QVERIFY(exchange(socket, lines, refused.size() + 1, replies));
        QCOMPARE(replies.ack, 1);
        QCOMPARE(replies.errors[1],
                 QStringLiteral("topology: \"sites\" must be a list of at least one site"));
        QCOMPARE(replies.errors[2], replies.errors[1]);
        QCOMPARE(replies.errors[3], QStringLiteral("topology: nodes[0] (\"web\") is in site \"z\", "
                                                   "which is not one of its sites"));
        QCOMPARE(replies.errors[4], QStringLiteral("topology: links[0] joins \"q\", which is not "
                                                   "one of its sites"));
        QCOMPARE(replies.errors[5],
                 QStringLiteral("topology: sites[1]: site \"a\" is listed twice"));
        QVERIFY(server.value()->close());
        auto r = Recording::open(path);
        QVERIFY(r);
        QCOMPARE(r.value()->topologyVersions().size(), 1);
    }

    // A server that wants a token closes a connection that does not give it first, and says
    // why on line 0 (the connection) before closing.
    void aWrongTokenIsToldWhyBeforeTheClose()
    {
        IngestOptions options;
        options.token = QStringLiteral("s3cret");
        auto server = IngestServer::start(m_dir.filePath(QStringLiteral("token.warroom")), options);
        QVERIFY(server);
        const QList<std::pair<QByteArray, QString>> cases = {
            {feed::helloLine(QStringLiteral("wrong")), QStringLiteral("closed: wrong token")},
            {"not json\n" + feed::helloLine(QStringLiteral("s3cret")),
             QStringLiteral("closed: this server wants a token; the first line must be "
                            "{\"type\":\"hello\",\"token\":\"...\"}")}};
        for (const auto &[lines, said] : cases) {
            QTcpSocket socket;
            QVERIFY(connectTo(socket, *server.value()));
            socket.write(lines);
            Replies replies;
            QSignalSpy closed(&socket, &QTcpSocket::disconnected);
            while (closed.isEmpty() && closed.wait(10000))
                ;
            replies.read(socket);
            QCOMPARE(replies.errors.size(), size_t(1));
            QCOMPARE(replies.errors[0], said);
        }
    }

    // A recording marked read-only is not appended to, by root neither.
    void aReadOnlyRecordingIsNotAppendedTo()
    {
        const QString path = m_dir.filePath(QStringLiteral("readonly.warroom"));
        {
            auto first = IngestServer::start(path, {});
            QVERIFY(first);
            QVERIFY(first.value()->close());
        }
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup));
        auto refused = IngestServer::start(path, {});
        QVERIFY(!refused);
        QCOMPARE(refused.errors().first().toString(),
                 QString(path + u": cannot append to it: the recording's file is read-only"));
        QVERIFY(QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner));
    }

    void textsWithNulOrLoneSurrogatesAreRefused_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("error"); // empty: taken
        const QByteArray head = R"({"type":"event","time_ms":1700000000000,"kind":"annotation",)";
        QTest::newRow("escaped NUL") << head + R"("text":"a\u0000b"})"
                                     << QStringLiteral("\\u0000 (a NUL) in a text at column 70");
        QTest::newRow("raw NUL") << head + QByteArray("\"text\":\"a\0b\"}", 13)
                                 << QStringLiteral("a NUL byte at column 70");
        QTest::newRow("high half alone")
            << head + R"("text":"\ud83d"})"
            << QStringLiteral("a lone surrogate (\\ud83d) in a text at column 69");
        QTest::newRow("high half, then a letter")
            << head + R"("text":"\ud83d\u0041"})"
            << QStringLiteral("a lone surrogate (\\ud83d) in a text at column 69");
        QTest::newRow("high half at a string's end")
            << head + R"("subject":"\ud83d","text":"\udc00"})"
            << QStringLiteral("a lone surrogate (\\ud83d) in a text at column 72");
        QTest::newRow("low half alone") << head + R"("text":"\uDC00"})"
                                        << QStringLiteral("a lone surrogate (\\udc00) in a text "
                                                          "at column 69");
        QTest::newRow("in details")
            << head + R"("details":{"k":"\u0000"}})" << QStringLiteral("\\u0000 (a NUL)");
        QTest::newRow("an escape in a node's name")
            << head + "\"node\":\"web\\u001b[31m1\"}"
            << QStringLiteral("\"node\" \"web\\u001b[31m1\" holds a character that does not show");
        QTest::newRow("a zero-width space in a site, unescaped")
            << head + "\"site\":\"dc1\xe2\x80\x8b\"}"
            << QStringLiteral("\"site\" \"dc1\\u200b\" holds a character");
        QTest::newRow("an escape in a series key")
            << QByteArray("{\"type\":\"series\",\"key\":\"k\\u001bx\",\"metric\":\"cpu\","
                          "\"start_ms\":1,\"interval_ms\":1000}")
            << QStringLiteral("\"key\" \"k\\u001bx\" holds a character that does not show");
        QTest::newRow("an escape in a site's id")
            << QByteArray("{\"type\":\"topology\",\"time_ms\":1,\"topology\":"
                          "{\"sites\":[{\"id\":\"dc\\u001b1\"}]}}")
            << QStringLiteral("topology: sites[0]: id \"dc\\u001b1\" holds a character");
        QTest::newRow("a tab in a text is a text's own")
            << head + "\"text\":\"a\\tb\"}" << QString();
        QTest::newRow("a sample beyond a float")
            << QByteArray(R"({"type":"samples","key":"k","values":[1,1e39]})")
            << QStringLiteral("\"values\" holds 1e+39, beyond what a sample can hold");
        QTest::newRow("a whole pair") << head + R"("text":"\ud83d\ude00"})" << QString();
        QTest::newRow("an escaped backslash, then u0000")
            << head + R"("text":"\\u0000"})" << QString();
    }

    void textsWithNulOrLoneSurrogatesAreRefused()
    {
        QFETCH(QByteArray, line);
        QFETCH(QString, error);
        const auto parsed = feed::parseLine(line);
        const auto *refused = std::get_if<QString>(&parsed);
        if (error.isEmpty())
            QVERIFY2(!refused, qPrintable(refused ? *refused : QString()));
        else
            QVERIFY2(refused && refused->startsWith(error),
                     qPrintable(refused ? *refused : QString()));
    }

    // What a refusal repeats of the line shows what was sent: invisible characters spelled out,
    // a character outside the BMP kept whole, a long value cut with an ellipsis.
    void refusalsQuoteWhatWasSent_data()
    {
        QTest::addColumn<QString>("sent");
        QTest::addColumn<QString>("quoted");
        QTest::newRow("plain") << u"link.sideways"_s << u"\"link.sideways\""_s;
        QTest::newRow("empty") << QString() << u"\"\""_s;
        QTest::newRow("quote and backslash") << u"a\"b\\c"_s << u"\"a\\\"b\\\\c\""_s;
        QTest::newRow("zero-width space") << u"start_ms\u200b"_s << u"\"start_ms\\u200b\""_s;
        QTest::newRow("no-break space") << u"a\u00a0b"_s << u"\"a\\u00a0b\""_s;
        QTest::newRow("tab and newline") << u"a\tb\n"_s << u"\"a\\tb\\n\""_s;
        QTest::newRow("lone surrogate") << QString(QChar(0xD83D)) << u"\"\\ud83d\""_s;
        QTest::newRow("emoji") << u"ok \U0001F600"_s << u"\"ok \U0001F600\""_s;
        QTest::newRow("tag character") << u"a\U000E0041"_s << u"\"a\\udb40\\udc41\""_s;
        QTest::newRow("cut") << QString(41, u'k') << u'"' + QString(40, u'k') + u"\"…";
        QTest::newRow("exactly 40") << QString(40, u'k') << u'"' + QString(40, u'k') + u'"';
    }

    void refusalsQuoteWhatWasSent()
    {
        QFETCH(QString, sent);
        QFETCH(QString, quoted);
        QCOMPARE(quotedForMessage(sent), quoted);
    }

    // 300 connections that never say a thing (from one address, as a local attacker would):
    // the server keeps at most its share for that address, and a feeder that comes after them
    // gets in a second later — the oldest silent one makes room — and has every event
    // acknowledged.
    void silentConnectionsDoNotLockOutAFeeder()
    {
        const QString path = m_dir.filePath(QStringLiteral("crowd.warroom"));
        auto server = IngestServer::start(path, {});
        QVERIFY(server);
        std::vector<std::unique_ptr<QTcpSocket>> crowd;
        for (int i = 0; i < 300; ++i) {
            crowd.push_back(std::make_unique<QTcpSocket>());
            QSignalSpy connected(crowd.back().get(), &QTcpSocket::connected);
            crowd.back()->connectToHost(QHostAddress::LocalHost, server.value()->port());
            QVERIFY(connected.wait(test::kLiveWaitMs));
        }
        QTRY_VERIFY(server.value()->connections() == IngestOptions{}.maxPerAddress);
        // A moment later (the silent ones, taking nothing, lose their place after 250 ms; a
        // connection younger than that is not closed for a newcomer, and `feed` retries).
        QTest::qWait(300);
        QTcpSocket feeder;
        QSignalSpy connected(&feeder, &QTcpSocket::connected);
        feeder.connectToHost(QHostAddress::LocalHost, server.value()->port());
        QVERIFY(connected.wait(test::kLiveWaitMs));
        QByteArray lines;
        for (int i = 0; i < 1000; ++i)
            lines += feed::eventLine(at(1'700'000'000'000LL + i));
        Replies replies;
        QVERIFY(exchange(feeder, lines, 1000, replies));
        QCOMPARE(replies.ack, 1000);
        QVERIFY(replies.errors.empty());
        QVERIFY(server.value()->connections() <= IngestOptions{}.maxPerAddress);
        QVERIFY(server.value()->close());
    }

    // A connection that never finishes its first line is closed after firstLineMs, one that
    // stops sending after idleTimeoutMs; each is told why.
    void silentConnectionsAreClosed()
    {
        IngestOptions options;
        options.firstLineMs = 2000;
        options.idleTimeoutMs = 4000;
        auto server = IngestServer::start(m_dir.filePath(QStringLiteral("idle.warroom")), options);
        QVERIFY(server);
        QTcpSocket slow, quiet;
        for (QTcpSocket *s : {&slow, &quiet}) {
            s->connectToHost(QHostAddress::LocalHost, server.value()->port());
            QVERIFY(s->waitForConnected(5000));
        }
        slow.write("{\"type\":"); // and never the rest
        quiet.write(feed::eventLine(at(1'700'000'000'000LL)));
        for (QTcpSocket *s : {&slow, &quiet}) {
            QSignalSpy closed(s, &QTcpSocket::disconnected);
            QVERIFY(s->state() == QAbstractSocket::UnconnectedState ||
                    closed.wait(test::kLiveWaitMs));
        }
        Replies slowReplies, quietReplies;
        slowReplies.read(slow);
        quietReplies.read(quiet);
        QVERIFY(!slowReplies.errors.empty() && !quietReplies.errors.empty());
        QCOMPARE(slowReplies.errors.begin()->second,
                 QStringLiteral("closed: no complete line within 2 s of connecting"));
        QCOMPARE(quietReplies.ack, 1);
        QCOMPARE(quietReplies.errors.begin()->second,
                 QStringLiteral("closed: no line accepted for 4 s"));
        QCOMPARE(quietReplies.errors.begin()->first, 0); // the connection's, not line 1's (taken)
        QCOMPARE(server.value()->connections(), 0);
        QVERIFY(server.value()->close());
    }

    // `warroom-cli feed` that could not deliver everything says why, not only the counts; a
    // server that refuses everything is not sent the rest, nor its refusals all printed.
    void aFeedThatStopsShortSaysWhy_data()
    {
        QTest::addColumn<int>("events");
        QTest::newRow("three refused") << 3;
        QTest::newRow("all 6000 refused") << 6000;
    }

    void aFeedThatStopsShortSaysWhy()
    {
        QFETCH(int, events);
        const QString from = m_dir.filePath(u"from-" + QString::number(events) + u".warroom");
        {
            auto writer = RecordingWriter::create(from);
            QVERIFY(writer);
            const qint64 start = 1'700'000'000'000LL;
            writer.value()->setMeta(QStringLiteral("format"), QStringLiteral("warroom-recording"));
            writer.value()->setMeta(QStringLiteral("start_ms"), QString::number(start));
            writer.value()->setMeta(QStringLiteral("end_ms"),
                                    QString::number(start + (events - 1) * 1000LL));
            for (int i = 0; i < events; ++i)
                writer.value()->append(at(start + i * 1000));
            QVERIFY(writer.value()->close());
        }
        IngestOptions options;
        options.maxPastMs = 0; // this server takes nothing older than now
        auto server = IngestServer::start(
            m_dir.filePath(u"to-" + QString::number(events) + u".warroom"), options);
        QVERIFY(server);
        QProcess feed;
        feed.start(QStringLiteral(WARROOM_CLI_PATH),
                   {QStringLiteral("feed"), from, QStringLiteral("--speed"), QStringLiteral("0"),
                    QStringLiteral("--to"),
                    u"127.0.0.1:" + QString::number(server.value()->port())});
        QSignalSpy finished(&feed, &QProcess::finished);
        QVERIFY(finished.wait(30000));
        const QString err = QString::fromUtf8(feed.readAllStandardError());
        QCOMPARE(feed.exitCode(), 2);
        if (events == 3) {
            QVERIFY2(err.contains(u"warroom-cli feed: stopped short: 3 refused by the server "
                                  u"(each said above; the first: line 1: time_ms 1700000000000 is "
                                  u"before") &&
                         err.contains(u"the last: line 3: time_ms 1700000002000 is before"),
                     qPrintable(err));
        } else {
            QCOMPARE(err.count(u"server: line "), 20);
            QVERIFY(err.contains(u"server: … more refusals are counted, not printed"));
            // Sent as fast as it could (--speed 0): the refusals came after the last line.
            QVERIFY2(err.contains(u"stopped short: gave up after ") &&
                         err.contains(u" lines in a row refused and none acknowledged"),
                     qPrintable(err.right(600)));
        }
        QVERIFY(server.value()->close());
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestFeedHostile)
#include "tst_feed_hostile.moc"
