#pragma once

#include "core/util/error.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <map>

class QDebug;

namespace warroom {

// Where a declaration stands in its scenario file (1-based; 0 = unknown).
struct SourcePlace
{
    QString file;
    int line = 0;
    int column = 0;

    QString toString() const; // "lemniscus-2020.yaml:197": the file name (no folder) and line
    bool operator==(const SourcePlace &) const = default;
};

enum class SiteKind
{
    Datacenter,
    AvailabilityZone,
    Provider,
    Internet
};

// Operational state of a site, link or node. Degraded links still carry traffic.
enum class ElementState
{
    Up,
    Degraded,
    Down,
    Unknown
};

struct Site
{
    QString id;
    SiteKind kind = SiteKind::Datacenter;
    QString label;
    QString provider;
    QString region;
    ElementState state = ElementState::Up;
    SourcePlace place;
    bool operator==(const Site &) const = default;
};

// Connectivity between two sites (undirected).
struct Link
{
    QString id;
    int siteA = -1;
    int siteB = -1;
    double latencyMs = 1.0;
    // What it carries (the simulator's model, docs/simulation.md): requests per second in
    // both directions together (0: unlimited), the share it loses on its own, and how long
    // its devices queue before dropping.
    double capacity = 0.0;
    double loss = 0.0;
    double bufferMs = 50.0;
    ElementState state = ElementState::Up;
    SourcePlace place;
    bool operator==(const Link &) const = default;
};

// One server or service instance. A node may serve several roles (a proxy on an app server).
struct Node
{
    QString id;
    QStringList roles;
    int site = -1;
    qint64 startMs = 0; // offset from the scenario start
    double capacity = 100.0;
    int maxConcurrency = 0; // requests it holds at once (0: no limit); more are refused
    QStringList tags;
    QString group; // scaling group it belongs to, if any
    ElementState state = ElementState::Up;
    // Roles it holds as a replica, not the primary (replication): their callers do not reach
    // it until it is promoted.
    QStringList standbyRoles;
    SourcePlace place;

    bool hasRole(const QString &role) const { return roles.contains(role); }
    bool serves(const QString &role) const { return hasRole(role) && !standbyRoles.contains(role); }
    bool operator==(const Node &) const = default;
};

// How many instances of the target role a dependency needs.
enum class InstanceNeed
{
    Any,      // at least one reachable instance (replicas)
    All,      // every instance (a sharded cache)
    SameNode, // the instance on the same node (proxy -> app on the same host)
    AtLeast,  // at least `atLeast` reachable instances (synchronous replication)
};

// How a caller retries a failed call: up to `count` more attempts, the first after `backoffMs`,
// each wait doubling up to `maxBackoffMs`, while attempts and waits fit in `deadlineMs`.
struct RetryPolicy
{
    int count = 0; // 0: no retries
    qint64 backoffMs = 0;
    qint64 maxBackoffMs = 0; // 0: no cap
    qint64 deadlineMs = 0;   // 0: the call's timeout
    double multiplier = 2.0; // each wait is this times the one before
    // The share of each wait drawn at random (1, "full": uniform from 0 to the wait); the
    // model uses the mean wait, w × (1 − jitter / 2).
    double jitter = 0.0;
    bool operator==(const RetryPolicy &) const = default;
};

// Role `fromRole` needs role `toRole` on `port`.
struct Dependency
{
    QString id;
    QString fromRole;
    QString toRole;
    QString toTag; // only instances carrying this tag are candidates (empty: all)
    int port = 0;
    bool required = true;
    InstanceNeed need = InstanceNeed::Any;
    int atLeast = 1;
    double share = 1.0;   // fraction of the caller's requests that make this call
    qint64 timeoutMs = 0; // the caller gives up on an attempt after this (0: the simulation's)
    RetryPolicy retries;
    QString description;
    SourcePlace place;
    bool operator==(const Dependency &) const = default;
};

// What a rule applies to. A node matches a scope by its site, role, id, tag, region or provider.
struct Scope
{
    enum class Kind
    {
        Any,
        Site,
        Role,
        Node,
        Tag,
        Region,
        Provider
    };
    Kind kind = Kind::Any;
    QString value;

    QString toString() const; // "site:dc3", "any"
    bool operator==(const Scope &) const = default;
};

struct PortRange
{
    int first = 1;
    int last = 65535;
    bool contains(int port) const { return port >= first && port <= last; }
    bool contains(const PortRange &o) const { return o.first >= first && o.last <= last; }
    bool operator==(const PortRange &) const = default;
};

enum class RuleAction
{
    Allow,
    Deny
};

// An allow/deny rule. Rules are evaluated in order; the first that matches decides.
struct Rule
{
    QString id;
    RuleAction action = RuleAction::Allow;
    QList<Scope> from;      // any of these
    QList<Scope> to;        // any of these
    QList<PortRange> ports; // empty: every port
    QString description;
    SourcePlace place;

    bool matchesPort(int port) const;
    bool operator==(const Rule &) const = default;
};

enum class TerminationPolicy
{
    OldestFirst,
    NewestFirst
};
enum class PlacementPolicy
{
    Random,
    Balanced,
    Fixed
};

// How new instances come to be (docs/scenario-format.md): at most `launchesPerMinute`, never
// more than `quota` in all, a share that fails (seeded), after `launchTimeMs`, and only while
// the provisioning `service` (a node) is reachable from `from` (a site; empty: where the
// instance goes).
struct Provisioning
{
    double launchesPerMinute = 0.0; // 0: no limit
    int quota = 0;                  // 0: no quota
    double failureRatio = 0.0;
    qint64 launchTimeMs = 0;
    QString service;
    QString from;
    bool operator==(const Provisioning &) const = default;
};

// Instances of a role that an autoscaler adds and removes within [min, max].
struct ScalingGroup
{
    QString id;
    QStringList roles; // roles of every instance it starts
    QStringList tags;  // tags of every instance it starts
    double capacity = 100.0;
    int maxConcurrency = 0; // of each instance (0: no limit)
    int min = 0;
    int max = 1;
    QString metric = QStringLiteral("cpu"); // one of scalingMetrics()
    double scaleOutAbove = 0.0;             // average metric above this: one more instance
    double scaleInBelow = 0.0;              // average metric below this: one instance less
    int step = 1;                           // instances per decision...
    double stepPercent = 0.0;               // ...or this share of the members (rounded up)
    Provisioning provisioning;
    qint64 cooldownMs = 0;
    qint64 warmUpMs = 0;
    TerminationPolicy termination = TerminationPolicy::OldestFirst;
    PlacementPolicy placement = PlacementPolicy::Random;
    qint64 replaceUnhealthyAfterMs = 0; // health checks failing this long: replaced (0: never)
    qint64 drainMs = 0; // scale in: out of rotation this long before terminating (0: at once)
    QList<int> sites;   // candidate sites, in declaration order
    SourcePlace place;
    bool operator==(const ScalingGroup &) const = default;
};

// Elements that fail together (a shared risk: one conduit, one power feed, one vendor's
// devices): usable as a schedule target (group_down), in what-ifs (group-down:ID) and in the
// blast radius.
struct RiskGroup
{
    QString id;
    QList<int> links;
    QList<int> sites;
    QList<int> nodes;
    QString description;
    SourcePlace place;
    bool operator==(const RiskGroup &) const = default;
};

// What an autoscaler may act on, each measured by the simulator as it records it (docs):
// cpu (% of an instance's capacity, averaged), requests (req/s per instance, averaged),
// backlog (items waiting in the queues the group works, in all).
const QStringList &scalingMetrics();
QString scalingMetricUnit(const QString &metric); // "%", "req/s", "items"

// The declared structure of a system: what exists, what may exist, what may talk to what.
struct Topology
{
    QList<Site> sites;
    QList<Link> links;
    QList<Node> nodes;
    QList<Dependency> dependencies;
    QList<Rule> rules;
    RuleAction defaultPolicy = RuleAction::Allow;
    SourcePlace defaultPolicyPlace;
    QList<ScalingGroup> groups;
    QList<RiskGroup> riskGroups;
    double degradedLatencyMs = 150.0; // a path slower than this is degraded

    int siteIndex(const QString &id) const;
    int nodeIndex(const QString &id) const;
    int linkIndex(const QString &id) const;
    int ruleIndex(const QString &id) const;
    int groupIndex(const QString &id) const;
    int riskGroupIndex(const QString &id) const;
    bool operator==(const Topology &) const = default;
};

// Where each role stands on the request path: 0 for roles nobody calls, otherwise one more
// than its deepest caller (dependencies between roles are acyclic; a cycle stops growing).
std::map<QString, int> roleRanks(const Topology &topology);

QString toString(SiteKind kind);
QString toString(ElementState state);
QString toString(InstanceNeed need);
QString toString(RuleAction action);
QString toString(TerminationPolicy policy);
QString toString(PlacementPolicy policy);

QDebug operator<<(QDebug debug, const Node &node);
QDebug operator<<(QDebug debug, const Rule &rule);

} // namespace warroom
