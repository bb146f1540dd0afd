// Drills: the simulator as a live source at a pace, faults injected by an instructor (recorded
// with who did it), rule names hidden from trainees until revealed, and the time from each
// fault to the trainees' first Diagnosis mark.
#include "core/live/drill.h"
#include "core/live/ingest_server.h"
#include "core/postmortem/postmortem.h"
#include "core/replay/replay_data.h"
#include "core/replay/root_cause_hidden.h"
#include "core/store/recording.h"
#include "support/test_support.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace warroom;

namespace {

constexpr qint64 kFrom = (21 * 24 + 8) * 3600000LL + 30 * 60000; // 3w8h30m: the busy Monday

QList<Event> eventsOf(const QList<feed::Message> &messages)
{
    QList<Event> events;
    for (const feed::Message &m : messages) {
        if (const auto *e = std::get_if<Event>(&m))
            events.append(*e);
    }
    return events;
}

} // namespace

class TestDrill : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The drill keeps the pace of the clock times its speed.
    void playsAtItsSpeed()
    {
        QList<feed::Message> messages;
        DrillOptions options;
        options.speed = 600;
        options.fromMs = kFrom;
        auto drill = Drill::start(test::loadBundled(QStringLiteral("lemniscus-2020")), options,
                                  [&](feed::Message m) { messages.append(std::move(m)); });
        QVERIFY(drill);
        const qint64 start = drill.value()->nowMs();
        QElapsedTimer clock;
        clock.start();
        // Forty simulated minutes (four seconds of wall time at 600x), then the pace. The drill
        // catches up with the clock at every step, so a busy machine's stalls do not add up:
        // over four seconds it is neither ahead nor behind by much.
        QTRY_VERIFY_WITH_TIMEOUT(drill.value()->nowMs() - start >= 2400000, test::kLiveWaitMs);
        const double simulated = double(drill.value()->nowMs() - start);
        const double expected = double(clock.elapsed()) * options.speed;
        QVERIFY2(simulated > 0.75 * expected && simulated < 1.1 * expected,
                 qPrintable(
                     QStringLiteral("%1 ms simulated, %2 expected").arg(simulated).arg(expected)));
        // The recording says it is a drill, and starts where the drill does.
        bool drillMeta = false;
        for (const feed::Message &m : messages) {
            if (const auto *meta = std::get_if<feed::Meta>(&m)) {
                drillMeta = drillMeta || (meta->key == u"drill" && meta->value == u"1");
                if (meta->key == u"start_ms") // the drill's first tick ran at once
                    QVERIFY(start - meta->value.toLongLong() >= 0 &&
                            start - meta->value.toLongLong() <= 60000);
            }
        }
        QVERIFY(drillMeta);
        QVERIFY(std::any_of(messages.cbegin(), messages.cend(), [](const feed::Message &m) {
            return std::holds_alternative<feed::TopologyMessage>(m);
        }));
        QVERIFY(std::any_of(messages.cbegin(), messages.cend(), [](const feed::Message &m) {
            return std::holds_alternative<feed::Samples>(m);
        }));
    }

    // Every kind of fault: applied at the next tick, recorded with who injected it, undone
    // after its duration; a fault naming nothing is refused with why.
    void injectsEveryKindOfFault()
    {
        QList<feed::Message> messages;
        DrillOptions options;
        options.speed = 3000;
        options.fromMs = kFrom;
        auto drill = Drill::start(test::loadBundled(QStringLiteral("lemniscus-2020")), options,
                                  [&](feed::Message m) { messages.append(std::move(m)); });
        QVERIFY(drill);
        const QString bob = QStringLiteral("bob");
        const QList<DrillFault> faults = {
            {DrillFault::Kind::Block, QStringLiteral("dc1"), QStringLiteral("dc2"), 3, 60000, bob},
            {DrillFault::Kind::CutLink, QStringLiteral("dc1-dc2"), {}, 3, 0, bob},
            {DrillFault::Kind::CutSite, QStringLiteral("dc3"), {}, 3, 0, bob},
            {DrillFault::Kind::Crash, QStringLiteral("cache-1"), {}, 3, 0, bob},
            {DrillFault::Kind::Spike, {}, {}, 4, 120000, bob},
        };
        for (const DrillFault &f : faults)
            QVERIFY(!drill.value()->inject(f));
        QCOMPARE(*drill.value()->inject(
                     {DrillFault::Kind::Crash, QStringLiteral("app-9"), {}, 3, 0, bob}),
                 QStringLiteral("no node 'app-9' in the scenario"));
        QCOMPARE(*drill.value()->inject({DrillFault::Kind::Block, QStringLiteral("dc1"),
                                         QStringLiteral("mars"), 3, 0, bob}),
                 QStringLiteral("no site 'mars' in the scenario"));
        QCOMPARE(*drill.value()->inject({DrillFault::Kind::Spike, {}, {}, 1.0, 0, bob}),
                 QStringLiteral("a load spike needs a factor other than 1"));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                int ended = 0;
                for (const Event &e : eventsOf(messages))
                    ended += e.kind == EventKind::FaultEnded;
                return ended == 2; // the block (1 min) and the spike (2 min)
            }(),
            test::kLiveWaitMs);
        const QList<Event> events = eventsOf(messages);
        QStringList started;
        for (const Event &e : events) {
            if (e.kind == EventKind::FaultStarted) {
                QCOMPARE(e.details.value(QStringLiteral("injected_by")).toString(), bob);
                started.append(e.details.value(QStringLiteral("change")).toString() + u' ' +
                               e.details.value(QStringLiteral("target")).toString());
            }
        }
        QCOMPARE(
            started,
            (QStringList{QStringLiteral("rule_add deny-dc1-to-dc2"),
                         QStringLiteral("link_down dc1-dc2"), QStringLiteral("site_cut dc3"),
                         QStringLiteral("node_crash cache-1"), QStringLiteral("load_spike load")}));
        auto has = [&](EventKind kind, const QString &text) {
            return std::any_of(events.cbegin(), events.cend(), [&](const Event &e) {
                return e.kind == kind && e.text.contains(text);
            });
        };
        QVERIFY(has(EventKind::VerdictChanged, QStringLiteral("blocked by rule deny-dc1-to-dc2")));
        QVERIFY(has(EventKind::LinkDown, QStringLiteral("dc1-dc2")));
        QVERIFY(has(EventKind::LinkDown, QStringLiteral("dc2-dc3"))); // dc3 cut off
        QVERIFY(has(EventKind::NodeCrashed, QStringLiteral("cache-1")));
        QVERIFY(has(EventKind::RuleRemoved, QStringLiteral("deny-dc1-to-dc2"))); // a minute later
    }

    // The first Diagnosis mark at or after each fault; dismissed entries do not count.
    void timeToDiagnosisPerFault()
    {
        auto fault = [](qint64 t, const QString &target) {
            Event e;
            e.timeMs = t;
            e.kind = EventKind::FaultStarted;
            e.details = {{QStringLiteral("change"), QStringLiteral("link_down")},
                         {QStringLiteral("target"), target},
                         {QStringLiteral("injected_by"), QStringLiteral("alice")}};
            return e;
        };
        Event scheduled = fault(500, QStringLiteral("x"));
        scheduled.details.remove(
            QStringLiteral("injected_by")); // the scenario's own: not a drill's
        PostMortem pm;
        auto entry = [](qint64 t, int marks, TimelineEntry::Status status) {
            TimelineEntry e;
            e.timeMs = t;
            e.marks = marks;
            e.status = status;
            return e;
        };
        pm.timeline = {entry(1500, int(EntryMark::Diagnosis), TimelineEntry::Status::Dismissed),
                       entry(2000, int(EntryMark::Detection), TimelineEntry::Status::Accepted),
                       entry(4000, int(EntryMark::Diagnosis), TimelineEntry::Status::Accepted)};
        const auto outcomes = drillOutcomes(
            {scheduled, fault(1000, QStringLiteral("a")), fault(5000, QStringLiteral("b"))}, {pm});
        QCOMPARE(outcomes.size(), 2);
        QCOMPARE(outcomes[0].text, QStringLiteral("link_down a"));
        QCOMPARE(outcomes[0].injectedBy, QStringLiteral("alice"));
        QCOMPARE(outcomes[0].diagnosedAfterMs, 3000);
        QCOMPARE(outcomes[1].diagnosedAfterMs, -1);
    }

    // A drill recording through the ingest server: trainees see no rule names (nor their
    // files and lines) until the instructor reveals them.
    void traineesSeeNoRuleNamesUntilRevealed()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("drill.warroom"));
        auto server = IngestServer::start(path, {});
        QVERIFY(server);
        IngestServer *ingest = server.value().get();
        DrillOptions options;
        options.speed = 3000;
        options.fromMs = kFrom;
        options.instructor = QStringLiteral("alice");
        auto drill =
            Drill::start(test::loadBundled(QStringLiteral("lemniscus-2020")), options,
                         [ingest](feed::Message m) { QVERIFY(!ingest->append(std::move(m))); });
        QVERIFY(drill);
        QVERIFY(!drill.value()->inject({DrillFault::Kind::Block, QStringLiteral("dc1"),
                                        QStringLiteral("dc2"), 3, 0, options.instructor}));
        // 35 simulated minutes: the DC3 server launches, the rule bites.
        const qint64 began = drill.value()->nowMs();
        QTRY_VERIFY_WITH_TIMEOUT(drill.value()->nowMs() - began >= 35 * 60000, test::kLiveWaitMs);
        QSignalSpy committed(ingest, &IngestServer::committedChanged);
        QVERIFY(committed.wait(test::kLiveWaitMs));

        auto data = loadReplayData(path);
        QVERIFY(data);
        QVERIFY(data.value()->drillHidesRootCause);
        QVERIFY(rootCauseHidden(*data.value()));
        const auto hidden = withRootCauseHidden(data.value());
        QCOMPARE(hidden->unhidden, data.value());
        auto everything = [](const ReplayData &d) {
            QString all;
            for (const Event &e : d.events)
                all += e.subject + u' ' + e.text + u' ' +
                       QString::fromUtf8(QJsonDocument(e.details).toJson()) + u'\n';
            for (const StoredTopology &v : d.versions)
                all += QString::fromUtf8(v.json);
            for (const Outage &o : d.summary.outages)
                all += o.causes.join(u' ') + o.rules.join(u' ');
            return all;
        };
        const QString shown = everything(*hidden);
        const QString recorded = everything(*data.value());
        for (const QString &secret :
             {QStringLiteral("deny-dc1-to-dc2"), QStringLiteral("dc3-egress"),
              QStringLiteral("lemniscus-2020.yaml:")}) {
            QVERIFY2(recorded.contains(secret), qPrintable(secret));
            QVERIFY2(!shown.contains(secret), qPrintable(secret));
        }
        QVERIFY(shown.contains(u"blocked by rule hidden-"));
        // The instructor's doing is gone, the symptoms stay; nodes and sites keep their names.
        qsizetype injections = 0;
        for (const Event &e : data.value()->events)
            injections += e.details.contains(QStringLiteral("injected_by")) ||
                          e.subject == u"deny-dc1-to-dc2";
        QCOMPARE(injections, 2); // fault.started, rule.added
        QCOMPARE(hidden->events.size(), data.value()->events.size() - injections);
        QVERIFY(!shown.contains(u"injected by"));
        QVERIFY(shown.contains(u"dc1/app-1"));
        QCOMPARE(hidden->first.rules.size(), data.value()->first.rules.size());

        // A live refresh hides only what came, and hides it as hiding everything again would.
        const qint64 read = drill.value()->nowMs();
        QTRY_VERIFY_WITH_TIMEOUT(drill.value()->nowMs() - read >= 15 * 60000, test::kLiveWaitMs);
        QVERIFY(committed.wait(test::kLiveWaitMs));
        auto later = refreshReplayData(data.value());
        QVERIFY(later);
        QVERIFY(later.value()->events.size() > data.value()->events.size());
        const auto incremental = withRootCauseHidden(later.value(), hidden);
        const auto whole = withRootCauseHidden(later.value());
        QCOMPARE(incremental->events, whole->events);
        QCOMPARE(incremental->hiddenRules, whole->hiddenRules);
        QCOMPARE(incremental->versions.size(), whole->versions.size());
        for (qsizetype v = 0; v < whole->versions.size(); ++v)
            QCOMPARE(incremental->versions[v].json, whole->versions[v].json);
        QCOMPARE(withRootCauseHidden(data.value(), hidden), hidden); // nothing came

        drill.value()->reveal(options.instructor);
        QVERIFY(committed.wait(test::kLiveWaitMs));
        data = loadReplayData(path);
        QVERIFY(!rootCauseHidden(*data.value()));
        QVERIFY(server.value()->close());
    }
};

QTEST_GUILESS_MAIN(TestDrill)
#include "tst_drill.moc"
