// The map's lines: each bundle routed through the gaps (map_routing.h), its corners rounded,
// its marker placed on it clear of everything else; and which line is under the pointer.
#include "map_scene.h"

#include "map_metrics.h"
#include "map_routing.h"

#include <QLineF>

#include <cmath>
#include <optional>

namespace warroom {

using namespace mapMetrics;

namespace {

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

} // namespace

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

} // namespace warroom
