#include "scenario_loader.h"

#include "scenario_checks.h"
#include "scenario_parser.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <functional>

namespace warroom {

namespace {

const QStringList kTopKeys = {
    QStringLiteral("warroom"),       QStringLiteral("name"),
    QStringLiteral("title"),         QStringLiteral("description"),
    QStringLiteral("start"),         QStringLiteral("duration"),
    QStringLiteral("thresholds"),    QStringLiteral("sites"),
    QStringLiteral("links"),         QStringLiteral("nodes"),
    QStringLiteral("dependencies"),  QStringLiteral("default_policy"),
    QStringLiteral("rules"),         QStringLiteral("scaling_groups"),
    QStringLiteral("simulation"),    QStringLiteral("load"),
    QStringLiteral("schedule"),      QStringLiteral("queues"),
    QStringLiteral("service_level"), QStringLiteral("reactions"),
    QStringLiteral("groups"),        QStringLiteral("replication"),
    QStringLiteral("monitoring"),
};

const QStringList kStates = {QStringLiteral("up"), QStringLiteral("degraded"),
                             QStringLiteral("down"), QStringLiteral("unknown")};
const QStringList kSiteKinds = {QStringLiteral("datacenter"), QStringLiteral("availability_zone"),
                                QStringLiteral("provider"), QStringLiteral("internet")};

} // namespace

Scenario ScenarioParser::parse(const YAML::Node &root)
{
    s.file = r.fileName();
    if (!r.expectMap(root, QStringLiteral("a scenario")))
        return s;
    r.checkKeys(root, kTopKeys, QStringLiteral("the scenario"));
    parseHeader(root);

    auto section = [&](const char *key) {
        YAML::Node node = r.child(root, key, QStringLiteral("the scenario"));
        if (!node.IsDefined() || node.IsNull())
            return YAML::Node(YAML::NodeType::Undefined);
        if (!r.expectSequence(node, u'\'' + QLatin1StringView(key) + u'\''))
            return YAML::Node(YAML::NodeType::Undefined);
        return node;
    };
    YAML::Node sites = r.child(root, "sites", QStringLiteral("the scenario"), true);
    if (sites.IsDefined() && r.expectSequence(sites, QStringLiteral("'sites'")))
        parseSites(sites);
    parseLinks(section("links"));
    parseGroups(section("scaling_groups"));
    parseNodes(section("nodes"));
    for (const auto &[service, mark] : m_provisioningServices) {
        if (t.nodeIndex(service) < 0)
            r.error(mark, u"the provisioning 'service' names no node: '" + service + u'\'');
    }
    parseRiskGroups(section("groups"));
    parseDependencies(section("dependencies"));
    parseRules(section("rules"));
    parseSimulation(root);
    return s;
}

Scenario ScenarioParser::parseVariant(const YAML::Node &root, Scenario base)
{
    s = std::move(base);
    s.baseFile = s.file;
    s.file = r.fileName();
    r.checkKeys(root,
                {QStringLiteral("warroom"), QStringLiteral("extends"), QStringLiteral("name"),
                 QStringLiteral("title"), QStringLiteral("description"), QStringLiteral("what_if"),
                 QStringLiteral("simulation"), QStringLiteral("schedule"),
                 QStringLiteral("service_level"), QStringLiteral("reactions")},
                QStringLiteral("a scenario that extends another"));
    parseTitles(root);
    if (YAML::Node v = r.child(root, "what_if", {}); v.IsDefined()) {
        s.whatIfs = r.stringList(v, QStringLiteral("'what_if'"));
        s.whatIfPlace = r.placeOf(v);
    }
    parseSimulation(root);
    return s;
}

void ScenarioParser::parseTitles(const YAML::Node &root)
{
    if (YAML::Node v = r.child(root, "name", QStringLiteral("the scenario"), true); v.IsDefined())
        s.name = r.identifier(v, QStringLiteral("the scenario name")).value_or(QString());
    if (YAML::Node v = r.child(root, "title", {}); v.IsDefined())
        s.title = r.string(v, QStringLiteral("'title'")).value_or(QString());
    if (YAML::Node v = r.child(root, "description", {}); v.IsDefined())
        s.description = r.string(v, QStringLiteral("'description'")).value_or(QString());
}

void ScenarioParser::parseHeader(const YAML::Node &root)
{
    if (YAML::Node v = r.child(root, "warroom", {}); v.IsDefined()) {
        if (auto version = r.integer(v, QStringLiteral("'warroom' (the format version)"))) {
            if (*version != 1)
                r.error(v, u"format version " + QString::number(*version) +
                               u" is not supported (this Warroom reads version 1)");
            s.formatVersion = int(*version);
        }
    }
    parseTitles(root);
    if (YAML::Node v = r.child(root, "start", {}); v.IsDefined()) {
        if (auto text = r.string(v, QStringLiteral("'start'"))) {
            s.start = QDateTime::fromString(*text, Qt::ISODateWithMs);
            if (!s.start.isValid())
                r.error(v, u"'start' must be an ISO 8601 time such as 2020-06-01T00:00:00Z, "
                           u"not '" +
                               *text + u'\'');
            else
                s.start = s.start.toUTC();
        }
    }
    if (YAML::Node v = r.child(root, "duration", {}); v.IsDefined())
        s.durationMs = r.duration(v, QStringLiteral("'duration'")).value_or(0);
    if (YAML::Node v = r.child(root, "thresholds", {}); v.IsDefined()) {
        if (r.expectMap(v, QStringLiteral("'thresholds'"))) {
            r.checkKeys(v, {QStringLiteral("degraded_latency_ms")}, QStringLiteral("'thresholds'"));
            if (YAML::Node d = r.child(v, "degraded_latency_ms", {}); d.IsDefined()) {
                if (auto ms = r.number(d, QStringLiteral("'degraded_latency_ms'"))) {
                    if (*ms <= 0)
                        r.error(d, QStringLiteral("'degraded_latency_ms' must be positive"));
                    else
                        t.degradedLatencyMs = *ms;
                }
            }
        }
    }
    if (YAML::Node v = r.child(root, "default_policy", {}); v.IsDefined()) {
        const int c = r.choice(v, {QStringLiteral("allow"), QStringLiteral("deny")},
                               QStringLiteral("'default_policy'"));
        if (c >= 0)
            t.defaultPolicy = c == 0 ? RuleAction::Allow : RuleAction::Deny;
        t.defaultPolicyPlace = r.placeOf(v);
    } else {
        t.defaultPolicyPlace = r.placeOf(root);
    }
}

ElementState ScenarioParser::state(const YAML::Node &map, const QString &what)
{
    YAML::Node v = r.child(map, "state", what);
    if (!v.IsDefined())
        return ElementState::Up;
    const int c = r.choice(v, kStates, u"the state of " + what);
    return c < 0 ? ElementState::Up : ElementState(c);
}

int ScenarioParser::siteRef(const YAML::Node &node, const QString &what)
{
    const auto id = r.string(node, what);
    if (!id)
        return -1;
    const int index = t.siteIndex(*id);
    if (index < 0) {
        QStringList ids;
        for (const Site &site : t.sites)
            ids.append(site.id);
        QString message = u"unknown site '" + *id + u"' in " + what;
        const QString suggestion = closestMatch(*id, ids);
        if (!suggestion.isEmpty())
            message += u"; did you mean '" + suggestion + u"'?";
        r.error(node, message);
    }
    return index;
}

void ScenarioParser::parseSites(const YAML::Node &list)
{
    const QStringList keys = {QStringLiteral("id"),     QStringLiteral("kind"),
                              QStringLiteral("label"),  QStringLiteral("provider"),
                              QStringLiteral("region"), QStringLiteral("state")};
    for (const YAML::Node &item : list) {
        if (!r.expectMap(item, QStringLiteral("a site")))
            continue;
        r.checkKeys(item, keys, QStringLiteral("a site"));
        Site site;
        site.place = r.placeOf(item);
        YAML::Node id = r.child(item, "id", QStringLiteral("a site"), true);
        if (!id.IsDefined())
            continue;
        site.id = r.identifier(id, QStringLiteral("site id")).value_or(QString());
        if (site.id.isEmpty())
            continue;
        const QString what = u"site '" + site.id + u'\'';
        if (YAML::Node v = r.child(item, "kind", what, true); v.IsDefined()) {
            const int c = r.choice(v, kSiteKinds, u"the kind of " + what);
            if (c >= 0)
                site.kind = SiteKind(c);
        }
        if (YAML::Node v = r.child(item, "label", what); v.IsDefined())
            site.label = r.string(v, u"the label of " + what).value_or(QString());
        if (YAML::Node v = r.child(item, "provider", what); v.IsDefined())
            site.provider = r.string(v, u"the provider of " + what).value_or(QString());
        if (YAML::Node v = r.child(item, "region", what); v.IsDefined())
            site.region = r.string(v, u"the region of " + what).value_or(QString());
        site.state = state(item, what);
        if (const int previous = t.siteIndex(site.id); previous >= 0) {
            r.error(id, u"duplicate site id '" + site.id + u"' (first declared at line " +
                            QString::number(t.sites[previous].place.line) + u')');
            continue;
        }
        t.sites.append(site);
    }
}

void ScenarioParser::parseLinks(const YAML::Node &list)
{
    if (!list.IsDefined())
        return;
    const QStringList keys = {QStringLiteral("id"),         QStringLiteral("between"),
                              QStringLiteral("latency_ms"), QStringLiteral("capacity"),
                              QStringLiteral("loss"),       QStringLiteral("buffer"),
                              QStringLiteral("state")};
    for (const YAML::Node &item : list) {
        if (!r.expectMap(item, QStringLiteral("a link")))
            continue;
        r.checkKeys(item, keys, QStringLiteral("a link"));
        Link link;
        link.place = r.placeOf(item);
        YAML::Node between = r.child(item, "between", QStringLiteral("a link"), true);
        if (!between.IsDefined())
            continue;
        if (!between.IsSequence() || between.size() != 2) {
            r.error(between, QStringLiteral("'between' must list exactly two sites"));
            continue;
        }
        link.siteA = siteRef(between[0], QStringLiteral("a link"));
        link.siteB = siteRef(between[1], QStringLiteral("a link"));
        if (link.siteA < 0 || link.siteB < 0)
            continue;
        if (link.siteA == link.siteB) {
            r.error(between, u"a link must join two different sites, not '" +
                                 t.sites[link.siteA].id + u"' to itself");
            continue;
        }
        link.id = t.sites[link.siteA].id + u'-' + t.sites[link.siteB].id;
        YAML::Node id = r.child(item, "id", {});
        if (id.IsDefined())
            link.id = r.identifier(id, QStringLiteral("link id")).value_or(link.id);
        const QString what = u"link '" + link.id + u'\'';
        if (YAML::Node v = r.child(item, "latency_ms", what); v.IsDefined()) {
            if (auto ms = r.number(v, u"the latency of " + what)) {
                if (*ms < 0)
                    r.error(v, u"the latency of " + what + u" cannot be negative");
                else
                    link.latencyMs = *ms;
            }
        }
        if (YAML::Node v = r.child(item, "capacity", what); v.IsDefined()) {
            if (auto rate = r.number(v, u"the capacity of " + what)) {
                if (*rate <= 0)
                    r.error(v, u"the capacity of " + what +
                                   u" must be positive (requests per second; leave it out for "
                                   u"no limit)");
                else
                    link.capacity = *rate;
            }
        }
        if (YAML::Node v = r.child(item, "loss", what); v.IsDefined())
            link.loss = fraction(v, u"the loss of " + what, 0.0);
        if (YAML::Node v = r.child(item, "buffer", what); v.IsDefined())
            link.bufferMs = double(r.duration(v, u"the buffer of " + what).value_or(50));
        link.state = state(item, what);
        if (const int previous = t.linkIndex(link.id); previous >= 0) {
            r.error(id.IsDefined() ? id : between,
                    u"duplicate link id '" + link.id + u"' (first declared at line " +
                        QString::number(t.links[previous].place.line) + u')');
            continue;
        }
        t.links.append(link);
    }
}

void ScenarioParser::parseNodes(const YAML::Node &list)
{
    if (!list.IsDefined())
        return;
    const QStringList keys = {QStringLiteral("id"),    QStringLiteral("role"),
                              QStringLiteral("roles"), QStringLiteral("site"),
                              QStringLiteral("start"), QStringLiteral("capacity"),
                              QStringLiteral("tags"),  QStringLiteral("group"),
                              QStringLiteral("state"), QStringLiteral("max_concurrency")};
    for (const YAML::Node &item : list) {
        if (!r.expectMap(item, QStringLiteral("a node")))
            continue;
        r.checkKeys(item, keys, QStringLiteral("a node"));
        Node node;
        node.place = r.placeOf(item);
        YAML::Node id = r.child(item, "id", QStringLiteral("a node"), true);
        if (!id.IsDefined())
            continue;
        node.id = r.identifier(id, QStringLiteral("node id")).value_or(QString());
        if (node.id.isEmpty())
            continue;
        const QString what = u"node '" + node.id + u'\'';
        if (YAML::Node v = r.child(item, "group", what); v.IsDefined()) {
            if (auto group = r.string(v, u"the group of " + what)) {
                const int g = t.groupIndex(*group);
                if (g < 0) {
                    r.error(v, u"unknown scaling group '" + *group + u"' in " + what);
                } else {
                    node.group = *group;
                    node.roles = t.groups[g].roles;
                    node.tags = t.groups[g].tags;
                    node.capacity = t.groups[g].capacity;
                    node.maxConcurrency = t.groups[g].maxConcurrency;
                }
            }
        }
        YAML::Node role = r.child(item, "role", what);
        YAML::Node roles = r.child(item, "roles", what);
        if (role.IsDefined() && roles.IsDefined())
            r.error(roles, what + u" gives both 'role' and 'roles'; keep one");
        if (role.IsDefined()) {
            if (auto v = r.identifier(role, u"the role of " + what))
                node.roles = {*v};
        } else if (roles.IsDefined()) {
            node.roles = r.stringList(roles, u"the roles of " + what);
        } else if (node.group.isEmpty()) {
            r.error(item, what + u" needs 'role' (or a 'group' to take it from)");
        }
        if (YAML::Node v = r.child(item, "site", what, true); v.IsDefined())
            node.site = siteRef(v, what);
        if (YAML::Node v = r.child(item, "start", what); v.IsDefined())
            node.startMs = r.duration(v, u"the start of " + what).value_or(0);
        if (YAML::Node v = r.child(item, "capacity", what); v.IsDefined()) {
            if (auto c = r.number(v, u"the capacity of " + what)) {
                if (*c <= 0)
                    r.error(v, u"the capacity of " + what + u" must be positive");
                else
                    node.capacity = *c;
            }
        }
        if (YAML::Node v = r.child(item, "max_concurrency", what); v.IsDefined())
            node.maxConcurrency = concurrency(v, what);
        if (YAML::Node v = r.child(item, "tags", what); v.IsDefined())
            node.tags += r.stringList(v, u"the tags of " + what);
        node.state = state(item, what);
        if (!node.group.isEmpty() && node.site >= 0) {
            const ScalingGroup &g = t.groups[t.groupIndex(node.group)];
            if (!g.sites.contains(node.site))
                r.error(r.child(item, "site", what),
                        what + u" is in site '" + t.sites[node.site].id + u"' where group '" +
                            g.id + u"' may not place instances");
        }
        if (const int previous = t.nodeIndex(node.id); previous >= 0) {
            r.error(id, u"duplicate node id '" + node.id + u"' (first declared at line " +
                            QString::number(t.nodes[previous].place.line) + u')');
            m_rejectedNodes.append(node);
            continue;
        }
        if (node.site < 0) {
            m_rejectedNodes.append(node);
            continue;
        }
        t.nodes.append(node);
    }
}

void ScenarioParser::parseDependencies(const YAML::Node &list)
{
    if (!list.IsDefined())
        return;
    const QStringList keys = {
        QStringLiteral("id"),        QStringLiteral("from"),   QStringLiteral("to"),
        QStringLiteral("to_tag"),    QStringLiteral("port"),   QStringLiteral("required"),
        QStringLiteral("instances"), QStringLiteral("share"),  QStringLiteral("description"),
        QStringLiteral("timeout"),   QStringLiteral("retries")};
    for (const YAML::Node &item : list) {
        if (!r.expectMap(item, QStringLiteral("a dependency")))
            continue;
        r.checkKeys(item, keys, QStringLiteral("a dependency"));
        Dependency d;
        d.place = r.placeOf(item);
        YAML::Node from = r.child(item, "from", QStringLiteral("a dependency"), true);
        YAML::Node to = r.child(item, "to", QStringLiteral("a dependency"), true);
        YAML::Node portNode = r.child(item, "port", QStringLiteral("a dependency"), true);
        if (from.IsDefined())
            d.fromRole = r.identifier(from, QStringLiteral("'from' (a role)")).value_or(QString());
        if (to.IsDefined())
            d.toRole = r.identifier(to, QStringLiteral("'to' (a role)")).value_or(QString());
        if (portNode.IsDefined()) {
            if (auto text = r.string(portNode, QStringLiteral("'port'")))
                d.port = port(portNode, *text, QStringLiteral("'port'")).value_or(0);
        }
        d.id = d.fromRole + u"->" + d.toRole + u':' + QString::number(d.port);
        if (YAML::Node v = r.child(item, "id", {}); v.IsDefined())
            d.id = r.identifier(v, QStringLiteral("dependency id")).value_or(d.id);
        const QString what = u"dependency '" + d.id + u'\'';
        if (YAML::Node v = r.child(item, "to_tag", what); v.IsDefined())
            d.toTag = r.string(v, u"'to_tag' of " + what).value_or(QString());
        if (YAML::Node v = r.child(item, "required", what); v.IsDefined())
            d.required = r.boolean(v, u"'required' of " + what).value_or(true);
        if (YAML::Node v = r.child(item, "description", what); v.IsDefined())
            d.description = r.string(v, u"the description of " + what).value_or(QString());
        if (YAML::Node v = r.child(item, "share", what); v.IsDefined())
            d.share = fraction(v, u"'share' of " + what, 1.0);
        if (YAML::Node v = r.child(item, "timeout", what); v.IsDefined())
            d.timeoutMs = std::max<qint64>(1, r.duration(v, u"'timeout' of " + what).value_or(0));
        if (YAML::Node v = r.child(item, "retries", what); v.IsDefined())
            d.retries = retryPolicy(v, what);
        if (YAML::Node v = r.child(item, "instances", what); v.IsDefined() && v.IsScalar()) {
            const QString text = QString::fromStdString(v.Scalar());
            bool isNumber = false;
            const int count = text.toInt(&isNumber);
            if (isNumber) {
                if (count < 1)
                    r.error(v, u"'instances' of " + what + u" must be at least 1");
                d.need = InstanceNeed::AtLeast;
                d.atLeast = std::max(1, count);
            } else {
                const int c = r.choice(
                    v, {QStringLiteral("any"), QStringLiteral("all"), QStringLiteral("same_node")},
                    u"'instances' of " + what + u" (or a number)");
                if (c >= 0)
                    d.need = InstanceNeed(c);
            }
        } else if (v.IsDefined()) {
            r.error(v, u"'instances' of " + what + u" must be any, all, same_node or a number");
        }
        if (d.fromRole.isEmpty() || d.toRole.isEmpty() || d.port == 0)
            continue;
        if (std::any_of(t.dependencies.cbegin(), t.dependencies.cend(),
                        [&](const Dependency &o) { return o.id == d.id; })) {
            r.error(item, u"duplicate " + what);
            continue;
        }
        t.dependencies.append(d);
    }
}

std::optional<int> ScenarioParser::port(const YAML::Node &node, const QString &text,
                                        const QString &what)
{
    bool ok = false;
    const int value = text.trimmed().toInt(&ok);
    if (!ok || value < 1 || value > 65535) {
        r.error(node, what + u" '" + text + u"' is not a port (1 to 65535)");
        return std::nullopt;
    }
    return value;
}

QList<PortRange> ScenarioParser::parsePorts(const YAML::Node &node, const QString &what)
{
    QList<PortRange> out;
    if (node.IsScalar() && node.Scalar() == "any")
        return out;
    QList<YAML::Node> items;
    if (node.IsSequence()) {
        for (const YAML::Node &item : node)
            items.append(item);
    } else {
        items.append(node);
    }
    for (const YAML::Node &item : items) {
        const auto text = r.string(item, what);
        if (!text)
            continue;
        const QStringList bounds = text->split(u'-');
        if (bounds.size() > 2) {
            r.error(item, what + u" '" + *text + u"' is not a port or a range like 8000-8100");
            continue;
        }
        const auto first = port(item, bounds.first(), what);
        const auto last = bounds.size() == 2 ? port(item, bounds.last(), what) : first;
        if (!first || !last)
            continue;
        if (*last < *first) {
            r.error(item, what + u" range '" + *text + u"' is empty (it ends before it starts)");
            continue;
        }
        out.append(PortRange{*first, *last});
    }
    return out;
}

std::optional<Scope> ScenarioParser::parseScope(const YAML::Node &node)
{
    static const QStringList kinds = {QStringLiteral("any"),     QStringLiteral("site"),
                                      QStringLiteral("role"),    QStringLiteral("node"),
                                      QStringLiteral("tag"),     QStringLiteral("region"),
                                      QStringLiteral("provider")};
    const auto text = r.string(node, QStringLiteral("a rule scope"));
    if (!text)
        return std::nullopt;
    if (*text == u"any")
        return Scope{};
    const qsizetype colon = text->indexOf(u':');
    const QString kind = colon < 0 ? QString() : text->left(colon);
    const QString value = colon < 0 ? QString() : text->mid(colon + 1);
    const int k = int(kinds.indexOf(kind));
    if (k <= 0 || value.isEmpty()) {
        r.error(node, u"scope '" + *text +
                          u"' must be 'any' or one of site:, role:, node:, tag:, region:, "
                          u"provider: followed by a name");
        return std::nullopt;
    }
    return Scope{Scope::Kind(k), value};
}

void ScenarioParser::parseRules(const YAML::Node &list)
{
    if (!list.IsDefined())
        return;
    for (const YAML::Node &item : list) {
        std::optional<Rule> rule = parseRule(item);
        if (!rule)
            continue;
        if (const int previous = t.ruleIndex(rule->id); previous >= 0) {
            r.error(r.child(item, "id", {}),
                    u"duplicate rule id '" + rule->id + u"' (first declared at line " +
                        QString::number(t.rules[previous].place.line) + u')');
            continue;
        }
        t.rules.append(*rule);
    }
}

std::optional<Rule> ScenarioParser::parseRule(const YAML::Node &item)
{
    const QStringList keys = {QStringLiteral("id"),    QStringLiteral("action"),
                              QStringLiteral("from"),  QStringLiteral("to"),
                              QStringLiteral("ports"), QStringLiteral("description")};
    if (!r.expectMap(item, QStringLiteral("a rule")))
        return std::nullopt;
    r.checkKeys(item, keys, QStringLiteral("a rule"));
    Rule rule;
    rule.place = r.placeOf(item);
    YAML::Node id = r.child(item, "id", QStringLiteral("a rule"), true);
    if (!id.IsDefined())
        return std::nullopt;
    rule.id = r.identifier(id, QStringLiteral("rule id")).value_or(QString());
    if (rule.id.isEmpty())
        return std::nullopt;
    const QString what = u"rule '" + rule.id + u'\'';
    if (YAML::Node v = r.child(item, "action", what, true); v.IsDefined()) {
        const int c = r.choice(v, {QStringLiteral("allow"), QStringLiteral("deny")},
                               u"the action of " + what);
        if (c >= 0)
            rule.action = RuleAction(c);
    }
    auto scopes = [&](const char *key, QList<Scope> &into) {
        YAML::Node v = r.child(item, key, what, true);
        if (!v.IsDefined())
            return;
        QList<YAML::Node> items;
        if (v.IsSequence()) {
            for (const YAML::Node &one : v)
                items.append(one);
        } else {
            items.append(v);
        }
        for (const YAML::Node &one : items) {
            if (auto scope = parseScope(one))
                into.append(*scope);
        }
        if (items.isEmpty())
            r.error(v, u'\'' + QLatin1StringView(key) + u"' of " + what + u" is empty");
    };
    scopes("from", rule.from);
    scopes("to", rule.to);
    if (YAML::Node v = r.child(item, "ports", what); v.IsDefined())
        rule.ports = parsePorts(v, u"a port of " + what);
    if (YAML::Node v = r.child(item, "description", what); v.IsDefined())
        rule.description = r.string(v, u"the description of " + what).value_or(QString());
    if (rule.from.isEmpty() || rule.to.isEmpty())
        return std::nullopt;
    return rule;
}

qint64 parseDurationMs(const QString &text)
{
    // A plain number of seconds, or terms such as "3w 2d 9h30m" or "250ms".
    static const QRegularExpression plain(QStringLiteral("^\\s*(\\d+(?:\\.\\d+)?)\\s*$"));
    static const QRegularExpression whole(
        QStringLiteral("^\\s*(?:\\d+(?:\\.\\d+)?\\s*(?:ms|s|m|h|d|w)\\s*)+$"));
    static const QRegularExpression term(QStringLiteral("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d|w)"));
    double total = 0.0;
    if (const QRegularExpressionMatch m = plain.match(text); m.hasMatch())
        total = m.captured(1).toDouble() * 1000.0;
    else if (!whole.match(text).hasMatch())
        return -1;
    else
        for (const QRegularExpressionMatch &m : term.globalMatch(text)) {
            const QString unit = m.captured(2);
            double factor = 1000.0;
            if (unit == u"ms")
                factor = 1.0;
            else if (unit == u"m")
                factor = 60e3;
            else if (unit == u"h")
                factor = 3600e3;
            else if (unit == u"d")
                factor = 86400e3;
            else if (unit == u"w")
                factor = 7 * 86400e3;
            total += m.captured(1).toDouble() * factor;
        }
    if (!(total <= 9e15)) // beyond any date (and NaN): malformed, not an overflow (fuzz_time)
        return -1;
    return qint64(total);
}

std::optional<qint64> parseTime(const QString &text, qint64 originMs)
{
    const QString t = text.trimmed();
    if (t.contains(u'T') || t.count(u'-') >= 2) {
        const QDateTime at = QDateTime::fromString(t, Qt::ISODateWithMs);
        if (!at.isValid())
            return std::nullopt;
        return at.toMSecsSinceEpoch();
    }
    const qint64 offset = parseDurationMs(t.startsWith(u'+') ? t.mid(1) : t);
    if (offset < 0)
        return std::nullopt;
    return originMs + offset;
}

Result<Scenario> parseScenario(const QByteArray &text, const QString &fileName)
{
    YamlReader reader(fileName);
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::ParserException &e) {
        reader.error(e.mark, QString::fromStdString(e.msg));
        return reader.errors();
    } catch (const YAML::Exception &e) {
        reader.error(e.mark, QString::fromStdString(e.msg));
        return reader.errors();
    }
    ScenarioParser parser(reader);
    Scenario scenario;
    if (YAML::Node extends = root.IsMap() ? root["extends"] : YAML::Node(); extends.IsDefined()) {
        // A variant: the base is loaded (and validated) first, then this file's changes.
        static thread_local int depth = 0;
        const auto baseName = reader.string(extends, QStringLiteral("'extends'"));
        if (!baseName)
            return reader.errors();
        if (depth > 8) {
            reader.error(extends,
                         QStringLiteral("'extends' goes more than 8 files deep (a loop?)"));
            return reader.errors();
        }
        ++depth;
        const Result<Scenario> base =
            loadScenarioFile(QFileInfo(fileName).dir().filePath(*baseName));
        --depth;
        if (!base) {
            ErrorList errors = base.errors();
            reader.error(extends, u"the scenario it extends, '" + *baseName + u"', has errors");
            errors.append(reader.errors());
            return errors;
        }
        scenario = parser.parseVariant(root, base.value());
    } else {
        scenario = parser.parse(root);
        checkScenario(scenario, parser.rejectedNodes(), reader.errors());
    }
    applyReplication(scenario, reader.errors());
    if (!reader.errors().isEmpty()) {
        ErrorList errors = reader.errors();
        std::stable_sort(errors.begin(), errors.end(), [](const Error &a, const Error &b) {
            return std::tie(a.line, a.column) < std::tie(b.line, b.column);
        });
        return errors;
    }
    return scenario;
}

Result<Scenario> loadScenarioFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{u"cannot open scenario: " + file.errorString(), path, 0, 0};
    const QByteArray text = file.readAll();
    if (text.startsWith(QByteArrayLiteral("SQLite format 3\0")))
        return Error{QStringLiteral("this is a recording (or another SQLite file), not a scenario; "
                                    "read it with 'warroom-cli summary' or 'warroom-cli events'"),
                     path, 0, 0};
    return parseScenario(text, path);
}

} // namespace warroom
