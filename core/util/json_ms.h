#pragma once

#include <QJsonValue>

#include <cmath>

namespace warroom {

// Milliseconds (a time or a duration) from JSON that anyone may have written: `fallback` when
// the value is missing, not a number, or beyond what milliseconds since the epoch can be —
// never a double-to-integer conversion whose result C++ leaves undefined (found by
// fuzz_postmortem: 2.2e43 as a duration).
inline qint64 jsonMs(const QJsonValue &v, qint64 fallback = 0)
{
    const double d = v.toDouble(std::nan(""));
    return v.isDouble() && std::abs(d) <= 9e15 ? qint64(d) : fallback;
}

} // namespace warroom
