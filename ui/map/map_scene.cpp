#include "map_scene.h"

#include "map_look.h"
#include "map_routing.h"

#include "core/analysis/reachability_engine.h"

#include <cmath>
#include <map>
#include <optional>

namespace warroom {

namespace {

constexpr double kChipWidth = 128.0;
constexpr double kChipHeight = 34.0;     // a node's chip: its name, its roles
constexpr double kRoleChipHeight = 46.0; // a role's chip: its name on up to two lines, counts
// The gaps hops run in: between chips of a row, between rows, between sites, above the
// datacenters (under the internet band) and below them.
constexpr double kColGap = 14.0;
constexpr double kRowGap = 28.0;
constexpr double kRowGapLeast = 12.0;     // in a short map
constexpr double kChipHeightLeast = 24.0; // in a short map: a name, one line
constexpr double kGutter = 24.0;
constexpr double kCorridor = 40.0; // (a short map: kShortBy less)
constexpr double kLane = 18.0;
constexpr double kShortMap = 450.0;    // a map less tall than this has narrower corridors
constexpr double kSmallestMap = 120.0; // a map smaller than this draws nothing
constexpr double kShortBy = 12.0;
constexpr double kBandTitle = 30.0;      // the internet band's title line
constexpr int kBandColumns = 8;          // chips per row in the internet band
constexpr double kBandMargin = 10.0;     // above and below a one-row internet band's chips
constexpr double kBandChipLeast = 96.0;  // its chips' width when its title is beside them
constexpr double kBandTitleShare = 0.35; // of its width, at most, for that title (wrapped)
constexpr double kTrackSpacing = 5.0;    // between hops that share a gap
constexpr double kCornerRadius = 6.0;
constexpr double kNarrowest = 72.0;    // a chip narrower than this has no room for labels
constexpr double kRoleNameRoom = 16.0; // a narrow role chip's width beside its name
constexpr int kBundleAbove = 12;       // more hops than this between two sites: one bundle
constexpr int kOrderedAtMost = 400;    // more chips in a site: squares, not ordered or fitted

// Where the straight line from a box's middle towards `toward` leaves the box.
QPointF borderToward(const QRectF &box, const QPointF &toward)
{
    const QPointF c = box.center();
    const QPointF d = toward - c;
    if (d.isNull())
        return c;
    const double sx = d.x() == 0 ? 1e9 : (box.width() / 2) / std::abs(d.x());
    const double sy = d.y() == 0 ? 1e9 : (box.height() / 2) / std::abs(d.y());
    return c + d * std::min({sx, sy, 1.0});
}

double distanceToSegment(const QPointF &p, const QPointF &a, const QPointF &b)
{
    const QPointF ab = b - a;
    const double length2 = ab.x() * ab.x() + ab.y() * ab.y();
    const double t =
        length2 <= 0 ? 0.0 : std::clamp(QPointF::dotProduct(p - a, ab) / length2, 0.0, 1.0);
    const QPointF closest = a + t * ab;
    return std::hypot(p.x() - closest.x(), p.y() - closest.y());
}

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
        if (dep.required && v.state == VerdictState::Blocked &&
            (health[size_t(edge.from)] == Health::InService ||
             health[size_t(edge.from)] == Health::New))
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

void MapScene::layout(const QRectF &area, const QHash<QString, std::pair<double, double>> &manual,
                      const MapFonts &fonts)
{
    if (!(area.width() >= kSmallestMap && area.height() >= kSmallestMap)) {
        // No room (a collapsed panel): nothing is drawn until there is.
        for (MapSite &s : m_sites)
            s.rect = {};
        for (MapNode &n : m_nodes)
            n.rect = {};
        m_bundles.clear();
        m_crossings = 0;
        return;
    }
    std::vector<QList<int>> chipsOf(size_t(m_sites.size()));
    for (int c = 0; c < m_nodes.size(); ++c)
        chipsOf[size_t(m_nodes[c].site)].append(c);
    for (QList<int> &chips : chipsOf) {      // request-path order, then by roles and name
        if (chips.size() > kOrderedAtMost) { // squares: by place only, in the topology's order
            std::stable_sort(chips.begin(), chips.end(),
                             [&](int a, int b) { return m_nodes[a].rank < m_nodes[b].rank; });
            continue;
        }
        std::stable_sort(chips.begin(), chips.end(), [&](int a, int b) {
            return std::tie(m_nodes[a].rank, m_nodes[a].roles, m_nodes[a].id) <
                   std::tie(m_nodes[b].rank, m_nodes[b].roles, m_nodes[b].id);
        });
    }
    const bool short_ = area.height() < kShortMap;
    m_corridor = kCorridor - (short_ ? kShortBy : 0.0);
    m_lane = kLane - (short_ ? kShortBy / 2 : 0.0);
    // The internet band in one row, its title beside its chips, when they fit so (wide enough
    // for their names): the datacenters get the height.
    m_bandInline = true;
    qsizetype bands = 0;
    for (const MapSite &s : m_sites)
        bands += s.internet ? 1 : 0;
    for (int s = 0; s < m_sites.size(); ++s) {
        if (!m_sites[s].internet)
            continue;
        const double width = (area.width() - kGutter) / bands - kGutter;
        const double title =
            std::min(fonts.title.horizontalAdvance(m_sites[s].label) + 24, width * kBandTitleShare);
        const qsizetype n = chipsOf[size_t(s)].size();
        m_bandInline = m_bandInline && n <= kBandColumns &&
                       (width - title - kColGap - (n - 1) * kColGap) / std::max<qsizetype>(1, n) >=
                           kBandChipLeast;
    }
    chooseColumns(area, chipsOf, fonts);
    orderRows(chipsOf);
    placeSites(area, fonts, chipsOf);
    m_dense = false;
    for (int s = 0; s < m_sites.size(); ++s)
        placeChips(s, chipsOf[size_t(s)], fonts, manual);
    bundle();
    route(area, fonts);
}

namespace {

// A site's chips as rows: one per place on the request path, wrapped at `columns`; latent
// places last, each a row of its own.
struct Rows
{
    QList<QList<int>> rows;
    QList<int> latent;
    int columns = 1;
};

Rows rowsOf(const QList<int> &chips, const QList<MapNode> &nodes, int columns)
{
    Rows out;
    QList<QList<int>> byRank;
    int running = 0;
    for (int c : chips) {
        if (!nodes[c].latent.isEmpty()) {
            out.latent.append(c);
            continue;
        }
        ++running;
        if (byRank.isEmpty() || nodes[byRank.last().first()].rank != nodes[c].rank)
            byRank.append(QList<int>());
        byRank.last().append(c);
    }
    // A place's chips share a row when they fit in one; a row holds the next places too while
    // there is room (compact, and still in request-path order).
    out.columns = std::max(1, columns);
    for (const QList<int> &r : byRank) {
        if (!out.rows.isEmpty() && out.rows.last().size() + r.size() <= out.columns) {
            out.rows.last() += r;
            continue;
        }
        for (int i = 0; i < r.size(); i += out.columns)
            out.rows.append(r.mid(i, out.columns));
    }
    return out;
}

} // namespace

// Within each place on the request path, chips follow the middle of what they are joined to
// (barycentre ordering, as in layered graph drawing): fewer hops cross. Positions are fractions
// of the map's width, so the order does not depend on the window's size.
void MapScene::orderRows(std::vector<QList<int>> &chipsOf) const
{
    QList<int> internet, inside;
    for (int s = 0; s < m_sites.size(); ++s)
        (m_sites[s].internet ? internet : inside).append(s);
    std::vector<double> position(size_t(m_nodes.size()), 0.5);
    auto place = [&] {
        for (const QList<int> *row : {&internet, &inside}) {
            for (int i = 0; i < row->size(); ++i) {
                const QList<int> &chips = chipsOf[size_t(row->at(i))];
                if (m_sites[row->at(i)].internet) { // one row across the band, as placed
                    for (int k = 0; k < chips.size(); ++k)
                        position[size_t(chips[k])] = (i + (k + 0.5) / chips.size()) / row->size();
                    continue;
                }
                const Rows rows = rowsOf(chips, m_nodes, m_sites[row->at(i)].columns);
                for (const QList<int> &r : rows.rows) {
                    for (int k = 0; k < r.size(); ++k)
                        position[size_t(r[k])] =
                            (i + (k + 0.5 + (rows.columns - r.size()) / 2.0) / rows.columns) /
                            row->size();
                }
            }
        }
    };
    place();
    for (int sweep = 0; sweep < 3; ++sweep) {
        for (int s = 0; s < m_sites.size(); ++s) {
            QList<int> &chips = chipsOf[size_t(s)];
            if (chips.size() < 2 || chips.size() > kOrderedAtMost)
                continue; // alone, or squares in a dense map
            std::vector<double> centre(size_t(m_nodes.size()), 0.0);
            for (int c : chips) {
                const std::vector<int> &linked = m_linked[size_t(c)];
                double sum = 0.0;
                for (int o : linked)
                    sum += position[size_t(o)];
                centre[size_t(c)] = linked.empty() ? position[size_t(c)] : sum / linked.size();
            }
            std::stable_sort(chips.begin(), chips.end(), [&](int a, int b) {
                if (m_nodes[a].rank != m_nodes[b].rank)
                    return m_nodes[a].rank < m_nodes[b].rank;
                return centre[size_t(a)] < centre[size_t(b)];
            });
        }
        place();
    }
}

double MapScene::bandHeight(const QRectF &area, const std::vector<QList<int>> &chipsOf) const
{
    // As many rows as the internet's busiest site needs (of wide, one-line chips), at most a
    // third of the map.
    int rows = 0;
    bool any = false;
    for (int s = 0; s < m_sites.size(); ++s) {
        if (!m_sites[s].internet)
            continue;
        any = true;
        const int n = int(chipsOf[size_t(s)].size());
        rows = std::max(rows, (n + kBandColumns - 1) / kBandColumns);
    }
    if (any && m_bandInline)
        return kChipHeight + 2 * kBandMargin;
    return any ? std::min(area.height() / 3.0,
                          kBandTitle + std::max(1, rows) * (kChipHeight + kRowGap))
               : 0.0;
}

// A datacenter's columns: as few as let its rows fit the map's height (a column reads top down
// along the request path), more only when the map is too short. The width never decides: a
// resize that keeps the height keeps every chip's row and column.
void MapScene::chooseColumns(const QRectF &area, const std::vector<QList<int>> &chipsOf,
                             const MapFonts &fonts)
{
    const double band = bandHeight(area, chipsOf);
    int datacenters = 0;
    for (const MapSite &s : m_sites)
        datacenters += s.internet ? 0 : 1;
    const double siteWidth =
        (area.width() - kGutter * std::max(1, datacenters)) / std::max(1, datacenters);
    const double boxHeight = area.height() - (band > 0 ? band + m_corridor : 0.0) - m_lane -
                             (8.0 + 2 * 16.0) - kRowGap; // a two-line title and the margins
    const double chipHeight = m_level == MapLevel::Roles ? kRoleChipHeight : kChipHeight;
    for (int s = 0; s < m_sites.size(); ++s) {
        const QList<int> &chips = chipsOf[size_t(s)];
        int latent = 0;
        for (int c : chips)
            latent += m_nodes[c].latent.isEmpty() ? 0 : 1;
        const int running = int(chips.size()) - latent;
        const int most = std::max(1, int(std::ceil(std::sqrt(double(running)))));
        // In the role view, no more columns than leave each name room (at 80 %, wrapped after
        // its separators on two lines): names are never cut there.
        int widest = most;
        if (m_level == MapLevel::Roles) {
            double name = 0.0;
            for (int c : chips) {
                if (m_nodes[c].latent.isEmpty()) {
                    for (const QString &piece : breakable(m_nodes[c].label).split(QChar(0x200B)))
                        name = std::max(name, fonts.markerLabel.horizontalAdvance(piece));
                }
            }
            const double needed = name + kRoleNameRoom;
            while (widest > 1 &&
                   (siteWidth - 2 * kColGap - (widest - 1) * kColGap) / widest < needed)
                --widest;
        }
        int columns =
            running > kOrderedAtMost ? std::max(1, int(std::ceil(std::sqrt(running / 2.0)))) : most;
        // At full size if some number of columns fits; else with the gaps and chips shrunk.
        bool chosen = running > kOrderedAtMost;
        for (const double pitch : {chipHeight + kRowGap, kChipHeightLeast + kRowGapLeast}) {
            for (int c = 1; !chosen && c < most; ++c) {
                const qsizetype rows = rowsOf(chips, m_nodes, c).rows.size();
                if (rows * pitch + latent * (2.5 * kChipHeight) <= boxHeight) {
                    columns = c;
                    chosen = true;
                }
            }
        }
        m_sites[s].columns = std::min(columns, widest);
    }
}

void MapScene::placeSites(const QRectF &area, const MapFonts &fonts,
                          const std::vector<QList<int>> &chipsOf)
{
    QList<int> internet, inside;
    for (int s = 0; s < m_sites.size(); ++s)
        (m_sites[s].internet ? internet : inside).append(s);
    const double left = area.left() + kGutter / 2;
    const double width = area.width() - kGutter;
    const double bandHeight = this->bandHeight(area, chipsOf);
    const double bandWidth = internet.isEmpty() ? 0.0 : width / internet.size();
    for (int i = 0; i < internet.size(); ++i) {
        MapSite &s = m_sites[internet[i]];
        s.rect = QRectF(left + i * bandWidth, area.top(),
                        bandWidth - (i + 1 < internet.size() ? kGutter : 0.0), bandHeight);
        s.titleHeight = m_bandInline ? bandHeight : kBandTitle - 4;
        s.titleWidth = m_bandInline ? std::min(s.rect.width() * kBandTitleShare,
                                               fonts.title.horizontalAdvance(s.label) + 24)
                                    : 0.0;
    }
    // Datacenters side by side, each as wide as its columns need.
    const double top = area.top() + (internet.isEmpty() ? 0.0 : bandHeight + m_corridor);
    const double bottom = area.bottom() - m_lane;
    std::vector<double> weight;
    double total = 0.0;
    for (int s : inside) {
        weight.push_back(m_sites[s].columns + 0.6);
        total += weight.back();
    }
    const double room = width - kGutter * std::max<qsizetype>(0, inside.size() - 1);
    double x = left;
    for (int i = 0; i < inside.size(); ++i) {
        MapSite &s = m_sites[inside[i]];
        const double w = room * weight[size_t(i)] / std::max(total, 1.0);
        s.rect = QRectF(x, top, w, std::max(40.0, bottom - top));
        x += w + kGutter;
        // Its title wraps over four lines at most, above its chips.
        const QString label = s.label + (s.down ? QStringLiteral("  (down)") : QString());
        const double lines =
            std::clamp(std::ceil(fonts.title
                                     .boundingRect(QRectF(0, 0, std::max(1.0, w - 20), 1000),
                                                   Qt::TextWordWrap, label)
                                     .height() /
                                 fonts.title.lineSpacing()),
                       1.0, 4.0);
        s.titleHeight = 8.0 + lines * fonts.title.lineSpacing();
    }
}

QRectF MapScene::innerBox(int site) const
{
    const MapSite &s = m_sites[site];
    if (s.internet && s.titleWidth > 0) // beside its title
        return s.rect.adjusted(s.titleWidth, kBandMargin, -kColGap, -kBandMargin);
    if (s.internet)
        return s.rect.adjusted(kColGap, kBandTitle, -kColGap, -kRowGap);
    return s.rect.adjusted(kColGap, s.titleHeight + kRowGap / 2 + 2, -kColGap, -kRowGap / 2);
}

void MapScene::placeChips(int s, QList<int> chips, const MapFonts &fonts,
                          const QHash<QString, std::pair<double, double>> &manual)
{
    MapSite &site = m_sites[s];
    const QRectF box = innerBox(s);
    site.dense = false;
    site.rowGap = kRowGap;
    const double chipHeight = m_level == MapLevel::Roles ? kRoleChipHeight : kChipHeight;
    if (site.internet) { // one row (or a few) across the band, centred
        const double chipHeight = kChipHeight;
        const int n = int(chips.size());
        const int columns = std::max(1, std::min(n, kBandColumns));
        const double w =
            std::min(kChipWidth * 1.4, (box.width() - (columns - 1) * kColGap) / columns);
        for (int i = 0; i < n; ++i) {
            const int row = i / columns;
            const int inRow = std::min(columns, n - row * columns);
            const double start = box.center().x() - (inRow * w + (inRow - 1) * kColGap) / 2;
            m_nodes[chips[i]].rect =
                QRectF(start + (i % columns) * (w + kColGap),
                       box.top() + row * (chipHeight + kRowGap), std::max(1.0, w), chipHeight);
        }
        return;
    }
    const Rows rows = rowsOf(chips, m_nodes, site.columns);
    const double w =
        std::min(kChipWidth * 1.4, (box.width() - (rows.columns - 1) * kColGap) / rows.columns);
    // What the latent places say, read in full: as tall as their text at the site's width.
    QList<double> latentHeights;
    double latentHeight = 0.0;
    for (int c : rows.latent) {
        const MapNode &n = m_nodes[c];
        latentHeights.append(std::max(
            kChipHeight, fonts.small
                                 .boundingRect(QRectF(0, 0, std::max(1.0, box.width() - 12), 1000),
                                               Qt::TextWordWrap, n.roles + u'\n' + n.latent)
                                 .height() +
                             8.0));
        latentHeight += latentHeights.last() + kRowGap;
    }
    // A short map: the gaps narrow first, then the chips grow shorter (to a line and a half).
    const int rowCount = int(rows.rows.size());
    double rowGap = kRowGap;
    double height = chipHeight;
    const double room = box.height() - latentHeight;
    if (rowCount > 0 && rowCount * height + (rowCount - 1) * rowGap > room) {
        rowGap = std::max(kRowGapLeast, (room - rowCount * height) / std::max(1, rowCount - 1));
        height =
            std::clamp((room - (rowCount - 1) * rowGap) / rowCount, kChipHeightLeast, chipHeight);
    }
    site.rowGap = rowGap;
    const double pitchY = height + rowGap;
    const bool fits = rowCount * pitchY - rowGap <= room + 1.0;
    // Squares when nodes do not fit as labelled chips (in the role view too, when a role chip
    // expanded into more nodes than fit).
    const bool nodes = std::any_of(chips.cbegin(), chips.cend(), [this](int c) {
        return !m_nodes[c].role() && m_nodes[c].latent.isEmpty();
    });
    if (nodes && (w < kNarrowest || !fits)) {
        // Dense: square cells as large as the box allows, row by row in request-path order.
        m_dense = site.dense = true;
        const int n = int(chips.size());
        double cell = std::floor(std::sqrt(box.width() * box.height() / n));
        while (cell > 2.0 &&
               std::ceil(double(n) / std::max(1.0, std::floor(box.width() / cell))) * cell >
                   box.height())
            cell -= 0.5;
        cell = std::max(cell, 2.0);
        const int columns = std::max(1, int(box.width() / cell));
        const double side = std::max(1.5, cell * 0.78);
        int i = 0;
        for (const QList<int> &r : rows.rows) {
            for (int c : r) {
                m_nodes[c].rect = QRectF(box.left() + (i % columns) * cell,
                                         box.top() + (i / columns) * cell, side, side);
                ++i;
            }
        }
        for (int c : rows.latent) {
            m_nodes[c].rect = QRectF(box.left() + (i % columns) * cell,
                                     box.top() + (i / columns) * cell, side, side);
            ++i;
        }
        return;
    }
    double y = box.top();
    for (const QList<int> &r : rows.rows) {
        // A short row is centred under the full ones: straight hops between rows.
        const double start = box.left() + (rows.columns - r.size()) * (w + kColGap) / 2;
        for (int k = 0; k < r.size(); ++k) {
            QRectF &rect = m_nodes[r[k]].rect;
            rect = QRectF(start + k * (w + kColGap), y, std::max(1.0, w), height);
            const auto placed = manual.constFind(m_nodes[r[k]].id);
            if (placed != manual.cend()) { // placed by hand: kept where it was put
                rect.moveTopLeft(
                    QPointF(std::clamp(box.left() + placed->first * box.width(), box.left(),
                                       std::max(box.left(), box.right() - rect.width())),
                            std::clamp(box.top() + placed->second * box.height(), box.top(),
                                       std::max(box.top(), box.bottom() - rect.height()))));
            }
        }
        y += pitchY;
    }
    // Latent places: as wide as the site and as tall as what they say, read in full.
    for (int i = 0; i < rows.latent.size(); ++i) {
        MapNode &n = m_nodes[rows.latent[i]];
        n.rect = QRectF(box.left(), y, box.width(),
                        std::clamp(latentHeights[i], kChipHeightLeast,
                                   std::max(kChipHeightLeast, box.bottom() - y)));
        y += n.rect.height() + kRowGap;
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

void MapScene::route(const QRectF &area, const MapFonts &fonts)
{
    // The walls: every chip drawn as a chip, every site, every title.
    RoutingProblem problem;
    problem.area = area;
    std::vector<int> wallOf(size_t(m_nodes.size()), -1);
    size_t geometry = qHash(area.width()) ^ qHash(area.height());
    auto mix = [&geometry](const QRectF &r) {
        geometry = geometry * 31 + qHash(r.x()) + 7 * qHash(r.y()) + 13 * qHash(r.width()) +
                   17 * qHash(r.height());
    };
    for (int c = 0; c < m_nodes.size(); ++c) {
        if (m_sites[m_nodes[c].site].dense)
            continue; // squares are a texture hops cross: their rows are the ends
        const QRectF &r = m_nodes[c].rect;
        wallOf[size_t(c)] = int(problem.chips.size());
        problem.chips.append(r);
        mix(r);
        // The middles of the gaps around it.
        const double rowGap = m_sites[m_nodes[c].site].rowGap;
        problem.xs += {r.left() - kColGap / 2, r.right() + kColGap / 2};
        problem.ys += {r.top() - rowGap / 2, r.bottom() + rowGap / 2};
    }
    for (const MapSite &s : m_sites) {
        problem.sites.append(s.rect);
        problem.titles.append(titleBand(s));
        mix(s.rect);
        mix(titleBand(s));
        // The gaps beside each site, and the corridor above and the lane below the datacenters.
        problem.xs += {s.rect.left() - kGutter / 2, s.rect.right() + kGutter / 2,
                       s.rect.left() + kColGap / 4, s.rect.right() - kColGap / 4};
        problem.ys += {s.rect.top() - m_corridor / 2, s.rect.bottom() + m_lane / 2,
                       s.rect.bottom() - kRowGap / 4};
    }
    // Every bundle's two ends are ports: a chip's middle, or the middle of the box around the
    // chips (or squares) many hops leave from.
    for (const MapBundle &b : m_bundles)
        problem.ports += {b.fromBox, b.toBox};
    // What each bundle is routed from: its ends, the chips it may cross and its sites.
    std::vector<RouteEnds> ends;
    std::vector<size_t> keyOf; // each bundle's ends, crossable chips and sites, hashed
    size_t endsKey = m_bundles.size();
    for (const MapBundle &b : m_bundles) {
        const MapHop &first = m_hops[b.hops.first()];
        QList<int> joined; // its chips, which it may cross (a bundle's ends are many)
        for (int h : b.hops) {
            for (int c : {m_hops[h].from, m_hops[h].to}) {
                if (wallOf[size_t(c)] >= 0 && !joined.contains(wallOf[size_t(c)]))
                    joined.append(wallOf[size_t(c)]);
            }
        }
        ends.push_back(
            {b.fromBox, b.toBox, joined, m_nodes[first.from].site, m_nodes[first.to].site});
        size_t key = qHashMulti(0, ends.back().fromSite, ends.back().toSite,
                                qHashRange(joined.cbegin(), joined.cend()));
        for (const QRectF &r : {b.fromBox, b.toBox})
            key = qHashMulti(key, r.x(), r.y(), r.width(), r.height());
        keyOf.push_back(key);
        endsKey += key; // in any order: a verdict's change reorders bundles, not their ends
    }
    // The routes, laid broken hops first (they get the clearest ways); kept while neither the
    // geometry nor the set of bundles' ends change (a verdict's change in the role view routes
    // nothing, and no line moves).
    if (geometry != m_routedGeometry || endsKey != m_routedEnds) {
        m_routedGeometry = geometry;
        m_routedEnds = endsKey;
        m_routes.clear();
        Router router(problem);
        for (int i = int(m_bundles.size()) - 1; i >= 0; --i) {
            const MapBundle &b = m_bundles[i];
            if (m_routes.contains(keyOf[size_t(i)]))
                continue; // the same ends: the same way (spread apart below)
            QPolygonF found = router.route(ends[size_t(i)]);
            if (found.isEmpty()) // no way clear: straight, from border to border
                found = {borderToward(b.fromBox, b.toBox.center()),
                         borderToward(b.toBox, b.fromBox.center())};
            m_routes.insert(keyOf[size_t(i)], found);
        }
    }
    QList<QPolygonF> routes;
    for (size_t key : keyOf)
        routes.append(m_routes.value(key));
    QList<QRectF> walls = problem.chips; // what spreading may not push a track onto or into
    walls += problem.titles;
    walls += problem.sites; // from outside: a track in a gap stays in it
    spreadSharedTracks(routes, kTrackSpacing, walls);
    m_crossings = countCrossings(routes);
    QList<QRectF> markerWalls = problem.chips; // chips drawn as chips, titles, squares
    markerWalls += problem.titles;
    std::vector<QRectF> squares(size_t(m_sites.size()));
    for (const MapNode &n : m_nodes) {
        if (m_sites[n.site].dense)
            squares[size_t(n.site)] |= n.rect;
    }
    for (const QRectF &r : squares) {
        if (!r.isNull())
            markerWalls.append(r);
    }
    QList<QRectF> taken;
    for (int b = 0; b < m_bundles.size(); ++b) {
        MapBundle &bundle = m_bundles[b];
        bundle.route = routes[b];
        if ((bundle.state == VerdictState::Blocked && !bundle.optional) || bundle.disagreeing) {
            const QString text = markerText(bundle);
            const QSizeF label =
                text.isEmpty() ? QSizeF() : fonts.markerLabel.size(0, text) + QSizeF(8, 4);
            std::tie(bundle.marker, bundle.markerLabel) =
                markerPoint(bundle, area, label, markerWalls, taken);
            taken.append(QRectF(bundle.marker - QPointF(11, 11), QSizeF(22, 22)));
            if (!bundle.markerLabel.isNull())
                taken.append(bundle.markerLabel);
        }
    }
}

// The path of a hop or bundle: its route, corners rounded.
QPainterPath MapScene::bundlePath(const MapBundle &b) const
{
    QPainterPath path;
    const QPolygonF &r = b.route;
    if (r.size() < 2)
        return path;
    path.moveTo(r.first());
    for (int i = 1; i + 1 < r.size(); ++i) {
        const QPointF in = r[i] - r[i - 1];
        const QPointF out = r[i + 1] - r[i];
        const double lengthIn = std::hypot(in.x(), in.y());
        const double lengthOut = std::hypot(out.x(), out.y());
        const double radius = std::min({kCornerRadius, lengthIn / 2, lengthOut / 2});
        if (radius < 0.5) {
            path.lineTo(r[i]);
            continue;
        }
        path.lineTo(r[i] - in / lengthIn * radius);
        path.quadTo(r[i], r[i] + out / lengthOut * radius);
    }
    path.lineTo(r.last());
    return path;
}

std::pair<QPointF, QRectF> MapScene::markerPoint(const MapBundle &b, const QRectF &area,
                                                 const QSizeF &label, const QList<QRectF> &walls,
                                                 const QList<QRectF> &taken) const
{
    constexpr double radius = 9.0;
    // Inside the map, off every chip and title, and (with `others`) off the other markers.
    auto clear = [&](const QRectF &tight, bool others = true) {
        const QRectF box = tight.adjusted(-1.5, -1.5, 1.5, 1.5); // whole pixels apart
        if (!area.contains(box))
            return false;
        for (const QRectF &other : taken) {
            if (others && other.intersects(box))
                return false;
        }
        for (const QRectF &wall : walls) {
            if (wall.intersects(box))
                return false;
        }
        return true;
    };
    // The marker, and its label right of it or else left of it, both clear.
    auto place = [&](const QPointF &at) -> std::optional<QRectF> {
        if (!clear(QRectF(at.x() - radius, at.y() - radius, 2 * radius, 2 * radius)))
            return std::nullopt;
        if (label.isEmpty())
            return QRectF();
        for (const QRectF &box :
             {QRectF(QPointF(at.x() + radius + 3, at.y() - label.height() / 2), label),
              QRectF(QPointF(at.x() - radius - 3 - label.width(), at.y() - label.height() / 2),
                     label)}) {
            if (clear(box))
                return box;
        }
        return std::nullopt;
    };
    // The longest segments first (the hop's middle stretch), from their middle outwards.
    const QPolygonF &r = b.route;
    QList<int> segments;
    for (int i = 0; i + 1 < r.size(); ++i)
        segments.append(i);
    std::stable_sort(segments.begin(), segments.end(), [&r](int a, int c) {
        return QLineF(r[a], r[a + 1]).length() > QLineF(r[c], r[c + 1]).length();
    });
    // With its label; else alone; else over another marker rather than over a chip or title.
    QList<double> along{0.5};
    for (int k = 1; k < 10; ++k)
        along += {0.5 - 0.05 * k, 0.5 + 0.05 * k};
    for (const int attempt : {0, 1, 2}) {
        for (int i : segments) {
            const QLineF line(r[i], r[i + 1]);
            for (const double t : along) {
                const QPointF at = line.pointAt(t);
                if (attempt == 0) {
                    if (const auto box = place(at))
                        return {at, *box};
                    continue;
                }
                const QRectF marker(at.x() - radius, at.y() - radius, 2 * radius, 2 * radius);
                if (clear(marker, attempt == 1))
                    return {at, QRectF()};
            }
        }
    }
    return {segments.isEmpty() ? b.fromBox.center()
                               : QLineF(r[segments[0]], r[segments[0] + 1]).pointAt(0.5),
            QRectF()};
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
    auto one = [this](const MapHop &h) -> QString {
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

int MapScene::bundleAt(const QPointF &pos, double tolerance) const
{
    double best = tolerance;
    int found = -1;
    for (int b = 0; b < m_bundles.size(); ++b) {
        const QPolygonF &route = m_bundles[b].route;
        if (!route.boundingRect().adjusted(-best, -best, best, best).contains(pos))
            continue;
        for (int i = 0; i + 1 < route.size(); ++i) {
            const double d = distanceToSegment(pos, route[i], route[i + 1]);
            if (d <= best) {
                best = d;
                found = b;
            }
        }
    }
    return found;
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
