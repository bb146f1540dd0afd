#include "time_scale.h"

#include <algorithm>
#include <cmath>

namespace warroom {

double TimeScale::xForTime(qint64 timeMs) const
{
    return double(timeMs - fromMs) * width / double(std::max<qint64>(1, spanMs()));
}

qint64 TimeScale::timeForX(double x) const
{
    return fromMs + qint64(std::llround(x * double(spanMs()) / std::max(1e-9, width)));
}

TimeScale TimeScale::zoomed(double factor, double anchorX) const
{
    TimeScale out = *this;
    const qint64 bounds = boundsToMs - boundsFromMs;
    const qint64 span = std::clamp<qint64>(qint64(double(spanMs()) / std::max(1e-9, factor)),
                                           std::min(minSpanMs, bounds), bounds);
    const qint64 anchor = timeForX(anchorX);
    const double share = std::clamp(anchorX / std::max(1e-9, width), 0.0, 1.0);
    out.fromMs = anchor - qint64(std::llround(share * double(span)));
    out.toMs = out.fromMs + span;
    return out.panned(0.0);
}

TimeScale TimeScale::panned(double dx) const
{
    TimeScale out = *this;
    const qint64 shift = qint64(std::llround(dx * double(spanMs()) / std::max(1e-9, width)));
    const qint64 span = std::min(spanMs(), boundsToMs - boundsFromMs);
    out.fromMs = std::clamp(fromMs + shift, boundsFromMs, boundsToMs - span);
    out.toMs = out.fromMs + span;
    return out;
}

} // namespace warroom
