// Incidents shared in PostgreSQL (docs/shared.md), against a private cluster started here:
//  - ingest, acknowledged after commit: events and samples through RecordingWriter, against
//    `psql \copy` of the same rows into the same tables (the control, same run);
//  - from commit to a following session: 10 sessions follow one live incident (LISTEN/NOTIFY),
//    the time from a writer's flush returning to each session holding the event;
//  - opening a 1,000,000-event incident (every event read) from PostgreSQL and from its file.
#include "core/replay/replay_session.h"
#include "core/store/recording.h"
#include "core/store/recording_sink.h"
#include "core/store/recording_writer.h"
#include "core/store/shared_copy.h"
#include "support/postgres_cluster.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace warroom;

namespace {

constexpr int kEvents = 200'000;
constexpr int kSeries = 100;
constexpr int kSamples = 10'000;
constexpr int kOpenEvents = 1'000'000;

test::PostgresCluster &cluster()
{
    static test::PostgresCluster c;
    return c;
}

QTemporaryDir &dir()
{
    static QTemporaryDir d;
    return d;
}

int &serial()
{
    static int n = 0;
    return n;
}

QString freshIncident()
{
    return cluster().address(u"bench-" + QString::number(++serial()));
}

Event eventNumber(int i)
{
    Event e;
    e.timeMs = 1'700'000'000'000 + i * 100LL;
    e.kind = EventKind::VerdictChanged;
    e.node = u"app-" + QString::number(i % 300);
    e.site = u"dc" + QString::number(i % 3 + 1);
    e.subject = u"dc1/app-" + QString::number(i % 300) + u" -> dc2/db-1:5432";
    e.text = QStringLiteral("blocked by rule dc2-ingress (fleet.yaml:120)");
    e.details = {{QStringLiteral("verdict"), QStringLiteral("blocked")},
                 {QStringLiteral("rule"), QStringLiteral("dc2-ingress")}};
    return e;
}

float sampleValue(int series, int i)
{
    return float(50.0 + 40.0 * std::sin(double(i) / (100.0 + series)));
}

// Runs psql as the cluster's superuser; the wall time it took, or -1.
double psqlSeconds(const QStringList &arguments)
{
    QElapsedTimer t;
    t.start();
    if (!cluster().psql(arguments))
        return -1;
    return double(t.nsecsElapsed()) / 1e9;
}

QString incidentIdOf(const QString &name)
{
    QProcess p;
    p.start(QStringLiteral("psql"),
            {QStringLiteral("-XAtq"), QStringLiteral("-h"), QStringLiteral("127.0.0.1"),
             QStringLiteral("-p"), QString::number(cluster().port()), QStringLiteral("-U"),
             QStringLiteral("warroom"), QStringLiteral("warroom"), QStringLiteral("-c"),
             u"SELECT id FROM warroom.incidents WHERE name = '" + name + u"'"});
    p.waitForFinished();
    return QString::fromLatin1(p.readAllStandardOutput()).trimmed();
}

void BM_SharedIngestEvents(benchmark::State &state)
{
    for (auto _ : state) {
        auto writer = RecordingWriter::create(freshIncident());
        if (!writer) {
            state.SkipWithError(qPrintable(writer.errors().first().message));
            return;
        }
        for (int i = 0; i < kEvents; ++i)
            writer.value()->append(eventNumber(i));
        if (!writer.value()->close()) // committed: what a feeder's acknowledgement waits for
            state.SkipWithError("write failed");
    }
    state.SetItemsProcessed(state.iterations() * kEvents);
}

// The control: the same event rows, as COPY's text, loaded by psql's \copy.
void BM_PsqlCopyEvents(benchmark::State &state)
{
    const QString name = u"copy-events-" + QString::number(++serial());
    cluster().psql({QStringLiteral("-c"),
                    u"INSERT INTO warroom.incidents (name, file_schema, created_ms) VALUES ('" +
                        name + u"', 3, 0)"});
    const QString incident = incidentIdOf(name);
    const QString file = dir().filePath(QStringLiteral("events.copy"));
    {
        QFile out(file);
        out.open(QIODevice::WriteOnly);
        for (int i = 0; i < kEvents; ++i) {
            const Event e = eventNumber(i);
            out.write((incident + u'\t' + QString::number(i + 1) + u'\t' +
                       QString::number(e.timeMs) + u'\t' + toString(e.kind) + u'\t' + e.node +
                       u'\t' + e.site + u'\t' + e.subject + u'\t' + e.text +
                       u"\t{\"rule\":\"dc2-ingress\",\"verdict\":\"blocked\"}\n")
                          .toUtf8());
        }
    }
    for (auto _ : state) {
        state.PauseTiming();
        cluster().psql(
            {QStringLiteral("-c"), u"DELETE FROM warroom.events WHERE incident = " + incident});
        state.ResumeTiming();
        const double seconds =
            psqlSeconds({QStringLiteral("-c"),
                         u"\\copy warroom.events (incident, id, time_ms, kind, node, site, "
                         u"subject, text, details) FROM '" +
                             file + u'\''});
        if (seconds < 0)
            state.SkipWithError(qPrintable(cluster().error()));
    }
    state.SetItemsProcessed(state.iterations() * kEvents);
}

QString &lastSamplesIncident()
{
    static QString name;
    return name;
}

void BM_SharedIngestSamples(benchmark::State &state)
{
    for (auto _ : state) {
        const QString address = freshIncident();
        lastSamplesIncident() = u"bench-" + QString::number(serial());
        auto writer = RecordingWriter::create(address);
        if (!writer) {
            state.SkipWithError(qPrintable(writer.errors().first().message));
            return;
        }
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
            for (int i = 0; i < kSamples; ++i) {
                for (int s = 0; s < kSeries; ++s)
                    sink.sample(handles[size_t(s)], sampleValue(s, i));
            }
            sink.finish();
        }
        if (!writer.value()->close())
            state.SkipWithError("write failed");
    }
    state.SetItemsProcessed(state.iterations() * kSeries * kSamples);
}

// The control: the chunk rows the writer stored for the same samples, dumped and loaded again
// by psql's \copy into another incident.
void BM_PsqlCopySamples(benchmark::State &state)
{
    const QString source = incidentIdOf(lastSamplesIncident());
    const QString name = u"copy-samples-" + QString::number(++serial());
    cluster().psql({QStringLiteral("-c"),
                    u"INSERT INTO warroom.incidents (name, file_schema, created_ms) VALUES ('" +
                        name + u"', 3, 0)"});
    const QString incident = incidentIdOf(name);
    const QString file = dir().filePath(QStringLiteral("chunks.copy"));
    if (source.isEmpty() ||
        !cluster().psql({QStringLiteral("-c"),
                         u"\\copy (SELECT " + incident +
                             u", series, level, idx, count, data FROM warroom.chunks WHERE "
                             u"incident = " +
                             source + u") TO '" + file + u'\''})) {
        state.SkipWithError(qPrintable(u"run BM_SharedIngestSamples first (the rows to copy): " +
                                       cluster().error()));
        return;
    }
    for (auto _ : state) {
        state.PauseTiming();
        cluster().psql(
            {QStringLiteral("-c"), u"DELETE FROM warroom.chunks WHERE incident = " + incident});
        state.ResumeTiming();
        if (psqlSeconds({QStringLiteral("-c"),
                         u"\\copy warroom.chunks (incident, series, level, idx, count, data) "
                         u"FROM '" +
                             file + u'\''}) < 0)
            state.SkipWithError(qPrintable(cluster().error()));
    }
    state.SetItemsProcessed(state.iterations() * kSeries * kSamples);
}

// From a writer's commit to each of 10 following sessions holding the event.
void BM_CommitToFollowers(benchmark::State &state)
{
    constexpr int kFollowers = 10;
    constexpr int kCommits = 30;
    const QString address = freshIncident();
    auto writer = RecordingWriter::create(address);
    writer.value()->setMeta(QStringLiteral("live"), QStringLiteral("1"));
    writer.value()->setMeta(QStringLiteral("start_ms"), QStringLiteral("1700000000000"));
    writer.value()->addTopologyVersion(1'700'000'000'000, QStringLiteral("bench"),
                                       QByteArrayLiteral("{}"));
    const auto beat = [&] {
        writer.value()->setMeta(QStringLiteral("heartbeat_ms"),
                                QString::number(QDateTime::currentMSecsSinceEpoch()));
    };
    beat();
    writer.value()->append(eventNumber(0));
    writer.value()->flush();
    std::vector<std::unique_ptr<ReplaySession>> sessions;
    for (int i = 0; i < kFollowers; ++i) {
        sessions.push_back(std::make_unique<ReplaySession>());
        QSignalSpy opened(sessions.back().get(), &ReplaySession::opened);
        sessions.back()->open(address);
        if (!opened.wait(20000)) {
            state.SkipWithError("a session did not open");
            return;
        }
    }
    QTest::qWait(500); // every follower listening
    std::vector<double> latencies;
    for (auto _ : state) {
        for (int c = 0; c < kCommits; ++c) {
            beat();
            writer.value()->append(eventNumber(c + 1));
            writer.value()->flush();
            QElapsedTimer since;
            since.start();
            std::vector<bool> seen(kFollowers, false);
            int waiting = kFollowers;
            while (waiting > 0 && since.elapsed() < 10'000) {
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
                for (int i = 0; i < kFollowers; ++i) {
                    if (!seen[size_t(i)] && sessions[size_t(i)]->data() &&
                        sessions[size_t(i)]->data()->events.size() >= c + 2) {
                        seen[size_t(i)] = true;
                        --waiting;
                        latencies.push_back(double(since.nsecsElapsed()) / 1e6);
                    }
                }
            }
            if (waiting > 0)
                state.SkipWithError("a follower missed a commit");
            QTest::qWait(100);
        }
    }
    std::sort(latencies.begin(), latencies.end());
    if (!latencies.empty()) {
        state.counters["p50_ms"] = latencies[latencies.size() / 2];
        state.counters["p95_ms"] = latencies[latencies.size() * 95 / 100];
        state.counters["max_ms"] = latencies.back();
    }
    writer.value()->close();
}

// A million events: written once into a file, pushed into the database.
const QString &openFile()
{
    static const QString path = [] {
        const QString file = dir().filePath(QStringLiteral("million.warroom"));
        auto writer = RecordingWriter::create(file);
        writer.value()->setMeta(QStringLiteral("start_ms"), QStringLiteral("1700000000000"));
        writer.value()->addTopologyVersion(1'700'000'000'000, QStringLiteral("bench"),
                                           QByteArrayLiteral("{}"));
        for (int i = 0; i < kOpenEvents; ++i)
            writer.value()->append(eventNumber(i));
        writer.value()->close();
        return file;
    }();
    return path;
}

const QString &openShared()
{
    static const QString address = [] {
        const QString a = cluster().address(QStringLiteral("million"));
        pushRecording(openFile(), parseSharedAddress(a).value());
        return a;
    }();
    return address;
}

void openAndReadAll(benchmark::State &state, const QString &path)
{
    for (auto _ : state) {
        auto r = Recording::open(path);
        if (!r) {
            state.SkipWithError(qPrintable(r.errors().first().message));
            return;
        }
        const qsizetype n = r.value()->events().size();
        if (n != kOpenEvents)
            state.SkipWithError("events missing");
    }
    state.SetItemsProcessed(state.iterations() * kOpenEvents);
}

void BM_OpenMillionFromFile(benchmark::State &state)
{
    openAndReadAll(state, openFile());
}

void BM_OpenMillionFromPostgres(benchmark::State &state)
{
    openAndReadAll(state, openShared());
}

} // namespace

BENCHMARK(BM_SharedIngestEvents)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PsqlCopyEvents)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SharedIngestSamples)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_PsqlCopySamples)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_CommitToFollowers)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);
BENCHMARK(BM_OpenMillionFromFile)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_OpenMillionFromPostgres)->Unit(benchmark::kMillisecond)->UseRealTime();
