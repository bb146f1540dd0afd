// The simulator's mechanisms beyond cuts: links that saturate, retries that amplify, nodes
// that fill up (Little's law), and a service state that does not flap. Each test's figure
// would be wrong without its mechanism.

#include "core/analysis/analysis.h"
#include "core/replay/replay_data.h"
#include "core/replay/service_status.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"
#include "core/sim/simulator.h"
#include "support/series_sink.h"
#include "support/test_support.h"

#include <QTemporaryDir>
#include <QTest>

#include <map>

using namespace warroom;
using namespace Qt::StringLiterals;
using warroom::test::run;
using warroom::test::SeriesSink;

namespace {

// Clients in one network call a service in another over one border link, through a proxy
// whose errors show what the clients' callers would see.
QByteArray borderScenario(const QByteArray &link, const QByteArray &dependency,
                          const QByteArray &extra = {})
{
    return R"(warroom: 1
name: border
start: 2021-12-07T15:00:00Z
duration: 30m
sites:
  - {id: internal, kind: datacenter}
  - {id: main, kind: datacenter}
links:
  - id: border
    between: [internal, main]
    latency_ms: 2
)" + link + R"(
nodes:
  - {id: users, role: user, site: internal, capacity: 100000}
  - {id: proxy, role: proxy, site: internal, capacity: 100000}
  - {id: client-1, role: client, site: internal, capacity: 100000}
  - {id: client-2, role: client, site: internal, capacity: 100000}
  - {id: svc-1, role: service, site: main, capacity: 100000}
  - {id: svc-2, role: service, site: main, capacity: 100000}
dependencies:
  - {from: user, to: proxy, port: 443}
  - {from: proxy, to: client, port: 8080}
  - from: client
    to: service
    port: 443
    timeout: 1s
)" + dependency +
           R"(
simulation: {tick: 1s, seed: 7, timeout: 5s}
load: {source: user, rate: 800}
)" + extra;
}

} // namespace

class TestSimMechanisms : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void linksSaturateLoseAndTimeOut();
    void saturationEndedWhileCutDoesNotOutliveIt();
    void linkChangesOnTheScheduleAndAsWhatIfs();
    void retriesAmplifyAndBackoffChangesTheOutcome();
    void nodeFillsUpWhileItsCpuFalls();
    void concurrencyLimitSettles();
    void serviceStateDoesNotFlapOnNoise();
    void alertsDoNotFlapOnNoise();
    void aNewCauseIsSaidWhileTheStateHolds();
    void quorumReactionFiresOnlyWhenAMajorityIsCut();
    void nodeWithdrawsItselfAndReturns();
    void failureDomainsFailTogether();
    void autoscalerStepsAndProvisioning();
    void beforeMayNameARuleAddedEarlier();
    void badKeysNameTheirPlace();
};

void TestSimMechanisms::linksSaturateLoseAndTimeOut()
{
    const Scenario full = test::parseOrFail(borderScenario("    capacity: 1000", ""));
    const Scenario half = test::parseOrFail(borderScenario("    capacity: 500", ""));
    const SeriesSink a = run(full);
    const SeriesSink b = run(half);
    // 800 requests/s: under the full capacity nothing is lost; at half, what does not fit is.
    QVERIFY(a.maximum(QStringLiteral("link/border/loss")) < 0.01);
    QVERIFY2(b.mean(QStringLiteral("link/border/loss"), 60, 600) > 30.0,
             qPrintable(QString::number(b.mean(QStringLiteral("link/border/loss"), 60, 600))));
    QVERIFY(b.mean(QStringLiteral("link/border/utilization"), 60, 600) >= 100.0);
    QVERIFY(b.mean(QStringLiteral("link/border/latency"), 60, 600) > 40.0); // a full buffer
    // The timeouts behind it: the clients hang, their caller (the proxy) answers errors.
    QVERIFY(a.total(QStringLiteral("node/proxy/errors")) < 1.0);
    QVERIFY(b.mean(QStringLiteral("node/proxy/errors"), 60, 600) > 200.0);
    QCOMPARE(b.total(QStringLiteral("node/client-1/errors")), 0.0);
    QVERIFY(b.total(QStringLiteral("service/failed")) >
            100 * a.total(QStringLiteral("service/failed")) + 1000);
    // Saturation is said once, on the link, and the hops over it are degraded meanwhile.
    const QList<Event> degraded = b.ofKind(EventKind::LinkDegraded);
    QCOMPARE(degraded.size(), 1);
    QVERIFY2(degraded.first().text.contains(u"saturated: "), qPrintable(degraded.first().text));
    QVERIFY(a.ofKind(EventKind::LinkDegraded).isEmpty());
    const QList<Event> verdicts = b.ofKind(EventKind::VerdictChanged);
    QVERIFY(std::any_of(verdicts.cbegin(), verdicts.cend(), [](const Event &e) {
        return e.details.value(QStringLiteral("state")).toString() == u"degraded";
    }));
}

// Saturated, then cut, then given room while cut: back up, the link says so instead of
// staying degraded by a saturation long over.
void TestSimMechanisms::saturationEndedWhileCutDoesNotOutliveIt()
{
    const Scenario s = test::parseOrFail(borderScenario("    capacity: 600", "", R"(
schedule:
  - {at: 5m, change: link_down, target: border, for: 2m}
  - {at: 6m, change: capacity, target: border, capacity: 5000}
)"));
    const SeriesSink sink = run(s);
    QStringList states;
    for (const Event &e : sink.events) {
        if (e.subject == u"border" &&
            (e.kind == EventKind::LinkDegraded || e.kind == EventKind::LinkUp ||
             e.kind == EventKind::LinkDown))
            states.append(toString(e.kind));
    }
    QCOMPARE(states, (QStringList{QStringLiteral("link.degraded"), QStringLiteral("link.down"),
                                  QStringLiteral("link.degraded"), QStringLiteral("link.up")}));
    QVERIFY(sink.mean(QStringLiteral("link/border/loss"), 480, 1700) < 0.01);
}

void TestSimMechanisms::linkChangesOnTheScheduleAndAsWhatIfs()
{
    // The device halves at 10 minutes for 5 minutes: loss only then.
    const Scenario s = test::parseOrFail(borderScenario("    capacity: 1000", "", R"(
schedule:
  - {id: shrink, at: 10m, change: capacity, target: border, capacity: 500, for: 5m}
  - {at: 20m, change: latency, target: border, latency_ms: 4000, for: 2m}
  - {at: 25m, change: loss, target: border, loss: 50%, for: 1m}
)"));
    const SeriesSink sink = run(s);
    QVERIFY(sink.mean(QStringLiteral("link/border/loss"), 60, 590) < 0.01);
    QVERIFY(sink.mean(QStringLiteral("link/border/loss"), 620, 890) > 30.0);
    QVERIFY(sink.mean(QStringLiteral("link/border/loss"), 960, 1190) < 0.01);
    // 4 s on the wire against a 1 s timeout: most attempts time out.
    QVERIFY(sink.mean(QStringLiteral("link/border/latency"), 1210, 1310) >= 4000.0);
    QVERIFY(sink.mean(QStringLiteral("node/proxy/errors"), 1210, 1310) > 500.0);
    QVERIFY(sink.mean(QStringLiteral("link/border/loss"), 1510, 1560) >= 49.9);
    // The same as a what-if, through the model: without the shrink, no loss at 12 minutes.
    const SeriesSink without = run(s, {QStringLiteral("without:shrink")});
    QVERIFY(without.mean(QStringLiteral("link/border/loss"), 620, 890) < 0.01);
    // A what-if the schedule would silently undo is an error that names the change.
    SeriesSink unused;
    const auto overridden = simulate(
        s, SimulationOptions{{}, 0, -1, {QStringLiteral("capacity:border=2000")}, {}, {}}, unused);
    QVERIFY(!overridden);
    QVERIFY2(overridden.errors().first().toString().startsWith(
                 u"what-if capacity:border=2000: the scheduled change at t.yaml:"),
             qPrintable(overridden.errors().first().toString()));
    QVERIFY(overridden.errors().first().toString().contains(u"would override it"));
    const SeriesSink wider = run(test::parseOrFail(borderScenario("    capacity: 500", "")),
                                 {QStringLiteral("capacity:border=2000")});
    QVERIFY(wider.maximum(QStringLiteral("link/border/loss")) < 0.01);
}

void TestSimMechanisms::retriesAmplifyAndBackoffChangesTheOutcome()
{
    const QByteArray link = "    capacity: 900";
    const Scenario none = test::parseOrFail(borderScenario(link, "    retries: none"));
    const Scenario eager = test::parseOrFail(
        borderScenario(link, "    retries: {count: 5, backoff: 0s, deadline: 30s}"));
    const SeriesSink a = run(none);
    const SeriesSink b = run(eager);
    // 800 requests/s fit a 900 link: without retries, nothing is lost.
    QVERIFY(a.maximum(QStringLiteral("link/border/loss")) < 0.01);
    QVERIFY(a.total(QStringLiteral("service/failed")) < 1.0);
    // A blip that loses 20 %: without retries it passes; eager retries push the link past
    // its capacity and keep it there (the failing path multiplies its own load).
    const QByteArray blip = R"(
schedule:
  - {at: 5m, change: loss, target: border, loss: 20%, for: 1m}
)";
    const SeriesSink calm = run(test::parseOrFail(borderScenario(link, "    retries: none", blip)));
    const SeriesSink storm = run(test::parseOrFail(
        borderScenario(link, "    retries: {count: 5, backoff: 0s, deadline: 30s}", blip)));
    QVERIFY(calm.mean(QStringLiteral("link/border/utilization"), 310, 350) < 100.0);
    QVERIFY2(storm.mean(QStringLiteral("link/border/utilization"), 310, 350) > 100.0,
             qPrintable(
                 QString::number(storm.mean(QStringLiteral("link/border/utilization"), 310, 350))));
    // Backing off (2 s doubling within the same deadline) makes fewer attempts: less load.
    const QString dependency = QStringLiteral("client->service:443");
    const SeriesSink patient =
        run(test::parseOrFail(
                borderScenario(link, "    retries: {count: 5, backoff: 0s, deadline: 30s}", blip)),
            {u"backoff:" + dependency + u"=4s"});
    QVERIFY(patient.mean(QStringLiteral("link/border/utilization"), 310, 350) <
            storm.mean(QStringLiteral("link/border/utilization"), 310, 350));
    QVERIFY(patient.total(QStringLiteral("service/failed")) !=
            storm.total(QStringLiteral("service/failed")));
    const SeriesSink noRetry =
        run(test::parseOrFail(
                borderScenario(link, "    retries: {count: 5, backoff: 0s, deadline: 30s}", blip)),
            {u"retries:" + dependency + u"=0"});
    QCOMPARE(noRetry.total(QStringLiteral("service/failed")),
             calm.total(QStringLiteral("service/failed")));
    Q_UNUSED(b);
}

void TestSimMechanisms::nodeFillsUpWhileItsCpuFalls()
{
    // The clients hold at most 100 requests at once; the link slows to 400 ms at 10 minutes.
    QByteArray s = borderScenario("", "");
    s.replace("  - {id: client-1, role: client, site: internal, capacity: 100000}",
              "  - {id: client-1, role: client, site: internal, capacity: 1000, "
              "max_concurrency: 100}");
    s += R"(
schedule:
  - {at: 10m, change: latency, target: border, latency_ms: 400}
)";
    const SeriesSink sink = run(test::parseOrFail(s));
    const double busyBefore = sink.mean(QStringLiteral("node/client-1/busy"), 60, 590);
    const double busyAfter = sink.mean(QStringLiteral("node/client-1/busy"), 620, 1790);
    const double cpuBefore = sink.mean(QStringLiteral("node/client-1/cpu"), 60, 590);
    const double cpuAfter = sink.mean(QStringLiteral("node/client-1/cpu"), 620, 1790);
    QVERIFY2(busyBefore < 20.0 && busyAfter > 95.0,
             qPrintable(QString::number(busyBefore) + u' ' + QString::number(busyAfter)));
    QVERIFY2(cpuAfter < cpuBefore * 0.7,
             qPrintable(QString::number(cpuBefore) + u' ' + QString::number(cpuAfter)));
    // What it refuses fails at its caller.
    QVERIFY(sink.mean(QStringLiteral("node/proxy/errors"), 620, 1790) > 50.0);
}

// Its downstream slows as more is accepted: the limit settles where in flight meets
// max_concurrency instead of swinging between everything and little each tick.
void TestSimMechanisms::concurrencyLimitSettles()
{
    const Scenario s = test::parseOrFail(R"(warroom: 1
name: settle
start: 2024-01-01T00:00:00Z
duration: 5m
sites:
  - {id: edge, kind: datacenter}
  - {id: core, kind: datacenter}
links:
  - {id: edge-core, between: [edge, core], latency_ms: 2}
nodes:
  - {id: users, role: user, site: edge, capacity: 100000}
  - {id: web-1, role: web, site: edge, capacity: 5000, max_concurrency: 100}
  - {id: api-1, role: api, site: core, capacity: 1150}
dependencies:
  - {from: user, to: web, port: 443}
  - {from: web, to: api, port: 8080}
load: {source: user, rate: 1100}
)");
    const SeriesSink sink = run(s);
    const std::vector<float> &busy = sink.series(QStringLiteral("node/web-1/busy"));
    QCOMPARE(busy.size(), size_t(300));
    const auto [least, most] = std::minmax_element(busy.begin() + 120, busy.end());
    QVERIFY2(*most - *least < 10.0 && *most < 110.0 && *least > 90.0,
             qPrintable(QString::number(*least) + u' ' + QString::number(*most)));
}

void TestSimMechanisms::serviceStateDoesNotFlapOnNoise()
{
    // A link just above the mean load with 10 % noise in it: the failing share crosses 5 %
    // and 0 and back every few seconds, a few tenths of a percent on average.
    auto states = [](const QByteArray &serviceLevel) {
        const QByteArray yaml = borderScenario("    capacity: 900", "") + "\n" + serviceLevel;
        Scenario s = test::parseOrFail(yaml);
        s.loads[0].noise = 0.1;
        const SeriesSink sink = run(s);
        return sink.ofKind(EventKind::ServiceState);
    };
    const QList<Event> raw =
        states("service_level: {state_for: 0s, degraded_below: 0.1%, outage_below: 5%}");
    const QList<Event> steady = states("");
    QVERIFY2(raw.size() > 50, qPrintable(QString::number(raw.size())));
    QStringList said;
    for (const Event &e : steady)
        said.append(QString::number((e.timeMs / 1000) % 3600) + u' ' + e.text);
    // A few changes in half an hour, each state held at least `state_for` (30 s).
    QVERIFY2(!steady.isEmpty() && steady.size() * 5 < raw.size(), qPrintable(said.join(u'\n')));
    for (qsizetype i = 1; i < steady.size(); ++i)
        QVERIFY2(beganAtMs(steady[i]) - beganAtMs(steady[i - 1]) >= 30000,
                 qPrintable(said.join(u'\n')));
    // A change is said once it held, as from when it began.
    const Event &first = steady.first();
    QVERIFY(first.details.value(QStringLiteral("since_ms")).toDouble() <= first.timeMs - 30000);
    QCOMPARE(beganAtMs(first), qint64(first.details.value(QStringLiteral("since_ms")).toDouble()));
}

// A node a little short of its mean load, with noise in the load: each second it refuses
// between nothing and a fifth. Its alert, like rate(errors[1m]) in a rule, fires once and stays;
// taken tick by tick it would fire and resolve every few seconds.
void TestSimMechanisms::alertsDoNotFlapOnNoise()
{
    auto alerts = [](const QByteArray &window) {
        Scenario s = test::parseOrFail(R"(warroom: 1
name: noisy
start: 2024-01-01T00:00:00Z
duration: 30m
sites:
  - {id: a, kind: datacenter}
nodes:
  - {id: users, role: user, site: a, capacity: 100000}
  - {id: app, role: app, site: a, capacity: 76}
dependencies:
  - {from: user, to: app, port: 443}
simulation: {tick: 1s, seed: 5}
load: {source: user, rate: 100}
service_level: {alert_error_ratio: 5%, alert_for: 1m)" +
                                       window + R"(}
)");
        s.loads[0].noise = 0.1;
        const SeriesSink sink = run(s);
        auto count = [&](EventKind kind) {
            return std::count_if(sink.events.cbegin(), sink.events.cend(), [&](const Event &e) {
                return e.kind == kind && e.subject == u"HighErrorRate";
            });
        };
        return std::pair{count(EventKind::AlertFiring), count(EventKind::AlertResolved)};
    };
    const auto [tickFired, tickResolved] = alerts(", alert_window: 1s");
    const auto [fired, resolved] = alerts("");
    QVERIFY2(tickFired >= 5 && tickResolved >= 5, qPrintable(QString::number(tickFired)));
    QCOMPARE(fired, 1);
    QCOMPARE(resolved, 0);
    // The public uptime check too: its share of failed checks is over the same window.
    Scenario s = test::parseOrFail(R"(warroom: 1
name: noisy
start: 2024-01-01T00:00:00Z
duration: 30m
sites:
  - {id: a, kind: datacenter}
nodes:
  - {id: users, role: user, site: a, capacity: 100000}
  - {id: app, role: app, site: a, capacity: 76}
dependencies:
  - {from: user, to: app, port: 443}
simulation: {tick: 1s, seed: 5}
load: {source: user, rate: 100, noise: 10%}
)");
    const SeriesSink sink = run(s);
    QCOMPARE(sink.ofKind(EventKind::AlertFiring).size(), 2); // HighErrorRate, UptimeCheckFailing
    QCOMPARE(sink.ofKind(EventKind::AlertResolved).size(), 0);
}

// The link comes back at 10m, but a rule blocks the same hop from then on: the outage goes on
// for another reason, said once it held (service.cause), in the header and in the summary.
void TestSimMechanisms::aNewCauseIsSaidWhileTheStateHolds()
{
    const Scenario s = test::parseOrFail(R"(warroom: 1
name: cause
start: 2024-03-01T00:00:00Z
duration: 20m
sites:
  - {id: a, kind: datacenter}
  - {id: b, kind: datacenter}
links:
  - {id: a-b, between: [a, b]}
nodes:
  - {id: users, role: user, site: a, capacity: 100000}
  - {id: app, role: app, site: a, capacity: 100000}
  - {id: db, role: db, site: b, capacity: 100000}
dependencies:
  - {from: user, to: app, port: 443}
  - {from: app, to: db, port: 5432}
simulation: {tick: 1s, seed: 3}
load: {source: user, rate: 100}
schedule:
  - {at: 5m, change: link_down, target: a-b, for: 5m}
  - at: 10m
    change: rule_add
    for: 5m
    rule: {id: no-db, action: deny, from: site:a, to: site:b, ports: [5432]}
)");
    QTemporaryDir dir;
    const QString file = dir.filePath(u"cause.warroom"_s);
    QVERIFY(recordSimulation(s, {}, file));
    const auto data = loadReplayData(file).value();
    QList<Event> causes;
    for (const Event &e : data->stateEvents) {
        if (e.kind == EventKind::ServiceCause)
            causes.append(e);
    }
    QCOMPARE(causes.size(), 1);
    QCOMPARE(causes.first().subject, u"outage"_s);
    QVERIFY2(causes.first().text.contains(u"blocked by rule no-db"),
             qPrintable(causes.first().text));
    const qint64 t0 = s.start.toMSecsSinceEpoch();
    QVERIFY(serviceStatusAt(*data, t0 + 7 * 60000).why.contains(u"no route"));
    const ServiceStatus later = serviceStatusAt(*data, t0 + 12 * 60000);
    QVERIFY(later.state == ServiceState::Outage);
    QCOMPARE(later.sinceMs, t0 + 5 * 60000); // the outage still dates from its start
    QVERIFY2(later.why.contains(u"blocked by rule no-db"), qPrintable(later.why));
    // One outage, with both reasons.
    QCOMPARE(data->summary.outages.size(), 1);
    const QStringList failedAt = data->summary.outages.first().causes;
    QVERIFY2(failedAt.size() == 2 && failedAt[0].contains(u"no route") &&
                 failedAt[1].contains(u"no-db"),
             qPrintable(failedAt.join(u'\n')));
}

// Three managers in three sites watch the primary; one cut off is not enough, two are.
void TestSimMechanisms::quorumReactionFiresOnlyWhenAMajorityIsCut()
{
    const Scenario s = test::parseOrFail(R"(warroom: 1
name: quorum
start: 2024-01-01T00:00:00Z
duration: 20m
sites:
  - {id: s1, kind: datacenter}
  - {id: s2, kind: datacenter}
  - {id: s3, kind: datacenter}
  - {id: db, kind: datacenter}
links:
  - {id: s1-db, between: [s1, db]}
  - {id: s2-db, between: [s2, db]}
  - {id: s3-db, between: [s3, db]}
nodes:
  - {id: manager-1, role: manager, site: s1}
  - {id: manager-2, role: manager, site: s2}
  - {id: manager-3, role: manager, site: s3}
  - {id: db-primary, role: db, site: db, tags: [primary]}
  - {id: db-replica, role: db, site: s1, tags: [replica]}
dependencies:
  - {from: manager, to: db, port: 5432}
schedule:
  - {at: 5m, change: link_down, target: s1-db}
  - {id: second-cut, at: 10m, change: link_down, target: s2-db}
reactions:
  - id: promote
    when: {unreachable: node:db-primary, who: role:manager, quorum: majority, for: 30s}
    do: {change: failover, from_tag: primary, to_tag: replica}
)");
    const SeriesSink sink = run(s);
    const QList<Event> fired = sink.ofKind(EventKind::ReactionFired);
    QCOMPARE(fired.size(), 1);
    QCOMPARE(fired.first().timeMs - s.start.toMSecsSinceEpoch(), 10 * 60000 + 30000);
    QCOMPARE(fired.first().text, QStringLiteral("reaction promote: a majority of role:manager "
                                                "cannot reach node db-primary for 30s → failover "
                                                "from the primary stack to the replica stack"));
    // The failover follows, as its own change.
    const QList<Event> failovers = sink.ofKind(EventKind::DnsFailover);
    QCOMPARE(failovers.size(), 1);
    QCOMPARE(failovers.first().timeMs, fired.first().timeMs);
    // Without the reaction (a what-if), no failover.
    QVERIFY(run(s, {QStringLiteral("without:promote")}).ofKind(EventKind::DnsFailover).isEmpty());
    // Without the second cut, no majority: nothing fires.
    QVERIFY(
        run(s, {QStringLiteral("without:second-cut")}).ofKind(EventKind::ReactionFired).isEmpty());
}

// A DNS node that cannot reach its backends (a rule pushed by mistake) takes itself out of
// service; its clients use the other one; it comes back once it reaches them again.
void TestSimMechanisms::nodeWithdrawsItselfAndReturns()
{
    QByteArray yaml = R"(warroom: 1
name: anycast
start: 2024-01-01T00:00:00Z
duration: 30m
sites:
  - {id: edge-a, kind: datacenter}
  - {id: edge-b, kind: datacenter}
  - {id: core, kind: datacenter}
links:
  - {id: a-core, between: [edge-a, core]}
  - {id: b-core, between: [edge-b, core]}
  - {id: a-b, between: [edge-a, edge-b]}
nodes:
  - {id: users, role: user, site: edge-a, capacity: 100000}
  - {id: dns-a, role: dns, site: edge-a, capacity: 100000}
  - {id: dns-b, role: dns, site: edge-b, capacity: 100000}
  - {id: backend, role: backend, site: core, capacity: 100000}
dependencies:
  - {from: user, to: dns, port: 53}
  - {from: dns, to: backend, port: 8053}
load: {source: user, rate: 100}
schedule:
  - at: 5m
    change: rule_add
    rule: {id: bad-push, action: deny, from: node:dns-a, to: role:backend}
    for: 10m
)";
    yaml += R"(
reactions:
  - id: withdraw-a
    when: {dependency_failing: dns->backend:8053, who: node:dns-a, for: 10s}
    do: {change: withdraw, target: dns-a}
    until: clear
)";
    const Scenario s = test::parseOrFail(yaml);
    const SeriesSink with = run(s);
    const SeriesSink without = run(test::parseOrFail(yaml.left(yaml.indexOf("\nreactions:"))));
    const QList<Event> fired = with.ofKind(EventKind::ReactionFired);
    QCOMPARE(fired.size(), 2);
    QCOMPARE(fired.first().timeMs - s.start.toMSecsSinceEpoch(), 5 * 60000 + 10000);
    QCOMPARE(fired.last().text,
             QStringLiteral("reaction withdraw-a over: clear for 10s (node:dns-a "
                            "cannot use dns->backend:8053)"));
    const QList<Event> out = with.ofKind(EventKind::NodeDraining);
    QCOMPARE(out.size(), 1);
    QCOMPARE(out.first().node, QStringLiteral("dns-a"));
    QCOMPARE(out.first().details.value(QStringLiteral("caused_by")).toString().isEmpty(), false);
    const QList<Event> back = with.ofKind(EventKind::NodeInService);
    QCOMPARE(back.size(), 1);
    // The cut ends at 15m; clear for the same 10 s, it is back.
    QCOMPARE(back.first().timeMs - s.start.toMSecsSinceEpoch(), 15 * 60000 + 10000);
    // Withdrawn, dns-a no longer takes half of the lookups into a dead end.
    QVERIFY(without.mean(QStringLiteral("service/failure_ratio"), 320, 890) > 40.0);
    QVERIFY(with.mean(QStringLiteral("service/failure_ratio"), 320, 890) < 1.0);
}

// Two backbone links in one conduit: either alone fails nothing, the group fails the service;
// a group-down what-if equals the same changes one by one.
void TestSimMechanisms::failureDomainsFailTogether()
{
    const QByteArray yaml = R"(warroom: 1
name: conduit
start: 2024-01-01T00:00:00Z
duration: 20m
sites:
  - {id: east, kind: datacenter}
  - {id: west, kind: datacenter}
links:
  - {id: backbone-1, between: [east, west]}
  - {id: backbone-2, between: [east, west]}
groups:
  - id: conduit
    links: [backbone-1, backbone-2]
    description: Both fibres run through the same trench
nodes:
  - {id: users, role: user, site: east}
  - {id: web, role: web, site: east}
  - {id: db, role: db, site: west}
dependencies:
  - {from: user, to: web, port: 443}
  - {from: web, to: db, port: 5432}
load: {source: user, rate: 50}
schedule:
  - {id: dig, at: 5m, change: group_down, target: conduit, for: 5m}
)";
    const Scenario s = test::parseOrFail(yaml);
    // The blast radius: each link alone breaks nothing; the group breaks web -> db.
    const Result<Analysis> a = analyze(s);
    QVERIFY(a);
    for (const BlastRadius &b : a.value().blastRadius) {
        if (b.kind == BlastRadius::Kind::Link)
            QVERIFY2(b.failing.isEmpty(), qPrintable(b.subject));
    }
    const auto group =
        std::find_if(a.value().blastRadius.cbegin(), a.value().blastRadius.cend(),
                     [](const BlastRadius &b) { return b.kind == BlastRadius::Kind::Group; });
    QVERIFY(group != a.value().blastRadius.cend());
    QCOMPARE(group->subject, QStringLiteral("conduit"));
    QCOMPARE(group->failing.size(), 1);
    QCOMPARE(group->failing.first().node, QStringLiteral("web"));
    // Simulated: the scheduled group_down fails the service for its five minutes, as both links
    // down one by one do; a what-if group-down equals link-down of each.
    const SeriesSink scheduled = run(s);
    QByteArray oneByOne = yaml;
    oneByOne.replace("  - {id: dig, at: 5m, change: group_down, target: conduit, for: 5m}",
                     "  - {at: 5m, change: link_down, target: backbone-1, for: 5m}\n"
                     "  - {at: 5m, change: link_down, target: backbone-2, for: 5m}");
    const SeriesSink separate = run(test::parseOrFail(oneByOne));
    QVERIFY(scheduled.total(QStringLiteral("service/failed")) > 5 * 60 * 50 * 0.9);
    QCOMPARE(scheduled.series(QStringLiteral("service/failed")),
             separate.series(QStringLiteral("service/failed")));
    const SeriesSink whatIf =
        run(s, {QStringLiteral("without:dig"), QStringLiteral("group-down:conduit")});
    const SeriesSink links =
        run(s, {QStringLiteral("without:dig"), QStringLiteral("link-down:backbone-1"),
                QStringLiteral("link-down:backbone-2")});
    QVERIFY(whatIf.total(QStringLiteral("service/failed")) > 19 * 60 * 50 * 0.9);
    QCOMPARE(whatIf.series(QStringLiteral("service/failed")),
             links.series(QStringLiteral("service/failed")));
    QCOMPARE(whatIf.events.size(), links.events.size());
}

// A scale-out adds its step at once; the provisioning's quota, launch time, rate and the
// reachability of its service decide what actually comes, and every refusal says why.
void TestSimMechanisms::autoscalerStepsAndProvisioning()
{
    auto scenario = [](const QByteArray &provisioning, const QByteArray &schedule = {}) {
        return test::parseOrFail(R"(warroom: 1
name: scaling
start: 2024-01-01T00:00:00Z
duration: 30m
sites:
  - {id: dc1, kind: datacenter}
  - {id: control, kind: datacenter}
links:
  - {id: dc1-control, between: [dc1, control]}
scaling_groups:
  - id: web
    role: web
    capacity: 100
    min: 1
    max: 20
    metric: cpu
    scale_out_above: 60
    scale_in_below: 10
    cooldown: 1m
    step: 3
    sites: [dc1]
)" + provisioning + R"(
nodes:
  - {id: users, role: user, site: dc1}
  - {id: web-1, group: web, site: dc1}
  - {id: cloud-api, role: provisioning, site: control}
dependencies:
  - {from: user, to: web, port: 443}
load: {source: user, rate: 1500}
)" + schedule);
    };
    auto launchedAndFailed = [](const SeriesSink &sink) {
        QStringList failed;
        for (const Event &e : sink.ofKind(EventKind::LaunchFailed))
            failed.append(e.details.value(QStringLiteral("reason")).toString());
        return std::make_pair(sink.ofKind(EventKind::NodeLaunched).size(), failed);
    };
    // Steps of three, up to what the load needs (15 instances at 1,500 req/s, 60 %... ).
    const SeriesSink free = run(scenario({}));
    const QList<Event> outs = free.ofKind(EventKind::ScaleOut);
    QVERIFY(!outs.isEmpty());
    QCOMPARE(outs.first().details.value(QStringLiteral("count")).toInt(), 3);
    QVERIFY2(outs.first().text.contains(u"; 3 new instances in dc1, dc1, dc1"),
             qPrintable(outs.first().text));
    QVERIFY(launchedAndFailed(free).first >= 15);
    // A quota of 5: four more at most, the rest refused, said.
    const auto [quotaLaunched, quotaFailed] =
        launchedAndFailed(run(scenario("    provisioning: {quota: 5}")));
    QCOMPARE(quotaLaunched, 4);
    QVERIFY(!quotaFailed.isEmpty());
    QCOMPARE(quotaFailed.first(), QStringLiteral("quota of 5 instances reached"));
    // The provisioning service cut off: nothing launches while it is.
    const auto [cutLaunched, cutFailed] = launchedAndFailed(
        run(scenario("    provisioning: {service: cloud-api, from: dc1}",
                     "schedule:\n  - {at: 0s, change: link_down, target: dc1-control}\n")));
    QCOMPARE(cutLaunched, 0);
    QVERIFY2(cutFailed.first().startsWith(
                 u"provisioning service cloud-api unreachable from dc1 (link dc1-control"),
             qPrintable(cutFailed.first()));
    // Launch time: the first new instance appears five minutes after the decision.
    const SeriesSink slow = run(scenario("    provisioning: {launch_time: 5m}"));
    const qint64 decided = slow.ofKind(EventKind::ScaleOut).first().timeMs;
    QCOMPARE(slow.ofKind(EventKind::NodeLaunched).first().timeMs - decided, 5 * 60000);
    // Half of the launches fail (seeded): some refused for that reason, fewer launched.
    const auto [flakyLaunched, flakyFailed] =
        launchedAndFailed(run(scenario("    provisioning: {failure_ratio: 50%}")));
    QVERIFY(flakyFailed.contains(u"the new instance failed to start (50 % of launches fail)"));
    QVERIFY(flakyLaunched > 0);
    // A rate limit of one a minute: a step of three brings one at a time.
    const SeriesSink limited = run(scenario("    provisioning: {launches_per_minute: 1}"));
    QVERIFY(
        launchedAndFailed(limited).second.contains(u"launch rate limit reached (1 per minute)"));
    const QList<Event> launched = limited.ofKind(EventKind::NodeLaunched);
    QVERIFY(launched.size() > 2);
    for (qsizetype i = 1; i < launched.size(); ++i)
        QVERIFY(launched[i].timeMs - launched[i - 1].timeMs >= 60000);
}

void TestSimMechanisms::beforeMayNameARuleAddedEarlier()
{
    const QByteArray rules = R"(
rules:
  - {id: allow-all, action: allow, from: any, to: any}
schedule:
  - at: 1m
    change: rule_add
    rule: {id: block-border, action: deny, from: site:internal, to: site:main}
    before: allow-all
  - at: 2m
    change: rule_add
    rule: {id: let-proxy, action: allow, from: role:proxy, to: any}
    before: block-border
)";
    test::parseOrFail(borderScenario("", "", rules));
    QByteArray later = rules;
    later.replace("at: 1m", "at: 3m");
    const Result<Scenario> bad =
        parseScenario(borderScenario("", "", later), QStringLiteral("b.yaml"));
    QVERIFY(!bad);
    QVERIFY2(bad.errors().first().toString().contains(
                 u"'before' names no rule declared or added earlier: 'block-border'"),
             qPrintable(bad.errors().first().toString()));
}

void TestSimMechanisms::badKeysNameTheirPlace()
{
    const struct
    {
        QByteArray link;
        QByteArray dependency;
        const char *message;
    } cases[] = {
        {"    capacity: -5", "", "must be positive"},
        {"    loss: 150%", "", "loss"},
        {"", "    retries: {count: 3, backof: 1s}", "backof"},
        {"", "    retries: often", "'none' or a map"},
        {"", "    retries: {count: 3, multiplier: 0.5}", "at least 1"},
    };
    for (const auto &c : cases) {
        const Result<Scenario> s =
            parseScenario(borderScenario(c.link, c.dependency), QStringLiteral("bad.yaml"));
        QVERIFY2(!s, c.message);
        const QString text = s.errors().first().toString();
        QVERIFY2(text.startsWith(u"bad.yaml:") && text.contains(QLatin1StringView(c.message)),
                 qPrintable(text));
    }
}

QTEST_GUILESS_MAIN(TestSimMechanisms)
#include "tst_sim_mechanisms.moc"
