#include "core/cli/cli.h"

#include <QDir>
#include <QGuiApplication>
#include <QTextStream>

#include <cerrno>
#include <cstring>
#include <memory>

#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char *argv[])
{
    // A report lays out text and draws pages and charts: that takes a (headless) GUI
    // application, which the other commands do without.
    const bool report = argc > 1 && std::strcmp(argv[1], "report") == 0;
    std::unique_ptr<QCoreApplication> app;
    if (report) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        // Headless (a CI job, ssh): the runtime folder Qt would pick and warn about, chosen
        // here without the warning on stderr.
        if (qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) {
            const QByteArray dir =
                QDir::tempPath().toLocal8Bit() + "/runtime-warroom-" + QByteArray::number(getuid());
            if (::mkdir(dir.constData(), 0700) == 0 || errno == EEXIST)
                qputenv("XDG_RUNTIME_DIR", dir);
        }
        app = std::make_unique<QGuiApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("warroom-cli"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return warroom::runCli(QCoreApplication::arguments(), out, err);
}
