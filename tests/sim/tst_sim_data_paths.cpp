// What travels besides requests, and where load comes from: several load sources, writes
// copied to replicas (lag, promotions, lost and divergent writes, failback), monitoring that
// can be cut off from what it watches and from the pager, and retry jitter. Each test's figure
// would be wrong without its mechanism.

#include "core/analysis/analysis.h"
#include "core/model/topology_json.h"
#include "core/replay/monitoring_status.h"
#include "core/replay/replay_data.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording.h"
#include "core/summary/recording_summary.h"
#include "support/series_sink.h"
#include "support/test_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace warroom;
using namespace Qt::StringLiterals;
using warroom::test::run;
using warroom::test::SeriesSink;

namespace {

qint64 offsetOf(const Scenario &s, const Event &e)
{
    return e.timeMs - s.start.toMSecsSinceEpoch();
}

// An app in site a writes to a database whose primary is in a and whose replica is in b.
QByteArray replicationScenario(const QByteArray &replication, const QByteArray &schedule)
{
    return R"(warroom: 1
name: replicas
start: 2024-03-01T00:00:00Z
duration: 20m
sites:
  - {id: a, kind: datacenter}
  - {id: b, kind: datacenter}
links:
  - {id: a-b, between: [a, b], latency_ms: 20}
nodes:
  - {id: users, role: user, site: a, capacity: 100000}
  - {id: app, role: app, site: a, capacity: 100000}
  - {id: db-1, role: db, site: a, capacity: 100000}
  - {id: db-2, role: db, site: b, capacity: 100000}
dependencies:
  - {from: user, to: app, port: 443}
  - {from: app, to: db, port: 5432}
simulation: {tick: 1s, seed: 3}
load: {source: user, rate: 100}
replication:
)" + replication +
           R"(
schedule:
)" + schedule;
}

} // namespace

class TestSimDataPaths : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void severalLoadSourcesAddUpAndFailApart();
    void replicasLagAndAPromotionCountsLostWrites();
    void callersReachThePrimaryOnlyUntilAPromotion();
    void promotionWithTheOldPrimaryUpDiverges();
    void failbackBeforeCatchingUpLosesWrites();
    void monitoringCutOffFromATargetIsBlindToIt();
    void alertsWaitForTheirPathAndArriveLate();
    void monitoringForgetsTerminatedNodes();
    void retryJitterLetsMoreRetriesFitTheDeadline();
    void badSectionsNameTheirPlace();
};

// Users and a batch job send load through different entry nodes; a rule cutting the batch
// path fails its share of the requests only.
void TestSimDataPaths::severalLoadSourcesAddUpAndFailApart()
{
    const Scenario s = test::parseOrFail(R"(warroom: 1
name: two-loads
start: 2024-03-01T00:00:00Z
duration: 10m
sites:
  - {id: a, kind: datacenter}
nodes:
  - {id: browsers, role: user, site: a, capacity: 100000}
  - {id: cron, role: batch, site: a, capacity: 100000}
  - {id: web, role: web, site: a, capacity: 100000}
  - {id: worker, role: worker, site: a, capacity: 100000}
dependencies:
  - {from: user, to: web, port: 443}
  - {from: batch, to: worker, port: 8080}
simulation: {tick: 1s, seed: 3}
load:
  - {source: user, rate: 300}
  - {id: nightly, source: batch, rate: 100}
schedule:
  - at: 5m
    change: rule_add
    rule: {id: block-batch, action: deny, from: [role:batch], to: [role:worker]}
)");
    QCOMPARE(s.loads.size(), 2);
    QCOMPARE(s.loads[0].id, QStringLiteral("user"));
    QCOMPARE(s.loads[1].id, QStringLiteral("nightly"));
    const SeriesSink sink = run(s);
    QCOMPARE(sink.mean(QStringLiteral("service/offered"), 0, 290), 400.0);
    QCOMPARE(sink.mean(QStringLiteral("load/user/offered"), 0, 290), 300.0);
    QCOMPARE(sink.mean(QStringLiteral("load/nightly/offered"), 0, 290), 100.0);
    // After the cut: the batch's requests fail, the users' do not.
    QCOMPARE(sink.mean(QStringLiteral("load/nightly/failed"), 310, 590), 100.0);
    QCOMPARE(sink.mean(QStringLiteral("load/user/failed"), 310, 590), 0.0);
    QCOMPARE(sink.mean(QStringLiteral("service/failure_ratio"), 310, 590), 25.0);
}

// The replica takes no requests: with the primary down the app's dependency fails (as the
// reachability verdicts say, not only the request flow), so a manager's reaction promotes the
// replica; then the callers reach it, and the recorded topology says who is primary.
void TestSimDataPaths::callersReachThePrimaryOnlyUntilAPromotion()
{
    QByteArray yaml = replicationScenario(R"(
  - {id: orders, role: db, primary: db-1, replicas: [db-2], port: 5432, writes: 20%}
)",
                                          R"(
  - {at: 5m, change: node_crash, target: db-1}
)");
    yaml += R"(reactions:
  - id: promote-db-2
    when: {dependency_failing: app->db:5432, who: node:app, for: 30s}
    do: {change: promote, target: db-2}
)";
    const Scenario s = test::parseOrFail(yaml);
    QVERIFY(s.topology.nodes[s.topology.nodeIndex(u"db-2"_s)].standbyRoles == QStringList{u"db"_s});
    const SeriesSink sink = run(s);
    const QList<Event> fired = sink.ofKind(EventKind::ReactionFired);
    QCOMPARE(fired.size(), 1);
    QCOMPARE(offsetOf(s, fired.first()), 5 * 60000 + 30000);
    const QList<Event> promoted = sink.ofKind(EventKind::Promoted);
    QCOMPARE(promoted.size(), 1);
    QCOMPARE(promoted.first().node, u"db-2"_s);
    const std::vector<float> &failed = sink.series(QStringLiteral("service/failed"));
    QCOMPARE(failed[4 * 60], 0.0f);       // before the crash
    QVERIFY(failed[5 * 60 + 10] > 90.0f); // the replica takes nothing
    QCOMPARE(failed[5 * 60 + 35], 0.0f);  // promoted: the app reaches db-2
    // The topology recorded at the promotion: db-1 waits as a replica now.
    const auto version =
        std::find_if(sink.versions.cbegin(), sink.versions.cend(),
                     [](const SeriesSink::Version &v) { return v.reason == u"promoted db-2"; });
    QVERIFY(version != sink.versions.cend());
    const Topology recorded = topologyFromJson(QJsonDocument::fromJson(version->json).object());
    QCOMPARE(recorded.nodes[recorded.nodeIndex(u"db-1"_s)].standbyRoles, QStringList{u"db"_s});
    QVERIFY(recorded.nodes[recorded.nodeIndex(u"db-2"_s)].standbyRoles.isEmpty());
    // What analyze says of the scenario as written: db has one instance taking requests.
    const Analysis a = analyze(s).value();
    const auto single =
        std::find_if(a.singlePoints.cbegin(), a.singlePoints.cend(),
                     [](const SinglePointOfFailure &p) { return p.subject == u"db"; });
    QVERIFY(single != a.singlePoints.cend());
    QVERIFY2(single->detail.contains(u"db-2 replicated, until promoted"),
             qPrintable(single->detail));
}

// The link to the replica is cut, then the primary crashes and the replica is promoted: the
// writes of the cut are lost, and the app reaches the new primary.
void TestSimDataPaths::replicasLagAndAPromotionCountsLostWrites()
{
    const Scenario s = test::parseOrFail(replicationScenario(R"(
  - {id: orders, role: db, primary: db-1, replicas: [db-2], port: 5432, writes: 20%}
)",
                                                             R"(
  - {at: 5m, change: link_down, target: a-b, for: 5m}
  - {at: 6m, change: node_crash, target: db-1}
  - {id: promote-db-2, at: 6m30s, change: promote, target: db-2}
)"));
    const SeriesSink sink = run(s);
    // Before the cut the replica is behind by its path's latency only.
    QCOMPARE(sink.mean(QStringLiteral("replication/orders/db-2/lag"), 60, 290), 20.0);
    QCOMPARE(sink.mean(QStringLiteral("replication/orders/db-2/behind"), 60, 290), 0.0);
    // The cut: 60 s of writes (20 % of 100 req/s) wait, and the lag grows to a minute.
    QVERIFY(sink.maximum(QStringLiteral("replication/orders/db-2/lag")) >= 60000.0);
    const QList<Event> promoted = sink.ofKind(EventKind::Promoted);
    QCOMPARE(promoted.size(), 1);
    QCOMPARE(offsetOf(s, promoted.first()), 6 * 60000 + 30000);
    const QJsonObject d = promoted.first().details;
    QCOMPARE(d.value(QStringLiteral("from")).toString(), QStringLiteral("db-1"));
    QCOMPARE(d.value(QStringLiteral("to")).toString(), QStringLiteral("db-2"));
    QCOMPARE(d.value(QStringLiteral("lost")).toDouble(), 1200.0); // 60 s × 20 writes/s
    QCOMPARE(d.value(QStringLiteral("divergent")).toDouble(), 0.0);
    QVERIFY2(promoted.first().text.contains(u"1,200 writes it had not received from db-1 are lost"),
             qPrintable(promoted.first().text));
    // Requests fail while db-1 is down (and db-2, promoted, is cut off with its site), and
    // succeed again once the link is back: the app reaches the new primary.
    QCOMPARE(sink.mean(QStringLiteral("service/failure_ratio"), 365, 595), 100.0);
    QCOMPARE(sink.mean(QStringLiteral("service/failure_ratio"), 610, 1200), 0.0);
    // Without the promotion the outage lasts to the end.
    const SeriesSink without = run(s, {QStringLiteral("without:promote-db-2")});
    QVERIFY(without.ofKind(EventKind::Promoted).isEmpty());
    QCOMPARE(without.mean(QStringLiteral("service/failure_ratio"), 610, 1200), 100.0);
}

void TestSimDataPaths::promotionWithTheOldPrimaryUpDiverges()
{
    const Scenario s = test::parseOrFail(replicationScenario(R"(
  - {id: orders, role: db, primary: db-1, replicas: [db-2], port: 5432, writes: 20%}
)",
                                                             R"(
  - {at: 5m, change: link_down, target: a-b}
  - {at: 5m30s, change: promote, target: db-2}
)"));
    const SeriesSink sink = run(s);
    const QList<Event> promoted = sink.ofKind(EventKind::Promoted);
    QCOMPARE(promoted.size(), 1);
    QCOMPARE(promoted.first().details.value(QStringLiteral("divergent")).toDouble(), 600.0);
    QCOMPARE(promoted.first().details.value(QStringLiteral("lost")).toDouble(), 0.0);
    // The app in a cannot reach the new primary in b: requests fail from the promotion on.
    QCOMPARE(sink.mean(QStringLiteral("service/failure_ratio"), 340, 600), 100.0);
}

// After a promotion, failing back to the old primary before it has caught up (down 2
// minutes, it then applies 30 writes/s while 20 arrive) leaves behind what it had not
// received: divergent, as the new primary still holds it.
void TestSimDataPaths::failbackBeforeCatchingUpLosesWrites()
{
    const Scenario s = test::parseOrFail(replicationScenario(R"(
  - id: orders
    role: db
    primary: db-1
    replicas: [db-2]
    port: 5432
    writes: 20%
    apply_rate: 30
)",
                                                             R"(
  - {at: 2m, change: node_crash, target: db-1, for: 2m}
  - {at: 2m, change: promote, target: db-2, for: 4m}
)"));
    const SeriesSink sink = run(s);
    const QList<Event> promoted = sink.ofKind(EventKind::Promoted);
    QCOMPARE(promoted.size(), 2);
    QCOMPARE(promoted[1].details.value(QStringLiteral("to")).toString(), QStringLiteral("db-1"));
    // Down 2 minutes while db-2 took 20 writes/s: 2400 behind; back for 2 minutes, it gains
    // 10/s: 1200 still missing at the failback.
    const double divergent = promoted[1].details.value(QStringLiteral("divergent")).toDouble();
    QVERIFY2(divergent > 1150.0 && divergent < 1250.0, qPrintable(QString::number(divergent)));
    // Without the apply limit it catches up at once and nothing is missing at the failback.
    Scenario unlimited = s;
    unlimited.replication[0].applyRate = 0.0;
    const QList<Event> quick = run(unlimited).ofKind(EventKind::Promoted);
    QCOMPARE(quick.size(), 2);
    QCOMPARE(quick[1].details.value(QStringLiteral("unreplicated")).toDouble(), 0.0);
}

// Monitoring in site m scrapes the app servers over the links; a cut between m and a makes
// the app in a unknown to it: its alert never fires, while the one in b does.
void TestSimDataPaths::monitoringCutOffFromATargetIsBlindToIt()
{
    const QByteArray yaml = R"(warroom: 1
name: blind
start: 2024-03-01T00:00:00Z
duration: 15m
sites:
  - {id: a, kind: datacenter}
  - {id: b, kind: datacenter}
  - {id: m, kind: datacenter}
links:
  - {id: a-m, between: [a, m]}
  - {id: b-m, between: [b, m]}
  - {id: a-b, between: [a, b]}
nodes:
  - {id: users, role: user, site: m, capacity: 100000}
  - {id: lb, role: lb, site: m, capacity: 100000}
  - {id: app-a, role: app, site: a, capacity: 100000}
  - {id: app-b, role: app, site: b, capacity: 100000}
  - {id: db, role: db, site: b, capacity: 100000}
  - {id: mon, role: monitoring, site: m}
dependencies:
  - {from: user, to: lb, port: 443}
  - {from: lb, to: app, port: 8080, instances: all}
  - {from: app, to: db, port: 5432}
simulation: {tick: 1s, seed: 3}
load: {source: user, rate: 100}
service_level: {alert_for: 1m}
monitoring: {node: mon, port: 9100}
schedule:
  - {at: 2m, change: node_crash, target: db}
  - at: 2m
    change: rule_add
    rule: {id: no-scrape-a, action: deny, from: [node:mon], to: [site:a], ports: [9100]}
)";
    const Scenario s = test::parseOrFail(yaml);
    const SeriesSink sink = run(s);
    QStringList alerted;
    for (const Event &e : sink.ofKind(EventKind::AlertFiring))
        alerted.append(e.node);
    QVERIFY2(alerted.contains(u"app-b"), qPrintable(alerted.join(u',')));
    QVERIFY2(!alerted.contains(u"app-a"), qPrintable(alerted.join(u',')));
    const QList<Event> changed = sink.ofKind(EventKind::MonitoringChanged);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.first().details.value(QStringLiteral("state")).toString(),
             QStringLiteral("blind"));
    // app-a behind the rule, and the crashed db: neither answers a scrape.
    QCOMPARE(changed.first().details.value(QStringLiteral("nodes")).toArray(),
             (QJsonArray{QStringLiteral("app-a"), QStringLiteral("db")}));
    QVERIFY2(changed.first().text.contains(u"mon cannot scrape app-a (blocked by rule no-scrape-a"),
             qPrintable(changed.first().text));
    // Without monitoring declared, both alert.
    Scenario unwatched = s;
    unwatched.monitoring = {};
    QStringList both;
    for (const Event &e : run(unwatched).ofKind(EventKind::AlertFiring))
        both.append(e.node);
    QVERIFY(both.contains(u"app-a") && both.contains(u"app-b"));
}

// The pager sits across a link that is cut when the trouble starts: the alert is raised on
// time and delivered when the link returns, saying how late.
void TestSimDataPaths::alertsWaitForTheirPathAndArriveLate()
{
    const Scenario s = test::parseOrFail(R"(warroom: 1
name: late
start: 2024-03-01T00:00:00Z
duration: 20m
sites:
  - {id: a, kind: datacenter}
  - {id: ops, kind: datacenter}
links:
  - {id: a-ops, between: [a, ops]}
nodes:
  - {id: users, role: user, site: a, capacity: 100000}
  - {id: app, role: app, site: a, capacity: 100000}
  - {id: db, role: db, site: a, capacity: 100000}
  - {id: mon, role: monitoring, site: a}
  - {id: pager, role: pager, site: ops}
dependencies:
  - {from: user, to: app, port: 443}
  - {from: app, to: db, port: 5432}
simulation: {tick: 1s, seed: 3}
load: {source: user, rate: 100}
service_level: {alert_for: 1m, alert_window: 1s}
monitoring: {node: mon, notify: pager, notify_port: 443}
schedule:
  - {at: 2m, change: node_crash, target: db}
  - {id: pager-cut, at: 2m, change: link_down, target: a-ops, for: 10m}
)");
    const SeriesSink sink = run(s);
    QList<Event> firing; // the monitoring's (an external uptime check pages on its own)
    for (const Event &e : sink.ofKind(EventKind::AlertFiring)) {
        if (e.subject == u"HighErrorRate")
            firing.append(e);
    }
    QVERIFY(!firing.isEmpty());
    // Raised a minute after the crash, delivered when the link is back at 12m.
    for (const Event &e : firing) {
        QCOMPARE(offsetOf(s, e), 12 * 60000);
        QCOMPARE(qint64(e.details.value(QStringLiteral("raised_ms")).toDouble()) -
                     s.start.toMSecsSinceEpoch(),
                 3 * 60000);
        QCOMPARE(qint64(e.details.value(QStringLiteral("delayed_ms")).toDouble()), 9 * 60000);
        QVERIFY2(e.text.endsWith(u"(raised at 00:03:00, 9m late)"), qPrintable(e.text));
    }
    // What the window's header says of it (monitoringStatusAt), during and after.
    ReplayData data;
    data.monitoringEvents = sink.ofKind(EventKind::MonitoringChanged);
    const qint64 start = s.start.toMSecsSinceEpoch();
    QCOMPARE(monitoringStatusAt(data, start + 5 * 60000).text(),
             u"mon blind to db, pager since 00:02 UTC; alerts held from pager since 00:02 UTC"_s);
    QCOMPARE(monitoringStatusAt(data, start + 13 * 60000).text(), // db stays down
             u"mon blind to db since 00:02 UTC"_s);
    QStringList states;
    for (const Event &e : sink.ofKind(EventKind::MonitoringChanged)) {
        if (e.subject == u"alerts")
            states.append(e.details.value(QStringLiteral("state")).toString());
    }
    QCOMPARE(states, (QStringList{QStringLiteral("cut"), QStringLiteral("delivering")}));
    // Without the cut, the alert arrives when raised.
    const SeriesSink onTime = run(s, {QStringLiteral("without:pager-cut")});
    for (const Event &e : onTime.ofKind(EventKind::AlertFiring))
        QCOMPARE(offsetOf(s, e), 3 * 60000);

    // A cut that lasts to the end: the alerts never reach the pager, and the recording says so.
    Scenario forever = s;
    for (ScheduledChange &c : forever.changes) {
        if (c.name == u"pager-cut")
            c.forMs = 0;
    }
    QTemporaryDir dir;
    const QString file = dir.filePath(u"never.warroom"_s);
    QVERIFY(recordSimulation(forever, {}, file));
    const RecordingSummary summary = summarize(*Recording::open(file).value());
    QVERIFY(summary.undeliveredAlerts >= 1);
    QVERIFY2(summaryText(summary).contains(u"raised but never delivered"),
             qPrintable(summaryText(summary)));
    QCOMPARE(summaryJson(summary)[u"alerts_undelivered"_s].toInt(), summary.undeliveredAlerts);
}

// A node the monitoring could not see and that was then terminated is gone, not unseen: no
// monitoring.changed says it again, its termination does.
void TestSimDataPaths::monitoringForgetsTerminatedNodes()
{
    const qint64 t0 = 1'700'000'000'000;
    auto event = [](qint64 at, EventKind kind, const QString &node, const QJsonObject &details) {
        Event e;
        e.timeMs = at;
        e.kind = kind;
        e.node = node;
        e.subject = kind == EventKind::MonitoringChanged ? u"targets"_s : QString();
        e.details = details;
        return e;
    };
    ReplayData data;
    data.monitoringEvents = {
        event(t0, EventKind::MonitoringChanged, u"prom"_s,
              {{u"state"_s, u"blind"_s}, {u"nodes"_s, QJsonArray{u"app-1"_s, u"app-2"_s}}})};
    data.lifeEvents = {event(t0 + 60000, EventKind::NodeTerminated, u"app-1"_s, {})};
    QCOMPARE(monitoringStatusAt(data, t0 + 1000).blind, (QStringList{u"app-1"_s, u"app-2"_s}));
    QCOMPARE(monitoringStatusAt(data, t0 + 60000).blind, QStringList{u"app-2"_s});
    data.lifeEvents.append(event(t0 + 120000, EventKind::NodeTerminated, u"app-2"_s, {}));
    QVERIFY(!monitoringStatusAt(data, t0 + 120000).impaired());
    QCOMPARE(monitoringStatusAt(data, t0 + 120000).blindSinceMs, -1);
}

// Waits of 400 ms then 800 ms: without jitter one retry fits a 1 s deadline; with full jitter
// (mean waits 200 and 400 ms) two do, so a link losing 30 % fails fewer requests: 0.3² against
// 0.3³.
void TestSimDataPaths::retryJitterLetsMoreRetriesFitTheDeadline()
{
    auto scenario = [](const QByteArray &jitter) {
        return test::parseOrFail(R"(warroom: 1
name: jitter
start: 2024-03-01T00:00:00Z
duration: 5m
sites:
  - {id: a, kind: datacenter}
  - {id: b, kind: datacenter}
links:
  - {id: a-b, between: [a, b], latency_ms: 1, loss: 30%}
nodes:
  - {id: users, role: user, site: a, capacity: 100000}
  - {id: client, role: client, site: a, capacity: 100000}
  - {id: svc, role: service, site: b, capacity: 100000}
dependencies:
  - {from: user, to: client, port: 443}
  - from: client
    to: service
    port: 443
    timeout: 100ms
    retries: {count: 3, backoff: 400ms, deadline: 1s)" +
                                 jitter + R"(}
simulation: {tick: 1s, seed: 3}
load: {source: user, rate: 100}
)");
    };
    const double plain = run(scenario({})).mean(QStringLiteral("service/failure_ratio"), 10, 290);
    const double jittered =
        run(scenario(", jitter: full")).mean(QStringLiteral("service/failure_ratio"), 10, 290);
    const double attempt = 0.3;
    QVERIFY2(std::abs(plain - 100.0 * std::pow(attempt, 2)) < 0.5,
             qPrintable(QString::number(plain)));
    QVERIFY2(std::abs(jittered - 100.0 * std::pow(attempt, 3)) < 0.5,
             qPrintable(QString::number(jittered)));
}

void TestSimDataPaths::badSectionsNameTheirPlace()
{
    const QByteArray base = replicationScenario(R"(
  - {id: orders, role: db, primary: db-1, replicas: [db-2]}
)",
                                                "  []\n");
    const struct
    {
        QByteArray from;
        QByteArray to;
        const char *message;
    } cases[] = {
        {"replicas: [db-2]", "replicas: [db-9]", "unknown node 'db-9'"},
        {"primary: db-1", "primary: app", "does not have role 'db'"},
        {"replicas: [db-2]", "replicas: [db-2], writes: 2", "fraction"},
        {"schedule:\n  []", "schedule:\n  - {at: 1m, change: promote, target: app}",
         "no node of a replication 'app'"},
        {"schedule:\n  []", "monitoring: {node: nobody}\nschedule: []", "unknown node 'nobody'"},
        {"schedule:\n  []", "monitoring: {node: app, notify_port: 80}\nschedule: []",
         "'notify_port' without 'notify'"},
        {"load: {source: user, rate: 100}",
         "load:\n  - {source: user, rate: 1}\n  - {source: user, rate: 2}",
         "two loads are called 'user'"},
        {"load: {source: user, rate: 100}", "load:\n  - {source: user, rate: 1, id: x, ide: 2}",
         "ide"},
        {"to: db, port: 5432}", "to: db, port: 5432, instances: 2}",
         "needs more than one instance of 'db', but replication 'orders'"},
    };
    for (const auto &c : cases) {
        QByteArray yaml = base;
        QVERIFY2(yaml.contains(c.from), c.from.constData());
        yaml.replace(c.from, c.to);
        const Result<Scenario> s = parseScenario(yaml, QStringLiteral("bad.yaml"));
        QVERIFY2(!s, c.message);
        const QString text = s.errors().first().toString();
        QVERIFY2(text.startsWith(u"bad.yaml:") && text.contains(QLatin1StringView(c.message)),
                 qPrintable(text));
    }
}

QTEST_GUILESS_MAIN(TestSimDataPaths)
#include "tst_sim_data_paths.moc"
