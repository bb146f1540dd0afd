#include "support/test_support.h"
#include "ui/command_line.h"
#include "ui/main_window.h"
#include "ui/models/finding_model.h"
#include "ui/models/topology_model.h"

#include "core/analysis/analysis.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryFile>
#include <QTest>

using namespace warroom;

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void topologyModel()
    {
        TopologyModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        const Scenario s = test::loadBundled(QStringLiteral("lemniscus-2020"));
        model.setTopology(s.topology);
        QCOMPARE(model.rowCount(), 4);
        const QModelIndex dc1 = model.index(1, TopologyModel::Name);
        QCOMPARE(dc1.data(TopologyModel::IdRole).toString(), QStringLiteral("dc1"));
        QCOMPARE(model.rowCount(dc1), 5);
        const QModelIndex lb = model.index(0, TopologyModel::Kind, dc1);
        QCOMPARE(lb.data().toString(), QStringLiteral("load_balancer"));
        QCOMPARE(lb.parent(), dc1);
        const QModelIndex dc3 = model.index(3, TopologyModel::Name);
        QCOMPARE(model.rowCount(dc3), 0); // no server in DC3 at the start
        model.setTopology(test::loadBundled(QStringLiteral("pagerduty-2011")).topology);
        QCOMPARE(model.rowCount(), 5);
        model.setTopology({});
        QCOMPARE(model.rowCount(), 0);
    }

    void findingModel()
    {
        FindingModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setAnalysis(analyze(test::loadBundled(QStringLiteral("lemniscus-2020"))).value());
        QVERIFY(model.rowCount() > 0);
        // The latent DC3 finding comes first and says why.
        QCOMPARE(model.index(0, FindingModel::Kind).data().toString(), QStringLiteral("Latent"));
        QCOMPARE(model.index(0, FindingModel::Where).data().toString(),
                 QStringLiteral("app-pool in dc3"));
        QVERIFY(model.index(0, FindingModel::Why)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("blocked by rule dc3-egress (")));
        QCOMPARE(model.index(0, FindingModel::Kind).data(FindingModel::SeverityRole).toInt(),
                 int(VerdictState::Blocked));
        model.setAnalysis({});
        QCOMPARE(model.rowCount(), 0);
    }

    void windowShowsScenario()
    {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QSignalSpy loaded(&window, &MainWindow::loaded);
        window.openFile(test::scenarioPath(QStringLiteral("lemniscus-2020")));
        QVERIFY(loaded.wait(test::kLiveWaitMs));
        QCOMPARE(window.topologyModel()->rowCount(), 4);
        QCOMPARE(toString(window.findingModel()->row(0).kind), QStringLiteral("Latent"));
        QVERIFY2(window.detailsText().contains(QStringLiteral("dc3-egress")),
                 qPrintable(window.detailsText()));
        QVERIFY(window.windowTitle().startsWith(QStringLiteral("lemniscus-2020")));
    }

    void newestRequestWins()
    {
        MainWindow window;
        QSignalSpy loaded(&window, &MainWindow::loaded);
        window.openFile(test::scenarioPath(QStringLiteral("lemniscus-2020")));
        window.openFile(test::scenarioPath(QStringLiteral("pagerduty-2011")));
        QVERIFY(loaded.wait(test::kLiveWaitMs));
        QTRY_COMPARE(window.topologyModel()->rowCount(), 5);
        QCOMPARE(loaded.count(), 1);
        QVERIFY(loaded.first().first().toString().endsWith(QStringLiteral("pagerduty-2011.yaml")));
    }

    void brokenFileShowsLocatedErrors()
    {
        QTemporaryFile file(QStringLiteral("XXXXXX.yaml"));
        QVERIFY(file.open());
        file.write("name: broken\nsites:\n  - id: a\n    kind: moon\n");
        file.close();
        MainWindow window;
        QSignalSpy failed(&window, &MainWindow::loadFailed);
        window.openFile(file.fileName());
        QVERIFY(failed.wait(test::kLiveWaitMs));
        QVERIFY2(window.detailsText().contains(file.fileName() + u":4:11: the kind of site 'a'"),
                 qPrintable(window.detailsText()));
        QCOMPARE(window.topologyModel()->rowCount(), 0);
    }

    void commandLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("screenshot");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<QString>("error");
        const QSize standard(1440, 900);
        QTest::newRow("nothing") << QStringList{} << QString() << QString() << standard
                                 << QString();
        QTest::newRow("file") << QStringList{QStringLiteral("a.yaml")} << QStringLiteral("a.yaml")
                              << QString() << standard << QString();
        QTest::newRow("screenshot_size")
            << QStringList{QStringLiteral("a.yaml"), QStringLiteral("--screenshot"),
                           QStringLiteral("o.png"), QStringLiteral("--size"),
                           QStringLiteral("800x600")}
            << QStringLiteral("a.yaml") << QStringLiteral("o.png") << QSize(800, 600) << QString();
        QTest::newRow("bad_size") << QStringList{QStringLiteral("a.yaml"), QStringLiteral("--size"),
                                                 QStringLiteral("big")}
                                  << QStringLiteral("a.yaml") << QString() << standard
                                  << QStringLiteral("--size must look like 1440x900, not 'big'");
        QTest::newRow("screenshot_without_file")
            << QStringList{QStringLiteral("--screenshot"), QStringLiteral("o.png")} << QString()
            << QStringLiteral("o.png") << standard
            << QStringLiteral("--screenshot and --state need a FILE to show");
        QTest::newRow("state_without_file")
            << QStringList{QStringLiteral("--state"), QStringLiteral("o.json")} << QString()
            << QString() << standard
            << QStringLiteral("--screenshot and --state need a FILE to show");
        QTest::newRow("two_files")
            << QStringList{QStringLiteral("a"), QStringLiteral("b")} << QString() << QString()
            << standard << QStringLiteral("expected at most one FILE");
    }
    void commandLine()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, file);
        QFETCH(QString, screenshot);
        QFETCH(QSize, size);
        QFETCH(QString, error);
        const GuiOptions options = parseCommandLine(QStringList{QStringLiteral("warroom")} + args);
        QCOMPARE(options.error, error);
        if (!error.isEmpty())
            return;
        QCOMPARE(options.file, file);
        QCOMPARE(options.screenshot, screenshot);
        QCOMPARE(options.size, size);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_main_window.moc"
