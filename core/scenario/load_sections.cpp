// The offered load of a scenario: one load map, or a list of them (several sources). Part of
// ScenarioParser (scenario_parser.h).
#include "scenario_parser.h"

namespace warroom {

void ScenarioParser::parseLoads(const YAML::Node &node)
{
    if (!node.IsSequence()) {
        LoadProfile load;
        parseLoad(node, load, QStringLiteral("'load'"));
        if (load.declared)
            s.loads.append(load);
        return;
    }
    // Several sources: each with its own id (default: its source role), curve and policy.
    for (const YAML::Node &item : node) {
        LoadProfile load;
        parseLoad(item, load, u"load " + QString::number(s.loads.size() + 1));
        if (!load.declared)
            continue;
        if (load.id.isEmpty())
            load.id = load.sourceRole;
        const bool taken = std::any_of(s.loads.cbegin(), s.loads.cend(),
                                       [&](const LoadProfile &l) { return l.id == load.id; });
        if (taken)
            r.error(item, u"two loads are called '" + load.id + u"' (give each an 'id')");
        s.loads.append(load);
    }
    if (s.loads.isEmpty())
        r.error(node, QStringLiteral("'load' lists no load"));
}

void ScenarioParser::parseLoad(const YAML::Node &map, LoadProfile &load, const QString &name)
{
    load.place = r.placeOf(map);
    if (!r.expectMap(map, name))
        return;
    const bool listed = name != u"'load'";
    QStringList keys = {QStringLiteral("source"),         QStringLiteral("rate"),
                        QStringLiteral("daily"),          QStringLiteral("weekly"),
                        QStringLiteral("trend_per_week"), QStringLiteral("noise"),
                        QStringLiteral("spikes"),         QStringLiteral("share"),
                        QStringLiteral("on_failure"),     QStringLiteral("retry_rate")};
    if (listed)
        keys.append(QStringLiteral("id"));
    r.checkKeys(map, keys, name);
    load.declared = true;
    if (YAML::Node v = r.child(map, "id", {}); listed && v.IsDefined())
        load.id = r.identifier(v, u"the id of " + name).value_or(QString());
    if (YAML::Node v = r.child(map, "source", name, true); v.IsDefined()) {
        load.sourceRole = r.identifier(v, u"the source role of " + name).value_or(QString());
        if (!load.sourceRole.isEmpty() && !hasRole(t, load.sourceRole))
            r.error(v, u"no node has role '" + load.sourceRole + u"' to send the load");
    }
    if (YAML::Node v = r.child(map, "rate", name, true); v.IsDefined()) {
        load.rate = r.number(v, u"the rate of " + name).value_or(0.0);
        if (load.rate < 0)
            r.error(v, u"the rate of " + name + u" cannot be negative");
    }
    auto multipliers = [&](const char *key, int count, QList<double> &into) {
        YAML::Node v = r.child(map, key, {});
        if (!v.IsDefined())
            return;
        const QString what = u'\'' + QLatin1StringView(key) + u"' of " + name;
        if (!v.IsSequence() || int(v.size()) != count) {
            r.error(v, what + u" must list " + QString::number(count) + u" multipliers");
            return;
        }
        for (const YAML::Node &item : v) {
            const double m = r.number(item, what).value_or(1.0);
            if (m < 0)
                r.error(item, what + u" cannot hold a negative multiplier");
            into.append(std::max(0.0, m));
        }
    };
    multipliers("daily", 24, load.daily);
    multipliers("weekly", 7, load.weekly);
    if (YAML::Node v = r.child(map, "trend_per_week", {}); v.IsDefined())
        load.trendPerWeek = r.number(v, QStringLiteral("'trend_per_week'")).value_or(0.0);
    if (YAML::Node v = r.child(map, "noise", {}); v.IsDefined())
        load.noise = fraction(v, u"'noise' of " + name, 0.0);
    if (YAML::Node v = r.child(map, "spikes", {});
        v.IsDefined() && r.expectSequence(v, QStringLiteral("'spikes'"))) {
        for (const YAML::Node &item : v) {
            if (!r.expectMap(item, QStringLiteral("a load spike")))
                continue;
            r.checkKeys(item,
                        {QStringLiteral("at"), QStringLiteral("for"), QStringLiteral("factor"),
                         QStringLiteral("ramp")},
                        QStringLiteral("a load spike"));
            LoadSpike spike;
            spike.place = r.placeOf(item);
            if (YAML::Node n = r.child(item, "at", QStringLiteral("a load spike"), true);
                n.IsDefined())
                spike.atMs = offset(n, QStringLiteral("'at' of a load spike")).value_or(0);
            if (YAML::Node n = r.child(item, "for", QStringLiteral("a load spike"), true);
                n.IsDefined())
                spike.durationMs =
                    r.duration(n, QStringLiteral("'for' of a load spike")).value_or(0);
            if (YAML::Node n = r.child(item, "factor", QStringLiteral("a load spike"), true);
                n.IsDefined())
                spike.factor =
                    r.number(n, QStringLiteral("'factor' of a load spike")).value_or(1.0);
            if (YAML::Node n = r.child(item, "ramp", {}); n.IsDefined())
                spike.rampMs = r.duration(n, QStringLiteral("'ramp' of a load spike")).value_or(0);
            load.spikes.append(spike);
        }
    }
    if (YAML::Node v = r.child(map, "share", {});
        v.IsDefined() && r.expectMap(v, u"'share' of " + name)) {
        for (auto it = v.begin(); it != v.end(); ++it) {
            const QString site = QString::fromStdString(it->first.Scalar());
            if (t.siteIndex(site) < 0)
                r.error(it->first, u"unknown site '" + site + u"' in 'share' of " + name);
            load.share.insert(site,
                              fraction(it->second, u"the share of site '" + site + u'\'', 0.0));
        }
    }
    if (YAML::Node v = r.child(map, "on_failure", {}); v.IsDefined()) {
        const int c = r.choice(v, {QStringLiteral("drop"), QStringLiteral("retry")},
                               u"'on_failure' of " + name);
        if (c >= 0)
            load.onFailure = FailurePolicy(c);
    }
    if (YAML::Node v = r.child(map, "retry_rate", {}); v.IsDefined())
        load.retryRate = std::max(0.0, r.number(v, QStringLiteral("'retry_rate'")).value_or(0.0));
}

} // namespace warroom
