#include "ui/command_line.h"
#include "ui/gui_app.h"

#include <QApplication>

int main(int argc, char *argv[])
{
    {
        // Help and mistakes are said without a display: over ssh, in a script.
        QCoreApplication console(argc, argv);
        const warroom::GuiOptions options =
            warroom::parseCommandLine(QCoreApplication::arguments());
        if (options.help || !options.error.isEmpty())
            return warroom::sayCommandLine(options);
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Warroom"));
    QApplication::setOrganizationName(QStringLiteral("Warroom"));
    return warroom::runGui(app, warroom::parseCommandLine(QApplication::arguments()));
}
