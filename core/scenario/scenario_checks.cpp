#include "scenario_checks.h"

#include <QHash>
#include <QSet>

#include <algorithm>
#include <functional>

namespace warroom {

namespace {

Error errorAt(const SourcePlace &place, const QString &message)
{
    return Error{message, place.file, place.line, place.column};
}

struct KnownNames
{
    QSet<QString> roles, tags, regions, providers;

    KnownNames(const Topology &t, const QList<Node> &rejectedNodes)
    {
        for (const Node &n : t.nodes + rejectedNodes) {
            roles.unite(QSet<QString>(n.roles.cbegin(), n.roles.cend()));
            tags.unite(QSet<QString>(n.tags.cbegin(), n.tags.cend()));
        }
        for (const ScalingGroup &g : t.groups) {
            roles.unite(QSet<QString>(g.roles.cbegin(), g.roles.cend()));
            tags.unite(QSet<QString>(g.tags.cbegin(), g.tags.cend()));
        }
        for (const Site &s : t.sites) {
            if (!s.region.isEmpty())
                regions.insert(s.region);
            if (!s.provider.isEmpty())
                providers.insert(s.provider);
        }
    }
};

void checkDependencies(const Topology &t, const KnownNames &known, ErrorList &errors)
{
    for (const Dependency &d : t.dependencies) {
        for (const QString &role : {d.fromRole, d.toRole}) {
            if (!known.roles.contains(role))
                errors.append(errorAt(d.place, u"dependency '" + d.id + u"' names role '" + role +
                                                   u"' that no node or scaling group has"));
        }
        if (!d.toTag.isEmpty() && !known.tags.contains(d.toTag))
            errors.append(errorAt(d.place, u"dependency '" + d.id + u"' names tag '" + d.toTag +
                                               u"' that no node or scaling group has"));
    }
}

// Roles form a graph through dependencies; a request must never come back to where it
// started, so a cycle is an error (same-node hops included: they are hops too).
void checkDependencyCycles(const Topology &t, ErrorList &errors)
{
    QHash<QString, QList<const Dependency *>> out;
    for (const Dependency &d : t.dependencies)
        out[d.fromRole].append(&d);
    enum Mark
    {
        White,
        Grey,
        Black
    };
    QHash<QString, Mark> mark;
    QStringList stack;
    QSet<QString> reported;
    std::function<void(const QString &)> visit = [&](const QString &role) {
        mark[role] = Grey;
        stack.append(role);
        for (const Dependency *d : out.value(role)) {
            const Mark m = mark.value(d->toRole, White);
            if (m == Grey) {
                const QStringList cycle = stack.mid(stack.indexOf(d->toRole)) << d->toRole;
                const QString text = cycle.join(QStringLiteral(" -> "));
                if (!reported.contains(d->id)) {
                    reported.insert(d->id);
                    errors.append(
                        errorAt(d->place, u"dependency '" + d->id + u"' closes a cycle: " + text));
                }
            } else if (m == White) {
                visit(d->toRole);
            }
        }
        stack.removeLast();
        mark[role] = Black;
    };
    for (const Dependency &d : t.dependencies) {
        if (mark.value(d.fromRole, White) == White)
            visit(d.fromRole);
    }
}

bool scopeTargetExists(const Topology &t, const KnownNames &known, const Scope &scope)
{
    switch (scope.kind) {
    case Scope::Kind::Any:
        return true;
    case Scope::Kind::Site:
        return t.siteIndex(scope.value) >= 0;
    case Scope::Kind::Role:
        return known.roles.contains(scope.value);
    case Scope::Kind::Node:
        return t.nodeIndex(scope.value) >= 0;
    case Scope::Kind::Tag:
        return known.tags.contains(scope.value);
    case Scope::Kind::Region:
        return known.regions.contains(scope.value);
    case Scope::Kind::Provider:
        return known.providers.contains(scope.value);
    }
    return false;
}

QString missingTargetText(const Scope &scope)
{
    switch (scope.kind) {
    case Scope::Kind::Site:
        return u"there is no site '" + scope.value + u'\'';
    case Scope::Kind::Role:
        return u"no node or scaling group has role '" + scope.value + u'\'';
    case Scope::Kind::Node:
        return u"there is no node '" + scope.value + u'\'';
    case Scope::Kind::Tag:
        return u"no node or scaling group has tag '" + scope.value + u'\'';
    case Scope::Kind::Region:
        return u"no site is in region '" + scope.value + u'\'';
    case Scope::Kind::Provider:
        return u"no site is at provider '" + scope.value + u'\'';
    case Scope::Kind::Any:
        break;
    }
    return {};
}

bool portsCover(const QList<PortRange> &wide, const QList<PortRange> &narrow)
{
    if (wide.isEmpty())
        return true;
    if (narrow.isEmpty())
        return false;
    return std::all_of(narrow.cbegin(), narrow.cend(), [&](const PortRange &n) {
        return std::any_of(wide.cbegin(), wide.cend(),
                           [&](const PortRange &w) { return w.contains(n); });
    });
}

bool scopesCover(const Topology &t, const QList<Scope> &wide, const QList<Scope> &narrow)
{
    return std::all_of(narrow.cbegin(), narrow.cend(), [&](const Scope &n) {
        return std::any_of(wide.cbegin(), wide.cend(),
                           [&](const Scope &w) { return scopeCovers(t, w, n); });
    });
}

void checkRules(const Topology &t, const KnownNames &known, ErrorList &errors)
{
    for (int i = 0; i < t.rules.size(); ++i) {
        const Rule &rule = t.rules[i];
        bool targetsExist = true;
        for (const QList<Scope> *side : {&rule.from, &rule.to}) {
            const bool anyExists = std::any_of(side->cbegin(), side->cend(), [&](const Scope &s) {
                return scopeTargetExists(t, known, s);
            });
            for (const Scope &s : *side) {
                if (!scopeTargetExists(t, known, s) && !anyExists)
                    errors.append(errorAt(rule.place, u"rule '" + rule.id + u"' can never match: " +
                                                          missingTargetText(s)));
                else if (!scopeTargetExists(t, known, s))
                    errors.append(errorAt(rule.place, u"rule '" + rule.id + u"' names '" +
                                                          s.toString() + u"' but " +
                                                          missingTargetText(s)));
            }
            targetsExist = targetsExist && anyExists;
        }
        if (!targetsExist)
            continue;
        for (int j = 0; j < i; ++j) {
            const Rule &earlier = t.rules[j];
            if (scopesCover(t, earlier.from, rule.from) && scopesCover(t, earlier.to, rule.to) &&
                portsCover(earlier.ports, rule.ports)) {
                errors.append(errorAt(
                    rule.place, u"rule '" + rule.id + u"' can never match: rule '" + earlier.id +
                                    u"' (line " + QString::number(earlier.place.line) +
                                    u") comes first and matches everything it matches"));
                break;
            }
        }
    }
}

} // namespace

bool scopeCovers(const Topology &t, const Scope &wide, const Scope &narrow)
{
    if (wide.kind == Scope::Kind::Any || wide == narrow)
        return true;
    if (narrow.kind == Scope::Kind::Node) {
        const int n = t.nodeIndex(narrow.value);
        if (n < 0)
            return false;
        const Node &node = t.nodes[n];
        const Site &site = t.sites[node.site];
        switch (wide.kind) {
        case Scope::Kind::Site:
            return site.id == wide.value;
        case Scope::Kind::Region:
            return site.region == wide.value;
        case Scope::Kind::Provider:
            return site.provider == wide.value;
        case Scope::Kind::Role:
            return node.hasRole(wide.value);
        case Scope::Kind::Tag:
            return node.tags.contains(wide.value);
        default:
            return false;
        }
    }
    if (narrow.kind == Scope::Kind::Site) {
        const int s = t.siteIndex(narrow.value);
        if (s < 0)
            return false;
        return (wide.kind == Scope::Kind::Region && t.sites[s].region == wide.value) ||
               (wide.kind == Scope::Kind::Provider && t.sites[s].provider == wide.value);
    }
    return false;
}

void applyReplication(Scenario &scenario, ErrorList &errors)
{
    Topology &t = scenario.topology;
    for (Node &n : t.nodes)
        n.standbyRoles.clear();
    for (const ReplicationSpec &set : scenario.replication) {
        for (const QString &replica : set.replicas) {
            if (const int n = t.nodeIndex(replica); n >= 0)
                t.nodes[n].standbyRoles.append(set.role);
        }
        for (const Dependency &d : t.dependencies) {
            if (d.toRole != set.role)
                continue;
            if (d.need == InstanceNeed::All || (d.need == InstanceNeed::AtLeast && d.atLeast > 1))
                errors.append(errorAt(
                    d.place, u"dependency '" + d.id + u"' needs more than one instance of '" +
                                 set.role + u"', but replication '" + set.id +
                                 u"' lets callers reach its primary only (instances: any)"));
        }
    }
}

void checkScenario(const Scenario &scenario, const QList<Node> &rejectedNodes, ErrorList &errors)
{
    const Topology &t = scenario.topology;
    const KnownNames known(t, rejectedNodes);
    checkDependencies(t, known, errors);
    checkDependencyCycles(t, errors);
    checkRules(t, known, errors);
}

} // namespace warroom
