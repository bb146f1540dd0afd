// The post-mortem editor: its timeline model, undo and redo of every change, autosave that
// survives a real kill, entries moving the replay, what-ifs simulated from it (the exported
// write-ups: tst_postmortem_export).
#include "core/postmortem/postmortem_merge.h"
#include "core/postmortem/postmortem_store.h"
#include "core/postmortem/report.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
#include "core/summary/recording_summary.h"
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
#include <QElapsedTimer>
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

    // A draft begun while the incident was young shows the impact the recording has now: the
    // impact is computed, and follows a live incident as it grows.
    void theImpactShownFollowsTheRecording()
    {
        auto recording = Recording::open(copy(QStringLiteral("impact")));
        QVERIFY(recording);
        const QList<Event> events = recording.value()->events();
        const RecordingSummary grown = summarize(*recording.value());
        QVERIFY(grown.outages.size() > 0);
        RecordingSummary young = grown; // as it was before the first outage
        young.outages.clear();
        PostMortem early;
        early.id = QStringLiteral("pm-1");
        PostMortemEditor editor;
        editor.setRecording(recording.value()->path(), events, young, {early});
        auto *shown = editor.findChild<QLabel *>(QStringLiteral("impactAndTimes"));
        QVERIFY(shown->text().contains(u"0s of outage in 0 outages"));
        editor.grow(events, grown);
        QVERIFY2(shown->text().contains(u"of outage in " + QString::number(grown.outages.size()) +
                                        (grown.outages.size() == 1 ? u" outage" : u" outages")),
                 qPrintable(shown->text()));
        QVERIFY(!shown->text().contains(u"0s of outage in 0 outages"));
    }

    // Where post-mortems cannot be written (a role that may only read, a read-only file), the
    // editor reads them and says why; nothing typed is taken and then lost.
    void aReadOnlyRecordingIsReadNotEdited()
    {
        auto recording = Recording::open(copy(QStringLiteral("read-only")));
        QVERIFY(recording);
        PostMortem written;
        written.id = QStringLiteral("pm-1");
        written.title = QStringLiteral("as written");
        PostMortemEditor editor;
        editor.setRecording(recording.value()->path(), recording.value()->events(),
                            summarize(*recording.value()), {written});
        editor.setReadOnly(QStringLiteral("your database role may read incidents"));
        auto *title = editor.findChild<QLineEdit *>(QStringLiteral("title"));
        QVERIFY(title->isReadOnly());
        QCOMPARE(title->text(), QStringLiteral("as written"));
        editor.setField(&PostMortem::title, QStringLiteral("typed"), QStringLiteral("Title"));
        editor.newDraft();
        QVERIFY(editor.addNote(0, QStringLiteral("a note")).isEmpty());
        QCOMPARE(editor.document()->postMortem().title, QStringLiteral("as written"));
        QVERIFY(editor.document()->postMortem().timeline.isEmpty());
        QVERIFY(editor.findChild<QLabel *>(QStringLiteral("saveState"))
                    ->text()
                    .contains(u"Read only: your database role may read incidents."));
        editor.setReadOnly({});
        QVERIFY(!title->isReadOnly());
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
        for (int i = 0; i < 40 && saved.count() < 2; ++i) {
            QTest::keyClicks(summary, QStringLiteral("x"));
            saved.wait(250);
        }
        QVERIFY2(saved.count() >= 2, qPrintable(QString::number(saved.count())));
    }

    // What was typed is in the file a second later (the autosave), even when the process is then
    // killed.
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
        // The text is in the file while the typist still runs: saved a second after the typing
        // (kAutosaveMs), which a loaded machine may stretch; the wait is not the budget.
        static_assert(PostMortemDocument::kAutosaveMs <= 2000,
                      "typing is saved within two seconds");
        QElapsedTimer sinceTyped;
        sinceTyped.start();
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto r = Recording::open(path);
                const QList<PostMortem> pms = r ? readPostMortems(*r.value()) : QList<PostMortem>();
                return !pms.isEmpty() && pms.first().rootCause == typed;
            }(),
            test::kLiveWaitMs);
        qInfo("in the file %lld ms after the typist said it typed", sinceTyped.elapsed());
        QCOMPARE(typist.state(), QProcess::Running); // saved by the autosave, not on the way out
        typist.kill();                               // SIGKILL: no chance to save on the way out
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
        QVERIFY(finished.wait(test::kSimulationWaitMs));
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
        QVERIFY(compared.wait(test::kSimulationWaitMs));
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
        QVERIFY(failed.wait(test::kSimulationWaitMs));
        QVERIFY2(failed.last().at(1).toString().contains(
                     u"no-such-variant.yaml: not found beside the incident's scenario"),
                 qPrintable(failed.last().at(1).toString()));
        QVERIFY(panel->problem().startsWith(u"Not simulated: "));
    }

private:
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

QTEST_MAIN(TestPostMortemEditor)
#include "tst_postmortem_editor.moc"
