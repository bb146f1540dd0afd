#include "core/model/topology_json.h"
#include "core/replay/replay_cursor.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
#include "support/test_support.h"
#include "ui/charts/metric_chart.h"
#include "ui/map/map_view.h"
#include "ui/models/event_log_model.h"
#include "ui/palette.h"
#include "ui/recording_window.h"
#include "ui/settings.h"
#include "ui/warroom/compare_panel.h"
#include "ui/warroom/event_log_panel.h"
#include "ui/warroom/header_bar.h"

#include "core/replay/replay_session.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QImage>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>
#include <QtEndian>

using namespace warroom;

class TestRecordingWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // settings go to a test location
        QVERIFY(
            recordSimulation(test::loadBundled(QStringLiteral("lemniscus-2020")), {}, lemniscus()));
    }

    // The Lemniscus replay: a DC3 app server's cache hop is vermillion while it runs, the
    // other cache is reachable, and the window says there is an outage and why.
    void edgeColorsAtTheirTimes()
    {
        RecordingWindow window;
        QVERIFY(openAndWait(window, lemniscus()));
        const ReplayData &data = *window.data();
        QVERIFY(window.chartCount() >= 4);
        const Outage &first = data.summary.outages.first();
        const QString dc3 = first.causes.first().section(u'/', 1, 1).section(u' ', 0, 0);

        window.seek(first.startMs + 30000);
        QTRY_COMPARE(window.map()->hopState(dc3, QStringLiteral("cache-1")),
                     QStringLiteral("blocked"));
        QCOMPARE(window.map()->hopColor(dc3, QStringLiteral("cache-1")), okabeIto::vermillion);
        QCOMPARE(window.map()->hopState(dc3, QStringLiteral("cache-2")),
                 QStringLiteral("reachable"));
        QCOMPARE(window.map()->hopColor(dc3, QStringLiteral("cache-2")), okabeIto::bluishGreen);
        QVERIFY(window.statusText().contains(u"OUTAGE since"));
        QVERIFY(window.statusText().contains(u"dc3-egress"));

        // Weeks before: no server in DC3, but the map shows where one would fail, and why.
        window.seek(data.startMs + 14 * 86400000LL);
        QTRY_VERIFY(!window.map()->latentPlaces().isEmpty());
        QVERIFY2(window.map()->latentPlaces().first().startsWith(
                     u"app-pool@dc3: cache-1:6379 blocked by dc3-egress (line 210)"),
                 qPrintable(window.map()->latentPlaces().join(u'\n')));
        window.seek(data.endMs); // after the rule was corrected
        QTRY_VERIFY(window.map()->latentPlaces().isEmpty());

        window.seek(first.startMs - 15 * 60000); // before it was launched
        QTRY_COMPARE(window.map()->hopState(dc3, QStringLiteral("cache-1")), QString());
        QTRY_COMPARE(toString(window.header()->status().state), QStringLiteral("ok"));
        QVERIFY2(window.statusText().contains(u"\nOK · 9 outages in the recording"),
                 qPrintable(window.statusText()));
    }

    // The log follows the cursor; the filter narrows it; playing moves the cursor.
    void logFollowsTheClock()
    {
        RecordingWindow window;
        QVERIFY(openAndWait(window, lemniscus()));
        QAbstractItemModelTester tester(window.eventLogFilter(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        const ReplayData &data = *window.data();
        QCOMPARE(window.eventLog()->rowCount(), data.events.size());
        const Event &e = data.events[data.events.size() / 2];
        window.seek(e.timeMs);
        QCOMPARE(window.cursorTime(), e.timeMs);
        // The highlighted row: the last event at or before the cursor (its time, and the next
        // one's after it).
        const auto after = std::upper_bound(data.events.cbegin(), data.events.cend(), e.timeMs,
                                            [](qint64 t, const Event &x) { return t < x.timeMs; });
        QTRY_COMPARE(window.eventLogPanel()->highlightedRow(),
                     int(after - data.events.cbegin()) - 1);
        QVERIFY(data.events[window.eventLogPanel()->highlightedRow()].timeMs <= e.timeMs);
        window.eventLogFilter()->setKinds({QStringLiteral("rule.corrected")});
        QCOMPARE(window.eventLogFilter()->rowCount(), 1);
        window.seek(data.startMs);
        window.stepToEvent(+1); // the next event of that kind
        QCOMPARE(window.cursorTime(),
                 window.eventLogFilter()->index(0, 0).data(EventLogModel::TimeRole).toLongLong());
        window.stepToEvent(+1); // none after it: the cursor stays
        QCOMPARE(window.cursorTime(),
                 window.eventLogFilter()->index(0, 0).data(EventLogModel::TimeRole).toLongLong());
        window.eventLogFilter()->setKinds({});
        const qint64 corrected = window.cursorTime();
        window.stepToEvent(-1); // any kind: the event just before
        QVERIFY(window.cursorTime() < corrected);

        window.seek(data.startMs);
        window.setSpeed(3600);
        window.show();
        window.setPlaying(true);
        QTRY_VERIFY(window.cursorTime() > data.startMs + 3600000);
        window.setPlaying(false);
        const qint64 paused = window.cursorTime();
        QVERIFY(!window.session()->advance(1000)); // a paused clock does not move
        QCOMPARE(window.cursorTime(), paused);
    }

    // Zooming re-reads the charts for the visible part, markers included; reset shows all.
    void zoomRereadsTheCharts()
    {
        RecordingWindow window;
        QVERIFY(openAndWait(window, lemniscus()));
        const ReplayData &data = *window.data();
        const MetricChart *cpu = window.chart(1); // app-pool CPU, with the autoscaler's decisions
        window.setVisibleRange(data.startMs, data.endMs);
        QTRY_VERIFY(cpu->markerCount() > 5);
        const qint64 quiet = data.startMs + 86400000LL; // the first Tuesday: no scaling at all
        window.setVisibleRange(quiet, quiet + 86400000LL);
        QCOMPARE(window.visibleRange(), std::make_pair(quiet, quiet + 86400000LL));
        QTRY_COMPARE(cpu->markerCount(), 0);
        window.setVisibleRange(data.startMs, data.endMs);
        QTRY_VERIFY(cpu->markerCount() > 5);
    }

    // Clicking a node highlights its neighbours and puts its charts first; again: unselects.
    void selectingANodeOpensItsCharts()
    {
        RecordingWindow window;
        QVERIFY(openAndWait(window, lemniscus()));
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const int charts = window.chartCount();
        MapView *map = window.mapView();
        const QRectF lb = map->nodeRect(QStringLiteral("lb-1"));
        QVERIFY(!lb.isEmpty());
        QTest::mouseClick(map, Qt::LeftButton, {}, lb.center().toPoint());
        // The role view: lb-1 is its role's chip in dc1, a chip of one node, that node.
        QCOMPARE(map->selectedNode(), QStringLiteral("dc1/load_balancer"));
        QCOMPARE(map->nodesOf(map->selectedNode()), QStringList{QStringLiteral("lb-1")});
        QVERIFY(map->highlighted(QStringLiteral("app-1")));       // lb-1 sends to its proxy
        QVERIFY(!map->highlighted(QStringLiteral("db-primary"))); // not its neighbour
        QCOMPARE(window.chartCount(), charts + 2);
        QCOMPARE(window.chartTitle(0), QStringLiteral("lb-1 CPU"));
        for (int row = 0; row < window.eventLogFilter()->rowCount(); ++row) // the log: its events
            QCOMPARE(window.eventLogFilter()->index(row, EventLogModel::Node).data().toString(),
                     QStringLiteral("lb-1"));
        QVERIFY(window.eventLogFilter()->rowCount() > 0);
        QTRY_VERIFY(window.chart(1)->markerCount() > 0); // its alerts, on its own chart
        QTest::mouseClick(map, Qt::LeftButton, {}, lb.center().toPoint());
        QCOMPARE(map->selectedNode(), QString());
        QCOMPARE(window.chartCount(), charts);
        QCOMPARE(window.eventLogFilter()->rowCount(), window.eventLog()->rowCount());
    }

    // A node dragged by hand stays there, and the recording remembers it.
    void draggedNodesAreSavedInTheRecording()
    {
        QTemporaryDir dir;
        const QString copy = dir.filePath(QStringLiteral("l.warroom"));
        QVERIFY(QFile::copy(lemniscus(), copy));
        QPointF placed;
        {
            RecordingWindow window;
            QVERIFY(openAndWait(window, copy));
            window.resize(1400, 900);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            MapView *map = window.mapView();
            const QRectF before = map->nodeRect(QStringLiteral("lb-1"));
            const QPoint from = before.center().toPoint();
            const QPoint to = from + QPoint(60, 90);
            drag(map, from, to);
            placed = map->nodeRect(QStringLiteral("lb-1")).topLeft();
            QCOMPARE(placed, before.topLeft() + QPointF(60, 90));
            QCOMPARE(map->selectedNode(), QString()); // a drag is not a click
            // Zoom around the pointer keeps what is under it; a double click fits again.
            const QPointF pointer(300, 300);
            const QPointF under = map->toScene(pointer);
            QWheelEvent wheel(pointer, map->mapToGlobal(pointer), {}, QPoint(0, 240), Qt::NoButton,
                              {}, Qt::NoScrollPhase, false);
            QApplication::sendEvent(map, &wheel);
            QVERIFY(map->zoom() > 1.5);
            QVERIFY(QLineF(map->toScene(pointer), under).length() < 0.01);
            QTest::mouseDClick(map, Qt::LeftButton, {}, QPoint(5, 5));
            QCOMPARE(map->zoom(), 1.0);
            window.waitForLayoutSaved();
        }
        auto reopened = Recording::open(copy);
        QVERIFY(reopened);
        // Kept under its chip's id: lb-1's role chip in dc1.
        QVERIFY(reopened.value()->layout().contains(QStringLiteral("dc1/load_balancer")));
        RecordingWindow again;
        QVERIFY(openAndWait(again, copy));
        again.resize(1400, 900);
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QCOMPARE(again.mapView()->nodeRect(QStringLiteral("lb-1")).topLeft(), placed);
    }

    // A move on the map is undone with Ctrl+Z there (and in the recording), redone, and View →
    // Reset layout puts every node back where the map computes it.
    void layoutMovesAreUndoable()
    {
        QTemporaryDir dir;
        const QString copy = dir.filePath(QStringLiteral("l.warroom"));
        QVERIFY(QFile::copy(lemniscus(), copy));
        RecordingWindow window;
        QVERIFY(openAndWait(window, copy));
        window.resize(1400, 900);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        MapView *map = window.mapView();
        const QRectF computed = map->nodeRect(QStringLiteral("lb-1"));
        const QPoint from = computed.center().toPoint();
        const QPoint to = from + QPoint(40, 60);
        drag(map, from, to);
        const QRectF placed = map->nodeRect(QStringLiteral("lb-1"));
        QVERIFY(placed != computed);
        auto stored = [&] {
            window.waitForLayoutSaved();
            return Recording::open(copy).value()->layout().contains(
                QStringLiteral("dc1/load_balancer"));
        };
        QVERIFY(stored());

        map->setFocus();
        QTest::keyClick(map, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(map->nodeRect(QStringLiteral("lb-1")), computed);
        QVERIFY(!stored());
        QTest::keyClick(map, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
        QCOMPARE(map->nodeRect(QStringLiteral("lb-1")), placed);
        QVERIFY(stored());
        window.resetLayout();
        QCOMPARE(map->nodeRect(QStringLiteral("lb-1")), computed);
        QVERIFY(!stored());
        window.layoutUndo()->undo(); // the reset too
        QCOMPARE(map->nodeRect(QStringLiteral("lb-1")), placed);
    }

    // An unhealthy DC3 server replaced: the clock running into it animates both, the old one
    // stays as a ghost, the new one is marked new; a jump animates nothing; a scale in drains.
    void launchesAndTerminationsShowAndAnimate()
    {
        RecordingWindow window;
        QVERIFY(openAndWait(window, lemniscus()));
        window.resize(1400, 900);
        const ReplayData &data = *window.data();
        const MapView *map = window.map();
        Event terminated, launched, draining;
        for (const Event &e : data.events) {
            if (terminated.node.isEmpty() && e.kind == EventKind::NodeTerminated &&
                e.text.contains(u"(unhealthy)"))
                terminated = e;
            else if (!terminated.node.isEmpty() && launched.node.isEmpty() &&
                     e.kind == EventKind::NodeLaunched && e.text.contains(terminated.node))
                launched = e;
            else if (draining.node.isEmpty() && e.kind == EventKind::NodeDraining)
                draining = e;
        }
        QVERIFY(!launched.node.isEmpty() && !draining.node.isEmpty());
        window.mapView()->setLevel(MapLevel::Nodes); // one chip per node: each one's life
        auto life = [map](const QString &id) {
            const int n = map->scene().nodeIndex(id);
            return n < 0 ? -1 : int(map->scene().nodes()[n].life);
        };
        window.seek(terminated.timeMs - 60000);
        QTRY_VERIFY(life(terminated.node) == int(NodeLife::Running) ||
                    life(terminated.node) == int(NodeLife::New)); // it ran for minutes
        window.seek(terminated.timeMs + 30000);
        QTRY_COMPARE(life(terminated.node), int(NodeLife::Terminated));
        QCOMPARE(life(launched.node), int(NodeLife::New));
        QVERIFY(map->animating().contains(terminated.node));
        QVERIFY(map->animating().contains(launched.node));
        QTRY_VERIFY_WITH_TIMEOUT(map->animating().isEmpty(), test::kLiveWaitMs);

        window.seek(data.startMs);
        QTRY_COMPARE(life(launched.node), -1);
        window.seek(terminated.timeMs + 30000); // a jump of days
        QTRY_COMPARE(life(launched.node), int(NodeLife::New));
        QVERIFY(map->animating().isEmpty());

        window.seek(draining.timeMs + 60000);
        QTRY_COMPARE(life(draining.node), int(NodeLife::Draining));
    }

    void mapExportsPngAndSvg()
    {
        RecordingWindow window;
        QVERIFY(openAndWait(window, lemniscus()));
        window.resize(1200, 800);
        const QString png = m_dir.filePath(QStringLiteral("map.png"));
        const QString svg = m_dir.filePath(QStringLiteral("map.svg"));
        QVERIFY(window.mapView()->exportTo(png));
        QVERIFY(window.mapView()->exportTo(svg));
        QVERIFY(!QImage(png).isNull());
        QFile file(svg);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        QVERIFY(text.contains("<svg"));
        QVERIFY(text.contains("cache-1")); // the map's text is text in the SVG
        QVERIFY(settings::recentFiles().contains(QFileInfo(lemniscus()).absoluteFilePath()));
    }

    // A scenario is simulated first, on a worker, with its progress shown; then replayed.
    void aScenarioIsSimulatedThenReplayed()
    {
        RecordingWindow window;
        QSignalSpy simulating(window.session(), &ReplaySession::simulationStarted);
        QVERIFY(openAndWait(window, test::scenarioPath(QStringLiteral("pagerduty-2011"))));
        QCOMPARE(simulating.size(), 1);
        QCOMPARE(window.session()->simulationProgress(), -1); // done: no progress bar
        QCOMPARE(window.data()->name, QStringLiteral("pagerduty-2011"));
        QCOMPARE(window.data()->summary.outages.size(), 1);
        QVERIFY(window.data()->path.endsWith(u"/recordings/pagerduty-2011.warroom"));
    }

    // A variant beside the incident on one clock: the fixed rule's run at the moment the first
    // DC3 server is blocked, its map, its state, and the hops whose verdict differs (the
    // blocked one, reachable or absent in B). By wall time or by offset: the same start here.
    void aVariantIsComparedOnOneClock()
    {
        RecordingWindow window;
        QVERIFY(openAndWait(window, lemniscus()));
        QSignalSpy shown(&window, &RecordingWindow::comparisonShown);
        window.compareWith(test::scenarioPath(QStringLiteral("lemniscus-2020-rule-fixed")));
        QVERIFY(shown.wait(60000));
        ComparePanel *compare = window.comparePanel();
        QVERIFY(compare && compare->isLoaded());
        window.seekTo(QStringLiteral("2020-05-25T08:50:00Z"));
        window.render();
        QCOMPARE(compare->session()->time(), window.cursorTime());
        const QList<VerdictDifference> &differences = compare->differences();
        const auto blocked =
            std::find_if(differences.begin(), differences.end(), [](const VerdictDifference &d) {
                return d.from == u"app-pool-4" && d.to == u"cache-1" &&
                       d.a == VerdictState::Blocked && d.b != VerdictState::Blocked;
            });
        QVERIFY2(blocked != differences.end(), qPrintable(QString::number(differences.size())));
        QVERIFY(blocked->aWhy.contains(u"dc3-egress"));
        QVERIFY(compare->stateText().contains(u"ok")); // B had no outage then
        // On A's map, the chip of the node whose hop differs is outlined; the others are not.
        int outlined = 0;
        for (const MapNode &chip : window.mapView()->scene().nodes()) {
            if (window.mapView()->compared(chip)) {
                ++outlined;
                QVERIFY2(window.mapView()->nodesOf(chip.id).contains(u"app-pool-4"),
                         qPrintable(chip.id));
            }
        }
        QVERIFY(outlined >= 1);
        // Choosing a difference selects its node on A's map.
        auto *table = compare->findChild<QTableWidget *>(QStringLiteral("differences"));
        QVERIFY(table && table->rowCount() == differences.size());
        Q_EMIT table->cellClicked(int(blocked - differences.begin()), 0);
        QVERIFY(
            window.mapView()->nodesOf(window.mapView()->selectedNode()).contains(u"app-pool-4"));
        // Each chart overlays B's lines, dashed (the first chart now: the chosen node's CPU).
        auto seriesNames = [&window] {
            QStringList names;
            for (const QAbstractSeries *series : window.chart(0)->chart()->series())
                names.append(series->name());
            return names;
        };
        const auto overlaid = [&seriesNames] {
            const QStringList names = seriesNames();
            return std::any_of(names.begin(), names.end(),
                               [](const QString &n) { return n.endsWith(u" (B)"); });
        };
        QTRY_VERIFY2(overlaid(), qPrintable(seriesNames().join(u", ")));
        compare->setAlignment(ComparePanel::Alignment::WallTime);
        window.render();
        QCOMPARE(compare->session()->time(), window.cursorTime());
        window.compareWith({});
        QVERIFY(!window.comparePanel());
        QTRY_VERIFY(!overlaid());
    }

    // Many events: the first frame comes from the first events read; a seek further on waits
    // for the rest and then lands where it was asked, with the state a full replay gives.
    void manyEventsShowTheFirstFrameFirst()
    {
        const QString path = m_dir.filePath(QStringLiteral("many.warroom"));
        const Topology t = test::loadBundled(QStringLiteral("pagerduty-2011")).topology;
        const qint64 start = 1700000000000LL;
        const int count = ReplayData::kFirstEvents * 2;
        {
            auto writer = RecordingWriter::create(path);
            QVERIFY(writer);
            RecordingWriter &w = *writer.value();
            w.setMeta(QStringLiteral("start_ms"), QString::number(start));
            w.setMeta(QStringLiteral("end_ms"), QString::number(start + count * 1000LL));
            w.addTopologyVersion(start, QStringLiteral("start"), topologyToJsonBytes(t));
            for (int i = 0; i < count; ++i) {
                Event e;
                e.timeMs = start + i * 1000LL;
                e.kind = i % 2 ? EventKind::LinkUp : EventKind::LinkDown;
                e.subject = t.links.first().id;
                w.append(e);
            }
            QVERIFY(w.close());
        }
        const auto first = loadReplayData(path);
        QVERIFY(first);
        QVERIFY(!first.value()->complete);
        QVERIFY(first.value()->events.size() <= ReplayData::kFirstEvents);
        QCOMPARE(first.value()->events.last().timeMs, first.value()->eventsUntilMs - 1000);
        QCOMPARE(withAllEvents(first.value()).value()->events.size(), count);

        RecordingWindow window;
        QSignalSpy loaded(&window, &RecordingWindow::loaded);
        const qint64 target = start + (count - 1) * 1000LL + 500; // the link went back up
        // Asked for at the first frame, when only the first events are read: the clock holds
        // where they are complete, then goes there once every event is read.
        qint64 held = -1;
        bool completeAtFirstFrame = true;
        connect(
            &window, &RecordingWindow::firstFrame, &window,
            [&] {
                completeAtFirstFrame = window.data()->complete;
                window.seek(target);
                held = window.cursorTime();
            },
            Qt::SingleShotConnection);
        window.openFile(path);
        QVERIFY(loaded.wait(60000));
        QVERIFY(!completeAtFirstFrame);
        QVERIFY(held >= start && held < target);
        QTRY_COMPARE(window.cursorTime(), target);
        QCOMPARE(window.eventLog()->rowCount(), count);
        // The data the window holds now gives the state a replay from the file gives.
        auto recording = Recording::open(path);
        QVERIFY(recording);
        for (const qint64 t : {target, target - 1000}) {
            ReplayCursor fromData(std::shared_ptr<const ReplayData>(
                std::shared_ptr<const ReplayData>{}, window.data()));
            ReplayCursor fromFile(*recording.value());
            fromData.seek(t);
            fromFile.seek(t);
            QCOMPARE(test::allEdges(*fromData.engine()), test::allEdges(*fromFile.engine()));
            QVERIFY(fromData.engine()->topology().links.first().state ==
                    (t == target ? ElementState::Up : ElementState::Down));
        }
    }

    void aBrokenFileSaysWhy()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("broken.warroom"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray("SQLite format 3\\0") + QByteArray(4000, 'x'));
        file.close();
        RecordingWindow window;
        QSignalSpy failed(&window, &RecordingWindow::loadFailed);
        window.openFile(path);
        QVERIFY(failed.wait(30000));
        QVERIFY2(failed.first().first().toString().startsWith(path + u": "),
                 qPrintable(failed.first().first().toString()));
    }

    // A damaged copy (a bit of one sample flipped): the window opens it, draws nothing there,
    // and says what is left out.
    void aDamagedRecordingSaysWhatIsLeftOut()
    {
        const QString damaged = m_dir.filePath(QStringLiteral("damaged.warroom"));
        QVERIFY(QFile::copy(lemniscus(), damaged));
        QString key;
        {
            QFile file(damaged);
            QVERIFY(file.open(QIODevice::ReadWrite));
            const QByteArray bytes = file.readAll();
            auto r = Recording::open(damaged);
            QVERIFY(r);
            // Samples whose bytes are found once in the file: a level-0 chunk's.
            qsizetype at = -1;
            for (const StoredSeries &s : r.value()->series()) {
                if (s.count < 5000)
                    continue;
                const std::vector<float> values = r.value()->samples(
                    s, s.info.startMs, s.info.startMs + 2000 * s.info.intervalMs);
                for (int i = 0; i + 16 < int(values.size()) && at < 0; i += 97) {
                    QByteArray needle(64, '\0');
                    qToLittleEndian<float>(values.data() + i, 16, needle.data());
                    const qsizetype found = bytes.indexOf(needle);
                    if (found > 0 && bytes.indexOf(needle, found + 1) < 0 &&
                        needle.count('\0') < 16)
                        at = found;
                }
                if (at > 0) {
                    key = s.info.key;
                    break;
                }
            }
            QVERIFY(at > 0);
            file.seek(at + 3);
            file.write(QByteArray(1, char(bytes[at + 3] ^ 0x10)));
        }
        RecordingWindow window;
        QSignalSpy checked(window.session(), &ReplaySession::damageChecked);
        QVERIFY(openAndWait(window, damaged));
        QVERIFY(window.session()->damageCheckDone() || checked.wait(60000));
        window.render();
        QVERIFY2(window.header()->fileText().startsWith(u"⚠ recording damaged: 1 part left out"),
                 qPrintable(window.header()->fileText()));
        QVERIFY2(window.header()->toolTip().contains(u"samples of " + key + u" from "),
                 qPrintable(window.header()->toolTip()));
        QVERIFY(window.header()->text().contains(u"recording damaged"));

        // Damaged and read-only: both said.
        QVERIFY(QFile::setPermissions(damaged, QFile::ReadOwner | QFile::ReadGroup));
        RecordingWindow again;
        QSignalSpy checkedAgain(again.session(), &ReplaySession::damageChecked);
        QVERIFY(openAndWait(again, damaged));
        QVERIFY(again.session()->damageCheckDone() || checkedAgain.wait(60000));
        again.render();
        QVERIFY2(again.header()->fileText().startsWith(u"⚠ recording damaged: 1 part left out · "
                                                       u"read-only: nothing saved"),
                 qPrintable(again.header()->fileText()));
    }

    // A copy whose topology is damaged: the map says so in its middle, not only the header.
    void aDamagedTopologyIsSaidOnTheMap()
    {
        const QString damaged = m_dir.filePath(QStringLiteral("damaged-topology.warroom"));
        QVERIFY(QFile::copy(lemniscus(), damaged));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("topology"));
            db.setDatabaseName(damaged);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("UPDATE topology_versions SET json = json || ' '")));
            QVERIFY(q.numRowsAffected() > 0);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("topology"));
        RecordingWindow window;
        QVERIFY(openAndWait(window, damaged));
        window.render();
        QVERIFY(window.mapView()->scene().sites().isEmpty());
        QVERIFY2(window.mapView()->emptyNote().contains(u"is damaged and cannot be drawn"),
                 qPrintable(window.mapView()->emptyNote()));
        QVERIFY(window.header()->text().contains(u"recording damaged"));
        // A trainee's view (rule names hidden) says it too.
        RecordingWindow trainee;
        trainee.setTraineeView(true);
        QVERIFY(openAndWait(trainee, damaged));
        trainee.render();
        QVERIFY2(trainee.mapView()->emptyNote().contains(u"is damaged and cannot be drawn"),
                 qPrintable(trainee.mapView()->emptyNote()));
        // The whole undamaged recording draws its map and says nothing there.
        RecordingWindow whole;
        QVERIFY(openAndWait(whole, lemniscus()));
        whole.render();
        QVERIFY(!whole.mapView()->scene().sites().isEmpty());
        QVERIFY(whole.mapView()->emptyNote().isEmpty());
    }

    // A read-only file: the window says that the layout and post-mortem are not saved, and a
    // copy saved from it opens, whole and writable.
    void aReadOnlyRecordingOffersACopy()
    {
        const QString readOnly = m_dir.filePath(QStringLiteral("read-only.warroom"));
        QVERIFY(QFile::copy(lemniscus(), readOnly));
        QVERIFY(QFile::setPermissions(readOnly, QFile::ReadOwner | QFile::ReadGroup));
        RecordingWindow window;
        QVERIFY(openAndWait(window, readOnly));
        window.render();
        QVERIFY2(window.header()->fileText().startsWith(
                     u"read-only: nothing saved (File ▸ Save a copy as…)"),
                 qPrintable(window.header()->fileText()));
        const QString copy = m_dir.filePath(QStringLiteral("saved-copy.warroom"));
        QSignalSpy saved(&window, &RecordingWindow::copySaved);
        QSignalSpy loaded(&window, &RecordingWindow::loaded);
        window.saveCopyTo(copy);
        QVERIFY(saved.wait(60000));
        QCOMPARE(saved.first().at(1).toString(), QString());
        QVERIFY(loaded.count() > 0 || loaded.wait(60000));
        QCOMPARE(window.data()->path, copy);
        window.render();
        QCOMPARE(window.header()->fileText(), QString());
        auto original = Recording::open(readOnly);
        auto copied = Recording::open(copy);
        QVERIFY(original && copied);
        QCOMPARE(copied.value()->check(), QStringList());
        QCOMPARE(copied.value()->eventCount(), original.value()->eventCount());
        QCOMPARE(copied.value()->postMortemsReadOnly(), QString());
    }

private:
    // A node dragged on the map: pressed, moved past the drag distance, then to `to`.
    static void drag(MapView *map, const QPoint &from, const QPoint &to)
    {
        QTest::mousePress(map, Qt::LeftButton, {}, from);
        for (const QPoint at : {from + QPoint(10, 10), to}) {
            QMouseEvent move(QEvent::MouseMove, QPointF(at), map->mapToGlobal(QPointF(at)),
                             Qt::NoButton, Qt::LeftButton, {});
            QApplication::sendEvent(map, &move);
        }
        QTest::mouseRelease(map, Qt::LeftButton, {}, to);
    }

    static bool openAndWait(RecordingWindow &window, const QString &path)
    {
        QSignalSpy loaded(&window, &RecordingWindow::loaded);
        window.openFile(path);
        return loaded.wait(120000);
    }
    QString lemniscus() const { return m_dir.filePath(QStringLiteral("l.warroom")); }
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestRecordingWindow)
#include "tst_recording_window.moc"
