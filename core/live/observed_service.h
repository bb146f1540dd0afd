#pragma once

#include "core/events/event.h"
#include "core/scenario/simulation_spec.h" // ServiceLevel

#include <optional>

namespace warroom {

// The service's state as its SLIs say, under the scenario's `service_level`: outage above
// `outage_above` failing, degraded above `degraded_above`, each left below its lower threshold
// (hysteresis), and a new state counted once it has held for `state_for` — as the simulator
// does with the requests it models. Fed the failing share (0..1) at each poll.
class ObservedService
{
public:
    explicit ObservedService(ServiceLevel level = {})
        : m_level(level)
    {}

    // A `service.state` event at the first answer (the state it says, at once), then when the
    // state changed and the new one held `state_for`. NaN (no SLI answered) changes nothing.
    // `why` names the SLI that failed the most.
    std::optional<Event> observe(qint64 nowMs, double failing, const QString &why);
    const QString &state() const { return m_state; }

private:
    QString stateFor(double failing) const;
    Event event(qint64 nowMs, const QString &previous, qint64 previousSinceMs, double failing,
                const QString &why) const;

    ServiceLevel m_level;
    QString m_state = QStringLiteral("ok");
    qint64 m_sinceMs = -1;
    QString m_candidate;
    qint64 m_candidateSinceMs = 0;
};

} // namespace warroom
