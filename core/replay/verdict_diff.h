#pragma once

#include "core/analysis/verdict.h"

#include <QList>
#include <QString>

namespace warroom {

class ReachabilityEngine;

// A hop whose verdict is not the same in two runs of one incident at the same moment.
struct VerdictDifference
{
    QString from; // node ids (stable across runs)
    QString to;
    QString dependency;
    VerdictState a = VerdictState::Reachable; // a hop one run lacks (no instance) is Unknown
    VerdictState b = VerdictState::Reachable;
    QString aWhy; // "blocked by rule dc3-egress (…)", "no such hop in this run"
    QString bWhy;
    bool operator==(const VerdictDifference &) const = default;
};

// Batfish's differential reachability for two runs at one moment: every hop (by its nodes and
// dependency) whose verdict differs, the worse in A first, then by name. A hop only one run
// has counts when it is not reachable there.
QList<VerdictDifference> verdictDifferences(const ReachabilityEngine &a,
                                            const ReachabilityEngine &b);

} // namespace warroom
