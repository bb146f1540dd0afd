// The parts of a scenario that say how data is copied and who watches: replication sets and
// the monitoring that evaluates and delivers alerts. Part of ScenarioParser (scenario_parser.h).
#include "scenario_parser.h"

namespace warroom {

int ScenarioParser::nodeRef(const YAML::Node &node, const QString &what)
{
    const auto id = r.identifier(node, what);
    if (!id)
        return -1;
    const int index = t.nodeIndex(*id);
    if (index < 0)
        r.error(node, u"unknown node '" + *id + u"' in " + what);
    return index;
}

void ScenarioParser::parseReplication(const YAML::Node &list)
{
    QStringList taken; // a node belongs to one replication at most
    for (const YAML::Node &item : list) {
        if (!r.expectMap(item, QStringLiteral("a replication")))
            continue;
        r.checkKeys(item,
                    {QStringLiteral("id"), QStringLiteral("role"), QStringLiteral("primary"),
                     QStringLiteral("replicas"), QStringLiteral("port"), QStringLiteral("writes"),
                     QStringLiteral("apply_rate")},
                    QStringLiteral("a replication"));
        ReplicationSpec set;
        set.place = r.placeOf(item);
        YAML::Node id = r.child(item, "id", QStringLiteral("a replication"), true);
        if (!id.IsDefined())
            continue;
        set.id = r.identifier(id, QStringLiteral("replication id")).value_or(QString());
        if (set.id.isEmpty())
            continue;
        const QString what = u"replication '" + set.id + u'\'';
        if (std::any_of(s.replication.cbegin(), s.replication.cend(),
                        [&](const ReplicationSpec &o) { return o.id == set.id; }))
            r.error(id, u"two replications are called '" + set.id + u'\'');
        if (YAML::Node v = r.child(item, "role", what, true); v.IsDefined())
            set.role = r.identifier(v, u"the role of " + what).value_or(QString());
        auto member = [&](const YAML::Node &v, const QString &noun) {
            const int n = nodeRef(v, noun + u" of " + what);
            if (n < 0)
                return QString();
            const Node &node = t.nodes[n];
            if (!set.role.isEmpty() && !node.hasRole(set.role))
                r.error(v, node.id + u", " + noun + u" of " + what + u", does not have role '" +
                               set.role + u'\'');
            if (taken.contains(node.id))
                r.error(v, node.id + u" is named twice in replications");
            taken.append(node.id);
            return node.id;
        };
        if (YAML::Node v = r.child(item, "primary", what, true); v.IsDefined())
            set.primary = member(v, QStringLiteral("the primary"));
        if (YAML::Node v = r.child(item, "replicas", what, true);
            v.IsDefined() && r.expectSequence(v, u"the replicas of " + what)) {
            for (const YAML::Node &n : v) {
                const QString replica = member(n, QStringLiteral("a replica"));
                if (!replica.isEmpty())
                    set.replicas.append(replica);
            }
            if (v.size() == 0)
                r.error(v, what + u" lists no replica");
        }
        if (YAML::Node v = r.child(item, "port", {}); v.IsDefined())
            set.port =
                port(v, QString::fromStdString(v.Scalar()), u"the port of " + what).value_or(0);
        if (YAML::Node v = r.child(item, "writes", {}); v.IsDefined())
            set.writes = fraction(v, u"'writes' of " + what, 1.0);
        if (YAML::Node v = r.child(item, "apply_rate", {}); v.IsDefined()) {
            set.applyRate = r.number(v, u"'apply_rate' of " + what).value_or(0.0);
            if (set.applyRate < 0)
                r.error(v, u"'apply_rate' of " + what + u" cannot be negative");
        }
        s.replication.append(set);
    }
}

void ScenarioParser::parseMonitoring(const YAML::Node &map)
{
    const QString what = QStringLiteral("'monitoring'");
    if (!r.expectMap(map, what))
        return;
    r.checkKeys(map,
                {QStringLiteral("node"), QStringLiteral("port"), QStringLiteral("notify"),
                 QStringLiteral("notify_port")},
                what);
    MonitoringSpec &m = s.monitoring;
    m.place = r.placeOf(map);
    m.declared = true;
    if (YAML::Node v = r.child(map, "node", what, true); v.IsDefined()) {
        const int n = nodeRef(v, u"the node of " + what);
        if (n >= 0)
            m.node = t.nodes[n].id;
    }
    if (YAML::Node v = r.child(map, "port", {}); v.IsDefined())
        m.port = port(v, QString::fromStdString(v.Scalar()), u"the port of " + what).value_or(0);
    if (YAML::Node v = r.child(map, "notify", {}); v.IsDefined()) {
        const int n = nodeRef(v, u"'notify' of " + what);
        if (n >= 0)
            m.notify = t.nodes[n].id;
    }
    if (YAML::Node v = r.child(map, "notify_port", {}); v.IsDefined())
        m.notifyPort =
            port(v, QString::fromStdString(v.Scalar()), u"'notify_port' of " + what).value_or(0);
    if (m.notifyPort > 0 && m.notify.isEmpty())
        r.error(r.child(map, "notify_port", {}), what + u" has 'notify_port' without 'notify'");
}

} // namespace warroom
