#pragma once

#include <QtGlobal>

namespace warroom {

// Maps time to x and back for a strip of `width` pixels showing [fromMs, toMs), and zooms
// and pans within `bounds`. A plain value: charts, the overview strip and the clock share one.
struct TimeScale
{
    qint64 fromMs = 0;
    qint64 toMs = 1;
    double width = 1.0;
    qint64 boundsFromMs = 0; // the recording
    qint64 boundsToMs = 1;
    qint64 minSpanMs = 1000; // the closest zoom

    qint64 spanMs() const { return toMs - fromMs; }
    double xForTime(qint64 timeMs) const;
    qint64 timeForX(double x) const;
    // Zoomed by `factor` (> 1 zooms in) keeping the time under `anchorX` where it is.
    TimeScale zoomed(double factor, double anchorX) const;
    // Moved by `dx` pixels (positive: later), kept within the bounds.
    TimeScale panned(double dx) const;

    bool operator==(const TimeScale &) const = default;
};

} // namespace warroom
