#include "ui/command_line.h"
#include "ui/gui_app.h"

#include <QApplication>
#include <QTextStream>

int main(int argc, char *argv[])
{
    {
        // Help and mistakes are said without a display: over ssh, in a script.
        QCoreApplication console(argc, argv);
        const warroom::GuiOptions options =
            warroom::parseCommandLine(QCoreApplication::arguments());
        if (options.help || !options.error.isEmpty())
            return warroom::sayCommandLine(options);
        // No display: a picture or a state is drawn offscreen; a window cannot be shown, said
        // plainly instead of Qt's abort.
        const bool display = qEnvironmentVariableIsSet("DISPLAY") ||
                             qEnvironmentVariableIsSet("WAYLAND_DISPLAY") ||
                             qEnvironmentVariableIsSet("QT_QPA_PLATFORM");
        if (!display && (!options.screenshot.isEmpty() || !options.state.isEmpty())) {
            qputenv("QT_QPA_PLATFORM", "offscreen");
        } else if (!display) {
            QTextStream(stderr) << "warroom: no display (DISPLAY is not set): run it in a desktop "
                                   "session, through scripts/warroom (which starts one when "
                                   "needed), or draw a picture with --screenshot OUT.png\n";
            return 2;
        }
    }
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("Warroom"));
    QApplication::setOrganizationName(QStringLiteral("Warroom"));
    return warroom::runGui(app, warroom::parseCommandLine(QApplication::arguments()));
}
