#pragma once

#include "core/scenario/scenario.h"
#include "core/util/result.h"
#include "verdict.h"

namespace warroom {

class ReachabilityEngine;

// A change to try before analysing: "link-down:dc1-dc3", "region-offline:us-east-1", ...
struct WhatIf
{
    enum class Kind
    {
        LinkDown,
        LinkUp,
        SiteDown,
        NodeDown,
        RegionOffline,
        RuleRemoved,
        Place,
        Placement, // "placement:GROUP=balanced": the group's placement policy
        Capacity,  // "capacity:GROUP=1000": per-instance capacity of a group (node, link)
        Latency,   // "latency:LINK=80": a link's latency in ms
        Loss,      // "loss:LINK=2%": the share a link loses on its own
        Retries,   // "retries:DEPENDENCY=3" (0: none)
        Backoff,   // "backoff:DEPENDENCY=2s": its retries' first wait
        GroupDown, // "group-down:GROUP": every link, site and node of a risk group down
        // The simulation's schedule (not the topology): a scheduled change by its `id:`
        WithoutChange, // "without:ID": left out
        ShiftChange,   // "shift:ID=+5m" (or -2m): earlier or later
    };
    bool onSchedule() const { return kind == Kind::WithoutChange || kind == Kind::ShiftChange; }
    Kind kind = Kind::LinkDown;
    QString subject; // link, site, node, region or rule id; "group@site" for Place

    QString toString() const;
    bool operator==(const WhatIf &) const = default;
};

// Parses one --what-if argument; the error names the accepted forms.
Result<WhatIf> parseWhatIf(const QString &text);
QStringList whatIfForms();

// One instance-to-instance hop with its verdict, by ids (stable across runs).
struct EdgeReport
{
    QString dependency;
    QString from;
    QString fromSite;
    QString to;
    QString toSite;
    int port = 0;
    Verdict verdict;

    QString text() const; // "dc3/app-pool@dc3 -> dc1/cache-1:6379 blocked by rule ..."
    bool operator==(const EdgeReport &) const = default;
};

// A node whose dependency is not fully reachable.
struct DependencyFinding
{
    QString node;
    QString site;
    QString dependency;
    bool required = true;
    VerdictState state = VerdictState::Reachable;
    Reason reason;
    QList<EdgeReport> edges; // the hops that are not reachable

    QStringList targets() const; // "site/node" of each hop in `edges`
    bool operator==(const DependencyFinding &) const = default;
};

// What an instance of `group` placed in `site` could not reach (or not be reached from).
struct LatentFinding
{
    QString group;
    QString site;
    QString hypotheticalNode;
    QList<DependencyFinding> outgoing; // its own dependencies
    QList<EdgeReport> incoming;        // others that would send to it and fail
    bool operator==(const LatentFinding &) const = default;
};

// What breaks if one element fails.
struct BlastRadius
{
    enum class Kind
    {
        Site,
        Link,
        RegionInternet,
        Group, // a risk group: all its links, sites and nodes at once
    };
    Kind kind = Kind::Site;
    QString subject;
    QStringList lostNodes;            // nodes inside a failed site: gone with it
    QList<EdgeReport> broken;         // hops reachable before, blocked or unknown after
    QList<DependencyFinding> failing; // required dependencies of the other nodes that fail
    bool operator==(const BlastRadius &) const = default;
};

struct SinglePointOfFailure
{
    enum class Kind
    {
        Role,
        Site,
        Link
    };
    Kind kind = Kind::Role;
    QString subject;
    QString detail;
    bool operator==(const SinglePointOfFailure &) const = default;
};

// Everything `warroom-cli analyze` reports about a scenario.
struct Analysis
{
    QString scenario;
    QString file;
    QStringList whatIfs;
    int siteCount = 0;
    int linkCount = 0;
    int nodeCount = 0;
    int edgeCount = 0;
    int reachableEdges = 0;
    int degradedEdges = 0;
    int unknownEdges = 0;
    int blockedEdges = 0;
    QList<DependencyFinding> live;
    QList<LatentFinding> latent;
    QList<BlastRadius> blastRadius;
    QList<SinglePointOfFailure> singlePoints;

    // Findings worth attention: a live dependency not reachable, a latent placement
    // failure, a single point of failure.
    bool hasFindings() const;
    int findingCount() const;
};

// Applies `whatIfs` (in order) to a fresh engine on the scenario, then analyses it.
Result<Analysis> analyze(const Scenario &scenario, const QList<WhatIf> &whatIfs = {});

// Applies one what-if to a topology; an error names the unknown subject.
Result<bool> applyWhatIf(Topology &topology, const WhatIf &whatIf);

EdgeReport edgeReport(const ReachabilityEngine &engine, const Node &from, const Node &to,
                      int dependency, const Verdict &verdict);

QString toString(BlastRadius::Kind kind);
QString toString(SinglePointOfFailure::Kind kind);

} // namespace warroom
