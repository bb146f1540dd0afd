#pragma once

#include "core/live/drill.h"

#include <QSize>
#include <QStringList>

namespace warroom {

// What `warroom` was asked to do on its command line.
struct GuiOptions
{
    QString file; // scenario or recording to open (empty: none)
    QString at;   // recordings: where to put the cursor (as the go-to field takes it; default: the
                  // first moment that matters)
    QString select;          // recordings: the node to select
    QString mapLevel;        // recordings: "roles" (default) or "nodes"
    QStringList expand;      // recordings: role chips to show as their nodes ("dc3/app-pool")
    bool postMortem = false; // recordings: the post-mortem tab in front
    QString postMortemView;
    QString compare;    // recordings: another run beside it (a recording or a scenario)  //
                        // recordings: where it sits, "tab", "side" or "window" (remembered)
    QString prometheus; // a Prometheus mapping to watch live (instead of a file)
    QString drill;      // a scenario to run as a training drill (instead of a file)
    DrillOptions drillOptions;
    QString author;         // --as: who writes post-mortem edits (else the OS user)
    bool trainee = false;   // FILE is a drill's recording, seen by a trainee
    QString screenshot;     // render the window to this PNG once loaded, then exit
    QString state;          // ... and/or write what the window shows as JSON (docs/war-room.md)
    double waitSeconds = 0; // ... after this long (a live recording grows meanwhile)
    QSize size{1440, 900};
    QString error; // not empty: the command line is wrong, say this and exit 2
    bool help = false;
    QString helpText;
};

GuiOptions parseCommandLine(const QStringList &arguments);

} // namespace warroom
