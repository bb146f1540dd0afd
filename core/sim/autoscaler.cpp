#include "autoscaler.h"

#include "random.h"

#include <cmath>

namespace warroom {

ScalingDecision decideScaling(const ScalingGroup &g, const GroupObservation &seen)
{
    using A = ScalingDecision::Action;
    if (seen.members < g.min)
        return {A::ScaleOut, u"below min " + QString::number(g.min)};
    if (std::isnan(seen.metric))
        return {};
    const bool out = seen.metric > g.scaleOutAbove;
    const bool in = seen.metric < g.scaleInBelow;
    if (!out && !in)
        return {};
    // As many decimals as it takes to differ from the threshold: not "latency 10.0 < 10".
    const double threshold = out ? g.scaleOutAbove : g.scaleInBelow;
    QString value = QString::number(seen.metric, 'f', 1);
    for (int decimals = 2; decimals <= 6 && value.toDouble() == threshold; ++decimals)
        value = QString::number(seen.metric, 'f', decimals);
    const QString crossed = g.metric + u' ' + value +
                            (out ? u" > " + QString::number(g.scaleOutAbove)
                                 : u" < " + QString::number(g.scaleInBelow));
    if (out && seen.members >= g.max)
        return {A::Held, crossed + u"; held: at max " + QString::number(g.max)};
    if (in && seen.members <= g.min)
        return {A::Held, crossed + u"; held: at min " + QString::number(g.min)};
    if (seen.lastActionMs >= 0 && seen.nowMs - seen.lastActionMs < g.cooldownMs)
        return {A::Held, crossed + u"; held: cooldown, " +
                             formatDuration(g.cooldownMs - (seen.nowMs - seen.lastActionMs)) +
                             u" left"};
    if (out && seen.warming > 0)
        return {A::Held, crossed + u"; held: " + QString::number(seen.warming) +
                             u" instance(s) still warming up"};
    return {out ? A::ScaleOut : A::ScaleIn, crossed};
}

int chooseSite(const ScalingGroup &g, const std::vector<int> &members, Random &random)
{
    switch (g.placement) {
    case PlacementPolicy::Random:
        return g.sites[random.below(int(g.sites.size()))];
    case PlacementPolicy::Balanced: {
        int best = g.sites.first();
        for (int site : g.sites) {
            if (members[size_t(site)] < members[size_t(best)])
                best = site;
        }
        return best;
    }
    case PlacementPolicy::Fixed:
        return g.sites.first();
    }
    return g.sites.first();
}

int chooseVictim(const ScalingGroup &g, const std::vector<Instance> &instances)
{
    int victim = -1;
    for (int i = 0; i < int(instances.size()); ++i) {
        if (victim < 0) {
            victim = i;
            continue;
        }
        const Instance &a = instances[size_t(i)];
        const Instance &b = instances[size_t(victim)];
        const bool older =
            a.launchedMs < b.launchedMs || (a.launchedMs == b.launchedMs && a.id < b.id);
        const bool newer =
            a.launchedMs > b.launchedMs || (a.launchedMs == b.launchedMs && a.id > b.id);
        if (g.termination == TerminationPolicy::OldestFirst ? older : newer)
            victim = i;
    }
    return victim;
}

} // namespace warroom
