#include "topology.h"

#include <QDebug>

#include <algorithm>

namespace warroom {

namespace {

template<typename T> int indexById(const QList<T> &items, const QString &id)
{
    const auto it =
        std::find_if(items.cbegin(), items.cend(), [&](const T &item) { return item.id == id; });
    return it == items.cend() ? -1 : int(it - items.cbegin());
}

} // namespace

QString SourcePlace::toString() const
{
    // Short, for reasons shown to people: the file's name without its folder.
    const QString name = file.section(u'/', -1);
    if (line <= 0)
        return name;
    return name + u':' + QString::number(line);
}

QString Scope::toString() const
{
    switch (kind) {
    case Kind::Any:
        return QStringLiteral("any");
    case Kind::Site:
        return u"site:" + value;
    case Kind::Role:
        return u"role:" + value;
    case Kind::Node:
        return u"node:" + value;
    case Kind::Tag:
        return u"tag:" + value;
    case Kind::Region:
        return u"region:" + value;
    case Kind::Provider:
        return u"provider:" + value;
    }
    return {};
}

bool Rule::matchesPort(int port) const
{
    if (ports.isEmpty())
        return true;
    return std::any_of(ports.cbegin(), ports.cend(),
                       [port](const PortRange &r) { return r.contains(port); });
}

int Topology::siteIndex(const QString &id) const
{
    return indexById(sites, id);
}
int Topology::nodeIndex(const QString &id) const
{
    return indexById(nodes, id);
}
int Topology::linkIndex(const QString &id) const
{
    return indexById(links, id);
}
int Topology::ruleIndex(const QString &id) const
{
    return indexById(rules, id);
}
int Topology::riskGroupIndex(const QString &id) const
{
    return indexById(riskGroups, id);
}
int Topology::groupIndex(const QString &id) const
{
    return indexById(groups, id);
}

std::map<QString, int> roleRanks(const Topology &t)
{
    std::map<QString, int> rank;
    for (const Node &n : t.nodes) {
        for (const QString &r : n.roles)
            rank[r] = 0;
    }
    for (const ScalingGroup &g : t.groups) {
        for (const QString &r : g.roles)
            rank[r] = 0;
    }
    for (size_t pass = 0; pass <= rank.size(); ++pass) {
        bool changed = false;
        for (const Dependency &d : t.dependencies) {
            if (d.fromRole == d.toRole)
                continue;
            const int want = rank[d.fromRole] + 1;
            if (rank[d.toRole] < want) {
                rank[d.toRole] = want;
                changed = true;
            }
        }
        if (!changed)
            break;
    }
    return rank;
}

QString toString(SiteKind kind)
{
    switch (kind) {
    case SiteKind::Datacenter:
        return QStringLiteral("datacenter");
    case SiteKind::AvailabilityZone:
        return QStringLiteral("availability_zone");
    case SiteKind::Provider:
        return QStringLiteral("provider");
    case SiteKind::Internet:
        return QStringLiteral("internet");
    }
    return {};
}

QString toString(ElementState state)
{
    switch (state) {
    case ElementState::Up:
        return QStringLiteral("up");
    case ElementState::Degraded:
        return QStringLiteral("degraded");
    case ElementState::Down:
        return QStringLiteral("down");
    case ElementState::Unknown:
        return QStringLiteral("unknown");
    }
    return {};
}

QString toString(InstanceNeed need)
{
    switch (need) {
    case InstanceNeed::Any:
        return QStringLiteral("any");
    case InstanceNeed::All:
        return QStringLiteral("all");
    case InstanceNeed::SameNode:
        return QStringLiteral("same_node");
    case InstanceNeed::AtLeast:
        return QStringLiteral("at_least");
    }
    return {};
}

QString toString(RuleAction action)
{
    return action == RuleAction::Allow ? QStringLiteral("allow") : QStringLiteral("deny");
}

QString toString(TerminationPolicy policy)
{
    return policy == TerminationPolicy::OldestFirst ? QStringLiteral("oldest")
                                                    : QStringLiteral("newest");
}

const QStringList &scalingMetrics()
{
    static const QStringList all = {QStringLiteral("cpu"), QStringLiteral("busy"),
                                    QStringLiteral("latency"), QStringLiteral("requests"),
                                    QStringLiteral("backlog")};
    return all;
}

QString scalingMetricUnit(const QString &metric)
{
    if (metric == u"cpu" || metric == u"busy")
        return QStringLiteral("%");
    if (metric == u"latency")
        return QStringLiteral("ms");
    if (metric == u"requests")
        return QStringLiteral("req/s");
    return metric == u"backlog" ? QStringLiteral("items") : QString();
}

QString toString(PlacementPolicy policy)
{
    switch (policy) {
    case PlacementPolicy::Random:
        return QStringLiteral("random");
    case PlacementPolicy::Balanced:
        return QStringLiteral("balanced");
    case PlacementPolicy::Fixed:
        return QStringLiteral("fixed");
    }
    return {};
}

QDebug operator<<(QDebug debug, const Node &node)
{
    QDebugStateSaver saver(debug);
    debug.nospace().noquote() << "Node(" << node.id << ' ' << node.roles.join(u'+') << " site#"
                              << node.site << ' ' << toString(node.state) << ')';
    return debug;
}

QDebug operator<<(QDebug debug, const Rule &rule)
{
    QDebugStateSaver saver(debug);
    debug.nospace().noquote() << "Rule(" << rule.id << ' ' << toString(rule.action) << " @"
                              << rule.place.toString() << ')';
    return debug;
}

} // namespace warroom
