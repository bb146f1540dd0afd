// A live feed into a durable recording: 1,000,000 samples (100 series x 10,000, sent as JSON
// lines of 100 values each) over loopback TCP to the ingest server (on its own thread, as in
// the GUI), from the first byte to the last acknowledgement and the recording closed, against
// the sqlite3 CLI importing the same samples as CSV rows, in the same run. Both are counted.
#include "core/live/feed_protocol.h"
#include "core/live/ingest_server.h"
#include "core/store/recording.h"
#include "sqlite_import.h"

#include <benchmark/benchmark.h>

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>

#include <cmath>

using namespace warroom;

namespace {

constexpr int kSeries = 100;
constexpr int kSamples = 10'000;
constexpr int kPerLine = 100;

float value(int series, int i)
{
    return float(50.0 + 40.0 * std::sin(double(i) / (100.0 + series)));
}

QTemporaryDir &dir()
{
    static QTemporaryDir d;
    return d;
}

QByteArray payload(qint64 *lines)
{
    QByteArray out;
    *lines = 0;
    for (int s = 0; s < kSeries; ++s) {
        out += feed::seriesLine({u"node/n" + QString::number(s) + u"/cpu",
                                 {},
                                 QStringLiteral("cpu"),
                                 QStringLiteral("%"),
                                 0,
                                 1000});
        ++*lines;
    }
    for (int i = 0; i < kSamples; i += kPerLine) {
        for (int s = 0; s < kSeries; ++s) {
            QList<float> values;
            for (int k = i; k < i + kPerLine; ++k)
                values.append(value(s, k));
            out += feed::samplesLine(u"node/n" + QString::number(s) + u"/cpu", values);
            ++*lines;
        }
    }
    return out;
}

void BM_FeedIntoRecording(benchmark::State &state)
{
    qint64 lines = 0;
    const QByteArray bytes = payload(&lines);
    const QString path = dir().filePath(QStringLiteral("feed.warroom"));
    for (auto _ : state) {
        state.PauseTiming();
        QFile::remove(path);
        QThread thread;
        thread.start();
        std::unique_ptr<IngestServer> server;
        // The server lives on its own thread (its event loop reads the sockets).
        QObject context;
        context.moveToThread(&thread);
        QMetaObject::invokeMethod(
            &context, [&] { server = std::move(IngestServer::start(path, {}).value()); },
            Qt::BlockingQueuedConnection);
        state.ResumeTiming();
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, server->port());
        socket.waitForConnected(5000);
        socket.write(bytes);
        QByteArray replies;
        qint64 acked = 0;
        while (acked < lines && socket.state() == QTcpSocket::ConnectedState) {
            socket.waitForReadyRead(1000);
            replies += socket.readAll();
            qsizetype newline;
            while ((newline = replies.indexOf('\n')) >= 0) {
                acked = qint64(QJsonDocument::fromJson(replies.left(newline))
                                   .object()
                                   .value(QStringLiteral("ack"))
                                   .toDouble());
                replies.remove(0, newline + 1);
            }
        }
        // Everything committed and the file closed: durable.
        QMetaObject::invokeMethod(
            &context,
            [&] {
                server->close();
                server.reset();
            },
            Qt::BlockingQueuedConnection);
        state.PauseTiming();
        context.moveToThread(QThread::currentThread());
        thread.quit();
        thread.wait();
        auto r = Recording::open(path);
        qint64 total = 0;
        for (const StoredSeries &s : r.value()->series())
            total += qint64(r.value()->samples(s, 0, 1LL << 40).size());
        if (acked != lines || total != qint64(kSeries) * kSamples)
            state.SkipWithError("samples missing");
        state.ResumeTiming();
    }
    state.counters["MB"] = double(bytes.size()) / 1e6;
    state.SetItemsProcessed(state.iterations() * kSeries * kSamples);
}

void BM_SqliteCliImport(benchmark::State &state)
{
    bench::sqliteImportBenchmark(state, dir().path(), kSeries, kSamples, value);
}

} // namespace

// Reading one event line: a plain one takes the fast reader, one with an escape in its text
// the JSON parser (as every line did before).
void BM_ParseEventLine(benchmark::State &state)
{
    Event e;
    e.timeMs = 1700000000000LL;
    e.kind = EventKind::AlertFiring;
    e.node = QStringLiteral("lb-1");
    e.site = QStringLiteral("dc1");
    e.subject = QStringLiteral("HighErrorRate");
    e.text = state.range(0) ? QStringLiteral("HighErrorRate on lb-1: \"50 %\" of requests fail")
                            : QStringLiteral("HighErrorRate on lb-1: 50 % of requests fail");
    const QByteArray line = feed::eventLine(e).trimmed();
    for (auto _ : state)
        benchmark::DoNotOptimize(feed::parseLine(line));
    state.SetItemsProcessed(state.iterations());
    state.SetLabel(state.range(0) ? "escaped text: JSON parser" : "plain: fast reader");
}

BENCHMARK(BM_ParseEventLine)->Arg(0)->Arg(1);
BENCHMARK(BM_FeedIntoRecording)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SqliteCliImport)->Unit(benchmark::kMillisecond)->UseRealTime();
