#include "core/cli/cli.h"

#include <QCoreApplication>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("warroom-cli"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    return warroom::runCli(QCoreApplication::arguments(), out, err);
}
