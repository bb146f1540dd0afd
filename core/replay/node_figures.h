#pragma once

#include "core/util/result.h"

#include <QHash>

#include <cmath>

namespace warroom {

// What the recording's samples say of one node at one moment (NaN: no sample there).
struct NodeFigures
{
    double cpu = std::nan("");          // %
    double requestsPerS = std::nan(""); // what it received
    double errorsPerS = std::nan("");   // what it answered with errors or timeouts
    double waiting = std::nan("");      // a queue node: items it holds
    double oldestMs = std::nan("");     // ... and how long the oldest of them has waited

    double failingShare() const // of its requests, 0..1 (NaN without requests)
    {
        return requestsPerS > 0 ? errorsPerS / requestsPerS : std::nan("");
    }
    bool operator==(const NodeFigures &o) const
    {
        auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
        return same(cpu, o.cpu) && same(requestsPerS, o.requestsPerS) &&
               same(errorsPerS, o.errorsPerS) && same(waiting, o.waiting) &&
               same(oldestMs, o.oldestMs);
    }
};

// Every node's figures at `timeMs` from the recording at `path` (its series node/ID/cpu,
// requests, errors, and a queue node's waiting and oldest; the sample covering that moment).
// Nodes without series are left out.
Result<QHash<QString, NodeFigures>> loadNodeFigures(const QString &path, qint64 timeMs);

} // namespace warroom
