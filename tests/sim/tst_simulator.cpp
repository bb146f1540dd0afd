#include "core/replay/node_figures.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/autoscaler.h"
#include "core/sim/load_curve.h"
#include "core/sim/random.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording.h"
#include "core/summary/recording_summary.h"
#include "support/counting_sink.h"
#include "support/test_support.h"

#include <QJsonArray>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <map>

using namespace warroom;
using warroom::test::CountingSink;

namespace {

qint64 at(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}

} // namespace

class TestSimulator : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void scalingDecisions_data();
    void scalingDecisions();
    void placementAndTermination();
    void loadCurve();
    void sameSeedSameEvents();
    void lemniscusWeeksOfNormalOperationStayInDc1AndDc2();
    void lemniscusEveryDc3AppServerFailsTheCacheRequests();
    void lemniscusOutagesAreShortAndSurfaceAtTheProxyAndLoadBalancer();
    void lemniscusDatabaseReplicasScaleIntoDc3();
    void lemniscusRuleCorrectedAndRecovery();
    void pagerdutyRegionCutOffForThirtyMinutes();
    void pagerdutyBacklogLatenessAndDrain();
    void awsCongestionFeedsItselfUntilTheDevicesRecover();
    void variantsGoTheRightWay();
    void badWhatIfNamesItsPlace();
    void scheduledChangesAndTheirUndo();
    void scaleInDrainsBeforeTerminating();
    void autoscalersActOnTheirMeasuredMetric();
    void whatIfsMoveOrLeaveOutScheduledChanges();

private:
    // Simulates a bundled scenario once into a real recording and opens it.
    const Recording &recording(const QString &name);
    const RecordingSummary &summary(const QString &name);

    QTemporaryDir m_dir;
    std::map<QString, std::unique_ptr<Recording>> m_recordings;
    std::map<QString, RecordingSummary> m_summaries;
};

const Recording &TestSimulator::recording(const QString &name)
{
    auto &slot = m_recordings[name];
    if (!slot) {
        const Result<Scenario> scenario = loadScenarioFile(test::scenarioPath(name));
        if (!scenario)
            qFatal("%s", qPrintable(scenario.errors().first().toString()));
        const QString path = m_dir.filePath(name + u".warroom");
        const Result<SimulationStats> stats = recordSimulation(scenario.value(), {}, path);
        if (!stats)
            qFatal("%s", qPrintable(stats.errors().first().toString()));
        slot = std::move(Recording::open(path).value());
    }
    return *slot;
}

const RecordingSummary &TestSimulator::summary(const QString &name)
{
    if (!m_summaries.count(name))
        m_summaries[name] = summarize(recording(name));
    return m_summaries[name];
}

void TestSimulator::scalingDecisions_data()
{
    QTest::addColumn<double>("metric");
    QTest::addColumn<int>("members");
    QTest::addColumn<int>("warming");
    QTest::addColumn<qint64>("sinceLastAction");
    QTest::addColumn<QString>("expected");
    QTest::newRow("in_band") << 30.0 << 3 << 0 << qint64(-1) << QStringLiteral("none: ");
    QTest::newRow("above") << 46.2 << 3 << 0 << qint64(-1) << QStringLiteral("out: cpu 46.2 > 40");
    QTest::newRow("below") << 10.0 << 3 << 0 << qint64(-1) << QStringLiteral("in: cpu 10.0 < 15");
    QTest::newRow("below_min") << 10.0 << 1 << 0 << qint64(-1)
                               << QStringLiteral("out: below min 2");
    QTest::newRow("at_min") << 10.0 << 2 << 0 << qint64(-1)
                            << QStringLiteral("held: cpu 10.0 < 15; held: at min 2");
    QTest::newRow("at_max") << 90.0 << 12 << 0 << qint64(-1)
                            << QStringLiteral("held: cpu 90.0 > 40; held: at max 12");
    QTest::newRow("cooldown") << 50.0 << 3 << 0 << qint64(120000)
                              << QStringLiteral("held: cpu 50.0 > 40; held: cooldown, 3m left");
    QTest::newRow("after_cooldown")
        << 50.0 << 3 << 0 << qint64(300000) << QStringLiteral("out: cpu 50.0 > 40");
    QTest::newRow("warming") << 50.0 << 3 << 1 << qint64(-1)
                             << QStringLiteral(
                                    "held: cpu 50.0 > 40; held: 1 instance(s) still warming up");
    QTest::newRow("no_metric") << std::nan("") << 3 << 3 << qint64(-1) << QStringLiteral("none: ");
}

void TestSimulator::scalingDecisions()
{
    QFETCH(double, metric);
    QFETCH(int, members);
    QFETCH(int, warming);
    QFETCH(qint64, sinceLastAction);
    QFETCH(QString, expected);
    const Scenario lemniscus = test::loadBundled(QStringLiteral("lemniscus-2020"));
    const ScalingGroup &pool = lemniscus.topology.groups.first();
    GroupObservation seen;
    seen.metric = metric;
    seen.members = members;
    seen.warming = warming;
    seen.nowMs = 1000000;
    seen.lastActionMs = sinceLastAction < 0 ? -1 : seen.nowMs - sinceLastAction;
    const ScalingDecision d = decideScaling(pool, seen);
    const char *names[] = {"none", "out", "in", "held"};
    QCOMPARE(QString::fromLatin1(names[int(d.action)]) + u": " + d.reason, expected);
}

void TestSimulator::placementAndTermination()
{
    ScalingGroup g;
    g.sites = {1, 2, 3};
    Random random(7);
    g.placement = PlacementPolicy::Balanced;
    QCOMPARE(chooseSite(g, {0, 2, 1, 2}, random), 2);
    QCOMPARE(chooseSite(g, {0, 1, 1, 1}, random), 1); // ties: declaration order
    g.placement = PlacementPolicy::Fixed;
    QCOMPARE(chooseSite(g, {0, 0, 5, 5}, random), 1);
    g.placement = PlacementPolicy::Random;
    std::map<int, int> picks;
    for (int i = 0; i < 3000; ++i)
        picks[chooseSite(g, {0, 0, 0, 0}, random)]++;
    QCOMPARE(int(picks.size()), 3);
    for (const auto &[site, count] : picks)
        QVERIFY2(count > 850 && count < 1150, qPrintable(QString::number(count)));

    const std::vector<Instance> instances = {{10, QStringLiteral("b"), 500},
                                             {11, QStringLiteral("a"), 100},
                                             {12, QStringLiteral("c"), 900}};
    g.termination = TerminationPolicy::OldestFirst;
    QCOMPARE(chooseVictim(g, instances), 1);
    g.termination = TerminationPolicy::NewestFirst;
    QCOMPARE(chooseVictim(g, instances), 2);
}

void TestSimulator::loadCurve()
{
    LoadProfile p;
    p.rate = 100;
    p.daily = QList<double>(24, 1.0);
    p.daily[12] = 2.0;
    p.weekly = {1, 1, 1, 1, 1, 0.5, 0.5};
    p.spikes = {LoadSpike{7 * 86400000LL, 86400000LL, 3.0, 0, {}}};
    const LoadCurve curve(
        p, QDateTime::fromString(QStringLiteral("2020-05-04T00:00:00Z"), Qt::ISODate));
    QCOMPARE(curve.rate(12 * 3600000LL + 1800000), 200.0);       // Monday 12:30, the hour's middle
    QCOMPARE(curve.rate(3 * 3600000LL), 100.0);                  // Monday 03:00
    QCOMPARE(curve.rate(5 * 86400000LL + 3 * 3600000LL), 50.0);  // Saturday
    QCOMPARE(curve.rate(7 * 86400000LL + 3 * 3600000LL), 300.0); // next Monday, in the spike
}

void TestSimulator::sameSeedSameEvents()
{
    const Scenario s = test::loadBundled(QStringLiteral("pagerduty-2011"));
    SimulationOptions options;
    options.toMs = 18 * 3600000LL; // through the outage
    CountingSink a, b, c;
    const auto first = simulate(s, options, a);
    const auto second = simulate(s, options, b);
    QVERIFY(first && second);
    QCOMPARE(first->eventsHash, second->eventsHash);
    QCOMPARE(first->samplesHash, second->samplesHash);
    QCOMPARE(a.events, b.events);
    QVERIFY(first->events > 50);
    QCOMPARE(first->samples, a.samples);
    options.seed = 99;
    const auto other = simulate(s, options, c);
    QVERIFY(other);
    QVERIFY(other->samplesHash != first->samplesHash); // the noise differs
}

void TestSimulator::lemniscusWeeksOfNormalOperationStayInDc1AndDc2()
{
    const Recording &r = recording(QStringLiteral("lemniscus-2020"));
    const qint64 busyWeek = at("2020-05-25T00:00:00Z");
    int launchedInDc3 = 0;
    for (const Event &e : r.events(EventFilter::ofKinds({EventKind::NodeLaunched}))) {
        if (e.subject != u"app-pool")
            continue;
        if (e.site == u"dc3") {
            QVERIFY2(e.timeMs >= busyWeek, qPrintable(e.text));
            ++launchedInDc3;
        }
    }
    QVERIFY(launchedInDc3 >= 3);
    EventFilter early;
    early.toMs = busyWeek;
    for (const Event &e : r.events(early))
        QVERIFY2(e.kind != EventKind::ServiceState && e.kind != EventKind::AlertFiring,
                 qPrintable(e.text));
}

void TestSimulator::lemniscusEveryDc3AppServerFailsTheCacheRequests()
{
    const Recording &r = recording(QStringLiteral("lemniscus-2020"));
    const qint64 fixed = at("2020-05-29T11:30:00Z");
    QStringList dc3;
    for (const Event &e : r.events(EventFilter::ofKinds({EventKind::NodeLaunched}))) {
        if (e.subject == u"app-pool" && e.site == u"dc3" && e.timeMs < fixed)
            dc3.append(e.node);
    }
    QVERIFY(!dc3.isEmpty());
    for (const QString &node : dc3) {
        EventFilter f = EventFilter::ofKinds({EventKind::VerdictChanged});
        f.node = node;
        const QList<Event> verdicts = r.events(f);
        QVERIFY2(std::any_of(verdicts.cbegin(), verdicts.cend(),
                             [](const Event &e) {
                                 return e.subject == u"cache-1" &&
                                        e.details.value(QStringLiteral("rule")).toString() ==
                                            u"dc3-egress";
                             }),
                 qPrintable(node));
        // Its requests fail, at its proxy: errors on the node while it is in service.
        const StoredSeries *errors = r.seriesByKey(u"node/" + node + u"/errors");
        QVERIFY(errors);
        // Its series start with the first tick it ran (launched at the end of a tick).
        EventFilter launched = EventFilter::ofKinds({EventKind::NodeLaunched});
        launched.node = node;
        QCOMPARE(errors->info.startMs, r.events(launched).first().timeMs + 10000);
        const std::vector<float> values = r.samples(*errors, errors->info.startMs, errors->endMs());
        QVERIFY2(*std::max_element(values.begin(), values.end()) > 1.0f, qPrintable(node));
    }
}

void TestSimulator::lemniscusOutagesAreShortAndSurfaceAtTheProxyAndLoadBalancer()
{
    const RecordingSummary &s = summary(QStringLiteral("lemniscus-2020"));
    QVERIFY2(s.outages.size() >= 3, qPrintable(summaryText(s)));
    // A few minutes each: a DC3 server fails from the moment it is in service until its health
    // checks get it replaced (two DC3 servers back to back make a longer one).
    QList<qint64> durations;
    for (const Outage &o : s.outages)
        durations.append(o.durationMs());
    std::sort(durations.begin(), durations.end());
    QVERIFY(durations[durations.size() / 2] <= 5 * 60000);
    for (const Outage &o : s.outages) {
        QVERIFY(o.durationMs() >= 60000 && o.durationMs() <= 30 * 60000);
        QVERIFY(o.failedRequests > 0);
        QCOMPARE(o.rules, QStringList{QStringLiteral("dc3-egress")});
        QVERIFY(o.causes.first().contains(u"-> dc1/cache-1:6379: blocked by rule dc3-egress"));
        const QString where = o.surfaced.join(u' ');
        QVERIFY2(where.contains(u"lb-1 (load_balancer") && where.contains(u"(proxy, dc3)"),
                 qPrintable(where));
        QVERIFY2(!where.contains(u"cache"), qPrintable(where)); // the cache reports nothing
    }
    // Few customers: the failures are a small part of the week's requests.
    QVERIFY(s.failedRequests < 0.01 * s.offeredRequests);
}

void TestSimulator::lemniscusDatabaseReplicasScaleIntoDc3()
{
    const RecordingSummary &s = summary(QStringLiteral("lemniscus-2020"));
    const auto replicas =
        std::find_if(s.actions.cbegin(), s.actions.cend(), [](const SiteActions &a) {
            return a.group == u"db-replicas" && a.site == u"dc3";
        });
    QVERIFY(replicas != s.actions.cend());
    QVERIFY(replicas->launched >= 1);
    const Recording &r = recording(QStringLiteral("lemniscus-2020"));
    const QList<Event> outs = r.events(EventFilter::ofKinds({EventKind::ScaleOut}));
    QVERIFY(std::any_of(outs.cbegin(), outs.cend(), [](const Event &e) {
        return e.subject == u"db-replicas" && e.text.contains(u"> 50");
    }));
}

void TestSimulator::lemniscusRuleCorrectedAndRecovery()
{
    const Recording &r = recording(QStringLiteral("lemniscus-2020"));
    const qint64 fixed = at("2020-05-29T11:30:00Z");
    const QList<Event> corrected = r.events(EventFilter::ofKinds({EventKind::RuleCorrected}));
    QCOMPARE(corrected.size(), 1);
    QCOMPARE(corrected.first().timeMs, fixed);
    for (const Outage &o : summary(QStringLiteral("lemniscus-2020")).outages)
        QVERIFY(o.endMs <= fixed);
    EventFilter after = EventFilter::ofKinds({EventKind::VerdictChanged});
    after.fromMs = fixed + 1;
    for (const Event &e : r.events(after))
        QVERIFY2(e.details.value(QStringLiteral("rule")).toString().isEmpty(), qPrintable(e.text));
}

void TestSimulator::pagerdutyRegionCutOffForThirtyMinutes()
{
    const RecordingSummary &s = summary(QStringLiteral("pagerduty-2011"));
    QCOMPARE(s.outages.size(), 1);
    const Outage &o = s.outages.first();
    QCOMPARE(o.startMs, at("2011-08-08T16:00:00Z"));
    QVERIFY(o.durationMs() >= 30 * 60000);
    QVERIFY(o.causes.first().contains(u"no route"));
    // No delivery while the region is cut off.
    const Recording &r = recording(QStringLiteral("pagerduty-2011"));
    const StoredSeries *delivered = r.seriesByKey(QStringLiteral("queue/notifications/delivered"));
    QVERIFY(delivered);
    for (float v : r.samples(*delivered, at("2011-08-08T16:00:01Z"), at("2011-08-08T16:30:00Z")))
        QCOMPARE(v, 0.0f);
    QVERIFY(r.samples(*delivered, at("2011-08-08T15:59:00Z"), at("2011-08-08T16:00:00Z")).front() >
            0);
}

void TestSimulator::pagerdutyBacklogLatenessAndDrain()
{
    const RecordingSummary &s = summary(QStringLiteral("pagerduty-2011"));
    const Recording &r = recording(QStringLiteral("pagerduty-2011"));
    // The events that waited outside: the backlog when connectivity returns.
    const StoredSeries *upstream = r.seriesByKey(QStringLiteral("upstream/backlog"));
    const float waiting =
        r.samples(*upstream, at("2011-08-08T16:29:59Z"), at("2011-08-08T16:30:00Z")).front();
    QVERIFY2(waiting > 30 * 60 * 150 * 2, qPrintable(QString::number(waiting))); // surge included
    QCOMPARE(s.deliveries.size(), 1);
    const Deliveries &d = s.deliveries.first();
    QCOMPARE(d.targetMs, 180000);
    QVERIFY(d.late > waiting * 0.9);   // nearly all of them late...
    QVERIFY(d.late < d.delivered / 2); // ...but not the day's normal traffic
    QVERIFY(d.maxLatencyMs > 30 * 60000);
    for (const QString &queue : {QStringLiteral("upstream"), QStringLiteral("notifications")}) {
        const auto b = std::find_if(s.backlogs.cbegin(), s.backlogs.cend(),
                                    [&](const Backlog &b) { return b.queue == queue; });
        QVERIFY2(b != s.backlogs.cend(), qPrintable(queue));
        QVERIFY(b->peak > 100000);
        QVERIFY(b->peakMs >= at("2011-08-08T16:29:00Z"));
        QVERIFY(b->drainedMs > b->peakMs && b->drainMs() < 3600000);
    }
}

// AWS 2021: nothing is cut; a five-minute surge saturates the interconnect and the clients'
// immediate retries keep it saturated for hours; the DNS move helps part of the traffic; the
// devices' recovery ends it. Backing off properly, the same surge does little.
void TestSimulator::awsCongestionFeedsItselfUntilTheDevicesRecover()
{
    const RecordingSummary &s = summary(QStringLiteral("aws-2021"));
    QCOMPARE(s.outages.size(), 1);
    const Outage &o = s.outages.first();
    QVERIFY(std::abs(o.startMs - at("2021-12-07T15:30:00Z")) <= 60000);
    QVERIFY2(std::abs(o.endMs - at("2021-12-07T22:22:00Z")) <= 5 * 60000,
             qPrintable(summaryText(s)));
    const Recording &r = recording(QStringLiteral("aws-2021"));
    for (const Event &e : r.events(EventFilter::ofKinds(
             {EventKind::LinkDown, EventKind::SiteDown, EventKind::NodeCrashed})))
        QFAIL(qPrintable(u"something was cut: " + e.text));
    const QList<Event> saturated = r.events(EventFilter::ofKinds({EventKind::LinkDegraded}));
    QVERIFY(!saturated.isEmpty());
    QVERIFY2(saturated.first().text.startsWith(u"link interconnect degraded: saturated: "),
             qPrintable(saturated.first().text));
    // The surge is over at 15:35; the interconnect stays full until 22:22.
    const StoredSeries *util = r.seriesByKey(QStringLiteral("link/interconnect/utilization"));
    QVERIFY(util);
    auto mean = [&](const StoredSeries *series, const char *from, const char *to) {
        const std::vector<float> v = r.samples(*series, at(from), at(to));
        double sum = 0.0;
        for (float x : v)
            sum += double(x);
        return v.empty() ? 0.0 : sum / double(v.size());
    };
    QVERIFY(mean(util, "2021-12-07T14:00:00Z", "2021-12-07T15:29:00Z") < 50.0);
    QVERIFY(mean(util, "2021-12-07T16:00:00Z", "2021-12-07T22:20:00Z") >= 100.0);
    // Moving DNS off the congested path at 09:28 PST helps part of the traffic.
    const StoredSeries *failing = r.seriesByKey(QStringLiteral("service/failure_ratio"));
    const double before = mean(failing, "2021-12-07T16:00:00Z", "2021-12-07T17:27:00Z");
    const double after = mean(failing, "2021-12-07T17:40:00Z", "2021-12-07T22:20:00Z");
    QVERIFY2(after < before - 5.0 && after > 5.0,
             qPrintable(QString::number(before) + u' ' + QString::number(after)));
    // Real-time monitoring, in the main network, loses sight of the internal network while
    // the devices drop most of what crosses them: through the DNS move and hours after, until
    // their loss falls under a quarter, before they recover.
    const QList<Event> sight = r.events(EventFilter::ofKinds({EventKind::MonitoringChanged}));
    QCOMPARE(sight.size(), 2);
    QCOMPARE(sight[0].details.value(QStringLiteral("state")).toString(), QStringLiteral("blind"));
    QVERIFY(std::abs(sight[0].timeMs - at("2021-12-07T15:30:00Z")) <= 60000);
    QVERIFY2(sight[0].text.startsWith(u"monitoring cannot scrape auth-1 ("),
             qPrintable(sight[0].text));
    QCOMPARE(sight[1].details.value(QStringLiteral("state")).toString(), QStringLiteral("sees"));
    QVERIFY2(sight[1].timeMs > at("2021-12-07T20:00:00Z") &&
                 sight[1].timeMs <= at("2021-12-07T22:23:00Z"),
             qPrintable(formatUtc(sight[1].timeMs)));
    // What the map's gauge on the interconnect says at 16:30: full, losing, slow.
    const auto figures = loadMapFigures(m_dir.filePath(QStringLiteral("aws-2021.warroom")),
                                        at("2021-12-07T16:30:00Z"));
    QVERIFY(figures);
    QVERIFY(figures.value().links.contains(QStringLiteral("interconnect")));
    QVERIFY(
        !figures.value().links.contains(QStringLiteral("customers"))); // no capacity: not modelled
    const LinkFigures gauge = figures.value().links.value(QStringLiteral("interconnect"));
    QVERIFY2(gauge.utilization > 100.0 && gauge.loss > 10.0 && gauge.latencyMs > 1000.0,
             qPrintable(QString::number(gauge.utilization) + u' ' + QString::number(gauge.loss) +
                        u' ' + QString::number(gauge.latencyMs)));
    QVERIFY(figures.value().nodes.contains(QStringLiteral("api-1")));
    // Clients that back off: a short outage, a small fraction of the failures.
    const RecordingSummary &fixed = summary(QStringLiteral("aws-2021-backoff"));
    QVERIFY(fixed.outageMs() < 30 * 60000);
    QVERIFY(fixed.failedRequests < 0.2 * s.failedRequests);
}

void TestSimulator::variantsGoTheRightWay()
{
    const RecordingSummary &pd = summary(QStringLiteral("pagerduty-2011"));
    const RecordingSummary &doubled = summary(QStringLiteral("pagerduty-2011-doubled-frontend"));
    const RecordingSummary &standby = summary(QStringLiteral("pagerduty-2011-standby"));
    QVERIFY(doubled.outageMs() < pd.outageMs());
    QVERIFY(doubled.failedRequests < pd.failedRequests);
    QVERIFY(standby.outageMs() < 15 * 60000);
    QVERIFY(standby.deliveries.first().late < pd.deliveries.first().late / 3);

    const RecordingSummary &l = summary(QStringLiteral("lemniscus-2020"));
    const RecordingSummary &fixed = summary(QStringLiteral("lemniscus-2020-rule-fixed"));
    const RecordingSummary &balanced = summary(QStringLiteral("lemniscus-2020-balanced"));
    QCOMPARE(fixed.outages.size(), 0);
    QCOMPARE(fixed.failedRequests, 0.0);
    // Balanced placement sends every third server, and every replacement, to DC3.
    QVERIFY(balanced.outages.size() > l.outages.size());
    QVERIFY(balanced.outages.first().startMs <= l.outages.first().startMs);
}

void TestSimulator::badWhatIfNamesItsPlace()
{
    const Scenario s = test::loadBundled(QStringLiteral("lemniscus-2020"));
    SimulationOptions options;
    options.whatIfs = {QStringLiteral("rule-remove:no-such-rule")};
    CountingSink sink;
    const auto result = simulate(s, options, sink);
    QVERIFY(!result);
    QVERIFY(result.errors().first().message.contains(u"no rule 'no-such-rule'"));
}

// Every kind of change on a small system, each undone after its `for`: the service state
// follows, in order, with the reason of each outage.
void TestSimulator::scheduledChangesAndTheirUndo()
{
    const Scenario s = test::parseOrFail(R"(name: small
start: 2024-01-01T00:00:00Z
duration: 20m
sites:
  - {id: dc1, kind: datacenter}
  - {id: dc2, kind: datacenter}
links:
  - {between: [dc1, dc2]}
nodes:
  - {id: users, role: client, site: dc1}
  - {id: web-1, role: web, site: dc1, capacity: 100}
  - {id: db-1, role: db, site: dc2, capacity: 100}
dependencies:
  - {from: client, to: web, port: 443}
  - {from: web, to: db, port: 5432}
rules:
  - {id: web-to-db, action: allow, from: role:web, to: role:db, ports: 5432}
simulation: {tick: 10s}
load: {source: client, rate: 50}
schedule:
  - {at: 1m, change: node_crash, target: db-1, for: 2m}
  - {at: 5m, change: rule_add, before: web-to-db, for: 1m,
     rule: {id: block, action: deny, from: role:web, to: role:db}}
  - {at: 8m, change: capacity, target: web-1, capacity: 10, for: 1m}
  - {at: 11m, change: link_down, target: dc1-dc2, for: 1m}
  - {at: 14m, change: rule_remove, target: web-to-db, for: 1m}
)");
    CountingSink sink;
    QVERIFY(simulate(s, {}, sink));
    QStringList states;
    for (const Event &e : sink.events) {
        if (e.kind == EventKind::ServiceState)
            states.append(QDateTime::fromMSecsSinceEpoch(beganAtMs(e), Qt::UTC).toString(u"mm:ss") +
                          u' ' + e.subject);
    }
    QCOMPARE(states, (QStringList{QStringLiteral("01:00 outage"), QStringLiteral("03:00 ok"),
                                  QStringLiteral("05:00 outage"), QStringLiteral("06:00 ok"),
                                  QStringLiteral("08:00 outage"), QStringLiteral("09:00 ok"),
                                  QStringLiteral("11:00 outage"), QStringLiteral("12:00 ok")}));
    QStringList reasons;
    for (const Event &e : sink.events) {
        if (e.kind == EventKind::ServiceState && e.subject == u"outage")
            reasons.append(
                e.details.value(QStringLiteral("causes"))[0][QStringLiteral("reason")].toString());
    }
    QCOMPARE(reasons.size(), 4);
    QCOMPARE(reasons[0], QStringLiteral("blocked: target db-1 is down"));
    QVERIFY2(reasons[1].startsWith(u"blocked by rule block (t.yaml:"), qPrintable(reasons[1]));
    QCOMPARE(reasons[2],
             QString()); // overload: nothing is blocked, web-1 refuses what it cannot take
    QVERIFY2(reasons[3].startsWith(u"blocked: no route (link dc1-dc2 is down)"),
             qPrintable(reasons[3]));
    // Removing the allow rule changes nothing: the default policy allows.
    int faults = 0, ended = 0;
    for (const Event &e : sink.events) {
        faults += e.kind == EventKind::FaultStarted;
        ended += e.kind == EventKind::FaultEnded;
    }
    QCOMPARE(faults, 5);
    QCOMPARE(ended, 5);
}

void TestSimulator::scaleInDrainsBeforeTerminating()
{
    // Lemniscus app servers drain for 5 minutes: every scale in names its victim, the victim
    // drains at once and is terminated exactly 5 minutes later, with nothing in between.
    const Recording &r = recording(QStringLiteral("lemniscus-2020"));
    const QList<Event> events = r.events(EventFilter::ofKinds(
        {EventKind::ScaleIn, EventKind::NodeDraining, EventKind::NodeTerminated}));
    int drained = 0;
    for (int i = 0; i < events.size(); ++i) {
        if (events[i].kind != EventKind::ScaleIn || events[i].subject != u"app-pool")
            continue;
        const QString victim = events[i].details.value(QStringLiteral("victim")).toString();
        QVERIFY(i + 1 < events.size());
        QVERIFY(events[i + 1].kind == EventKind::NodeDraining);
        QCOMPARE(events[i + 1].node, victim);
        QCOMPARE(events[i + 1].timeMs, events[i].timeMs);
        for (int j = i + 2; j < events.size(); ++j) {
            if (events[j].node != victim)
                continue;
            QVERIFY(events[j].kind == EventKind::NodeTerminated);
            QCOMPARE(events[j].timeMs - events[i].timeMs, 5 * 60000);
            ++drained;
            break;
        }
    }
    QVERIFY(drained >= 3);
}

// An autoscaler on `requests` acts on each instance's request rate as measured, not on CPU:
// below the rate the app servers take it scales out, above it never does; the series and the
// decisions say the metric they measured.
void TestSimulator::autoscalersActOnTheirMeasuredMetric()
{
    auto run = [](double scaleOutAbove) {
        Scenario scenario = test::loadBundled(QStringLiteral("lemniscus-2020"));
        for (ScalingGroup &g : scenario.topology.groups) {
            if (g.id == u"app-pool") {
                g.metric = QStringLiteral("requests");
                g.scaleOutAbove = scaleOutAbove;
                g.scaleInBelow = scaleOutAbove / 100.0;
            }
        }
        SimulationOptions options;
        options.toMs = 2 * 86400000LL; // two days
        CountingSink sink;
        const auto stats = simulate(scenario, options, sink);
        QStringList outs;
        for (const Event &e : sink.events) {
            if (e.kind == EventKind::ScaleOut && e.subject == u"app-pool" &&
                e.details.value(QStringLiteral("metric")).toString() == u"requests")
                outs.append(e.text);
        }
        return std::make_pair(bool(stats), outs);
    };
    const auto [ranLow, low] = run(1.0);   // far below what each instance takes: scale out
    const auto [ranHigh, high] = run(1e9); // never reached: no scale out on requests
    QVERIFY(ranLow && ranHigh);
    QVERIFY2(!low.isEmpty(), "no scale-out on the request rate");
    QVERIFY2(low.first().startsWith(u"scale out app-pool: requests "), qPrintable(low.first()));
    QVERIFY(high.isEmpty());
}

// What-ifs on the schedule, through the model: PagerDuty without its region cut has no outage;
// with the cut an hour later, its outage begins an hour later; an unknown id says the ids.
void TestSimulator::whatIfsMoveOrLeaveOutScheduledChanges()
{
    auto outageStarts = [](const QStringList &whatIfs) {
        SimulationOptions options;
        options.whatIfs = whatIfs;
        CountingSink sink;
        const auto stats =
            simulate(test::loadBundled(QStringLiteral("pagerduty-2011")), options, sink);
        QList<qint64> starts;
        for (const Event &e : sink.events) {
            if (e.kind == EventKind::ServiceState && e.subject == u"outage")
                starts.append(e.timeMs);
        }
        return std::make_pair(stats ? QString() : stats.errors().first().toString(), starts);
    };
    const auto [ok, base] = outageStarts({});
    QVERIFY(ok.isEmpty() && !base.isEmpty());
    const auto [noCut, none] = outageStarts({QStringLiteral("without:region-cut")});
    QVERIFY(noCut.isEmpty());
    QVERIFY(none.isEmpty());
    const auto [later, shifted] = outageStarts({QStringLiteral("shift:region-cut=+1h")});
    QVERIFY(later.isEmpty() && !shifted.isEmpty());
    QCOMPARE(shifted.first() - base.first(), 3600000);
    const auto [unknown, nothing] = outageStarts({QStringLiteral("without:the-cut")});
    QCOMPARE(unknown, QStringLiteral("what-if without:the-cut: no scheduled change has the id "
                                     "'the-cut' (ids: region-cut)"));
    const auto [badShift, nothing2] = outageStarts({QStringLiteral("shift:region-cut=1h")});
    QVERIFY(badShift.contains(u"expected shift:ID=+DURATION or -DURATION"));
}

QTEST_GUILESS_MAIN(TestSimulator)
#include "tst_simulator.moc"
