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

// What the recording's samples say of one link at one moment: how full, what it loses, how
// long a request takes over it (its latency and its devices' queue).
struct LinkFigures
{
    double utilization = std::nan(""); // % of its capacity
    double loss = std::nan("");        // %
    double latencyMs = std::nan("");
    bool operator==(const LinkFigures &o) const
    {
        auto same = [](double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); };
        return same(utilization, o.utilization) && same(loss, o.loss) &&
               same(latencyMs, o.latencyMs);
    }
};

// What the map shows as figures at the cursor: nodes' badges, links' gauges.
struct MapFigures
{
    QHash<QString, NodeFigures> nodes;
    QHash<QString, LinkFigures> links; // the links the simulator modelled (a capacity, a loss)
    bool operator==(const MapFigures &) const = default;
};

// Every node's figures at `timeMs` from the recording at `path` (its series node/ID/cpu,
// requests, errors, and a queue node's waiting and oldest; the sample covering that moment).
// Nodes without series are left out. And every modelled link's (link/ID/utilization, loss,
// latency).
Result<MapFigures> loadMapFigures(const QString &path, qint64 timeMs);

} // namespace warroom
