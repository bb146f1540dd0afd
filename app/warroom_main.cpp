#include "ui/command_line.h"
#include "ui/gui_app.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Warroom"));
    QApplication::setOrganizationName(QStringLiteral("Warroom"));
    return warroom::runGui(app, warroom::parseCommandLine(QApplication::arguments()));
}
