// The war room on a live recording: it follows the end as events arrive over a real TCP feed,
// shows the lag, can be scrubbed back and returned to live, and notices the source ending.
#include "core/live/feed_protocol.h"
#include "core/live/ingest_server.h"
#include "core/model/topology_json.h"
#include "core/store/recording_writer.h"
#include "support/test_support.h"
#include "ui/map/map_view.h"
#include "ui/models/event_log_model.h"
#include "ui/recording_window.h"

#include <QComboBox>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace warroom;

class TestLiveWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void followsALiveFeed()
    {
        const QString path = m_dir.filePath(QStringLiteral("live.warroom"));
        const Topology topology = test::loadBundled(QStringLiteral("pagerduty-2011")).topology;
        const qint64 start = 1312761600000LL; // 2011-08-08 00:00 UTC
        {
            auto writer = RecordingWriter::create(path);
            QVERIFY(writer);
            writer.value()->setMeta(QStringLiteral("start_ms"), QString::number(start));
            writer.value()->setMeta(QStringLiteral("end_ms"), QString::number(start + 1000));
            writer.value()->addTopologyVersion(start, QStringLiteral("start"),
                                               topologyToJsonBytes(topology));
            QVERIFY(writer.value()->close());
        }
        auto server = IngestServer::start(path, {});
        QVERIFY(server);
        RecordingWindow window;
        window.resize(1400, 900);
        QSignalSpy loaded(&window, &RecordingWindow::loaded);
        window.openFile(path);
        QVERIFY(loaded.wait(test::kLiveWaitMs));
        QVERIFY(window.data()->live);
        QVERIFY(window.following());
        const QString lbHop = QStringLiteral("customer-monitoring");
        QTRY_COMPARE(window.map()->hopState(lbHop, QStringLiteral("lb-a")),
                     QStringLiteral("reachable"));

        // The region's uplinks go down, over the feed: the map turns, the log grows, live.
        QTcpSocket feed;
        feed.connectToHost(QHostAddress::LocalHost, server.value()->port());
        QVERIFY(feed.waitForConnected(5000));
        int sent = 0;
        for (const Link &link : topology.links) {
            if (!link.id.contains(u"internet"))
                continue;
            Event e;
            e.timeMs = start + 16 * 3600000LL + sent;
            e.kind = EventKind::LinkDown;
            e.subject = link.id;
            e.text = link.id + u" down";
            feed.write(feed::eventLine(e));
            ++sent;
        }
        QVERIFY(sent >= 3);
        QTRY_COMPARE_WITH_TIMEOUT(window.eventLog()->rowCount(), sent, test::kLiveWaitMs);
        QTRY_COMPARE(window.map()->hopState(lbHop, QStringLiteral("lb-a")),
                     QStringLiteral("blocked"));
        // Following: at the end, and on with wall time while nothing new comes.
        QVERIFY(window.cursorTime() >= window.data()->endMs);
        QVERIFY(window.cursorTime() < window.data()->endMs + 10000);
        QVERIFY(window.liveLagMs() >= 0 && window.liveLagMs() < 5000);
        QVERIFY(window.statusText().contains(u"● LIVE"));

        // Scrub back: not following; new events do not move the cursor; Ctrl+L returns.
        window.seek(start + 3600000);
        QVERIFY(!window.following());
        QTRY_COMPARE(window.map()->hopState(lbHop, QStringLiteral("lb-a")),
                     QStringLiteral("reachable"));
        QVERIFY(window.statusText().contains(u"scrubbed back"));
        Event up;
        up.timeMs = start + 17 * 3600000LL;
        up.kind = EventKind::Annotation;
        up.text = QStringLiteral("still down");
        feed.write(feed::eventLine(up));
        QTRY_COMPARE_WITH_TIMEOUT(window.eventLog()->rowCount(), sent + 1, test::kLiveWaitMs);
        QCOMPARE(window.cursorTime(), start + 3600000);
        window.setFollowing(true);
        QVERIFY(window.cursorTime() >= start + 17 * 3600000LL);
        QVERIFY(window.cursorTime() < start + 17 * 3600000LL + 10000);

        // The source ends: the window notices, the recording replays as any other.
        QVERIFY(server.value()->close());
        QTRY_VERIFY_WITH_TIMEOUT(!window.data()->live, test::kLiveWaitMs);
        QVERIFY(!window.following());
    }

    // File → Listen: a server on its own thread, a new live recording, followed.
    void listenReceivesAFeed()
    {
        RecordingWindow window;
        QSignalSpy loaded(&window, &RecordingWindow::loaded);
        window.listen(0);
        QVERIFY(loaded.wait(test::kLiveWaitMs));
        QVERIFY(window.data()->live);
        QVERIFY(window.listeningPort() > 0);
        QVERIFY(window.statusText().contains(u"listening on 127.0.0.1:" +
                                             QString::number(window.listeningPort())));
        QTcpSocket feed;
        feed.connectToHost(QHostAddress::LocalHost, window.listeningPort());
        QVERIFY(feed.waitForConnected(5000));
        const Topology topology = test::loadBundled(QStringLiteral("lemniscus-2020")).topology;
        feed.write(feed::topologyLine(1590000000000LL, QStringLiteral("feed"),
                                      topologyToJsonBytes(topology)));
        for (int i = 0; i < 100; ++i) {
            Event e;
            e.timeMs = 1590000000000LL + i * 1000;
            e.kind = EventKind::Annotation;
            e.text = QStringLiteral("note ") + QString::number(i);
            feed.write(feed::eventLine(e));
        }
        QTRY_COMPARE_WITH_TIMEOUT(window.eventLog()->rowCount(), 100, test::kLiveWaitMs);
        auto *sites = window.findChild<QComboBox *>(QStringLiteral("siteFilter"));
        QVERIFY(sites);
        QTRY_COMPARE(sites->count(), 1 + int(topology.sites.size()));
        QTRY_VERIFY(
            !window.map()->hopState(QStringLiteral("lb-1"), QStringLiteral("app-1")).isEmpty());
    }

private:
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestLiveWindow)
#include "tst_live_window.moc"
