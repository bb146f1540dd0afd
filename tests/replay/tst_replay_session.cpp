// The replay session on its own, without a widget: opening (a scenario simulated first), the
// clock, following live, a writer that died, the service's state at a moment, going to a typed
// time; and the latest-only job helper everything in it runs on.
#include "core/live/feed_protocol.h"
#include "core/live/ingest_server.h"
#include "core/model/topology_json.h"
#include "core/replay/go_to.h"
#include "core/replay/replay_cursor.h"
#include "core/replay/replay_session.h"
#include "core/replay/service_status.h"
#include "core/store/recording_writer.h"
#include "core/util/duration.h"
#include "core/util/latest_job.h"
#include "support/test_support.h"

#include <QDateTime>
#include <QDir>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <thread>

using namespace warroom;

namespace {

qint64 utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

} // namespace

class TestReplaySession : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY(test::recordBundledStories(m_dir.path()));
    }

    // A newer job supersedes the older: only its result is applied, the older one sees that it
    // was cancelled, and the tracker waits for both when it goes.
    void latestJobAppliesOnlyTheLatest()
    {
        QObject owner;
        QList<int> applied;
        std::atomic<bool> firstSawCancel{false};
        std::atomic<bool> release{false};
        std::atomic<bool> started{false};
        {
            LatestJob job(&owner);
            job.run(
                [&](const JobControl &control) {
                    started = true;
                    while (!release)
                        std::this_thread::yield();
                    firstSawCancel = control.cancelled();
                    return 1;
                },
                [&](int value) { applied.append(value); });
            QVERIFY(job.pending());
            QTRY_VERIFY(started);
            job.run([](const JobControl &) { return 2; },
                    [&](int value) { applied.append(value); });
            release = true;
            QTRY_COMPARE(applied, QList<int>{2});
            QVERIFY(!job.pending());
            QVERIFY(firstSawCancel);
            job.run([](const JobControl &) { return 3; },
                    [&](int value) { applied.append(value); });
            job.cancel(); // cancelled before it could be applied: never applied
            QVERIFY(!job.pending());
            job.wait();
        }
        QCoreApplication::processEvents();
        QCOMPARE(applied, QList<int>{2});
    }

    // Opening a recording: opened, then loaded; the clock clamps, plays at up to 100,000x and
    // can skip what is quiet.
    void opensAndPlays()
    {
        ReplaySession session;
        QSignalSpy opened(&session, &ReplaySession::opened);
        QSignalSpy loaded(&session, &ReplaySession::loaded);
        session.open(m_dir.filePath(QStringLiteral("lemniscus-2020.warroom")));
        QVERIFY(loaded.wait(20000));
        QCOMPARE(opened.size(), 1);
        const ReplayData &data = *session.data();
        QVERIFY(!data.live);
        QVERIFY(!session.following());
        session.seek(data.startMs - 1000);
        QCOMPARE(session.time(), data.startMs);
        session.seek(data.endMs + 1000);
        QCOMPARE(session.time(), data.endMs);

        session.seek(data.startMs);
        session.setSpeed(1e9);
        QCOMPARE(session.speed(), ReplaySession::kMaxSpeed);
        session.setPlaying(true);
        QVERIFY(session.advance(1000)); // a second of wall time at 100,000x
        QCOMPARE(session.time(), data.startMs + 100'000'000);
        // A quiet night at 60x: without skipping, a frame moves a second; with it, the clock
        // lands shortly before the next event.
        session.setSpeed(60);
        qint64 quiet = -1, next = -1; // between two events hours apart
        for (qsizetype i = 1; i < data.events.size() && quiet < 0; ++i) {
            if (data.events[i].timeMs - data.events[i - 1].timeMs > 3600000) {
                quiet = data.events[i - 1].timeMs + 1;
                next = data.events[i].timeMs;
            }
        }
        QVERIFY(quiet > 0);
        session.seek(quiet);
        session.advance(16);
        QCOMPARE(session.time(), quiet + 960);
        session.setSkipQuiet(true);
        session.advance(16);
        QVERIFY2(session.time() > next - 60000 && session.time() < next,
                 qPrintable(formatUtc(session.time()) + u" vs " + formatUtc(next)));
        session.setPlaying(false);
        QVERIFY(!session.advance(1000));
        session.setFollowing(true); // not live: nothing to follow
        QVERIFY(!session.following());
        QVERIFY(session.engine());
    }

    // Opening one scenario twice at once: the first simulation is cancelled and never writes
    // the file, the second opens; no partial file is left behind.
    void aSupersededSimulationStops()
    {
        QTemporaryDir cache;
        ReplaySession session;
        session.setCacheFolder(cache.path());
        QSignalSpy opened(&session, &ReplaySession::opened);
        QSignalSpy failed(&session, &ReplaySession::failed);
        QSignalSpy loaded(&session, &ReplaySession::loaded);
        const QString scenario = test::scenarioPath(QStringLiteral("lemniscus-2020"));
        session.open(scenario);
        session.open(scenario);
        QVERIFY(loaded.wait(60000));
        QCOMPARE(opened.size(), 1);
        QCOMPARE(failed.size(), 0);
        QVERIFY(QFile::exists(cache.filePath(QStringLiteral("lemniscus-2020.warroom"))));
        QTRY_COMPARE(QDir(cache.path()).entryList({QStringLiteral("*partial*")}, QDir::Files),
                     QStringList());
        QVERIFY(session.data()->eventCount > 100);
    }

    // A live recording whose writer was killed (its heartbeat stopped) opens as ended, never
    // as live; one whose writer beats is followed.
    void aWriterThatDiedIsDetected()
    {
        const QString path = m_dir.filePath(QStringLiteral("killed.warroom"));
        {
            auto created = createLiveRecording(
                path, test::loadBundled(QStringLiteral("lemniscus-2020")), QStringLiteral("feed"));
            QVERIFY(created);
            auto writer = RecordingWriter::openForAppend(path);
            QVERIFY(writer);
            writer.value()->setMeta(QStringLiteral("live"), QStringLiteral("1"));
            writer.value()->setMeta(
                QStringLiteral("heartbeat_ms"),
                QString::number(QDateTime::currentMSecsSinceEpoch() - 7 * 60000));
            QVERIFY(writer.value()->close());
        }
        ReplaySession session;
        QSignalSpy loaded(&session, &ReplaySession::loaded);
        session.open(path);
        QVERIFY(loaded.wait(20000));
        QVERIFY(session.data()->live); // as the file says ...
        const LiveHealth health = session.liveHealth();
        QVERIFY(health.writerStopped); // ... but nobody writes it
        QVERIFY(!health.live);
        QVERIFY(!session.following());
        session.setFollowing(true);
        QVERIFY(!session.following());

        // A writer that beats: followed, and the clock goes on with wall time while quiet.
        const QString beating = m_dir.filePath(QStringLiteral("beating.warroom"));
        IngestOptions options;
        auto server = IngestServer::start(beating, options);
        QVERIFY(server);
        ReplaySession live;
        QSignalSpy liveLoaded(&live, &ReplaySession::loaded);
        live.open(beating);
        QVERIFY(liveLoaded.wait(20000));
        QVERIFY(live.liveHealth().live);
        QVERIFY(live.following());
        const qint64 before = live.time();
        // Wall time passes: the followed clock moves with it (QTRY evaluates twice: advance()
        // is a step, the time is what is checked).
        QTRY_VERIFY((live.advance(16), live.time() > before));
        QVERIFY(server.value()->close());
    }

    // Following a live recording that grows by topology versions (one begun now, fed an old
    // incident whose versions sort before it): the state shown is the state a replay of the
    // same file gives, at every refresh.
    void followingShowsWhatAReplayShows()
    {
        const QString path = m_dir.filePath(QStringLiteral("follow.warroom"));
        const Scenario scenario = test::loadBundled(QStringLiteral("lemniscus-2020"));
        QVERIFY(createLiveRecording(path, scenario, QStringLiteral("feed")));
        auto server = IngestServer::start(path, {});
        QVERIFY(server);
        ReplaySession session;
        session.setLivePollInterval(20);
        QSignalSpy loaded(&session, &ReplaySession::loaded);
        QSignalSpy changed(&session, &ReplaySession::dataChanged);
        session.open(path);
        QVERIFY(loaded.wait(20000));
        QVERIFY(session.following());
        auto nodesShown = [&] {
            QStringList ids;
            for (const Node &n : session.engine()->topology().nodes)
                ids.append(n.id);
            return ids;
        };
        auto nodesReplayed = [&] {
            auto data = loadReplayData(path);
            ReplayCursor cursor(data.value());
            cursor.seek(session.time());
            QStringList ids;
            for (const Node &n : cursor.engine()->topology().nodes)
                ids.append(n.id);
            return ids;
        };
        const qint64 old = utc("2020-05-25T08:00:00Z");
        Topology topology = scenario.topology;
        for (int step = 0; step < 3; ++step) {
            topology.nodes.removeLast(); // a node terminated: the next version lacks it
            const QString id = u"note " + QString::number(step);
            QVERIFY(!server.value()->append(feed::TopologyMessage{
                old + step * 60000, QStringLiteral("scale in"), topologyToJsonBytes(topology)}));
            Event e;
            e.timeMs = old + step * 60000 + 1000;
            e.kind = EventKind::Annotation;
            e.text = id;
            QVERIFY(!server.value()->append(e));
            changed.clear();
            QTRY_VERIFY(!changed.isEmpty() && session.data()->events.size() == step + 1);
            session.seek(e.timeMs); // the old incident's time: scrubbed back to it
            QCOMPARE(nodesShown(), nodesReplayed());
            QStringList vs;
            for (const StoredTopology &v : session.data()->versions)
                vs.append(formatUtc(v.timeMs) + u" #" + QString::number(v.id));
            QVERIFY2(nodesShown().size() == scenario.topology.nodes.size() - step - 1,
                     qPrintable(vs.join(u", ") + u" cursor " + formatUtc(session.time()) + u" " +
                                nodesShown().join(u' ')));
            session.setFollowing(true);
        }
        QVERIFY(server.value()->close());
    }

    // The service's state at a moment, with why: Lemniscus's first outage names the rule;
    // PagerDuty at 16:45 has users served again but a queue still draining, late.
    void serviceStateSaysWhy()
    {
        ReplaySession session;
        QSignalSpy loaded(&session, &ReplaySession::loaded);
        session.open(m_dir.filePath(QStringLiteral("lemniscus-2020.warroom")));
        QVERIFY(loaded.wait(20000));
        const ReplayData &l = *session.data();
        const qint64 first = firstMomentThatMatters(l);
        QCOMPARE(formatUtc(first), QStringLiteral("2020-05-25 08:48:40"));
        const ServiceStatus outage = serviceStatusAt(l, first + 60000);
        QCOMPARE(toString(outage.state), QStringLiteral("outage"));
        QCOMPARE(outage.sinceMs, first);
        QVERIFY2(outage.why.contains(u"blocked by rule dc3-egress"), qPrintable(outage.why));
        QCOMPARE(toString(serviceStatusAt(l, first - 1).state), QStringLiteral("ok"));
        QCOMPARE(serviceSpans(l).size(), l.summary.outages.size());

        session.open(m_dir.filePath(QStringLiteral("pagerduty-2011.warroom")));
        QVERIFY(loaded.wait(20000));
        const ReplayData &p = *session.data();
        const ServiceStatus cut = serviceStatusAt(p, utc("2011-08-08T16:10:00Z"));
        QCOMPARE(toString(cut.state), QStringLiteral("outage"));
        QVERIFY2(cut.why.contains(u"no route"), qPrintable(cut.why));
        const ServiceStatus after = serviceStatusAt(p, utc("2011-08-08T16:45:00Z"));
        QCOMPARE(toString(after.state), QStringLiteral("recovering"));
        QVERIFY2(after.why.startsWith(u"notifications: ") && after.why.contains(u" waiting") &&
                     after.why.contains(u"late (target 3m)"),
                 qPrintable(after.why));
        QCOMPARE(formatUtc(after.sinceMs), QStringLiteral("2011-08-08 16:35:49"));
        QCOMPARE(toString(serviceStatusAt(p, utc("2011-08-08T18:00:00Z")).state),
                 QStringLiteral("ok"));
        QStringList spans;
        for (const ServiceSpan &s : serviceSpans(p))
            spans.append(toString(s.state) + u' ' + formatUtc(s.fromMs).mid(11) + u'-' +
                         formatUtc(s.toMs).mid(11));
        QCOMPARE(spans, (QStringList{QStringLiteral("outage 16:00:00-16:35:49"),
                                     QStringLiteral("recovering 16:35:49-16:55:02")}));
    }

    void goTo_data()
    {
        QTest::addColumn<QString>("typed");
        QTest::addColumn<QString>("expected"); // UTC, or the start of the refusal
        QTest::newRow("iso_z") << QStringLiteral("2020-05-29T11:30Z")
                               << QStringLiteral("2020-05-29 11:30:00");
        QTest::newRow("iso_space_no_zone")
            << QStringLiteral("2020-05-29 11:30") << QStringLiteral("2020-05-29 11:30:00");
        QTest::newRow("iso_offset")
            << QStringLiteral("2020-05-29T13:30:00+02:00") << QStringLiteral("2020-05-29 11:30:00");
        QTest::newRow("time_of_day")
            << QStringLiteral("16:10") << QStringLiteral("2020-05-25 16:10:00");
        QTest::newRow("time_of_day_seconds")
            << QStringLiteral("07:05:09") << QStringLiteral("2020-05-25 07:05:09");
        QTest::newRow("forward") << QStringLiteral("+5m") << QStringLiteral("2020-05-25 08:53:40");
        QTest::newRow("back") << QStringLiteral("-1h30m") << QStringLiteral("2020-05-25 07:18:40");
        QTest::newRow("offset_from_start")
            << QStringLiteral("3w8h50m") << QStringLiteral("2020-05-25 08:50:00");
        QTest::newRow("nonsense") << QStringLiteral("tomorrow")
                                  << QStringLiteral("'tomorrow' is not a time; type a UTC time");
        QTest::newRow("bad_hour") << QStringLiteral("25:10")
                                  << QStringLiteral("'25:10' is not a time; type a UTC time");
        QTest::newRow("empty") << QString() << QStringLiteral("'' is not a time");
        QTest::newRow("after_the_recording")
            << QStringLiteral("2021-01-01T00:00Z")
            << QStringLiteral("'2021-01-01T00:00Z' is 2021-01-01 00:00:00 UTC, outside the "
                              "recording (2020-05-04 00:00:00 to 2020-06-01 00:00:00 UTC)");
        QTest::newRow("back_too_far")
            << QStringLiteral("-30d")
            << QStringLiteral("'-30d' is 2020-04-25 08:48:40 UTC, outside");
    }
    // A time of day on the last day of a recording that ends at midnight: the day before.
    void goToTimeOfDayStaysInTheRecording()
    {
        const qint64 start = utc("2011-08-08T00:00:00Z");
        const qint64 end = utc("2011-08-09T00:00:00Z");
        const Result<qint64> at = parseGoTo(QStringLiteral("16:10"), end, start, end);
        QVERIFY(at);
        QCOMPARE(formatUtc(at.value()), QStringLiteral("2011-08-08 16:10:00"));
    }

    void goTo()
    {
        QFETCH(QString, typed);
        QFETCH(QString, expected);
        const qint64 start = utc("2020-05-04T00:00:00Z");
        const qint64 cursor = utc("2020-05-25T08:48:40Z");
        const Result<qint64> at = parseGoTo(typed, cursor, start, utc("2020-06-01T00:00:00Z"));
        if (at)
            QCOMPARE(formatUtc(at.value()), expected);
        else
            QVERIFY2(at.errors().first().message.startsWith(expected),
                     qPrintable(at.errors().first().message));
    }

private:
    QTemporaryDir m_dir;
};

QTEST_GUILESS_MAIN(TestReplaySession)
#include "tst_replay_session.moc"
