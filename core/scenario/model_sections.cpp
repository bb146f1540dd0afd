// The parts of a scenario that model more than reachability: scaling groups and their
// provisioning, failure domains (groups), concurrency limits and retry policies. Part of
// ScenarioParser (scenario_parser.h).
#include "scenario_parser.h"

#include <functional>

namespace warroom {

void ScenarioParser::parseGroups(const YAML::Node &list)
{
    if (!list.IsDefined())
        return;
    const QStringList keys = {QStringLiteral("id"),
                              QStringLiteral("role"),
                              QStringLiteral("roles"),
                              QStringLiteral("tags"),
                              QStringLiteral("capacity"),
                              QStringLiteral("max_concurrency"),
                              QStringLiteral("min"),
                              QStringLiteral("max"),
                              QStringLiteral("metric"),
                              QStringLiteral("scale_out_above"),
                              QStringLiteral("scale_in_below"),
                              QStringLiteral("cooldown"),
                              QStringLiteral("warm_up"),
                              QStringLiteral("termination"),
                              QStringLiteral("placement"),
                              QStringLiteral("replace_unhealthy_after"),
                              QStringLiteral("drain"),
                              QStringLiteral("step"),
                              QStringLiteral("provisioning"),
                              QStringLiteral("sites")};
    for (const YAML::Node &item : list) {
        if (!r.expectMap(item, QStringLiteral("a scaling group")))
            continue;
        r.checkKeys(item, keys, QStringLiteral("a scaling group"));
        ScalingGroup g;
        g.place = r.placeOf(item);
        YAML::Node id = r.child(item, "id", QStringLiteral("a scaling group"), true);
        if (!id.IsDefined())
            continue;
        g.id = r.identifier(id, QStringLiteral("scaling group id")).value_or(QString());
        if (g.id.isEmpty())
            continue;
        const QString what = u"scaling group '" + g.id + u'\'';
        YAML::Node role = r.child(item, "role", what);
        YAML::Node roles = r.child(item, "roles", what);
        if (role.IsDefined() && roles.IsDefined())
            r.error(roles, what + u" gives both 'role' and 'roles'; keep one");
        if (role.IsDefined()) {
            if (auto v = r.identifier(role, u"the role of " + what))
                g.roles = {*v};
        } else if (roles.IsDefined()) {
            g.roles = r.stringList(roles, u"the roles of " + what);
        } else {
            r.error(item, what + u" needs 'role'");
        }
        if (YAML::Node v = r.child(item, "tags", what); v.IsDefined())
            g.tags = r.stringList(v, u"the tags of " + what);
        if (YAML::Node v = r.child(item, "capacity", what); v.IsDefined())
            g.capacity = r.number(v, u"the capacity of " + what).value_or(g.capacity);
        if (YAML::Node v = r.child(item, "max_concurrency", what); v.IsDefined())
            g.maxConcurrency = concurrency(v, what);
        YAML::Node minNode = r.child(item, "min", what);
        YAML::Node maxNode = r.child(item, "max", what, true);
        if (minNode.IsDefined())
            g.min = int(r.integer(minNode, u"'min' of " + what).value_or(0));
        if (maxNode.IsDefined())
            g.max = int(r.integer(maxNode, u"'max' of " + what).value_or(g.min));
        if (g.min < 0)
            r.error(minNode, u"'min' of " + what + u" cannot be negative");
        if (maxNode.IsDefined() && g.max < g.min)
            r.error(maxNode, u"'max' of " + what + u" (" + QString::number(g.max) +
                                 u") is below its 'min' (" + QString::number(g.min) + u')');
        if (YAML::Node v = r.child(item, "metric", what); v.IsDefined()) {
            const QString metric = r.identifier(v, u"the metric of " + what).value_or(g.metric);
            // Never accepted and ignored: a metric the simulator does not measure is an error.
            if (!scalingMetrics().contains(metric))
                r.error(v, u"the metric of " + what + u" must be " +
                               scalingMetrics().join(QStringLiteral(", ")) + u", not '" + metric +
                               u'\'');
            else if (metric == u"busy" && g.maxConcurrency <= 0)
                r.error(v, u"the metric of " + what +
                               u" is busy (in flight / max_concurrency), but the group has no "
                               u"'max_concurrency'");
            else
                g.metric = metric;
        }
        YAML::Node out = r.child(item, "scale_out_above", what, true);
        YAML::Node in = r.child(item, "scale_in_below", what, true);
        if (out.IsDefined())
            g.scaleOutAbove = r.number(out, u"'scale_out_above' of " + what).value_or(0);
        if (in.IsDefined())
            g.scaleInBelow = r.number(in, u"'scale_in_below' of " + what).value_or(0);
        if (out.IsDefined() && in.IsDefined() && g.scaleInBelow >= g.scaleOutAbove)
            r.error(in, u"'scale_in_below' (" + QString::number(g.scaleInBelow) +
                            u") must be below 'scale_out_above' (" +
                            QString::number(g.scaleOutAbove) + u") or " + what +
                            u" would scale in and out at once");
        if (YAML::Node v = r.child(item, "cooldown", what); v.IsDefined())
            g.cooldownMs = r.duration(v, u"the cooldown of " + what).value_or(0);
        if (YAML::Node v = r.child(item, "warm_up", what); v.IsDefined())
            g.warmUpMs = r.duration(v, u"the warm-up of " + what).value_or(0);
        if (YAML::Node v = r.child(item, "termination", what); v.IsDefined()) {
            const int c = r.choice(v, {QStringLiteral("oldest"), QStringLiteral("newest")},
                                   u"the termination policy of " + what);
            if (c >= 0)
                g.termination = TerminationPolicy(c);
        }
        if (YAML::Node v = r.child(item, "placement", what); v.IsDefined()) {
            const int c = r.choice(
                v, {QStringLiteral("random"), QStringLiteral("balanced"), QStringLiteral("fixed")},
                u"the placement policy of " + what);
            if (c >= 0)
                g.placement = PlacementPolicy(c);
        }
        if (YAML::Node v = r.child(item, "replace_unhealthy_after", what); v.IsDefined())
            g.replaceUnhealthyAfterMs =
                r.duration(v, u"'replace_unhealthy_after' of " + what).value_or(0);
        if (YAML::Node v = r.child(item, "drain", what); v.IsDefined())
            g.drainMs = r.duration(v, u"'drain' of " + what).value_or(0);
        if (YAML::Node v = r.child(item, "step", what); v.IsDefined()) {
            const QString text = r.string(v, u"'step' of " + what).value_or(QString()).trimmed();
            bool ok = false;
            if (text.endsWith(u'%')) {
                g.stepPercent = text.chopped(1).toDouble(&ok) / 100.0;
                ok = ok && g.stepPercent > 0.0 && g.stepPercent <= 10.0;
            } else {
                g.step = text.toInt(&ok);
                ok = ok && g.step >= 1;
            }
            if (!ok)
                r.error(v, u"'step' of " + what +
                               u" must be a count of instances (1 or more) or a share such as 25%");
        }
        if (YAML::Node v = r.child(item, "provisioning", what); v.IsDefined())
            g.provisioning = provisioning(v, what);
        if (YAML::Node v = r.child(item, "sites", what, true); v.IsDefined()) {
            const QStringList ids = r.stringList(v, u"the sites of " + what);
            for (int i = 0; i < ids.size(); ++i) {
                const YAML::Node at = v.IsSequence() ? v[i] : v;
                const int site = siteRef(at, what);
                if (site >= 0 && g.sites.contains(site))
                    r.error(at, u"site '" + ids[i] + u"' is listed twice in " + what);
                else if (site >= 0)
                    g.sites.append(site);
            }
            if (ids.isEmpty())
                r.error(v, what + u" needs at least one site to place instances in");
        }
        if (const int previous = t.groupIndex(g.id); previous >= 0) {
            r.error(id, u"duplicate scaling group id '" + g.id + u"' (first declared at line " +
                            QString::number(t.groups[previous].place.line) + u')');
            continue;
        }
        t.groups.append(g);
    }
}

void ScenarioParser::parseRiskGroups(const YAML::Node &list)
{
    if (!list.IsDefined())
        return;
    for (const YAML::Node &item : list) {
        if (!r.expectMap(item, QStringLiteral("a group")))
            continue;
        r.checkKeys(item,
                    {QStringLiteral("id"), QStringLiteral("links"), QStringLiteral("sites"),
                     QStringLiteral("nodes"), QStringLiteral("description")},
                    QStringLiteral("a group"));
        RiskGroup g;
        g.place = r.placeOf(item);
        YAML::Node id = r.child(item, "id", QStringLiteral("a group"), true);
        if (!id.IsDefined())
            continue;
        g.id = r.identifier(id, QStringLiteral("group id")).value_or(QString());
        const QString what = u"group '" + g.id + u'\'';
        if (t.riskGroupIndex(g.id) >= 0 || t.groupIndex(g.id) >= 0) {
            r.error(id, u"another group (or scaling group) is already called '" + g.id + u'\'');
            continue;
        }
        struct Members
        {
            const char *key;
            QList<int> *into;
            std::function<int(const QString &)> index;
            const char *noun;
        };
        const Members members[] = {
            {"links", &g.links, [this](const QString &v) { return t.linkIndex(v); }, "link"},
            {"sites", &g.sites, [this](const QString &v) { return t.siteIndex(v); }, "site"},
            {"nodes", &g.nodes, [this](const QString &v) { return t.nodeIndex(v); }, "node"},
        };
        for (const Members &m : members) {
            YAML::Node v = r.child(item, m.key, what);
            if (!v.IsDefined())
                continue;
            if (!v.IsSequence()) {
                r.error(v, u"'" + QLatin1StringView(m.key) + u"' of " + what + u" must be a list");
                continue;
            }
            for (const YAML::Node &entry : v) {
                const QString name = r.string(entry, u"a member of " + what).value_or(QString());
                const int index = m.index(name);
                if (index < 0)
                    r.error(entry, what + u" names no " + QLatin1StringView(m.noun) + u" '" + name +
                                       u'\'');
                else if (!m.into->contains(index))
                    m.into->append(index);
            }
        }
        if (YAML::Node v = r.child(item, "description", what); v.IsDefined())
            g.description = r.string(v, u"the description of " + what).value_or(QString());
        if (g.links.isEmpty() && g.sites.isEmpty() && g.nodes.isEmpty())
            r.error(item, what + u" needs at least one of links, sites, nodes");
        else
            t.riskGroups.append(g);
    }
}

Provisioning ScenarioParser::provisioning(const YAML::Node &map, const QString &what)
{
    Provisioning p;
    const QString where = u"'provisioning' of " + what;
    if (!r.expectMap(map, where))
        return p;
    r.checkKeys(map,
                {QStringLiteral("launches_per_minute"), QStringLiteral("quota"),
                 QStringLiteral("failure_ratio"), QStringLiteral("launch_time"),
                 QStringLiteral("service"), QStringLiteral("from")},
                where);
    if (YAML::Node v = r.child(map, "launches_per_minute", {}); v.IsDefined()) {
        p.launchesPerMinute = r.number(v, u"'launches_per_minute' of " + where).value_or(0.0);
        if (p.launchesPerMinute <= 0.0)
            r.error(v, u"'launches_per_minute' of " + where + u" must be positive");
    }
    if (YAML::Node v = r.child(map, "quota", {}); v.IsDefined()) {
        p.quota = int(r.integer(v, u"'quota' of " + where).value_or(0));
        if (p.quota < 1)
            r.error(v, u"'quota' of " + where + u" must be at least 1");
    }
    if (YAML::Node v = r.child(map, "failure_ratio", {}); v.IsDefined())
        p.failureRatio = fraction(v, u"'failure_ratio' of " + where, 0.0);
    if (YAML::Node v = r.child(map, "launch_time", {}); v.IsDefined())
        p.launchTimeMs = r.duration(v, u"'launch_time' of " + where).value_or(0);
    if (YAML::Node v = r.child(map, "service", {}); v.IsDefined()) {
        p.service = r.string(v, u"'service' of " + where).value_or(QString());
        m_provisioningServices.append({p.service, v.Mark()}); // nodes are read later
    }
    if (YAML::Node v = r.child(map, "from", {}); v.IsDefined()) {
        p.from = r.string(v, u"'from' of " + where).value_or(QString());
        if (t.siteIndex(p.from) < 0)
            r.error(v, u"'from' of " + where + u" names no site: '" + p.from + u'\'');
    }
    return p;
}

int ScenarioParser::concurrency(const YAML::Node &node, const QString &what)
{
    const qint64 n = r.integer(node, u"'max_concurrency' of " + what).value_or(0);
    if (n < 1) {
        r.error(node, u"'max_concurrency' of " + what +
                          u" must be at least 1 (leave it out for no limit)");
        return 0;
    }
    return int(std::min<qint64>(n, 1 << 30));
}

RetryPolicy ScenarioParser::retryPolicy(const YAML::Node &node, const QString &what)
{
    RetryPolicy p;
    const QString where = u"'retries' of " + what;
    if (node.IsScalar() && node.Scalar() == "none")
        return p;
    if (!node.IsMap()) {
        r.error(node, where + u" must be 'none' or a map with count, backoff, max_backoff, "
                              u"multiplier, jitter and deadline");
        return p;
    }
    r.checkKeys(node,
                {QStringLiteral("count"), QStringLiteral("backoff"), QStringLiteral("max_backoff"),
                 QStringLiteral("multiplier"), QStringLiteral("deadline"),
                 QStringLiteral("jitter")},
                where);
    if (YAML::Node v = r.child(node, "count", where, true); v.IsDefined()) {
        const qint64 count = r.integer(v, u"'count' of " + where).value_or(0);
        if (count < 0 || count > 100)
            r.error(v, u"'count' of " + where + u" must be between 0 and 100");
        p.count = int(std::clamp<qint64>(count, 0, 100));
    }
    if (YAML::Node v = r.child(node, "backoff", {}); v.IsDefined())
        p.backoffMs = r.duration(v, u"'backoff' of " + where).value_or(0);
    if (YAML::Node v = r.child(node, "max_backoff", {}); v.IsDefined())
        p.maxBackoffMs = r.duration(v, u"'max_backoff' of " + where).value_or(0);
    if (YAML::Node v = r.child(node, "deadline", {}); v.IsDefined())
        p.deadlineMs = r.duration(v, u"'deadline' of " + where).value_or(0);
    if (YAML::Node v = r.child(node, "jitter", {}); v.IsDefined()) {
        if (v.IsScalar() && (v.Scalar() == "full" || v.Scalar() == "none"))
            p.jitter = v.Scalar() == "full" ? 1.0 : 0.0;
        else
            p.jitter = fraction(v, u"'jitter' of " + where, 0.0);
    }
    if (YAML::Node v = r.child(node, "multiplier", {}); v.IsDefined()) {
        p.multiplier = r.number(v, u"'multiplier' of " + where).value_or(2.0);
        if (p.multiplier < 1.0) {
            r.error(v, u"'multiplier' of " + where + u" must be at least 1");
            p.multiplier = 1.0;
        }
    }
    return p;
}

} // namespace warroom
