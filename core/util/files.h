#pragma once

#include <QString>

namespace warroom {

// A text file's contents as UTF-8, or empty when it cannot be read (for comparing what a
// recording keeps with the file it came from: a missing file is simply not the same).
QString fileText(const QString &path);

} // namespace warroom
