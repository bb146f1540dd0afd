#include "observed_service.h"

#include <QJsonArray>

#include <cmath>

namespace warroom {

QString ObservedService::stateFor(double failing) const
{
    if (failing > m_level.outageAbove || (m_state == u"outage" && failing > m_level.leaveOutage()))
        return QStringLiteral("outage");
    if (failing > m_level.degradedAbove || (m_state != u"ok" && failing > m_level.leaveDegraded()))
        return QStringLiteral("degraded");
    return QStringLiteral("ok");
}

std::optional<Event> ObservedService::observe(qint64 nowMs, double failing, const QString &why)
{
    if (std::isnan(failing))
        return std::nullopt;
    const QString state = stateFor(failing);
    if (m_sinceMs < 0) {
        // The first answer says the state at once: from then on the states are the SLIs', not
        // derived from probes and alerts.
        m_sinceMs = nowMs;
        m_state = state;
        return event(nowMs, QStringLiteral("unknown"), nowMs, failing, why);
    }
    if (state == m_state) {
        m_candidate.clear();
        return std::nullopt;
    }
    if (state != m_candidate) {
        m_candidate = state;
        m_candidateSinceMs = nowMs;
    }
    if (nowMs - m_candidateSinceMs < m_level.stateForMs)
        return std::nullopt;
    const QString previous = m_state;
    const qint64 previousSince = m_sinceMs;
    m_state = state;
    m_sinceMs = m_candidateSinceMs;
    m_candidate.clear();
    return event(nowMs, previous, previousSince, failing, why);
}

Event ObservedService::event(qint64 nowMs, const QString &previous, qint64 previousSinceMs,
                             double failing, const QString &why) const
{
    Event e;
    e.timeMs = nowMs;
    e.kind = EventKind::ServiceState;
    e.subject = m_state;
    e.text = u"service " + m_state + u" by its SLIs: " + QString::number(failing * 100.0, 'f', 1) +
             u" % failing" + (why.isEmpty() || m_state == u"ok" ? QString() : u"; " + why);
    e.details = {{QStringLiteral("state"), m_state},
                 {QStringLiteral("previous"), previous},
                 {QStringLiteral("since_ms"), m_sinceMs},
                 {QStringLiteral("previous_since_ms"), previousSinceMs},
                 {QStringLiteral("failure_ratio"), failing},
                 {QStringLiteral("observed"), true}};
    if (m_state != u"ok" && !why.isEmpty())
        e.details.insert(QStringLiteral("causes"),
                         QJsonArray{QJsonObject{{QStringLiteral("text"), why}}});
    return e;
}

} // namespace warroom
