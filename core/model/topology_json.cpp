#include "topology_json.h"

#include "core/util/json_ms.h"
#include "core/util/quoted.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace warroom {

namespace {

QJsonArray strings(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

QJsonObject placeJson(const SourcePlace &place)
{
    return {{QStringLiteral("file"), place.file}, {QStringLiteral("line"), place.line}};
}

} // namespace

QJsonObject topologyToJson(const Topology &t, const std::vector<char> &present)
{
    QJsonArray sites;
    for (const Site &s : t.sites)
        sites.append(QJsonObject{{QStringLiteral("id"), s.id},
                                 {QStringLiteral("kind"), toString(s.kind)},
                                 {QStringLiteral("label"), s.label},
                                 {QStringLiteral("provider"), s.provider},
                                 {QStringLiteral("region"), s.region},
                                 {QStringLiteral("state"), toString(s.state)}});
    QJsonArray links;
    for (const Link &l : t.links) {
        QJsonObject link{
            {QStringLiteral("id"), l.id},
            {QStringLiteral("between"), QJsonArray{t.sites[l.siteA].id, t.sites[l.siteB].id}},
            {QStringLiteral("latency_ms"), l.latencyMs},
            {QStringLiteral("state"), toString(l.state)}};
        if (l.capacity > 0) { // only what was declared: older readers see the same links
            link.insert(QStringLiteral("capacity"), l.capacity);
            link.insert(QStringLiteral("buffer_ms"), l.bufferMs);
        }
        if (l.loss > 0)
            link.insert(QStringLiteral("loss"), l.loss);
        links.append(link);
    }
    QJsonArray nodes;
    for (int i = 0; i < t.nodes.size(); ++i) {
        if (!present.empty() && (size_t(i) >= present.size() || !present[size_t(i)]))
            continue;
        const Node &n = t.nodes[i];
        nodes.append(QJsonObject{{QStringLiteral("id"), n.id},
                                 {QStringLiteral("roles"), strings(n.roles)},
                                 {QStringLiteral("site"), t.sites[n.site].id},
                                 {QStringLiteral("start_ms"), n.startMs},
                                 {QStringLiteral("capacity"), n.capacity},
                                 {QStringLiteral("tags"), strings(n.tags)},
                                 {QStringLiteral("group"), n.group},
                                 {QStringLiteral("standby_roles"), strings(n.standbyRoles)},
                                 {QStringLiteral("state"), toString(n.state)}});
    }
    QJsonArray dependencies;
    for (const Dependency &d : t.dependencies)
        dependencies.append(QJsonObject{{QStringLiteral("id"), d.id},
                                        {QStringLiteral("from"), d.fromRole},
                                        {QStringLiteral("to"), d.toRole},
                                        {QStringLiteral("to_tag"), d.toTag},
                                        {QStringLiteral("port"), d.port},
                                        {QStringLiteral("required"), d.required},
                                        {QStringLiteral("instances"), toString(d.need)},
                                        {QStringLiteral("at_least"), d.atLeast},
                                        {QStringLiteral("share"), d.share},
                                        {QStringLiteral("description"), d.description}});
    QJsonArray rules;
    for (const Rule &r : t.rules) {
        QStringList from, to, ports;
        for (const Scope &s : r.from)
            from.append(s.toString());
        for (const Scope &s : r.to)
            to.append(s.toString());
        for (const PortRange &p : r.ports)
            ports.append(p.first == p.last
                             ? QString::number(p.first)
                             : QString::number(p.first) + u'-' + QString::number(p.last));
        rules.append(QJsonObject{{QStringLiteral("id"), r.id},
                                 {QStringLiteral("action"), toString(r.action)},
                                 {QStringLiteral("from"), strings(from)},
                                 {QStringLiteral("to"), strings(to)},
                                 {QStringLiteral("ports"), strings(ports)},
                                 {QStringLiteral("description"), r.description},
                                 {QStringLiteral("place"), placeJson(r.place)}});
    }
    QJsonArray groups;
    for (const ScalingGroup &g : t.groups) {
        QStringList sites;
        for (int s : g.sites)
            sites.append(t.sites[s].id);
        groups.append(
            QJsonObject{{QStringLiteral("id"), g.id},
                        {QStringLiteral("roles"), strings(g.roles)},
                        {QStringLiteral("tags"), strings(g.tags)},
                        {QStringLiteral("capacity"), g.capacity},
                        {QStringLiteral("cooldown_ms"), g.cooldownMs},
                        {QStringLiteral("warm_up_ms"), g.warmUpMs},
                        {QStringLiteral("replace_unhealthy_after_ms"), g.replaceUnhealthyAfterMs},
                        {QStringLiteral("drain_ms"), g.drainMs},
                        {QStringLiteral("min"), g.min},
                        {QStringLiteral("max"), g.max},
                        {QStringLiteral("metric"), g.metric},
                        {QStringLiteral("scale_out_above"), g.scaleOutAbove},
                        {QStringLiteral("scale_in_below"), g.scaleInBelow},
                        {QStringLiteral("placement"), toString(g.placement)},
                        {QStringLiteral("termination"), toString(g.termination)},
                        {QStringLiteral("sites"), strings(sites)}});
    }
    return {{QStringLiteral("sites"), sites},
            {QStringLiteral("links"), links},
            {QStringLiteral("nodes"), nodes},
            {QStringLiteral("dependencies"), dependencies},
            {QStringLiteral("rules"), rules},
            {QStringLiteral("default_policy"), toString(t.defaultPolicy)},
            {QStringLiteral("degraded_latency_ms"), t.degradedLatencyMs},
            {QStringLiteral("scaling_groups"), groups}};
}

namespace {

// The enum value whose toString() is `text`; `fallback` when none is.
template<typename E> E enumFrom(const QJsonValue &text, int count, E fallback)
{
    for (int i = 0; i < count; ++i) {
        if (toString(E(i)) == text.toString())
            return E(i);
    }
    return fallback;
}

QStringList stringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &item : v.toArray())
        out.append(item.toString());
    return out;
}

Scope scopeFrom(const QString &text)
{
    static const QStringList kinds = {QStringLiteral("any"),     QStringLiteral("site"),
                                      QStringLiteral("role"),    QStringLiteral("node"),
                                      QStringLiteral("tag"),     QStringLiteral("region"),
                                      QStringLiteral("provider")};
    const qsizetype colon = text.indexOf(u':');
    const int kind = colon < 0 ? 0 : int(kinds.indexOf(text.left(colon)));
    return kind <= 0 ? Scope{} : Scope{Scope::Kind(kind), text.mid(colon + 1)};
}

} // namespace

Topology topologyFromJson(const QJsonObject &o)
{
    Topology t;
    for (const QJsonValue &v : o.value(QStringLiteral("sites")).toArray()) {
        const QJsonObject s = v.toObject();
        t.sites.append(Site{s.value(QStringLiteral("id")).toString(),
                            enumFrom(s.value(QStringLiteral("kind")), 4, SiteKind::Datacenter),
                            s.value(QStringLiteral("label")).toString(),
                            s.value(QStringLiteral("provider")).toString(),
                            s.value(QStringLiteral("region")).toString(),
                            enumFrom(s.value(QStringLiteral("state")), 4, ElementState::Up),
                            {}});
    }
    for (const QJsonValue &v : o.value(QStringLiteral("links")).toArray()) {
        const QJsonObject l = v.toObject();
        const QStringList between = stringList(l.value(QStringLiteral("between")));
        Link link;
        link.id = l.value(QStringLiteral("id")).toString();
        link.siteA = t.siteIndex(between.value(0));
        link.siteB = t.siteIndex(between.value(1));
        link.latencyMs = l.value(QStringLiteral("latency_ms")).toDouble(1.0);
        link.capacity = l.value(QStringLiteral("capacity")).toDouble(0.0);
        link.bufferMs = l.value(QStringLiteral("buffer_ms")).toDouble(50.0);
        link.loss = l.value(QStringLiteral("loss")).toDouble(0.0);
        link.state = enumFrom(l.value(QStringLiteral("state")), 4, ElementState::Up);
        if (link.siteA >= 0 && link.siteB >= 0)
            t.links.append(link);
    }
    for (const QJsonValue &v : o.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject n = v.toObject();
        Node node;
        node.id = n.value(QStringLiteral("id")).toString();
        node.roles = stringList(n.value(QStringLiteral("roles")));
        node.site = t.siteIndex(n.value(QStringLiteral("site")).toString());
        node.startMs = jsonMs(n.value(QStringLiteral("start_ms")));
        node.capacity = n.value(QStringLiteral("capacity")).toDouble(100.0);
        node.tags = stringList(n.value(QStringLiteral("tags")));
        node.group = n.value(QStringLiteral("group")).toString();
        node.standbyRoles = stringList(n.value(QStringLiteral("standby_roles")));
        node.state = enumFrom(n.value(QStringLiteral("state")), 4, ElementState::Up);
        if (node.site >= 0)
            t.nodes.append(node);
    }
    for (const QJsonValue &v : o.value(QStringLiteral("dependencies")).toArray()) {
        const QJsonObject d = v.toObject();
        Dependency dep;
        dep.id = d.value(QStringLiteral("id")).toString();
        dep.fromRole = d.value(QStringLiteral("from")).toString();
        dep.toRole = d.value(QStringLiteral("to")).toString();
        dep.toTag = d.value(QStringLiteral("to_tag")).toString();
        dep.port = d.value(QStringLiteral("port")).toInt();
        dep.required = d.value(QStringLiteral("required")).toBool(true);
        dep.need = enumFrom(d.value(QStringLiteral("instances")), 4, InstanceNeed::Any);
        dep.atLeast = d.value(QStringLiteral("at_least")).toInt(1);
        dep.share = d.value(QStringLiteral("share")).toDouble(1.0);
        dep.description = d.value(QStringLiteral("description")).toString();
        t.dependencies.append(dep);
    }
    for (const QJsonValue &v : o.value(QStringLiteral("rules")).toArray()) {
        const QJsonObject r = v.toObject();
        Rule rule;
        rule.id = r.value(QStringLiteral("id")).toString();
        rule.action = enumFrom(r.value(QStringLiteral("action")), 2, RuleAction::Allow);
        for (const QString &s : stringList(r.value(QStringLiteral("from"))))
            rule.from.append(scopeFrom(s));
        for (const QString &s : stringList(r.value(QStringLiteral("to"))))
            rule.to.append(scopeFrom(s));
        for (const QString &p : stringList(r.value(QStringLiteral("ports"))))
            rule.ports.append(
                PortRange{p.section(u'-', 0, 0).toInt(), p.section(u'-', -1).toInt()});
        rule.description = r.value(QStringLiteral("description")).toString();
        const QJsonObject place = r.value(QStringLiteral("place")).toObject();
        rule.place.file = place.value(QStringLiteral("file")).toString();
        rule.place.line = place.value(QStringLiteral("line")).toInt();
        t.rules.append(rule);
    }
    t.defaultPolicy = enumFrom(o.value(QStringLiteral("default_policy")), 2, RuleAction::Allow);
    t.degradedLatencyMs = o.value(QStringLiteral("degraded_latency_ms")).toDouble(150.0);
    for (const QJsonValue &v : o.value(QStringLiteral("scaling_groups")).toArray()) {
        const QJsonObject g = v.toObject();
        ScalingGroup group;
        group.id = g.value(QStringLiteral("id")).toString();
        group.roles = stringList(g.value(QStringLiteral("roles")));
        group.tags = stringList(g.value(QStringLiteral("tags")));
        group.capacity = g.value(QStringLiteral("capacity")).toDouble(100.0);
        group.min = g.value(QStringLiteral("min")).toInt();
        group.max = g.value(QStringLiteral("max")).toInt();
        group.metric = g.value(QStringLiteral("metric")).toString();
        group.scaleOutAbove = g.value(QStringLiteral("scale_out_above")).toDouble();
        group.scaleInBelow = g.value(QStringLiteral("scale_in_below")).toDouble();
        group.cooldownMs = jsonMs(g.value(QStringLiteral("cooldown_ms")));
        group.warmUpMs = jsonMs(g.value(QStringLiteral("warm_up_ms")));
        group.replaceUnhealthyAfterMs =
            jsonMs(g.value(QStringLiteral("replace_unhealthy_after_ms")));
        group.drainMs = jsonMs(g.value(QStringLiteral("drain_ms")));
        group.placement =
            enumFrom(g.value(QStringLiteral("placement")), 3, PlacementPolicy::Random);
        group.termination =
            enumFrom(g.value(QStringLiteral("termination")), 2, TerminationPolicy::OldestFirst);
        for (const QString &site : stringList(g.value(QStringLiteral("sites")))) {
            if (const int index = t.siteIndex(site); index >= 0)
                group.sites.append(index);
        }
        t.groups.append(group);
    }
    return t;
}

QByteArray topologyToJsonBytes(const Topology &topology, const std::vector<char> &present)
{
    return QJsonDocument(topologyToJson(topology, present)).toJson(QJsonDocument::Compact);
}

std::optional<QString> topologyJsonProblem(const QJsonObject &o)
{
    // An id is drawn and printed: one that hides characters would pass for another.
    static const QString kInvisible =
        QStringLiteral(" holds a character that does not show (a control or format character)");
    const auto where = [](const char *list, qsizetype i) -> QString {
        return u"topology: " + QLatin1StringView(list) + u'[' + QString::number(i) + u']';
    };
    const QJsonValue sites = o.value(QStringLiteral("sites"));
    if (!sites.isArray() || sites.toArray().isEmpty())
        return QStringLiteral("topology: \"sites\" must be a list of at least one site");
    QSet<QString> siteIds;
    const QJsonArray siteList = sites.toArray();
    for (qsizetype i = 0; i < siteList.size(); ++i) {
        const QString id = siteList[i].toObject().value(QStringLiteral("id")).toString();
        if (id.isEmpty())
            return where("sites", i) + u" needs an \"id\" (text)";
        if (!showsWhole(id))
            return where("sites", i) + u": id " + quotedForMessage(id) + kInvisible;
        if (siteIds.contains(id))
            return where("sites", i) + u": site " + quotedForMessage(id) + u" is listed twice";
        siteIds.insert(id);
    }
    for (const char *list : {"links", "nodes", "dependencies", "rules", "scaling_groups"}) {
        const QJsonValue v = o.value(QLatin1StringView(list));
        if (v.isUndefined())
            continue;
        if (!v.isArray())
            return u"topology: \"" + QLatin1StringView(list) + u"\" must be a list";
        const QJsonArray items = v.toArray();
        for (qsizetype i = 0; i < items.size(); ++i) {
            if (!items[i].isObject())
                return where(list, i) + u" must be an object";
        }
    }
    const QJsonArray links = o.value(QStringLiteral("links")).toArray();
    for (qsizetype i = 0; i < links.size(); ++i) {
        if (const QString id = links[i].toObject().value(QStringLiteral("id")).toString();
            !showsWhole(id))
            return where("links", i) + u": id " + quotedForMessage(id) + kInvisible;
        const QJsonArray between = links[i].toObject().value(QStringLiteral("between")).toArray();
        if (between.size() != 2)
            return where("links", i) + u" needs \"between\": the two sites it joins";
        for (const QJsonValue &end : between) {
            if (!siteIds.contains(end.toString()))
                return where("links", i) + u" joins " + quotedForMessage(end.toString()) +
                       u", which is not one of its sites";
        }
    }
    QSet<QString> nodeIds;
    const QJsonArray nodes = o.value(QStringLiteral("nodes")).toArray();
    for (qsizetype i = 0; i < nodes.size(); ++i) {
        const QJsonObject node = nodes[i].toObject();
        const QString id = node.value(QStringLiteral("id")).toString();
        if (id.isEmpty())
            return where("nodes", i) + u" needs an \"id\" (text)";
        if (!showsWhole(id))
            return where("nodes", i) + u": id " + quotedForMessage(id) + kInvisible;
        if (nodeIds.contains(id))
            return where("nodes", i) + u": node " + quotedForMessage(id) + u" is listed twice";
        nodeIds.insert(id);
        const QString site = node.value(QStringLiteral("site")).toString();
        if (!siteIds.contains(site))
            return where("nodes", i) + u" (" + quotedForMessage(id) + u") is in site " +
                   quotedForMessage(site) + u", which is not one of its sites";
    }
    return std::nullopt;
}

} // namespace warroom
