#pragma once

#include "core/analysis/analysis.h"
#include "core/replay/node_lives.h"

#include <QFontMetrics>
#include <QHash>
#include <QList>
#include <QPainterPath>
#include <QRectF>
#include <QSet>

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
    double titleHeight = 26.0; // its title's lines (MapScene::measure), which nothing covers
};

struct MapNode
{
    QString id;
    QString roles; // "proxy + app"
    int rank = 0;  // on the request path
    int site = -1;
    bool down = false;
    NodeLife life = NodeLife::Running;
    QString latent; // a place a scaling group may use, and why an instance there would fail
    QRectF rect;

    bool ghost() const { return life == NodeLife::Terminated || !latent.isEmpty(); }
};

// One dependency hop between two drawn nodes.
struct MapHop
{
    int from = -1; // index into nodes()
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
    bool sameRow = false;     // both in the internet band or both in datacenters
    bool disagreeing = false; // probes and rules disagree on these hops
    QPointF marker;           // where its ⊗ or ≠ sits (markerPoint, once per layout)
};

// The map's content and geometry at one moment: sites as regions, nodes inside in request-path
// order, hops in their verdict's state. Many hops between two sites are drawn as a bundle; when
// the nodes are too many for labels (dense), chips become squares and hops are bundled by the
// role rows they join, so that ten thousand nodes draw in a few milliseconds.
class MapScene
{
public:
    void build(const ReachabilityEngine &engine, const NodeMarks &marks);
    // Places sites and chips in `area` (nodes placed by hand keep their place) and bundles hops.
    void layout(const QRectF &area, const QHash<QString, std::pair<double, double>> &manual);

    const QList<MapSite> &sites() const { return m_sites; }
    const QList<MapNode> &nodes() const { return m_nodes; }
    const QList<MapHop> &hops() const { return m_hops; }
    const QList<MapBundle> &bundles() const { return m_bundles; }
    bool dense() const { return m_dense; } // any site is

    int nodeIndex(const QString &id) const { return m_index.value(id, -1); }
    int nodeAt(const QPointF &scenePos) const; // -1: none (ghosts included)
    int bundleAt(const QPointF &scenePos, double tolerance) const;
    QPainterPath bundlePath(const MapBundle &bundle) const;
    // A site's title band, which no marker covers: as many lines as its title needs (a title
    // wraps, up to two lines in a datacenter, above its chips).
    static QRectF titleBand(const MapSite &site)
    {
        return {site.rect.left(), site.rect.top(), site.rect.width(), site.titleHeight};
    }
    // After layout, with the view's fonts: the title bands' heights (`title`), the latent
    // places as tall as what they say (`small`, up to the room left for them); then every
    // bundle's marker is placed clear of them.
    void measure(const QFontMetrics &title, const QFontMetrics &small);
    QString bundleText(const MapBundle &bundle) const;
    QRectF innerBox(int site) const; // where a site's chips go
    // The hop between two nodes, -1 when none is drawn.
    int hopBetween(const QString &from, const QString &to) const;
    // Every node joined to `id` by a hop.
    QSet<int> neighbours(int node) const;

private:
    void bundle();
    // Where a bundle's ⊗ (or ≠) marker sits: on its own path, as near its middle as it can be
    // without covering a chip (`chipsOf` each site's) or a site's title, inside the sites' area.
    QPointF markerPoint(const MapBundle &bundle, const std::vector<QList<int>> &chipsOf,
                        double radius = 9.0) const;

    QList<MapSite> m_sites;
    QList<MapNode> m_nodes;
    QList<MapHop> m_hops;
    QList<MapBundle> m_bundles;
    QHash<QString, int> m_index;
    bool m_dense = false;
};

} // namespace warroom
