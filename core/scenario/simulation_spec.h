#pragma once

#include "core/model/topology.h"

#include <QHash>

namespace warroom {

// How the simulator advances and what it may draw at random.
struct SimulationSettings
{
    qint64 tickMs = 1000;
    quint64 seed = 1;
    qint64 timeoutMs = 30000; // a caller gives up on a hop that does not answer after this
    double serviceTimeMs = 5; // one hop's own work per request, unloaded
    SourcePlace place;
    bool operator==(const SimulationSettings &) const = default;
};

// A temporary change of load (a busy week, a marketing mail, a flood of alerts).
struct LoadSpike
{
    qint64 atMs = 0; // offset from the scenario start
    qint64 durationMs = 0;
    double factor = 1.0;
    qint64 rampMs = 0; // linear ramp up at the start and down at the end
    SourcePlace place;
    bool operator==(const LoadSpike &) const = default;
};

enum class FailurePolicy
{
    Drop,  // a request that fails is lost (a browser gives up)
    Retry, // it waits upstream and is sent again (a monitoring system's retry queue)
};

// The offered load over time: requests per second sent by the nodes of `sourceRole`. A
// scenario may have several (users and a batch job, say), each with its own curve.
struct LoadProfile
{
    bool declared = false;
    QString id; // "" for a scenario's only load; its `id:` in a list of loads
    QString sourceRole;
    double rate = 0.0;         // requests/s at the daily mean of the first week
    QList<double> daily;       // multipliers per hour of day (interpolated); empty: flat
    QList<double> weekly;      // multipliers Monday..Sunday; empty: flat
    double trendPerWeek = 0.0; // 0.05: +5 % per week, compounded
    double noise = 0.0;        // relative random variation per tick
    QList<LoadSpike> spikes;
    QHash<QString, double> share; // by site of the source nodes; empty: equal per source node
    FailurePolicy onFailure = FailurePolicy::Drop;
    double retryRate = 0.0; // requests/s at most resent from upstream (0: 10x the rate)
    SourcePlace place;
    bool operator==(const LoadProfile &) const = default;
};

// A change on the schedule: a fault, a fix, an operator's action.
struct ScheduledChange
{
    enum class Kind
    {
        LinkDown,
        LinkUp,
        LinkDegraded,
        SiteDown,
        SiteUp,
        SiteOffline,   // the site's links to the internet go down
        RegionOffline, // every site of the region loses its links to the internet
        NodeCrash,
        NodeRestart,
        RuleAdd,
        RuleRemove,
        RuleCorrect, // replaces the rule with the same id
        Capacity,    // of a node or of every instance of a scaling group
        Failover,    // DNS moves clients from one stack (tag) to another
        LoadSpike,   // only its surge: the offered load multiplied while it lasts
        SiteCut,     // every link of the site goes down: its nodes run, nothing reaches them
        Latency,     // a link's latency (latency_ms)
        Loss,        // the share a link loses on its own (loss)
        Withdraw,    // a node takes itself out of service (its callers use the others)
        GroupDown,   // every link, site and node of a risk group down at once
        Promote,     // a replica becomes its replication's primary
    };
    Kind kind = Kind::LinkDown;
    qint64 atMs = 0;        // offset from the scenario start
    qint64 forMs = 0;       // undone after this long (0: stays)
    QString target;         // link, site, region, node, rule or group id
    Rule rule;              // RuleAdd, RuleCorrect
    QString before;         // RuleAdd: the rule it goes before (empty: last)
    double capacity = 0.0;  // Capacity: requests/s of a node, a group's instances or a link
    double latencyMs = 0.0; // Latency
    double loss = 0.0;      // Loss
    QString fromTag;        // Failover
    QString toTag;
    qint64 dnsTtlMs = 0;
    double surgeFactor = 1.0; // correlated load while it lasts, decaying after
    qint64 surgeDecayMs = 0;
    QString note;
    QString injectedBy; // a drill's instructor, when injected rather than scheduled
    QString name;       // its `id:` in the scenario, for what-ifs (without:ID, shift:ID=+5m)
    SourcePlace place;

    QString id() const; // "region_offline:us-east-1@14h"
    // What it does, in words for people: "region us-east-1 cut off from the internet".
    QString description() const;
    // The same to start a sentence: capitalised, unless it starts with a node's id.
    QString sentence() const;
    bool operator==(const ScheduledChange &) const = default;
};

// What a reaction watches for (docs/scenario-format.md, "Reactions").
struct Condition
{
    enum class Kind
    {
        DependencyFailing, // `who`'s dependency has no usable instance (blocked or unknown)
        Unreachable,       // `who` cannot reach a site or a node (its route, its state, a port)
        MetricAbove,       // a recorded series' value now, e.g. link/border/utilization
        MetricBelow,
        NodeDown,
    };
    enum class Quorum
    {
        All,      // every node `who` names
        Any,      // at least one
        Majority, // more than half
    };
    Kind kind = Kind::NodeDown;
    Scope who;          // node:ID, role:R or site:S (the nodes it names)
    QString dependency; // DependencyFailing: a dependency id
    QString toSite;     // Unreachable: a site...
    QString toNode;     // ...or a node
    int port = 0;       // Unreachable a node on this port (rules count); 0: the route only
    QString metric;     // MetricAbove, MetricBelow: a series key
    double threshold = 0.0;
    QString node; // NodeDown
    Quorum quorum = Quorum::All;
    qint64 forMs = 0; // held this long
    // "a majority of role:db-manager cannot reach node db-1 for 30s" (without "for": the
    // condition alone).
    QString text(bool withFor = true) const;
    bool operator==(const Condition &) const = default;
};

// When a condition has held, a change (and `until` one holds, or its `for:` is over, it is
// undone); not again within `cooldown`.
struct Reaction
{
    QString id;
    Condition when;
    ScheduledChange change;
    bool hasUntil = false;
    bool untilClear = false; // `until: clear`: once `when` has not held for its `for`
    Condition until;
    qint64 cooldownMs = 0;
    SourcePlace place;
    bool operator==(const Reaction &) const = default;
};

// Items (events, notifications) that nodes of `role` hold until workers deliver them.
struct QueueSpec
{
    QString id;
    QString role;        // nodes holding items
    QString workerRole;  // nodes taking items off and delivering them (capacity: items/s)
    qint64 targetMs = 0; // delivery within this of the item's creation (0: no target)
    SourcePlace place;
    bool operator==(const QueueSpec &) const = default;
};

// When the users' view of the service counts as degraded or as an outage. A state is entered
// above its threshold and left at or below its `below` one (hysteresis: unset, half of it), and
// a change counts once it has held for `stateForMs`.
struct ServiceLevel
{
    double degradedAbove = 0.001; // failed share of requests
    double outageAbove = 0.05;
    double degradedBelow = -1.0; // unset: degradedAbove / 2
    double outageBelow = -1.0;   // unset: outageAbove / 2
    qint64 stateForMs = 30000;
    double alertErrorRatio = 0.05; // a node answering more errors than this...
    qint64 alertForMs = 60000;     // ...for this long fires an alert
    qint64 alertWindowMs = 60000;  // its ratio is over this window, as rate(errors[1m]) would
    double leaveDegraded() const { return degradedBelow >= 0 ? degradedBelow : degradedAbove / 2; }
    double leaveOutage() const { return outageBelow >= 0 ? outageBelow : outageAbove / 2; }
    bool operator==(const ServiceLevel &) const = default;
};

// A primary and its replicas (docs/scenario-format.md, "Replication"): callers of `role` reach
// the primary only; each write it serves is copied to every replica over the modelled network;
// a promotion makes a replica the primary, and what it had not received yet is lost or
// divergent.
struct ReplicationSpec
{
    QString id;
    QString role;
    QString primary; // a node, at the start
    QStringList replicas;
    int port = 0;           // of the copying traffic (rules count); 0: the route only
    double writes = 1.0;    // share of the requests the primary serves that write
    double applyRate = 0.0; // writes/s a replica applies at most (0: no limit)
    SourcePlace place;
    QStringList members() const { return QStringList{primary} + replicas; }
    bool operator==(const ReplicationSpec &) const = default;
};

// Who evaluates the alerts and where they go (docs/scenario-format.md, "Monitoring"). Without
// it, monitoring sees everything and every alert arrives at once.
struct MonitoringSpec
{
    bool declared = false;
    QString node;       // evaluates alerts; must reach what it watches
    int port = 0;       // it scrapes on (rules count); 0: the route only
    QString notify;     // a node alerts are delivered to (a pager gateway); empty: none
    int notifyPort = 0; // of the delivery
    SourcePlace place;
    bool operator==(const MonitoringSpec &) const = default;
};

QString toString(ScheduledChange::Kind kind); // "region_offline"
QString toString(FailurePolicy policy);

} // namespace warroom
