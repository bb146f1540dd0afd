#include "core/sim/record_simulation.h"
#include "support/test_support.h"

#include <QImage>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

// Runs the real `warroom` executable the way the README and the docs do.
class TestGuiApp : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void screenshotOfEachScenario_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::newRow("lemniscus") << QStringLiteral("lemniscus-2020");
        QTest::newRow("pagerduty") << QStringLiteral("pagerduty-2011");
    }
    void screenshotOfEachScenario()
    {
        QFETCH(QString, scenario);
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("shot.png"));
        QProcess process;
        process.start(QStringLiteral(WARROOM_GUI_PATH),
                      {warroom::test::scenarioPath(scenario), QStringLiteral("--screenshot"), png,
                       QStringLiteral("--size"), QStringLiteral("1024x700")});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(1024, 700));
        // Not blank: the window drew tables and text.
        QVERIFY(image.pixel(10, 10) != image.pixel(600, 120) ||
                image.pixel(200, 300) != image.pixel(10, 10));
    }

    // A recording at a moment: the window the README shows.
    void screenshotOfARecordingAtATime()
    {
        QTemporaryDir dir;
        const QString recording = dir.filePath(QStringLiteral("p.warroom"));
        QVERIFY(warroom::recordSimulation(
            warroom::test::loadBundled(QStringLiteral("pagerduty-2011")), {}, recording));
        const QString png = dir.filePath(QStringLiteral("shot.png"));
        QProcess process;
        process.start(QStringLiteral(WARROOM_GUI_PATH),
                      {recording, QStringLiteral("--at"), QStringLiteral("2011-08-08T16:12:00Z"),
                       QStringLiteral("--screenshot"), png, QStringLiteral("--size"),
                       QStringLiteral("1280x800")});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        const QImage image(png);
        QCOMPARE(image.size(), QSize(1280, 800));
        // The region is cut off: vermillion hops are on the map.
        int vermillion = 0;
        for (int y = 0; y < image.height(); y += 2) {
            for (int x = 0; x < image.width() / 2; x += 2)
                vermillion += image.pixel(x, y) == QColor(0xD5, 0x5E, 0x00).rgb();
        }
        QVERIFY2(vermillion > 200, qPrintable(QString::number(vermillion)));

        process.start(QStringLiteral(WARROOM_GUI_PATH),
                      {recording, QStringLiteral("--at"), QStringLiteral("yesterday"),
                       QStringLiteral("--screenshot"), png});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(process.readAllStandardError().contains("--at 'yesterday' is not a time"));
    }

    void unreadableFileExitsTwoWithTheError()
    {
        QTemporaryDir dir;
        const QString png = dir.filePath(QStringLiteral("shot.png"));
        QProcess process;
        process.start(
            QStringLiteral(WARROOM_GUI_PATH),
            {dir.filePath(QStringLiteral("missing.yaml")), QStringLiteral("--screenshot"), png});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 2);
        QVERIFY(QString::fromUtf8(process.readAllStandardError())
                    .contains(QStringLiteral("cannot open")));
        QVERIFY(!QImage(png).isNull()); // the window shows the error, and the picture says so
    }

    void badOptionExitsTwo()
    {
        QProcess process;
        process.start(QStringLiteral(WARROOM_GUI_PATH),
                      {QStringLiteral("--size"), QStringLiteral("x")});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 2);
    }
};

QTEST_GUILESS_MAIN(TestGuiApp)
#include "tst_gui_app.moc"
