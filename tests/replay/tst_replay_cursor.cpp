#include "core/model/topology_json.h"
#include "core/replay/replay_cursor.h"
#include "core/sim/random.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording_writer.h"
#include "core/summary/recording_summary.h"
#include "support/test_support.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace warroom;

namespace {

qint64 at(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

// The verdict of the hop from `from` to `to` at the cursor, as text ("" if there is none).
QString verdictOf(const ReplayCursor &cursor, const QString &from, const QString &to)
{
    const ReachabilityEngine *engine = cursor.engine();
    const Topology &t = engine->topology();
    for (int e = 0; e < engine->edgeCount(); ++e) {
        if (!engine->edgeAlive(e))
            continue;
        const DependencyEdge &edge = engine->edge(e);
        if (t.nodes[edge.from].id == from && t.nodes[edge.to].id == to)
            return verdictText(engine->verdict(e).state, engine->verdict(e).reason);
    }
    return {};
}

// The verdict of the first hop from a node in `fromSite` to one in `toSite`.
Verdict crossing(const ReplayCursor &cursor, const QString &fromSite, const QString &toSite)
{
    const ReachabilityEngine *engine = cursor.engine();
    const Topology &t = engine->topology();
    for (int e = 0; e < engine->edgeCount(); ++e) {
        const DependencyEdge &edge = engine->edge(e);
        if (engine->edgeAlive(e) && t.sites[t.nodes[edge.from].site].id == fromSite &&
            t.sites[t.nodes[edge.to].site].id == toSite)
            return engine->verdict(e);
    }
    qFatal("no hop from %s to %s", qPrintable(fromSite), qPrintable(toSite));
}

Event probe(qint64 timeMs, const QString &from, const QString &to, const QString &state)
{
    Event e;
    e.timeMs = timeMs;
    e.kind = EventKind::ProbeObserved;
    e.site = from;
    e.subject = to;
    e.text = u"probe " + from + u" -> " + to + u": " + state;
    e.details.insert(QStringLiteral("state"), state);
    return e;
}

} // namespace

class TestReplayCursor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void topologyJsonRoundTrips_data();
    void topologyJsonRoundTrips();
    void lemniscusDc3ServerIsBlockedByTheRule();
    void pagerdutyRegionCutOff();
    void seekingAnywhereEqualsReplayingInOrder();
    void probesOverlayTheComputedVerdicts();

private:
    const Recording &recording(const QString &name);
    QTemporaryDir m_dir;
    std::map<QString, std::unique_ptr<Recording>> m_recordings;
};

const Recording &TestReplayCursor::recording(const QString &name)
{
    auto &slot = m_recordings[name];
    if (!slot) {
        const QString path = m_dir.filePath(name + u".warroom");
        const auto stats = recordSimulation(test::loadBundled(name), {}, path);
        if (!stats)
            qFatal("%s", qPrintable(stats.errors().first().toString()));
        slot = std::move(Recording::open(path).value());
    }
    return *slot;
}

void TestReplayCursor::topologyJsonRoundTrips_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::newRow("lemniscus") << QStringLiteral("lemniscus-2020");
    QTest::newRow("pagerduty") << QStringLiteral("pagerduty-2011");
}

void TestReplayCursor::topologyJsonRoundTrips()
{
    QFETCH(QString, scenario);
    const Topology t = test::loadBundled(scenario).topology;
    const QJsonObject json = topologyToJson(t);
    const Topology back = topologyFromJson(json);
    QCOMPARE(QJsonDocument(topologyToJson(back)).toJson(), QJsonDocument(json).toJson());
    QCOMPARE(back.rules.last().place.file, t.rules.last().place.file);
    QCOMPARE(back.rules.last().place.line, t.rules.last().place.line);
    // Verdicts are the same on the original and on what was read back.
    QCOMPARE(test::allEdges(ReachabilityEngine(back)), test::allEdges(ReachabilityEngine(t)));
}

void TestReplayCursor::lemniscusDc3ServerIsBlockedByTheRule()
{
    const Recording &r = recording(QStringLiteral("lemniscus-2020"));
    const RecordingSummary s = summarize(r);
    QVERIFY(!s.outages.isEmpty());
    const Outage &first = s.outages.first();
    const QString dc3 = first.causes.first().section(u'/', 1, 1).section(u' ', 0, 0);
    ReplayCursor cursor(r);
    cursor.seek(first.startMs + 30000);
    QVERIFY(cursor.engine());
    QVERIFY2(verdictOf(cursor, dc3, QStringLiteral("cache-1"))
                 .startsWith(u"blocked by rule dc3-egress ("),
             qPrintable(verdictOf(cursor, dc3, QStringLiteral("cache-1"))));
    QCOMPARE(verdictOf(cursor, dc3, QStringLiteral("cache-2")), QStringLiteral("reachable"));
    // Before it was launched it is not there; after it was replaced it is gone.
    cursor.seek(first.startMs - 10 * 60000);
    QCOMPARE(verdictOf(cursor, dc3, QStringLiteral("cache-1")), QString());
    cursor.seek(first.endMs + 60000);
    QCOMPARE(verdictOf(cursor, dc3, QStringLiteral("cache-1")), QString());
}

void TestReplayCursor::pagerdutyRegionCutOff()
{
    ReplayCursor cursor(recording(QStringLiteral("pagerduty-2011")));
    const QString monitoring = QStringLiteral("customer-monitoring");
    cursor.seek(at("2011-08-08T15:59:00Z"));
    QCOMPARE(verdictOf(cursor, monitoring, QStringLiteral("lb-a")), QStringLiteral("reachable"));
    cursor.seek(at("2011-08-08T16:10:00Z"));
    QVERIFY(verdictOf(cursor, monitoring, QStringLiteral("lb-a")).startsWith(u"blocked: no route"));
    QVERIFY(verdictOf(cursor, QStringLiteral("dispatcher-a"), QStringLiteral("sms-gateway"))
                .startsWith(u"blocked: no route"));
    // The backbone still works: events replicate between the zones.
    QCOMPARE(verdictOf(cursor, QStringLiteral("api-a"), QStringLiteral("queue-b")),
             QStringLiteral("reachable"));
    cursor.seek(at("2011-08-08T16:31:00Z"));
    QCOMPARE(verdictOf(cursor, monitoring, QStringLiteral("lb-a")), QStringLiteral("reachable"));
    cursor.seek(at("2011-08-08T16:05:00Z")); // and back
    QVERIFY(verdictOf(cursor, monitoring, QStringLiteral("lb-a")).startsWith(u"blocked: no route"));
}

void TestReplayCursor::seekingAnywhereEqualsReplayingInOrder()
{
    for (const QString &name :
         {QStringLiteral("pagerduty-2011"), QStringLiteral("lemniscus-2020")}) {
        const Recording &r = recording(name);
        Random random(5);
        QList<qint64> times;
        for (int i = 0; i < 40; ++i)
            times.append(r.startMs() + qint64(random.uniform() * double(r.endMs() - r.startMs())));
        for (const Event &e : r.events(EventFilter::ofKinds(
                 {EventKind::LinkDown, EventKind::LinkUp, EventKind::NodeLaunched})))
            times.append(e.timeMs); // right on the changes, too
        std::sort(times.begin(), times.end());
        ReplayCursor inOrder(r);
        std::map<qint64, QStringList> expected;
        for (qint64 t : times) {
            inOrder.seek(t);
            expected[t] = test::allEdges(*inOrder.engine());
        }
        ReplayCursor jumping(r);
        for (int i = 0; i < times.size(); ++i) {
            const qint64 t = times[(i * 7919) % times.size()]; // a scrambled order
            jumping.seek(t);
            QCOMPARE(test::allEdges(*jumping.engine()), expected[t]);
            ReplayCursor fresh(r);
            fresh.seek(t);
            QCOMPARE(test::allEdges(*fresh.engine()), expected[t]);
        }
    }
}

// Observed verdicts: the worse of probe and rules is drawn, disagreement is kept, a prober
// that is down makes the hops unknown, and what probes saw survives a new topology version.
void TestReplayCursor::probesOverlayTheComputedVerdicts()
{
    const Topology topology = test::loadBundled(QStringLiteral("lemniscus-2020")).topology;
    const QByteArray json = QJsonDocument(topologyToJson(topology)).toJson(QJsonDocument::Compact);
    const QString path = m_dir.filePath(QStringLiteral("probes.warroom"));
    {
        auto writer = RecordingWriter::create(path).value();
        writer->addTopologyVersion(1000, QStringLiteral("start"), json);
        writer->append(
            probe(2000, QStringLiteral("dc1"), QStringLiteral("dc2"), QStringLiteral("blocked")));
        writer->append(
            probe(3000, QStringLiteral("dc1"), QStringLiteral("dc2"), QStringLiteral("unknown")));
        writer->addTopologyVersion(4000, QStringLiteral("again"), json);
        writer->append(
            probe(5000, QStringLiteral("dc1"), QStringLiteral("dc2"), QStringLiteral("reachable")));
        writer->append(
            probe(6000, QStringLiteral("dc1"), QStringLiteral("dc2"), QStringLiteral("none")));
        QVERIFY(writer->close());
    }
    const auto recording = Recording::open(path).value();
    ReplayCursor cursor(*recording);
    const QString dc1 = QStringLiteral("dc1");
    const QString dc2 = QStringLiteral("dc2");

    cursor.seek(1500);
    Verdict v = crossing(cursor, dc1, dc2);
    QVERIFY(v.state == VerdictState::Reachable);
    QVERIFY(v.provenance == Provenance::Computed);

    cursor.seek(2500); // the rules say reachable, the probe fails: drawn blocked, disagreeing
    v = crossing(cursor, dc1, dc2);
    QVERIFY(v.state == VerdictState::Blocked);
    QVERIFY(v.provenance == Provenance::Disagreeing);
    QVERIFY(v.computedState == VerdictState::Reachable);
    QCOMPARE(v.reason.text(), QStringLiteral("probe dc1 -> dc2: blocked"));
    QVERIFY(crossing(cursor, QStringLiteral("dc2"), dc1).provenance == Provenance::Computed);

    cursor.seek(3500); // the prober is down: unknown, not blocked, and no disagreement
    v = crossing(cursor, dc1, dc2);
    QVERIFY(v.state == VerdictState::Unknown);
    QVERIFY(v.provenance == Provenance::Observed);

    cursor.seek(4500); // a new version: the prober is still down
    QVERIFY(crossing(cursor, dc1, dc2).state == VerdictState::Unknown);

    cursor.seek(5500); // the probe agrees with the rules
    v = crossing(cursor, dc1, dc2);
    QVERIFY(v.state == VerdictState::Reachable);
    QVERIFY(v.provenance == Provenance::Observed);

    cursor.seek(6500); // no probe any more
    QVERIFY(crossing(cursor, dc1, dc2).provenance == Provenance::Computed);

    cursor.seek(2500); // and back
    QVERIFY(crossing(cursor, dc1, dc2).provenance == Provenance::Disagreeing);
}

QTEST_GUILESS_MAIN(TestReplayCursor)
#include "tst_replay_cursor.moc"
