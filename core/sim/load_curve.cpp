#include "load_curve.h"

#include <cmath>

namespace warroom {

namespace {
constexpr qint64 kHourMs = 3600000;
constexpr qint64 kDayMs = 24 * kHourMs;
constexpr qint64 kWeekMs = 7 * kDayMs;
} // namespace

LoadCurve::LoadCurve(const LoadProfile &profile, const QDateTime &start)
    : m_profile(profile)
{
    const QDateTime utc =
        start.isValid() ? start.toUTC() : QDateTime::fromMSecsSinceEpoch(0, Qt::UTC);
    m_startOfDayMs = utc.time().msecsSinceStartOfDay();
    m_startWeekday = utc.date().dayOfWeek() - 1;
}

double LoadCurve::daily(qint64 offsetMs) const
{
    if (m_profile.daily.isEmpty())
        return 1.0;
    // Hourly values stand for the middle of their hour; interpolate between neighbours.
    const double hour = double((m_startOfDayMs + offsetMs) % kDayMs) / kHourMs - 0.5;
    const double h = hour < 0 ? hour + 24 : hour;
    const int a = int(h) % 24;
    const int b = (a + 1) % 24;
    const double f = h - std::floor(h);
    return m_profile.daily[a] * (1 - f) + m_profile.daily[b] * f;
}

double LoadCurve::weekly(qint64 offsetMs) const
{
    if (m_profile.weekly.isEmpty())
        return 1.0;
    const int day = int(((m_startOfDayMs + offsetMs) / kDayMs + m_startWeekday) % 7);
    return m_profile.weekly[day];
}

double LoadCurve::rate(qint64 offsetMs) const
{
    double r = m_profile.rate * daily(offsetMs) * weekly(offsetMs);
    if (m_profile.trendPerWeek != 0.0)
        r *= std::pow(1.0 + m_profile.trendPerWeek, double(offsetMs) / kWeekMs);
    for (const LoadSpike &spike : m_profile.spikes) {
        const qint64 into = offsetMs - spike.atMs;
        if (into < 0 || into >= spike.durationMs)
            continue;
        double weight = 1.0;
        if (spike.rampMs > 0) {
            const qint64 fromEdge = std::min(into, spike.durationMs - into);
            weight = std::min(1.0, double(fromEdge) / spike.rampMs);
        }
        r *= 1.0 + (spike.factor - 1.0) * weight;
    }
    return std::max(0.0, r);
}

} // namespace warroom
