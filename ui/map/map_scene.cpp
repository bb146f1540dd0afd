#include "map_scene.h"

#include "core/analysis/reachability_engine.h"

#include <cmath>
#include <map>

namespace warroom {

namespace {

constexpr double kChipWidth = 128.0;
constexpr double kChipHeight = 34.0;
constexpr double kGap = 8.0;
constexpr double kLabelPitch = 14.0; // room under each row of chips in a datacenter
constexpr double kNarrowest = 72.0;  // a chip narrower than this has no room for labels
constexpr int kBundleAbove = 12;     // more hops than this between two sites: one bundle

double distanceToSegment(const QPointF &p, const QPointF &a, const QPointF &b)
{
    const QPointF ab = b - a;
    const double length2 = ab.x() * ab.x() + ab.y() * ab.y();
    const double t =
        length2 <= 0 ? 0.0 : std::clamp(QPointF::dotProduct(p - a, ab) / length2, 0.0, 1.0);
    const QPointF closest = a + t * ab;
    return std::hypot(p.x() - closest.x(), p.y() - closest.y());
}

int rankOf(const QStringList &roles, const std::map<QString, int> &ranks)
{
    int best = 99;
    for (const QString &role : roles) {
        const auto it = ranks.find(role);
        best = std::min(best, it == ranks.end() ? 99 : it->second);
    }
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
            return target + u": " + verdictText(v.state, v.reason);
        }
    }
    return {};
}

} // namespace

void MapScene::build(const ReachabilityEngine &engine, const NodeMarks &marks)
{
    const Topology &t = engine.topology();
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
    const std::map<QString, int> ranks = roleRanks(t);
    const QString plus = QStringLiteral(" + ");
    QList<int> chipOf(t.nodes.size(), -1);
    for (int n = 0; n < t.nodes.size(); ++n) {
        if (!engine.nodePresent(n))
            continue;
        const Node &node = t.nodes[n];
        chipOf[n] = int(m_nodes.size());
        const auto mark = marks.constFind(node.id);
        m_nodes.append({node.id,
                        node.roles.join(plus),
                        rankOf(node.roles, ranks),
                        node.site,
                        node.state == ElementState::Down,
                        mark == marks.cend() || mark->life == NodeLife::Terminated
                            ? NodeLife::Running
                            : mark->life,
                        {},
                        {}});
    }
    // Terminated a short while ago: a ghost where it ran.
    for (auto mark = marks.cbegin(); mark != marks.cend(); ++mark) {
        const int node = t.nodeIndex(mark.key());
        if (mark->life != NodeLife::Terminated || (node >= 0 && engine.nodePresent(node)))
            continue;
        const int site = t.siteIndex(mark->site);
        const int group = t.groupIndex(mark->group);
        if (site < 0)
            continue;
        const QStringList roles = group < 0 ? QStringList() : t.groups[group].roles;
        m_nodes.append({mark.key(),
                        roles.join(plus),
                        rankOf(roles, ranks),
                        site,
                        false,
                        NodeLife::Terminated,
                        {},
                        {}});
    }
    for (const ScalingGroup &g : t.groups) {
        for (int site : g.sites) {
            const QString why = latentReason(engine, g, site);
            if (!why.isEmpty())
                m_nodes.append({g.id + u'@' + t.sites[site].id,
                                g.id + u" in " + t.sites[site].id + u" would fail:",
                                99,
                                site,
                                false,
                                NodeLife::Running,
                                why,
                                {}});
        }
    }
    for (int i = 0; i < m_nodes.size(); ++i)
        m_index.insert(m_nodes[i].id, i);
    for (int e = 0; e < engine.edgeCount(); ++e) {
        if (!engine.edgeAlive(e))
            continue;
        const DependencyEdge &edge = engine.edge(e);
        if (chipOf[edge.from] < 0 || chipOf[edge.to] < 0 || edge.from == edge.to)
            continue;
        const Verdict &v = engine.verdict(e);
        if (v.reason.kind == Reason::Kind::SourceDown)
            continue; // a node that is not running needs nothing: its chip says it is down
        const Dependency &dep = t.dependencies[edge.dependency];
        const Node &from = t.nodes[edge.from];
        const Node &to = t.nodes[edge.to];
        m_hops.append({chipOf[edge.from], chipOf[edge.to], !dep.required,
                       EdgeReport{dep.id, from.id, t.sites[from.site].id, to.id,
                                  t.sites[to.site].id, dep.port, v}});
    }
}

void MapScene::layout(const QRectF &area, const QHash<QString, std::pair<double, double>> &manual)
{
    QList<int> internet, inside;
    std::vector<QList<int>> chipsOf(size_t(m_sites.size()));
    for (int s = 0; s < m_sites.size(); ++s)
        (m_sites[s].internet ? internet : inside).append(s);
    for (int c = 0; c < m_nodes.size(); ++c)
        chipsOf[size_t(m_nodes[c].site)].append(c);
    auto perRowIn = [](double width) {
        return std::max(1, int((width + kGap) / (kChipWidth + kGap)));
    };
    // The internet band is as tall as its busiest site needs (at most a third of the map).
    int internetRows = 0;
    const double internetWidth = internet.isEmpty() ? 0.0 : area.width() / internet.size();
    for (int s : internet) {
        const int n = int(chipsOf[size_t(s)].size());
        const int perRow = perRowIn(internetWidth - 3 * kGap);
        internetRows = std::max(internetRows, (n + perRow - 1) / perRow);
    }
    const double top =
        internet.isEmpty()
            ? 0.0
            : std::min(area.height() / 3.0,
                       26.0 + std::max(1, internetRows) * (kChipHeight + kGap) + 2 * kGap);
    for (int i = 0; i < internet.size(); ++i)
        m_sites[internet[i]].rect =
            QRectF(area.left() + i * internetWidth, area.top(), internetWidth - kGap, top - kGap);
    const double w = inside.isEmpty() ? area.width() : area.width() / inside.size();
    for (int i = 0; i < inside.size(); ++i)
        m_sites[inside[i]].rect =
            QRectF(area.left() + i * w, area.top() + top, w - kGap, area.height() - top);

    // Nodes: in their site, in request-path order, in rows; more columns when rows run out,
    // and squares without labels when even narrow chips do not fit.
    m_dense = false;
    for (int s = 0; s < m_sites.size(); ++s) {
        QList<int> &chips = chipsOf[size_t(s)];
        std::stable_sort(chips.begin(), chips.end(), [&](int a, int b) {
            return std::tie(m_nodes[a].rank, m_nodes[a].roles) <
                   std::tie(m_nodes[b].rank, m_nodes[b].roles);
        });
        const bool band = m_sites[s].internet;
        const QRectF box = innerBox(s);
        const int n = int(chips.size());
        m_sites[s].dense = false;
        double pitchX = kChipWidth + kGap;
        double pitchY = kChipHeight + kGap + (band ? 0 : kLabelPitch);
        QSizeF chip(kChipWidth, kChipHeight);
        const int maxRows = std::max(1, int((box.height() + kGap) / pitchY));
        // In a datacenter the grid's columns come from how many chips there are, not from the
        // window's size: resizing widens or narrows chips, never reorders them (the internet
        // band, one row as far as it goes, fills its width).
        const int running = int(std::count_if(chips.cbegin(), chips.cend(), [&](int c) {
            return m_nodes[c].latent.isEmpty(); // latent places take rows of their own
        }));
        const int perRow = band ? std::max(perRowIn(box.width()), (n + maxRows - 1) / maxRows)
                                : std::max(1, int(std::ceil(std::sqrt(running / 2.0))));
        const double width =
            std::min(kChipWidth * 1.4, (box.width() - (perRow - 1) * kGap) / perRow);
        int columns = perRow;
        const bool fits = band || (n + perRow - 1) / perRow <= maxRows;
        if ((width >= kNarrowest && fits) || n == 0) {
            chip.setWidth(std::max(width, 1.0));
            pitchX = chip.width() + kGap;
        } else {
            // Dense: square cells as large as the box allows.
            m_dense = m_sites[s].dense = true;
            double cell = std::floor(std::sqrt(box.width() * box.height() / n));
            while (cell > 2.0 &&
                   std::ceil(double(n) / std::max(1.0, std::floor(box.width() / cell))) * cell >
                       box.height())
                cell -= 0.5;
            cell = std::max(cell, 2.0);
            columns = std::max(1, int(box.width() / cell));
            pitchX = pitchY = cell;
            chip = QSizeF(std::max(1.5, cell * 0.78), std::max(1.5, cell * 0.78));
        }
        // Latent places come last, each on a row of its own as wide as the site: what would fail
        // is read in full there.
        int latentRow = -1;
        for (int i = 0; i < n; ++i) {
            QRectF &r = m_nodes[chips[i]].rect;
            if (!m_nodes[chips[i]].latent.isEmpty() && !m_sites[s].dense) {
                if (latentRow < 0)
                    latentRow = (i + columns - 1) / columns;
                r = QRectF(QPointF(box.left(), box.top() + latentRow * pitchY),
                           QSizeF(box.width(), chip.height() * 1.45));
                latentRow += 2;
                continue;
            }
            r = QRectF(
                QPointF(box.left() + (i % columns) * pitchX, box.top() + (i / columns) * pitchY),
                chip);
            const auto placed = manual.constFind(m_nodes[chips[i]].id);
            if (placed != manual.cend()) { // placed by hand: kept where it was put
                r.moveTopLeft(
                    QPointF(std::clamp(box.left() + placed->first * box.width(), box.left(),
                                       std::max(box.left(), box.right() - r.width())),
                            std::clamp(box.top() + placed->second * box.height(), box.top(),
                                       std::max(box.top(), box.bottom() - r.height()))));
            }
        }
    }
    bundle();
}

void MapScene::bundle()
{
    m_bundles.clear();
    const qsizetype siteCount = m_sites.size();
    std::vector<int> between(size_t(siteCount * siteCount));
    for (const MapHop &h : m_hops)
        ++between[size_t(m_nodes[h.from].site * siteCount + m_nodes[h.to].site)];
    // Hops that share both ends' places and their state are drawn as one: in a dense map the
    // places are role rows, between crowded sites the sites; any other hop is a place of its own.
    std::map<std::tuple<int, int, int, int, int, bool, bool, int>, int> bundleOf;
    for (int i = 0; i < m_hops.size(); ++i) {
        const MapHop &h = m_hops[i];
        const MapNode &a = m_nodes[h.from];
        const MapNode &b = m_nodes[h.to];
        const bool crowded =
            a.site != b.site && between[size_t(a.site * siteCount + b.site)] > kBundleAbove;
        const bool alone = !m_dense && !crowded;
        const auto key =
            std::make_tuple(a.site, m_dense ? a.rank : -1, b.site, m_dense ? b.rank : -1,
                            int(h.state()), h.optional, h.disagreeing(), alone ? i : -1);
        auto [it, fresh] = bundleOf.try_emplace(key, int(m_bundles.size()));
        if (fresh) {
            m_bundles.append({{},
                              h.state(),
                              h.optional,
                              a.rect,
                              b.rect,
                              a.site == b.site,
                              m_sites[a.site].internet == m_sites[b.site].internet,
                              h.disagreeing(),
                              {}});
        }
        MapBundle &bundle = m_bundles[it->second];
        bundle.hops.append(i);
        bundle.fromBox |= a.rect;
        bundle.toBox |= b.rect;
    }
    // Broken hops are drawn last, on top of the healthy ones.
    std::stable_sort(
        m_bundles.begin(), m_bundles.end(),
        [](const MapBundle &a, const MapBundle &b) { return int(a.state) < int(b.state); });
}

void MapScene::measure(const QFontMetrics &metrics, const QFontMetrics &small)
{
    for (MapNode &n : m_nodes) {
        if (n.latent.isEmpty() || m_sites[n.site].dense)
            continue;
        // Its two rows' room at most (the layout leaves them), at least the chip it was.
        const QRect needed =
            small.boundingRect(QRect(0, 0, std::max(1, int(n.rect.width() - 10)), 1000),
                               Qt::TextWordWrap, n.roles + u'\n' + n.latent);
        const double room = 2 * (kChipHeight + kGap + kLabelPitch) - kGap;
        n.rect.setHeight(std::clamp(needed.height() + 6.0, n.rect.height(), room));
    }
    for (MapSite &s : m_sites) {
        const QString label = s.label + (s.down ? QStringLiteral("  (down)") : QString());
        const int width = std::max(1, int(s.rect.width() - 20));
        const int lines = std::clamp(
            int(std::ceil(
                double(metrics.boundingRect(QRect(0, 0, width, 1000), Qt::TextWordWrap, label)
                           .height()) /
                metrics.lineSpacing())),
            1, s.internet ? 1 : 2);
        s.titleHeight = 8.0 + lines * metrics.lineSpacing();
    }
    std::vector<QList<int>> chipsOf(size_t(m_sites.size()));
    for (int n = 0; n < m_nodes.size(); ++n)
        chipsOf[size_t(m_nodes[n].site)].append(n);
    for (MapBundle &b : m_bundles) { // once per layout, not per frame
        if ((b.state == VerdictState::Blocked && !b.optional) || b.disagreeing)
            b.marker = markerPoint(b, chipsOf);
    }
}

QRectF MapScene::innerBox(int site) const
{
    return m_sites[site].rect.adjusted(kGap, m_sites[site].internet ? 26 : 48, -kGap, -kGap);
}

// The path of a hop or bundle: straight inside a site; between sites an arc over the chips,
// leaving and entering at the top, so that it never crosses the nodes in between.
QPainterPath MapScene::bundlePath(const MapBundle &b) const
{
    const QRectF &from = b.fromBox;
    const QRectF &to = b.toBox;
    QPainterPath path;
    if (!b.sameRow) {
        // From the internet band down into a site (or back up): an S-curve between the two.
        const bool down = from.center().y() < to.center().y();
        const QPointF p(from.center().x(), down ? from.bottom() : from.top());
        const QPointF q(to.center().x(), down ? to.top() : to.bottom());
        const double middle = (p.y() + q.y()) / 2.0;
        path.moveTo(p);
        path.cubicTo(QPointF(p.x(), middle), QPointF(q.x(), middle), q);
        return path;
    }
    if (b.sameSite) {
        const QPointF p = from.center();
        const QPointF q = to.center();
        const bool horizontal = std::abs(q.x() - p.x()) > std::abs(q.y() - p.y());
        path.moveTo(horizontal ? QPointF(q.x() > p.x() ? from.right() : from.left(), p.y())
                               : QPointF(p.x(), q.y() > p.y() ? from.bottom() : from.top()));
        path.lineTo(horizontal ? QPointF(q.x() > p.x() ? to.left() : to.right(), q.y())
                               : QPointF(q.x(), q.y() > p.y() ? to.top() : to.bottom()));
        return path;
    }
    const QPointF p(from.center().x(), from.top());
    const QPointF q(to.center().x(), to.top());
    const double lift = 18.0 + 0.08 * std::abs(q.x() - p.x());
    const double top = std::min(p.y(), q.y()) - lift;
    path.moveTo(p);
    path.cubicTo(QPointF(p.x(), top), QPointF(q.x(), top), q);
    return path;
}

QPointF MapScene::markerPoint(const MapBundle &b, const std::vector<QList<int>> &chipsOf,
                              double radius) const
{
    const QPainterPath path = bundlePath(b);
    QRectF area;
    for (const MapSite &s : m_sites)
        area = area.united(s.rect);
    auto clear = [&](const QPointF &at) {
        const QRectF box(at.x() - radius, at.y() - radius, 2 * radius, 2 * radius);
        if (!area.contains(box))
            return false;
        for (int s = 0; s < m_sites.size(); ++s) {
            if (!m_sites[s].rect.intersects(box)) // a chip stays inside its site
                continue;
            if (titleBand(m_sites[s]).intersects(box))
                return false;
            for (int n : chipsOf[size_t(s)]) {
                if (m_nodes[n].rect.intersects(box))
                    return false;
            }
        }
        return true;
    };
    // From the middle outwards, both ways, in steps of 2 % of the path.
    for (int step = 0; step <= 22; ++step) {
        for (int side : {1, -1}) {
            const double t = 0.5 + side * 0.02 * step;
            if (t < 0.04 || t > 0.96)
                continue;
            const QPointF at = path.pointAtPercent(t);
            if (clear(at))
                return at;
            if (step == 0)
                break;
        }
    }
    return path.pointAtPercent(0.5); // nowhere clear: the middle, as before
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
    QString text = QString::number(b.hops.size()) + u" hops " + first.report.fromSite + u" -> " +
                   first.report.toSite + (b.optional ? QStringLiteral(" (optional)") : QString()) +
                   u", " + toString(b.state) + u':';
    for (size_t i = 0; i < byCount.size() && i < 4; ++i)
        text += u"\n  " + QString::number(-byCount[i].first) + u" × " + byCount[i].second;
    if (byCount.size() > 4)
        text += u"\n  … and " + QString::number(byCount.size() - 4) + u" other reasons";
    text += u"\n  e.g. " + one(first);
    return text;
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
        const QPainterPath path = bundlePath(m_bundles[b]);
        if (!path.controlPointRect().adjusted(-best, -best, best, best).contains(pos))
            continue;
        // Near the path: sample it (arcs are short enough for 24 pieces).
        QPointF previous = path.pointAtPercent(0.0);
        for (int i = 1; i <= 24; ++i) {
            const QPointF next = path.pointAtPercent(i / 24.0);
            const double d = distanceToSegment(pos, previous, next);
            if (d <= best) {
                best = d;
                found = b;
            }
            previous = next;
        }
    }
    return found;
}

int MapScene::hopBetween(const QString &from, const QString &to) const
{
    const int a = nodeIndex(from);
    const int b = nodeIndex(to);
    for (int h = 0; h < m_hops.size(); ++h) {
        if (m_hops[h].from == a && m_hops[h].to == b)
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
