#pragma once

#include <QStringList>

namespace warroom {

// Names in the order people count them: app-pool-4 before app-pool-20.
bool naturalLess(const QString &a, const QString &b);
// Sorted naturally, and each run of three or more names that differ only by a trailing number
// said once: "app-pool ×9 (app-pool-4 … app-pool-27), cache-1, lb-1".
QString collapsedNames(QStringList names);

} // namespace warroom
