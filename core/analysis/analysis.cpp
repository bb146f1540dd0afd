#include "analysis.h"

#include "reachability_engine.h"

#include "core/scenario/scenario_loader.h"

#include <QSet>

#include <algorithm>

namespace warroom {

namespace {

struct WhatIfForm
{
    WhatIf::Kind kind;
    const char16_t *prefix;
    const char16_t *help;
};

constexpr WhatIfForm kForms[] = {
    {WhatIf::Kind::LinkDown, u"link-down", u"link-down:LINK"},
    {WhatIf::Kind::LinkUp, u"link-up", u"link-up:LINK"},
    {WhatIf::Kind::SiteDown, u"site-down", u"site-down:SITE"},
    {WhatIf::Kind::NodeDown, u"node-down", u"node-down:NODE"},
    {WhatIf::Kind::RegionOffline, u"region-offline", u"region-offline:REGION"},
    {WhatIf::Kind::RuleRemoved, u"rule-remove", u"rule-remove:RULE"},
    {WhatIf::Kind::Place, u"place", u"place:GROUP@SITE"},
    {WhatIf::Kind::Placement, u"placement", u"placement:GROUP=random|balanced|fixed"},
    {WhatIf::Kind::Capacity, u"capacity", u"capacity:GROUP=N (or NODE=N, LINK=N)"},
    {WhatIf::Kind::GroupDown, u"group-down", u"group-down:GROUP"},
    {WhatIf::Kind::Latency, u"latency", u"latency:LINK=MS"},
    {WhatIf::Kind::Loss, u"loss", u"loss:LINK=2%"},
    {WhatIf::Kind::Retries, u"retries", u"retries:DEPENDENCY=N"},
    {WhatIf::Kind::Backoff, u"backoff", u"backoff:DEPENDENCY=2s"},
    {WhatIf::Kind::WithoutChange, u"without", u"without:CHANGE-ID"},
    {WhatIf::Kind::ShiftChange, u"shift", u"shift:CHANGE-ID=+5m"},
};

Node hypotheticalNode(const Topology &t, const ScalingGroup &group, int site)
{
    Node node;
    node.id = group.id + u'@' + t.sites[site].id;
    for (int n = 2; t.nodeIndex(node.id) >= 0; ++n)
        node.id = group.id + u'@' + t.sites[site].id + u'#' + QString::number(n);
    node.roles = group.roles;
    node.tags = group.tags;
    node.capacity = group.capacity;
    node.group = group.id;
    node.site = site;
    return node;
}

// Links that join the sites of `region` to the internet.
QList<int> regionInternetLinks(const Topology &t, const QString &region)
{
    QList<int> out;
    for (int i = 0; i < t.links.size(); ++i) {
        const Site &a = t.sites[t.links[i].siteA];
        const Site &b = t.sites[t.links[i].siteB];
        if ((a.region == region && b.kind == SiteKind::Internet) ||
            (b.region == region && a.kind == SiteKind::Internet))
            out.append(i);
    }
    return out;
}

DependencyFinding dependencyFinding(const ReachabilityEngine &engine, const Node &node,
                                    const DependencyStatus &status)
{
    const Topology &t = engine.topology();
    const Dependency &dep = t.dependencies[status.dependency];
    DependencyFinding f;
    f.node = node.id;
    f.site = t.sites[node.site].id;
    f.dependency = dep.id;
    f.required = dep.required;
    f.state = status.state;
    f.reason = status.reason;
    for (int i = 0; i < status.verdicts.size(); ++i) {
        if (status.verdicts[i].state != VerdictState::Reachable)
            f.edges.append(edgeReport(engine, node,
                                      status.targets[i] < 0 ? node : t.nodes[status.targets[i]],
                                      status.dependency, status.verdicts[i]));
    }
    return f;
}

void countEdges(const ReachabilityEngine &engine, Analysis &a)
{
    for (int edge : engine.aliveEdges()) {
        ++a.edgeCount;
        switch (engine.verdict(edge).state) {
        case VerdictState::Reachable:
            ++a.reachableEdges;
            break;
        case VerdictState::Degraded:
            ++a.degradedEdges;
            break;
        case VerdictState::Unknown:
            ++a.unknownEdges;
            break;
        case VerdictState::Blocked:
            ++a.blockedEdges;
            break;
        }
    }
}

QList<LatentFinding> latentFindings(const ReachabilityEngine &engine)
{
    const Topology &t = engine.topology();
    QList<LatentFinding> out;
    for (const ScalingGroup &group : t.groups) {
        for (int site : group.sites) {
            const Node node = hypotheticalNode(t, group, site);
            LatentFinding finding{group.id, t.sites[site].id, node.id, {}, {}};
            for (int d = 0; d < t.dependencies.size(); ++d) {
                const Dependency &dep = t.dependencies[d];
                if (node.hasRole(dep.fromRole)) {
                    const DependencyStatus status = engine.assess(node, d);
                    if (status.state != VerdictState::Reachable)
                        finding.outgoing.append(dependencyFinding(engine, node, status));
                }
                if (!node.hasRole(dep.toRole) || dep.need == InstanceNeed::SameNode ||
                    (!dep.toTag.isEmpty() && !node.tags.contains(dep.toTag)))
                    continue;
                for (int other = 0; other < t.nodes.size(); ++other) {
                    const Node &from = t.nodes[other];
                    if (!engine.nodePresent(other) || !from.hasRole(dep.fromRole) ||
                        from.state == ElementState::Down)
                        continue;
                    const Verdict v = engine.evaluate(from, node, dep.port);
                    if (isBroken(v.state))
                        finding.incoming.append(edgeReport(engine, from, node, d, v));
                }
            }
            if (!finding.outgoing.isEmpty() || !finding.incoming.isEmpty())
                out.append(finding);
        }
    }
    return out;
}

BlastRadius blastRadius(const ReachabilityEngine &base, const QList<DependencyStatus> &before,
                        BlastRadius::Kind kind, const QString &subject,
                        const std::function<void(ReachabilityEngine &)> &fail)
{
    ReachabilityEngine engine = base;
    fail(engine);
    BlastRadius b{kind, subject, {}, {}, {}};
    const Topology &t = engine.topology();
    for (int edge : engine.aliveEdges()) {
        if (isBroken(base.verdict(edge).state) || !isBroken(engine.verdict(edge).state))
            continue;
        const DependencyEdge &e = engine.edge(edge);
        b.broken.append(
            edgeReport(engine, t.nodes[e.from], t.nodes[e.to], e.dependency, engine.verdict(edge)));
    }
    const QList<DependencyStatus> after = engine.statuses();
    for (int i = 0; i < after.size() && i < before.size(); ++i) {
        const Dependency &dep = t.dependencies[after[i].dependency];
        const Node &node = t.nodes[after[i].node];
        if (t.sites[node.site].state == ElementState::Down) {
            if (!b.lostNodes.contains(node.id))
                b.lostNodes.append(node.id);
            continue;
        }
        if (dep.required && isBroken(after[i].state) && !isBroken(before[i].state))
            b.failing.append(dependencyFinding(engine, node, after[i]));
    }
    for (int n = 0; n < t.nodes.size(); ++n) {
        if (engine.nodePresent(n) && t.sites[t.nodes[n].site].state == ElementState::Down &&
            !b.lostNodes.contains(t.nodes[n].id))
            b.lostNodes.append(t.nodes[n].id);
    }
    return b;
}

// `statuses` are the engine's own, computed once by the caller for every element tried.
QList<BlastRadius> blastRadii(const ReachabilityEngine &engine,
                              const QList<DependencyStatus> &statuses)
{
    const Topology &t = engine.topology();
    QList<BlastRadius> out;
    for (int s = 0; s < t.sites.size(); ++s) {
        if (t.sites[s].state == ElementState::Down)
            continue;
        out.append(
            blastRadius(engine, statuses, BlastRadius::Kind::Site, t.sites[s].id,
                        [s](ReachabilityEngine &e) { e.setSiteState(s, ElementState::Down); }));
    }
    for (int l = 0; l < t.links.size(); ++l) {
        if (t.links[l].state == ElementState::Down)
            continue;
        out.append(
            blastRadius(engine, statuses, BlastRadius::Kind::Link, t.links[l].id,
                        [l](ReachabilityEngine &e) { e.setLinkState(l, ElementState::Down); }));
    }
    QStringList regions;
    for (const Site &site : t.sites) {
        if (!site.region.isEmpty() && !regions.contains(site.region) &&
            !regionInternetLinks(t, site.region).isEmpty())
            regions.append(site.region);
    }
    for (const RiskGroup &g : t.riskGroups) {
        out.append(blastRadius(engine, statuses, BlastRadius::Kind::Group, g.id,
                               [&g](ReachabilityEngine &e) {
                                   for (int l : g.links)
                                       e.setLinkState(l, ElementState::Down);
                                   for (int s : g.sites)
                                       e.setSiteState(s, ElementState::Down);
                                   for (int n : g.nodes)
                                       e.setNodeState(n, ElementState::Down);
                               }));
    }
    for (const QString &region : regions) {
        const QList<int> links = regionInternetLinks(t, region);
        out.append(blastRadius(engine, statuses, BlastRadius::Kind::RegionInternet, region,
                               [&links](ReachabilityEngine &e) {
                                   for (int l : links)
                                       e.setLinkState(l, ElementState::Down);
                               }));
    }
    return out;
}

QList<SinglePointOfFailure> singlePoints(const ReachabilityEngine &engine)
{
    const Topology &t = engine.topology();
    QList<SinglePointOfFailure> out;
    QSet<QString> seen;
    for (const Dependency &dep : t.dependencies) {
        if (!dep.required || dep.need == InstanceNeed::SameNode || seen.contains(dep.toRole))
            continue;
        QStringList instances;
        QStringList replicas; // of a replication: they take requests only once promoted
        for (int n = 0; n < t.nodes.size(); ++n) {
            const Node &node = t.nodes[n];
            if (engine.nodePresent(n) && node.hasRole(dep.toRole) &&
                (dep.toTag.isEmpty() || node.tags.contains(dep.toTag)))
                (node.serves(dep.toRole) ? instances : replicas).append(node.id);
        }
        if (instances.size() != 1)
            continue;
        seen.insert(dep.toRole);
        QStringList neededBy;
        for (const Dependency &other : t.dependencies) {
            if (other.required && other.toRole == dep.toRole)
                neededBy.append(other.id);
        }
        out.append({SinglePointOfFailure::Kind::Role, dep.toRole,
                    u"one instance (" + instances.first() +
                        (replicas.isEmpty() ? QString()
                                            : QString(u"; " + replicas.join(QStringLiteral(", ")) +
                                                      u" replicated, until promoted")) +
                        u"), needed by " + neededBy.join(QStringLiteral(", "))});
    }
    for (int v : engine.network().articulationPoints())
        out.append({SinglePointOfFailure::Kind::Site, t.sites[v].id,
                    QStringLiteral("its failure splits the site graph")});
    for (int l : engine.network().bridges())
        out.append({SinglePointOfFailure::Kind::Link, t.links[l].id,
                    QStringLiteral("the only connection between the two parts it joins")});
    return out;
}

} // namespace

QString WhatIf::toString() const
{
    for (const WhatIfForm &form : kForms) {
        if (form.kind == kind)
            return QString::fromUtf16(form.prefix) + u':' + subject;
    }
    return subject;
}

QStringList whatIfForms()
{
    QStringList out;
    for (const WhatIfForm &form : kForms)
        out.append(QString::fromUtf16(form.help));
    return out;
}

Result<WhatIf> parseWhatIf(const QString &text)
{
    const qsizetype colon = text.indexOf(u':');
    const QString prefix = text.left(colon);
    const QString subject = colon < 0 ? QString() : text.mid(colon + 1);
    for (const WhatIfForm &form : kForms) {
        if (prefix == QString::fromUtf16(form.prefix) && !subject.isEmpty())
            return WhatIf{form.kind, subject};
    }
    return Error{u"unknown what-if '" + text + u"'; use one of: " +
                     whatIfForms().join(QStringLiteral(", ")),
                 QString(), 0, 0};
}

Result<bool> applyWhatIf(Topology &t, const WhatIf &whatIf)
{
    auto unknown = [&](const char *what) {
        return Error{u"what-if " + whatIf.toString() + u": there is no " + QLatin1StringView(what) +
                         u" '" + whatIf.subject + u'\'',
                     QString(), 0, 0};
    };
    // "GROUP=VALUE" of the placement and capacity forms.
    const QString name = whatIf.subject.section(u'=', 0, 0);
    const QString value = whatIf.subject.section(u'=', 1);
    switch (whatIf.kind) {
    case WhatIf::Kind::LinkDown:
    case WhatIf::Kind::LinkUp: {
        const int link = t.linkIndex(whatIf.subject);
        if (link < 0)
            return unknown("link");
        t.links[link].state =
            whatIf.kind == WhatIf::Kind::LinkDown ? ElementState::Down : ElementState::Up;
        return true;
    }
    case WhatIf::Kind::SiteDown: {
        const int site = t.siteIndex(whatIf.subject);
        if (site < 0)
            return unknown("site");
        t.sites[site].state = ElementState::Down;
        return true;
    }
    case WhatIf::Kind::NodeDown: {
        const int node = t.nodeIndex(whatIf.subject);
        if (node < 0)
            return unknown("node");
        t.nodes[node].state = ElementState::Down;
        return true;
    }
    case WhatIf::Kind::RegionOffline: {
        const QList<int> links = regionInternetLinks(t, whatIf.subject);
        if (links.isEmpty())
            return Error{u"what-if " + whatIf.toString() + u": no site of region '" +
                             whatIf.subject + u"' has a link to the internet",
                         QString(), 0, 0};
        for (int l : links)
            t.links[l].state = ElementState::Down;
        return true;
    }
    case WhatIf::Kind::RuleRemoved: {
        const int rule = t.ruleIndex(whatIf.subject);
        if (rule < 0)
            return unknown("rule");
        t.rules.removeAt(rule);
        return true;
    }
    case WhatIf::Kind::Place: {
        const QStringList parts = whatIf.subject.split(u'@');
        const int group = parts.size() == 2 ? t.groupIndex(parts[0]) : -1;
        const int site = parts.size() == 2 ? t.siteIndex(parts[1]) : -1;
        if (group < 0 || site < 0)
            return Error{u"what-if " + whatIf.toString() +
                             u": expected place:GROUP@SITE with a known scaling group and site",
                         QString(), 0, 0};
        if (!t.groups[group].sites.contains(site))
            return Error{u"what-if " + whatIf.toString() + u": scaling group '" + parts[0] +
                             u"' may not place instances in site '" + parts[1] + u'\'',
                         QString(), 0, 0};
        t.nodes.append(hypotheticalNode(t, t.groups[group], site));
        return true;
    }
    case WhatIf::Kind::Placement: {
        const int group = t.groupIndex(name);
        const int policy = int(QStringList{QStringLiteral("random"), QStringLiteral("balanced"),
                                           QStringLiteral("fixed")}
                                   .indexOf(value));
        if (group < 0 || policy < 0)
            return Error{u"what-if " + whatIf.toString() +
                             u": expected placement:GROUP=random|balanced|fixed with a known "
                             u"scaling group",
                         QString(), 0, 0};
        t.groups[group].placement = PlacementPolicy(policy);
        return true;
    }
    case WhatIf::Kind::GroupDown: {
        const int group = t.riskGroupIndex(whatIf.subject);
        if (group < 0)
            return unknown("group");
        const RiskGroup &g = t.riskGroups[group];
        for (int l : g.links)
            t.links[l].state = ElementState::Down;
        for (int s : g.sites)
            t.sites[s].state = ElementState::Down;
        for (int n : g.nodes)
            t.nodes[n].state = ElementState::Down;
        return true;
    }
    case WhatIf::Kind::Latency:
    case WhatIf::Kind::Loss: {
        const int link = t.linkIndex(name);
        bool ok = false;
        const bool percent = value.endsWith(u'%');
        double number = (percent ? value.chopped(1) : value).toDouble(&ok);
        if (percent)
            number /= 100.0;
        const bool isLatency = whatIf.kind == WhatIf::Kind::Latency;
        if (link < 0 || !ok || number < 0 || (!isLatency && number > 1))
            return Error{
                u"what-if " + whatIf.toString() +
                    (isLatency
                         ? QStringLiteral(": expected latency:LINK=MS with a known link")
                         : QStringLiteral(": expected loss:LINK=2% (or 0.02) with a known link")),
                QString(), 0, 0};
        (isLatency ? t.links[link].latencyMs : t.links[link].loss) = number;
        return true;
    }
    case WhatIf::Kind::Retries:
    case WhatIf::Kind::Backoff: {
        int dependency = -1;
        for (int d = 0; d < t.dependencies.size(); ++d) {
            if (t.dependencies[d].id == name)
                dependency = d;
        }
        bool ok = false;
        const int count = value.toInt(&ok);
        const qint64 backoff = parseDurationMs(value);
        const bool isRetries = whatIf.kind == WhatIf::Kind::Retries;
        if (dependency < 0 || (isRetries ? (!ok || count < 0 || count > 100) : backoff < 0)) {
            QStringList ids;
            for (const Dependency &d : t.dependencies)
                ids.append(d.id);
            return Error{
                u"what-if " + whatIf.toString() +
                    (isRetries
                         ? QStringLiteral(": expected retries:DEPENDENCY=N (0 to 100)")
                         : QStringLiteral(": expected backoff:DEPENDENCY=DURATION such as 2s")) +
                    u" with a dependency id (" + ids.join(QStringLiteral(", ")) + u')',
                QString(), 0, 0};
        }
        RetryPolicy &retries = t.dependencies[dependency].retries;
        if (isRetries)
            retries.count = count;
        else
            retries.backoffMs = backoff;
        return true;
    }
    case WhatIf::Kind::WithoutChange:
    case WhatIf::Kind::ShiftChange:
        return Error{u"what-if " + whatIf.toString() +
                         u": changes the schedule, which only a simulation has (simulate, a "
                         u"variant, an action item's what-if)",
                     QString(), 0, 0};
    case WhatIf::Kind::Capacity: {
        bool ok = false;
        const double capacity = value.toDouble(&ok);
        const int group = t.groupIndex(name);
        const int node = t.nodeIndex(name);
        const int link = t.linkIndex(name);
        if (!ok || capacity <= 0 || (group < 0 && node < 0 && link < 0))
            return Error{u"what-if " + whatIf.toString() +
                             u": expected capacity:GROUP=N, capacity:NODE=N or capacity:LINK=N "
                             u"with N > 0 (requests per second)",
                         QString(), 0, 0};
        if (link >= 0)
            t.links[link].capacity = capacity;
        if (group >= 0)
            t.groups[group].capacity = capacity;
        for (Node &n : t.nodes) {
            if ((group >= 0 && n.group == name) || n.id == name)
                n.capacity = capacity;
        }
        return true;
    }
    }
    return true;
}

EdgeReport edgeReport(const ReachabilityEngine &engine, const Node &from, const Node &to,
                      int dependency, const Verdict &verdict)
{
    const Topology &t = engine.topology();
    const Dependency &dep = t.dependencies[dependency];
    return EdgeReport{dep.id,   from.id, t.sites[from.site].id, to.id, t.sites[to.site].id,
                      dep.port, verdict};
}

QStringList DependencyFinding::targets() const
{
    QStringList out;
    for (const EdgeReport &e : edges)
        out.append(e.toSite + u'/' + e.to);
    return out;
}

QString EdgeReport::text() const
{
    return fromSite + u'/' + from + u" -> " + toSite + u'/' + to + u':' + QString::number(port) +
           u": " + verdictText(verdict.state, verdict.reason) + provenanceText(verdict);
}

bool Analysis::hasFindings() const
{
    return findingCount() > 0;
}

int Analysis::findingCount() const
{
    // An optional dependency that is down (a VPN started on demand) is listed, not counted.
    const auto requiredLive = std::count_if(live.cbegin(), live.cend(),
                                            [](const DependencyFinding &f) { return f.required; });
    return int(requiredLive + latent.size() + singlePoints.size());
}

QString toString(BlastRadius::Kind kind)
{
    switch (kind) {
    case BlastRadius::Kind::Site:
        return QStringLiteral("site");
    case BlastRadius::Kind::Link:
        return QStringLiteral("link");
    case BlastRadius::Kind::RegionInternet:
        return QStringLiteral("region_internet");
    case BlastRadius::Kind::Group:
        return QStringLiteral("group");
    }
    return {};
}

QString toString(SinglePointOfFailure::Kind kind)
{
    switch (kind) {
    case SinglePointOfFailure::Kind::Role:
        return QStringLiteral("role");
    case SinglePointOfFailure::Kind::Site:
        return QStringLiteral("site");
    case SinglePointOfFailure::Kind::Link:
        return QStringLiteral("link");
    }
    return {};
}

Result<Analysis> analyze(const Scenario &scenario, const QList<WhatIf> &whatIfs)
{
    Topology topology = scenario.topology;
    Analysis a;
    a.scenario = scenario.name;
    a.file = scenario.file;
    for (const WhatIf &whatIf : whatIfs) {
        const Result<bool> applied = applyWhatIf(topology, whatIf);
        if (!applied)
            return applied.errors();
        a.whatIfs.append(whatIf.toString());
    }
    ReachabilityEngine engine(std::move(topology));
    const Topology &t = engine.topology();
    a.siteCount = int(t.sites.size());
    a.linkCount = int(t.links.size());
    for (int n = 0; n < t.nodes.size(); ++n)
        a.nodeCount += engine.nodePresent(n) ? 1 : 0;
    countEdges(engine, a);
    const QList<DependencyStatus> statuses = engine.statuses();
    for (const DependencyStatus &status : statuses) {
        // A node that is down needs nothing: what it cannot reach is not a finding.
        if (status.state != VerdictState::Reachable &&
            t.nodes[status.node].state != ElementState::Down)
            a.live.append(dependencyFinding(engine, t.nodes[status.node], status));
    }
    a.latent = latentFindings(engine);
    a.blastRadius = blastRadii(engine, statuses);
    a.singlePoints = singlePoints(engine);
    return a;
}

} // namespace warroom
