#include "gui_app.h"

#include "command_line.h"
#include "main_window.h"
#include "recording_window.h"

#include "core/scenario/scenario_loader.h"

#include <QApplication>
#include <QDateTime>
#include <QFile>
#include <QPixmap>
#include <QTextStream>
#include <QTimer>

namespace warroom {

int runGui(QApplication &app, const GuiOptions &options)
{
    QTextStream err(stderr);
    if (options.help) {
        QTextStream(stdout) << options.helpText;
        return 0;
    }
    if (!options.error.isEmpty()) {
        err << "warroom: " << options.error << "\n\n" << options.helpText;
        return 2;
    }
    QFile probe(options.file);
    const bool recording =
        probe.open(QIODevice::ReadOnly) && probe.read(16) == QByteArrayLiteral("SQLite format 3\0");
    std::unique_ptr<QMainWindow> window;
    if (recording)
        window = std::make_unique<RecordingWindow>();
    else
        window = std::make_unique<MainWindow>();
    window->resize(options.size);
    auto capture = [&](bool loadedOk) {
        if (options.screenshot.isEmpty())
            return;
        // Let the views lay out with their data before grabbing.
        QTimer::singleShot(150, window.get(), [&, loadedOk] {
            if (!window->grab().save(options.screenshot, "PNG")) {
                err << "warroom: cannot write " << options.screenshot << '\n';
                app.exit(2);
                return;
            }
            app.exit(loadedOk ? 0 : 2);
        });
    };
    auto failed = [&](const QString &message) {
        err << message << '\n';
        capture(false);
    };
    if (auto *replay = qobject_cast<RecordingWindow *>(window.get())) {
        QObject::connect(replay, &RecordingWindow::loaded, replay, [&, replay] {
            if (!options.at.isEmpty()) {
                const ReplayData &data = *replay->data();
                QDateTime at = QDateTime::fromString(options.at, Qt::ISODateWithMs);
                const qint64 offset = parseDurationMs(options.at);
                if (at.isValid()) {
                    replay->seek(at.toMSecsSinceEpoch());
                } else if (offset >= 0) {
                    replay->seek(data.startMs + offset);
                } else {
                    failed(u"warroom: --at '" + options.at +
                           u"' is not a time (ISO 8601 or an offset such as 3w1d8h50m)");
                    return;
                }
            }
            if (!options.select.isEmpty())
                replay->selectNode(options.select);
            // Charts are re-read on a worker after a selection: give them a moment.
            QTimer::singleShot(options.select.isEmpty() ? 0 : 600, replay,
                               [capture] { capture(true); });
        });
        QObject::connect(replay, &RecordingWindow::loadFailed, replay, failed);
        replay->show();
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
