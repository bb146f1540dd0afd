#pragma once

#include "core/model/topology.h"

#include <QDateTime>

namespace warroom {

// A scenario file as loaded: metadata and the topology it declares.
// The simulator (next step) extends it with load profiles and faults.
struct Scenario
{
    int formatVersion = 1;
    QString name;
    QString title;
    QString description;
    QString file;
    QDateTime start;       // UTC; the moment the scenario's t=0 stands for
    qint64 durationMs = 0; // how long the scenario runs (0: not set)
    Topology topology;
    bool operator==(const Scenario &) const = default;
};

} // namespace warroom
