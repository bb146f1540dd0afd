// The GUI thread while a live feed is ingested and a recording replays: the war room replays
// PagerDuty at 1000x (map, charts, log) while, in the same process, the ingest server (on its
// own thread, as File → Listen runs it) receives events from a client thread at a target rate
// (default 200,000 a second) for 10 s. A probe timer on the GUI thread, every 5 ms, measures
// how late it fires. Run it under Xvfb: xvfb-run -a build/bench/bench_live_window [RATE]
#include "core/live/feed_protocol.h"
#include "core/live/ingest_server.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"
#include "ui/recording_window.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>

#include <atomic>
#include <cstdio>
#include <thread>

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

    // The source: a client thread sending `rate` events a second, in 10 ms batches.
    std::atomic<bool> stop{false};
    std::atomic<qint64> sent{0}, acked{0};
    std::thread source([&] {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, port);
        socket.waitForConnected(5000);
        const int perBatch = std::max(1, rate / 100);
        QElapsedTimer clock;
        clock.start();
        qint64 n = 0;
        QByteArray replies;
        while (!stop) {
            const qint64 due = clock.elapsed() * rate / 1000;
            if (n < due) {
                // The lines feed::eventLine writes, formatted here without a JSON document:
                // the sender is not what is measured, and must not starve what is.
                QByteArray batch;
                batch.reserve(perBatch * 110);
                for (int i = 0; i < perBatch && n < due; ++i, ++n) {
                    batch += R"({"kind":"annotation","subject":"probe","text":"event )";
                    batch += QByteArray::number(n);
                    batch += R"(","time_ms":)";
                    batch += QByteArray::number(1700000000000LL + n);
                    batch += R"(,"type":"event"})"
                             "\n";
                }
                socket.write(batch);
                sent = n;
            }
            socket.waitForBytesWritten(5);
            if (socket.waitForReadyRead(1)) {
                replies += socket.readAll();
                const qsizetype last = replies.lastIndexOf("{\"ack\":");
                if (last >= 0) {
                    const qsizetype end = replies.indexOf('}', last);
                    if (end > 0)
                        acked = replies.mid(last + 7, end - last - 7).toLongLong();
                    replies.remove(0, last);
                }
            }
        }
        socket.waitForBytesWritten(5000);
    });

    // The probe: how late a 5 ms timer on the GUI thread fires.
    std::vector<double> late;
    QElapsedTimer probe;
    QTimer tick;
    tick.setTimerType(Qt::PreciseTimer);
    tick.setInterval(5);
    QObject::connect(&tick, &QTimer::timeout, &app, [&] {
        if (probe.isValid())
            late.push_back(std::max(0.0, double(probe.nsecsElapsed()) / 1e6 - 5.0));
        probe.restart();
    });
    tick.start();
    QElapsedTimer wall;
    wall.start();
    QTimer::singleShot(10000, &app, &QApplication::quit);
    app.exec();
    const double seconds = double(wall.elapsed()) / 1000.0;
    stop = true;
    source.join();
    QMetaObject::invokeMethod(
        &context,
        [&] {
            server->close();
            server.reset();
        },
        Qt::BlockingQueuedConnection);
    context.moveToThread(QThread::currentThread());
    ingestThread.quit();
    ingestThread.wait();
    std::sort(late.begin(), late.end());
    auto at = [&](double q) { return late[size_t(double(late.size() - 1) * q)]; };
    std::printf("target %d events/s: sent %lld (%.0f/s), committed and acknowledged %lld (%.0f/s) "
                "in %.1f s while replaying at 1000x\n",
                rate, qint64(sent), double(sent) / seconds, qint64(acked), double(acked) / seconds,
                seconds);
    std::printf("GUI thread probe (5 ms timer), lateness: p50 %.2f ms, p99 %.2f ms, max %.2f ms "
                "over %zu ticks\n",
                at(0.5), at(0.99), late.back(), late.size());
    return 0;
}
