#include "gui_app.h"

#include "core/postmortem/postmortem_merge.h"
#include "core/replay/replay_session.h"

#include "charts/metric_chart.h"
#include "command_line.h"
#include "main_window.h"
#include "map/map_view.h"
#include "recording_window.h"
#include "warroom/chart_panel.h"
#include "warroom/clock_bar.h"
#include "warroom/window_state.h"

#include "core/store/recording.h"

#include <QApplication>
#include <QFile>
#include <QJsonDocument>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>

#include <functional>

namespace warroom {

int sayCommandLine(const GuiOptions &options)
{
    if (options.help) {
        QTextStream(stdout) << options.helpText;
        return 0;
    }
    QTextStream(stderr) << "warroom: " << options.error << "\n\n" << options.helpText;
    return 2;
}

int runGui(QApplication &app, const GuiOptions &options)
{
    QTextStream err(stderr);
    if (options.help || !options.error.isEmpty())
        return sayCommandLine(options);
    setPostMortemAuthor(options.author); // before any editor shows whom it writes as
    std::unique_ptr<QMainWindow> window;
    if (!options.prometheus.isEmpty() || !options.drill.isEmpty() ||
        Recording::looksLikeRecording(options.file))
        window = std::make_unique<RecordingWindow>();
    else
        window = std::make_unique<MainWindow>();
    window->resize(options.size);
    // The war room is ready to be grabbed once its charts show the cursor's window and the map
    // its figures (they are read on a worker after the cursor moved there).
    auto settled = [&] {
        auto *replay = qobject_cast<RecordingWindow *>(window.get());
        if (!replay)
            return true;
        replay->render();
        if (replay->drawing() || !replay->session()->damageCheckDone())
            return false;
        for (int i = 0; i < replay->chartCount(); ++i) {
            const auto [from, to] = replay->chart(i)->visibleRange();
            if (replay->cursorTime() < from || replay->cursorTime() > to)
                return false;
        }
        return true;
    };
    // Lives until the event loop ends (this function returns after app.exec()).
    std::function<void(bool, int)> grabWhenSettled = [&](bool loadedOk, int tries) {
        if (!settled() && tries < 250) { // at most 5 s more for the charts
            QTimer::singleShot(20, window.get(),
                               [&, loadedOk, tries] { grabWhenSettled(loadedOk, tries + 1); });
            return;
        }
        if (!options.screenshot.isEmpty() && !window->grab().save(options.screenshot, "PNG")) {
            err << "warroom: cannot write " << options.screenshot << '\n';
            app.exit(2);
            return;
        }
        if (auto *replay = qobject_cast<RecordingWindow *>(window.get());
            replay && !options.state.isEmpty()) {
            QFile out(options.state);
            if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
                out.write(QJsonDocument(windowState(*replay)).toJson()) < 0) {
                err << "warroom: cannot write " << options.state << '\n';
                app.exit(2);
                return;
            }
        }
        app.exit(loadedOk ? 0 : 2);
    };
    auto capture = [&](bool loadedOk) {
        if (options.screenshot.isEmpty() && options.state.isEmpty())
            return;
        // Let the views lay out with their data before grabbing.
        QTimer::singleShot(150 + int(options.waitSeconds * 1000), window.get(),
                           [&, loadedOk] { grabWhenSettled(loadedOk, 0); });
    };
    auto failed = [&](const QString &message) {
        err << message << '\n';
        capture(false);
    };
    if (auto *replay = qobject_cast<RecordingWindow *>(window.get())) {
        QObject::connect(replay, &RecordingWindow::loaded, replay, [&, replay] {
            if (!options.at.isEmpty() && !replay->seekTo(options.at)) {
                failed(u"warroom: --at " + replay->clockBar()->goToError());
                return;
            }
            if (const auto place = RecordingWindow::postMortemPlaceFrom(options.postMortemView))
                replay->setPostMortemPlace(*place, false);
            if (options.postMortem)
                replay->showPostMortem();
            if (options.mapLevel == u"nodes")
                replay->mapView()->setLevel(MapLevel::Nodes);
            for (const QString &chip : options.expand)
                replay->mapView()->setExpanded(chip, true);
            auto select = [&, replay] {
                if (options.select.isEmpty()) {
                    capture(true);
                    return;
                }
                // The node's charts are read on a worker: grab once they are shown.
                QObject::connect(
                    replay, &RecordingWindow::chartsShown, replay, [capture] { capture(true); },
                    Qt::SingleShotConnection);
                replay->selectNode(options.select);
            };
            if (options.compare.isEmpty())
                return select();
            // The other run is opened (or simulated) on a worker: on once it is drawn.
            QObject::connect(replay, &RecordingWindow::comparisonShown, replay, select,
                             Qt::SingleShotConnection);
            replay->compareWith(options.compare);
        });
        QObject::connect(replay, &RecordingWindow::loadFailed, replay, failed);
        replay->show();
        replay->setTraineeView(options.trainee);
        if (!options.prometheus.isEmpty())
            replay->watchPrometheus(options.prometheus);
        else if (!options.drill.isEmpty())
            replay->runDrill(options.drill, options.drillOptions);
        else
            replay->openFile(options.file);
    } else {
        auto *scenario = static_cast<MainWindow *>(window.get());
        QObject::connect(scenario, &MainWindow::loaded, scenario, [capture] { capture(true); });
        QObject::connect(scenario, &MainWindow::loadFailed, scenario, failed);
        scenario->show();
        if (!options.file.isEmpty())
            scenario->openFile(options.file);
    }
    return app.exec();
}

} // namespace warroom
