#include "map_scene.h"

#include "map_metrics.h"

#include "core/analysis/reachability_engine.h"

#include <cmath>
#include <map>
#include <unordered_map>

namespace warroom {

using namespace mapMetrics;

namespace {

// A node's place on the request path: its roles' nearest the callers (a role no dependency
// names is first).
int rankOf(const QStringList &roles, const QHash<QString, int> &ranks)
{
    if (roles.isEmpty())
        return 99;
    int best = 99;
    for (const QString &role : roles)
        best = std::min(best, ranks.value(role, 0));
    return best;
}

// Where a scaling group may place an instance that would not reach what it needs (the
// Lemniscus lesson): "cache-1: blocked by rule ..." for the first such hop, empty when none.
QString latentReason(const ReachabilityEngine &engine, const ScalingGroup &group, int site)
{
    const Topology &t = engine.topology();
    Node ghost;
    ghost.id = group.id + u'@' + t.sites[site].id;
    ghost.roles = group.roles;
    ghost.tags = group.tags;
    ghost.group = group.id;
    ghost.site = site;
    for (int d = 0; d < t.dependencies.size(); ++d) {
        const Dependency &dep = t.dependencies[d];
        if (!dep.required || !ghost.hasRole(dep.fromRole))
            continue;
        const DependencyStatus status = engine.assess(ghost, d);
        for (int i = 0; i < status.verdicts.size(); ++i) {
            const Verdict &v = status.verdicts[i];
            if (v.state != VerdictState::Blocked || v.reason.kind == Reason::Kind::TargetDown ||
                status.targets[i] < 0)
                continue;
            // What fails, in full: "cache-1:6379 blocked by dc3-egress (line 210)".
            const QString target = t.nodes[status.targets[i]].id + u':' + QString::number(dep.port);
            if (v.reason.kind == Reason::Kind::RuleDenied)
                return target + u" blocked by " + v.reason.subject +
                       (v.reason.place.line > 0
                            ? u" (line " + QString::number(v.reason.place.line) + u')'
                            : QString());
            if (v.reason.kind == Reason::Kind::NoRoute && v.reason.cut.size() > 1)
                return target + u": no route (" + QString::number(v.reason.cut.size()) +
                       u" links or sites down on the way)";
            return target + u": " + verdictText(v.state, v.reason);
        }
    }
    return {};
}

} // namespace

MapFonts MapFonts::of(const QFont &base)
{
    QFont title = base;
    title.setBold(true);
    QFont small = base;
    small.setPointSizeF(base.pointSizeF() * 0.8);
    QFont markerLabel = small;
    markerLabel.setBold(true);
    return {QFontMetricsF(title), QFontMetricsF(base), QFontMetricsF(small),
            QFontMetricsF(markerLabel)};
}

void MapScene::build(const ReachabilityEngine &engine, const NodeMarks &marks,
                     const MapOptions &options)
{
    const Topology &t = engine.topology();
    m_level = options.level;
    m_sites.clear();
    m_nodes.clear();
    m_hops.clear();
    m_bundles.clear();
    m_index.clear();
    for (const Site &s : t.sites)
        m_sites.append({s.id,
                        s.label.isEmpty() ? s.id : s.label,
                        s.kind == SiteKind::Internet,
                        s.state == ElementState::Down,
                        false,
                        {}});
    // The roles' places on the request path, kept while the dependencies stay the same.
    size_t dependencies = size_t(t.dependencies.size());
    for (const Dependency &d : t.dependencies)
        dependencies = qHashMulti(dependencies, d.fromRole, d.toRole);
    if (dependencies != m_ranksOf || m_ranks.isEmpty()) {
        m_ranksOf = dependencies;
        m_ranks.clear();
        for (const auto &[role, rank] : roleRanks(t))
            m_ranks.insert(role, rank);
    }
    const QHash<QString, int> &ranks = m_ranks;
    const QString plus = QStringLiteral(" + ");
    std::vector<int> chipOf(size_t(t.nodes.size()), -1);
    std::vector<Health> health(size_t(t.nodes.size()), Health::InService);
    // A role chip: the nodes of one scaling group, or of the same roles, in one site.
    std::vector<QHash<QString, int>> roleChips(size_t(t.sites.size()));
    const bool roles = m_level == MapLevel::Roles;
    for (int n = 0; n < t.nodes.size(); ++n) {
        if (!engine.nodePresent(n))
            continue;
        const Node &node = t.nodes[n];
        const auto mark = marks.constFind(node.id);
        const NodeLife life = mark == marks.cend() || mark->life == NodeLife::Terminated
                                  ? NodeLife::Running
                                  : mark->life;
        const bool down = node.state == ElementState::Down;
        health[size_t(n)] = down                         ? Health::Down
                            : life == NodeLife::Draining ? Health::Draining
                            : life == NodeLife::New      ? Health::New
                                                         : Health::InService;
        const QString role = !roles || !node.group.isEmpty() ? node.group : node.roles.join(plus);
        QHash<QString, int> &inSite = roleChips[size_t(node.site)];
        auto it = roles ? inSite.constFind(role) : inSite.cend();
        if (roles && it == inSite.cend()) {
            const QString chip = t.sites[node.site].id + u'/' + role;
            if (!options.expanded.contains(chip)) {
                it = inSite.insert(role, int(m_nodes.size()));
                m_nodes.append({chip,
                                role,
                                node.roles.join(plus),
                                rankOf(node.roles, ranks),
                                node.site,
                                true,
                                NodeLife::Running,
                                {},
                                {},
                                {},
                                {},
                                chip});
            } else {
                it = inSite.insert(role, -1); // expanded: its nodes one by one
            }
        }
        if (roles && *it >= 0) {
            MapNode &c = m_nodes[*it];
            c.members.append(node.id);
            c.replicas += node.standbyRoles.isEmpty() ? 0 : 1;
            c.rank = std::min(c.rank, rankOf(node.roles, ranks)); // nearest the callers
            c.down = c.down && down;                              // down when every node is
            chipOf[size_t(n)] = *it;
            continue;
        }
        chipOf[size_t(n)] = int(m_nodes.size());
        m_nodes.append({node.id,
                        node.id,
                        node.roles.join(plus),
                        rankOf(node.roles, ranks),
                        node.site,
                        down,
                        life,
                        {},
                        {},
                        {},
                        {},
                        roles ? t.sites[node.site].id + u'/' + role : QString()});
    }
    // Terminated a short while ago: a ghost where it ran (where nodes are shown one by one).
    for (auto mark = marks.cbegin(); mark != marks.cend(); ++mark) {
        const int node = t.nodeIndex(mark.key());
        if (mark->life != NodeLife::Terminated || (node >= 0 && engine.nodePresent(node)))
            continue;
        const int site = t.siteIndex(mark->site);
        const int group = t.groupIndex(mark->group);
        if (site < 0)
            continue;
        const QStringList roles = group < 0 ? QStringList() : t.groups[group].roles;
        const QString chip =
            t.sites[site].id + u'/' + (mark->group.isEmpty() ? roles.join(plus) : mark->group);
        if (m_level == MapLevel::Roles && !options.expanded.contains(chip))
            continue; // its role chip counts the nodes that run
        m_nodes.append({mark.key(),
                        mark.key(),
                        roles.join(plus),
                        rankOf(roles, ranks),
                        site,
                        false,
                        NodeLife::Terminated,
                        {},
                        {},
                        {},
                        {},
                        chip});
    }
    for (const ScalingGroup &g : t.groups) {
        for (int site : g.sites) {
            const QString why = latentReason(engine, g, site);
            if (!why.isEmpty())
                m_nodes.append({g.id + u'@' + t.sites[site].id,
                                g.id,
                                g.id + u" in " + t.sites[site].id + u" would fail:",
                                99,
                                site,
                                false,
                                NodeLife::Running,
                                why,
                                {},
                                {},
                                {},
                                {}});
        }
    }
    m_index.reserve(m_nodes.size());
    for (int i = 0; i < m_nodes.size(); ++i)
        m_index.insert(m_nodes[i].id, i);
    m_memberIndex.clear(); // filled when first asked
    m_memberIndexed = false;
    m_linked.assign(size_t(m_nodes.size()), {});
    // Each node's dependencies, as a whole: how many of its instances it can use, how many
    // are blocked. One blocked instance among usable ones does not fail an `any` dependency.
    // Counted only for the dependencies with a blocked edge (keyed by node and dependency: a
    // generated fleet may declare thousands of dependencies).
    const quint64 perNode = quint64(t.dependencies.size());
    auto keyOf = [&](const DependencyEdge &edge) {
        return quint64(edge.from) * perNode + quint64(edge.dependency);
    };
    std::unordered_map<quint64, std::pair<int, int>> usableBlocked;
    for (int e = 0; e < engine.edgeCount(); ++e) {
        if (engine.edgeAlive(e) && engine.verdict(e).state == VerdictState::Blocked)
            usableBlocked.try_emplace(keyOf(engine.edge(e)), 0, 0);
    }
    if (!usableBlocked.empty()) {
        for (int e = 0; e < engine.edgeCount(); ++e) {
            if (!engine.edgeAlive(e))
                continue;
            const auto it = usableBlocked.find(keyOf(engine.edge(e)));
            if (it == usableBlocked.end())
                continue;
            const VerdictState state = engine.verdict(e).state;
            it->second.first +=
                state == VerdictState::Reachable || state == VerdictState::Degraded ? 1 : 0;
            it->second.second += state == VerdictState::Blocked ? 1 : 0;
        }
    }
    auto dependencyFails = [&](const DependencyEdge &edge) {
        const Dependency &dep = t.dependencies[edge.dependency];
        const auto [usable, blocked] = usableBlocked.at(keyOf(edge)); // it has a blocked edge
        switch (dep.need) {
        case InstanceNeed::Any:
            return usable == 0;
        case InstanceNeed::AtLeast:
            return usable < dep.atLeast;
        case InstanceNeed::All:
        case InstanceNeed::SameNode:
            return blocked > 0;
        }
        return blocked > 0;
    };
    for (int e = 0; e < engine.edgeCount(); ++e) {
        if (!engine.edgeAlive(e))
            continue;
        const DependencyEdge &edge = engine.edge(e);
        if (chipOf[size_t(edge.from)] < 0 || chipOf[size_t(edge.to)] < 0 || edge.from == edge.to)
            continue;
        const Verdict &v = engine.verdict(e);
        if (v.reason.kind == Reason::Kind::SourceDown)
            continue; // a node that is not running needs nothing: its chip says it is down
        const Dependency &dep = t.dependencies[edge.dependency];
        // Failing says more than new: a new node that cannot reach what it needs is the story.
        // What it needs, not each instance: one blocked replica among reachable ones is not it.
        if (dep.required && v.state == VerdictState::Blocked &&
            (health[size_t(edge.from)] == Health::InService ||
             health[size_t(edge.from)] == Health::New) &&
            dependencyFails(edge))
            health[size_t(edge.from)] = Health::Failing;
        const int from = chipOf[size_t(edge.from)];
        const int to = chipOf[size_t(edge.to)];
        if (from == to)
            continue; // within one role chip: its health arc says how its nodes are
        const Node &a = t.nodes[edge.from];
        const Node &b = t.nodes[edge.to];
        m_hops.append(
            {from, to, !dep.required,
             EdgeReport{dep.id, a.id, t.sites[a.site].id, b.id, t.sites[b.site].id, dep.port, v}});
        m_linked[size_t(from)].push_back(to);
        m_linked[size_t(to)].push_back(from);
    }
    for (int n = 0; n < t.nodes.size(); ++n) {
        const int chip = chipOf[size_t(n)];
        if (chip >= 0 && m_nodes[chip].role())
            ++m_nodes[chip].health[size_t(health[size_t(n)])];
        else if (chip >= 0) // a node's own chip: failing is said on it too
            m_nodes[chip].failing = health[size_t(n)] == Health::Failing;
    }
}

void MapScene::bundle()
{
    m_bundles.clear();
    const qsizetype siteCount = m_sites.size();
    std::vector<int> between(size_t(siteCount * siteCount));
    for (const MapHop &h : m_hops)
        ++between[size_t(m_nodes[h.from].site * siteCount + m_nodes[h.to].site)];
    // In the role view, the hops between two chips are one line in their worst state. In the
    // node view, hops that share both ends' places and their state are drawn as one: in a dense
    // map the places are role rows, between crowded sites the sites; any other hop is alone.
    const bool roles = m_level == MapLevel::Roles;
    std::map<std::tuple<int, int, int, int, int, bool, bool, int>, int> bundleOf;
    for (int i = 0; i < m_hops.size(); ++i) {
        const MapHop &h = m_hops[i];
        const MapNode &a = m_nodes[h.from];
        const MapNode &b = m_nodes[h.to];
        const bool crowded =
            a.site != b.site && between[size_t(a.site * siteCount + b.site)] > kBundleAbove;
        const bool denseA = m_sites[a.site].dense;
        const bool denseB = m_sites[b.site].dense;
        const bool alone = !denseA && !denseB && !crowded;
        const auto key =
            roles ? std::make_tuple(h.from, -1, h.to, -1, -1, h.optional, h.disagreeing(), -1)
                  : std::make_tuple(a.site, denseA ? a.rank : -1, b.site, denseB ? b.rank : -1,
                                    int(h.state()), h.optional, h.disagreeing(), alone ? i : -1);
        auto [it, fresh] = bundleOf.try_emplace(key, int(m_bundles.size()));
        if (fresh) {
            MapBundle fresh;
            fresh.state = h.state();
            fresh.optional = h.optional;
            fresh.fromBox = a.rect;
            fresh.toBox = b.rect;
            fresh.sameSite = a.site == b.site;
            fresh.sameRow = m_sites[a.site].internet == m_sites[b.site].internet;
            fresh.disagreeing = h.disagreeing();
            m_bundles.append(fresh);
        }
        MapBundle &bundle = m_bundles[it->second];
        bundle.hops.append(i);
        bundle.fromBox |= a.rect;
        bundle.toBox |= b.rect;
        ++bundle.counts[size_t(h.state())];
        bundle.state = std::max(bundle.state, h.state());
    }
    // Broken hops are drawn last, on top of the healthy ones.
    std::stable_sort(
        m_bundles.begin(), m_bundles.end(),
        [](const MapBundle &a, const MapBundle &b) { return int(a.state) < int(b.state); });
}

QString MapScene::markerText(const MapBundle &b) const
{
    if (b.state != VerdictState::Blocked)
        return {};
    QString text;
    for (int h : b.hops) {
        const Verdict &v = m_hops[h].report.verdict;
        if (v.state != VerdictState::Blocked)
            continue;
        const QString one =
            v.reason.kind == Reason::Kind::RuleDenied      ? v.reason.subject
            : v.reason.kind == Reason::Kind::NoRoute       ? QStringLiteral("no route")
            : v.reason.kind == Reason::Kind::DefaultDenied ? QStringLiteral("default deny")
            : v.reason.kind == Reason::Kind::SiteDown      ? QStringLiteral("site down")
            : v.reason.kind == Reason::Kind::TargetDown    ? QStringLiteral("target down")
                                                           : QString();
        if (!text.isEmpty() && one != text)
            return {}; // reasons differ: the tooltip lists them
        text = one;
    }
    return text;
}

QString MapScene::bundleText(const MapBundle &b) const
{
    auto one = [](const MapHop &h) -> QString {
        return h.report.text() + (h.optional ? QStringLiteral(" (optional)") : QString());
    };
    if (b.hops.size() == 1)
        return one(m_hops[b.hops.first()]);
    // Many hops: how many, between what, and why, most frequent reason first.
    const MapHop &first = m_hops[b.hops.first()];
    std::map<QString, int> reasons;
    for (int h : b.hops) {
        const Verdict &v = m_hops[h].report.verdict;
        ++reasons[verdictText(v.state, v.reason)];
    }
    std::vector<std::pair<int, QString>> byCount;
    for (const auto &[text, count] : reasons)
        byCount.emplace_back(-count, text);
    std::sort(byCount.begin(), byCount.end());
    // Between role chips, or between sites; then how many in each state, the worst first.
    const bool roles = m_level == MapLevel::Roles;
    QStringList states;
    for (int state = int(b.counts.size()) - 1; state >= 0; --state) {
        if (b.counts[size_t(state)] > 0)
            states.append(QString::number(b.counts[size_t(state)]) + u' ' +
                          toString(VerdictState(state)));
    }
    QString text = QString::number(b.hops.size()) + u" hops " +
                   (roles ? m_nodes[first.from].id : first.report.fromSite) + u" -> " +
                   (roles ? m_nodes[first.to].id : first.report.toSite) +
                   (b.optional ? QStringLiteral(" (optional)") : QString()) + u", " +
                   (states.size() > 1 ? states.join(u", ") : toString(b.state)) + u':';
    for (size_t i = 0; i < byCount.size() && i < 4; ++i)
        text += u"\n  " + QString::number(-byCount[i].first) + u" × " + byCount[i].second;
    if (byCount.size() > 4)
        text += u"\n  … and " + QString::number(byCount.size() - 4) + u" other reasons";
    text += u"\n  e.g. " + one(first);
    return text;
}

int MapScene::nodeIndex(const QString &id) const
{
    if (const auto chip = m_index.constFind(id); chip != m_index.cend())
        return *chip;
    if (id.isEmpty() || m_level != MapLevel::Roles)
        return -1;
    if (!m_memberIndexed) { // a role chip's node: which chip it is in
        m_memberIndexed = true;
        for (int i = 0; i < m_nodes.size(); ++i) {
            for (const QString &member : m_nodes[i].members)
                m_memberIndex.insert(member, i);
        }
    }
    return m_memberIndex.value(id, -1);
}

int MapScene::nodeAt(const QPointF &pos) const
{
    for (int i = int(m_nodes.size()) - 1; i >= 0; --i) {
        if (m_nodes[i].rect.contains(pos))
            return i;
    }
    return -1;
}

int MapScene::hopBetween(const QString &from, const QString &to) const
{
    for (int h = 0; h < m_hops.size(); ++h) {
        if (m_hops[h].report.from == from && m_hops[h].report.to == to)
            return h;
    }
    return -1;
}

QSet<int> MapScene::neighbours(int node) const
{
    QSet<int> out;
    for (const MapHop &h : m_hops) {
        if (h.from == node)
            out.insert(h.to);
        else if (h.to == node)
            out.insert(h.from);
    }
    return out;
}

} // namespace warroom
