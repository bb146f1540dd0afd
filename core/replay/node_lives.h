#pragma once

#include "core/events/event.h"

#include <QHash>
#include <QList>

namespace warroom {

// Where a node is in its life at some moment, from the recorded events.
enum class NodeLife
{
    Running,
    New,        // launched a short while ago
    Draining,   // out of rotation, about to be terminated
    Terminated, // removed a short while ago
};

struct NodeMark
{
    NodeLife life = NodeLife::Running;
    QString site;  // where it ran (a terminated node is no longer in the topology)
    QString group; // the scaling group it belonged to
    bool operator==(const NodeMark &) const = default;
};
using NodeMarks = QHash<QString, NodeMark>; // node id -> mark; running nodes are left out

// The launches, drains and terminations of a recording, to say at any moment which nodes are
// new, draining or just gone.
class NodeLives
{
public:
    static constexpr qint64 kRecentMs = 10 * 60000; // "new" and "just terminated" this long

    NodeLives() = default;
    explicit NodeLives(const QList<Event> &events);
    NodeMarks at(qint64 timeMs) const;

private:
    struct Life
    {
        QString node;
        QString site;
        QString group;
        qint64 launchedMs = -1;
        qint64 drainingMs = -1;
        qint64 terminatedMs = -1;
    };
    QList<Life> m_lives;
};

} // namespace warroom
