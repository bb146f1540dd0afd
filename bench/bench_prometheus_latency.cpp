// How fast a probe failure reaches the map: a real Prometheus (scraping every second) and
// blackbox exporter probe a TCP service standing for cache-1; the war room watches them with a
// 1 s poll. Each trial closes the service and times until app-2 -> cache-1 is drawn blocked,
// then opens it again and waits for reachable. Prints every trial, the median and the p95
// against the bound scrape + poll + 0.5 s. Needs Debian's prometheus and
// prometheus-blackbox-exporter (scripts/install-deps).
//   build/bench/bench_prometheus_latency [TRIALS]
#include "support/monitoring_stack.h"
#include "ui/map/map_view.h"
#include "ui/recording_window.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace warroom;
using namespace warroom::test;

namespace {

constexpr qint64 kScrapeMs = 1000;
constexpr qint64 kPollMs = 1000;

QString drawn(const MapView &map)
{
    for (const MapHop &h : map.scene().hops()) {
        if (h.report.from == u"app-2" && h.report.to == u"cache-1")
            return h.report.verdict.provenance == Provenance::Computed ? QStringLiteral("computed")
                                                                       : toString(h.state());
    }
    return {};
}

// Waits, looking every 5 ms, until the map draws `state`; the time it took, or -1.
qint64 waitFor(const MapView &map, const QString &state, qint64 timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < timeoutMs) {
        if (drawn(map) == state)
            return clock.elapsed();
        QTest::qWait(5);
    }
    return -1;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int trials = argc > 1 ? std::atoi(argv[1]) : 10;
    MonitoringStack stack;
    auto service = std::make_unique<Listener>(stack.port(QStringLiteral("cache")));
    const QByteArray relabel = R"(
    relabel_configs:
      - {source_labels: [__address__], target_label: __param_target}
      - {source_labels: [__param_target], target_label: instance}
      - {target_label: __address__, replacement: ")" +
                               stack.at(QStringLiteral("blackbox")).toUtf8() + "\"}\n";
    stack.write(QStringLiteral("prometheus.yml"),
                "global: {scrape_interval: 1s, scrape_timeout: 800ms}\nscrape_configs:\n"
                "  - job_name: blackbox\n    metrics_path: /probe\n"
                "    params: {module: [tcp_connect]}\n    static_configs:\n      - targets: [\"" +
                    stack.at(QStringLiteral("cache")).toUtf8() +
                    "\"]\n        labels: {src_site: DC2, dst_site: DC1, dst_node: cache-1}" +
                    relabel);
    stack.write(QStringLiteral("blackbox.yml"),
                "modules:\n  tcp_connect:\n    prober: tcp\n    timeout: 500ms\n");
    stack.write(QStringLiteral("mapping.yaml"),
                "prometheus: http://" + stack.at(QStringLiteral("prometheus")).toUtf8() +
                    "\ninterval: 1s\nscenario: " WARROOM_SOURCE_DIR
                    "/resources/monitoring/two-sites.yaml\nlinks:\n"
                    "  probe: probe_success{job=\"blackbox\"}\n  up: up{job=\"blackbox\"}\n"
                    "  source_label: src_site\n  target_label: dst_site\n"
                    "  node_label: dst_node\n");
    stack.start(QStringLiteral("blackbox"), QStringLiteral("prometheus-blackbox-exporter"),
                {u"--config.file=" + stack.path(QStringLiteral("blackbox.yml")),
                 u"--web.listen-address=" + stack.at(QStringLiteral("blackbox"))});
    stack.start(QStringLiteral("prometheus"), QStringLiteral("prometheus"),
                {u"--config.file=" + stack.path(QStringLiteral("prometheus.yml")),
                 u"--storage.tsdb.path=" + stack.path(QStringLiteral("data")),
                 u"--web.listen-address=" + stack.at(QStringLiteral("prometheus"))});
    HttpServer prometheus;
    prometheus.url = QUrl(u"http://" + stack.at(QStringLiteral("prometheus")));
    if (!stack.waitForResults(prometheus, QStringLiteral("probe_success"), 1, 30000)) {
        std::fprintf(stderr, "Prometheus did not start (scripts/install-deps)\n");
        return 1;
    }
    RecordingWindow window;
    window.resize(1600, 1000);
    window.show();
    QSignalSpy loaded(&window, &RecordingWindow::loaded);
    window.watchPrometheus(stack.path(QStringLiteral("mapping.yaml")));
    if (!loaded.wait(30000) || waitFor(*window.map(), QStringLiteral("reachable"), 10000) < 0) {
        std::fprintf(stderr, "the war room did not show the probe\n");
        return 1;
    }
    QList<qint64> latencies;
    for (int trial = 0; trial < trials; ++trial) {
        // Cut at a random phase of the scrape and poll cycles.
        QTest::qWait(int(250 + (trial * 373) % 1000));
        service.reset();
        const qint64 ms = waitFor(*window.map(), QStringLiteral("blocked"), 10000);
        std::printf("trial %2d: blocked on the map %lld ms after the service closed\n", trial + 1,
                    ms);
        std::fflush(stdout);
        if (ms < 0)
            return 1;
        latencies.append(ms);
        service = std::make_unique<Listener>(stack.port(QStringLiteral("cache")));
        if (waitFor(*window.map(), QStringLiteral("reachable"), 10000) < 0)
            return 1;
    }
    std::sort(latencies.begin(), latencies.end());
    const qint64 median = latencies[latencies.size() / 2];
    // Nearest rank: the smallest value with at least 95 % of the trials at or below it.
    const qint64 p95 = latencies[std::max<qsizetype>(
        0, qsizetype(std::ceil(0.95 * double(latencies.size()))) - 1)];
    const qint64 bound = kScrapeMs + kPollMs + 500;
    std::printf("%d trials, scrape %lld ms, poll %lld ms: median %lld ms, p95 %lld ms, max %lld "
                "ms (bound %lld ms: %s)\n",
                trials, kScrapeMs, kPollMs, median, p95, latencies.last(), bound,
                p95 <= bound ? "met" : "NOT met");
    return p95 <= bound ? 0 : 2;
}
