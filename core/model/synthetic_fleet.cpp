#include "synthetic_fleet.h"

namespace warroom {

namespace {

constexpr int kPools = 12; // the services are spread over this many pools (as scaling groups)

} // namespace

Topology syntheticFleet(int nodes)
{
    Topology t;
    const QStringList dcs = {QStringLiteral("dc1"), QStringLiteral("dc2"), QStringLiteral("dc3")};
    for (const QString &dc : dcs)
        t.sites.append({dc, SiteKind::Datacenter, dc.toUpper(), {}, {}, ElementState::Up, {}});
    for (int a = 0; a < dcs.size(); ++a) {
        for (int b = a + 1; b < dcs.size(); ++b) {
            Link link;
            link.id = dcs[a] + u'-' + dcs[b];
            link.siteA = a;
            link.siteB = b;
            link.latencyMs = 2.0 + a + b;
            t.links.append(link);
        }
    }
    const int services = std::max(1, nodes / 2);
    for (int s = 0; s < services; ++s) {
        const QString role = u"svc" + QString::number(s);
        for (int i = 0; i < 2 && t.nodes.size() < nodes; ++i) {
            Node n;
            n.id = role + (i == 0 ? u"-a" : u"-b");
            n.roles = {role};
            n.group = u"pool-" + QString::number(s % kPools); // the map's role view: one chip
            n.site = (s + i) % int(dcs.size());
            t.nodes.append(n);
        }
        if (s % 2 == 1) {
            Dependency d;
            d.id = u"svc" + QString::number(s - 1) + u"-calls-" + role;
            d.fromRole = u"svc" + QString::number(s - 1);
            d.toRole = role;
            d.port = 8000;
            t.dependencies.append(d);
        }
    }
    return t;
}

Rule denyBetween(const QString &fromSite, const QString &toSite)
{
    Rule r;
    r.id = u"deny-" + fromSite + u"-to-" + toSite;
    r.action = RuleAction::Deny;
    r.from = {Scope{Scope::Kind::Site, fromSite}};
    r.to = {Scope{Scope::Kind::Site, toSite}};
    r.description = u"benchmark: " + fromSite + u" may not call " + toSite;
    return r;
}

} // namespace warroom
