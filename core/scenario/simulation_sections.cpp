// The sections a scenario adds for the simulator: simulation, load, schedule, queues and
// service_level. Part of ScenarioParser (scenario_parser.h).
#include "scenario_loader.h"
#include "scenario_parser.h"

#include "core/util/duration.h"

#include <QRegularExpression>

#include <QDateTime>

namespace warroom {

namespace {

const QStringList kChangeKinds = {
    QStringLiteral("link_down"),      QStringLiteral("link_up"),
    QStringLiteral("link_degraded"),  QStringLiteral("site_down"),
    QStringLiteral("site_up"),        QStringLiteral("site_offline"),
    QStringLiteral("region_offline"), QStringLiteral("node_crash"),
    QStringLiteral("node_restart"),   QStringLiteral("rule_add"),
    QStringLiteral("rule_remove"),    QStringLiteral("rule_correct"),
    QStringLiteral("capacity"),       QStringLiteral("failover"),
    QStringLiteral("load_spike"),     QStringLiteral("site_cut"),
    QStringLiteral("latency"),        QStringLiteral("loss"),
    QStringLiteral("withdraw"),       QStringLiteral("group_down"),
    QStringLiteral("promote"),
};

} // namespace

bool hasRole(const Topology &t, const QString &role)
{
    return std::any_of(t.nodes.cbegin(), t.nodes.cend(),
                       [&](const Node &n) { return n.hasRole(role); }) ||
           std::any_of(t.groups.cbegin(), t.groups.cend(),
                       [&](const ScalingGroup &g) { return g.roles.contains(role); });
}

QString toString(ScheduledChange::Kind kind)
{
    return kChangeKinds.value(int(kind));
}

QString toString(FailurePolicy policy)
{
    return policy == FailurePolicy::Drop ? QStringLiteral("drop") : QStringLiteral("retry");
}

QString ScheduledChange::id() const
{
    return toString(kind) + u':' + target + u'@' + QString::number(atMs / 1000) + u's';
}

QString ScheduledChange::description() const
{
    using K = Kind;
    switch (kind) {
    case K::LinkDown:
        return u"link " + target + u" down";
    case K::LinkUp:
        return u"link " + target + u" up";
    case K::LinkDegraded:
        return u"link " + target + u" degraded";
    case K::SiteDown:
        return u"site " + target + u" down";
    case K::SiteUp:
        return u"site " + target + u" up";
    case K::SiteOffline:
        return u"site " + target + u" cut off from the internet";
    case K::RegionOffline:
        return u"region " + target + u" cut off from the internet";
    case K::NodeCrash:
        return target + u" crashed";
    case K::NodeRestart:
        return target + u" restarted";
    case K::RuleAdd:
        return u"rule " + target + u" added";
    case K::RuleRemove:
        return u"rule " + target + u" removed";
    case K::RuleCorrect:
        return u"rule " + target + u" corrected";
    case K::Capacity:
        return u"capacity of " + target + u" set to " + QString::number(capacity) + u" requests/s";
    case K::Failover:
        return u"failover from the " + fromTag + u" stack to the " + toTag + u" stack";
    case K::LoadSpike:
        return u"load ×" + QString::number(surgeFactor);
    case K::SiteCut:
        return u"site " + target + u" cut off from every link";
    case K::Latency:
        return u"latency of link " + target + u" set to " + QString::number(latencyMs) + u" ms";
    case K::Loss:
        return u"link " + target + u" loses " + QString::number(loss * 100.0) + u" %";
    case K::Withdraw:
        return target + u" withdraws itself from service";
    case K::GroupDown:
        return u"group " + target + u" down (everything in it)";
    case K::Promote:
        return target + u" promoted to primary";
    }
    return id();
}

QString ScheduledChange::sentence() const
{
    QString text = description();
    if (kind != Kind::NodeCrash && kind != Kind::NodeRestart && kind != Kind::Withdraw &&
        kind != Kind::Promote && !text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

std::optional<qint64> ScenarioParser::offset(const YAML::Node &node, const QString &what)
{
    const auto text = r.string(node, what);
    if (!text)
        return std::nullopt;
    const qint64 startMs = s.start.isValid() ? s.start.toMSecsSinceEpoch() : 0;
    const std::optional<qint64> at = parseTime(*text, startMs);
    if (!at) {
        r.error(node, what + u" '" + *text +
                          u"' must be an offset from the start such as 3w2d9h30m, or an ISO "
                          u"8601 time");
        return std::nullopt;
    }
    const bool absolute = parseDurationMs(text->startsWith(u'+') ? text->mid(1) : *text) < 0;
    if (absolute && !s.start.isValid()) {
        r.error(node, what + u" is a time of day but the scenario has no 'start'");
        return std::nullopt;
    }
    if (*at < startMs) {
        r.error(node, what + u" '" + *text + u"' is before the scenario's start");
        return std::nullopt;
    }
    return *at - startMs;
}

double ScenarioParser::fraction(const YAML::Node &node, const QString &what, double fallback)
{
    const auto text = r.string(node, what);
    if (!text)
        return fallback;
    QString number = text->trimmed();
    const bool percent = number.endsWith(u'%');
    if (percent)
        number.chop(1);
    bool ok = false;
    double value = number.toDouble(&ok);
    if (percent)
        value /= 100.0;
    if (!ok || value < 0.0 || value > 1.0) {
        r.error(node, what + u" '" + *text + u"' must be a fraction from 0 to 1, or 0% to 100%");
        return fallback;
    }
    return value;
}

void ScenarioParser::parseSimulation(const YAML::Node &root)
{
    if (YAML::Node v = r.child(root, "simulation", {}); v.IsDefined()) {
        s.simulation.place = r.placeOf(v);
        if (r.expectMap(v, QStringLiteral("'simulation'"))) {
            r.checkKeys(v,
                        {QStringLiteral("tick"), QStringLiteral("seed"), QStringLiteral("timeout"),
                         QStringLiteral("service_time_ms")},
                        QStringLiteral("'simulation'"));
            if (YAML::Node n = r.child(v, "tick", {}); n.IsDefined()) {
                const qint64 tick = r.duration(n, QStringLiteral("'tick'")).value_or(1000);
                if (tick < 10)
                    r.error(n, QStringLiteral("'tick' must be at least 10ms"));
                else
                    s.simulation.tickMs = tick;
            }
            if (YAML::Node n = r.child(v, "seed", {}); n.IsDefined())
                s.simulation.seed = quint64(r.integer(n, QStringLiteral("'seed'")).value_or(1));
            if (YAML::Node n = r.child(v, "timeout", {}); n.IsDefined())
                s.simulation.timeoutMs =
                    std::max<qint64>(1, r.duration(n, QStringLiteral("'timeout'")).value_or(30000));
            if (YAML::Node n = r.child(v, "service_time_ms", {}); n.IsDefined())
                s.simulation.serviceTimeMs =
                    r.number(n, QStringLiteral("'service_time_ms'")).value_or(5.0);
        }
    }
    if (YAML::Node v = r.child(root, "load", {}); v.IsDefined())
        parseLoads(v);
    if (YAML::Node v = r.child(root, "replication", {});
        v.IsDefined() && !v.IsNull() && r.expectSequence(v, QStringLiteral("'replication'")))
        parseReplication(v);
    if (YAML::Node v = r.child(root, "monitoring", {}); v.IsDefined())
        parseMonitoring(v);
    if (YAML::Node v = r.child(root, "schedule", {});
        v.IsDefined() && !v.IsNull() && r.expectSequence(v, QStringLiteral("'schedule'")))
        parseChanges(v);
    if (YAML::Node v = r.child(root, "queues", {});
        v.IsDefined() && !v.IsNull() && r.expectSequence(v, QStringLiteral("'queues'")))
        parseQueues(v);
    if (YAML::Node v = r.child(root, "service_level", {}); v.IsDefined())
        parseServiceLevel(v);
    if (YAML::Node v = r.child(root, "reactions", {});
        v.IsDefined() && !v.IsNull() && r.expectSequence(v, QStringLiteral("'reactions'")))
        parseReactions(v);
}

QString Condition::text(bool withFor) const
{
    const QString quorumText = quorum == Quorum::All        ? QString()
                               : quorum == Quorum::Majority ? QStringLiteral("a majority of ")
                                                            : QStringLiteral("any of ");
    const QString subject = quorumText + who.toString();
    QString out;
    switch (kind) {
    case Kind::DependencyFailing:
        out = subject + u" cannot use " + dependency;
        break;
    case Kind::Unreachable: {
        const QString portText = port > 0 ? u':' + QString::number(port) : QString();
        const QString target =
            toNode.isEmpty() ? QString(u"site " + toSite) : QString(u"node " + toNode + portText);
        out = subject + u" cannot reach " + target;
    } break;
    case Kind::MetricAbove:
        out = metric + u" above " + QString::number(threshold);
        break;
    case Kind::MetricBelow:
        out = metric + u" below " + QString::number(threshold);
        break;
    case Kind::NodeDown:
        out = node + u" down";
        break;
    }
    return withFor && forMs > 0 ? out + u" for " + formatDuration(forMs) : out;
}

std::optional<Condition> ScenarioParser::parseCondition(const YAML::Node &map, const QString &what)
{
    if (!r.expectMap(map, what))
        return std::nullopt;
    r.checkKeys(map,
                {QStringLiteral("dependency_failing"), QStringLiteral("unreachable"),
                 QStringLiteral("metric"), QStringLiteral("above"), QStringLiteral("below"),
                 QStringLiteral("node_down"), QStringLiteral("who"), QStringLiteral("port"),
                 QStringLiteral("quorum"), QStringLiteral("for")},
                what);
    Condition c;
    using K = Condition::Kind;
    int kinds = 0;
    if (YAML::Node v = r.child(map, "who", {}); v.IsDefined()) {
        if (std::optional<Scope> scope = parseScope(v)) {
            c.who = *scope;
            if (scope->kind != Scope::Kind::Node && scope->kind != Scope::Kind::Role &&
                scope->kind != Scope::Kind::Site)
                r.error(v, u"'who' of " + what + u" must be node:ID, role:R or site:S");
            else if (scope->kind == Scope::Kind::Node && t.nodeIndex(scope->value) < 0)
                r.error(v, u"'who' of " + what + u" names no node: '" + scope->value + u'\'');
            else if (scope->kind == Scope::Kind::Site && t.siteIndex(scope->value) < 0)
                r.error(v, u"'who' of " + what + u" names no site: '" + scope->value + u'\'');
            else if (scope->kind == Scope::Kind::Role && !hasRole(t, scope->value))
                r.error(v, u"'who' of " + what + u" names no role: '" + scope->value + u'\'');
        }
    }
    if (YAML::Node v = r.child(map, "dependency_failing", {}); v.IsDefined()) {
        ++kinds;
        c.kind = K::DependencyFailing;
        c.dependency = r.string(v, u"'dependency_failing' of " + what).value_or(QString());
        if (std::none_of(t.dependencies.cbegin(), t.dependencies.cend(),
                         [&](const Dependency &d) { return d.id == c.dependency; })) {
            QStringList ids;
            for (const Dependency &d : t.dependencies)
                ids.append(d.id);
            r.error(v, u"'dependency_failing' names no dependency: '" + c.dependency + u"' (ids: " +
                           ids.join(QStringLiteral(", ")) + u')');
        }
    }
    if (YAML::Node v = r.child(map, "unreachable", {}); v.IsDefined()) {
        ++kinds;
        c.kind = K::Unreachable;
        if (std::optional<Scope> to = parseScope(v)) {
            if (to->kind == Scope::Kind::Site && t.siteIndex(to->value) >= 0)
                c.toSite = to->value;
            else if (to->kind == Scope::Kind::Node && t.nodeIndex(to->value) >= 0)
                c.toNode = to->value;
            else
                r.error(v, u"'unreachable' of " + what + u" must name a known site:S or node:ID");
        }
        if (YAML::Node p = r.child(map, "port", {}); p.IsDefined())
            c.port = int(r.integer(p, QStringLiteral("'port'")).value_or(0));
    }
    if (YAML::Node v = r.child(map, "metric", {}); v.IsDefined()) {
        ++kinds;
        c.metric = r.string(v, u"'metric' of " + what).value_or(QString());
        YAML::Node above = r.child(map, "above", {});
        YAML::Node below = r.child(map, "below", {});
        if (above.IsDefined() == below.IsDefined())
            r.error(v, u"'metric' of " + what + u" needs one of 'above' or 'below'");
        c.kind = above.IsDefined() ? K::MetricAbove : K::MetricBelow;
        const YAML::Node &bound = above.IsDefined() ? above : below;
        if (bound.IsDefined())
            c.threshold = r.number(bound, QStringLiteral("the threshold")).value_or(0.0);
        static const QRegularExpression forms(QStringLiteral(
            "^(node/[^/]+/(cpu|busy|requests|errors|latency)|link/[^/]+/(utilization|loss|latency)"
            "|queue/[^/]+/backlog|service/failure_ratio)$"));
        const QString id = c.metric.section(u'/', 1, 1);
        const bool known = c.metric.startsWith(u"node/")   ? t.nodeIndex(id) >= 0
                           : c.metric.startsWith(u"link/") ? t.linkIndex(id) >= 0
                           : c.metric.startsWith(u"queue/")
                               ? std::any_of(s.queues.cbegin(), s.queues.cend(),
                                             [&](const QueueSpec &q) { return q.id == id; })
                               : true;
        if (!forms.match(c.metric).hasMatch() || !known)
            r.error(v, u"'metric' of " + what +
                           u" must be node/ID/cpu|busy|requests|errors|"
                           u"latency, link/ID/utilization|loss|latency, "
                           u"queue/ID/backlog or service/failure_ratio with a "
                           u"known id, not '" +
                           c.metric + u'\'');
    }
    if (YAML::Node v = r.child(map, "node_down", {}); v.IsDefined()) {
        ++kinds;
        c.kind = K::NodeDown;
        c.node = r.string(v, u"'node_down' of " + what).value_or(QString());
        if (t.nodeIndex(c.node) < 0)
            r.error(v, u"'node_down' names no node: '" + c.node + u'\'');
    }
    if (kinds != 1)
        r.error(map, what + u" needs exactly one of dependency_failing, unreachable, metric, "
                            u"node_down");
    if ((c.kind == K::DependencyFailing || c.kind == K::Unreachable) &&
        !r.child(map, "who", {}).IsDefined())
        r.error(map, what + u" needs 'who' (node:ID, role:R or site:S)");
    if (YAML::Node v = r.child(map, "quorum", {}); v.IsDefined()) {
        const int q =
            r.choice(v, {QStringLiteral("all"), QStringLiteral("any"), QStringLiteral("majority")},
                     QStringLiteral("'quorum'"));
        if (q >= 0)
            c.quorum = Condition::Quorum(q);
    }
    if (YAML::Node v = r.child(map, "for", {}); v.IsDefined())
        c.forMs = r.duration(v, u"'for' of " + what).value_or(0);
    return c;
}

void ScenarioParser::parseReactions(const YAML::Node &list)
{
    for (const YAML::Node &item : list) {
        if (!r.expectMap(item, QStringLiteral("a reaction")))
            continue;
        r.checkKeys(item,
                    {QStringLiteral("id"), QStringLiteral("when"), QStringLiteral("do"),
                     QStringLiteral("until"), QStringLiteral("cooldown")},
                    QStringLiteral("a reaction"));
        Reaction reaction;
        reaction.place = r.placeOf(item);
        if (YAML::Node v = r.child(item, "id", QStringLiteral("a reaction"), true); v.IsDefined())
            reaction.id =
                r.identifier(v, QStringLiteral("the id of a reaction")).value_or(QString());
        const QString what = u"reaction '" + reaction.id + u'\'';
        if (std::any_of(s.reactions.cbegin(), s.reactions.cend(),
                        [&](const Reaction &other) { return other.id == reaction.id; }))
            r.error(r.child(item, "id", {}),
                    u"another reaction is already called '" + reaction.id + u'\'');
        bool ok = !reaction.id.isEmpty();
        if (YAML::Node v = r.child(item, "when", what, true); v.IsDefined()) {
            const std::optional<Condition> when = parseCondition(v, u"'when' of " + what);
            ok = ok && when.has_value();
            if (when)
                reaction.when = *when;
        } else {
            ok = false;
        }
        if (YAML::Node v = r.child(item, "until", {}); v.IsDefined()) {
            if (v.IsScalar() && v.Scalar() == "clear") {
                reaction.hasUntil = reaction.untilClear = true;
            } else {
                const std::optional<Condition> until =
                    parseCondition(v, u"'until' of " + what + u" (a condition, or clear)");
                reaction.hasUntil = until.has_value();
                if (until)
                    reaction.until = *until;
            }
        }
        if (YAML::Node v = r.child(item, "do", what, true); v.IsDefined()) {
            if (r.expectMap(v, u"'do' of " + what)) {
                r.checkKeys(
                    v,
                    {QStringLiteral("change"), QStringLiteral("target"), QStringLiteral("for"),
                     QStringLiteral("rule"), QStringLiteral("before"), QStringLiteral("capacity"),
                     QStringLiteral("from_tag"), QStringLiteral("to_tag"),
                     QStringLiteral("dns_ttl"), QStringLiteral("surge"), QStringLiteral("note"),
                     QStringLiteral("latency_ms"), QStringLiteral("loss")},
                    u"'do' of " + what);
                YAML::Mark beforeMark;
                const std::optional<ScheduledChange> change =
                    parseChange(v, u"'do' of " + what, false, &beforeMark);
                // 'before:' names a declared rule or one the schedule adds.
                if (change && !change->before.isEmpty() && t.ruleIndex(change->before) < 0 &&
                    std::none_of(s.changes.cbegin(), s.changes.cend(),
                                 [&](const ScheduledChange &c) {
                                     return c.kind == ScheduledChange::Kind::RuleAdd &&
                                            c.target == change->before;
                                 }))
                    r.error(beforeMark, u"'before' names no rule declared or added by the "
                                        u"schedule: '" +
                                            change->before + u'\'');
                ok = ok && change.has_value();
                if (change) {
                    reaction.change = *change;
                    reaction.change.name = reaction.id;
                }
            }
        } else {
            ok = false;
        }
        if (YAML::Node v = r.child(item, "cooldown", {}); v.IsDefined())
            reaction.cooldownMs = r.duration(v, u"'cooldown' of " + what).value_or(0);
        if (reaction.hasUntil && reaction.change.surgeFactor != 1.0)
            r.error(r.child(item, "until", {}),
                    what + u" has a surge, which only a 'for' on its change ends, not 'until'");
        if (reaction.hasUntil && reaction.change.forMs > 0)
            r.error(r.child(item, "until", {}),
                    what + u" is undone either by its change's 'for' or by 'until', not both");
        if (ok)
            s.reactions.append(reaction);
    }
}

std::optional<ScheduledChange> ScenarioParser::parseChange(const YAML::Node &item,
                                                           const QString &what, bool scheduled,
                                                           YAML::Mark *beforeMarkOut)
{
    YAML::Mark beforeMark;
    ScheduledChange c;
    c.place = r.placeOf(item);
    YAML::Node kindNode = r.child(item, "change", what, true);
    if (!kindNode.IsDefined())
        return std::nullopt;
    const int kind = r.choice(kindNode, kChangeKinds, QStringLiteral("'change'"));
    if (kind < 0)
        return std::nullopt;
    c.kind = ScheduledChange::Kind(kind);
    if (scheduled) {
        if (YAML::Node v = r.child(item, "at", what, true); v.IsDefined())
            c.atMs = offset(v, QStringLiteral("'at'")).value_or(0);
        if (s.durationMs > 0 && c.atMs > s.durationMs)
            r.error(r.child(item, "at", {}), QStringLiteral("'at' lies after the scenario's end"));
    }
    if (YAML::Node v = r.child(item, "for", {}); v.IsDefined())
        c.forMs = r.duration(v, QStringLiteral("'for'")).value_or(0);
    if (YAML::Node v = r.child(item, "note", {}); v.IsDefined())
        c.note = r.string(v, QStringLiteral("'note'")).value_or(QString());
    if (YAML::Node v = r.child(item, "id", {}); v.IsDefined())
        c.name =
            r.identifier(v, QStringLiteral("the id of a scheduled change")).value_or(QString());
    if (YAML::Node v = r.child(item, "surge", {});
        v.IsDefined() && r.expectMap(v, QStringLiteral("'surge'"))) {
        r.checkKeys(v, {QStringLiteral("factor"), QStringLiteral("decay")},
                    QStringLiteral("'surge'"));
        if (YAML::Node n = r.child(v, "factor", QStringLiteral("'surge'"), true); n.IsDefined())
            c.surgeFactor = std::max(0.0, r.number(n, QStringLiteral("'factor'")).value_or(1.0));
        if (YAML::Node n = r.child(v, "decay", {}); n.IsDefined())
            c.surgeDecayMs = r.duration(n, QStringLiteral("'decay'")).value_or(0);
    }

    using K = ScheduledChange::Kind;
    const bool needsTarget = c.kind != K::RuleAdd && c.kind != K::RuleCorrect &&
                             c.kind != K::Failover && c.kind != K::LoadSpike;
    YAML::Node target = r.child(item, "target", what, needsTarget);
    if (target.IsDefined())
        c.target = r.string(target, QStringLiteral("'target'")).value_or(QString());
    auto check = [&](bool known, const char *noun) {
        if (target.IsDefined() && !c.target.isEmpty() && !known)
            r.error(target, u"'" + toString(c.kind) + u"' needs a " + QLatin1StringView(noun) +
                                u"; there is no " + QLatin1StringView(noun) + u" '" + c.target +
                                u'\'');
    };
    switch (c.kind) {
    case K::LinkDown:
    case K::LinkUp:
    case K::LinkDegraded:
        check(t.linkIndex(c.target) >= 0, "link");
        break;
    case K::SiteDown:
    case K::SiteUp:
    case K::SiteOffline:
    case K::SiteCut:
        check(t.siteIndex(c.target) >= 0, "site");
        break;
    case K::RegionOffline:
        check(std::any_of(t.sites.cbegin(), t.sites.cend(),
                          [&](const Site &site) { return site.region == c.target; }),
              "region");
        break;
    case K::NodeCrash:
    case K::NodeRestart:
    case K::Withdraw:
        check(t.nodeIndex(c.target) >= 0, "node");
        break;
    case K::GroupDown:
        check(t.riskGroupIndex(c.target) >= 0, "group");
        break;
    case K::Promote:
        check(std::any_of(
                  s.replication.cbegin(), s.replication.cend(),
                  [&](const ReplicationSpec &set) { return set.members().contains(c.target); }),
              "node of a replication");
        break;
    case K::RuleRemove:
        check(t.ruleIndex(c.target) >= 0, "rule");
        break;
    case K::Capacity:
        check(t.nodeIndex(c.target) >= 0 || t.groupIndex(c.target) >= 0 ||
                  t.linkIndex(c.target) >= 0,
              "node, group or link");
        if (YAML::Node v = r.child(item, "capacity", what, true); v.IsDefined()) {
            c.capacity = r.number(v, QStringLiteral("'capacity'")).value_or(0.0);
            if (c.capacity <= 0)
                r.error(v, QStringLiteral("'capacity' must be positive (requests per second)"));
        }
        break;
    case K::Latency:
        check(t.linkIndex(c.target) >= 0, "link");
        if (YAML::Node v = r.child(item, "latency_ms", what, true); v.IsDefined()) {
            c.latencyMs = r.number(v, QStringLiteral("'latency_ms'")).value_or(0.0);
            if (c.latencyMs < 0)
                r.error(v, QStringLiteral("'latency_ms' cannot be negative"));
        }
        break;
    case K::Loss:
        check(t.linkIndex(c.target) >= 0, "link");
        if (YAML::Node v = r.child(item, "loss", what, true); v.IsDefined())
            c.loss = fraction(v, QStringLiteral("'loss'"), 0.0);
        break;
    case K::RuleAdd:
    case K::RuleCorrect: {
        YAML::Node rule = r.child(item, "rule", what, true);
        if (!rule.IsDefined())
            break;
        if (std::optional<Rule> parsed = parseRule(rule)) {
            c.rule = *parsed;
            c.target = parsed->id;
            const bool exists = t.ruleIndex(parsed->id) >= 0;
            if (c.kind == K::RuleCorrect && !exists)
                r.error(r.child(rule, "id", {}),
                        u"'rule_correct' replaces a rule by its id; there is no rule '" +
                            parsed->id + u'\'');
        }
        if (YAML::Node v = r.child(item, "before", {}); v.IsDefined()) {
            c.before = r.string(v, QStringLiteral("'before'")).value_or(QString());
            beforeMark = v.Mark();
        }
        break;
    }
    case K::Failover: {
        YAML::Node from = r.child(item, "from_tag", what, true);
        YAML::Node to = r.child(item, "to_tag", what, true);
        if (from.IsDefined())
            c.fromTag = r.string(from, QStringLiteral("'from_tag'")).value_or(QString());
        if (to.IsDefined())
            c.toTag = r.string(to, QStringLiteral("'to_tag'")).value_or(QString());
        if (YAML::Node v = r.child(item, "dns_ttl", {}); v.IsDefined())
            c.dnsTtlMs = r.duration(v, QStringLiteral("'dns_ttl'")).value_or(0);
        const bool tagged = std::any_of(t.nodes.cbegin(), t.nodes.cend(),
                                        [&](const Node &n) { return n.tags.contains(c.toTag); });
        if (to.IsDefined() && !c.toTag.isEmpty() && !tagged)
            r.error(to, u"no node carries the tag '" + c.toTag + u"' to fail over to");
        c.target = c.fromTag + u"->" + c.toTag;
        break;
    }
    case K::LoadSpike:
        if (c.surgeFactor == 1.0)
            r.error(item, QStringLiteral("'load_spike' needs a 'surge' with a 'factor' other "
                                         "than 1"));
        c.target = QStringLiteral("load");
        break;
    }
    if (beforeMarkOut)
        *beforeMarkOut = beforeMark;
    return c;
}

void ScenarioParser::parseChanges(const YAML::Node &list)
{
    const QStringList keys = {
        QStringLiteral("at"),       QStringLiteral("change"),     QStringLiteral("target"),
        QStringLiteral("for"),      QStringLiteral("rule"),       QStringLiteral("before"),
        QStringLiteral("capacity"), QStringLiteral("from_tag"),   QStringLiteral("to_tag"),
        QStringLiteral("dns_ttl"),  QStringLiteral("surge"),      QStringLiteral("note"),
        QStringLiteral("id"),       QStringLiteral("latency_ms"), QStringLiteral("loss")};
    const QString what = QStringLiteral("a scheduled change");
    QStringList names;
    // 'before:' may name a declared rule or one a change adds earlier (checked once all are read).
    struct Before
    {
        qint64 atMs;
        int order;
        QString rule;
        YAML::Mark mark;
    };
    std::vector<Before> befores;
    const int firstChange = int(s.changes.size());
    for (const YAML::Node &item : list) {
        if (!r.expectMap(item, what))
            continue;
        r.checkKeys(item, keys, what);
        YAML::Mark beforeMark;
        std::optional<ScheduledChange> parsed = parseChange(item, what, true, &beforeMark);
        if (!parsed)
            continue;
        ScheduledChange &c = *parsed;
        if (!c.name.isEmpty()) {
            if (names.contains(c.name))
                r.error(r.child(item, "id", {}),
                        u"another scheduled change is already called '" + c.name + u'\'');
            names.append(c.name);
        }
        if (!c.before.isEmpty())
            befores.push_back({c.atMs, int(s.changes.size()), c.before, beforeMark});
        s.changes.append(c);
    }
    for (const Before &b : befores) {
        const bool addedEarlier = std::any_of(
            s.changes.cbegin() + firstChange, s.changes.cend(), [&](const ScheduledChange &c) {
                const int order = int(&c - s.changes.data());
                return c.kind == ScheduledChange::Kind::RuleAdd && c.target == b.rule &&
                       (c.atMs < b.atMs || (c.atMs == b.atMs && order < b.order));
            });
        if (t.ruleIndex(b.rule) < 0 && !addedEarlier)
            r.error(b.mark,
                    u"'before' names no rule declared or added earlier: '" + b.rule + u'\'');
    }
    std::stable_sort(
        s.changes.begin(), s.changes.end(),
        [](const ScheduledChange &a, const ScheduledChange &b) { return a.atMs < b.atMs; });
}

void ScenarioParser::parseQueues(const YAML::Node &list)
{
    const QString what = QStringLiteral("a queue");
    for (const YAML::Node &item : list) {
        if (!r.expectMap(item, what))
            continue;
        r.checkKeys(item,
                    {QStringLiteral("id"), QStringLiteral("role"), QStringLiteral("workers"),
                     QStringLiteral("target")},
                    what);
        QueueSpec q;
        q.place = r.placeOf(item);
        if (YAML::Node v = r.child(item, "id", what, true); v.IsDefined())
            q.id = r.identifier(v, QStringLiteral("queue id")).value_or(QString());
        for (auto [key, into] : {std::pair{"role", &q.role}, std::pair{"workers", &q.workerRole}}) {
            YAML::Node v = r.child(item, key, what, true);
            if (!v.IsDefined())
                continue;
            *into = r.identifier(v, u"'" + QLatin1StringView(key) + u"' of a queue")
                        .value_or(QString());
            if (!into->isEmpty() && !hasRole(t, *into))
                r.error(v, u"no node has role '" + *into + u'\'');
        }
        if (YAML::Node v = r.child(item, "target", {}); v.IsDefined())
            q.targetMs = r.duration(v, QStringLiteral("'target' of a queue")).value_or(0);
        if (!q.id.isEmpty())
            s.queues.append(q);
    }
}

void ScenarioParser::parseServiceLevel(const YAML::Node &map)
{
    if (!r.expectMap(map, QStringLiteral("'service_level'")))
        return;
    r.checkKeys(map,
                {QStringLiteral("degraded_above"), QStringLiteral("outage_above"),
                 QStringLiteral("degraded_below"), QStringLiteral("outage_below"),
                 QStringLiteral("state_for"), QStringLiteral("alert_error_ratio"),
                 QStringLiteral("alert_for"), QStringLiteral("alert_window")},
                QStringLiteral("'service_level'"));
    ServiceLevel &sl = s.serviceLevel;
    if (YAML::Node v = r.child(map, "degraded_above", {}); v.IsDefined())
        sl.degradedAbove = fraction(v, QStringLiteral("'degraded_above'"), sl.degradedAbove);
    if (YAML::Node v = r.child(map, "outage_above", {}); v.IsDefined())
        sl.outageAbove = fraction(v, QStringLiteral("'outage_above'"), sl.outageAbove);
    if (YAML::Node v = r.child(map, "degraded_below", {}); v.IsDefined())
        sl.degradedBelow = fraction(v, QStringLiteral("'degraded_below'"), sl.degradedBelow);
    if (YAML::Node v = r.child(map, "outage_below", {}); v.IsDefined())
        sl.outageBelow = fraction(v, QStringLiteral("'outage_below'"), sl.outageBelow);
    if (YAML::Node v = r.child(map, "state_for", {}); v.IsDefined())
        sl.stateForMs = r.duration(v, QStringLiteral("'state_for'")).value_or(sl.stateForMs);
    if (YAML::Node v = r.child(map, "alert_error_ratio", {}); v.IsDefined())
        sl.alertErrorRatio = fraction(v, QStringLiteral("'alert_error_ratio'"), sl.alertErrorRatio);
    if (YAML::Node v = r.child(map, "alert_for", {}); v.IsDefined())
        sl.alertForMs = r.duration(v, QStringLiteral("'alert_for'")).value_or(sl.alertForMs);
    if (YAML::Node v = r.child(map, "alert_window", {}); v.IsDefined())
        sl.alertWindowMs =
            r.duration(v, QStringLiteral("'alert_window'")).value_or(sl.alertWindowMs);
    if (sl.degradedAbove > sl.outageAbove)
        r.error(map, QStringLiteral("'degraded_above' must not exceed 'outage_above'"));
    if (sl.leaveDegraded() > sl.degradedAbove)
        r.error(r.child(map, "degraded_below", {}),
                QStringLiteral("'degraded_below' must not exceed 'degraded_above'"));
    if (sl.leaveOutage() > sl.outageAbove)
        r.error(r.child(map, "outage_below", {}),
                QStringLiteral("'outage_below' must not exceed 'outage_above'"));
}

} // namespace warroom
