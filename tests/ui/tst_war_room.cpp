// The war room tells the story: where it opens, the header's state and why, charts that follow
// the cursor, the log under a filter, the keyboard, a killed writer, --state.
#include "core/live/ingest_server.h"
#include "core/replay/replay_session.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording_writer.h"
#include "core/util/duration.h"
#include "support/test_support.h"
#include "ui/charts/metric_chart.h"
#include "ui/map/map_view.h"
#include "ui/models/event_log_model.h"
#include "ui/recording_window.h"
#include "ui/warroom/chart_panel.h"
#include "ui/warroom/clock_bar.h"
#include "ui/warroom/details_pane.h"
#include "ui/warroom/event_log_panel.h"
#include "ui/warroom/header_bar.h"
#include "ui/warroom/window_state.h"

#include <QApplication>
#include <QDateTime>
#include <QJsonArray>
#include <QLineEdit>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

using namespace warroom;
using namespace Qt::StringLiterals;

namespace {

qint64 utc(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

QString chartRanges(const RecordingWindow &window)
{
    QStringList out;
    for (int i = 0; i < window.chartCount(); ++i) {
        const auto [from, to] = window.chart(i)->visibleRange();
        out.append(window.chartTitle(i) + u": " + formatUtc(from) + u" - " + formatUtc(to));
    }
    return out.join(u'\n') + u"\ncursor " + formatUtc(window.cursorTime());
}

// Every chart is drawn for the window the charts should show, and that holds `t`.
bool everyChartShows(const RecordingWindow &window, qint64 t)
{
    for (int i = 0; i < window.chartCount(); ++i) {
        const auto [from, to] = window.chart(i)->visibleRange();
        if (t < from || t > to || std::make_pair(from, to) != window.visibleRange())
            return false;
    }
    return window.chartCount() > 0;
}

} // namespace

class TestWarRoom : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(test::recordBundledStories(m_dir.path()));
    }

    // Without --at, a recording opens where the story starts: Lemniscus at the first DC3
    // failure, the header naming the rule, the charts on hours around it with the date.
    void opensWhereTheStoryStarts()
    {
        RecordingWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(open(window, QStringLiteral("lemniscus-2020")));
        QCOMPARE(formatUtc(window.cursorTime()), QStringLiteral("2020-05-25 08:48:40"));
        QTRY_COMPARE(toString(window.header()->status().state), QStringLiteral("outage"));
        QVERIFY2(window.header()->stateText().startsWith(
                     u"OUTAGE since 2020-05-25 08:48:40 UTC (0s): dc3/app-pool-4 -> "
                     u"dc1/cache-1:6379: blocked by rule dc3-egress"),
                 qPrintable(window.header()->stateText()));
        QTRY_VERIFY2(everyChartShows(window, window.cursorTime()), qPrintable(chartRanges(window)));
        const auto [from, to] = window.visibleRange();
        QVERIFY2(to - from <= 6 * 3600000LL, qPrintable(chartRanges(window)));
        const MetricChart *failing = window.chart(0);
        QCOMPARE(failing->title(), QStringLiteral("Requests failing"));
        QCOMPARE(failing->timeAxisTitle(), QStringLiteral("Mon 25 May 2020 (UTC)"));
        QCOMPARE(failing->valueAxisTitle(), QStringLiteral("%"));
        // Round ticks: whole half hours, values by 20.
        for (const QString &label : failing->timeLabels())
            QVERIFY2(QRegularExpression(QStringLiteral("^\\d\\d:[03]0$")).match(label).hasMatch(),
                     qPrintable(failing->timeLabels().join(u' ')));
        QCOMPARE(failing->valueLabels(),
                 (QStringList{QStringLiteral("0"), QStringLiteral("20"), QStringLiteral("40"),
                              QStringLiteral("60"), QStringLiteral("80"), QStringLiteral("100")}));
    }

    // AWS 2021: the monitoring in the main network could not see the internal network's
    // services from 15:30 to 22:22; the header says so (and --state), and stops saying it.
    void headerSaysWhatTheMonitoringCouldNotSee()
    {
        QVERIFY(recordSimulation(test::loadBundled(u"aws-2021"_s), {},
                                 m_dir.filePath(u"aws-2021.warroom"_s)));
        RecordingWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(open(window, u"aws-2021"_s));
        QVERIFY(window.seekTo(u"2021-12-07T17:00Z"_s));
        window.render();
        const QString blind = u"monitoring blind to auth-1, auth-2 and 2 more since 15:30 UTC"_s;
        QTRY_COMPARE(window.header()->monitoringText(), blind);
        QVERIFY(window.header()->liveText().isEmpty()); // its own chip: not a live source's
        QVERIFY(window.header()->text().contains(blind));
        QCOMPARE(window.header()->toolTip(), u"⚠ "_s + blind);
        const QJsonObject header = windowState(window)[u"header"_s].toObject();
        QCOMPARE(header[u"monitoring"_s].toString(), blind);
        QVERIFY(window.seekTo(u"2021-12-07T23:00Z"_s));
        window.render();
        QTRY_COMPARE(window.header()->monitoringText(), QString());
        QVERIFY(window.header()->toolTip().isEmpty());
    }

    // A replication: the map says which node is the replica, before and after a promotion.
    void mapSaysWhichNodeIsTheReplica()
    {
        const Scenario s = test::parseOrFail(R"(warroom: 1
name: replicas
start: 2024-03-01T00:00:00Z
duration: 20m
sites:
  - {id: a, kind: datacenter}
  - {id: b, kind: datacenter}
links:
  - {id: a-b, between: [a, b], latency_ms: 20}
nodes:
  - {id: users, role: user, site: a, capacity: 100000}
  - {id: app, role: app, site: a, capacity: 100000}
  - {id: db-1, role: db, site: a, capacity: 100000}
  - {id: db-2, role: db, site: b, capacity: 100000}
dependencies:
  - {from: user, to: app, port: 443}
  - {from: app, to: db, port: 5432}
load: {source: user, rate: 100}
replication:
  - {id: orders, role: db, primary: db-1, replicas: [db-2], port: 5432}
schedule:
  - {at: 5m, change: promote, target: db-2}
)");
        QVERIFY(recordSimulation(s, {}, m_dir.filePath(u"replicas.warroom"_s)));
        RecordingWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(open(window, u"replicas"_s));
        auto details = [&] {
            window.render();
            QStringList out;
            for (const QJsonValue &c : windowState(window)[u"map"_s][u"chips"_s].toArray()) {
                if (c[u"id"_s].toString().endsWith(u"/db"))
                    out.append(c[u"id"_s].toString() + u' ' + c[u"detail"_s].toString());
            }
            out.sort();
            return out;
        };
        QVERIFY(window.seekTo(u"2024-03-01T00:02Z"_s));
        QTRY_COMPARE(details(), (QStringList{u"a/db db-1"_s, u"b/db db-2, replica"_s}));
        QVERIFY(window.seekTo(u"2024-03-01T00:07Z"_s));
        QTRY_COMPARE(details(), (QStringList{u"a/db db-1, replica"_s, u"b/db db-2"_s}));
    }

    // A node is failing when a dependency it needs fails as a whole: one of two databases
    // blocked leaves the app well (it uses the other), both blocked fail it.
    void failingMeansTheDependencyFails()
    {
        const Scenario s = test::parseOrFail(R"(warroom: 1
name: half
start: 2024-03-01T00:00:00Z
duration: 20m
sites:
  - {id: a, kind: datacenter}
  - {id: b, kind: datacenter}
links:
  - {id: a-b, between: [a, b]}
nodes:
  - {id: users, role: user, site: a, capacity: 100000}
  - {id: app, role: app, site: a, capacity: 100000}
  - {id: db-1, role: db, site: a, capacity: 100000}
  - {id: db-2, role: db, site: b, capacity: 100000}
dependencies:
  - {from: user, to: app, port: 443}
  - {from: app, to: db, port: 5432}
load: {source: user, rate: 100}
schedule:
  - {at: 5m, change: link_down, target: a-b}
  - {at: 10m, change: node_crash, target: db-1}
)");
        QVERIFY(recordSimulation(s, {}, m_dir.filePath(u"half.warroom"_s)));
        RecordingWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(open(window, u"half"_s));
        auto appDetail = [&] {
            window.render();
            for (const QJsonValue &c : windowState(window)[u"map"_s][u"chips"_s].toArray()) {
                if (c[u"id"_s].toString() == u"a/app")
                    return c[u"detail"_s].toString();
            }
            return QString();
        };
        QVERIFY(window.seekTo(u"2024-03-01T00:07Z"_s)); // db-2 cut off, db-1 serves
        QTRY_COMPARE(appDetail(), u"app"_s);
        QVERIFY(window.seekTo(u"2024-03-01T00:12Z"_s)); // and db-1 down
        QTRY_COMPARE(appDetail(), u"app (failing)"_s);
    }

    // A go-to (or any seek) outside the charts' window pans them there, keeping the width; a
    // deliberate pan away stays, with a way back.
    void chartsFollowTheCursor()
    {
        RecordingWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(open(window, QStringLiteral("lemniscus-2020")));
        QTRY_VERIFY(everyChartShows(window, window.cursorTime()));
        const auto [from, to] = window.visibleRange();
        QVERIFY(window.seekTo(QStringLiteral("2020-05-29T11:30Z")));
        QCOMPARE(window.cursorTime(), utc("2020-05-29T11:30:00Z"));
        window.render();
        QTRY_VERIFY2(everyChartShows(window, window.cursorTime()), qPrintable(chartRanges(window)));
        QCOMPARE(window.visibleRange().second - window.visibleRange().first, to - from);
        QVERIFY2(window.chart(0)->timeAxisTitle().startsWith(u"Fri 29 May 2020"),
                 qPrintable(window.chart(0)->timeAxisTitle() + u'\n' + chartRanges(window)));

        // Playing runs the cursor out of the window: the window goes with it.
        window.session()->setSpeed(100000);
        window.setPlaying(true);
        QTRY_VERIFY(window.cursorTime() > window.visibleRange().second - 1 ||
                    window.cursorTime() >= window.data()->endMs);
        window.setPlaying(false);
        QTRY_VERIFY2(everyChartShows(window, window.cursorTime()), qPrintable(chartRanges(window)));

        // A user's own range: kept although the cursor is elsewhere, with a way back.
        window.seekTo(QStringLiteral("2020-05-25T08:50Z"));
        window.setVisibleRange(utc("2020-05-12T00:00:00Z"), utc("2020-05-13T00:00:00Z"));
        QVERIFY(window.chartPanel()->pannedAway());
        window.session()->seek(window.cursorTime() + 1000); // the clock moves on
        window.render();
        QCOMPARE(window.visibleRange().first, utc("2020-05-12T00:00:00Z"));
        window.chartPanel()->followCursor();
        QTRY_VERIFY(everyChartShows(window, window.cursorTime()));
        QVERIFY(!window.chartPanel()->pannedAway());
    }

    // A double click resets the zoom without seeking; a drag pans without seeking; a click
    // seeks (once it is known not to be a double click).
    void chartMouse()
    {
        RecordingWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(open(window, QStringLiteral("lemniscus-2020")));
        QSignalSpy shown(window.chartPanel(), &ChartPanel::shown);
        QTRY_VERIFY(everyChartShows(window, window.cursorTime()));
        auto *chart = const_cast<MetricChart *>(window.chart(0));
        const QPoint middle = chart->chart()->plotArea().center().toPoint();
        const qint64 cursor = window.cursorTime();
        const auto before = window.visibleRange();
        QTest::mousePress(chart->viewport(), Qt::LeftButton, {}, middle);
        for (int dx = 10; dx <= 120; dx += 10) {
            QMouseEvent move(QEvent::MouseMove, QPointF(middle + QPoint(dx, 0)),
                             chart->viewport()->mapToGlobal(QPointF(middle + QPoint(dx, 0))),
                             Qt::NoButton, Qt::LeftButton, {});
            QApplication::sendEvent(chart->viewport(), &move);
        }
        QTest::mouseRelease(chart->viewport(), Qt::LeftButton, {}, middle + QPoint(120, 0));
        QTRY_VERIFY(window.visibleRange().first < before.first); // dragged right: earlier
        QCOMPARE(window.cursorTime(), cursor);
        QSignalSpy moved(window.session(), &ReplaySession::timeChanged);
        QTest::mouseDClick(chart->viewport(), Qt::LeftButton, {}, middle);
        QTRY_COMPARE(window.visibleRange(),
                     std::make_pair(window.data()->startMs, window.data()->endMs));
        // A click after it seeks; the double click before it did not (its first click's seek
        // would have come first).
        const QPoint left = middle + QPoint(-200, 0);
        const qint64 target = qint64(chart->chart()->mapToValue(QPointF(left)).x());
        QTest::mouseClick(chart->viewport(), Qt::LeftButton, {}, left);
        QVERIFY(moved.wait(test::kLiveWaitMs));
        QCOMPARE(moved.size(), 1);
        QCOMPARE(window.cursorTime(), target);
        // The crosshair's readout: the time and the line's value there.
        const QString readout = chart->readoutAt(QPointF(middle));
        QVERIFY2(readout.contains(u" UTC\nfailing: ") && readout.contains(u" %"),
                 qPrintable(readout));
    }

    // PagerDuty after the cut: requests are served again, but the notifications wait: the
    // header says recovering, names the queue, and how late it is.
    void pagerDutyRecovers()
    {
        RecordingWindow window;
        window.resize(1600, 1000);
        QVERIFY(open(window, QStringLiteral("pagerduty-2011")));
        QCOMPARE(formatUtc(window.cursorTime()), QStringLiteral("2011-08-08 16:00:00"));
        QVERIFY(window.seekTo(QStringLiteral("16:45")));
        QCOMPARE(formatUtc(window.cursorTime()), QStringLiteral("2011-08-08 16:45:00"));
        window.render();
        QCOMPARE(toString(window.header()->status().state), QStringLiteral("recovering"));
        const QString text = window.header()->stateText();
        QVERIFY2(text.startsWith(u"RECOVERING since 2011-08-08 16:35:49 UTC (9m11s): "
                                 u"notifications: ") &&
                     text.contains(u"late (target 3m)"),
                 qPrintable(text));
        // The log says it too, for every event of the stretch.
        const EventLogPanel *log = window.eventLogPanel();
        QTRY_VERIFY(log->highlightedRow() >= 0);
        QCOMPARE(
            log->filter()->index(log->highlightedRow(), EventLogModel::Service).data().toString(),
            QStringLiteral("recovering"));
        // The story's charts first: failing, then the queue's backlog and lateness.
        QCOMPARE(window.chartTitle(0), QStringLiteral("Requests failing"));
        QCOMPARE(window.chartTitle(1), QStringLiteral("notifications backlog"));
        QCOMPARE(window.chartTitle(2), QStringLiteral("notifications delivery latency"));
        QTRY_VERIFY(window.chart(1)->valueLabels().contains(u"1,000,000"));
    }

    // The header keeps its height whatever it says; so does everything under it.
    void theHeaderNeverJumps()
    {
        RecordingWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(open(window, QStringLiteral("lemniscus-2020")));
        window.seekTo(QStringLiteral("2020-05-25T08:40Z"));
        window.render();
        QCOMPARE(toString(window.header()->status().state), QStringLiteral("ok"));
        const int height = window.header()->height();
        const int clockY = window.clockBar()->mapTo(&window, QPoint(0, 0)).y();
        window.seekTo(QStringLiteral("2020-05-25T08:50Z"));
        window.render();
        QCOMPARE(toString(window.header()->status().state), QStringLiteral("outage"));
        QCOMPARE(window.header()->height(), height);
        QCOMPARE(window.clockBar()->mapTo(&window, QPoint(0, 0)).y(), clockY);
        window.setPlaying(true); // Play becomes Pause: the buttons keep their width
        const int logY = window.eventLogPanel()->mapTo(&window, QPoint(0, 0)).y();
        window.render();
        QCOMPARE(window.eventLogPanel()->mapTo(&window, QPoint(0, 0)).y(), logY);
    }

    // The log's highlighted row is the last shown event at or before the cursor, under any
    // filter, and in view.
    void theLogFollowsUnderAFilter()
    {
        RecordingWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(open(window, QStringLiteral("lemniscus-2020")));
        EventLogPanel *log = window.eventLogPanel();
        log->setKindGroups({QStringLiteral("Autoscaler decisions")});
        QCOMPARE(log->kindGroups(), QStringList{QStringLiteral("Autoscaler decisions")});
        for (const char *at :
             {"2020-05-25T08:29:39Z", "2020-05-27T12:00:00Z", "2020-05-12T03:00Z"}) {
            window.seek(utc(at));
            window.render();
            QVERIFY(log->highlightedRow() >= 0);
            const QModelIndex shown = log->filter()->index(log->highlightedRow(), 0);
            const qint64 t = shown.data(EventLogModel::TimeRole).toLongLong();
            QVERIFY2(t <= window.cursorTime(), at);
            QVERIFY(shown.data(EventLogModel::KindRole).toString().startsWith(u"autoscaler."));
            if (log->highlightedRow() + 1 < log->filter()->rowCount())
                QVERIFY(log->filter()
                            ->index(log->highlightedRow() + 1, 0)
                            .data(EventLogModel::TimeRole)
                            .toLongLong() > window.cursorTime());
            QTRY_VERIFY(log->view()->viewport()->rect().intersects(log->view()->visualRect(shown)));
        }
        // A second kind at once; every kind again.
        log->setKindGroups({QStringLiteral("Autoscaler decisions"), QStringLiteral("Alerts")});
        const int both = log->filter()->rowCount();
        log->setKindGroups({});
        QVERIFY(both < log->filter()->rowCount());
        QVERIFY(both > 0);
    }

    // The keyboard: Ctrl+G, a time, Enter: there, and the map has the keyboard again; Escape
    // leaves a field; F6 goes from panel to panel; letters on the map select a node.
    void theKeyboardIsNeverTrapped()
    {
        RecordingWindow window;
        window.resize(1600, 1000);
        window.show();
        QApplication::setActiveWindow(&window);
        QVERIFY(QTest::qWaitForWindowActive(&window));
        QVERIFY(open(window, QStringLiteral("lemniscus-2020")));
        QTRY_COMPARE(window.focusedPanel(), QStringLiteral("map"));
        QTest::keyClick(&window, Qt::Key_G, Qt::ControlModifier);
        QCOMPARE(window.focusedPanel(), QStringLiteral("clock"));
        QLineEdit *field = window.clockBar()->goToField();
        QTest::keyClicks(field, QStringLiteral("16:10"));
        QTest::keyClick(field, Qt::Key_Return);
        QCOMPARE(formatUtc(window.cursorTime()), QStringLiteral("2020-05-25 16:10:00"));
        QVERIFY2(window.focusedPanel() == u"map",
                 QApplication::focusWidget()->metaObject()->className());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space); // Space plays, not types
        QVERIFY(window.playing());
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Space);
        QVERIFY(!window.playing());

        QTest::keyClick(&window, Qt::Key_G, Qt::ControlModifier);
        QTest::keyClicks(field, QStringLiteral("next week"));
        QTest::keyClick(field, Qt::Key_Return);
        QVERIFY(window.clockBar()->goToError().contains(u"a time of day on the cursor's day"));
        QCOMPARE(window.focusedPanel(), QStringLiteral("clock")); // to mend what was typed
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Escape);
        QCOMPARE(window.focusedPanel(), QStringLiteral("map"));

        QStringList visited;
        for (int i = 0; i < 4; ++i) {
            QTest::keyClick(QApplication::focusWidget(), Qt::Key_F6);
            visited.append(window.focusedPanel());
        }
        QCOMPARE(visited, (QStringList{QStringLiteral("charts"), QStringLiteral("log"),
                                       QStringLiteral("clock"), QStringLiteral("map")}));
        QTest::keyClicks(window.mapView(), QStringLiteral("cache-2"));
        QCOMPARE(window.mapView()->nodesOf(window.mapView()->selectedNode()),
                 QStringList{QStringLiteral("cache-2")}); // its role's chip in dc2
        QTRY_VERIFY(!window.details()->rows().isEmpty()); // its hops, with verdicts and why
        QTest::keyClick(window.mapView(), Qt::Key_Left);  // the chip left of it
        QVERIFY(window.mapView()->selectedNode() != QStringLiteral("cache-2"));
        QVERIFY(!window.mapView()->selectedNode().isEmpty());
    }

    // A live recording whose writer was killed opens as ended, and says when it stopped.
    void aKilledWriterIsShown()
    {
        const QString path = m_dir.filePath(QStringLiteral("killed.warroom"));
        QVERIFY(createLiveRecording(path, test::loadBundled(QStringLiteral("lemniscus-2020")),
                                    QStringLiteral("feed")));
        const qint64 lastBeat = QDateTime::currentMSecsSinceEpoch() - 5 * 60000;
        {
            auto writer = RecordingWriter::openForAppend(path);
            QVERIFY(writer);
            writer.value()->setMeta(QStringLiteral("live"), QStringLiteral("1"));
            writer.value()->setMeta(QStringLiteral("heartbeat_ms"), QString::number(lastBeat));
            QVERIFY(writer.value()->close());
        }
        RecordingWindow window;
        QSignalSpy loaded(&window, &RecordingWindow::loaded);
        window.openFile(path);
        QVERIFY(loaded.wait(30000));
        window.render();
        QVERIFY(!window.following());
        QVERIFY(window.header()->liveWarning());
        QVERIFY2(window.header()->liveText().contains(u"writer stopped unexpectedly (last seen " +
                                                      formatUtc(lastBeat) + u" UTC"),
                 qPrintable(window.header()->liveText()));
    }

    // --state: what the window shows, as JSON.
    void stateForScripts()
    {
        RecordingWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(open(window, QStringLiteral("lemniscus-2020")));
        QTRY_VERIFY(everyChartShows(window, window.cursorTime()));
        const QJsonObject state = windowState(window);
        QCOMPARE(state.value(QStringLiteral("cursor")).toString(),
                 QStringLiteral("2020-05-25T08:48:40Z"));
        QCOMPARE(state[QStringLiteral("service")][QStringLiteral("state")].toString(),
                 QStringLiteral("outage"));
        const QJsonArray charts = state[QStringLiteral("charts")][QStringLiteral("list")].toArray();
        QCOMPARE(charts.size(), window.chartCount());
        for (const QJsonValue &c : charts)
            QVERIFY(c[QStringLiteral("containsCursor")].toBool());
        // The outage is said once it held (30 s) but dated from its start: the event at the
        // cursor is what began it, the new DC3 server going into service.
        QCOMPARE(state[QStringLiteral("log")][QStringLiteral("highlighted")][QStringLiteral("kind")]
                     .toString(),
                 QStringLiteral("node.in_service"));
        const QJsonObject map = state[QStringLiteral("map")].toObject();
        QVERIFY(map[QStringLiteral("chips")].toArray().size() > 8);
        // The badges at the cursor: errors surface at the new DC3 server and the load balancer,
        // not at the cache it cannot reach.
        QTRY_VERIFY(!window.drawing());
        QVERIFY2(window.mapView()->badgeText(QStringLiteral("app-pool-4")).endsWith(u"err/s"),
                 qPrintable(window.mapView()->badgeText(QStringLiteral("app-pool-4"))));
        QVERIFY(window.mapView()->badgeText(QStringLiteral("lb-1")).endsWith(u"err/s"));
        QVERIFY(window.mapView()->badgeText(QStringLiteral("cache-1")).startsWith(u"CPU "));
        QVERIFY(map[QStringLiteral("sites")].toArray().size() >= 4);
        bool blocked = false;
        for (const QJsonValue &hop : map[QStringLiteral("hops")].toArray())
            blocked |= hop[QStringLiteral("state")].toString() == u"blocked" &&
                       hop[QStringLiteral("polyline")].toArray().size() >= 2;
        QVERIFY(blocked);
    }

    // The map's ⊗ and ≠ markers: each on its own hop, inside the map, over no chip and no
    // site's title, at the bundled stories' key moments and two window sizes.
    void mapMarkersSitOnTheirHop_data()
    {
        QTest::addColumn<QString>("recording");
        QTest::addColumn<QString>("at");
        QTest::addColumn<QSize>("size");
        for (const QSize size : {QSize(1440, 900), QSize(1024, 700)}) {
            const QByteArray w = QByteArray::number(size.width());
            QTest::newRow(QByteArray("lemniscus_first_failure_" + w).constData())
                << QStringLiteral("lemniscus-2020") << QStringLiteral("2020-05-25T08:48:40Z")
                << size;
            QTest::newRow(QByteArray("lemniscus_replaced_" + w).constData())
                << QStringLiteral("lemniscus-2020") << QStringLiteral("2020-05-25T08:53:30Z")
                << size;
            QTest::newRow(QByteArray("pagerduty_cut_off_" + w).constData())
                << QStringLiteral("pagerduty-2011") << QStringLiteral("16:12") << size;
        }
    }
    void mapMarkersSitOnTheirHop()
    {
        QFETCH(QString, recording);
        QFETCH(QString, at);
        QFETCH(QSize, size);
        RecordingWindow window;
        window.resize(size);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(open(window, recording));
        QVERIFY(window.seekTo(at));
        window.render();
        const QJsonObject map = windowState(window)[QStringLiteral("map")].toObject();
        auto rect = [](const QJsonValue &v) {
            const QJsonArray a = v.toArray();
            return QRectF(a[0].toDouble(), a[1].toDouble(), a[2].toDouble(), a[3].toDouble());
        };
        const QJsonArray markers = map[QStringLiteral("markers")].toArray();
        QVERIFY(!markers.isEmpty()); // both stories have a blocked hop at these moments
        const QJsonArray mapSize = map[QStringLiteral("size")].toArray();
        const QRectF inside(0, 0, mapSize[0].toDouble(), mapSize[1].toDouble());
        const QJsonArray hops = map[QStringLiteral("hops")].toArray();
        for (const QJsonValue &m : markers) {
            const QRectF box = rect(m[QStringLiteral("rect")]);
            QVERIFY2(inside.contains(box), qPrintable(u"outside the map: " + at));
            for (const QJsonValue &chip : map[QStringLiteral("chips")].toArray())
                QVERIFY2(!rect(chip[QStringLiteral("rect")]).intersects(box),
                         qPrintable(u"over chip " + chip[QStringLiteral("id")].toString()));
            for (const QJsonValue &site : map[QStringLiteral("sites")].toArray())
                QVERIFY2(!rect(site[QStringLiteral("titleBand")]).intersects(box),
                         qPrintable(u"over the title of " + site[QStringLiteral("id")].toString()));
            // On its hop: the hop's polyline passes through the marker.
            const QJsonArray line =
                hops[m[QStringLiteral("hop")].toInt()][QStringLiteral("polyline")].toArray();
            bool through = false;
            const QPointF c = box.center();
            for (qsizetype i = 1; i < line.size(); ++i) {
                const QPointF a(line[i - 1][0].toDouble(), line[i - 1][1].toDouble());
                const QPointF b(line[i][0].toDouble(), line[i][1].toDouble());
                const QPointF ab = b - a;
                const double length2 = QPointF::dotProduct(ab, ab);
                const double t =
                    length2 > 0 ? std::clamp(QPointF::dotProduct(c - a, ab) / length2, 0.0, 1.0)
                                : 0.0;
                through |= QLineF(a + t * ab, c).length() <= 3.0;
            }
            QVERIFY2(through, qPrintable(u"off its hop: " + at));
        }
    }

    // Names cut in a narrow chip keep what tells them apart, and come back whole when zoomed.
    void chipNamesAreUniqueAndComeBackAtZoom()
    {
        RecordingWindow window;
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(open(window, QStringLiteral("pagerduty-2011")));
        QVERIFY(window.seekTo(QStringLiteral("16:45")));
        MapView *map = window.mapView();
        map->setLevel(MapLevel::Nodes); // one chip per node, as narrow as they get
        window.render();
        auto chips = [&] { return map->geometryJson()[QStringLiteral("chips")].toArray(); };
        QString cut;
        QStringList labels;
        for (const QJsonValue &c : chips()) {
            if (c[QStringLiteral("label")].toString().isEmpty())
                continue; // a square (a dense site): no label
            labels.append(c[QStringLiteral("label")].toString());
            if (cut.isEmpty() && c[QStringLiteral("elided")].toBool())
                cut = c[QStringLiteral("id")].toString();
        }
        QVERIFY2(!cut.isEmpty(), "no name is cut at 1024 px: nothing to check");
        QCOMPARE(QSet<QString>(labels.cbegin(), labels.cend()).size(), labels.size());
        const QPointF at = map->nodeRect(cut).center() * map->zoom();
        for (int i = 0; i < 6; ++i) { // zoomed in around it
            QWheelEvent wheel(at, map->mapToGlobal(at), {}, QPoint(0, 120), Qt::NoButton, {},
                              Qt::NoScrollPhase, false);
            QApplication::sendEvent(map, &wheel);
        }
        QVERIFY(map->zoom() > 3.0);
        for (const QJsonValue &c : chips()) {
            if (c[QStringLiteral("id")].toString() == cut)
                QCOMPARE(c[QStringLiteral("label")].toString(), cut);
        }
    }

private:
    bool open(RecordingWindow &window, const QString &name)
    {
        QSignalSpy loaded(&window, &RecordingWindow::loaded);
        window.openFile(m_dir.filePath(name + u".warroom"));
        return loaded.wait(60000);
    }
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestWarRoom)
#include "tst_war_room.moc"
