// The Prometheus and Alertmanager sources without the daemons (tst_monitoring runs them for
// real): the mapping file and its errors, Prometheus answers, what probes say of site pairs,
// alerts told twice (poll and webhook) recorded once, and the webhook over real HTTP.
#include "core/live/alertmanager_source.h"
#include "core/live/http_request.h"
#include "core/live/ingest_server.h"
#include "core/live/label_values.h"
#include "core/live/observed_service.h"
#include "core/live/prometheus_mapping.h"
#include "core/live/prometheus_source.h"
#include "core/replay/replay_data.h"
#include "core/store/recording_writer.h"
#include "core/summary/service_periods.h"
#include "support/monitoring_stack.h"
#include "support/test_support.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace warroom;

namespace {

const QByteArray kMapping = R"(prometheus: http://127.0.0.1:9090
interval: 2s
scenario: )" WARROOM_SCENARIO_DIR R"(/lemniscus-2020.yaml
nodes:
  cpu: 100 * (1 - avg by (node) (rate(node_cpu_seconds_total{mode="idle"}[1m])))
links:
  probe: probe_success{job="blackbox"}
  up: up{job="blackbox"}
alertmanager:
  url: http://127.0.0.1:9093
  webhook: 127.0.0.1:9098
)";

PromSample sample(const QString &from, const QString &to, const QString &instance, double value)
{
    return PromSample{{{QStringLiteral("source_site"), from},
                       {QStringLiteral("target_site"), to},
                       {QStringLiteral("instance"), instance}},
                      value};
}

const QStringList kSites{QStringLiteral("dc1"), QStringLiteral("dc2"), QStringLiteral("dc3")};
const QStringList kNodes{QStringLiteral("auth-1"), QStringLiteral("auth-2"),
                         QStringLiteral("app-1")};

ProbeReading reading(const ProbeSet &set, const IdResolver &sites, const IdResolver &nodes)
{
    ProbeReading r;
    r.set = &set;
    r.sites = &sites;
    r.nodes = &nodes;
    return r;
}

Alert alert(const QString &fingerprint, bool firing)
{
    Alert a;
    a.fingerprint = fingerprint;
    a.name = QStringLiteral("ProbeFailing");
    a.firing = firing;
    a.labels = {{QStringLiteral("alertname"), a.name},
                {QStringLiteral("node"), QStringLiteral("app-1")}};
    return a;
}

} // namespace

class TestPrometheus : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mappingIsRead()
    {
        const auto m = parsePrometheusMapping(kMapping, QStringLiteral("m.yaml"));
        QVERIFY2(m, m ? "" : qPrintable(m.errors().first().toString()));
        QCOMPARE(m->servers.size(), 1);
        QCOMPARE(m->servers[0].url, QUrl(QStringLiteral("http://127.0.0.1:9090")));
        QCOMPARE(m->servers[0].name, QStringLiteral("127.0.0.1"));
        QCOMPARE(m->intervalMs, 2000);
        QCOMPARE(m->nodeLabel, QStringLiteral("node"));
        QCOMPARE(m->probes.size(), 1);
        QCOMPARE(m->probes[0].sourceLabel, QStringLiteral("source_site"));
        QCOMPARE(m->probes[0].up.promql, QStringLiteral("up{job=\"blackbox\"}"));
        QCOMPARE(m->probes[0].up.place.line, 8); // reported there when Prometheus refuses it
        QCOMPARE(m->queries().size(), 3);
        QCOMPARE(m->alertmanager.url, QUrl(QStringLiteral("http://127.0.0.1:9093")));
        QCOMPARE(m->webhookAddress, QHostAddress(QHostAddress::LocalHost));
        QCOMPARE(m->webhookPort, 9098);
    }

    void mappingErrorsSayWhere_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("url") << QByteArray(
                                    "prometheus: localhost:9090\nscenario: " WARROOM_SCENARIO_DIR
                                    "/lemniscus-2020.yaml\n")
                             << QStringLiteral("m.yaml:1:13: 'prometheus' must be an http://");
        QTest::newRow("typo") << QByteArray(
                                     "prometheus: http://a:1\nscenario: " WARROOM_SCENARIO_DIR
                                     "/lemniscus-2020.yaml\nlink:\n  probe: x\n")
                              << QStringLiteral("m.yaml:3:1: unknown key 'link' in the mapping; "
                                                "did you mean 'links'?");
        QTest::newRow("no probe") << QByteArray(
                                         "prometheus: http://a:1\nscenario: " WARROOM_SCENARIO_DIR
                                         "/lemniscus-2020.yaml\nlinks:\n  up: x\n")
                                  << QStringLiteral("m.yaml:4:3: 'links' needs 'probe'");
        QTest::newRow("password in url")
            << QByteArray("prometheus: http://me:secret@a:1\nscenario: x\n")
            << QStringLiteral("m.yaml:1:13: 'prometheus' must not hold a user or password");
        QTest::newRow("no password file")
            << QByteArray("prometheus:\n  url: https://a:1\n  basic_auth:\n    username: w\n"
                          "    password_file: /nowhere/pw\nscenario: x\n")
            << QStringLiteral("m.yaml:5:20: 'prometheus.basic_auth.password_file': no file "
                              "/nowhere/pw");
        QTest::newRow("authorization header")
            << QByteArray("prometheus:\n  url: https://a:1\n  headers:\n    Authorization: "
                          "Bearer x\nscenario: x\n")
            << QStringLiteral("m.yaml:4:5: 'prometheus.headers': put credentials in basic_auth");
        QTest::newRow("two servers one name")
            << QByteArray("prometheus:\n  - url: http://a:1\n  - url: http://a:2\nscenario: x\n")
            << QStringLiteral("m.yaml:2:3: two Prometheus servers are named 'a'");
        QTest::newRow("regex") << QByteArray("prometheus: http://a:1\nscenario: x\nvalues:\n  "
                                             "rewrite:\n    - {match: '(dc', replace: x}\n")
                               << QStringLiteral("m.yaml:5:15: 'values.rewrite.match' is not a "
                                                 "regular expression");
        QTest::newRow("port twice")
            << QByteArray("prometheus: http://a:1\nscenario: x\nlinks:\n  probe: p\n  "
                          "port_label: dst_port\n  port: 80\n")
            << QStringLiteral("m.yaml:6:9: 'links' has both port and port_label");
        QTest::newRow("series per what")
            << QByteArray("prometheus: http://a:1\nscenario: x\nseries:\n  - name: d\n    "
                          "query: q\n    source_label: s\n")
            << QStringLiteral("m.yaml:4:5: 'series[0]' needs both source_label and target_label");
        QTest::newRow("no server") << QByteArray("scenario: x\nnodes:\n  cpu: q\n")
                                   << QStringLiteral("m.yaml:1:1: the mapping asks queries but "
                                                     "names no 'prometheus'");
        QTest::newRow("webhook off loopback")
            << QByteArray("prometheus: http://a:1\nscenario: " WARROOM_SCENARIO_DIR
                          "/lemniscus-2020.yaml\nalertmanager:\n  url: http://a:2\n  webhook: "
                          "0.0.0.0:9000\n")
            << QStringLiteral("m.yaml:5:12: 'alertmanager.webhook' must be on loopback");
        QTest::newRow("interval")
            << QByteArray("prometheus: http://a:1\ninterval: 5ms\nscenario: x\n")
            << QStringLiteral("m.yaml:2:11: 'interval' must be at least 100ms");
        QTest::newRow("scenario") << QByteArray("prometheus: http://a:1\nscenario: nowhere.yaml\n")
                                  << QStringLiteral("m.yaml:2:11: 'scenario': no file ");
    }

    void mappingErrorsSayWhere()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, error);
        const auto m = parsePrometheusMapping(text, QStringLiteral("m.yaml"));
        QVERIFY(!m);
        QStringList all;
        for (const Error &e : m.errors())
            all.append(e.toString());
        QVERIFY2(std::any_of(all.cbegin(), all.cend(),
                             [&](const QString &e) { return e.startsWith(error); }),
                 qPrintable(all.join(u'\n')));
    }

    void instantVectorsAreRead()
    {
        const auto ok = parseInstantVector(
            R"({"status":"success","data":{"resultType":"vector","result":[
                {"metric":{"node":"app-1"},"value":[1.5,"42.5"]},
                {"metric":{"node":"app-2"},"value":[1.5,"NaN"]}]}})");
        QVERIFY(ok.error.isEmpty());
        const auto *samples = &ok.samples;
        QCOMPARE(samples->size(), 2);
        QCOMPARE(samples->at(0).labels.value(QStringLiteral("node")), QStringLiteral("app-1"));
        QCOMPARE(samples->at(0).value, 42.5);
        QVERIFY(std::isnan(samples->at(1).value));

        const auto bad = parseInstantVector(
            R"({"status":"error","errorType":"bad_data","error":"parse error at char 3"})");
        QCOMPARE(bad.error, QStringLiteral("Prometheus says bad_data: parse error at char 3"));
        QVERIFY(bad.refused);
        const auto matrix = parseInstantVector(
            R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
        QVERIFY(matrix.error.contains(u"not an instant vector"));
        const auto html = parseInstantVector("<html>");
        QVERIFY(!html.error.isEmpty() && !html.refused);
    }

    void probesSayWhatEachSitePairIs()
    {
        const ProbeSet set;
        const QString dc1 = QStringLiteral("dc1");
        const QList<PromSample> probes = {
            sample(dc1, QStringLiteral("dc2"), QStringLiteral("a:1"), 1),
            sample(dc1, QStringLiteral("dc3"), QStringLiteral("b:1"), 1),
            sample(dc1, QStringLiteral("dc3"), QStringLiteral("b:2"), 0), // one fails
            sample(QStringLiteral("dc2"), dc1, QStringLiteral("c:1"), 0), // prober down: stale
            sample(dc1, {}, QStringLiteral("d:1"), 0),                    // no site: ignored
        };
        const QList<PromSample> ups = {
            sample(dc1, QStringLiteral("dc2"), QStringLiteral("a:1"), 1),
            sample(dc1, QStringLiteral("dc3"), QStringLiteral("b:1"), 1),
            sample(dc1, QStringLiteral("dc3"), QStringLiteral("b:2"), 1),
            sample(QStringLiteral("dc2"), dc1, QStringLiteral("c:1"), 0),
        };
        const IdResolver sites({}, {}, true, kSites);
        const IdResolver nodes({}, {}, true, kNodes);
        const QList<ProbeObservation> pairs =
            observeProbes(probes, ups, reading(set, sites, nodes));
        QCOMPARE(pairs.size(), 3);
        QCOMPARE(pairs[0].to, QStringLiteral("dc2"));
        QVERIFY(pairs[0].state == VerdictState::Reachable);
        QCOMPARE(pairs[0].why, QStringLiteral("probe dc1 -> dc2 succeeds (1 target)"));
        QVERIFY(pairs[1].state == VerdictState::Blocked);
        QCOMPARE(pairs[1].why, QStringLiteral("probe dc1 -> dc3 fails: b:2 (probe_success 0)"));
        QCOMPARE(pairs[1].targets, (QStringList{QStringLiteral("b:2"), QStringLiteral("b:1")}));
        QCOMPARE(pairs[2].from, QStringLiteral("dc2"));
        QVERIFY(pairs[2].state == VerdictState::Unknown);
        QCOMPARE(pairs[2].why,
                 QStringLiteral("probe dc2 -> dc1: the prober is down (up 0 for c:1)"));
    }

    // Probes labelled the way an operator already labels them: upper-case sites, the probed
    // node in its own label, no `up` query; a value that names nothing is told, once per value.
    void probesOfOneNodeThroughTheValueTable()
    {
        ProbeSet set;
        set.sourceLabel = QStringLiteral("src_site");
        set.targetLabel = QStringLiteral("dst_site");
        set.nodeLabel = QStringLiteral("dst_node");
        set.port = 6379;
        auto probe = [](const QString &from, const QString &to, const QString &node, double v) {
            return PromSample{{{QStringLiteral("src_site"), from},
                               {QStringLiteral("dst_site"), to},
                               {QStringLiteral("dst_node"), node},
                               {QStringLiteral("instance"), node + u":6379"}},
                              v};
        };
        // DC1 by case; "east" through the table; cache-one through a rewrite.
        const IdResolver sites({{QStringLiteral("east"), QStringLiteral("dc3")}}, {}, true, kSites);
        ValueNames::Rewrite rewrite{
            QRegularExpression(QRegularExpression::anchoredPattern(QStringLiteral("(.+)\\.int"))),
            QStringLiteral("\\1")};
        const IdResolver nodes({}, {rewrite}, true, kNodes);
        QStringList unmatched;
        ProbeReading r = reading(set, sites, nodes);
        r.unmatched = [&](const QString &kind, const QString &label, const QString &value) {
            unmatched.append(kind + u' ' + label + u'=' + value);
        };
        const QList<ProbeObservation> seen = observeProbes(
            {probe(QStringLiteral("east"), QStringLiteral("DC1"), QStringLiteral("auth-1.int"), 0),
             probe(QStringLiteral("east"), QStringLiteral("DC1"), QStringLiteral("AUTH-2"), 1),
             probe(QStringLiteral("east"), QStringLiteral("DC9"), QStringLiteral("auth-1"), 0)},
            {}, r);
        QCOMPARE(seen.size(), 2);
        QCOMPARE(seen[0].from, QStringLiteral("dc3"));
        QCOMPARE(seen[0].to, QStringLiteral("dc1"));
        QCOMPARE(seen[0].node, QStringLiteral("auth-1"));
        QCOMPARE(seen[0].port, 6379);
        QVERIFY(seen[0].state == VerdictState::Blocked);
        QCOMPARE(seen[0].why, QStringLiteral("probe dc3 -> dc1 (auth-1:6379) fails: "
                                             "auth-1.int:6379 (probe_success 0)"));
        QCOMPARE(seen[1].node, QStringLiteral("auth-2"));
        QVERIFY(seen[1].state == VerdictState::Reachable);
        QCOMPARE(unmatched, QStringList{QStringLiteral("site dst_site=DC9")});
    }

    // A sample older than twice the scrape interval (by its own timestamp) makes no verdict:
    // after a Prometheus restart, the value from before it is not an all-clear.
    void staleProbesAreUnknown()
    {
        const ProbeSet set;
        const IdResolver sites({}, {}, true, kSites);
        const IdResolver nodes({}, {}, true, kNodes);
        ProbeReading r = reading(set, sites, nodes);
        r.nowMs = 100000;
        r.stale = [&r](const PromSample &s) { return r.nowMs - s.timeMs > 1000; }; // 500 ms scrapes
        PromSample old =
            sample(QStringLiteral("dc3"), QStringLiteral("dc2"), QStringLiteral("c:2"), 1);
        old.timeMs = 100000 - 5400;
        PromSample fresh =
            sample(QStringLiteral("dc3"), QStringLiteral("dc1"), QStringLiteral("c:1"), 1);
        fresh.timeMs = 100000 - 400;
        const QList<ProbeObservation> seen = observeProbes({old, fresh}, {}, r);
        QCOMPARE(seen.size(), 2);
        QVERIFY(seen[0].state == VerdictState::Reachable); // dc3 -> dc1
        QCOMPARE(seen[1].to, QStringLiteral("dc2"));
        QVERIFY(seen[1].state == VerdictState::Unknown);
        QVERIFY2(seen[1].why.contains(u"no fresh sample since 00:01:34 UTC"),
                 qPrintable(seen[1].why));
    }

    void valuesResolve()
    {
        const IdResolver exact({}, {}, false, kSites);
        QCOMPARE(exact.resolve(QStringLiteral("dc1")), QStringLiteral("dc1"));
        QVERIFY(!exact.resolve(QStringLiteral("DC1")));
        const IdResolver folded({}, {}, true,
                                {QStringLiteral("Ab"), QStringLiteral("aB"), QStringLiteral("c")});
        QCOMPARE(folded.resolve(QStringLiteral("C")), QStringLiteral("c"));
        QCOMPARE(folded.resolve(QStringLiteral("aB")), QStringLiteral("aB")); // exact wins
        QVERIFY(!folded.resolve(QStringLiteral("ab"))); // folds to both: names neither
        ValueNames values;
        values.sites.insert(QStringLiteral("DC1"), QStringLiteral("dc9"));
        const ErrorList wrong = unknownTargets(values, kSites, kNodes);
        QCOMPARE(wrong.size(), 1);
        QCOMPARE(wrong[0].message, QStringLiteral("'values.sites': 'DC1' names dc9, which is not "
                                                  "a site of the scenario; did you mean dc1?"));
    }

    // The SLI's share failing drives the service state under the scenario's thresholds,
    // counted once it held `state_for`, left only below the lower threshold.
    void sliDrivesTheServiceState()
    {
        ServiceLevel level;
        level.outageAbove = 0.05;
        level.degradedAbove = 0.01;
        level.stateForMs = 3000;
        ObservedService service(level);
        const auto first = service.observe(0, 0.0, {}); // the first answer says the state
        QVERIFY(first);
        QCOMPARE(first->subject, QStringLiteral("ok"));
        QCOMPARE(first->details.value(QStringLiteral("previous")).toString(),
                 QStringLiteral("unknown"));
        QVERIFY(!service.observe(1000, 0.20, QStringLiteral("sli.error_ratio")));
        QVERIFY(!service.observe(2000, std::nan(""), {})); // no answer: changes nothing
        QVERIFY(!service.observe(3000, 0.30, QStringLiteral("sli.error_ratio")));
        const auto outage = service.observe(4000, 0.25, QStringLiteral("sli.error_ratio"));
        QVERIFY(outage);
        QCOMPARE(outage->subject, QStringLiteral("outage"));
        QCOMPARE(outage->details.value(QStringLiteral("since_ms")).toInteger(), 1000);
        QCOMPARE(outage->text,
                 QStringLiteral("service outage by its SLIs: 25.0 % failing; sli.error_ratio"));
        // 3 % is below outage_above but above its half: still out.
        QVERIFY(!service.observe(5000, 0.03, {}));
        QVERIFY(!service.observe(9000, 0.03, {}));
        QCOMPARE(service.state(), QStringLiteral("outage"));
        QVERIFY(!service.observe(10000, 0.0, {}));
        QVERIFY(!service.observe(12000, 0.0, {}));
        const auto ok = service.observe(13000, 0.0, {});
        QVERIFY(ok);
        QCOMPARE(ok->subject, QStringLiteral("ok"));
    }

    // With SLIs the states are theirs: a probe failing while the SLI says ok is no outage.
    void sliStatesOverrideProbes()
    {
        ObservedService service;
        QList<Event> events{*service.observe(1000, 0.0, {})};
        Event probe;
        probe.timeMs = 2000;
        probe.kind = EventKind::ProbeObserved;
        probe.site = QStringLiteral("dc2");
        probe.subject = QStringLiteral("dc1");
        probe.details = {{QStringLiteral("state"), QStringLiteral("blocked")}};
        events.append(probe);
        const QList<ServicePeriod> periods =
            servicePeriods(events, 0, 100000, StateSource::Observed);
        QCOMPARE(periods.size(), 1);
        QCOMPARE(periods[0].state, QStringLiteral("ok"));
        // Without the SLI's state, the failing probe is an outage.
        QCOMPARE(servicePeriods({probe}, 0, 100000, StateSource::Observed).last().state,
                 QStringLiteral("outage"));
    }

    // Credentials and headers go into each request, read from their files when it is made;
    // TLS verification stays on unless the mapping turns it off.
    void requestsCarryCredentials()
    {
        QTemporaryDir dir;
        QFile token(dir.filePath(QStringLiteral("token")));
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write("s3cret-token\n");
        token.close();
        HttpServer server;
        server.url = QUrl(QStringLiteral("https://mimir.example:8080/prometheus/"));
        server.bearerTokenFile = token.fileName();
        server.headers = {{"X-Scope-OrgID", "team-a"}};
        auto request =
            requestTo(server, QStringLiteral("/api/v1/query"), QStringLiteral("query=up"), 1000);
        const auto *r = std::get_if<QNetworkRequest>(&request);
        QVERIFY(r);
        QCOMPARE(r->url().toString(),
                 QStringLiteral("https://mimir.example:8080/prometheus/api/v1/query?query=up"));
        QCOMPARE(r->rawHeader("Authorization"), QByteArray("Bearer s3cret-token"));
        QCOMPARE(r->rawHeader("X-Scope-OrgID"), QByteArray("team-a"));
        QVERIFY(r->sslConfiguration().peerVerifyMode() != QSslSocket::VerifyNone);
        server.bearerTokenFile.clear();
        server.username = QStringLiteral("warroom");
        server.passwordFile = token.fileName();
        request = requestTo(server, QStringLiteral("/x"), {}, 1000);
        QCOMPARE(std::get<QNetworkRequest>(request).rawHeader("Authorization"),
                 "Basic " + QByteArray("warroom:s3cret-token").toBase64());
        QVERIFY(token.remove());
        request = requestTo(server, QStringLiteral("/x"), {}, 1000);
        QVERIFY(std::get<QString>(request).startsWith(u"cannot read " + token.fileName()));
    }

    void alertsToldTwiceAreRecordedOnce()
    {
        AlertTracker tracker;
        QList<Event> events = tracker.notify({alert(QStringLiteral("f1"), true)}, 1000);
        QCOMPARE(events.size(), 1);
        QVERIFY(events[0].kind == EventKind::AlertFiring);
        QCOMPARE(events[0].node, QStringLiteral("app-1"));
        QCOMPARE(events[0].details.value(QStringLiteral("source")).toString(),
                 QStringLiteral("webhook"));
        // The poll sees it too, and a second one.
        events = tracker.poll(
            {alert(QStringLiteral("f1"), true), alert(QStringLiteral("f2"), true)}, 2000);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events[0].details.value(QStringLiteral("fingerprint")).toString(),
                 QStringLiteral("f2"));
        // f1 is resolved by the webhook, f2 is gone from the next poll.
        events = tracker.notify({alert(QStringLiteral("f1"), false)}, 3000);
        QCOMPARE(events.size(), 1);
        QVERIFY(events[0].kind == EventKind::AlertResolved);
        events = tracker.poll({}, 4000);
        QCOMPARE(events.size(), 1);
        QVERIFY(events[0].kind == EventKind::AlertResolved);
        QCOMPARE(events[0].timeMs, 4000);
        QVERIFY(tracker.poll({}, 5000).isEmpty());
    }

    // A silence or an inhibition holds an alert back: recorded as alert.silenced, not firing;
    // released, it fires. Severity and the links back are kept.
    void silencedAlertsAreNotFiring()
    {
        const QJsonObject one{
            {QStringLiteral("fingerprint"), QStringLiteral("f1")},
            {QStringLiteral("labels"),
             QJsonObject{{QStringLiteral("alertname"), QStringLiteral("ProbeFailing")},
                         {QStringLiteral("sev"), QStringLiteral("page")},
                         {QStringLiteral("dst_node"), QStringLiteral("AUTH-1")}}},
            {QStringLiteral("annotations"),
             QJsonObject{{QStringLiteral("summary"), QStringLiteral("auth-1 down")}}},
            {QStringLiteral("generatorURL"), QStringLiteral("http://prom:9090/graph?g0.expr=x")},
            {QStringLiteral("status"),
             QJsonObject{{QStringLiteral("state"), QStringLiteral("suppressed")},
                         {QStringLiteral("silencedBy"), QJsonArray{QStringLiteral("s-1")}},
                         {QStringLiteral("inhibitedBy"), QJsonArray{}}}}};
        const QByteArray v2 = QJsonDocument(QJsonArray{one}).toJson();
        auto parsed = parseAlertList(v2, QUrl(QStringLiteral("http://am:9093")));
        QList<Alert> alerts = std::get<QList<Alert>>(parsed);
        QCOMPARE(alerts.size(), 1);
        QVERIFY(alerts[0].suppressed());
        const IdResolver nodes({}, {}, true, kNodes);
        AlertTracker tracker(AlertLabels{QStringLiteral("dst_node"),
                                         QStringLiteral("site"),
                                         QStringLiteral("sev"),
                                         nullptr,
                                         &nodes,
                                         {}});
        QList<Event> events = tracker.poll(alerts, 1000);
        QCOMPARE(events.size(), 1);
        QVERIFY(events[0].kind == EventKind::AlertSilenced);
        QCOMPARE(events[0].text, QStringLiteral("[page] ProbeFailing silenced: auth-1 down"));
        QCOMPARE(events[0].node, QStringLiteral("auth-1"));
        QCOMPARE(events[0].details.value(QStringLiteral("severity")).toString(),
                 QStringLiteral("page"));
        QCOMPARE(events[0].details.value(QStringLiteral("silenced_by")).toArray().size(), 1);
        QVERIFY(events[0]
                    .details.value(QStringLiteral("generator_url"))
                    .toString()
                    .startsWith(u"http://prom:9090/graph"));
        QVERIFY(events[0]
                    .details.value(QStringLiteral("alertmanager_url"))
                    .toString()
                    .startsWith(u"http://am:9093/#/alerts?silenced=true&inhibited=true&filter="));
        QVERIFY(tracker.poll(alerts, 2000).isEmpty()); // still silenced: nothing new
        alerts[0].state = QStringLiteral("active");
        alerts[0].silencedBy.clear();
        events = tracker.poll(alerts, 3000);
        QCOMPARE(events.size(), 1);
        QVERIFY(events[0].kind == EventKind::AlertFiring);
        QVERIFY(tracker.notify(alerts, 3500).isEmpty()); // the webhook tells it again: once
        events = tracker.poll({}, 4000);
        QCOMPARE(events.size(), 1);
        QVERIFY(events[0].kind == EventKind::AlertResolved);
    }

    // A live source appends an event dated before one appended earlier (a poll's answers come
    // after a webhook's alert): following the recording reads each event once.
    void followingReadsOutOfOrderEventsOnce()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("live.warroom"));
        const Scenario scenario =
            test::parseOrFail(QByteArray("warroom: 1\nname: t\nsites: [{id: dc1, kind: "
                                         "datacenter}]\nnodes: [{id: a, role: r, site: dc1}]\n"));
        QVERIFY(createLiveRecording(path, scenario, QStringLiteral("prometheus")));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        auto append = [&path](const Event &e) {
            auto writer = RecordingWriter::openForAppend(path);
            QVERIFY(writer);
            writer.value()->append(e);
            QVERIFY(writer.value()->close());
        };
        Event alert;
        alert.timeMs = now + 5000;
        alert.kind = EventKind::AlertFiring;
        alert.subject = QStringLiteral("ProbeFailing");
        append(alert);
        Event unmatched;
        unmatched.timeMs = now + 3000;
        unmatched.kind = EventKind::Annotation;
        unmatched.subject = QStringLiteral("prometheus");
        unmatched.details = {{QStringLiteral("problem"), QStringLiteral("unmatched")}};
        append(unmatched);
        auto data = loadReplayData(path);
        QVERIFY(data);
        QCOMPARE(data.value()->sourceEvents.size(), 1);
        Event probe;
        probe.timeMs = now + 6000;
        probe.kind = EventKind::ProbeObserved;
        append(probe);
        for (int refresh = 0; refresh < 3; ++refresh) {
            data = refreshReplayData(data.value());
            QVERIFY(data);
        }
        QCOMPARE(data.value()->events.size(), 3);
        QCOMPARE(data.value()->sourceEvents.size(), 1);
        QCOMPARE(data.value()->observations.size(), 1);
    }

    // Alertmanager's webhook (v4) over real HTTP on loopback; bad requests get a clear 4xx.
    void webhookReceivesAlerts()
    {
        QList<Event> received;
        PrometheusMapping withHook;
        withHook.webhookPort = test::freePort();
        AlertmanagerSource hooked(withHook, {}, {}, [&](feed::Message message) {
            received.append(std::get<Event>(message));
        });
        QVERIFY(!hooked.start());
        const QUrl url(u"http://127.0.0.1:" + QString::number(hooked.webhookPort()) + u'/');
        QNetworkAccessManager network;
        auto post = [&](const QByteArray &body) {
            QNetworkRequest request(url);
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QStringLiteral("application/json"));
            QNetworkReply *reply = network.post(request, body);
            QSignalSpy done(reply, &QNetworkReply::finished);
            done.wait(5000);
            reply->deleteLater();
            return std::pair{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                             reply->readAll()};
        };
        const QByteArray firing = R"({"version":"4","status":"firing","alerts":[
            {"status":"firing","labels":{"alertname":"ProbeFailing","site":"dc3"},
             "annotations":{"summary":"dc1 cannot reach dc3"},"startsAt":"2026-11-23T10:00:00Z",
             "fingerprint":"abc"}]})";
        QCOMPARE(post(firing).first, 200);
        QCOMPARE(received.size(), 1);
        QCOMPARE(received[0].text, QStringLiteral("ProbeFailing firing: dc1 cannot reach dc3"));
        QCOMPARE(received[0].site, QStringLiteral("dc3"));
        QCOMPARE(post(firing).first, 200); // repeated: no second event
        QCOMPARE(received.size(), 1);
        const auto [code, body] = post(R"({"version":"3","alerts":[]})");
        QCOMPARE(code, 400);
        QVERIFY(body.contains("webhook version \\\"3\\\" is not 4"));
        QCOMPARE(post("{not json").first, 400);
        QByteArray resolved = firing;
        resolved.replace("\"status\":\"firing\",\"labels\"", "\"status\":\"resolved\",\"labels\"");
        QCOMPARE(post(resolved).first, 200);
        QCOMPARE(received.size(), 2);
        QVERIFY(received[1].kind == EventKind::AlertResolved);
    }
};

QTEST_GUILESS_MAIN(TestPrometheus)
#include "tst_prometheus.moc"
