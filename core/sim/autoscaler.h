#pragma once

#include "core/model/topology.h"
#include "core/util/duration.h"

#include <vector>

namespace warroom {

class Random;

// What an autoscaler sees of its group at one moment.
struct GroupObservation
{
    double metric = 0.0; // average over the instances in service; NaN when none is
    int members = 0;     // running instances, warming or in service
    int warming = 0;
    qint64 nowMs = 0;
    qint64 lastActionMs = -1; // -1: never acted
};

struct ScalingDecision
{
    enum class Action
    {
        None,
        ScaleOut,
        ScaleIn,
        Held // a threshold is crossed, but cooldown, warm-up, min or max hold the action back
    };
    Action action = Action::None;
    QString reason; // "cpu 46.2 % > 40 %", "below min 2", "held: cooldown 3m12s left"
    bool operator==(const ScalingDecision &) const = default;
};

// The threshold policy of a scaling group: one step at a time, no action during cooldown
// after the last, no scale-out while an instance is still warming up.
ScalingDecision decideScaling(const ScalingGroup &group, const GroupObservation &seen);

// Where the next instance goes. `members` counts the group's running instances per site.
int chooseSite(const ScalingGroup &group, const std::vector<int> &members, Random &random);

struct Instance
{
    int node = -1;
    QString id;
    qint64 launchedMs = 0;
};
// Which instance a scale-in removes (oldest or newest first; ties by id).
int chooseVictim(const ScalingGroup &group, const std::vector<Instance> &instances);

} // namespace warroom
