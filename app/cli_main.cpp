#include "core/cli/cli.h"

#include <QGuiApplication>
#include <QTextStream>

#include <cstring>
#include <memory>

int main(int argc, char *argv[])
{
    // Reports lay out text and draw PDF pages: that takes a (headless) GUI application.
    std::unique_ptr<QCoreApplication> app;
    if (argc > 1 && std::strcmp(argv[1], "report") == 0) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QGuiApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("warroom-cli"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return warroom::runCli(QCoreApplication::arguments(), out, err);
}
