#pragma once

#include "core/analysis/verdict.h"

#include <QHash>
#include <QPainterPath>
#include <QSet>
#include <QWidget>

namespace warroom {

class ReachabilityEngine;

// The topology at the cursor: sites as regions, nodes inside grouped by role, every
// dependency hop drawn in its verdict's colour and style (the legend shows exactly these).
// Hovering a hop shows why it is what it is.
class MapView : public QWidget
{
    Q_OBJECT

public:
    explicit MapView(QWidget *parent = nullptr);

    // The state to draw; nodes in `recent` (launched a short while ago) are highlighted.
    void setState(const ReachabilityEngine &engine, const QSet<QString> &recent = {});
    QString edgeTextAt(const QPointF &scenePos) const; // empty when no hop is near
    // The drawn state of the hop between two nodes ("blocked"), empty when none is drawn.
    QString hopState(const QString &from, const QString &to) const;
    // "group@site: why" for every place where a new instance would fail, as drawn.
    QStringList latentPlaces() const;
    // Selecting a node (a click) highlights what it needs and what needs it.
    void selectNode(const QString &id);
    const QString &selectedNode() const { return m_selected; }
    bool highlighted(const QString &id) const; // the selection or one of its neighbours
    QRectF nodeRect(const QString &id) const;

    QColor hopColor(const QString &from, const QString &to) const;
    QSize sizeHint() const override { return {760, 520}; }
    // Writes the map as drawn now: PNG, or SVG when the name ends in .svg.
    bool exportTo(const QString &path);

    // Nodes placed by hand: id -> top-left as fractions of their site's box (from a recording).
    void setManualLayout(const QHash<QString, std::pair<double, double>> &layout);
    // Zoom (wheel, around the pointer), pan (drag on empty ground), fit (double click).
    void fit();
    double zoom() const { return m_zoom; }
    QPointF toScene(const QPointF &widget) const; // node rects are in scene coordinates

Q_SIGNALS:
    void nodeSelected(const QString &id);                  // empty: nothing selected
    void nodeMoved(const QString &id, double x, double y); // dragged: fractions of its site's box

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    bool event(QEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;

private:
    struct SiteBox
    {
        QString id;
        QString label;
        bool internet = false;
        bool down = false;
        QRectF rect;
    };
    struct NodeChip
    {
        QString id;
        QString roles;
        int rank = 0; // on the request path
        int site = -1;
        bool down = false;
        bool isNew = false;
        QString latent; // a place a scaling group may use, and why an instance there would fail
        QRectF rect;
    };
    struct Hop
    {
        int from = -1;
        int to = -1;
        VerdictState state = VerdictState::Reachable;
        bool optional = false;
        QString text;
    };

    void layout();
    QRectF innerBox(int site) const; // where a site's chips go
    QPainterPath hopPathOf(const Hop &hop) const;
    void paintLegend(QPainter &painter, const QRectF &area) const;

    QList<SiteBox> m_sites;
    QList<NodeChip> m_nodes;
    QList<Hop> m_hops;
    QString m_selected;
    QHash<QString, std::pair<double, double>> m_manual;
    QString m_pressed; // the chip under the button
    QPointF m_pressAt;
    QPointF m_grab; // where in the chip it was taken
    bool m_dragging = false;
    double m_zoom = 1.0;
    QPointF m_pan;
    QPointF m_panOrigin;
};

} // namespace warroom
