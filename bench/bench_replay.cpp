// Seeking a recording: the replay cursor's state at a random time, from a fresh cursor (the
// worst case: no state to move forward from). On the bundled recordings, and on a 24-hour
// recording with 1,000,000 state-change events (links of a 300-node fleet flapping), written as
// the simulator writes: a topology version every 1,000 changes or every hour.
#include "core/model/topology_json.h"
#include "core/replay/replay_cursor.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/random.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording_writer.h"

#include <benchmark/benchmark.h>

#include <QElapsedTimer>
#include <QTemporaryDir>

using namespace warroom;

namespace {

QTemporaryDir &dir()
{
    static QTemporaryDir d;
    return d;
}

const Recording &bundled(const QString &name)
{
    static std::map<QString, std::unique_ptr<Recording>> recordings;
    auto &slot = recordings[name];
    if (!slot) {
        const QString path = dir().filePath(name + u".warroom");
        recordSimulation(
            loadScenarioFile(QStringLiteral(WARROOM_SCENARIO_DIR "/") + name + u".yaml").value(),
            {}, path);
        slot = std::move(Recording::open(path).value());
    }
    return *slot;
}

// Sites dc1..dc3 fully meshed with 12 parallel links each, 300 nodes, 1 M link flaps in a day.
const Recording &flapping()
{
    static std::unique_ptr<Recording> recording = [] {
        Topology t;
        for (const char *id : {"dc1", "dc2", "dc3"}) {
            Site site;
            site.id = QString::fromLatin1(id);
            t.sites.append(site);
        }
        for (int i = 0; i < 36; ++i) {
            Link l;
            l.id = u"l" + QString::number(i);
            l.siteA = i % 3;
            l.siteB = (i + 1) % 3;
            t.links.append(l);
        }
        for (int n = 0; n < 300; ++n) {
            Node node;
            node.id = u"n" + QString::number(n);
            node.roles = {n < 100 ? QStringLiteral("web") : QStringLiteral("db")};
            node.site = n % 3;
            t.nodes.append(node);
        }
        Dependency web;
        web.id = QStringLiteral("web->db");
        web.fromRole = QStringLiteral("web");
        web.toRole = QStringLiteral("db");
        web.port = 5432;
        t.dependencies.append(web);
        const QString path = dir().filePath(QStringLiteral("flapping.warroom"));
        auto writer = RecordingWriter::create(path);
        RecordingWriter &w = *writer.value();
        const qint64 start = 1700000000000LL;
        w.setMeta(QStringLiteral("start_ms"), QString::number(start));
        w.setMeta(QStringLiteral("end_ms"), QString::number(start + 86400000LL));
        w.addTopologyVersion(start, QStringLiteral("start"), topologyToJsonBytes(t));
        Random random(3);
        const int events = 1'000'000;
        for (int i = 0; i < events; ++i) {
            const int link = random.below(36);
            const bool down = t.links[link].state == ElementState::Up;
            t.links[link].state = down ? ElementState::Down : ElementState::Up;
            Event e;
            e.timeMs = start + qint64(i) * 86400000LL / events;
            e.kind = down ? EventKind::LinkDown : EventKind::LinkUp;
            e.subject = t.links[link].id;
            w.append(e);
            if ((i + 1) % 1000 == 0)
                w.addTopologyVersion(e.timeMs, QStringLiteral("checkpoint"),
                                     topologyToJsonBytes(t));
        }
        w.close();
        return std::move(Recording::open(path).value());
    }();
    return *recording;
}

void seekBenchmark(benchmark::State &state, const Recording &r)
{
    Random random(9);
    std::vector<double> latencies;
    for (auto _ : state) {
        const qint64 t = r.startMs() + qint64(random.uniform() * double(r.endMs() - r.startMs()));
        QElapsedTimer timer;
        timer.start();
        ReplayCursor cursor(r);
        cursor.seek(t);
        benchmark::DoNotOptimize(cursor.engine());
        latencies.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(latencies.begin(), latencies.end());
    state.counters["seek_p50_ms"] = latencies[latencies.size() / 2];
    state.counters["seek_p95_ms"] = latencies[size_t(double(latencies.size() - 1) * 0.95)];
    state.counters["events"] = double(r.eventCount());
}

void BM_SeekLemniscus(benchmark::State &state)
{
    seekBenchmark(state, bundled(QStringLiteral("lemniscus-2020")));
}

void BM_SeekPagerDuty(benchmark::State &state)
{
    seekBenchmark(state, bundled(QStringLiteral("pagerduty-2011")));
}

void BM_SeekOneMillionEvents(benchmark::State &state)
{
    seekBenchmark(state, flapping());
}

} // namespace

BENCHMARK(BM_SeekLemniscus)->Unit(benchmark::kMillisecond)->Iterations(200);
BENCHMARK(BM_SeekPagerDuty)->Unit(benchmark::kMillisecond)->Iterations(200);
BENCHMARK(BM_SeekOneMillionEvents)->Unit(benchmark::kMillisecond)->Iterations(200);
