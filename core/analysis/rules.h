#pragma once

#include "core/model/topology.h"

namespace warroom {

// Whether `scope` applies to `node` (which stands in `site`).
bool scopeMatches(const Scope &scope, const Node &node, const Site &site);
bool anyScopeMatches(const QList<Scope> &scopes, const Node &node, const Site &site);

// The decision for a connection from one node to another on a port: the first rule that
// matches, in order; the default policy when none does (rule = -1).
struct RuleDecision
{
    RuleAction action = RuleAction::Allow;
    int rule = -1;
};

RuleDecision evaluateRules(const Topology &topology, const Node &from, const Node &to, int port);

// Whether rule `rule` would be considered for this pair at all (its scopes match).
bool ruleApplies(const Topology &topology, const Rule &rule, const Node &from, const Node &to);

} // namespace warroom
