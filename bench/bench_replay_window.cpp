// The war room replaying at 1000x: map, charts, overview and log visible, the frame timer
// driving everything. Measures the time between frames (what the eye sees) and each frame's
// own cost, for 10 s of wall time on the PagerDuty recording (its busiest hour). Run it under
// Xvfb as the issue asks: xvfb-run -a build/bench/bench_replay_window [--big]
#include "big_recording.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"
#include "ui/models/event_log_model.h"
#include "ui/recording_window.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimer>

#include <cstdio>

using namespace warroom;

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QTemporaryDir dir;
    // --big: the 24-hour recording with 1 M events and 10 M samples (bench/big_recording.h).
    const bool big = app.arguments().contains(QStringLiteral("--big"));
    QString path = dir.filePath(QStringLiteral("p.warroom"));
    if (big)
        path = bench::bigRecording(path);
    else
        recordSimulation(
            loadScenarioFile(QStringLiteral(WARROOM_SCENARIO_DIR "/pagerduty-2011.yaml")).value(),
            {}, path);
    RecordingWindow window;
    window.resize(1600, 1000);
    window.show();
    QSignalSpy loaded(&window, &RecordingWindow::loaded);
    QElapsedTimer opening;
    qint64 firstFrameMs = -1;
    QObject::connect(&window, &RecordingWindow::firstFrame, &window,
                     [&] { firstFrameMs = opening.elapsed(); });
    opening.start();
    window.openFile(path);
    if (!loaded.wait(60000))
        return 1;
    std::printf("first frame drawn %lld ms after opening; every event read after %lld ms\n",
                firstFrameMs, qint64(opening.elapsed()));
    const ReplayData &data = *window.data();
    // PagerDuty: ten minutes before the cut; the big one: its middle.
    window.seek(data.startMs + (big ? 12 * 3600000LL : 15 * 3600000LL + 50 * 60000LL));
    window.setSpeed(1000);
    std::vector<double> gaps;
    QElapsedTimer sinceLast;
    QElapsedTimer total;
    const qint64 startCursor = window.cursorTime();
    QObject::connect(&window, &RecordingWindow::rendered, &window, [&] {
        if (sinceLast.isValid())
            gaps.push_back(double(sinceLast.nsecsElapsed()) / 1e6);
        sinceLast.restart();
    });
    window.setPlaying(true);
    total.start();
    QTimer::singleShot(10000, &app, &QApplication::quit);
    app.exec();
    window.setPlaying(false);
    std::sort(gaps.begin(), gaps.end());
    auto at = [&](double q) { return gaps[size_t(double(gaps.size() - 1) * q)]; };
    // Every event of the replayed stretch is in the log.
    int logged = 0;
    for (const Event &e : data.events)
        logged += e.timeMs > startCursor && e.timeMs <= window.cursorTime();
    std::printf(
        "frames %zu in %.1f s; frame interval p50 %.1f ms (%.0f fps), p99 %.1f ms, max %.1f "
        "ms; replayed %.1f min of the recording, %d events, all in the log (%d rows)\n",
        gaps.size() + 1, double(total.elapsed()) / 1000.0, at(0.5), 1000.0 / at(0.5), at(0.99),
        gaps.back(), double(window.cursorTime() - startCursor) / 60000.0, logged,
        window.eventLog()->rowCount());
    return 0;
}
