// Following a live feed in the war room: a live recording that already holds N events (100,000
// and 1,000,000 by default) is opened and followed while a client sends 10,000 events a second
// to its ingest server (on its own thread, as File → Listen runs it) for 10 s. Measured on the
// GUI thread: how late a 5 ms probe timer fires (p50, p99, max), and the work of each live
// refresh that brought events (the session taking the data and every panel's answer): its
// median and p99 should not grow with N.
// Run it under Xvfb: xvfb-run -a build/bench/bench_follow_live [RATE [N...]]
#include "core/live/ingest_server.h"
#include "core/replay/replay_session.h"
#include "core/scenario/scenario_loader.h"
#include "core/store/recording_writer.h"
#include "live_load.h"
#include "ui/recording_window.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <cstdio>

using namespace warroom;

namespace {

constexpr qint64 kStartMs = 1700000000000LL;

// A live recording with the PagerDuty topology and `count` events already in it, one every
// 10 ms of recorded time, then left as a live writer leaves it (its server takes it over).
void prefill(const QString &path, qint64 count)
{
    const Scenario scenario =
        loadScenarioFile(QStringLiteral(WARROOM_SCENARIO_DIR "/pagerduty-2011.yaml")).value();
    createLiveRecording(path, scenario, QStringLiteral("feed"));
    auto writer = RecordingWriter::openForAppend(path).value();
    for (qint64 i = 0; i < count; ++i) {
        Event e;
        e.timeMs = kStartMs + i * 10;
        e.kind = i % 50 == 0 ? EventKind::AlertFiring : EventKind::Annotation;
        e.subject = QStringLiteral("probe");
        e.text = u"event " + QString::number(i);
        writer->append(e);
    }
    writer->setMeta(QStringLiteral("start_ms"), QString::number(kStartMs));
    writer->setMeta(QStringLiteral("end_ms"), QString::number(kStartMs + count * 10));
    writer->close();
}

struct Figures
{
    qint64 sent = 0;
    std::vector<double> lateMs;
    std::vector<double> refreshMs;
    double openMs = 0;
};

Figures follow(QApplication &app, const QString &path, qint64 count, int rate)
{
    Figures figures;
    QThread ingestThread;
    ingestThread.start();
    QObject context;
    context.moveToThread(&ingestThread);
    std::unique_ptr<IngestServer> server;
    QMetaObject::invokeMethod(
        &context, [&] { server = std::move(IngestServer::start(path, {}).value()); },
        Qt::BlockingQueuedConnection);
    const quint16 port = server->port();

    RecordingWindow window;
    window.resize(1600, 1000);
    window.show();
    QSignalSpy loaded(&window, &RecordingWindow::loaded);
    QElapsedTimer opening;
    opening.start();
    window.openFile(path);
    if (!loaded.wait(120000))
        std::abort();
    figures.openMs = double(opening.elapsed());
    if (!window.following())
        std::abort();
    QObject::connect(window.session(), &ReplaySession::dataChanged, &window, [&] {
        // Runs after the window's own answer (connected first): the session's figure holds it.
        QMetaObject::invokeMethod(
            &window,
            [&] { figures.refreshMs.push_back(double(window.session()->lastRefreshNs()) / 1e6); },
            Qt::QueuedConnection);
    });

    bench::PacedFeed source(port, rate, kStartMs + count * 10);
    bench::LatenessProbe probe;
    QTimer::singleShot(10000, &app, &QApplication::quit);
    app.exec();
    source.stop();
    figures.sent = source.sent();
    figures.lateMs = probe.late();
    QMetaObject::invokeMethod(
        &context,
        [&] {
            server->close();
            server.reset();
            context.moveToThread(app.thread()); // back before its thread ends
        },
        Qt::BlockingQueuedConnection);
    ingestThread.quit();
    ingestThread.wait();
    return figures;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int rate = argc > 1 ? std::atoi(argv[1]) : 10000;
    QList<qint64> sizes;
    for (int i = 2; i < argc; ++i)
        sizes.append(std::atoll(argv[i]));
    if (sizes.isEmpty())
        sizes = {100000, 1000000};
    QTemporaryDir dir;
    for (qint64 count : sizes) {
        const QString path = dir.filePath(QString::number(count) + u".warroom");
        prefill(path, count);
        const Figures f = follow(app, path, count, rate);
        std::printf("%lld events already recorded, then %d events/s for 10 s (%lld sent); opened "
                    "in %.0f ms\n",
                    count, rate, f.sent, f.openMs);
        std::printf("  GUI thread probe (5 ms timer), lateness: p50 %.2f ms, p99 %.2f ms, max "
                    "%.2f ms over %zu ticks\n",
                    bench::quantile(f.lateMs, 0.5), bench::quantile(f.lateMs, 0.99),
                    bench::quantile(f.lateMs, 1.0), f.lateMs.size());
        std::printf("  UI-thread work per live refresh: median %.2f ms, p99 %.2f ms, max %.2f ms "
                    "over %zu refreshes\n",
                    bench::quantile(f.refreshMs, 0.5), bench::quantile(f.refreshMs, 0.99),
                    bench::quantile(f.refreshMs, 1.0), f.refreshMs.size());
        std::fflush(stdout);
    }
    return 0;
}
