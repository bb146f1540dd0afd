// Post-mortems: the timeline proposed from both bundled recordings, the metrics, the JSON form,
// storage in the recording, and each report format's validity (cmark, pdftotext, pdfimages).
#include "core/analysis/analysis.h"
#include "core/postmortem/postmortem_store.h"
#include "core/postmortem/report.h"
#include "core/postmortem/report_charts.h"
#include "core/postmortem/timeline_proposal.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
#include "core/summary/recording_summary.h"
#include "core/util/names.h"
#include "support/test_support.h"

#include <QBuffer>
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace warroom;

namespace {

const TimelineEntry *find(const PostMortem &pm,
                          const std::function<bool(const TimelineEntry &)> &is)
{
    for (const TimelineEntry &e : pm.timeline) {
        if (is(e))
            return &e;
    }
    return nullptr;
}

QByteArray pngOf(const QColor &color)
{
    QImage image(320, 200, QImage::Format_RGB32);
    image.fill(color);
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return bytes;
}

QString run(const QString &program, const QStringList &args, const QByteArray &input = {})
{
    QProcess p;
    p.start(program, args);
    p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000) || p.exitCode() != 0)
        return u"FAILED: " + QString::fromUtf8(p.readAllStandardError());
    return QString::fromUtf8(p.readAllStandardOutput());
}

} // namespace

class TestPostMortem : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        for (const QString &name :
             {QStringLiteral("lemniscus-2020"), QStringLiteral("pagerduty-2011")})
            QVERIFY(recordSimulation(test::loadBundled(name), {}, path(name)));
    }

    // Lemniscus: the first symptom is the DC3 server's blocked cache hop, outages say where
    // errors were seen (the load balancer) and what failed (the rule), the DC3 launches and the
    // rule's correction are there; everything is a proposal.
    void lemniscusProposal()
    {
        const PostMortem pm = proposal(QStringLiteral("lemniscus-2020"));
        QVERIFY(!pm.timeline.isEmpty());
        for (const TimelineEntry &e : pm.timeline)
            QVERIFY(e.status == TimelineEntry::Status::Proposed);
        QVERIFY(std::is_sorted(pm.timeline.cbegin(), pm.timeline.cend(),
                               [](const auto &a, const auto &b) { return a.timeMs < b.timeMs; }));
        const TimelineEntry *symptom =
            find(pm, [](const auto &e) { return e.text.startsWith(u"First symptom"); });
        QVERIFY(symptom);
        QVERIFY2(symptom->text.contains(u"dc3/app-pool-4 -> dc1/cache-1") &&
                     symptom->text.contains(u"dc3-egress"),
                 qPrintable(symptom->text));
        QVERIFY(symptom->has(EntryMark::Key));
        QVERIFY(symptom->timeMs <= pm.impact.startMs);
        const TimelineEntry *outage =
            find(pm, [](const auto &e) { return e.text.startsWith(u"Outage began"); });
        QVERIFY(outage);
        QCOMPARE(outage->timeMs, pm.impact.startMs);
        QVERIFY2(outage->seenAt.startsWith(u"lb-1"), qPrintable(outage->seenAt));
        QVERIFY2(outage->failedAt.contains(u"blocked by rule dc3-egress"),
                 qPrintable(outage->failedAt));
        // A decision and what it brought about are one entry: the scale-out, the instance it
        // launched in dc3 and the hop the rule blocks.
        QVERIFY2(symptom->text.startsWith(u"First symptom: scale out app-pool") &&
                     symptom->text.contains(u"app-pool-4 launched in dc3"),
                 qPrintable(symptom->text));
        QVERIFY(!find(pm, [](const auto &e) { return e.kind == u"node.launched"; }));
        // The change that repaired it, in words, with nothing beside it saying it again.
        QVERIFY(find(pm, [](const auto &e) {
            return e.text.startsWith(u"Rule dc3-egress corrected") && e.kind == u"fault.started";
        }));
        QVERIFY(!find(pm, [](const auto &e) { return e.kind == u"rule.corrected"; }));
        // (each alert on its own role: lb-1's and the DC3 servers' are not one count)
        QVERIFY2(pm.timeline.size() <= 55, qPrintable(QString::number(pm.timeline.size())));
        QVERIFY(find(pm, [](const auto &e) { return e.text.startsWith(u"Service recovered"); }));
        // Bursts collapse: the hour of alerts on the first morning is a few entries, not dozens.
        const TimelineEntry *burst = find(pm, [](const auto &e) { return e.count > 1; });
        QVERIFY(burst);
        QVERIFY(burst->text.contains(u"(×" + QString::number(burst->count)));
        QCOMPARE(pm.impact.outages, 9);
        QVERIFY(pm.impact.sites.contains(u"dc3") && pm.impact.nodes.contains(u"cache-1"));
    }

    // PagerDuty: the region cut off, the outage with no route, the backlog built and drained,
    // notifications late against the 3-minute target.
    void pagerdutyProposal()
    {
        const PostMortem pm = proposal(QStringLiteral("pagerduty-2011"));
        const TimelineEntry *symptom =
            find(pm, [](const auto &e) { return e.text.startsWith(u"First symptom"); });
        QVERIFY(symptom);
        // The change and what it did at once, in words: no internal change names.
        QVERIFY2(symptom->text.startsWith(
                     u"First symptom: Region us-east-1 cut off from the internet for 30m: ") &&
                     symptom->text.contains(
                         u" — links az-a-internet, az-b-internet, az-c-internet down; 8 hops "
                         u"blocked: no route"),
                 qPrintable(symptom->text));
        for (const TimelineEntry &e : pm.timeline) {
            QVERIFY2(!e.text.contains(u"region_offline") && !e.text.contains(u"@57600s"),
                     qPrintable(e.text));
            QVERIFY(e.kind != u"link.down" && e.kind != u"link.up");
        }
        QVERIFY(find(pm, [](const auto &e) {
            return e.text.startsWith(u"Region us-east-1 cut off from the internet: over after "
                                     u"30m — links az-a-internet, az-b-internet, az-c-internet up");
        }));
        QVERIFY2(pm.timeline.size() <= 20, qPrintable(QString::number(pm.timeline.size())));
        const TimelineEntry *outage =
            find(pm, [](const auto &e) { return e.text.startsWith(u"Outage began"); });
        QVERIFY(outage);
        QVERIFY2(outage->failedAt.contains(u"no route"), qPrintable(outage->failedAt));
        QVERIFY(find(pm, [](const auto &e) { return e.kind == u"queue.backlog"; }));
        QVERIFY(find(pm, [](const auto &e) { return e.kind == u"queue.drained"; }));
        QCOMPARE(pm.impact.outages, 1);
        QCOMPARE(pm.impact.queues.size(), 1); // each queue with its own target
        QCOMPARE(pm.impact.queues.first().queue, QStringLiteral("notifications"));
        QCOMPARE(pm.impact.queues.first().targetMs, 180000);
        QVERIFY(pm.impact.queues.first().late > 1e6);
        QVERIFY(pm.impact.queues.first().maxLatencyMs > 30 * 60000.0);
        QCOMPARE(pm.impact.queues.first().waitingAtEnd, 0.0); // the backlog drained
        // The simulator's state does not flap (hysteresis): after the outage, degraded while the
        // failures fall, then recovering while the backlog drains, then ok.
        int states = 0, unsteady = 0;
        for (const TimelineEntry &e : pm.timeline) {
            states += e.kind == u"service.state";
            unsteady += e.text.startsWith(u"Service unsteady: degraded and ok in turn (");
        }
        QCOMPARE(unsteady, 0);
        QVERIFY2(states <= 4, qPrintable(QString::number(states)));
        // (Hops blocked for one reason at one moment are counted in the change's entry, above,
        // with one of them named; the links each said once.)
        // Resolved when the backlog the outage left has drained, not when the outage ended.
        QVERIFY(pm.impact.drainedMs > pm.impact.endMs + 15 * 60000);
        QCOMPARE(pm.impact.resolvedMs, pm.impact.drainedMs);
        QVERIFY(pm.impact.degradedMs > 0);
        QCOMPARE(metricsOf(pm).timeToResolve(), pm.impact.drainedMs - pm.impact.startMs);
        QVERIFY(metricsOf(pm).timeToResolve() > 50 * 60000); // 55m, not the outage's 35m49s
    }

    // The marks drive the metrics: first Detection, Diagnosis, Repair; resolution is the later
    // of the last Repair and the end of the last outage. Dismissed entries count for nothing.
    void metricsFromMarks()
    {
        PostMortem pm;
        pm.impact.startMs = 1000000;
        pm.impact.endMs = 1000000 + 30 * 60000;
        auto entry = [&](const QString &id, qint64 minutes, int marks,
                         TimelineEntry::Status status) {
            TimelineEntry e;
            e.id = id;
            e.timeMs = pm.impact.startMs + minutes * 60000;
            e.marks = marks;
            e.status = status;
            pm.timeline.append(e);
        };
        using S = TimelineEntry::Status;
        entry(QStringLiteral("a"), 2, int(EntryMark::Detection), S::Dismissed);
        entry(QStringLiteral("b"), 5, int(EntryMark::Detection) | int(EntryMark::Key), S::Accepted);
        entry(QStringLiteral("c"), 12, int(EntryMark::Diagnosis), S::Accepted);
        entry(QStringLiteral("d"), 20, int(EntryMark::Repair), S::Accepted);
        entry(QStringLiteral("e"), 45, int(EntryMark::Repair), S::Accepted);
        IncidentMetrics m = metricsOf(pm);
        QCOMPARE(m.timeToDetect(), 5 * 60000);
        QCOMPARE(m.timeToDiagnose(), 12 * 60000);
        QCOMPARE(m.timeToMitigate(), 20 * 60000);
        QCOMPARE(m.timeToResolve(), 45 * 60000);
        pm.timeline.removeLast();
        QCOMPARE(metricsOf(pm).timeToResolve(), 30 * 60000); // the outage's end
        pm.timeline.clear();
        QCOMPARE(metricsOf(pm).timeToDetect(), -1);
    }

    // The JSON form round-trips everything, snapshots included; bad input names its place.
    // A time no clock can read (found by fuzz_postmortem) is no time, not undefined behaviour.
    void absurdTimesReadAsNoTime()
    {
        QJsonObject o = toJson(filledIn());
        QJsonObject impact = o.value(QStringLiteral("impact")).toObject();
        impact.insert(QStringLiteral("start_ms"), 1.7e50);
        // Durations too (fuzz_postmortem again, 2.2e43): none, and the sanitized run says no UB.
        for (const char *duration : {"degraded_ms", "outage_ms", "alert_delay_ms"})
            impact.insert(QLatin1StringView(duration), 2.2e43);
        o.insert(QStringLiteral("impact"), impact);
        const auto read = postMortemFromJson(o, QStringLiteral("x"));
        QVERIFY(read);
        QCOMPARE(read.value().impact.startMs, qint64(-1));
        QCOMPARE(read.value().impact.degradedMs, qint64(0));
        QCOMPARE(read.value().impact.outageMs, qint64(0));
        QCOMPARE(read.value().impact.alertDelayMs, qint64(0));
    }

    void jsonRoundTripsAndErrorsNameThePlace()
    {
        const PostMortem pm = filledIn();
        const auto back = postMortemFromJson(toJson(pm), QStringLiteral("x"));
        QVERIFY(back);
        QVERIFY(back.value() == pm);
        QJsonObject bad = toJson(pm);
        QJsonArray timeline = bad.value(QStringLiteral("timeline")).toArray();
        QJsonObject first = timeline.first().toObject();
        first.insert(QStringLiteral("status"), QStringLiteral("maybe"));
        first.insert(QStringLiteral("marks"), QJsonArray{QStringLiteral("oops")});
        timeline.replace(0, first);
        bad.insert(QStringLiteral("timeline"), timeline);
        const auto refused = postMortemFromJson(bad, QStringLiteral("l.warroom: post-mortem pm-1"));
        QVERIFY(!refused);
        QCOMPARE(refused.errors().size(), 2);
        QCOMPARE(refused.errors().first().message,
                 QStringLiteral("l.warroom: post-mortem pm-1: timeline entry 1: \"status\" must be "
                                "proposed, accepted or dismissed, not \"maybe\""));
        QVERIFY(
            !postMortemFromJson(QJsonObject{{QStringLiteral("format"), QStringLiteral("x")}}, {}));
    }

    // Nodes affected read as people count them, a run of instances said once.
    void nodesInNaturalOrderCollapsed()
    {
        QCOMPARE(collapsedNames({QStringLiteral("app-pool-20"), QStringLiteral("lb-1"),
                                 QStringLiteral("app-pool-4"), QStringLiteral("app-pool-9"),
                                 QStringLiteral("cache-1"), QStringLiteral("app-pool-27")}),
                 QStringLiteral("app-pool ×4 (app-pool-4 … app-pool-27), cache-1, lb-1"));
        QCOMPARE(collapsedNames({QStringLiteral("app-2"), QStringLiteral("app-10")}),
                 QStringLiteral("app-2, app-10"));
        QCOMPARE(collapsedNames({QStringLiteral("dns"), QStringLiteral("dns")}),
                 QStringLiteral("dns"));
        QVERIFY(naturalLess(QStringLiteral("app-pool-4"), QStringLiteral("app-pool-20")));
    }

    // Action items take fixed priorities and statuses, a real date or none, a ticket without
    // spaces: what is wrong is refused with the exact reason, in the editor and in the JSON.
    void actionItemsAreValidated_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("message"); // empty: taken
        QTest::newRow("P9") << "priority"
                            << "P9"
                            << "priority must be P0, P1, P2 or P3, not \"P9\"";
        QTest::newRow("P0") << "priority"
                            << "P0"
                            << "";
        QTest::newRow("banana") << "status"
                                << "banana"
                                << "status must be open, in progress, blocked, done or won't do, "
                                   "not \"banana\"";
        QTest::newRow("won't do") << "status"
                                  << "won't do"
                                  << "";
        QTest::newRow("next week") << "due"
                                   << "next week"
                                   << "due must be a date as YYYY-MM-DD (2026-12-31), not \"next "
                                      "week\"";
        QTest::newRow("2026-02-30") << "due"
                                    << "2026-02-30"
                                    << "due must be a date as YYYY-MM-DD (2026-12-31), not "
                                       "\"2026-02-30\"";
        QTest::newRow("no date") << "due"
                                 << ""
                                 << "";
        QTest::newRow("a date") << "due"
                                << "2026-12-31"
                                << "";
        QTest::newRow("ticket with spaces") << "ticket"
                                            << "see the board"
                                            << "a ticket is a link or an id without spaces, not "
                                               "\"see the board\"";
        QTest::newRow("ticket link") << "ticket"
                                     << "https://tracker.example/INC-42"
                                     << "";
        QTest::newRow("nothing to do") << "what"
                                       << "  "
                                       << "an action item says what to do";
        QTest::newRow("variant file") << "what_if"
                                      << "pagerduty-2011-standby.yaml"
                                      << "";
        QTest::newRow("changes") << "what_if"
                                 << "rule-remove:dc3-egress, capacity:app-pool=400"
                                 << "";
        QTest::newRow("no what-if") << "what_if"
                                    << ""
                                    << "";
        const QString forms = whatIfForms().join(u", ");
        QTest::newRow("not a change")
            << "what_if"
            << "remove the rule"
            << QString(u"a what-if is a scenario file (.yaml) or changes as --what-if takes "
                       u"them: unknown what-if 'remove'; use one of: " +
                       forms);
    }
    void actionItemsAreValidated()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, message);
        const std::map<QString, ActionField> fields = {
            {QStringLiteral("what"), ActionField::What},
            {QStringLiteral("due"), ActionField::Due},
            {QStringLiteral("priority"), ActionField::Priority},
            {QStringLiteral("status"), ActionField::Status},
            {QStringLiteral("ticket"), ActionField::Ticket},
            {QStringLiteral("what_if"), ActionField::WhatIf}};
        ActionItem item;
        item.what = QStringLiteral("Fix the rule");
        item.owner = QStringLiteral("sre");
        item.due = QDate(2026, 6, 1);
        item.priority = QStringLiteral("P1");
        const ActionItem before = item;
        QCOMPARE(setActionField(item, fields.at(field), value), message);
        if (!message.isEmpty())
            QVERIFY(item == before); // refused: nothing erased
        else if (field == u"due")
            QCOMPARE(item.due, QDate::fromString(value, Qt::ISODate));
        // The same in a post-mortem's JSON, with the item's place.
        PostMortem pm = filledIn();
        QJsonObject json = toJson(pm);
        QJsonArray actions = json.value(QStringLiteral("action_items")).toArray();
        QJsonObject first = actions.first().toObject();
        first.insert(field, value);
        actions.replace(0, first);
        json.insert(QStringLiteral("action_items"), actions);
        // Read from a file, a value the editor would refuse is kept as written (not lost, so a
        // recording written by an older Warroom still opens) and said, with its place.
        const auto read = postMortemFromJson(json, QStringLiteral("l.warroom: post-mortem pm-1"));
        QVERIFY(read);
        if (message.isEmpty()) {
            QVERIFY(read.value().readProblems.isEmpty());
            if (field == u"priority" || field == u"status" || field == u"ticket")
                QCOMPARE(field == u"priority" ? read.value().actions.first().priority
                         : field == u"status" ? read.value().actions.first().status
                                              : read.value().actions.first().ticket,
                         value);
        } else {
            QCOMPARE(read.value().readProblems,
                     QStringList{u"l.warroom: post-mortem pm-1: action item 1: " + message});
            if (field == u"priority")
                QCOMPARE(read.value().actions.first().priority, value); // kept
        }
    }

    // Post-mortems live in the recording: written in a transaction, read back equal, several.
    void storedInTheRecording()
    {
        const QString copy = m_dir.filePath(QStringLiteral("stored.warroom"));
        QVERIFY(QFile::copy(path(QStringLiteral("lemniscus-2020")), copy));
        PostMortem a = filledIn();
        PostMortem b = proposal(QStringLiteral("lemniscus-2020"));
        b.id = QStringLiteral("pm-2");
        QVERIFY(savePostMortem(copy, a));
        QVERIFY(savePostMortem(copy, b));
        a.summary = QStringLiteral("edited");
        QVERIFY(savePostMortem(copy, a)); // replaces
        auto r = Recording::open(copy);
        QVERIFY(r);
        ErrorList problems;
        const QList<PostMortem> read = readPostMortems(*r.value(), &problems);
        QVERIFY(problems.isEmpty());
        QCOMPARE(read.size(), 2);
        QVERIFY(read[0] == a);
        QVERIFY(read[1] == b);
        // One that cannot be read is left out and said with its place; the others stay.
        {
            auto writer = RecordingWriter::openForAppend(copy);
            QVERIFY(writer);
            QJsonObject bad = toJson(b);
            bad.insert(QStringLiteral("id"), QStringLiteral("pm-3"));
            bad.insert(QStringLiteral("version"), 2);
            writer.value()->setPostMortem(QStringLiteral("pm-3"),
                                          QJsonDocument(bad).toJson(QJsonDocument::Compact));
            QVERIFY(writer.value()->close());
        }
        r = Recording::open(copy);
        const QList<PostMortem> again = readPostMortems(*r.value(), &problems);
        QCOMPARE(again.size(), 2);
        QCOMPARE(problems.size(), 1);
        QCOMPARE(problems.first().toString(),
                 QStringLiteral("stored.warroom: post-mortem pm-3: written by a newer Warroom "
                                "(version 2)"));
    }

    // Markdown is CommonMark: cmark renders the sections, lists for the tables, and a user's
    // text that looks like markup stays text.
    void markdownIsCommonMark()
    {
        const QString md = m_dir.filePath(QStringLiteral("r.md"));
        QVERIFY(writeReport(filledIn(), ReportFormat::Markdown, md));
        QFile file(md);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray text = file.readAll();
        const QString html = run(QStringLiteral("cmark"), {QStringLiteral("--safe")}, text);
        QVERIFY2(!html.startsWith(u"FAILED"), qPrintable(html));
        for (const QString &heading :
             {QStringLiteral("Summary"), QStringLiteral("Impact"), QStringLiteral("Key times"),
              QStringLiteral("Root cause"), QStringLiteral("Timeline (UTC)"),
              QStringLiteral("Action items")})
            QVERIFY2(html.contains(u"<h2>" + heading + u"</h2>"), qPrintable(heading));
        QVERIFY(html.contains(u"<li><strong>Time to detect:</strong> 5m</li>"));
        QVERIFY(html.contains(u"# not a heading")); // the root cause's first line, as text
        QVERIFY(html.contains(u"&lt;script&gt;"));
        QVERIFY(!html.contains(u"<h1>not a heading"));
        QVERIFY(html.contains(u"<img src=\"r-snapshots/u1.png\""));
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("r-snapshots/u1.png"))));
        QVERIFY2(html.contains(u"what actually failed: dc3/app-pool-4"), qPrintable(html));
    }

    // An empty section: a draft says it is still to write; a final report leaves it out.
    void emptySectionsDraftAndFinal()
    {
        PostMortem pm = filledIn();
        pm.contributingFactors.clear();
        pm.actions.clear();
        pm.status = QStringLiteral("draft");
        const QString draft = markdownReport(pm, {});
        QVERIFY(draft.contains(u"## Contributing factors\n\n*Not written yet.*"));
        QVERIFY(draft.contains(u"## Action items\n\n*Not written yet.*"));
        QVERIFY(htmlReport(pm).contains(u"<h2>Contributing factors</h2>\n<p class=\"empty\">Not "
                                        u"written yet.</p>"));
        pm.status = QStringLiteral("final");
        const QString final = markdownReport(pm, {});
        QVERIFY(!final.contains(u"Contributing factors"));
        QVERIFY(!final.contains(u"Action items"));
        QVERIFY(!final.contains(u"Not written yet"));
        QVERIFY(final.contains(u"## Root cause")); // what was written stays
        QVERIFY(!htmlReport(pm).contains(u"Contributing factors"));
    }

    // HTML: one file, the snapshot inside it, nothing fetched from elsewhere.
    void htmlIsSelfContained()
    {
        const QString out = m_dir.filePath(QStringLiteral("r.html"));
        QVERIFY(writeReport(filledIn(), ReportFormat::Html, out));
        QFile file(out);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString html = QString::fromUtf8(file.readAll());
        QVERIFY(html.startsWith(u"<!DOCTYPE html>"));
        QVERIFY(html.contains(u"<img src=\"data:image/png;base64,"));
        QVERIFY(!html.contains(u"http://") && !html.contains(u"https://"));
        QVERIFY(!html.contains(u"<link") && !html.contains(u"<script"));
        QVERIFY(html.contains(u"&lt;script&gt;"));
    }

    // PDF: selectable text, page numbers, the snapshot as an image.
    void pdfHasTextPagesAndSnapshots()
    {
        const QString out = m_dir.filePath(QStringLiteral("r.pdf"));
        QVERIFY(writeReport(filledIn(), ReportFormat::Pdf, out));
        const QString text = run(QStringLiteral("pdftotext"), {out, QStringLiteral("-")});
        QVERIFY2(text.contains(u"Lemniscus"), qPrintable(text.left(400)));
        QVERIFY(text.contains(u"Root cause"));
        QVERIFY(text.contains(u"deny rule written for the test environment"));
        QVERIFY(text.contains(u"Page 1 of"));
        const QString images = run(QStringLiteral("pdfimages"), {QStringLiteral("-list"), out});
        QVERIFY2(images.count(u"\n") >= 3, qPrintable(images)); // a header, a rule, one image
        // The snapshot: lossless (not DCT, JPEG), and not squashed (the same ppi both ways).
        const QStringList columns = images.split(u'\n').value(2).simplified().split(u' ');
        QVERIFY2(columns.size() >= 13, qPrintable(images));
        QCOMPARE(columns[8], QStringLiteral("image")); // enc: Flate, not "jpeg"
        QCOMPARE(columns[12], columns[13]);            // x-ppi, y-ppi
        QCOMPARE(QDir(m_dir.path()).entryList({QStringLiteral("*.pdf.*")}), QStringList());
    }

    // The incident's key charts, drawn from the recording: PagerDuty's requests failing, its
    // notifications backlog and their delivery latency against the 3-minute target, after a
    // first page that has the facts, the impact and the key times.
    void reportChartsTheIncident()
    {
        auto recording = Recording::open(path(QStringLiteral("pagerduty-2011")));
        const PostMortem pm = proposePostMortem(*recording.value());
        const QList<ReportChart> charts = reportCharts(*recording.value(), pm);
        QStringList ids;
        for (const ReportChart &c : charts) {
            ids.append(c.id);
            const QImage image = QImage::fromData(c.png, "PNG");
            QCOMPARE(image.size(), QSize(1400, 420));
        }
        QCOMPARE(ids, (QStringList{QStringLiteral("failing"), QStringLiteral("backlog-upstream"),
                                   QStringLiteral("backlog-notifications"),
                                   QStringLiteral("latency-notifications")}));
        QVERIFY(charts[3].caption.contains(u"dashed: the target (3m)"));
        const QString out = m_dir.filePath(QStringLiteral("charts.pdf"));
        QVERIFY(writeReport(pm, ReportFormat::Pdf, out, charts));
        const QString first = run(QStringLiteral("pdftotext"),
                                  {QStringLiteral("-f"), QStringLiteral("1"), QStringLiteral("-l"),
                                   QStringLiteral("1"), out, QStringLiteral("-")});
        QVERIFY2(first.contains(u"Impact") && first.contains(u"Key times") &&
                     first.contains(u"Incident 2011-08-08 16:00 UTC to 2011-08-08 16:55 UTC"),
                 qPrintable(first));
        QVERIFY(!first.contains(u"What the recording shows")); // on the next page
        const QString all = run(QStringLiteral("pdftotext"), {out, QStringLiteral("-")});
        QVERIFY(all.contains(u"What the recording shows"));
        QVERIFY(all.contains(u"items waiting (backlog)")); // ("notiﬁcations": a ligature)
        const QStringList images = run(QStringLiteral("pdfimages"), {QStringLiteral("-list"), out})
                                       .split(u'\n', Qt::SkipEmptyParts)
                                       .mid(2);
        QCOMPARE(images.size(), 4);
        for (const QString &line : images) { // lossless, and not squashed
            const QStringList columns = line.simplified().split(u' ');
            QCOMPARE(columns[8], QStringLiteral("image"));
            QCOMPARE(columns[12], columns[13]);
        }
        // Markdown: the charts beside it; a recording with no impact: none.
        const QString md = m_dir.filePath(QStringLiteral("charts.md"));
        QVERIFY(writeReport(pm, ReportFormat::Markdown, md, charts));
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("charts-snapshots/failing.png"))));
        PostMortem calm = pm;
        calm.impact = Impact{};
        QVERIFY(reportCharts(*recording.value(), calm).isEmpty());
    }

    // What a file holds that the editor would refuse is kept and said: a due date that is
    // not one round-trips and the report shows it as such; a simulated effect that is not
    // compare's rows is said and left out (the item is then "not simulated yet").
    void handWrittenValuesAreKeptOrSaid()
    {
        QJsonObject json = toJson(filledIn());
        QJsonArray actions = json.value(QStringLiteral("action_items")).toArray();
        QJsonObject first = actions.first().toObject();
        first.insert(QStringLiteral("due"), QStringLiteral("next week"));
        first.insert(
            QStringLiteral("simulated"),
            QJsonObject{
                {QStringLiteral("what_if"), first.value(QStringLiteral("what_if"))},
                {QStringLiteral("rows"), QJsonArray{QJsonObject{{QStringLiteral("what"), 3}}}}});
        actions.replace(0, first);
        json.insert(QStringLiteral("action_items"), actions);
        const auto read = postMortemFromJson(json, QStringLiteral("l.warroom: post-mortem pm-1"));
        QVERIFY(read);
        const ActionItem &item = read.value().actions.first();
        QCOMPARE(item.dueAsWritten, QStringLiteral("next week"));
        QVERIFY(!item.simulated());
        QCOMPARE(read.value().readProblems.size(), 2);
        QVERIFY(read.value().readProblems[1].contains(u"its simulated effect is not rows"));
        QCOMPARE(toJson(read.value()).value(QStringLiteral("action_items"))[0][u"due"].toString(),
                 QStringLiteral("next week"));
        QVERIFY(markdownReport(read.value()).contains(u"due next week (not a date)"));
        ActionItem fixed = item;
        QVERIFY(setActionField(fixed, ActionField::Due, QStringLiteral("2020-06-05")).isEmpty());
        QVERIFY(fixed.dueAsWritten.isEmpty());
    }

    // A report that cannot be written says why and leaves nothing behind.
    void reportsAreWrittenAtomically()
    {
        const QString nowhere = m_dir.filePath(QStringLiteral("missing/dir/r.json"));
        const auto failed = writeReport(filledIn(), ReportFormat::Json, nowhere);
        QVERIFY(!failed);
        QVERIFY(failed.errors().first().message.startsWith(nowhere + u": cannot write"));
        const QString json = m_dir.filePath(QStringLiteral("r.json"));
        QVERIFY(writeReport(filledIn(), ReportFormat::Json, json));
        QFile file(json);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(
            postMortemFromJson(QJsonDocument::fromJson(file.readAll()).object(), json).value() ==
            filledIn());
    }

private:
    QString path(const QString &name) const { return m_dir.filePath(name + u".warroom"); }
    PostMortem proposal(const QString &name) const
    {
        auto r = Recording::open(path(name));
        return proposePostMortem(*r.value());
    }
    // The Lemniscus draft as a team would finish it.
    PostMortem filledIn() const
    {
        PostMortem pm = proposal(QStringLiteral("lemniscus-2020"));
        for (TimelineEntry &e : pm.timeline)
            e.status = TimelineEntry::Status::Accepted;
        pm.incidentId = QStringLiteral("INC-2020-0525");
        pm.severity = QStringLiteral("SEV2");
        pm.authors = {QStringLiteral("A. Commander"), QStringLiteral("B. Scribe")};
        pm.summary = QStringLiteral("App servers placed in DC3 could not reach the DC1 cache.");
        pm.rootCause = QStringLiteral("# not a heading\nA deny rule written for the test "
                                      "environment <script>alert(1)</script> matched production.");
        pm.timeline[0].marks |= int(EntryMark::Detection);
        pm.timeline.first().timeMs = pm.impact.startMs + 5 * 60000;
        TimelineEntry note;
        note.id = QStringLiteral("u1"); // fixed: the report names its snapshot after it
        note.timeMs = pm.impact.startMs + 6 * 60000;
        note.text = QStringLiteral("Map snapshot at the first DC3 outage");
        note.kind = QStringLiteral("note");
        note.starred = true;
        note.seenAt = QStringLiteral("lb-1 errors");
        note.failedAt = QStringLiteral("dc3/app-pool-4 -> dc1/cache-1:6379 blocked by dc3-egress");
        note.snapshotPng = pngOf(QColor(0xD5, 0x5E, 0x00));
        note.snapshotCaption = QStringLiteral("The map at 08:54");
        pm.timeline.append(note);
        std::stable_sort(pm.timeline.begin(), pm.timeline.end(),
                         [](const auto &a, const auto &b) { return a.timeMs < b.timeMs; });
        ActionItem scope;
        scope.id = QStringLiteral("a1");
        scope.what = QStringLiteral("Scope dc3-egress to the test hosts");
        scope.owner = QStringLiteral("netops");
        scope.due = QDate(2020, 6, 5);
        scope.priority = QStringLiteral("P1");
        scope.status = QStringLiteral("done");
        scope.ticket = QStringLiteral("NET-1042");
        scope.whatIf = QStringLiteral("rule-remove:dc3-egress");
        scope.simulatedWhatIf = scope.whatIf;
        scope.effect = {{QStringLiteral("outage"), QStringLiteral("9h3m"), QStringLiteral("0s"),
                         QStringLiteral("−9h3m"), 32580000.0, 0.0}};
        pm.actions.append(scope);
        return pm;
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestPostMortem)
#include "tst_postmortem.moc"
