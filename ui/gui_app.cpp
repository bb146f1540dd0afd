#include "gui_app.h"

#include "command_line.h"
#include "main_window.h"

#include <QApplication>
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
    MainWindow window;
    window.resize(options.size);
    if (!options.screenshot.isEmpty()) {
        auto capture = [&](bool loadedOk) {
            // Let the views lay out with their data before grabbing.
            QTimer::singleShot(50, &window, [&, loadedOk] {
                if (!window.grab().save(options.screenshot, "PNG")) {
                    err << "warroom: cannot write " << options.screenshot << '\n';
                    app.exit(2);
                    return;
                }
                app.exit(loadedOk ? 0 : 2);
            });
        };
        QObject::connect(&window, &MainWindow::loaded, &window, [capture] { capture(true); });
        QObject::connect(&window, &MainWindow::loadFailed, &window, [&](const QString &message) {
            err << message << '\n';
            capture(false);
        });
    }
    window.show();
    if (!options.file.isEmpty())
        window.openFile(options.file);
    return app.exec();
}

} // namespace warroom
