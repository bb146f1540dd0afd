#pragma once

#include "core/model/topology.h"

#include <QStringList>

class QDebug;

namespace warroom {

// Ordered from best to worst: combining verdicts keeps the worse one.
enum class VerdictState
{
    Reachable,
    Degraded,
    Unknown,
    Blocked
};

// Where a verdict comes from: the configuration, a probe, or both and they disagree.
enum class Provenance
{
    Computed,
    Observed,
    Disagreeing
};

// Why a verdict is what it is.
struct Reason
{
    enum class Kind
    {
        None,            // reachable, nothing to say
        RuleDenied,      // a deny rule matched: `subject` is the rule id, `place` its line
        DefaultDenied,   // no rule matched and the default policy denies
        NoRoute,         // no path of up links: `cut` lists the down links/sites of the way
        SiteDown,        // the site of either end is down
        SourceDown,      // the node that needs the dependency is down
        TargetDown,      // the instance needed is down
        NodeUnknown,     // the state of either end is unknown
        LinkUnknown,     // the path crosses a link in unknown state
        LinkDegraded,    // the path crosses a degraded link
        HighLatency,     // the path is slower than the degraded-latency threshold
        NoInstance,      // no instance of the needed role exists
        TooFewReachable, // fewer instances reachable than the dependency needs
        Observed,        // a probe saw it so: `subject` says which and what it saw
    };
    Kind kind = Kind::None;
    QString subject;   // rule, site, node, link or role id
    SourcePlace place; // of the rule (or default policy)
    QStringList cut;   // NoRoute: "link dc1-dc3 is down", "site dc2 is down"
    double latencyMs = 0.0;

    QString text() const; // "blocked by rule dc3-egress (lemniscus-2020.yaml:41)"
    bool operator==(const Reason &) const = default;
};

// What a probe saw of one site from another (a `probe.observed` event): reachable, blocked,
// or unknown when the prober itself is down.
struct Observation
{
    VerdictState state = VerdictState::Reachable;
    QString why; // "probe dc1 -> dc3 fails (probe_success 0)"
    bool operator==(const Observation &) const = default;
};

// Which hops of a site pair a probe covers: those into one node (-1: any) on one port (0: any).
struct ObservationScope
{
    int node = -1;
    int port = 0;
    int specificity() const { return (node >= 0 ? 2 : 0) + (port > 0 ? 1 : 0); }
    bool covers(int toNode, int toPort) const
    {
        return (node < 0 || node == toNode) && (port <= 0 || port == toPort);
    }
    bool operator==(const ObservationScope &) const = default;
};

struct Verdict
{
    VerdictState state = VerdictState::Reachable;
    Reason reason;
    QStringList path; // site ids from source to target
    double latencyMs = 0.0;
    Provenance provenance = Provenance::Computed;
    // With an observation: what the rules alone say, and what the probe saw.
    VerdictState computedState = VerdictState::Reachable;
    QString observation;

    bool operator==(const Verdict &) const = default;
};

// The computed verdict with a probe's observation of its site pair: the worse of the two is
// drawn (an observation cannot clear a port a rule blocks, nor a probe's failure be ignored);
// they disagree when one says broken and the other does not. A prober that is down (unknown)
// makes the verdict unknown unless the rules already block it, and disagrees with nothing.
Verdict withObservation(Verdict computed, const Observation &observation);
// "; computed reachable, probe: probe dc1 -> dc3 fails" (empty when computed only).
QString provenanceText(const Verdict &verdict);

QString toString(VerdictState state);
QString toString(Provenance provenance);
QString toString(Reason::Kind kind);
bool isBroken(VerdictState state); // blocked or unknown
// "blocked by rule dc3-egress (...)", "degraded: path crosses degraded link dc1-dc2"
QString verdictText(VerdictState state, const Reason &reason);

QDebug operator<<(QDebug debug, const Verdict &verdict);

} // namespace warroom
