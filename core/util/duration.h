#pragma once

#include <QString>

namespace warroom {

// A duration for people: "45s", "3m12s", "2h5m", "1d3h" (rounded to the second).
QString formatDuration(qint64 ms);

} // namespace warroom
