#pragma once

#include "core/scenario/simulation_spec.h"

#include <QDateTime>

namespace warroom {

// The offered load of a profile at a moment, before noise and correlated surges: the rate
// shaped by hour of day, day of week, weekly trend and spikes.
class LoadCurve
{
public:
    LoadCurve(const LoadProfile &profile, const QDateTime &start);
    double rate(qint64 offsetMs) const;

private:
    double daily(qint64 offsetMs) const;
    double weekly(qint64 offsetMs) const;

    const LoadProfile &m_profile;
    qint64 m_startOfDayMs = 0; // start's time of day
    int m_startWeekday = 0;    // 0 = Monday
};

} // namespace warroom
