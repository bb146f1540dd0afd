#pragma once

#include "ui/recording_window.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>

namespace warroom::test {

// Opens `path` in `window` and waits (on its signal) until it is loaded.
inline bool openRecording(RecordingWindow &window, const QString &path)
{
    QSignalSpy loaded(&window, &RecordingWindow::loaded);
    window.openFile(path);
    return loaded.wait(60000);
}

// A copy of `recording` beside it, NAME.warroom (made once): one test's own to write into.
inline QString copyOf(const QString &recording, const QString &name)
{
    const QString to = QFileInfo(recording).dir().filePath(name + u".warroom");
    if (!QFile::exists(to))
        QFile::copy(recording, to);
    return to;
}

} // namespace warroom::test
