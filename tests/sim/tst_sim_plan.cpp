// The incremental request-flow plan: after a change the simulator resolves again only the
// calls the change touched. Its reference is the plan rebuilt from scratch every tick; both
// must give the same run, event for event and sample for sample, on every bundled scenario and
// under a drill that changes something every simulated second.

#include "core/scenario/scenario_loader.h"
#include "core/sim/simulator.h"
#include "support/counting_sink.h"
#include "support/test_support.h"

#include <QDir>
#include <QTest>

#include <random>

using namespace warroom;
using namespace Qt::StringLiterals;
using warroom::test::CountingSink;

namespace {

struct Run
{
    SimulationStats stats;
    qint64 events = 0;
    qint64 drillChanges = 0;
};

// A small system with what the plan must follow besides verdicts: a replicated database whose
// primary moves, a DNS failover between two tagged stacks, a reaction that withdraws a node,
// and an autoscaler launching and terminating instances.
const char *kMovingParts = R"(warroom: 1
name: moving-parts
start: 2024-03-01T00:00:00Z
duration: 40m
sites:
  - {id: internet, kind: internet}
  - {id: a, kind: datacenter}
  - {id: b, kind: datacenter}
links:
  - {id: a-b, between: [a, b], latency_ms: 20, capacity: 900}
  - {id: in-a, between: [internet, a]}
  - {id: in-b, between: [internet, b]}
nodes:
  - {id: users, role: user, site: internet, capacity: 100000}
  - {id: lb-a, role: lb, site: a, capacity: 100000, tags: [main]}
  - {id: lb-b, role: lb, site: b, capacity: 100000, tags: [standby]}
  - {id: db-1, role: db, site: a, capacity: 100000}
  - {id: db-2, role: db, site: b, capacity: 100000}
  - {id: cache-a, role: cache, site: a, capacity: 100000}
  - {id: cache-b, role: cache, site: b, capacity: 100000}
  - {id: app-1, role: app, site: a, group: app}
  - {id: app-2, role: app, site: b, group: app}
scaling_groups:
  - id: app
    roles: [app]
    capacity: 300
    min: 2
    max: 8
    metric: cpu
    scale_out_above: 60
    scale_in_below: 20
    placement: random
    cooldown: 1m
    warm_up: 20s
    drain: 10s
    sites: [a, b]
dependencies:
  - {from: user, to: lb, port: 443, to_tag: main}
  - {from: lb, to: app, port: 8080}
  - {from: app, to: db, port: 5432}
  - {from: app, to: cache, port: 6379, timeout: 500ms, retries: {count: 2, backoff: 100ms}}
simulation: {tick: 1s, seed: 11}
load: {source: user, rate: 400, noise: 5%}
replication:
  - {id: orders, role: db, primary: db-1, replicas: [db-2], port: 5432, writes: 20%}
reactions:
  - id: withdraw-cache-a
    when: {dependency_failing: app->cache:6379, who: role:app, for: 10s}
    do: {change: withdraw, target: cache-a}
    until: clear
schedule:
  - {at: 5m, change: link_down, target: a-b, for: 3m}
  - {at: 9m, change: failover, from_tag: main, to_tag: standby, dns_ttl: 1m}
  - {at: 12m, change: promote, target: db-2, for: 10m}
  - {at: 15m, change: load_spike, target: users, for: 5m, surge: {factor: 3}}
)";

// Something every `everyMs` on elements of the scenario's own topology, chosen by a seeded
// generator: the same sequence for both runs.
ScheduledChange drillChange(const Scenario &s, std::mt19937 &random, qint64 i)
{
    const Topology &t = s.topology;
    auto pick = [&](auto size) { return int(random() % quint32(size)); };
    ScheduledChange c;
    c.injectedBy = QStringLiteral("drill");
    using K = ScheduledChange::Kind;
    switch (pick(8)) {
    case 0:
    case 1: {
        static const K kinds[] = {K::LinkDown, K::LinkDegraded, K::LinkUp};
        c.kind = kinds[pick(3)];
        c.target = t.links[pick(t.links.size())].id;
        break;
    }
    case 2:
        c.kind = K::NodeCrash;
        c.target = t.nodes[pick(t.nodes.size())].id;
        c.forMs = 1000 * (1 + pick(20));
        break;
    case 3:
        c.kind = K::Withdraw;
        c.target = t.nodes[pick(t.nodes.size())].id;
        c.forMs = 1000 * (1 + pick(10));
        break;
    case 4: {
        c.kind = K::RuleAdd;
        c.rule.id = u"drill-" + QString::number(i);
        c.rule.action = pick(2) ? RuleAction::Deny : RuleAction::Allow;
        c.rule.from = {{Scope::Kind::Site, t.sites[pick(t.sites.size())].id}};
        c.rule.to = {{Scope::Kind::Site, t.sites[pick(t.sites.size())].id}};
        c.target = c.rule.id;
        c.before = t.rules.isEmpty() ? QString() : t.rules.first().id;
        c.forMs = 1000 * (1 + pick(5));
        break;
    }
    case 5:
        c.kind = K::Capacity;
        c.target = t.nodes[pick(t.nodes.size())].id;
        c.capacity = 50 + pick(1000);
        break;
    case 6:
        c.kind = K::Latency;
        c.target = t.links[pick(t.links.size())].id;
        c.latencyMs = pick(3) * 400;
        c.forMs = 5000;
        break;
    default:
        c.kind = K::SiteDown;
        c.target = t.sites[pick(t.sites.size())].id;
        c.forMs = 1000 * (1 + pick(10));
        break;
    }
    // A DNS failover of a tagged dependency to another tag of its role, and back.
    for (const Dependency &d : t.dependencies) {
        if (d.toTag.isEmpty() || pick(20) != 0)
            continue;
        QStringList others;
        for (const Node &n : t.nodes) {
            if (n.hasRole(d.toRole))
                others += n.tags;
        }
        others.removeDuplicates();
        others.removeAll(d.toTag);
        if (others.isEmpty())
            continue;
        const bool back = pick(2);
        c = ScheduledChange();
        c.injectedBy = QStringLiteral("drill");
        c.kind = K::Failover;
        c.fromTag = back ? others.first() : d.toTag;
        c.toTag = back ? d.toTag : others.first();
        c.dnsTtlMs = 1000 * pick(30);
        c.forMs = pick(2) ? 0 : 1000 * (5 + pick(30));
        return c;
    }
    if (!s.replication.isEmpty() && pick(10) == 0) {
        const ReplicationSpec &r = s.replication.first();
        c = ScheduledChange();
        c.injectedBy = QStringLiteral("drill");
        c.kind = K::Promote;
        c.target = pick(2) ? r.primary : r.replicas.first();
    }
    return c;
}

Run simulateWith(const Scenario &s, bool rebuildEveryTick, qint64 drillEveryMs, qint64 toMs)
{
    SimulationOptions options;
    options.rebuildPlanEveryTick = rebuildEveryTick;
    options.toMs = toMs;
    CountingSink sink;
    auto stepped = SteppedSimulation::start(s, options, sink);
    if (!stepped) {
        qWarning().noquote() << stepped.errors().first().toString();
        return {};
    }
    Run run;
    std::mt19937 random(7);
    qint64 nextDrillMs = drillEveryMs > 0 ? stepped.value()->nowMs() : -1;
    while (stepped.value()->step()) {
        if (drillEveryMs > 0 && stepped.value()->nowMs() >= nextDrillMs) {
            stepped.value()->inject(drillChange(s, random, run.drillChanges++));
            nextDrillMs += drillEveryMs;
        }
    }
    run.stats = stepped.value()->finish();
    run.events = sink.events.size();
    return run;
}

} // namespace

class TestSimPlan : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void bundledScenariosRunAsWithAFullRebuild_data();
    void bundledScenariosRunAsWithAFullRebuild();
    void drillRunsAsWithAFullRebuild_data();
    void drillRunsAsWithAFullRebuild();
};

void TestSimPlan::bundledScenariosRunAsWithAFullRebuild_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<qint64>("toMs");
    const QDir dir(QStringLiteral(WARROOM_SCENARIO_DIR));
    for (const QString &name : dir.entryList({QStringLiteral("*.yaml")}, QDir::Files)) {
        // Under the sanitizers: the three stories (variants only change data), their first
        // three days (all of PagerDuty's and AWS's, the drills below go on longer).
        if (test::kSanitized && name.count(u'-') > 1)
            continue;
        QTest::newRow(qPrintable(name))
            << dir.filePath(name) << (test::kSanitized ? 3 * 86400000LL : -1LL);
    }
}

void TestSimPlan::bundledScenariosRunAsWithAFullRebuild()
{
    QFETCH(QString, file);
    QFETCH(qint64, toMs);
    const Result<Scenario> s = loadScenarioFile(file);
    QVERIFY(s);
    if (toMs > s.value().durationMs)
        toMs = -1;
    const Run incremental = simulateWith(s.value(), false, 0, toMs);
    const Run reference = simulateWith(s.value(), true, 0, toMs);
    QVERIFY(incremental.events > 10);
    QCOMPARE(incremental.events, reference.events);
    QCOMPARE(incremental.stats.eventsHash, reference.stats.eventsHash);
    QCOMPARE(incremental.stats.samplesHash, reference.stats.samplesHash);
}

void TestSimPlan::drillRunsAsWithAFullRebuild_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("file");
    QTest::addColumn<qint64>("everyMs");
    QTest::addColumn<qint64>("toMs");
    QTest::newRow("moving parts, every second")
        << QByteArray(kMovingParts) << QString() << 1000LL << 40 * 60000LL;
    QTest::newRow("moving parts, every 20 s")
        << QByteArray(kMovingParts) << QString() << 20000LL << 40 * 60000LL;
    for (const char *name : {"aws-2021", "pagerduty-2011-standby"})
        QTest::newRow(name) << QByteArray() << test::scenarioPath(QString::fromLatin1(name))
                            << 1000LL << 3600000LL;
    // Ticks of 10 s: a change every tick.
    QTest::newRow("lemniscus-2020")
        << QByteArray() << test::scenarioPath(u"lemniscus-2020"_s) << 10000LL << 6 * 3600000LL;
}

void TestSimPlan::drillRunsAsWithAFullRebuild()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, file);
    QFETCH(qint64, everyMs);
    QFETCH(qint64, toMs);
    const Scenario s =
        file.isEmpty() ? test::parseOrFail(yaml) : test::loadBundled(QFileInfo(file).baseName());
    const Run incremental = simulateWith(s, false, everyMs, toMs);
    const Run reference = simulateWith(s, true, everyMs, toMs);
    const Run calm = simulateWith(s, false, 0, toMs);
    QVERIFY(incremental.drillChanges >= toMs / everyMs - 1);
    QVERIFY(incremental.stats.eventsHash != calm.stats.eventsHash); // the drill did something
    QCOMPARE(incremental.events, reference.events);
    QCOMPARE(incremental.stats.eventsHash, reference.stats.eventsHash);
    QCOMPARE(incremental.stats.samplesHash, reference.stats.samplesHash);
}

QTEST_GUILESS_MAIN(TestSimPlan)
#include "tst_sim_plan.moc"
