#include "node_lives.h"

namespace warroom {

NodeLives::NodeLives(const QList<Event> &events)
{
    QHash<QString, int> current; // node id -> its life still going on
    for (const Event &e : events) {
        if (e.kind != EventKind::NodeLaunched && e.kind != EventKind::NodeDraining &&
            e.kind != EventKind::NodeTerminated)
            continue;
        auto it = current.find(e.node);
        if (e.kind == EventKind::NodeLaunched || it == current.end()) {
            it = current.insert(e.node, int(m_lives.size()));
            m_lives.append({e.node, e.site, e.subject, -1, -1, -1});
        }
        Life &life = m_lives[*it];
        if (e.kind == EventKind::NodeLaunched)
            life.launchedMs = e.timeMs;
        else if (e.kind == EventKind::NodeDraining)
            life.drainingMs = e.timeMs;
        else
            life.terminatedMs = e.timeMs;
        if (e.kind == EventKind::NodeTerminated)
            current.erase(it);
    }
}

NodeMarks NodeLives::at(qint64 t) const
{
    NodeMarks marks;
    for (const Life &life : m_lives) {
        NodeLife state = NodeLife::Running;
        if (life.terminatedMs >= 0 && life.terminatedMs <= t) {
            if (t - life.terminatedMs >= kRecentMs)
                continue;
            state = NodeLife::Terminated;
        } else if (life.drainingMs >= 0 && life.drainingMs <= t) {
            state = NodeLife::Draining;
        } else if (life.launchedMs >= 0 && life.launchedMs <= t &&
                   t - life.launchedMs < kRecentMs) {
            state = NodeLife::New;
        } else {
            continue;
        }
        marks.insert(life.node, {state, life.site, life.group});
    }
    return marks;
}

} // namespace warroom
