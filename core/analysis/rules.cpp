#include "rules.h"

#include <algorithm>

namespace warroom {

bool scopeMatches(const Scope &scope, const Node &node, const Site &site)
{
    switch (scope.kind) {
    case Scope::Kind::Any:
        return true;
    case Scope::Kind::Site:
        return site.id == scope.value;
    case Scope::Kind::Role:
        return node.hasRole(scope.value);
    case Scope::Kind::Node:
        return node.id == scope.value;
    case Scope::Kind::Tag:
        return node.tags.contains(scope.value);
    case Scope::Kind::Region:
        return site.region == scope.value;
    case Scope::Kind::Provider:
        return site.provider == scope.value;
    }
    return false;
}

bool anyScopeMatches(const QList<Scope> &scopes, const Node &node, const Site &site)
{
    return std::any_of(scopes.cbegin(), scopes.cend(),
                       [&](const Scope &s) { return scopeMatches(s, node, site); });
}

bool ruleApplies(const Topology &topology, const Rule &rule, const Node &from, const Node &to)
{
    return anyScopeMatches(rule.from, from, topology.sites[from.site]) &&
           anyScopeMatches(rule.to, to, topology.sites[to.site]);
}

RuleDecision evaluateRules(const Topology &topology, const Node &from, const Node &to, int port)
{
    for (int i = 0; i < topology.rules.size(); ++i) {
        const Rule &rule = topology.rules[i];
        if (rule.matchesPort(port) && ruleApplies(topology, rule, from, to))
            return RuleDecision{rule.action, i};
    }
    return RuleDecision{topology.defaultPolicy, -1};
}

} // namespace warroom
