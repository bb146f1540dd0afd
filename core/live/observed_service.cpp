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
    if (m_sinceMs < 0)
        m_sinceMs = nowMs;
    const QString state = stateFor(failing);
    if (state == m_state) {
        m_candidate.clear();
        return std::nullopt;
    }
    if (state != m_candidate) {
        m_candidate = state;
        m_candidateSinceMs = nowMs;
        m_worst = failing;
    }
    m_worst = state == u"ok" ? std::min(m_worst, failing) : std::max(m_worst, failing);
    if (nowMs - m_candidateSinceMs < m_level.stateForMs)
        return std::nullopt;
    Event e;
    e.timeMs = nowMs;
    e.kind = EventKind::ServiceState;
    e.subject = state;
    e.text = u"service " + state + u": " + QString::number(failing * 100.0, 'f', 1) +
             u" % of requests fail (SLI)" + (why.isEmpty() ? QString() : u"; " + why);
    e.details = {{QStringLiteral("state"), state},
                 {QStringLiteral("previous"), m_state},
                 {QStringLiteral("since_ms"), m_candidateSinceMs},
                 {QStringLiteral("previous_since_ms"), m_sinceMs},
                 {QStringLiteral("failure_ratio"), failing},
                 {QStringLiteral("observed"), true}};
    if (state != u"ok" && !why.isEmpty())
        e.details.insert(QStringLiteral("causes"),
                         QJsonArray{QJsonObject{{QStringLiteral("text"), why}}});
    m_state = state;
    m_sinceMs = m_candidateSinceMs;
    m_candidate.clear();
    return e;
}

} // namespace warroom
