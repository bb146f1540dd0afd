#pragma once

class QApplication;

namespace warroom {

struct GuiOptions;

// Builds the window for `options` and runs the event loop; with --screenshot, renders the
// window once the file is loaded, saves it and exits (2 when the file could not be opened).
int runGui(QApplication &app, const GuiOptions &options);

} // namespace warroom
