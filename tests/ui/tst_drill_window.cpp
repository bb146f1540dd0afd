// A drill in the war room: the instructor's window runs the simulator live and injects a fault
// from its panel; a trainee's window on the same recording sees the symptoms but no rule names
// until the instructor reveals them; the trainee's Diagnosis mark shows on the instructor's
// panel as the time from the fault.
#include "core/live/drill.h"
#include "core/postmortem/postmortem.h"
#include "support/test_support.h"
#include "ui/drill/drill_panel.h"
#include "ui/map/map_view.h"
#include "ui/models/event_log_model.h"
#include "ui/postmortem/postmortem_document.h"
#include "ui/postmortem/postmortem_editor.h"
#include "ui/recording_window.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace warroom;

namespace {

// Everything a window shows in words: the log and every hop's hover text.
QString shownText(const RecordingWindow &window)
{
    QString all;
    const EventLogModel *log = window.eventLog();
    for (int row = 0; row < log->rowCount(); ++row)
        all += log->index(row, EventLogModel::Summary).data().toString() + u'\n';
    for (const MapHop &hop : window.map()->scene().hops())
        all += hop.report.text() + u'\n';
    return all;
}

} // namespace

class TestDrillWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void instructorInjectsTraineeDiagnoses()
    {
        RecordingWindow instructor;
        instructor.resize(1400, 900);
        QSignalSpy loaded(&instructor, &RecordingWindow::loaded);
        DrillOptions options;
        options.speed = 120;
        options.fromMs = (21 * 24 + 8) * 3600000LL + 30 * 60000; // 3w8h30m
        options.instructor = QStringLiteral("alice");
        instructor.runDrill(test::scenarioPath(QStringLiteral("lemniscus-2020")), options);
        DrillPanel *panel = instructor.drillPanel();
        QVERIFY(panel);

        // The instructor blocks dc1 -> dc2 from the panel, at once: before the drill's topology
        // (the targets) is in, the fault waits for it, then goes.
        panel->setFault(
            {DrillFault::Kind::Block, QStringLiteral("dc1"), QStringLiteral("dc2"), 3, 0, {}});
        panel->inject();
        QCOMPARE(panel->statusText(), QStringLiteral("Injecting once the drill's topology is in…"));
        QVERIFY(loaded.wait(test::kLiveWaitMs));
        QVERIFY(instructor.data()->live);
        const QString path = instructor.data()->path;
        QTRY_VERIFY2_WITH_TIMEOUT(panel->statusText().startsWith(u"Injected: block dc1"),
                                  qPrintable(panel->statusText()), test::kLiveWaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(panel->faultRows(), 1, test::kLiveWaitMs);
        QVERIFY2(panel->faultRow(0).contains(u"rule_add deny-dc1-to-dc2 | alice | not yet"),
                 qPrintable(panel->faultRow(0)));
        QTRY_VERIFY_WITH_TIMEOUT(shownText(instructor).contains(u"blocked by rule deny-dc1-to-dc2"),
                                 test::kLiveWaitMs);

        // A trainee follows the same recording: the symptoms, not the rule's name.
        RecordingWindow trainee;
        trainee.resize(1400, 900);
        trainee.setTraineeView(true);
        QSignalSpy traineeLoaded(&trainee, &RecordingWindow::loaded);
        trainee.openFile(path);
        QVERIFY(traineeLoaded.wait(test::kLiveWaitMs));
        QVERIFY(trainee.following());
        QTRY_VERIFY_WITH_TIMEOUT(shownText(trainee).contains(u"blocked by rule hidden-"),
                                 test::kLiveWaitMs);
        QVERIFY(!shownText(trainee).contains(u"deny-dc1-to-dc2"));
        QVERIFY(!shownText(trainee).contains(u"lemniscus-2020.yaml:"));
        QVERIFY(
            !shownText(trainee).contains(u"injected by")); // the instructor's doing is not shown

        // The trainee writes down a diagnosis, marked as such, at the live end.
        PostMortemEditor *editor = trainee.postMortemEditor();
        if (!editor->document()->isOpen())
            editor->newDraft();
        QTRY_VERIFY(editor->document()->isOpen());
        const QString entry =
            editor->addNote(trainee.cursorTime(), QStringLiteral("a rule blocks dc1 from dc2"));
        editor->toggleMark(entry, EntryMark::Diagnosis);
        editor->document()->saveNow();
        QTRY_VERIFY_WITH_TIMEOUT(!panel->faultRow(0).endsWith(u"not yet"), test::kLiveWaitMs);
        qInfo("instructor's panel: %s", qPrintable(panel->faultRow(0)));
        // The pictures in docs/drills.md:
        // WARROOM_DRILL_SCREENSHOTS=$PWD/docs/images build/tests/tst_drill_window
        if (const QString dir = qEnvironmentVariable("WARROOM_DRILL_SCREENSHOTS"); !dir.isEmpty()) {
            instructor.show();
            trainee.show();
            QTest::qWait(500);
            QVERIFY(instructor.grab().save(dir + u"/drill-instructor.png"));
            QVERIFY(trainee.grab().save(dir + u"/drill-trainee.png"));
        }

        // Revealed: the trainee's view shows the rule's name.
        panel->reveal();
        QTRY_VERIFY_WITH_TIMEOUT(shownText(trainee).contains(u"blocked by rule deny-dc1-to-dc2"),
                                 test::kLiveWaitMs);
    }
};

QTEST_MAIN(TestDrillWindow)
#include "tst_drill_window.moc"
