#pragma once

#include "map_scene.h"

#include <QBrush>
#include <QPen>

class QPainter;
class QPainterPath;

namespace warroom {

// What the map's elements look like: one place for the view and its legend to draw alike.
QPen hopPen(VerdictState state);
void drawBlockedMarker(QPainter &p, const QPointF &at, double radius);
// Caller -> callee: a filled head where the path ends.
void drawArrowhead(QPainter &p, const QPainterPath &path, const QPen &pen);
void drawDisagreeMarker(QPainter &p, const QPointF &at, double radius);

// How a chip's life looks: its outline and fill.
struct ChipLook
{
    QPen pen;
    QBrush brush;
};
ChipLook chipLook(const MapNode &n, bool selected);
QColor denseColor(const MapNode &n); // a node drawn as a square
QString lifeText(const MapNode &n);  // " (new)", " (down)", ...

} // namespace warroom
