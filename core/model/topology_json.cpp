#include "topology_json.h"

#include <QJsonArray>
#include <QJsonDocument>

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
    for (const Link &l : t.links)
        links.append(QJsonObject{
            {QStringLiteral("id"), l.id},
            {QStringLiteral("between"), QJsonArray{t.sites[l.siteA].id, t.sites[l.siteB].id}},
            {QStringLiteral("latency_ms"), l.latencyMs},
            {QStringLiteral("state"), toString(l.state)}});
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
                                        {QStringLiteral("share"), d.share}});
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
        groups.append(QJsonObject{{QStringLiteral("id"), g.id},
                                  {QStringLiteral("roles"), strings(g.roles)},
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
            {QStringLiteral("scaling_groups"), groups}};
}

QByteArray topologyToJsonBytes(const Topology &topology, const std::vector<char> &present)
{
    return QJsonDocument(topologyToJson(topology, present)).toJson(QJsonDocument::Compact);
}

} // namespace warroom
