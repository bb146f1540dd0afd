#pragma once

#include "map_scene.h"

#include "core/replay/node_figures.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QTimer>
#include <QWidget>

namespace warroom {

class ReachabilityEngine;

// The topology at the cursor: sites as regions, nodes inside grouped by role, every
// dependency hop drawn in its verdict's colour and style (the legend shows exactly these).
// Hovering a hop shows why it is what it is. Launches and terminations animate briefly.
class MapView : public QWidget
{
    Q_OBJECT

public:
    explicit MapView(QWidget *parent = nullptr);

    // The state to draw; `marks` says which nodes are new, draining or just terminated.
    // With `animate`, nodes that came or went since the last state animate briefly.
    void setState(const ReachabilityEngine &engine, const NodeMarks &marks = {},
                  bool animate = false);
    const MapScene &scene() const { return m_scene; }
    // Roles (one chip per role in a site, the default) or nodes; a role chip expanded shows its
    // nodes. A change asks for the state again (optionsChanged): the view keeps no engine.
    void setLevel(MapLevel level);
    MapLevel level() const { return m_options.level; }
    void setExpanded(const QString &chip, bool expanded);
    bool expanded(const QString &chip) const { return m_options.expanded.contains(chip); }
    // Expands a role chip, or folds back the role chip a node was expanded from.
    void toggleExpanded(const QString &id);
    // The nodes a chip stands for: a role chip's members, or the node itself.
    QStringList nodesOf(const QString &id) const;
    // Each node's figures at the cursor (from the recording's samples): a badge on its chip
    // says its errors per second when it fails, its CPU otherwise.
    void setFigures(MapFigures figures);
    QString badgeText(const QString &chip) const;      // as drawn, empty when none
    QString chipLabel(const MapNode &node) const;      // its name as drawn (cut in the middle)
    QString edgeTextAt(const QPointF &scenePos) const; // empty when no hop is near
    // What a post-mortem entry says of the node or hop there ("lb-1 (load_balancer): down").
    QString describeAt(const QPointF &scenePos) const;
    // The drawn state of the hop between two nodes ("blocked"), empty when none is drawn.
    QString hopState(const QString &from, const QString &to) const;
    QColor hopColor(const QString &from, const QString &to) const;
    // "group@site: why" for every place where a new instance would fail, as drawn.
    QStringList latentPlaces() const;
    // Selecting a node (a click) highlights what it needs and what needs it.
    void selectNode(const QString &id);
    const QString &selectedNode() const { return m_selected; }
    bool highlighted(const QString &id) const; // the selection or one of its neighbours
    // Nodes whose hops differ in a compared run: their chips outlined (empty: none).
    void setCompared(const QSet<QString> &nodes);
    bool compared(const MapNode &chip) const;
    QRectF nodeRect(const QString &id) const;
    // Nodes whose launch or termination is being animated now.
    QStringList animating() const;
    // What the map says in its middle while it has nothing to draw (no topology yet, or a
    // damaged one); empty: nothing.
    void setEmptyNote(const QString &note);
    const QString &emptyNote() const { return m_emptyNote; }

    QSize sizeHint() const override { return {760, 520}; }
    // Writes the map as drawn now: PNG, or SVG when the name ends in .svg.
    bool exportTo(const QString &path);

    // Nodes placed by hand: id -> top-left as fractions of their site's box (from a recording).
    void setManualLayout(const QHash<QString, std::pair<double, double>> &layout);
    // Zoom (wheel, around the pointer), pan (drag on empty ground), fit (double click).
    void fit();
    void panBy(const QPointF &delta);
    double zoom() const { return m_zoom; }
    QPointF toScene(const QPointF &widget) const; // node rects are in scene coordinates
    QPointF toWidget(const QPointF &scene) const;
    // What is drawn where, in widget coordinates, for scripts and tests (docs/war-room.md):
    // chips with their rect, the label shown and whether it is elided; hops with their
    // endpoints, state and polyline; site titles with their rect.
    QJsonObject geometryJson() const;

Q_SIGNALS:
    void nodeSelected(const QString &id);                  // empty: nothing selected
    void nodeMoved(const QString &id, double x, double y); // dragged: fractions of its site's box
    // "Add to the post-mortem" on a node or a hop: what it is now, as one line.
    void timelineEntryRequested(const QString &text);
    void optionsChanged(); // the level or an expansion: call setState again

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool event(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void contextMenuEvent(QContextMenuEvent *event) override;
    // The keyboard: type a node's name to select it, arrows to the nearest node that way.
    void keyPressEvent(QKeyEvent *event) override;
    void focusInEvent(QFocusEvent *event) override;
    void focusOutEvent(QFocusEvent *event) override;

private:
    // A launch (a ring spreading from the chip) or a termination (the chip fading out).
    struct Animation
    {
        QString id;
        bool launch = true;
        QRectF rect;
        qint64 startMs = 0;
    };

    void relayout();
    QFont nameFont() const; // chips' names: the same size on screen at any zoom
    void paintSites(QPainter &painter) const;
    // Each modelled link between its two sites: how full it is, what it loses, its latency
    // (map_links.cpp).
    void paintLinkGauges(QPainter &painter) const;
    void paintBundles(QPainter &painter) const;
    void paintChips(QPainter &painter, const QRectF &visible) const;
    void paintDenseChips(QPainter &painter, const QRectF &visible) const;
    void paintAnimations(QPainter &painter);
    void paintLegend(QPainter &painter, const QRectF &area) const;
    // The legend's two rows in `font`; returns where the wider one ends.
    double paintLegendRows(QPainter &painter, const QRectF &area, const QFont &font) const;
    void startAnimations(const QHash<QString, QRectF> &before);

    void paintRoleChip(QPainter &painter, const MapNode &node, bool selected) const;
    void drawBadge(QPainter &painter, const MapNode &node) const;
    QString roleDetail(const MapNode &node) const;   // "5 nodes, 1 failing" or its one node
    QString figuresBadge(const QString &chip) const; // a badge from the figures

    MapScene m_scene;
    MapOptions m_options;
    bool m_optionsChanged = false; // the next state is another level: nothing animates
    QString m_selected;            // a chip's id
    QSet<int> m_neighbours;        // of the selection, as node indices
    QSet<QString> m_compared;      // nodes whose hops differ in a compared run
    QString m_emptyNote;
    QHash<QString, std::pair<double, double>> m_manual;
    QString m_pressed; // the chip under the button
    QPointF m_pressAt;
    QPointF m_grab; // where in the chip it was taken
    bool m_dragging = false;
    double m_zoom = 1.0;
    QPointF m_pan;
    QPointF m_panOrigin;
    QList<Animation> m_animations;
    QElapsedTimer m_clock;
    QTimer m_frames;                           // runs only while something animates
    QHash<QString, NodeFigures> m_figures;     // at the cursor, for the badges
    QHash<QString, LinkFigures> m_linkFigures; // at the cursor, for the links' gauges
    struct LinkEnds
    {
        QString id;
        QString siteA;
        QString siteB;
        ElementState state;
    };
    QList<LinkEnds> m_links;
    mutable QHash<QString, QString> m_badges; // badgeText's, until the figures or state change
    QString m_typed;                          // a node's name being typed
    QElapsedTimer m_sinceTyped;
};

} // namespace warroom
