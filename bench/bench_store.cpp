// The store path: 1,000,000 metric samples (100 series x 10,000) written into a recording,
// against the sqlite3 command-line tool importing the same samples as CSV rows into an
// indexed table, in the same run. Both are checked to hold every sample afterwards.
#include "core/store/recording.h"
#include "core/store/recording_sink.h"
#include "core/store/recording_writer.h"
#include "sqlite_import.h"

#include <benchmark/benchmark.h>

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <cmath>
#include <map>
#include <random>

using namespace warroom;

namespace {

constexpr int kSeries = 100;
constexpr int kSamples = 10'000;

float value(int series, int i)
{
    return float(50.0 + 40.0 * std::sin(double(i) / (100.0 + series)));
}

QTemporaryDir &dir()
{
    static QTemporaryDir d;
    return d;
}

void BM_RecordingWrite(benchmark::State &state)
{
    const QString path = dir().filePath(QStringLiteral("bench.warroom"));
    for (auto _ : state) {
        auto writer = RecordingWriter::create(path);
        {
            RecordingSink sink(*writer.value());
            std::vector<int> handles;
            for (int s = 0; s < kSeries; ++s)
                handles.push_back(sink.beginSeries({u"node/n" + QString::number(s) + u"/cpu",
                                                    {},
                                                    QStringLiteral("cpu"),
                                                    QStringLiteral("%"),
                                                    0,
                                                    1000}));
            // Sampled as a source produces them: every series once per tick.
            for (int i = 0; i < kSamples; ++i) {
                for (int s = 0; s < kSeries; ++s)
                    sink.sample(handles[size_t(s)], value(s, i));
            }
            sink.finish();
        }
        if (!writer.value()->close()) // committed and durable
            state.SkipWithError("write failed");
        state.PauseTiming();
        auto r = Recording::open(path);
        qint64 total = 0;
        for (const StoredSeries &s : r.value()->series())
            total += qint64(r.value()->samples(s, 0, 1LL << 40).size());
        if (total != qint64(kSeries) * kSamples)
            state.SkipWithError("samples missing");
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * kSeries * kSamples);
}

void BM_SqliteCliImport(benchmark::State &state)
{
    bench::sqliteImportBenchmark(state, dir().path(), kSeries, kSamples, value);
}

// One series of `n` samples at 1 s, written once per size and kept for the window queries.
const Recording &seriesOf(qint64 n)
{
    static std::map<qint64, std::unique_ptr<Recording>> recordings;
    auto &slot = recordings[n];
    if (!slot) {
        const QString path = dir().filePath(u"window-" + QString::number(n) + u".warroom");
        auto writer = RecordingWriter::create(path);
        {
            RecordingSink sink(*writer.value());
            const int s =
                sink.beginSeries({QStringLiteral("s"), {}, QStringLiteral("v"), {}, 0, 1000});
            for (qint64 i = 0; i < n; ++i)
                sink.sample(s, value(int(i % 97), int(i)));
            sink.finish();
        }
        writer.value()->close();
        slot = std::move(Recording::open(path).value());
    }
    return *slot;
}

// A chart window of 1,000 pixel columns at a random place and zoom (from 1,000 samples to the
// whole series): what a chart asks for on every frame while the user zooms and pans.
void BM_WindowQuery(benchmark::State &state)
{
    const qint64 n = state.range(0);
    const Recording &r = seriesOf(n);
    const StoredSeries &s = r.series().first();
    std::mt19937_64 random(11);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    qint64 points = 0;
    std::vector<double> latencies;
    for (auto _ : state) {
        const double zoom = std::pow(double(n) / 1000.0, unit(random)); // log-uniform span
        const qint64 span = qint64(1000.0 * zoom) * 1000;
        const qint64 from = qint64(unit(random) * double(n * 1000 - span));
        QElapsedTimer timer;
        timer.start();
        const QList<WindowPoint> window = r.window(s, from, from + span, 1000);
        latencies.push_back(double(timer.nsecsElapsed()) / 1000.0);
        points += window.size();
        benchmark::DoNotOptimize(window.data());
    }
    std::sort(latencies.begin(), latencies.end());
    state.counters["points_per_query"] = double(points) / double(state.iterations());
    state.counters["query_p50_us"] = latencies[latencies.size() / 2];
    state.counters["query_p95_us"] = latencies[size_t(double(latencies.size() - 1) * 0.95)];
}

} // namespace

BENCHMARK(BM_WindowQuery)
    ->Arg(1'000'000)
    ->Arg(100'000'000)
    ->Unit(benchmark::kMicrosecond)
    ->Repetitions(3)
    ->ReportAggregatesOnly(true);
BENCHMARK(BM_RecordingWrite)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SqliteCliImport)->Unit(benchmark::kMillisecond)->UseRealTime();
