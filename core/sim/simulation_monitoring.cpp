// Monitoring that can fail (docs/simulation.md, "Monitoring"): a declared monitoring node
// evaluates the alerts of the nodes it reaches (the others are unknown to it: their alerts
// neither fire nor resolve) and delivers them to `notify` over the modelled network; while
// that path is cut, alerts wait and arrive late.
#include "simulation.h"

#include "core/util/duration.h"
#include "core/util/names.h"

namespace warroom::sim {

namespace {

QString listed(const QStringList &ids)
{
    const int shown = 6;
    QString out = ids.mid(0, shown).join(QStringLiteral(", "));
    if (ids.size() > shown)
        out += u" and " + QString::number(ids.size() - shown) + u" more";
    return out;
}

} // namespace

double Simulation::lossFromMonitor(int node)
{
    return path(sitePair(m_monitor, node)).loss;
}

void Simulation::updateMonitoring()
{
    if (m_monitor < 0)
        return;
    const MonitoringSpec &spec = m_scenario.monitoring;
    const QString &monitorId = topo().nodes[m_monitor].id;
    if (m_monitorDirty) { // the rules and routes, again only when verdicts changed
        m_monitorDirty = false;
        for (int n = 0; n < int(m_nodes.size()); ++n) {
            NodeRun &run = m_nodes[size_t(n)];
            if (run.present)
                run.monitorReach = n == m_monitor ? nodeUp(n) : canReach(m_monitor, n, spec.port);
        }
        m_alertReach =
            m_notify < 0 ? nodeUp(m_monitor) : canReach(m_monitor, m_notify, spec.notifyPort);
    }
    // A target whose scrapes failed more often than not over the alert window is as good as
    // unseen; it counts again once three in four got through (a path losing about half does
    // not flap the monitoring's sight, nor does one lucky second). A cut blinds at once.
    const double kBlindLoss = 0.5;
    const double kSeesAgainLoss = 0.25;
    QStringList lost;
    QStringList regained;
    QString why; // of the first node lost
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        NodeRun &run = m_nodes[size_t(n)];
        if (!run.present)
            continue;
        run.scrapesLost.add(run.monitorReach ? lossFromMonitor(n) : 1.0, 1.0, alertWindowTicks());
        const double loss = run.monitorReach ? run.scrapesLost.ratio() : 1.0;
        const bool sees = run.monitorReach && loss <= (run.watched ? kBlindLoss : kSeesAgainLoss);
        if (sees == run.watched)
            continue;
        run.watched = sees;
        (sees ? regained : lost).append(topo().nodes[n].id);
        if (!sees && why.isEmpty()) {
            if (!nodeUp(m_monitor)) {
                why = monitorId + u" is down";
            } else if (!nodeUp(n)) {
                why = QStringLiteral("down");
            } else if (run.monitorReach) {
                why = QString::number(100.0 * loss, 'f', 0) + u" % of scrapes lost on the way";
            } else if (spec.port > 0) {
                const Verdict v =
                    m_engine.evaluate(topo().nodes[m_monitor], topo().nodes[n], spec.port);
                why = verdictText(v.state, v.reason);
            } else {
                why = QStringLiteral("no route");
            }
        }
    }
    if (!lost.isEmpty()) {
        QStringList named = lost; // the first with why
        if (!why.isEmpty())
            named.first() += u" (" + why + u')';
        emitEvent(EventKind::MonitoringChanged, monitorId, QStringLiteral("targets"),
                  monitorId + u" cannot scrape " + listed(named) + u": their alerts are unknown",
                  {{QStringLiteral("monitor"), monitorId},
                   {QStringLiteral("state"), QStringLiteral("blind")},
                   {QStringLiteral("nodes"), QJsonArray::fromStringList(lost)}});
    }
    if (!regained.isEmpty())
        emitEvent(EventKind::MonitoringChanged, monitorId, QStringLiteral("targets"),
                  monitorId + u" scrapes " + listed(regained) + u" again",
                  {{QStringLiteral("monitor"), monitorId},
                   {QStringLiteral("state"), QStringLiteral("sees")},
                   {QStringLiteral("nodes"), QJsonArray::fromStringList(regained)}});

    const bool pathOk =
        m_alertReach && (m_notify < 0 || lossFromMonitor(m_notify) <=
                                             (m_alertPathOk ? kBlindLoss : kSeesAgainLoss));
    if (pathOk == m_alertPathOk)
        return;
    m_alertPathOk = pathOk;
    const QString target = m_notify < 0 ? QStringLiteral("anyone") : topo().nodes[m_notify].id;
    if (!pathOk) {
        emitEvent(EventKind::MonitoringChanged, monitorId, QStringLiteral("alerts"),
                  u"alerts from " + monitorId + u" cannot reach " + target +
                      u": they wait until the path is back",
                  {{QStringLiteral("monitor"), monitorId},
                   {QStringLiteral("notify"), target},
                   {QStringLiteral("state"), QStringLiteral("cut")}});
        return;
    }
    emitEvent(EventKind::MonitoringChanged, monitorId, QStringLiteral("alerts"),
              u"alerts from " + monitorId + u" reach " + target + u" again: " +
                  QString::number(m_pendingAlerts.size()) + u" delivered late",
              {{QStringLiteral("monitor"), monitorId},
               {QStringLiteral("notify"), target},
               {QStringLiteral("state"), QStringLiteral("delivering")},
               {QStringLiteral("late"), qint64(m_pendingAlerts.size())}});
    std::vector<PendingAlert> pending;
    pending.swap(m_pendingAlerts);
    for (PendingAlert &a : pending) {
        a.details.insert(QStringLiteral("raised_ms"), epoch(a.raisedMs));
        a.details.insert(QStringLiteral("delayed_ms"), m_now - a.raisedMs);
        emitEvent(a.kind, a.node, a.subject,
                  a.text + u" (raised at " +
                      formatUtc(epoch(a.raisedMs), QStringLiteral("HH:mm:ss")) + u", " +
                      formatDuration(m_now - a.raisedMs) + u" late)",
                  std::move(a.details));
    }
}

void Simulation::restateMonitoring()
{
    if (m_monitor < 0)
        return;
    const QString &monitorId = topo().nodes[m_monitor].id;
    QStringList unseen;
    for (int n = 0; n < int(m_nodes.size()); ++n) {
        if (m_nodes[size_t(n)].present && !m_nodes[size_t(n)].watched)
            unseen.append(topo().nodes[n].id);
    }
    if (!unseen.isEmpty())
        emitEvent(EventKind::MonitoringChanged, monitorId, QStringLiteral("targets"),
                  monitorId + u" cannot scrape " + collapsedNames(unseen) +
                      u" when the recording starts: their alerts are unknown",
                  {{QStringLiteral("monitor"), monitorId},
                   {QStringLiteral("state"), QStringLiteral("blind")},
                   {QStringLiteral("nodes"), QJsonArray::fromStringList(unseen)}});
    if (!m_alertPathOk)
        emitEvent(EventKind::MonitoringChanged, monitorId, QStringLiteral("alerts"),
                  u"alerts from " + monitorId + u" cannot reach " +
                      (m_notify < 0 ? QStringLiteral("anyone") : topo().nodes[m_notify].id) +
                      u" when the recording starts: they wait until the path is back",
                  {{QStringLiteral("monitor"), monitorId},
                   {QStringLiteral("notify"),
                    m_notify < 0 ? QStringLiteral("anyone") : topo().nodes[m_notify].id},
                   {QStringLiteral("state"), QStringLiteral("cut")}});
}

void Simulation::sayUndeliveredAlerts()
{
    if (m_pendingAlerts.empty())
        return;
    const QString monitorId = topo().nodes[m_monitor].id;
    const QString target = m_notify < 0 ? QStringLiteral("anyone") : topo().nodes[m_notify].id;
    QJsonArray alerts;
    for (const PendingAlert &a : m_pendingAlerts)
        alerts.append(QJsonObject{{QStringLiteral("kind"), toString(a.kind)},
                                  {QStringLiteral("node"), a.node},
                                  {QStringLiteral("alert"), a.subject},
                                  {QStringLiteral("raised_ms"), epoch(a.raisedMs)}});
    emitEvent(EventKind::MonitoringChanged, monitorId, QStringLiteral("alerts"),
              QString::number(m_pendingAlerts.size()) + u" alerts from " + monitorId +
                  u" never reached " + target + u": its path was still cut at the end",
              {{QStringLiteral("monitor"), monitorId},
               {QStringLiteral("notify"), target},
               {QStringLiteral("state"), QStringLiteral("undelivered")},
               {QStringLiteral("undelivered"), qint64(m_pendingAlerts.size())},
               {QStringLiteral("alerts"), alerts}});
    m_pendingAlerts.clear();
}

void Simulation::raiseAlert(EventKind kind, const QString &node, const QString &subject,
                            const QString &text, QJsonObject details)
{
    if (m_alertPathOk) {
        emitEvent(kind, node, subject, text, std::move(details));
        return;
    }
    m_pendingAlerts.push_back({kind, node, subject, text, std::move(details), m_now});
}

} // namespace warroom::sim
