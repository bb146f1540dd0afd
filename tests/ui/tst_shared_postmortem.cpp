// Post-mortems written together. The merge, part by part (core); and with a real PostgreSQL
// (a private cluster started by the test): two war-room windows on one live shared incident,
// where a draft begun in one opens in the other and an entry typed in one appears in the
// other; two desks writing one field at once lose neither text.
#include "core/live/ingest_server.h"
#include "core/postmortem/postmortem_merge.h"
#include "core/scenario/scenario_loader.h"
#include "core/store/recording_writer.h"
#include "support/postgres_cluster.h"
#include "support/test_support.h"
#include "ui/postmortem/postmortem_document.h"
#include "ui/postmortem/postmortem_editor.h"
#include "ui/recording_window.h"

#include <QDateTime>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace warroom;

namespace {

TimelineEntry note(const QString &id, qint64 timeMs, const QString &text)
{
    TimelineEntry e;
    e.id = id;
    e.timeMs = timeMs;
    e.text = text;
    e.kind = QStringLiteral("note");
    return e;
}

PostMortem draft()
{
    PostMortem pm;
    pm.id = QStringLiteral("pm-1");
    pm.title = QStringLiteral("Cache unreachable from DC3");
    pm.timeline = {note(QStringLiteral("u1"), 1000, QStringLiteral("paged"))};
    return pm;
}

bool waitFor(QObject *sender, const char *signal, const std::function<bool()> &done,
             int timeoutMs = 15000)
{
    QSignalSpy spy(sender, signal);
    while (!done()) {
        if (!spy.wait(timeoutMs))
            return false;
    }
    return true;
}

} // namespace

class TestSharedPostMortem : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void editsOnDifferentPartsBothStay()
    {
        const PostMortem base = draft();
        PostMortem mine = base, theirs = base;
        mine.summary = QStringLiteral("mine");
        theirs.rootCause = QStringLiteral("theirs");
        theirs.timeline.append(note(QStringLiteral("u2"), 2000, QStringLiteral("theirs added")));
        stampRevisions(theirs, base, QStringLiteral("bob"), 5);
        const PostMortem merged = mergePostMortems(base, mine, theirs);
        QCOMPARE(merged.summary, QStringLiteral("mine"));
        QCOMPARE(merged.rootCause, QStringLiteral("theirs"));
        QCOMPARE(merged.timeline.size(), 2);
        QVERIFY(merged.conflicts.isEmpty());
        QCOMPARE(merged.revisions.value(QStringLiteral("entry:u2"))
                     .toObject()
                     .value(QStringLiteral("by"))
                     .toString(),
                 QStringLiteral("bob"));
    }

    void oneFieldEditedTwiceKeepsBoth()
    {
        const PostMortem base = draft();
        PostMortem mine = base, theirs = base;
        mine.summary = QStringLiteral("the cache was blocked");
        theirs.summary = QStringLiteral("DC3 could not reach cache-1");
        stampRevisions(theirs, base, QStringLiteral("bob"), 5);
        const PostMortem merged = mergePostMortems(base, mine, theirs);
        QCOMPARE(merged.summary, QStringLiteral("the cache was blocked")); // the later write
        QCOMPARE(merged.conflicts.size(), 1);
        const QJsonObject kept = merged.conflicts.first().toObject();
        QCOMPARE(kept.value(QStringLiteral("value")).toString(),
                 QStringLiteral("DC3 could not reach cache-1"));
        QCOMPARE(kept.value(QStringLiteral("by")).toString(), QStringLiteral("bob"));
        QCOMPARE(kept.value(QStringLiteral("label")).toString(), QStringLiteral("Summary"));
        // Resolved with theirs: their text, no conflict left.
        const PostMortem resolved = resolveConflict(merged, 0, true);
        QCOMPARE(resolved.summary, QStringLiteral("DC3 could not reach cache-1"));
        QVERIFY(resolved.conflicts.isEmpty());
        QCOMPARE(resolveConflict(merged, 0, false).summary, merged.summary);
    }

    void entriesAddedUnderOneIdAreBothKept()
    {
        const PostMortem base = draft();
        PostMortem mine = base, theirs = base;
        mine.timeline.append(note(QStringLiteral("u2"), 2000, QStringLiteral("mine")));
        theirs.timeline.append(note(QStringLiteral("u2"), 3000, QStringLiteral("theirs")));
        const PostMortem merged = mergePostMortems(base, mine, theirs);
        QCOMPARE(merged.timeline.size(), 3);
        QStringList texts;
        for (const TimelineEntry &e : merged.timeline)
            texts.append(e.text);
        QCOMPARE(texts, QStringList({QStringLiteral("paged"), QStringLiteral("mine"),
                                     QStringLiteral("theirs")}));
    }

    // A read older than what this desk already wrote is not someone's edit.
    void aLateOldReadChangesNothing()
    {
        PostMortem base = draft();
        PostMortem old = base;
        base.summary = QStringLiteral("v2");
        stampRevisions(base, old, QStringLiteral("me"), 5);
        PostMortem mine = base;
        mine.summary = QStringLiteral("v3");
        const PostMortem merged = mergePostMortems(base, mine, old);
        QCOMPARE(merged.summary, QStringLiteral("v3"));
        QVERIFY(merged.conflicts.isEmpty());
    }

    // Action items merge by id: one deleted at a desk while another desk edits a later one,
    // and one added at each, leave all four changes in.
    void actionItemsMergeByTheirIds()
    {
        PostMortem base = draft();
        for (const char *what : {"first", "second", "third"}) {
            ActionItem a;
            a.id = newActionId();
            a.what = QString::fromLatin1(what);
            base.actions.append(a);
        }
        PostMortem mine = base, theirs = base;
        mine.actions.removeFirst();
        ActionItem mineNew;
        mineNew.id = newActionId();
        mineNew.what = QStringLiteral("added here");
        mine.actions.append(mineNew);
        theirs.actions[2].owner = QStringLiteral("netops");
        ActionItem theirsNew;
        theirsNew.id = newActionId();
        theirsNew.what = QStringLiteral("added there");
        theirs.actions.append(theirsNew);
        stampRevisions(theirs, base, QStringLiteral("bob"), 5);
        const PostMortem merged = mergePostMortems(base, mine, theirs);
        QVERIFY(merged.conflicts.isEmpty());
        QStringList whats;
        for (const ActionItem &a : merged.actions)
            whats.append(a.what);
        QCOMPARE(whats, QStringList({QStringLiteral("second"), QStringLiteral("third"),
                                     QStringLiteral("added here"), QStringLiteral("added there")}));
        QCOMPARE(merged.actions[1].owner, QStringLiteral("netops"));
        // New entries' ids differ from desk to desk.
        QVERIFY(draft().newEntryId() != draft().newEntryId() ||
                draft().newEntryId() != draft().newEntryId());
    }

    void undoLeavesOthersEdits()
    {
        const PostMortem before = draft();
        PostMortem after = before;
        after.summary = QStringLiteral("mine");
        PostMortem current = after;
        current.rootCause = QStringLiteral("someone else's");
        const PostMortem undone = applyChange(current, after, before);
        QCOMPARE(undone.summary, QString());
        QCOMPARE(undone.rootCause, QStringLiteral("someone else's"));
    }

    // The "done": two windows on one live shared incident; what is typed in one
    // window's post-mortem appears in the other.
    void twoWindowsWriteOnePostMortem()
    {
        test::PostgresCluster cluster;
        QVERIFY2(cluster.ok(), qPrintable(cluster.error()));
        auto scenario = loadScenarioFile(test::scenarioPath(QStringLiteral("lemniscus-2020")));
        QVERIFY(scenario);
        const QString address = cluster.address(QStringLiteral("live"));
        QVERIFY(createLiveRecording(address, scenario.value(), QStringLiteral("feed")));
        auto writer = RecordingWriter::openForAppend(address);
        QVERIFY(writer);
        writer.value()->setMeta(QStringLiteral("live"), QStringLiteral("1"));
        writer.value()->setMeta(QStringLiteral("heartbeat_ms"),
                                QString::number(QDateTime::currentMSecsSinceEpoch()));
        QVERIFY(writer.value()->flush());

        // Two people (one process plays both: each desk writes as who it was made for).
        setPostMortemAuthor(QStringLiteral("alice"));
        RecordingWindow a;
        setPostMortemAuthor(QStringLiteral("bob"));
        RecordingWindow b;
        for (RecordingWindow *w : {&a, &b}) {
            QSignalSpy shown(w, &RecordingWindow::firstFrame);
            w->openFile(address);
            QVERIFY(shown.wait(20000));
        }
        PostMortemEditor *ea = a.postMortemEditor();
        PostMortemEditor *eb = b.postMortemEditor();
        QCOMPARE(ea->document()->author(), QStringLiteral("alice"));
        QCOMPARE(eb->document()->author(), QStringLiteral("bob"));
        ea->newDraft();
        QVERIFY(ea->document()->saveNow());
        // The draft begun at A opens at B.
        QVERIFY(waitFor(eb->document(), SIGNAL(changed()),
                        [&] { return eb->document()->postMortem().id == QStringLiteral("pm-1"); }));

        const QString id =
            ea->addNote(QDateTime::currentMSecsSinceEpoch(), QStringLiteral("typed at desk A"));
        QVERIFY(ea->document()->saveNow());
        QVERIFY(waitFor(eb->document(), SIGNAL(changed()),
                        [&] { return eb->document()->postMortem().entryIndex(id) >= 0; }));

        // Both desks write the summary at once: neither text is lost.
        ea->setField(&PostMortem::summary, QStringLiteral("summary from A"),
                     QStringLiteral("Summary"));
        eb->setField(&PostMortem::summary, QStringLiteral("summary from B"),
                     QStringLiteral("Summary"));
        QVERIFY(ea->document()->saveNow());
        QVERIFY(eb->document()->saveNow()); // finds A's, merges: B's wins, A's kept
        auto holds = [](const PostMortem &pm, const QString &text) {
            if (pm.summary == text)
                return true;
            for (const QJsonValue &c : pm.conflicts) {
                if (c.toObject().value(QStringLiteral("value")).toString() == text)
                    return true;
            }
            return false;
        };
        QVERIFY(waitFor(ea->document(), SIGNAL(changed()), [&] {
            const PostMortem &pm = ea->document()->postMortem();
            return holds(pm, QStringLiteral("summary from A")) &&
                   holds(pm, QStringLiteral("summary from B")) && !pm.conflicts.isEmpty();
        }));
        QCOMPARE(ea->document()->postMortem().summary, QStringLiteral("summary from B"));
        // And then the desks fall quiet: nothing new is not written again and again (each
        // write is told to the other desk, which would answer it).
        QSignalSpy savedA(ea->document(), &PostMortemDocument::saved);
        QSignalSpy savedB(eb->document(), &PostMortemDocument::saved);
        int rounds = 0;
        while ((savedA.wait(2500) || savedB.count() > 0) && rounds < 6) {
            savedB.clear();
            ++rounds;
        }
        QVERIFY2(rounds < 6, "the post-mortem is written again and again");
        QVERIFY(eb->document()->postMortem().entryIndex(id) >= 0); // A's entry kept through it
        // The picture in docs/shared.md, both desks side by side:
        // WARROOM_SHARED_SCREENSHOTS=$PWD/docs/images build/tests/tst_shared_postmortem
        if (const QString dir = qEnvironmentVariable("WARROOM_SHARED_SCREENSHOTS");
            !dir.isEmpty()) {
            QImage both(2 * 1200 + 8, 800, QImage::Format_RGB32);
            both.fill(Qt::darkGray);
            QPainter painter(&both);
            int x = 0;
            for (RecordingWindow *w : {&a, &b}) {
                w->resize(1200, 800);
                w->show();
                w->showPostMortem();
                QVERIFY(QTest::qWaitForWindowExposed(w));
                QTest::qWait(500); // a frame drawn at the new size
                painter.drawImage(x, 0, w->grab().toImage());
                x += 1200 + 8;
            }
            painter.end();
            QVERIFY(both.save(dir + u"/shared-two-desks.png"));
        }
        QVERIFY(writer.value()->close());
    }
};

QTEST_MAIN(TestSharedPostMortem)
#include "tst_shared_postmortem.moc"
