// Seeking a recording: the replay cursor's state at a random time, from a fresh cursor (the
// worst case: no state to move forward from). On the bundled recordings, and on a 24-hour
// recording with 1,000,000 state-change events and 10 M samples (bench/big_recording.h).
#include "big_recording.h"
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

const Recording &flapping()
{
    static std::unique_ptr<Recording> recording = std::move(
        Recording::open(bench::bigRecording(dir().filePath(QStringLiteral("flapping.warroom"))))
            .value());
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
    qint64 samples = 0;
    for (const StoredSeries &series : r.series())
        samples += series.count;
    state.counters["samples"] = double(samples);
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
