#pragma once

#include <QString>

namespace warroom {

// A duration for people: "45s", "3m12s", "2h5m", "1d3h" (rounded to the second).
QString formatDuration(qint64 ms);
// A duration, or `none` for a negative one (a moment not marked, a backlog never drained).
QString formatDurationOr(qint64 ms, const QString &none);
// A moment for people, in UTC as every time in Warroom: "2020-05-25 08:48:40" (or `format`).
QString formatUtc(qint64 ms, const QString &format = QStringLiteral("yyyy-MM-dd HH:mm:ss"));

} // namespace warroom
