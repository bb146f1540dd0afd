// The Prometheus and Alertmanager sources without the daemons (tst_monitoring runs them for
// real): the mapping file and its errors, Prometheus answers, what probes say of site pairs,
// alerts told twice (poll and webhook) recorded once, and the webhook over real HTTP.
#include "core/live/alertmanager_source.h"
#include "core/live/prometheus_mapping.h"
#include "core/live/prometheus_source.h"
#include "support/test_support.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpServer>
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

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
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
        QCOMPARE(m->prometheus, QUrl(QStringLiteral("http://127.0.0.1:9090")));
        QCOMPARE(m->intervalMs, 2000);
        QCOMPARE(m->nodeLabel, QStringLiteral("node"));
        QCOMPARE(m->sourceLabel, QStringLiteral("source_site"));
        QCOMPARE(m->upQuery, QStringLiteral("up{job=\"blackbox\"}"));
        QCOMPARE(m->alertmanager, QUrl(QStringLiteral("http://127.0.0.1:9093")));
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
        QTest::newRow("no up") << QByteArray(
                                      "prometheus: http://a:1\nscenario: " WARROOM_SCENARIO_DIR
                                      "/lemniscus-2020.yaml\nlinks:\n  probe: x\n")
                               << QStringLiteral("m.yaml:4:3: 'links' needs 'up'");
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
        const auto *samples = std::get_if<QList<PromSample>>(&ok);
        QVERIFY(samples);
        QCOMPARE(samples->size(), 2);
        QCOMPARE(samples->at(0).labels.value(QStringLiteral("node")), QStringLiteral("app-1"));
        QCOMPARE(samples->at(0).value, 42.5);
        QVERIFY(std::isnan(samples->at(1).value));

        const auto bad = parseInstantVector(
            R"({"status":"error","errorType":"bad_data","error":"parse error at char 3"})");
        QCOMPARE(std::get<QString>(bad),
                 QStringLiteral("Prometheus says bad_data: parse error at char 3"));
        const auto matrix = parseInstantVector(
            R"({"status":"success","data":{"resultType":"matrix","result":[]}})");
        QVERIFY(std::get<QString>(matrix).contains(u"not an instant vector"));
        QVERIFY(std::holds_alternative<QString>(parseInstantVector("<html>")));
    }

    void probesSayWhatEachSitePairIs()
    {
        PrometheusMapping m;
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
        const QList<PairObservation> pairs = observePairs(probes, ups, m);
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

    // Alertmanager's webhook (v4) over real HTTP on loopback; bad requests get a clear 4xx.
    void webhookReceivesAlerts()
    {
        QList<Event> received;
        PrometheusMapping withHook;
        withHook.webhookPort = freePort();
        AlertmanagerSource hooked(
            withHook, [&](feed::Message message) { received.append(std::get<Event>(message)); });
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
