#include "core/cli/cli.h"

#include <QGuiApplication>
#include <QTextStream>

#include <cstring>
#include <memory>

int main(int argc, char *argv[])
{
    // A PDF report lays out text and draws pages: that takes a (headless) GUI application,
    // which the other commands do without.
    bool pdf = false;
    for (int i = 2; argc > 1 && std::strcmp(argv[1], "report") == 0 && i < argc; ++i) {
        const size_t n = std::strlen(argv[i]);
        pdf = pdf || std::strcmp(argv[i], "pdf") == 0 ||
              (n > 4 && std::strcmp(argv[i] + n - 4, ".pdf") == 0);
    }
    std::unique_ptr<QCoreApplication> app;
    if (pdf) {
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
