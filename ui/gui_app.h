#pragma once

class QApplication;

namespace warroom {

struct GuiOptions;

// Builds the window for `options` and runs the event loop; with --screenshot, renders the
// window once the file is loaded, saves it and exits (2 when the file could not be opened).
int runGui(QApplication &app, const GuiOptions &options);
// --help, or what is wrong with the command line (exit code 2): needs no display.
int sayCommandLine(const GuiOptions &options);

} // namespace warroom
