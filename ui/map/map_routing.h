#pragma once

#include <QList>
#include <QPolygonF>
#include <QRectF>

#include <vector>

namespace warroom {

// What hops are routed around: chips, site regions and site titles. A hop may pass through
// its own two chips and its own two sites; titles and every other chip or site are walls.
struct RoutingProblem
{
    QRectF area;          // routes stay inside
    QList<QRectF> chips;  // walls, and each chip's middle lines are tracks (its ends' ports)
    QList<QRectF> sites;  // walls for hops between other sites
    QList<QRectF> titles; // walls for every hop
    QList<QRectF> ports;  // ends that are not chips (a dense map's rows): their middle lines
    QList<double> xs, ys; // the tracks: the middles of the gaps between chips and sites
};

// One hop to route, from the middle of one box to the middle of another.
struct RouteEnds
{
    QRectF from, to;
    QList<int> chips;               // the chips it joins (indices into chips): not walls to it
    int fromSite = -1, toSite = -1; // indices into sites
};

// Orthogonal routes through the gaps between chips and sites (as ELK's and yEd's channel
// routing do): a grid of tracks through the gaps, and the shortest path on it with a price on
// every bend and on every crossing of a route laid before (Dijkstra). Built once per layout;
// each route then costs one search.
class Router
{
public:
    explicit Router(const RoutingProblem &problem);
    // From the edge of `from` to the edge of `to`: corner points, the first on `from`'s border,
    // the last on `to`'s. Empty when no way is clear (the caller draws a straight line).
    // Routes are laid one after another: lay the most important first.
    QPolygonF route(const RouteEnds &ends);

private:
    int vertex(int ix, int iy) const { return iy * int(m_xs.size()) + ix; }
    bool passable(const std::vector<int> &walls, const RouteEnds &ends) const;

    std::vector<double> m_xs, m_ys;
    int m_chipCount = 0;
    int m_siteCount = 0;
    // The walls each grid step crosses (wall ids: chips, then sites, then titles).
    std::vector<std::vector<int>> m_stepRight; // from (ix, iy) to (ix + 1, iy)
    std::vector<std::vector<int>> m_stepDown;  // from (ix, iy) to (ix, iy + 1)
    std::vector<unsigned char> m_used;         // routes laid through each point: 1 across, 2 down
};

// Routes that share a track are spread apart, `spacing` pixels between neighbours (less when
// the gap is narrow: never onto one of `walls`), so that each stays visible and can be followed.
void spreadSharedTracks(QList<QPolygonF> &routes, double spacing, const QList<QRectF> &walls);

// Where two different routes cross each other (their ends excluded).
int countCrossings(const QList<QPolygonF> &routes);

} // namespace warroom
