#include "map_routing.h"

#include <QLineF>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <queue>

namespace warroom {

namespace {

constexpr double kBendCost = 24.0;  // a bend costs as much as this many pixels of track
constexpr double kCrossCost = 60.0; // and crossing a route laid before, as much as this
constexpr double kSameLine = 2.5;   // tracks closer than this are one

// The grid's lines: every line of `kept` (the ends' middles, where routes start), and those of
// `lines` not within kSameLine of one already there.
std::vector<double> tracks(std::vector<double> kept, std::vector<double> lines, double low,
                           double high)
{
    std::vector<double> out;
    std::sort(kept.begin(), kept.end());
    kept.erase(std::unique(kept.begin(), kept.end()), kept.end());
    std::sort(lines.begin(), lines.end());
    for (double v : lines) {
        if (v < low || v > high)
            continue;
        const auto near = std::lower_bound(kept.begin(), kept.end(), v - kSameLine);
        if (near != kept.end() && *near <= v + kSameLine)
            continue; // an end's middle is there
        if (out.empty() || v - out.back() >= kSameLine)
            out.push_back(v);
    }
    for (double v : kept) {
        if (v >= low && v <= high)
            out.push_back(v);
    }
    std::sort(out.begin(), out.end());
    return out;
}

int nearest(const std::vector<double> &lines, double v)
{
    const auto it = std::lower_bound(lines.begin(), lines.end(), v);
    if (it == lines.end())
        return int(lines.size()) - 1;
    if (it == lines.begin())
        return 0;
    return (*it - v) < (v - *(it - 1)) ? int(it - lines.begin()) : int(it - lines.begin()) - 1;
}

// Where the segment from `inside` to `outside` leaves `box`.
QPointF exitPoint(const QRectF &box, const QPointF &inside, const QPointF &outside)
{
    if (inside.y() == outside.y())
        return {std::clamp(outside.x() > inside.x() ? box.right() : box.left(),
                           std::min(inside.x(), outside.x()), std::max(inside.x(), outside.x())),
                inside.y()};
    return {inside.x(),
            std::clamp(outside.y() > inside.y() ? box.bottom() : box.top(),
                       std::min(inside.y(), outside.y()), std::max(inside.y(), outside.y()))};
}

bool within(const QRectF &box, const QPointF &p)
{
    return p.x() > box.left() && p.x() < box.right() && p.y() > box.top() && p.y() < box.bottom();
}

// The route's corners only: repeated points and points in the middle of a straight run go.
QPolygonF cornersOnly(const QPolygonF &points)
{
    QPolygonF out;
    for (const QPointF &p : points) {
        if (!out.isEmpty() && QLineF(out.last(), p).length() < 0.01)
            continue;
        if (out.size() >= 2) {
            const QPointF a = out[out.size() - 2];
            const QPointF b = out.last();
            const bool vertical = std::abs(a.x() - b.x()) < 0.01 && std::abs(b.x() - p.x()) < 0.01;
            const bool horizontal =
                std::abs(a.y() - b.y()) < 0.01 && std::abs(b.y() - p.y()) < 0.01;
            if (vertical || horizontal)
                out.last() = p;
            else
                out.append(p);
            continue;
        }
        out.append(p);
    }
    return out;
}

struct Segment
{
    int route = 0;
    int index = 0; // its first point in the route
    bool horizontal = true;
    double at = 0.0; // y of a horizontal segment, x of a vertical one
    double low = 0.0, high = 0.0;
};

std::vector<Segment> segmentsOf(const QList<QPolygonF> &routes)
{
    std::vector<Segment> out;
    for (int r = 0; r < routes.size(); ++r) {
        const QPolygonF &route = routes[r];
        for (int i = 0; i + 1 < route.size(); ++i) {
            const QPointF a = route[i];
            const QPointF b = route[i + 1];
            const bool horizontal = std::abs(a.y() - b.y()) < 0.01;
            if (!horizontal && std::abs(a.x() - b.x()) >= 0.01)
                continue; // not orthogonal (a fallback straight line): not on a track
            out.push_back({r, i, horizontal, horizontal ? a.y() : a.x(),
                           horizontal ? std::min(a.x(), b.x()) : std::min(a.y(), b.y()),
                           horizontal ? std::max(a.x(), b.x()) : std::max(a.y(), b.y())});
        }
    }
    return out;
}

} // namespace

Router::Router(const RoutingProblem &problem)
    : m_chipCount(int(problem.chips.size()))
    , m_siteCount(int(problem.sites.size()))
{
    std::vector<double> middleXs, middleYs;
    for (const QList<QRectF> *ends : {&problem.chips, &problem.ports}) {
        for (const QRectF &r : *ends) {
            middleXs.push_back(r.center().x());
            middleYs.push_back(r.center().y());
        }
    }
    m_xs = tracks(std::move(middleXs), {problem.xs.cbegin(), problem.xs.cend()},
                  problem.area.left(), problem.area.right());
    m_ys = tracks(std::move(middleYs), {problem.ys.cbegin(), problem.ys.cend()}, problem.area.top(),
                  problem.area.bottom());
    const size_t vertices = m_xs.size() * m_ys.size();
    m_stepRight.assign(vertices, {});
    m_stepDown.assign(vertices, {});
    m_used.assign(vertices, 0);
    auto wall = [this](const QRectF &w, int id) {
        // Grid lines strictly inside the wall's span, and steps that overlap it.
        const auto firstIn = [](const std::vector<double> &lines, double low) {
            return int(std::upper_bound(lines.begin(), lines.end(), low) - lines.begin());
        };
        const auto lastIn = [](const std::vector<double> &lines, double high) {
            return int(std::lower_bound(lines.begin(), lines.end(), high) - lines.begin()) - 1;
        };
        const int nx = int(m_xs.size());
        const int ny = int(m_ys.size());
        // Horizontal steps at ys inside (top, bottom) whose span overlaps (left, right).
        for (int iy = firstIn(m_ys, w.top()); iy <= lastIn(m_ys, w.bottom()); ++iy) {
            for (int ix = std::max(0, firstIn(m_xs, w.left()) - 1);
                 ix + 1 < nx && m_xs[size_t(ix)] < w.right(); ++ix)
                m_stepRight[size_t(vertex(ix, iy))].push_back(id);
        }
        for (int ix = firstIn(m_xs, w.left()); ix <= lastIn(m_xs, w.right()); ++ix) {
            for (int iy = std::max(0, firstIn(m_ys, w.top()) - 1);
                 iy + 1 < ny && m_ys[size_t(iy)] < w.bottom(); ++iy)
                m_stepDown[size_t(vertex(ix, iy))].push_back(id);
        }
    };
    int id = 0;
    for (const QRectF &c : problem.chips)
        wall(c.adjusted(-1, -1, 1, 1), id++);
    for (const QRectF &s : problem.sites)
        wall(s, id++);
    for (const QRectF &t : problem.titles)
        wall(t, id++);
}

bool Router::passable(const std::vector<int> &walls, const RouteEnds &ends) const
{
    for (int w : walls) {
        if (w < m_chipCount) {
            if (!ends.chips.contains(w))
                return false;
        } else if (w < m_chipCount + m_siteCount) {
            const int site = w - m_chipCount;
            if (site != ends.fromSite && site != ends.toSite)
                return false;
        } else {
            return false; // a title
        }
    }
    return true;
}

QPolygonF Router::route(const RouteEnds &ends)
{
    if (m_xs.empty() || m_ys.empty())
        return {};
    const int nx = int(m_xs.size());
    const int ny = int(m_ys.size());
    const int start =
        vertex(nearest(m_xs, ends.from.center().x()), nearest(m_ys, ends.from.center().y()));
    const int goal =
        vertex(nearest(m_xs, ends.to.center().x()), nearest(m_ys, ends.to.center().y()));
    // Dijkstra over (vertex, the direction it was entered by): right, left, down, up.
    const size_t states = size_t(nx) * size_t(ny) * 4;
    std::vector<double> cost(states, std::numeric_limits<double>::infinity());
    std::vector<int> previous(states, -1);
    using Item = std::pair<double, int>;
    std::priority_queue<Item, std::vector<Item>, std::greater<>> open;
    for (int d = 0; d < 4; ++d) {
        cost[size_t(start * 4 + d)] = 0.0;
        open.push({0.0, start * 4 + d});
    }
    int reached = -1;
    while (!open.empty()) {
        const auto [c, state] = open.top();
        open.pop();
        if (c > cost[size_t(state)])
            continue;
        const int v = state / 4;
        const int entered = state % 4;
        if (v == goal) {
            reached = state;
            break;
        }
        const int ix = v % nx;
        const int iy = v / nx;
        for (int d = 0; d < 4; ++d) {
            if ((d ^ 1) == entered && v != start)
                continue; // no turning back
            int next = -1;
            const std::vector<int> *walls = nullptr;
            if (d == 0 && ix + 1 < nx) {
                next = vertex(ix + 1, iy);
                walls = &m_stepRight[size_t(v)];
            } else if (d == 1 && ix > 0) {
                next = vertex(ix - 1, iy);
                walls = &m_stepRight[size_t(next)];
            } else if (d == 2 && iy + 1 < ny) {
                next = vertex(ix, iy + 1);
                walls = &m_stepDown[size_t(v)];
            } else if (d == 3 && iy > 0) {
                next = vertex(ix, iy - 1);
                walls = &m_stepDown[size_t(next)];
            }
            if (next < 0 || !passable(*walls, ends))
                continue;
            const double length = d < 2 ? std::abs(m_xs[size_t(next % nx)] - m_xs[size_t(ix)])
                                        : std::abs(m_ys[size_t(next / nx)] - m_ys[size_t(iy)]);
            const double bend = (v != start && d != entered) ? kBendCost : 0.0;
            const unsigned char across = d < 2 ? 2 : 1; // a route laid the other way there
            const double cross = next != goal && (m_used[size_t(next)] & across) ? kCrossCost : 0.0;
            const double total = c + length + bend + cross;
            const size_t to = size_t(next * 4 + d);
            if (total < cost[to]) {
                cost[to] = total;
                previous[to] = state;
                open.push({total, int(to)});
            }
        }
    }
    if (reached < 0)
        return {};
    QPolygonF points;
    for (int s = reached; s >= 0; s = previous[size_t(s)]) {
        const int v = s / 4;
        const QPointF p(m_xs[size_t(v % nx)], m_ys[size_t(v / nx)]);
        if (points.isEmpty() || points.last() != p)
            points.append(p);
    }
    std::reverse(points.begin(), points.end());
    for (int i = 0; i + 1 < points.size(); ++i) { // laid: later routes avoid crossing it
        const unsigned char way = points[i].y() == points[i + 1].y() ? 1 : 2;
        for (int k : {i, i + 1})
            m_used[size_t(vertex(nearest(m_xs, points[k].x()), nearest(m_ys, points[k].y())))] |=
                way;
    }
    // Corners only: drop the points in the middle of straight runs.
    QPolygonF corners;
    for (int i = 0; i < points.size(); ++i) {
        if (i > 0 && i + 1 < points.size()) {
            const QPointF a = points[i - 1], b = points[i], c = points[i + 1];
            if ((a.x() == b.x() && b.x() == c.x()) || (a.y() == b.y() && b.y() == c.y()))
                continue;
        }
        corners.append(points[i]);
    }
    // From the border of one box to the border of the other.
    int first = 0;
    while (first + 1 < corners.size() && within(ends.from, corners[first + 1]))
        ++first;
    int last = int(corners.size()) - 1;
    while (last - 1 > first && within(ends.to, corners[last - 1]))
        --last;
    if (last <= first)
        return {};
    QPolygonF out;
    out.append(within(ends.from, corners[first])
                   ? exitPoint(ends.from, corners[first], corners[first + 1])
                   : corners[first]);
    for (int i = first + 1; i < last; ++i)
        out.append(corners[i]);
    out.append(within(ends.to, corners[last]) ? exitPoint(ends.to, corners[last], corners[last - 1])
                                              : corners[last]);
    return cornersOnly(out);
}

void spreadSharedTracks(QList<QPolygonF> &routes, double spacing, const QList<QRectF> &walls)
{
    for (QPolygonF &route : routes) // each segment then turns at both its ends
        route = cornersOnly(route);
    std::vector<Segment> segments = segmentsOf(routes);
    // Segments on one line (or on lines too close to tell apart) that overlap take tracks side
    // by side, centred on their line.
    std::vector<size_t> order(segments.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
        return std::tie(segments[a].horizontal, segments[a].at) <
               std::tie(segments[b].horizontal, segments[b].at);
    });
    std::vector<std::vector<size_t>> byLine;
    for (size_t k = 0; k < order.size(); ++k) {
        const Segment &s = segments[order[k]];
        const bool apart = k == 0 || segments[order[k - 1]].horizontal != s.horizontal ||
                           s.at - segments[order[k - 1]].at >= kSameLine;
        if (apart)
            byLine.emplace_back();
        byLine.back().push_back(order[k]);
    }
    std::vector<double> offset(segments.size(), 0.0);
    for (std::vector<size_t> &members : byLine) {
        if (members.size() < 2)
            continue;
        double line = 0.0; // where the group's tracks are centred
        for (size_t m : members)
            line += segments[m].at;
        line /= double(members.size());
        // Tracks in the order of where the routes come from and go to across the line (those
        // that turn up at both ends on top), so that leaving the line they do not cross.
        auto across = [&](const Segment &s) {
            const QPolygonF &route = routes[s.route];
            const QPointF before = route[std::max(0, s.index - 1)];
            const QPointF after = route[std::min(int(route.size()) - 1, s.index + 2)];
            return s.horizontal ? before.y() + after.y() : before.x() + after.x();
        };
        std::vector<double> key(members.size());
        for (size_t m = 0; m < members.size(); ++m)
            key[m] = across(segments[members[m]]);
        std::vector<size_t> byKey(members.size());
        std::iota(byKey.begin(), byKey.end(), 0);
        std::stable_sort(byKey.begin(), byKey.end(),
                         [&](size_t a, size_t b) { return key[a] < key[b]; });
        // Each takes the first track free along its stretch.
        std::vector<std::vector<std::pair<double, double>>> taken;
        std::vector<int> track(members.size());
        for (size_t m : byKey) {
            const Segment &s = segments[members[m]];
            size_t t = 0;
            for (; t < taken.size(); ++t) {
                bool free = true;
                for (const auto &[low, high] : taken[t])
                    free = free && (s.high <= low + 0.5 || s.low >= high - 0.5);
                if (free)
                    break;
            }
            if (t == taken.size())
                taken.emplace_back();
            taken[t].emplace_back(s.low, s.high);
            track[m] = int(t);
        }
        const int trackCount = int(taken.size());
        // The room on either side of the line, along the stretch the segments share.
        double room = 1e9;
        for (size_t m : members) {
            const Segment &s = segments[m];
            for (const QRectF &w : walls) {
                const double wLow = s.horizontal ? w.left() : w.top();
                const double wHigh = s.horizontal ? w.right() : w.bottom();
                if (wHigh <= s.low + 1 || wLow >= s.high - 1)
                    continue;
                const double near = s.horizontal ? w.top() : w.left();
                const double far = s.horizontal ? w.bottom() : w.right();
                if (s.at <= near)
                    room = std::min(room, near - s.at);
                else if (s.at >= far)
                    room = std::min(room, s.at - far);
            }
        }
        const double middle = (trackCount - 1.0) / 2.0;
        const double step = middle > 0 ? std::clamp((room - 2.0) / middle, 0.0, spacing) : spacing;
        for (size_t m = 0; m < members.size(); ++m)
            offset[members[m]] = line + (track[m] - middle) * step - segments[members[m]].at;
    }
    // Each point moves with the segments it joins.
    std::vector<std::vector<int>> segmentAt;
    for (const QPolygonF &route : routes)
        segmentAt.emplace_back(size_t(route.size()), -1);
    for (size_t s = 0; s < segments.size(); ++s)
        segmentAt[size_t(segments[s].route)][size_t(segments[s].index)] = int(s);
    for (int r = 0; r < routes.size(); ++r) {
        QPolygonF moved = routes[r];
        for (int i = 0; i + 1 < routes[r].size(); ++i) {
            const int s = segmentAt[size_t(r)][size_t(i)];
            if (s < 0 || offset[size_t(s)] == 0.0)
                continue;
            const QPointF shift = segments[size_t(s)].horizontal ? QPointF(0, offset[size_t(s)])
                                                                 : QPointF(offset[size_t(s)], 0);
            // A segment's shift moves both its ends across it.
            for (int end : {i, i + 1}) {
                if (segments[size_t(s)].horizontal)
                    moved[end].setY(routes[r][end].y() + shift.y());
                else
                    moved[end].setX(routes[r][end].x() + shift.x());
            }
        }
        routes[r] = moved;
    }
}

int countCrossings(const QList<QPolygonF> &routes)
{
    const std::vector<Segment> segments = segmentsOf(routes);
    int crossings = 0;
    for (size_t a = 0; a < segments.size(); ++a) {
        if (!segments[a].horizontal)
            continue;
        for (const Segment &v : segments) {
            if (v.horizontal || v.route == segments[a].route)
                continue;
            const Segment &h = segments[a];
            if (v.at > h.low + 0.5 && v.at < h.high - 0.5 && h.at > v.low + 0.5 &&
                h.at < v.high - 0.5)
                ++crossings;
        }
    }
    return crossings;
}

} // namespace warroom
