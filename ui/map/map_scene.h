#pragma once

#include "core/analysis/analysis.h"
#include "core/replay/node_lives.h"

#include <QFontMetricsF>
#include <QHash>
#include <QList>
#include <QPainterPath>
#include <QPolygonF>
#include <QRectF>
#include <QSet>

#include <array>

namespace warroom {

class ReachabilityEngine;

struct MapSite
{
    QString id;
    QString label;
    bool internet = false;
    bool down = false;
    bool dense = false; // too many chips for labels: squares
    QRectF rect;
    double titleHeight = 26.0; // its title's lines, which nothing covers
    double titleWidth = 0.0;   // > 0: the title is beside the chips (a one-row internet band)
    double rowGap = 28.0;      // between its rows of chips (less when the map is short)
    int columns = 1;           // of its grid of chips
};

// What the map shows of each place: one chip per role in a site (the role view, which reads at
// any size), or one chip per node. A role chip can be expanded into its nodes.
enum class MapLevel
{
    Roles,
    Nodes,
};

struct MapOptions
{
    MapLevel level = MapLevel::Roles;
    QSet<QString> expanded; // role chips shown as their nodes ("dc1/app-pool")
};

// How a role chip's nodes are doing, as its health arc shows them.
enum class Health
{
    InService,
    Failing, // running, but a hop it needs is blocked
    New,
    Draining,
    Down,
};
constexpr int kHealthKinds = 5;

// The fonts the map writes with: sizes of titles, names and small print decide the layout.
struct MapFonts
{
    QFontMetricsF title;
    QFontMetricsF name;
    QFontMetricsF small;
    QFontMetricsF markerLabel;             // what a ⊗ says beside it: small, bold
    static MapFonts of(const QFont &base); // the map's fonts from its widget's font
};

struct MapNode
{
    QString id;    // a node's id; "dc1/app-pool" for a role chip; "app-pool@dc3" for a latent place
    QString label; // what the chip is called: the node's id, the role's name
    QString roles; // "proxy + app"
    int rank = 0;  // on the request path
    int site = -1;
    bool down = false;
    NodeLife life = NodeLife::Running;
    QString latent; // a place a scaling group may use, and why an instance there would fail
    QRectF rect;
    QStringList members;                    // a role chip's nodes; empty for a node's chip
    std::array<int, kHealthKinds> health{}; // a role chip's nodes by Health
    QString roleChip;     // a node's: the role chip it is in, or is expanded from ("dc1/app-pool")
    bool failing = false; // a node's: it runs, but a hop it needs is blocked
    int replicas = 0;     // a role chip's nodes that are replicas, not the primary, of their role

    bool role() const { return !members.isEmpty(); }
    bool ghost() const { return life == NodeLife::Terminated || !latent.isEmpty(); }
};

// One dependency hop between two drawn nodes.
struct MapHop
{
    int from = -1; // index into nodes(): the chips of its two ends
    int to = -1;
    bool optional = false;
    EdgeReport report; // its text is built only when someone hovers it

    VerdictState state() const { return report.verdict.state; }
    // A probe saw it otherwise than the rules say.
    bool disagreeing() const { return report.verdict.provenance == Provenance::Disagreeing; }
};

// What is drawn for hops: one hop, or many hops between the same places in the same state.
struct MapBundle
{
    QList<int> hops; // indices into hops()
    VerdictState state = VerdictState::Reachable;
    bool optional = false;
    QRectF fromBox; // the chip, or the box around the chips the hops leave from
    QRectF toBox;
    bool sameSite = false;
    bool sameRow = false;        // both in the internet band or both in datacenters
    bool disagreeing = false;    // probes and rules disagree on these hops
    std::array<int, 4> counts{}; // its hops by VerdictState; `state` is the worst of them
    QPolygonF route;             // its corners, from the border of one end to the other's
    QPointF marker;              // where its ⊗ or ≠ sits (markerPoint, once per layout)
    QRectF markerLabel;          // where markerText() is written beside it (null: none)
};

// The map's content and geometry at one moment: sites as regions, chips inside in rows by their
// place on the request path (ordered to cut crossings), hops in their verdict's state, routed
// through the gaps. In the role view the hops between two role chips are one line in the worst
// state with a count per state; in the node view many hops between two sites are drawn as a
// bundle, and when nodes are too many for labels (dense), chips become squares and hops are
// bundled by the role rows they join, so that ten thousand nodes draw in a few milliseconds.
class MapScene
{
public:
    void build(const ReachabilityEngine &engine, const NodeMarks &marks,
               const MapOptions &options = {});
    // Places sites and chips in `area` (nodes placed by hand keep their place), bundles hops and
    // routes them.
    void layout(const QRectF &area, const QHash<QString, std::pair<double, double>> &manual,
                const MapFonts &fonts = MapFonts::of({}));
    MapLevel level() const { return m_level; }

    const QList<MapSite> &sites() const { return m_sites; }
    const QList<MapNode> &nodes() const { return m_nodes; }
    const QList<MapHop> &hops() const { return m_hops; }
    const QList<MapBundle> &bundles() const { return m_bundles; }
    bool dense() const { return m_dense; } // any site is

    // The chip of a chip's id or of a node's id (in the role view, the chip the node is in).
    int nodeIndex(const QString &id) const;
    int nodeAt(const QPointF &scenePos) const; // -1: none (ghosts included)
    int bundleAt(const QPointF &scenePos, double tolerance) const;
    QPainterPath bundlePath(const MapBundle &bundle) const;
    // A site's title band, which no marker covers: as many lines as its title needs (a title
    // wraps, up to two lines in a datacenter, above its chips).
    static QRectF titleBand(const MapSite &site)
    {
        return {site.rect.left(), site.rect.top(),
                site.titleWidth > 0 ? site.titleWidth : site.rect.width(), site.titleHeight};
    }
    QString bundleText(const MapBundle &bundle) const;
    // What a blocked bundle's marker says beside it: the rule, or "no route" ("" when mixed).
    QString markerText(const MapBundle &bundle) const;
    int crossings() const { return m_crossings; } // where drawn hops cross each other
    QRectF innerBox(int site) const;              // where a site's chips go
    // The hop between two nodes (their ids), -1 when there is none.
    int hopBetween(const QString &from, const QString &to) const;
    // Every node joined to `id` by a hop.
    QSet<int> neighbours(int node) const;

private:
    double bandHeight(const QRectF &area, const std::vector<QList<int>> &chipsOf) const;
    void chooseColumns(const QRectF &area, const std::vector<QList<int>> &chipsOf,
                       const MapFonts &fonts);
    void placeSites(const QRectF &area, const MapFonts &fonts,
                    const std::vector<QList<int>> &chipsOf);
    void placeChips(int site, QList<int> chips, const MapFonts &fonts,
                    const QHash<QString, std::pair<double, double>> &manual);
    void orderRows(std::vector<QList<int>> &chipsOf) const;
    void bundle();
    void route(const QRectF &area, const MapFonts &fonts);
    // Where a bundle's ⊗ (or ≠) marker sits, and its label of `label`'s size: on its own route,
    // as near its middle as it can be without covering `walls` (chips, titles) or another marker
    // or label (`taken`), inside the map.
    std::pair<QPointF, QRectF> markerPoint(const MapBundle &bundle, const QRectF &area,
                                           const QSizeF &label, const QList<QRectF> &walls,
                                           const QList<QRectF> &taken) const;

    QList<MapSite> m_sites;
    QList<MapNode> m_nodes;
    QList<MapHop> m_hops;
    QList<MapBundle> m_bundles;
    QHash<QString, int> m_index;               // chips by id
    mutable QHash<QString, int> m_memberIndex; // role chips by their nodes' ids (when asked)
    mutable bool m_memberIndexed = false;
    QHash<QString, int> m_ranks;            // roles' places on the request path (roleRanks)
    size_t m_ranksOf = 0;                   // ... for these dependencies (hashed)
    std::vector<std::vector<int>> m_linked; // chips joined by a hop, both ways
    bool m_dense = false;
    MapLevel m_level = MapLevel::Roles;
    int m_crossings = 0;
    double m_corridor = 0.0;   // above the datacenters, under the internet band
    bool m_bandInline = false; // the internet band: one row with its title beside the chips
    double m_lane = 0.0;       // below the datacenters
    // Routes stay while the geometry does: a verdict's change does not route again.
    size_t m_routedGeometry = 0;
    size_t m_routedEnds = 0;           // a hash of every bundle's ends, crossable chips and sites
    QHash<size_t, QPolygonF> m_routes; // by a bundle's ends, before shared tracks are spread
};

} // namespace warroom
