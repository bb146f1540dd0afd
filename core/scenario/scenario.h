#pragma once

#include "simulation_spec.h"

#include <QDateTime>

namespace warroom {

// A scenario file as loaded: metadata, the topology it declares, and what the simulator
// needs to play it: settings, load, scheduled changes, queues and service levels.
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
    SimulationSettings simulation;
    QList<LoadProfile> loads;       // empty: no offered load
    QList<ScheduledChange> changes; // in time order
    QList<Reaction> reactions;
    QList<QueueSpec> queues;
    ServiceLevel serviceLevel;
    QList<ReplicationSpec> replication;
    MonitoringSpec monitoring;
    QString baseFile;    // the scenario this one extends, if any
    QStringList whatIfs; // applied to the base's topology at the start ("rule-remove:x")
    SourcePlace whatIfPlace;
    bool operator==(const Scenario &) const = default;
};

} // namespace warroom
