// The war room watching a real monitoring stack: Prometheus, the blackbox exporter,
// node_exporter and Alertmanager from Debian's packages, started here on loopback
// (scripts/install-deps installs them) with the demo's configuration (resources/monitoring),
// probing small TCP listeners that stand for cache-1 and db-primary in DC1 (probed from DC2) and
// lb-1 (the public probe, the SLI). Closing cache-1 turns only its hops red (how fast is
// bench_prometheus_latency's to measure: every wait here is test::kLiveWaitMs); the alert comes in
// once over the webhook and the poll; the public probe failing is an outage; the prober going down
// makes the probed hops unknown; app-2's CPU is charted.
#include "core/store/recording.h"
#include "support/monitoring_stack.h"
#include "support/test_support.h"
#include "ui/map/map_view.h"
#include "ui/recording_window.h"

#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace warroom;

namespace {

constexpr qint64 kPollMs = 1500; // the mapping's interval

// The drawn state of the hops from node `from` to node `to` (all the same, or "mixed"), and
// whether any of them is observed by a probe.
struct Drawn
{
    QString state;
    bool observed = false;
    bool disagreeing = false;
};

Drawn drawnTo(const MapView &map, const QString &from, const QString &to)
{
    Drawn d;
    for (const MapHop &h : map.scene().hops()) {
        if (h.report.from != from || h.report.to != to)
            continue;
        const QString state = toString(h.state());
        d.state = d.state.isEmpty() || d.state == state ? state : QStringLiteral("mixed");
        d.observed = d.observed || h.report.verdict.provenance != Provenance::Computed;
        d.disagreeing = d.disagreeing || h.disagreeing();
    }
    return d;
}

} // namespace

class TestMonitoring : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void warRoomFollowsRealProbesAlertsAndCpu();

private:
    void render(const QString &templateName);

    test::MonitoringStack m_stack; // stops the daemons with the test
    std::unique_ptr<test::Listener> m_cache;
    std::unique_ptr<test::Listener> m_db;
    std::unique_ptr<test::Listener> m_lb;
};

// A template of resources/monitoring with its @NAME_PORT@, @DIR@, @INTERVAL@ and @SCENARIO@
// filled in, as scripts/monitoring-demo does.
void TestMonitoring::render(const QString &templateName)
{
    QFile in(QStringLiteral(WARROOM_SOURCE_DIR "/resources/monitoring/") + templateName);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QString text = QString::fromUtf8(in.readAll());
    for (const char *name : {"PROMETHEUS", "BLACKBOX", "ALERTMANAGER", "NODE_EXPORTER", "CACHE",
                             "DB", "LB", "WEBHOOK"})
        text.replace(u'@' + QLatin1StringView(name) + u"_PORT@",
                     QString::number(m_stack.port(QString::fromLatin1(name))));
    text.replace(QStringLiteral("@DIR@"), m_stack.path({}));
    text.replace(QStringLiteral("@INTERVAL@"), QString::number(kPollMs) + u"ms");
    text.replace(QStringLiteral("@SCENARIO@"),
                 QStringLiteral(WARROOM_SOURCE_DIR "/resources/monitoring/two-sites.yaml"));
    QString name = templateName;
    name.remove(QStringLiteral(".in"));
    QVERIFY(m_stack.write(name, text.toUtf8()));
}

void TestMonitoring::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    test::MonitoringStack &s = m_stack;
    m_cache = std::make_unique<test::Listener>(s.port(QStringLiteral("CACHE")));
    m_db = std::make_unique<test::Listener>(s.port(QStringLiteral("DB")));
    m_lb = std::make_unique<test::Listener>(s.port(QStringLiteral("LB")));
    for (const char *name : {"prometheus.yml.in", "alertmanager.yml.in", "mapping.yaml.in",
                             "blackbox.yml", "rules.yml"})
        render(QString::fromLatin1(name));
    s.start(QStringLiteral("node-exporter"), QStringLiteral("prometheus-node-exporter"),
            {u"--web.listen-address=" + s.at(QStringLiteral("NODE_EXPORTER")),
             QStringLiteral("--collector.disable-defaults"), QStringLiteral("--collector.cpu")});
    s.start(QStringLiteral("blackbox"), QStringLiteral("prometheus-blackbox-exporter"),
            {u"--config.file=" + s.path(QStringLiteral("blackbox.yml")),
             u"--web.listen-address=" + s.at(QStringLiteral("BLACKBOX")),
             QStringLiteral("--timeout-offset=0.1")});
    s.start(QStringLiteral("alertmanager"), QStringLiteral("prometheus-alertmanager"),
            {u"--config.file=" + s.path(QStringLiteral("alertmanager.yml")),
             u"--storage.path=" + s.path(QStringLiteral("alertmanager-data")),
             u"--web.listen-address=" + s.at(QStringLiteral("ALERTMANAGER")),
             QStringLiteral("--cluster.listen-address=")});
    s.start(QStringLiteral("prometheus"), QStringLiteral("prometheus"),
            {u"--config.file=" + s.path(QStringLiteral("prometheus.yml")),
             u"--storage.tsdb.path=" + s.path(QStringLiteral("prometheus-data")),
             u"--web.listen-address=" + s.at(QStringLiteral("PROMETHEUS"))});
    // Ready when Prometheus has a probe result for the three services.
    HttpServer prometheus;
    prometheus.url = QUrl(u"http://" + s.at(QStringLiteral("PROMETHEUS")));
    QVERIFY(s.waitForResults(prometheus, QStringLiteral("probe_success"), 3, 30000));
}

void TestMonitoring::warRoomFollowsRealProbesAlertsAndCpu()
{
    RecordingWindow window;
    window.resize(1400, 900);
    QSignalSpy loaded(&window, &RecordingWindow::loaded);
    window.watchPrometheus(m_stack.path(QStringLiteral("mapping.yaml")));
    QVERIFY(loaded.wait(test::kLiveWaitMs));
    QVERIFY(window.data()->live);
    const QString path = window.data()->path;
    auto hop = [&window](const QString &to) {
        return drawnTo(*window.map(), QStringLiteral("app-2"), to);
    };
    const QString cache = QStringLiteral("cache-1");
    const QString db = QStringLiteral("db-primary");

    // Both probes succeed: the hops from app-2 into cache-1 and db-primary are observed.
    QTRY_VERIFY_WITH_TIMEOUT(hop(cache).observed, test::kLiveWaitMs);
    QTRY_VERIFY_WITH_TIMEOUT(hop(db).observed, test::kLiveWaitMs);
    QCOMPARE(hop(cache).state, QStringLiteral("reachable"));

    // cache-1 stops answering: its hop turns red (about a poll later), and is marked as
    // disagreeing with the rules, which allow it; db-primary's, same site pair, stays green.
    QElapsedTimer sinceCut;
    sinceCut.start();
    m_cache.reset();
    QTRY_COMPARE_WITH_TIMEOUT(hop(cache).state, QStringLiteral("blocked"), test::kLiveWaitMs);
    qInfo("app-2 -> cache-1 red %lld ms after the service closed (poll interval %lld ms)",
          sinceCut.elapsed(), kPollMs);
    QVERIFY(hop(cache).disagreeing);
    QCOMPARE(hop(db).state, QStringLiteral("reachable"));

    // Prometheus fires ProbeFailing; Alertmanager sends it to the webhook and the poll sees
    // it too: one alert.firing event on the timeline, for cache-1 in dc1 (DC1 mapped).
    auto alertEvents = [&window] {
        int n = 0;
        for (const Event &e : window.data()->events)
            n += e.kind == EventKind::AlertFiring && e.subject == u"ProbeFailing" &&
                 e.node == u"cache-1" && e.site == u"dc1";
        return n;
    };
    QTRY_VERIFY_WITH_TIMEOUT(alertEvents() == 1, test::kLiveWaitMs);

    // The public cannot reach lb-1: the SLI says every request fails, an outage once it held
    // state_for (1 s in the scenario).
    m_lb.reset();
    QTRY_VERIFY_WITH_TIMEOUT(
        std::any_of(window.data()->stateEvents.cbegin(), window.data()->stateEvents.cend(),
                    [](const Event &e) {
                        return e.kind == EventKind::ServiceState && e.subject == u"outage";
                    }),
        test::kLiveWaitMs);

    // The prober goes down: the probed hops are unknown (grey), not blocked.
    sinceCut.restart();
    m_stack.kill(QStringLiteral("blackbox"));
    QTRY_COMPARE_WITH_TIMEOUT(hop(db).state, QStringLiteral("unknown"), test::kLiveWaitMs);
    qInfo("app-2 -> db-primary unknown %lld ms after the prober died", sinceCut.elapsed());
    QTRY_COMPARE_WITH_TIMEOUT(hop(cache).state, QStringLiteral("unknown"), test::kLiveWaitMs);
    QCOMPARE(alertEvents(), 1); // polled again since, still once

    // app-2's CPU from node_exporter is in the recording, one sample per poll.
    auto cpuSamples = [&path] {
        const auto recording = Recording::open(path);
        const StoredSeries *cpu =
            recording ? recording.value()->seriesByKey(QStringLiteral("node/app-2/cpu")) : nullptr;
        return cpu ? cpu->count : 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(cpuSamples() >= 3, test::kLiveWaitMs);

    // Prometheus itself goes: the timeline says so, and why.
    m_stack.kill(QStringLiteral("prometheus"));
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(window.data()->events.cbegin(),
                                         window.data()->events.cend(),
                                         [](const Event &e) {
                                             return e.kind == EventKind::Annotation &&
                                                    e.text.contains(u"cannot be asked");
                                         }),
                             test::kLiveWaitMs);
    window.close();
    const auto recording = Recording::open(path);
    QVERIFY(recording);
    const auto probes = recording.value()->events(EventFilter::ofKinds({EventKind::ProbeObserved}));
    QVERIFY(probes.size() >= 5); // two nodes seen, cache-1 blocked, both unknown (and the public)
}

QTEST_MAIN(TestMonitoring)
#include "tst_monitoring.moc"
