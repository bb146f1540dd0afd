// The whole write-ups of two incidents typed in the editor and exported as PDF, HTML and
// Markdown with their charts (WARROOM_EXAMPLE_REPORT_DIR=docs/example keeps the reports:
// docs/example is made this way).
#include "core/postmortem/postmortem_merge.h"
#include "core/postmortem/postmortem_store.h"
#include "core/postmortem/report.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
#include "support/action_items.h"
#include "support/recording_window_support.h"
#include "support/test_support.h"
#include "ui/charts/metric_chart.h"
#include "ui/map/map_view.h"
#include "ui/postmortem/action_items_panel.h"
#include "ui/postmortem/postmortem_document.h"
#include "ui/postmortem/postmortem_editor.h"
#include "ui/postmortem/timeline_model.h"
#include "ui/recording_window.h"
#include "ui/warroom/compare_panel.h"

#include <QAbstractItemDelegate>
#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QDateEdit>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QSplitter>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace warroom;

using test::actionItem;

class TestPostMortemExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(recordSimulation(test::loadBundled(QStringLiteral("lemniscus-2020")), {},
                                 m_dir.filePath(QStringLiteral("l.warroom"))));
    }

    void lemniscusWriteUpExports()
    {
        RecordingWindow window;
        window.resize(1600, 1000);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(open(window, copy(QStringLiteral("example"))));
        PostMortemEditor *editor = window.postMortemEditor();
        window.showPostMortem();
        editor->newDraft();
        editor->acceptAllProposals();
        const PostMortem &pm = editor->document()->postMortem();
        auto findEntry = [&pm](const std::function<bool(const TimelineEntry &)> &is) {
            return entryWhere(pm, is);
        };
        const QString detection = findEntry([](const TimelineEntry &e) {
            return e.kind == u"alert.firing" && e.text.contains(u"HighErrorRate on lb-1");
        });
        const QString outage =
            findEntry([](const TimelineEntry &e) { return e.text.startsWith(u"Outage began"); });
        const QString repair = findEntry(
            [](const TimelineEntry &e) { return e.text.startsWith(u"Rule dc3-egress corrected"); });
        QVERIFY(!detection.isEmpty() && !outage.isEmpty() && !repair.isEmpty());
        editor->toggleMark(detection, EntryMark::Detection);
        editor->toggleMark(outage, EntryMark::Diagnosis);
        editor->toggleMark(repair, EntryMark::Repair);
        editor->toggleStar(outage);
        editor->setField(
            &PostMortem::title,
            QStringLiteral("Lemniscus: app servers in DC3 could not reach the DC1 cache"),
            QStringLiteral("Title"));
        editor->setField(&PostMortem::incidentId, QStringLiteral("INC-2020-0525"),
                         QStringLiteral("Incident"));
        editor->setField(
            &PostMortem::summary,
            QStringLiteral("During the busy week the autoscaler placed app servers in DC3 for the "
                           "first time. A firewall rule written months earlier for DC3's test "
                           "environment blocked them from the DC1 cache, so every request they "
                           "served failed. Errors showed at the load balancer and the proxy, not "
                           "at the cache."),
            QStringLiteral("Summary"));
        editor->setField(
            &PostMortem::rootCause,
            QStringLiteral("Rule dc3-egress (lemniscus-2020.yaml:210) denies DC3 hosts the DC1 "
                           "cache port. It was meant for the test hosts only but matched every "
                           "host in DC3. Nothing ran in DC3 until the autoscaler put app servers "
                           "there."),
            QStringLiteral("Root cause"));
        editor->setField(
            &PostMortem::trigger,
            QStringLiteral("Load above 40 % CPU: scale out with random placement picked DC3."),
            QStringLiteral("Trigger"));
        editor->setField(
            &PostMortem::resolution,
            QStringLiteral("The rule was corrected to match the test environment only."),
            QStringLiteral("Resolution"));
        editor->addActionItem(actionItem(
            QStringLiteral("Scope dc3-egress to DC3's test environment, as it was meant"),
            QStringLiteral("netops"), QDate(2020, 6, 5), QStringLiteral("P0"),
            QStringLiteral("done"), QStringLiteral("NET-1042"),
            QStringLiteral("lemniscus-2020-rule-fixed.yaml")));
        editor->addActionItem(
            actionItem(QStringLiteral("Test every scaling group's placement against the rules "
                                      "(warroom-cli analyze in CI)"),
                       QStringLiteral("platform"), QDate(2020, 6, 12), QStringLiteral("P1"),
                       QStringLiteral("open"), QStringLiteral("PLAT-311")));
        editor->addActionItem(
            actionItem(QStringLiteral("Place app servers evenly over the DCs (not at random)"),
                       QStringLiteral("platform"), {}, QStringLiteral("P2"), QStringLiteral("open"),
                       QStringLiteral("PLAT-312"), QStringLiteral("lemniscus-2020-balanced.yaml")));
        for (int row : {0, 2}) { // the what-ifs replayed, as a team would before sending it
            QSignalSpy simulated(editor->actionItems(), &ActionItemsPanel::whatIfFinished);
            editor->actionItems()->simulate(row);
            QVERIFY(simulated.wait(test::kSimulationWaitMs));
            QVERIFY(pm.actions[row].simulated());
        }
        // The map at the first outage, from the window itself.
        QSignalSpy snapshot(editor, &PostMortemEditor::snapshotRequested);
        editor->selectEntry(outage);
        const int i = pm.entryIndex(outage);
        Q_EMIT editor->snapshotRequested(outage, pm.timeline[i].timeMs + 60000);
        QTRY_VERIFY(!pm.timeline[pm.entryIndex(outage)].snapshotPng.isEmpty());
        QVERIFY(QImage::fromData(pm.timeline[pm.entryIndex(outage)].snapshotPng).width() > 400);

        const IncidentMetrics m = metricsOf(pm);
        QVERIFY(m.timeToDetect() >= 0 && m.timeToDetect() < 5 * 60000);
        QVERIFY(m.timeToMitigate() > 86400000LL);
        QVERIFY(pm.timeline[pm.entryIndex(outage)].failedAt.contains(u"dc3-egress"));

        const QString dir = exampleDir();
        const QString pdf = exportExample(pm, copy(QStringLiteral("example")),
                                          QStringLiteral("lemniscus-postmortem"),
                                          1); // requests failing (Lemniscus has no queue)
        QVERIFY2(!pdf.startsWith(u"FAILED"), qPrintable(pdf));
        QVERIFY(editor->document()->saveNow());
        QVERIFY(window.grab().save(
            QDir(dir).filePath(QStringLiteral("lemniscus-postmortem-editor.png"))));
        QVERIFY(pdf.contains(u"INC-2020-0525"));
        QVERIFY(pdf.contains(u"Time to detect"));
        QVERIFY(pdf.contains(u"simulated with lemniscus-2020-rule")); // (a ligature in "fixed")
        QVERIFY(pdf.simplified().contains(u"outage 58m30s → 0s"));
        QVERIFY(pdf.contains(u"Errors were seen at"));
    }

    // The PagerDuty write-up as a team sends it after a short triage: the proposals accepted
    // (the alerts alike at once), detection, diagnosis and repair marked, the sections written,
    // and the two immediate steps as action items carrying the bundled variants, replayed.
    void pagerdutyWriteUpExports()
    {
        const QString recording = m_dir.filePath(QStringLiteral("pagerduty.warroom"));
        QVERIFY(
            recordSimulation(test::loadBundled(QStringLiteral("pagerduty-2011")), {}, recording));
        RecordingWindow window;
        QVERIFY(open(window, recording));
        PostMortemEditor *editor = window.postMortemEditor();
        editor->newDraft();
        editor->acceptAllProposals();
        const PostMortem &pm = editor->document()->postMortem();
        auto findEntry = [&pm](const std::function<bool(const TimelineEntry &)> &is) {
            return entryWhere(pm, is);
        };
        const QString cut = findEntry(
            [](const TimelineEntry &e) { return e.text.contains(u"Region us-east-1 cut off"); });
        const QString detected =
            findEntry([](const TimelineEntry &e) { return e.kind == u"alert.firing"; });
        const QString back = findEntry(
            [](const TimelineEntry &e) { return e.text.contains(u"internet: over after 30m"); });
        const QString drained = findEntry([](const TimelineEntry &e) {
            return e.text.startsWith(u"notifications backlog drained");
        });
        QVERIFY(!cut.isEmpty() && !detected.isEmpty() && !back.isEmpty() && !drained.isEmpty());
        editor->toggleMark(detected, EntryMark::Detection);
        editor->toggleMark(cut, EntryMark::Diagnosis);
        editor->toggleMark(back, EntryMark::Repair);
        editor->toggleMark(drained, EntryMark::Repair);
        editor->toggleStar(cut);
        editor->setField(&PostMortem::title,
                         QStringLiteral("PagerDuty: a cloud region cut off, then a backlog"),
                         QStringLiteral("Title"));
        editor->setField(&PostMortem::incidentId, QStringLiteral("INC-2011-0808"),
                         QStringLiteral("Incident"));
        editor->setField(&PostMortem::severity, QStringLiteral("SEV1"), QStringLiteral("Severity"));
        PostMortem authored = pm;
        authored.authors = {QStringLiteral("on-call, infrastructure"),
                            QStringLiteral("incident commander")};
        editor->document()->set(authored, QStringLiteral("Edit authors"));
        editor->setField(
            &PostMortem::summary,
            QStringLiteral("All three availability zones of our region lost their internet "
                           "uplinks at once for 30 minutes. Nothing could accept inbound events "
                           "or send notifications. When the region came back, the events that "
                           "had queued at our customers arrived at once and the notification "
                           "backlog took until 16:55 to drain: 1.59 million notifications were "
                           "later than our 3-minute target."),
            QStringLiteral("Summary"));
        editor->setField(
            &PostMortem::rootCause,
            QStringLiteral("Every zone we run in depends on the same provider's regional "
                           "network: the zones were independent for power and hosts, not for "
                           "the internet. Losing one zone was planned for; losing the region "
                           "was not."),
            QStringLiteral("Root cause"));
        editor->setField(&PostMortem::contributingFactors,
                         QStringLiteral("Our customers were hit by the same regional failure, so "
                                        "their alert volume peaked while we were down "
                                        "(correlated failure)."),
                         QStringLiteral("Contributing factors"));
        editor->setField(&PostMortem::resolution,
                         QStringLiteral("Connectivity came back after 30 minutes; the autoscaler "
                                        "added dispatchers and the backlog drained by 16:55."),
                         QStringLiteral("Resolution"));
        editor->addActionItem(
            actionItem(QStringLiteral("A full standby stack at a second provider, reached by DNS "
                                      "failover"),
                       QStringLiteral("infrastructure"), QDate(2011, 9, 30), QStringLiteral("P0"),
                       QStringLiteral("open"), QStringLiteral("OPS-1201"),
                       QStringLiteral("pagerduty-2011-standby.yaml")));
        editor->addActionItem(actionItem(
            QStringLiteral("Double the front-end capacity"), QStringLiteral("platform"),
            QDate(2011, 8, 19), QStringLiteral("P1"), QStringLiteral("in progress"),
            QStringLiteral("OPS-1202"), QStringLiteral("pagerduty-2011-doubled-frontend.yaml")));
        for (int row : {0, 1}) {
            QSignalSpy simulated(editor->actionItems(), &ActionItemsPanel::whatIfFinished);
            editor->actionItems()->simulate(row);
            QVERIFY(simulated.wait(test::kSimulationWaitMs));
        }
        // The standby stack shortens the outage; both cut the late notifications.
        QVERIFY2(effectLine(pm.actions[0]).contains(u"outage 35m49s → 10m"),
                 qPrintable(effectLine(pm.actions[0])));
        QVERIFY(effectLine(pm.actions[1]).contains(u"notifications late"));

        const QString pdf = exportExample(pm, recording, QStringLiteral("pagerduty-postmortem"),
                                          4); // failing, waiting outside, backlog, latency
        QVERIFY2(!pdf.startsWith(u"FAILED"), qPrintable(pdf));
        QVERIFY(pdf.contains(u"INC-2011-0808"));
        QVERIFY(pdf.simplified().contains(u"outage 35m49s → 10m")); // (lines wrap anywhere)
    }

private:
    // Where docs/example is written (WARROOM_EXAMPLE_REPORT_DIR), else a temporary folder.
    QString exampleDir() const
    {
        const QString dir = qEnvironmentVariable("WARROOM_EXAMPLE_REPORT_DIR");
        return dir.isEmpty() ? m_dir.filePath(QStringLiteral("example")) : dir;
    }
    // The write-up exported as the team sends it: PDF, HTML and Markdown with `charts` charts
    // of its recording; returns the PDF's text.
    QString exportExample(const PostMortem &pm, const QString &recordingPath, const QString &name,
                          int charts)
    {
        const QString dir = exampleDir();
        if (!QDir().mkpath(dir))
            return u"FAILED: cannot create " + dir;
        const QString base = QDir(dir).filePath(name);
        QList<ReportChart> drawn;
        {
            const auto recording = Recording::open(recordingPath);
            drawn = reportCharts(*recording.value(), pm);
        }
        if (drawn.size() != charts)
            return u"FAILED: " + QString::number(drawn.size()) + u" charts";
        for (const auto &[format, suffix] :
             {std::pair{ReportFormat::Pdf, QStringLiteral(".pdf")},
              std::pair{ReportFormat::Html, QStringLiteral(".html")},
              std::pair{ReportFormat::Markdown, QStringLiteral(".md")}}) {
            if (!writeReport(pm, format, base + suffix, drawn))
                return u"FAILED: cannot write " + base + suffix;
        }
        QProcess text;
        text.start(QStringLiteral("pdftotext"), {base + u".pdf", QStringLiteral("-")});
        text.waitForFinished();
        return QString::fromUtf8(text.readAllStandardOutput());
    }
    static QString entryWhere(const PostMortem &pm,
                              const std::function<bool(const TimelineEntry &)> &is)
    {
        for (const TimelineEntry &e : pm.timeline)
            if (is(e))
                return e.id;
        return {};
    }
    QString copy(const QString &name)
    {
        return test::copyOf(m_dir.filePath(QStringLiteral("l.warroom")), name);
    }
    static bool open(RecordingWindow &window, const QString &path)
    {
        return test::openRecording(window, path);
    }
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestPostMortemExport)
#include "tst_postmortem_export.moc"
