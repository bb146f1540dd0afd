// The post-mortem editor: its timeline model, undo and redo of every change, autosave that
// survives a real kill, entries moving the replay, and the whole Lemniscus write-up exported
// (WARROOM_EXAMPLE_REPORT_DIR=docs/example keeps the reports: docs/example is made this way).
#include "core/postmortem/postmortem_merge.h"
#include "core/postmortem/postmortem_store.h"
#include "core/postmortem/report.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
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

namespace {

// An action item as a team writes it (aggregate initialisation would name every field).
ActionItem actionItem(const QString &what, const QString &owner, QDate due, const QString &priority,
                      const QString &status, const QString &ticket, const QString &whatIf = {})
{
    ActionItem a;
    a.what = what;
    a.owner = owner;
    a.due = due;
    a.priority = priority;
    a.status = status;
    a.ticket = ticket;
    a.whatIf = whatIf;
    return a;
}

} // namespace

class TestPostMortemEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(recordSimulation(test::loadBundled(QStringLiteral("lemniscus-2020")), {},
                                 m_dir.filePath(QStringLiteral("l.warroom"))));
    }

    // Triage by keyboard on the timeline: A accepts and D dismisses and move on to the next
    // entry, S stars, 1–4 mark, N writes a note at the cursor.
    void keyboardTriage()
    {
        RecordingWindow window;
        QVERIFY(open(window, copy(QStringLiteral("triage"))));
        window.show();
        window.showPostMortem();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        PostMortemEditor *editor = window.postMortemEditor();
        QAbstractItemModelTester tester(const_cast<TimelineModel *>(editor->timelineModel()),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        editor->newDraft();
        const PostMortem draft = editor->document()->postMortem();
        auto *timeline = editor->findChild<QTableView *>(QStringLiteral("timeline"));
        QVERIFY(timeline);
        timeline->setFocus();
        editor->selectEntry(draft.timeline[0].id);
        auto entry = [&](int i) { return editor->document()->postMortem().timeline[i]; };
        QTest::keyClick(timeline, Qt::Key_A);
        QVERIFY(entry(0).status == TimelineEntry::Status::Accepted);
        QCOMPARE(editor->selectedEntry(), draft.timeline[1].id); // on to the next
        QTest::keyClick(timeline, Qt::Key_D);
        QVERIFY(entry(1).status == TimelineEntry::Status::Dismissed);
        QCOMPARE(editor->selectedEntry(), draft.timeline[2].id);
        QTest::keyClick(timeline, Qt::Key_S);
        QVERIFY(entry(2).starred);
        QTest::keyClick(timeline, Qt::Key_1);
        QVERIFY(entry(2).marks & int(EntryMark::Detection));
        QTest::keyClick(timeline, Qt::Key_3);
        QVERIFY(entry(2).marks & int(EntryMark::Repair));
        QCOMPARE(editor->selectedEntry(), draft.timeline[2].id); // marks stay on the entry
        const qsizetype before = editor->document()->postMortem().timeline.size();
        QTest::keyClick(timeline, Qt::Key_N);
        QCOMPARE(editor->document()->postMortem().timeline.size(), before + 1);
        QCOMPARE(editor->document()
                     ->postMortem()
                     .timeline[editor->document()->postMortem().entryIndex(editor->selectedEntry())]
                     .timeMs,
                 window.cursorTime());
        // Typed into a text field, the same letters are text.
        QLineEdit *title = editor->findChild<QLineEdit *>(QStringLiteral("title"));
        QVERIFY(title);
        title->setFocus();
        QTest::keyClicks(title, QStringLiteral("ADS"));
        const PostMortem &now = editor->document()->postMortem();
        QVERIFY(now.timeline[now.entryIndex(draft.timeline[3].id)].status ==
                draft.timeline[3].status);
        QVERIFY(title->text().contains(u"ADS"));
    }

    // Every change is one undo step (typing in one field is one), redo brings it back, the
    // model stays consistent throughout.
    void undoAndRedoEveryChange()
    {
        RecordingWindow window;
        QVERIFY(open(window, copy(QStringLiteral("undo"))));
        PostMortemEditor *editor = window.postMortemEditor();
        QAbstractItemModelTester tester(const_cast<TimelineModel *>(editor->timelineModel()),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        PostMortemDocument *doc = editor->document();
        QVERIFY(!doc->isOpen());
        editor->newDraft();
        QVERIFY(doc->isOpen());
        const PostMortem draft = doc->postMortem();
        QVERIFY(editor->timelineModel()->rowCount() > 10);
        QUndoStack *undo = doc->undoStack();
        QCOMPARE(undo->count(), 0);

        editor->acceptAllProposals();
        QPlainTextEdit *rootCause = editor->sectionEditor(QStringLiteral("Root cause"));
        rootCause->setFocus();
        QTest::keyClicks(rootCause, QStringLiteral("dc3-egress"));
        QCOMPARE(doc->postMortem().rootCause, QStringLiteral("dc3-egress"));
        QCOMPARE(undo->count(), 2); // accepting, then the typing as one step
        const QString first = draft.timeline.first().id;
        editor->toggleMark(first, EntryMark::Detection);
        editor->toggleStar(first);
        const QString note = editor->addNote(draft.impact.startMs + 60000, QStringLiteral("note"));
        QCOMPARE(doc->postMortem().timeline.size(), draft.timeline.size() + 1);
        editor->addActionItem(actionItem(QStringLiteral("fix"), QStringLiteral("me"), {},
                                         QStringLiteral("P1"), QStringLiteral("open"), {}));
        // A value a field does not take is refused in words, and nothing is erased.
        auto *actions = editor->findChild<QTableWidget *>();
        QVERIFY(actions);
        const int row = int(doc->postMortem().actions.size()) - 1;
        auto *problem = editor->findChild<QLabel *>(QStringLiteral("actionProblem"));
        QVERIFY(problem);
        actions->item(row, int(ActionField::Priority))->setText(QStringLiteral("P9"));
        QCOMPARE(doc->postMortem().actions.last().priority, QStringLiteral("P1"));
        QCOMPARE(actions->item(row, int(ActionField::Priority))->text(), QStringLiteral("P1"));
        QCOMPARE(problem->text(),
                 QStringLiteral("Not changed: priority must be P0, P1, P2 or P3, not \"P9\"."));
        actions->item(row, int(ActionField::Due))->setText(QStringLiteral("2026-12-31"));
        QCOMPARE(doc->postMortem().actions.last().due, QDate(2026, 12, 31));
        QVERIFY(problem->text().isEmpty());
        actions->item(row, int(ActionField::Due))->setText(QStringLiteral("next week"));
        QCOMPARE(doc->postMortem().actions.last().due, QDate(2026, 12, 31)); // kept
        QVERIFY(problem->text().contains(u"due must be a date as YYYY-MM-DD"));
        // The cells' editors offer only what the fields take.
        QStyleOptionViewItem option;
        std::unique_ptr<QWidget> choices(actions->itemDelegate()->createEditor(
            actions, option, actions->model()->index(row, int(ActionField::Status))));
        auto *statuses = qobject_cast<QComboBox *>(choices.get());
        QVERIFY(statuses);
        QCOMPARE(statuses->count(), int(actionStatuses().size()));
        std::unique_ptr<QWidget> date(actions->itemDelegate()->createEditor(
            actions, option, actions->model()->index(row, int(ActionField::Due))));
        QVERIFY(qobject_cast<QDateEdit *>(date.get()));
        const PostMortem edited = doc->postMortem();

        while (undo->canUndo())
            undo->undo();
        QVERIFY(doc->postMortem() == draft);
        QCOMPARE(rootCause->toPlainText(), QString());
        QCOMPARE(editor->timelineModel()->rowCount(), draft.timeline.size());
        while (undo->canRedo())
            undo->redo();
        QVERIFY(doc->postMortem() == edited);
        QCOMPARE(rootCause->toPlainText(), QStringLiteral("dc3-egress"));
        QVERIFY(doc->postMortem().entryIndex(note) >= 0);
        QVERIFY(doc->saveNow());
        auto r = Recording::open(copy(QStringLiteral("undo")));
        PostMortem stored = readPostMortems(*r.value()).first();
        // Each part written carries its revision and author (several desks may write).
        QVERIFY(stored.revisions.contains(QStringLiteral("field:root_cause")));
        QCOMPARE(stored.revisions.value(QStringLiteral("field:root_cause"))
                     .toObject()
                     .value(QStringLiteral("by"))
                     .toString(),
                 postMortemAuthor());
        stored.revisions = {};
        QVERIFY(stored == edited);
    }

    // A recording holds several post-mortems; switching keeps each one's edits.
    void severalPostMortems()
    {
        RecordingWindow window;
        QVERIFY(open(window, copy(QStringLiteral("several"))));
        PostMortemEditor *editor = window.postMortemEditor();
        editor->newDraft();
        editor->setField(&PostMortem::summary, QStringLiteral("first"), QStringLiteral("Summary"));
        editor->newDraft();
        QCOMPARE(editor->document()->postMortem().id, QStringLiteral("pm-2"));
        QCOMPARE(editor->document()->postMortem().summary, QString());
        auto *which = editor->findChild<QComboBox *>();
        QVERIFY(which);
        which->setCurrentIndex(0);
        Q_EMIT which->activated(0);
        QCOMPARE(editor->document()->postMortem().id, QStringLiteral("pm-1"));
        QCOMPARE(editor->document()->postMortem().summary, QStringLiteral("first"));
        QVERIFY(editor->document()->saveNow());
        auto r = Recording::open(copy(QStringLiteral("several")));
        const auto written = readPostMortems(*r.value());
        QCOMPARE(written.size(), 2);
        QCOMPARE(written.first().summary, QStringLiteral("first"));
    }

    // Drafts: a title names one in the list (rename), a deleted one leaves the recording and
    // Undo delete brings it back.
    void draftsRenamedDeletedAndRestored()
    {
        RecordingWindow window;
        const QString path = copy(QStringLiteral("drafts"));
        QVERIFY(open(window, path));
        PostMortemEditor *editor = window.postMortemEditor();
        editor->newDraft();
        editor->newDraft();
        editor->setField(&PostMortem::title, QStringLiteral("Second look"),
                         QStringLiteral("Title"));
        auto *which = editor->findChild<QComboBox *>();
        QCOMPARE(which->currentText(), QStringLiteral("pm-2 — Second look"));
        auto stored = [&] {
            editor->document()->saveNow(); // (and every write before it)
            QStringList ids;
            const auto recording = Recording::open(path);
            const auto written = readPostMortems(*recording.value());
            for (const PostMortem &pm : written)
                ids.append(pm.id + u':' + pm.title);
            return ids;
        };
        QCOMPARE(stored().size(), 2);
        editor->deleteCurrent();
        QCOMPARE(editor->document()->postMortem().id, QStringLiteral("pm-1"));
        QCOMPARE(which->count(), 1);
        QCOMPARE(stored().size(), 1);
        auto *undoDelete = editor->findChild<QPushButton *>(QStringLiteral("undoDelete"));
        QVERIFY(undoDelete && undoDelete->isVisibleTo(editor));
        undoDelete->click();
        QCOMPARE(editor->document()->postMortem().title, QStringLiteral("Second look"));
        QCOMPARE(which->count(), 2);
        QVERIFY(stored().contains(u"pm-2:Second look"));
        QVERIFY(!undoDelete->isVisibleTo(editor));
        // Deleted, a new draft, then Undo delete: both kept, neither overwrites the other.
        editor->deleteCurrent();
        editor->newDraft();
        QVERIFY(editor->document()->postMortem().id != u"pm-2"); // never an id given before
        undoDelete->click();
        QCOMPARE(editor->document()->postMortem().title, QStringLiteral("Second look"));
        QCOMPARE(stored().size(), 3);
        QCOMPARE(which->count(), 3);
    }

    // A post-mortem the recording holds that cannot be read: the recording opens, the editor
    // says it was left out, and a new draft never takes its id (it would overwrite it).
    void anUnreadablePostMortemIsLeftOutNotOverwritten()
    {
        const QString path = copy(QStringLiteral("unreadable"));
        {
            auto writer = RecordingWriter::openForAppend(path);
            QVERIFY(writer);
            writer.value()->setPostMortem(
                QStringLiteral("pm-1"),
                QByteArray(R"({"format":"warroom-postmortem","version":9,"id":"pm-1"})"));
            QVERIFY(writer.value()->close());
        }
        RecordingWindow window;
        QVERIFY(open(window, path));
        PostMortemEditor *editor = window.postMortemEditor();
        QVERIFY(!editor->document()->isOpen());
        const auto *said = editor->findChild<QLabel *>(QStringLiteral("saveState"));
        QVERIFY(said && said->text().contains(u"post-mortem pm-1: written by a newer Warroom"));
        editor->newDraft();
        QCOMPARE(editor->document()->postMortem().id, QStringLiteral("pm-2"));
        QVERIFY(editor->document()->saveNow());
        const auto recording = Recording::open(path);
        QCOMPARE(recording.value()->postMortems().size(), 2); // the unreadable one still there
    }

    // Near-duplicates triaged at once: Shift+D dismisses the entry and every proposal alike
    // (one undo step), and the selection moves on to the next proposal.
    void alikeEntriesTriagedAtOnce()
    {
        RecordingWindow window;
        QVERIFY(open(window, copy(QStringLiteral("alike"))));
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.showPostMortem();
        PostMortemEditor *editor = window.postMortemEditor();
        editor->newDraft();
        const PostMortem draft = editor->document()->postMortem();
        QMap<QString, QStringList> groups;
        for (const TimelineEntry &e : draft.timeline)
            groups[alikeKey(e)].append(e.id);
        QString group;
        for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
            if (it.value().size() > groups.value(group).size())
                group = it.key();
        }
        QVERIFY2(groups.value(group).size() >= 3, qPrintable(group));
        auto *timeline = editor->findChild<QTableView *>(QStringLiteral("timeline"));
        timeline->setFocus();
        editor->selectEntry(groups.value(group).first());
        QTest::keyClick(timeline, Qt::Key_D, Qt::ShiftModifier);
        int dismissed = 0;
        for (const TimelineEntry &e : editor->document()->postMortem().timeline) {
            const bool alike = groups.value(group).contains(e.id);
            QCOMPARE(e.status == TimelineEntry::Status::Dismissed, alike);
            dismissed += alike;
        }
        QCOMPARE(dismissed, groups.value(group).size());
        const int at = editor->document()->postMortem().entryIndex(editor->selectedEntry());
        QVERIFY(editor->document()->postMortem().timeline[at].status ==
                TimelineEntry::Status::Proposed);
        editor->document()->undoStack()->undo();
        QCOMPARE(editor->document()->postMortem().timeline, draft.timeline);
    }

    // The post-mortem in a tab, beside the map at full height, or the whole window; the choice
    // is remembered by the next window. Narrow, its timeline keeps the text's room.
    void postMortemPlaces()
    {
        using Place = RecordingWindow::PostMortemPlace;
        RecordingWindow window;
        QVERIFY(open(window, copy(QStringLiteral("places"))));
        window.resize(1024, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        PostMortemEditor *editor = window.postMortemEditor();
        editor->newDraft();
        auto *outer = window.findChild<QSplitter *>(QStringLiteral("outer"));
        QVERIFY(outer);
        window.setPostMortemPlace(Place::Side);
        QCOMPARE(outer->count(), 2);
        QVERIFY(editor->isVisible() && window.mapView()->isVisible());
        QVERIFY(editor->height() > window.mapView()->height()); // full height
        auto *timeline = editor->findChild<QTableView *>(QStringLiteral("timeline"));
        QTRY_VERIFY(editor->timelineModel()->compact()); // about 400 px wide
        QVERIFY(timeline->isColumnHidden(TimelineModel::Status));
        {
            RecordingWindow next;
            QCOMPARE(next.postMortemPlace(), Place::Side);
        }
        window.setPostMortemPlace(Place::Window);
        QVERIFY(editor->isVisible() && !window.mapView()->isVisible());
        QTRY_VERIFY(!editor->timelineModel()->compact());
        window.setPostMortemPlace(Place::Tab);
        QVERIFY(window.mapView()->isVisible());
        window.showPostMortem();
        QVERIFY(editor->isVisible());
        QCOMPARE(RecordingWindow::postMortemPlaceFrom(QStringLiteral("side")), Place::Side);
        QCOMPARE(RecordingWindow::postMortemPlaceFrom(QStringLiteral("aside")), std::nullopt);
    }

    // A map element into the timeline, at the cursor's time.
    void mapElementsBecomeEntries()
    {
        RecordingWindow window;
        window.resize(1400, 900);
        QVERIFY(open(window, copy(QStringLiteral("map"))));
        window.seekTo(QStringLiteral("3w8h50m"));
        QTRY_VERIFY(window.map()->hopState(QStringLiteral("app-pool-4"),
                                           QStringLiteral("cache-1")) == u"blocked");
        MapView *map = window.mapView();
        const QString text = map->describeAt(map->nodeRect(QStringLiteral("lb-1")).center());
        QCOMPARE(text, QStringLiteral("lb-1 (load_balancer in dc1)"));
        Q_EMIT map->timelineEntryRequested(text);
        PostMortemEditor *editor = window.postMortemEditor();
        QVERIFY(editor->document()->isOpen()); // a draft was started for it
        const PostMortem &pm = editor->document()->postMortem();
        const int i = pm.entryIndex(editor->selectedEntry());
        QVERIFY(i >= 0);
        QCOMPARE(pm.timeline[i].text, text);
        QCOMPARE(pm.timeline[i].timeMs, window.cursorTime());
        QVERIFY(pm.timeline[i].status == TimelineEntry::Status::Accepted);

        // A chart point: its time and the values there.
        const MetricChart *chart = window.chart(0);
        const QString point = chart->describeAt(pm.impact.startMs + 60000);
        QVERIFY2(point.startsWith(u"Requests failing at 08:49:40: failing "), qPrintable(point));
        Q_EMIT const_cast<MetricChart *>(chart)->timelineEntryRequested(pm.impact.startMs + 60000,
                                                                        point);
        const int j = pm.entryIndex(editor->selectedEntry());
        QCOMPARE(pm.timeline[j].text, point);
        QCOMPARE(pm.timeline[j].timeMs, pm.impact.startMs + 60000);
    }

    // Choosing an entry moves the replay to its moment.
    void selectingAnEntryMovesTheCursor()
    {
        RecordingWindow window;
        QVERIFY(open(window, copy(QStringLiteral("select"))));
        PostMortemEditor *editor = window.postMortemEditor();
        editor->newDraft();
        const TimelineEntry entry = editor->document()->postMortem().timeline[3];
        QVERIFY(entry.timeMs != window.cursorTime());
        editor->selectEntry(entry.id);
        // Enter (or a click) goes there; the keyboard passing over rows does not.
        QTest::keyClick(editor->findChild<QTableView *>(QStringLiteral("timeline")),
                        Qt::Key_Return);
        QTRY_COMPARE(window.cursorTime(), entry.timeMs);
    }

    // Steady typing is written as it goes, not only once it stops.
    void steadyTypingIsSavedAsItGoes()
    {
        RecordingWindow window;
        QVERIFY(open(window, copy(QStringLiteral("steady"))));
        PostMortemEditor *editor = window.postMortemEditor();
        editor->newDraft();
        QSignalSpy saved(editor->document(), &PostMortemDocument::saved);
        QPlainTextEdit *summary = editor->sectionEditor(QStringLiteral("Summary"));
        summary->setFocus();
        // A key every 250 ms (paced by waiting for a save that may come meanwhile): the saves
        // come while the typing goes on, not only once it stops.
        for (int i = 0; i < 12 && saved.count() < 2; ++i) {
            QTest::keyClicks(summary, QStringLiteral("x"));
            saved.wait(250);
        }
        QVERIFY2(saved.count() >= 2, qPrintable(QString::number(saved.count())));
    }

    // What was typed is in the file two seconds later, even when the process is killed.
    void autosaveSurvivesAKill()
    {
        const QString path = copy(QStringLiteral("kill"));
        const QString typed = QStringLiteral("A deny rule meant for the test hosts matched DC3.");
        QProcess typist;
        typist.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        typist.start(QStringLiteral(WARROOM_TYPIST_PATH), {path, typed});
        QVERIFY(typist.waitForStarted());
        QByteArray said; // QTRY evaluates its condition more than once: keep what was read
        QTRY_VERIFY_WITH_TIMEOUT((said += typist.readAllStandardOutput()).contains("typed"), 60000);
        // Within two seconds the text is in the file, while the typist still runs.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto r = Recording::open(path);
                const QList<PostMortem> pms = r ? readPostMortems(*r.value()) : QList<PostMortem>();
                return !pms.isEmpty() && pms.first().rootCause == typed;
            }(),
            2000);
        typist.kill(); // SIGKILL: no chance to save on the way out
        QVERIFY(typist.waitForFinished());
        QCOMPARE(typist.exitStatus(), QProcess::CrashExit);
        auto r = Recording::open(path);
        QVERIFY(r);
        const QList<PostMortem> written = readPostMortems(*r.value());
        QCOMPARE(written.size(), 1);
        QCOMPARE(written.first().rootCause, typed);
    }

    // The Lemniscus write-up, done as a team would: accept the proposals, mark detection and
    // repair, write the root cause, snapshot the map at the first DC3 outage, export.
    // An action item's what-if replays the incident on a worker (the UI thread keeps turning),
    // keeps the compared figures in the item (one undo step) and the reports state them.
    void whatIfIsSimulatedFromTheEditor()
    {
        RecordingWindow window;
        QVERIFY(open(window, copy(QStringLiteral("what-if"))));
        PostMortemEditor *editor = window.postMortemEditor();
        editor->newDraft();
        editor->addActionItem(actionItem(QStringLiteral("Scope dc3-egress to the test hosts"), {},
                                         {}, QStringLiteral("P2"), QStringLiteral("open"), {},
                                         QStringLiteral("lemniscus-2020-rule-fixed.yaml")));
        ActionItemsPanel *panel = editor->actionItems();
        QSignalSpy finished(panel, &ActionItemsPanel::whatIfFinished);
        QSignalSpy failed(panel, &ActionItemsPanel::whatIfFailed);
        int turns = 0; // the UI thread's event loop while the replay runs
        QTimer ticker;
        connect(&ticker, &QTimer::timeout, this, [&turns] { ++turns; });
        ticker.start(0);
        panel->simulate(0);
        QVERIFY(panel->simulating());
        QVERIFY(finished.wait(60000));
        ticker.stop();
        QCOMPARE(failed.count(), 0);
        QVERIFY2(turns > 10, qPrintable(QString::number(turns)));
        const ActionItem &item = editor->document()->postMortem().actions.first();
        QVERIFY(item.simulated());
        const auto outage =
            std::find_if(item.effect.begin(), item.effect.end(),
                         [](const ComparisonRow &r) { return r.what == u"outage"; });
        QVERIFY(outage != item.effect.end());
        QVERIFY(outage->aValue > 1800000.0); // the DC3 outages recorded ...
        QCOMPARE(outage->bValue, 0.0);       // ... none with the rule right
        QVERIFY2(
            effectLine(item).startsWith(u"simulated with lemniscus-2020-rule-fixed.yaml: outage "),
            qPrintable(effectLine(item)));
        QVERIFY(panel->table()->item(0, ActionItemsPanel::kEffectColumn)->text().contains(u"→"));
        QCOMPARE(editor->document()->undoStack()->undoText(), QStringLiteral("Simulate what-if"));
        // Its replay opens beside the incident, on one clock.
        QVERIFY(QFile::exists(panel->replayOf(QStringLiteral("lemniscus-2020-rule-fixed.yaml"))));
        QSignalSpy compared(&window, &RecordingWindow::comparisonShown);
        Q_EMIT panel->compareRequested(
            panel->replayOf(QStringLiteral("lemniscus-2020-rule-fixed.yaml")));
        QVERIFY(compared.wait(60000));
        QCOMPARE(window.comparePanel()->path(),
                 panel->replayOf(QStringLiteral("lemniscus-2020-rule-fixed.yaml")));
        editor->document()->undoStack()->undo();
        QVERIFY(!editor->document()->postMortem().actions.first().simulated());
        editor->document()->undoStack()->redo();

        // Edited since: stale, said so, and simulated again on demand.
        ActionItem changed = editor->document()->postMortem().actions.first();
        QVERIFY(
            setActionField(changed, ActionField::WhatIf, QStringLiteral("rule-remove:dc3-egress"))
                .isEmpty());
        PostMortem next = editor->document()->postMortem();
        next.actions[0] = changed;
        editor->document()->set(next, QStringLiteral("test"));
        QCOMPARE(effectLine(editor->document()->postMortem().actions.first()),
                 QStringLiteral("what-if rule-remove:dc3-egress: not simulated yet"));

        // A cancelled replay keeps nothing; a variant that is not there says so.
        panel->simulate(0);
        panel->cancelSimulation();
        QCOMPARE(failed.count(), 1);
        QCOMPARE(failed.last().at(1).toString(), QStringLiteral("cancelled"));
        QVERIFY(!editor->document()->postMortem().actions.first().simulated());
        next = editor->document()->postMortem();
        next.actions[0].whatIf = QStringLiteral("no-such-variant.yaml");
        editor->document()->set(next, QStringLiteral("test"));
        panel->simulate(0);
        QVERIFY(failed.wait(60000));
        QVERIFY2(failed.last().at(1).toString().contains(
                     u"no-such-variant.yaml: not found beside the incident's scenario"),
                 qPrintable(failed.last().at(1).toString()));
        QVERIFY(panel->problem().startsWith(u"Not simulated: "));
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
            QVERIFY(simulated.wait(60000));
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
            QVERIFY(simulated.wait(60000));
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
        const QString to = m_dir.filePath(name + u".warroom");
        if (!QFile::exists(to))
            QFile::copy(m_dir.filePath(QStringLiteral("l.warroom")), to);
        return to;
    }
    static bool open(RecordingWindow &window, const QString &path)
    {
        QSignalSpy loaded(&window, &RecordingWindow::loaded);
        window.openFile(path);
        return loaded.wait(60000);
    }
    QTemporaryDir m_dir;
};

QTEST_MAIN(TestPostMortemEditor)
#include "tst_postmortem_editor.moc"
