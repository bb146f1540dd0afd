#pragma once

#include "core/util/result.h"

#include <QHash>
#include <QString>

#include <utility>

namespace warroom {

// Writes a copy of the recording file `from` at `to`: a consistent snapshot even of a file
// being written or a read-only one (SQLite's VACUUM INTO), written under another name and put
// in place whole, replacing `to`. `layout` (map positions placed by hand, element -> x, y) is
// then saved in the copy as the layout it starts with.
Result<bool> saveRecordingCopy(const QString &from, const QString &to,
                               const QHash<QString, std::pair<double, double>> &layout = {});

} // namespace warroom
