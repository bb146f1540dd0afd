// Warroom against a real Prometheus, blackbox exporter, node_exporter and Alertmanager labelled
// the way an operator already labels them (src_site, dst_site, dst_node; sites in upper case):
// a probe of one node turns only its hops red; a value naming nothing is reported once; a
// PromQL error fails the start at its line; a Prometheus restart gives no false all-clear; a
// silenced alert is recorded as silenced; an SLI drives an outage that the summary counts; a
// Prometheus behind basic auth and TLS (certificates made here with openssl) is watched.
#include "core/cli/cli.h"
#include "core/live/live_session.h"
#include "core/live/prometheus_source.h"
#include "core/replay/replay_cursor.h"
#include "core/scenario/scenario_loader.h"
#include "core/store/recording.h"
#include "core/summary/recording_summary.h"
#include "support/monitoring_stack.h"
#include "support/test_support.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>
#include <QTextStream>

using namespace warroom;
using namespace warroom::test;

namespace {

constexpr qint64 kPollMs = 500;

QList<Event> eventsOf(const QString &path, EventKind kind)
{
    const auto recording = Recording::open(path);
    return recording ? recording.value()->events(EventFilter::ofKinds({kind})) : QList<Event>{};
}

// The last probe.observed state of one probed node ("" when none).
QString probedState(const QString &path, const QString &node)
{
    QString state;
    for (const Event &e : eventsOf(path, EventKind::ProbeObserved)) {
        if (e.node == node)
            state = e.details.value(QStringLiteral("state")).toString();
    }
    return state;
}

// The hops not reachable at the end of the recording, as brokenEdges() says them.
QStringList brokenAtEnd(const QString &path)
{
    const auto recording = Recording::open(path);
    if (!recording)
        return {QStringLiteral("cannot open")};
    ReplayCursor cursor(*recording.value());
    cursor.seek(recording.value()->endMs());
    return brokenEdges(*cursor.engine());
}

bool run(const QString &program, const QStringList &arguments, const QString &dir)
{
    QProcess p;
    p.setWorkingDirectory(dir);
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, arguments);
    if (!p.waitForFinished(60000) || p.exitCode() != 0) {
        qWarning("%s failed: %s", qPrintable(program), p.readAll().constData());
        return false;
    }
    return true;
}

} // namespace

class TestPrometheusLive : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void aQueryPrometheusRefusesFailsTheStartAtItsLine();
    void probesLabelsSilencesRestartAndSli();
    void oneOfTwoServersDown();
    void behindBasicAuthAndTls();
    void importsATopologyFromTargetsAndServiceGraph();

private:
    QByteArray mapping(const QByteArray &probeQuery) const;
    void startPrometheus();

    MonitoringStack m_stack;
    HttpServer m_prometheus;
    HttpServer m_alertmanager;
    std::unique_ptr<Listener> m_cache;
    std::unique_ptr<Listener> m_db;
};

QByteArray TestPrometheusLive::mapping(const QByteArray &probeQuery) const
{
    return "prometheus: " + m_prometheus.url.toString().toUtf8() + R"(
interval: 500ms
scenario: )" WARROOM_SOURCE_DIR R"(/resources/monitoring/two-sites.yaml
values:
  sites: {DC1: dc1}           # DC2 is dc2 without help: case does not matter
links:
  probe: )" +
           probeQuery + R"(
  up: up{job="blackbox"}
  source_label: src_site
  target_label: dst_site
  node_label: dst_node
series:
  - name: probe duration
    query: probe_duration_seconds{job="blackbox"}
    unit: s
    node_label: dst_node
  - name: slowest probe
    query: max by (src_site, dst_site) (probe_duration_seconds{job="blackbox"})
    unit: s
    source_label: src_site
    target_label: dst_site
sli:
  error_ratio: max(sli_error_ratio)
  requests: max(sli_requests_per_second)
alertmanager:
  url: )" + m_alertmanager.url.toString().toUtf8() +
           R"(
  interval: 500ms
  labels: {node: dst_node, site: dst_site}
)";
}

void TestPrometheusLive::startPrometheus()
{
    m_stack.start(QStringLiteral("prometheus"), QStringLiteral("prometheus"),
                  {u"--config.file=" + m_stack.path(QStringLiteral("prometheus.yml")),
                   u"--storage.tsdb.path=" + m_stack.path(QStringLiteral("prometheus-data")),
                   u"--web.listen-address=" + m_stack.at(QStringLiteral("prometheus"))});
}

void TestPrometheusLive::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    MonitoringStack &s = m_stack;
    m_cache = std::make_unique<Listener>(s.port(QStringLiteral("cache")));
    m_db = std::make_unique<Listener>(s.port(QStringLiteral("db")));
    m_prometheus.url = QUrl(u"http://" + s.at(QStringLiteral("prometheus")));
    m_prometheus.name = QStringLiteral("127.0.0.1");
    m_alertmanager.url = QUrl(u"http://" + s.at(QStringLiteral("alertmanager")));
    QVERIFY(QDir().mkpath(s.path(QStringLiteral("textfile"))));
    QVERIFY(s.write(QStringLiteral("textfile/sli.prom"),
                    "sli_error_ratio 0\nsli_requests_per_second 200\n"));
    const QByteArray relabel = R"(
    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {source_labels: [__param_target], target_label: instance}
      - {target_label: __address__, replacement: ")" +
                               s.at(QStringLiteral("blackbox")).toUtf8() + R"("})";
    QVERIFY(s.write(QStringLiteral("prometheus.yml"), R"(global:
  scrape_interval: 500ms
  scrape_timeout: 400ms
  evaluation_interval: 500ms
rule_files: [")" + s.path(QStringLiteral("rules.yml")).toUtf8() +
                                                          R"("]
alerting:
  alertmanagers:
    - static_configs: [{targets: [")" + s.at(QStringLiteral("alertmanager")).toUtf8() +
                                                          R"("]}]
scrape_configs:
  - job_name: blackbox
    metrics_path: /probe
    params: {module: [tcp_connect]}
    static_configs:
      - targets: [")" + s.at(QStringLiteral("cache")).toUtf8() +
                                                          R"("]
        labels: {src_site: DC2, dst_site: DC1, dst_node: cache-1}
      - targets: [")" + s.at(QStringLiteral("db")).toUtf8() +
                                                          R"("]
        labels: {src_site: DC2, dst_site: DC1, dst_node: db-primary}
      - targets: [")" + s.at(QStringLiteral("db")).toUtf8() +
                                                          R"("]
        labels: {src_site: DC2, dst_site: DC9, dst_node: db-9})" +
                                                          relabel + R"(
  - job_name: sli
    static_configs: [{targets: [")" + s.at(QStringLiteral("node")).toUtf8() +
                                                          R"("]}]
  - job_name: apps
    static_configs:
      - targets: [")" + s.at(QStringLiteral("node")).toUtf8() +
                                                          R"("]
        labels: {dc: DC1, service: frontend, node: web-1}
      - targets: [")" + s.at(QStringLiteral("node")).toUtf8() +
                                                          R"("]
        labels: {dc: DC1, service: checkout, node: checkout-1}
      - targets: [")" + s.at(QStringLiteral("node")).toUtf8() +
                                                          R"("]
        labels: {dc: DC2, service: payments, node: pay-1}
)"));
    // What an OpenTelemetry service-graph connector and Istio export.
    QVERIFY(s.write(QStringLiteral("textfile/graph.prom"),
                    "traces_service_graph_request_total{client=\"frontend\",server=\"checkout\"} "
                    "120\n"
                    "traces_service_graph_request_total{client=\"frontend\",server=\"ghost\"} 1\n"
                    "istio_requests_total{source_workload=\"checkout\",destination_workload="
                    "\"payments\"} 40\n"));
    QVERIFY(s.write(QStringLiteral("rules.yml"), R"(groups:
  - name: warroom
    rules:
      - alert: ProbeFailing
        expr: probe_success == 0
        labels: {severity: page}
        annotations: {summary: "{{ $labels.dst_node }} does not answer"}
)"));
    QVERIFY(s.write(QStringLiteral("alertmanager.yml"), R"(route:
  receiver: nobody
  group_wait: 0s
  group_interval: 1s
receivers:
  - name: nobody
)"));
    QVERIFY(s.write(QStringLiteral("blackbox.yml"),
                    "modules:\n  tcp_connect:\n    prober: tcp\n    timeout: 400ms\n"));
    s.start(QStringLiteral("node"), QStringLiteral("prometheus-node-exporter"),
            {u"--web.listen-address=" + s.at(QStringLiteral("node")),
             QStringLiteral("--collector.disable-defaults"), QStringLiteral("--collector.textfile"),
             u"--collector.textfile.directory=" + s.path(QStringLiteral("textfile"))});
    s.start(QStringLiteral("blackbox"), QStringLiteral("prometheus-blackbox-exporter"),
            {u"--config.file=" + s.path(QStringLiteral("blackbox.yml")),
             u"--web.listen-address=" + s.at(QStringLiteral("blackbox")),
             QStringLiteral("--timeout-offset=0.1")});
    s.start(QStringLiteral("alertmanager"), QStringLiteral("prometheus-alertmanager"),
            {u"--config.file=" + s.path(QStringLiteral("alertmanager.yml")),
             u"--storage.path=" + s.path(QStringLiteral("alertmanager-data")),
             u"--web.listen-address=" + s.at(QStringLiteral("alertmanager")),
             QStringLiteral("--cluster.listen-address=")});
    startPrometheus();
    QVERIFY(s.waitForResults(m_prometheus, QStringLiteral("probe_success"), 3, 30000));
    QVERIFY(s.waitForResults(m_prometheus, QStringLiteral("sli_error_ratio"), 1, 10000));
    QVERIFY(s.waitForResults(m_prometheus, QStringLiteral("istio_requests_total"), 3, 10000));
}

void TestPrometheusLive::aQueryPrometheusRefusesFailsTheStartAtItsLine()
{
    const QString file = m_stack.path(QStringLiteral("broken.yaml"));
    QVERIFY(
        m_stack.write(QStringLiteral("broken.yaml"), mapping(R"(probe_success{job="blackbox")")));
    IngestOptions options;
    LiveSources sources;
    sources.prometheusMapping = file;
    const auto session =
        LiveSession::start(m_stack.path(QStringLiteral("broken.warroom")), options, sources);
    QVERIFY(!session);
    const QString error = session.errors().first().toString();
    QVERIFY2(error.startsWith(file + u":7:10: links.probe: Prometheus 127.0.0.1 refuses it: "
                                     u"bad_data: "),
             qPrintable(error));
    QVERIFY2(error.contains(u"parse error"), qPrintable(error));
}

void TestPrometheusLive::probesLabelsSilencesRestartAndSli()
{
    // Maintenance on cache-1: its ProbeFailing is silenced before it fires.
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const QJsonObject silence{
        {QStringLiteral("matchers"),
         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("alertname")},
                                {QStringLiteral("value"), QStringLiteral("ProbeFailing")},
                                {QStringLiteral("isRegex"), false}},
                    QJsonObject{{QStringLiteral("name"), QStringLiteral("dst_node")},
                                {QStringLiteral("value"), QStringLiteral("cache-1")},
                                {QStringLiteral("isRegex"), false}}}},
        {QStringLiteral("startsAt"), now.toString(Qt::ISODateWithMs)},
        {QStringLiteral("endsAt"), now.addSecs(3600).toString(Qt::ISODateWithMs)},
        {QStringLiteral("createdBy"), QStringLiteral("tst_prometheus_live")},
        {QStringLiteral("comment"), QStringLiteral("cache-1 maintenance")}};
    QCOMPARE(m_stack
                 .request(m_alertmanager, QStringLiteral("/api/v2/silences"),
                          QJsonDocument(silence).toJson())
                 .first,
             200);

    QVERIFY(
        m_stack.write(QStringLiteral("mapping.yaml"), mapping(R"(probe_success{job="blackbox"})")));
    const QString path = m_stack.path(QStringLiteral("watched.warroom"));
    IngestOptions options;
    LiveSources sources;
    sources.prometheusMapping = m_stack.path(QStringLiteral("mapping.yaml"));
    auto session = LiveSession::start(path, options, sources);
    QVERIFY2(session, session ? "" : qPrintable(session.errors().first().toString()));
    QVERIFY(session.value()->warnings().isEmpty());
    QTRY_COMPARE_WITH_TIMEOUT(probedState(path, QStringLiteral("cache-1")),
                              QStringLiteral("reachable"), test::kLiveWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(probedState(path, QStringLiteral("db-primary")),
                              QStringLiteral("reachable"), test::kLiveWaitMs);

    // The users' error ratio climbs: an outage once it held state_for (1 s).
    QVERIFY(m_stack.write(QStringLiteral("textfile/sli.prom"),
                          "sli_error_ratio 0.4\nsli_requests_per_second 200\n"));

    // cache-1 stops answering: only the hops into cache-1 turn red, not those into db-primary
    // (same site pair, another node and port).
    m_cache.reset();
    QTRY_COMPARE_WITH_TIMEOUT(probedState(path, QStringLiteral("cache-1")),
                              QStringLiteral("blocked"), test::kLiveWaitMs);
    const QStringList broken = brokenAtEnd(path);
    QCOMPARE(broken.size(), 1);
    QVERIFY2(broken[0].startsWith(u"dc2/app-2 -> dc1/cache-1:6379: blocked: probe dc2 -> dc1 "
                                  u"(cache-1) fails"),
             qPrintable(broken[0]));
    QCOMPARE(probedState(path, QStringLiteral("db-primary")), QStringLiteral("reachable"));

    // Its alert is recorded as silenced, never as firing.
    auto alertsFor = [&path](EventKind kind, const QString &node) {
        int n = 0;
        for (const Event &e : eventsOf(path, kind))
            n += e.subject == u"ProbeFailing" && e.node == node;
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(alertsFor(EventKind::AlertSilenced, QStringLiteral("cache-1")), 1,
                              test::kLiveWaitMs);
    QCOMPARE(alertsFor(EventKind::AlertFiring, QStringLiteral("cache-1")), 0);
    const Event silenced = eventsOf(path, EventKind::AlertSilenced).first();
    QCOMPARE(silenced.site, QStringLiteral("dc1")); // DC1 through the table
    QCOMPARE(silenced.details.value(QStringLiteral("severity")).toString(), QStringLiteral("page"));
    QVERIFY(silenced.details.value(QStringLiteral("generator_url")).toString().contains(u"/graph"));

    // DC9 names no site: said once, however many polls saw it.
    auto unmatched = [&path] {
        int n = 0;
        for (const Event &e : eventsOf(path, EventKind::Annotation))
            n += e.details.value(QStringLiteral("problem")).toString() == u"unmatched" &&
                 e.details.value(QStringLiteral("value")).toString() == u"DC9";
        return n;
    };
    QCOMPARE(unmatched(), 1);

    // Prometheus goes down; db-primary dies meanwhile; Prometheus comes back with its old
    // samples (db-primary fine) still inside its lookback: no false "succeeds".
    const qint64 killedMs = QDateTime::currentMSecsSinceEpoch();
    m_stack.kill(QStringLiteral("prometheus"));
    m_db.reset();
    QTest::qWait(int(4 * kPollMs));
    startPrometheus();
    QTRY_COMPARE_WITH_TIMEOUT(probedState(path, QStringLiteral("db-primary")),
                              QStringLiteral("blocked"), test::kLiveWaitMs);
    for (const Event &e : eventsOf(path, EventKind::ProbeObserved)) {
        if (e.timeMs > killedMs && e.node == u"db-primary")
            qInfo("after the kill: %s", qPrintable(e.text));
        QVERIFY2(!(e.timeMs > killedMs && e.node == u"db-primary" &&
                   e.details.value(QStringLiteral("state")).toString() == u"reachable"),
                 qPrintable(e.text));
    }
    const QList<Event> annotations = eventsOf(path, EventKind::Annotation);
    QVERIFY(std::any_of(annotations.cbegin(), annotations.cend(),
                        [](const Event &e) { return e.text.contains(u"cannot be asked"); }));

    // The SLI's outage is in the service states, and the summary counts it.
    // (The first state event is the SLI's first answer: ok.)
    QTRY_VERIFY_WITH_TIMEOUT(eventsOf(path, EventKind::ServiceState).size() >= 2,
                             test::kLiveWaitMs);
    QCOMPARE(eventsOf(path, EventKind::ServiceState).first().subject, QStringLiteral("ok"));
    QCOMPARE(eventsOf(path, EventKind::ServiceState).at(1).subject, QStringLiteral("outage"));
    auto probeDuration = [&path] {
        const auto recording = Recording::open(path);
        const StoredSeries *s =
            recording
                ? recording.value()->seriesByKey(QStringLiteral("promql/probe duration/cache-1"))
                : nullptr;
        return s ? s->count : 0;
    };
    QVERIFY(probeDuration() >= 3);
    // A line per site pair, its values mapped as the probes' are (DC9 names nothing: no line).
    {
        const auto recording = Recording::open(path);
        QVERIFY(recording);
        const StoredSeries *pair =
            recording.value()->seriesByKey(QStringLiteral("promql/slowest probe/dc2 -> dc1"));
        QVERIFY(pair && pair->count >= 3);
        QCOMPARE(pair->info.unit, QStringLiteral("s"));
        int lines = 0;
        for (const StoredSeries &series : recording.value()->series())
            lines += series.info.key.startsWith(u"promql/slowest probe/");
        QCOMPARE(lines, 1);
    }
    QVERIFY(session.value()->close());
    const auto recording = Recording::open(path);
    QVERIFY(recording);
    const RecordingSummary summary = summarize(*recording.value());
    QCOMPARE(summary.outages.size(), 1);
    // 40 % of 200 requests a second failed while it held, as far as the SLI was answered (not
    // while Prometheus was down).
    const double seconds = double(summary.outages[0].durationMs()) / 1000.0;
    QVERIFY2(summary.outages[0].failedRequests > 80.0 * 2.0 &&
                 summary.outages[0].failedRequests < 80.0 * (seconds + 2.0),
             qPrintable(QString::number(summary.outages[0].failedRequests) + u" in " +
                        QString::number(seconds) + u" s"));
    QVERIFY(!summary.observed); // from the SLI, not derived from the probes
}

// Two servers, one of which never answers: the one that does still feeds the recording, and
// the other is said at the start and annotated, by name.
void TestPrometheusLive::oneOfTwoServersDown()
{
    const quint16 dead = freePort();
    QVERIFY(m_stack.write(
        QStringLiteral("two.yaml"),
        "prometheus:\n  - name: dc1\n    url: " + m_prometheus.url.toString().toUtf8() +
            "\n  - name: dc2\n    url: http://127.0.0.1:" + QByteArray::number(dead) +
            "\ninterval: 500ms\nscrape_interval: 500ms\nscenario: " WARROOM_SOURCE_DIR
            "/resources/monitoring/two-sites.yaml\nlinks:\n"
            "  probe: probe_success{job=\"blackbox\"}\n"
            "  source_label: src_site\n  target_label: dst_site\n"
            "  node_label: dst_node\n"));
    LiveSources sources;
    sources.prometheusMapping = m_stack.path(QStringLiteral("two.yaml"));
    const QString path = m_stack.path(QStringLiteral("two.warroom"));
    auto session = LiveSession::start(path, IngestOptions{}, sources);
    QVERIFY2(session, session ? "" : qPrintable(session.errors().first().toString()));
    QCOMPARE(session.value()->warnings().size(), 1);
    QVERIFY2(session.value()->warnings().first().startsWith(u"Prometheus dc2 at http://127.0.0.1:" +
                                                            QString::number(dead)),
             qPrintable(session.value()->warnings().first()));
    QTRY_VERIFY_WITH_TIMEOUT(!probedState(path, QStringLiteral("cache-1")).isEmpty(),
                             test::kLiveWaitMs);
    auto downAnnotations = [&path] {
        int n = 0;
        for (const Event &e : eventsOf(path, EventKind::Annotation))
            n += e.details.value(QStringLiteral("server")).toString() == u"dc2" &&
                 e.details.value(QStringLiteral("problem")).toString() == u"unreachable";
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(downAnnotations(), 1, test::kLiveWaitMs);
    QTest::qWait(int(6 * kPollMs)); // asked again with backoff: still said once
    QCOMPARE(downAnnotations(), 1);
}

void TestPrometheusLive::behindBasicAuthAndTls()
{
    MonitoringStack &s = m_stack;
    const QString dir = s.path(QStringLiteral("tls"));
    QVERIFY(QDir().mkpath(dir));
    QVERIFY(s.write(QStringLiteral("tls/san.cnf"), "subjectAltName=IP:127.0.0.1\n"));
    QVERIFY(run(QStringLiteral("openssl"),
                {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                 QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-keyout"),
                 QStringLiteral("ca.key"), QStringLiteral("-out"), QStringLiteral("ca.crt"),
                 QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-subj"),
                 QStringLiteral("/CN=warroom test CA")},
                dir));
    QVERIFY(run(QStringLiteral("openssl"),
                {QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                 QStringLiteral("-nodes"), QStringLiteral("-keyout"), QStringLiteral("server.key"),
                 QStringLiteral("-out"), QStringLiteral("server.csr"), QStringLiteral("-subj"),
                 QStringLiteral("/CN=127.0.0.1")},
                dir));
    QVERIFY(
        run(QStringLiteral("openssl"),
            {QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
             QStringLiteral("server.csr"), QStringLiteral("-CA"), QStringLiteral("ca.crt"),
             QStringLiteral("-CAkey"), QStringLiteral("ca.key"), QStringLiteral("-CAcreateserial"),
             QStringLiteral("-out"), QStringLiteral("server.crt"), QStringLiteral("-days"),
             QStringLiteral("2"), QStringLiteral("-extfile"), QStringLiteral("san.cnf")},
            dir));
    // The password "warroom-test-password", as bcrypt (Prometheus's web configuration).
    QVERIFY(s.write(QStringLiteral("tls/web.yml"), R"(tls_server_config:
  cert_file: server.crt
  key_file: server.key
basic_auth_users:
  warroom: $2b$04$yDqbax.YXfZI2T8LFGNkyOy5jjzNCIIWZGmzHJuw4QZ55LrSS0kQG
)"));
    QVERIFY(s.write(QStringLiteral("tls/password"), "warroom-test-password\n"));
    QVERIFY(s.write(QStringLiteral("tls/wrong"), "not-the-password\n"));
    QVERIFY(s.write(QStringLiteral("tls/prometheus.yml"),
                    "global: {scrape_interval: 1s}\nscrape_configs: []\n"));
    s.start(QStringLiteral("guarded"), QStringLiteral("prometheus"),
            {u"--config.file=" + dir + u"/prometheus.yml", u"--storage.tsdb.path=" + dir + u"/data",
             u"--web.config.file=" + dir + u"/web.yml",
             u"--web.listen-address=" + s.at(QStringLiteral("guarded"))});
    HttpServer guarded;
    guarded.name = QStringLiteral("guarded");
    guarded.url = QUrl(u"https://" + s.at(QStringLiteral("guarded")));
    guarded.username = QStringLiteral("warroom");
    guarded.passwordFile = dir + u"/password";
    guarded.caFile = dir + u"/ca.crt";
    QVERIFY(s.waitForResults(guarded, QStringLiteral("vector(1)"), 1, 30000));

    auto watch = [&](const QByteArray &passwordFile, const QByteArray &tls) {
        const QByteArray text = R"(prometheus:
  name: guarded
  url: )" + guarded.url.toString().toUtf8() +
                                R"(
  basic_auth: {username: warroom, password_file: )" +
                                passwordFile + R"(}
)" + tls + R"(
interval: 500ms
scenario: )" WARROOM_SOURCE_DIR R"(/resources/monitoring/two-sites.yaml
sli:
  success_ratio: vector(1)
)";
        s.write(QStringLiteral("tls/mapping.yaml"), text);
        LiveSources sources;
        sources.prometheusMapping = dir + u"/mapping.yaml";
        const QString path =
            dir + u"/guarded-" + QString::number(QDateTime::currentMSecsSinceEpoch()) + u".warroom";
        return std::pair{LiveSession::start(path, IngestOptions{}, sources), path};
    };
    // The right password, the test's CA: watched, its SLI recorded.
    {
        auto [session, path] = watch("password", "  tls: {ca_file: ca.crt}");
        QVERIFY2(session, session ? "" : qPrintable(session.errors().first().toString()));
        QCOMPARE(session.value()->warnings(), QStringList{});
        auto samples = [&file = path] { // (clang 14 captures no structured bindings)
            const auto recording = Recording::open(file);
            const StoredSeries *r =
                recording ? recording.value()->seriesByKey(QStringLiteral("service/failure_ratio"))
                          : nullptr;
            return r ? r->count : 0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(samples() >= 3, test::kLiveWaitMs);
    }
    // A wrong password is said, and so is a server whose certificate nobody vouches for
    // (verification is on by default).
    {
        auto [session, path] = watch("wrong", "  tls: {ca_file: ca.crt}");
        QVERIFY(session);
        QCOMPARE(session.value()->warnings().size(), 1);
        QVERIFY2(session.value()->warnings().first().contains(u"401"),
                 qPrintable(session.value()->warnings().first()));
    }
    {
        auto [session, path] = watch("password", "");
        QVERIFY(session);
        QCOMPARE(session.value()->warnings().size(), 1);
        QVERIFY2(
            session.value()->warnings().first().contains(u"certificate", Qt::CaseInsensitive) ||
                session.value()->warnings().first().contains(u"SSL", Qt::CaseInsensitive),
            qPrintable(session.value()->warnings().first()));
    }
}

// `warroom-cli import prometheus`: sites, nodes and roles from the targets' labels, the
// dependencies between roles from the service-graph metrics; a scenario that validates and that
// a live recording starts from.
void TestPrometheusLive::importsATopologyFromTargetsAndServiceGraph()
{
    const QString file = m_stack.path(QStringLiteral("imported.yaml"));
    QString outText, errText;
    QTextStream out(&outText), err(&errText);
    const int code = runCli(
        {QStringLiteral("warroom-cli"), QStringLiteral("import"), QStringLiteral("prometheus"),
         m_prometheus.url.toString(), QStringLiteral("--site-label"), QStringLiteral("dc"),
         QStringLiteral("--role-label"), QStringLiteral("service"), QStringLiteral("-o"), file},
        out, err);
    err.flush();
    QVERIFY2(code == ExitClean, qPrintable(errText));
    const Result<Scenario> imported = loadScenarioFile(file);
    QVERIFY2(imported, imported ? "" : qPrintable(imported.errors().first().toString()));
    const Topology &t = imported->topology;
    const int web = t.nodeIndex(QStringLiteral("web-1"));
    QVERIFY(web >= 0);
    QCOMPARE(t.sites[t.nodes[web].site].id, QStringLiteral("dc1"));
    QVERIFY(t.nodes[web].hasRole(QStringLiteral("frontend")));
    QCOMPARE(t.sites[t.nodes[t.nodeIndex(QStringLiteral("pay-1"))].site].id, QStringLiteral("dc2"));
    QStringList dependencies;
    for (const Dependency &d : t.dependencies)
        dependencies.append(d.fromRole + u"->" + d.toRole);
    dependencies.sort();
    QCOMPARE(dependencies, (QStringList{QStringLiteral("checkout->payments"),
                                        QStringLiteral("frontend->checkout")}));
    // What was left out is said: the blackbox probes, the service that no target is.
    QVERIFY2(errText.contains(u"3 blackbox probe targets left out"), qPrintable(errText));
    QVERIFY2(errText.contains(u"service ghost calls or is called but is no role"),
             qPrintable(errText));
    // A live recording starts from it.
    QVERIFY(m_stack.write(QStringLiteral("from-import.yaml"),
                          "prometheus: " + m_prometheus.url.toString().toUtf8() +
                              "\ninterval: 500ms\nscenario: imported.yaml\nnodes:\n  cpu: "
                              "max by (node) (up{job=\"apps\"})\n"));
    LiveSources sources;
    sources.prometheusMapping = m_stack.path(QStringLiteral("from-import.yaml"));
    const QString path = m_stack.path(QStringLiteral("from-import.warroom"));
    auto session = LiveSession::start(path, IngestOptions{}, sources);
    QVERIFY2(session, session ? "" : qPrintable(session.errors().first().toString()));
    auto cpuOf = [&path] {
        const auto recording = Recording::open(path);
        const StoredSeries *s =
            recording ? recording.value()->seriesByKey(QStringLiteral("node/pay-1/cpu")) : nullptr;
        return s ? s->count : 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(cpuOf() >= 2, test::kLiveWaitMs);
}

QTEST_GUILESS_MAIN(TestPrometheusLive)
#include "tst_prometheus_live.moc"
