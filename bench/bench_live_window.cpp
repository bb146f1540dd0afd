// The GUI thread while a live feed is ingested and a recording replays: the war room replays
// PagerDuty at 1000x (map, charts, log) while, in the same process, the ingest server (on its
// own thread, as File → Listen runs it) receives events from a client thread at a target rate
// (default 200,000 a second) for 10 s. A probe timer on the GUI thread, every 5 ms, measures
// how late it fires. Run it under Xvfb: xvfb-run -a build/bench/bench_live_window [RATE]
#include "core/live/feed_protocol.h"
#include "core/live/ingest_server.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"
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

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int rate = argc > 1 ? std::atoi(argv[1]) : 200000;
    QTemporaryDir dir;
    const QString replay = dir.filePath(QStringLiteral("p.warroom"));
    recordSimulation(
        loadScenarioFile(QStringLiteral(WARROOM_SCENARIO_DIR "/pagerduty-2011.yaml")).value(), {},
        replay);

    // The ingest server on its own thread.
    QThread ingestThread;
    ingestThread.start();
    QObject context;
    context.moveToThread(&ingestThread);
    std::unique_ptr<IngestServer> server;
    QMetaObject::invokeMethod(
        &context,
        [&] {
            server = std::move(
                IngestServer::start(dir.filePath(QStringLiteral("live.warroom")), {}).value());
        },
        Qt::BlockingQueuedConnection);
    const quint16 port = server->port();

    RecordingWindow window;
    window.resize(1600, 1000);
    window.show();
    QSignalSpy loaded(&window, &RecordingWindow::loaded);
    window.openFile(replay);
    if (!loaded.wait(60000))
        return 1;
    window.seek(window.data()->startMs + 15 * 3600000LL + 50 * 60000LL);
    window.setSpeed(1000);
    window.setPlaying(true);

    // The source: a client thread sending `rate` events a second; the probe on this thread.
    bench::PacedFeed source(port, rate, 1700000000000LL);
    bench::LatenessProbe probe;
    QElapsedTimer wall;
    wall.start();
    QTimer::singleShot(10000, &app, &QApplication::quit);
    app.exec();
    const double seconds = double(wall.elapsed()) / 1000.0;
    source.stop();
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
    const std::vector<double> &late = probe.late();
    std::printf("target %d events/s: sent %lld (%.0f/s), committed and acknowledged %lld (%.0f/s) "
                "in %.1f s while replaying at 1000x\n",
                rate, source.sent(), double(source.sent()) / seconds, source.acked(),
                double(source.acked()) / seconds, seconds);
    std::printf("GUI thread probe (5 ms timer), lateness: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
                "over %zu ticks\n",
                bench::quantile(late, 0.5), bench::quantile(late, 0.99), bench::quantile(late, 1.0),
                late.size());
    return 0;
}
