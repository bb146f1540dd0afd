// The store path: 1,000,000 metric samples (100 series x 10,000) written into a recording,
// against the sqlite3 command-line tool importing the same samples as CSV rows into an
// indexed table, in the same run. Both are checked to hold every sample afterwards.
#include "core/store/recording.h"
#include "core/store/recording_sink.h"
#include "core/store/recording_writer.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>

#include <cmath>

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
    const QString csv = dir().filePath(QStringLiteral("samples.csv"));
    if (!QFile::exists(csv)) {
        QFile file(csv);
        file.open(QIODevice::WriteOnly);
        QByteArray out;
        out.reserve(32 << 20);
        for (int i = 0; i < kSamples; ++i) {
            for (int s = 0; s < kSeries; ++s)
                out += QByteArray::number(s) + ',' + QByteArray::number(qint64(i) * 1000) + ',' +
                       QByteArray::number(double(value(s, i)), 'g', 9) + '\n';
        }
        file.write(out);
    }
    const QString db = dir().filePath(QStringLiteral("import.db"));
    for (auto _ : state) {
        state.PauseTiming();
        QFile::remove(db);
        state.ResumeTiming();
        QElapsedTimer timer;
        timer.start();
        QProcess sqlite;
        sqlite.start(QStringLiteral("sqlite3"), {db});
        sqlite.write("CREATE TABLE samples (series INTEGER, time_ms INTEGER, value REAL);\n"
                     "CREATE INDEX samples_by_series ON samples (series, time_ms);\n"
                     ".mode csv\n.import " +
                     csv.toUtf8() + " samples\nSELECT count(*) FROM samples;\n");
        sqlite.closeWriteChannel();
        if (!sqlite.waitForFinished(600000) || sqlite.exitCode() != 0) {
            state.SkipWithError("sqlite3 failed (is the sqlite3 package installed?)");
            break;
        }
        if (sqlite.readAllStandardOutput().trimmed() != QByteArray::number(kSeries * kSamples))
            state.SkipWithError("rows missing");
    }
    state.SetItemsProcessed(state.iterations() * kSeries * kSamples);
}

} // namespace

BENCHMARK(BM_RecordingWrite)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SqliteCliImport)->Unit(benchmark::kMillisecond)->UseRealTime();

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv); // the SQLite driver is a Qt plugin
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
