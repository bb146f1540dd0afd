#pragma once

#include "map_scene.h"

#include <QBrush>
#include <QFont>
#include <QFontMetricsF>
#include <QPen>

class QPainter;
class QPainterPath;

namespace warroom {

// A role chip's text starts right of its icon and health arc; a narrow chip has no icon, its
// health is a bar along its left edge.
constexpr double kRoleChipNarrow = 110.0;
inline double roleTextLeft(double chipWidth)
{
    return chipWidth < kRoleChipNarrow ? 9.0 : 30.0;
}

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
QColor healthColor(Health health);   // a part of a role chip's health arc
// A name that may wrap after its separators: _ . / - ("load_|balancer", "customer-|monitoring").
QString breakable(const QString &name);
// Whether `name` fits in `width` on `lines` lines of `metrics` (wrapped after separators).
bool fitsOnLines(const QFontMetricsF &metrics, const QString &name, double width, int lines);
// How many lines a role chip of `height` gives its name: two, or one in a short chip.
inline int roleNameLines(double height)
{
    return height >= 40.0 ? 2 : 1;
}
// The font a role chip writes its name in: bold `base`, smaller (down to 80 %) until the name
// fits on `lines` lines of `width`; `fits` says whether it does then.
QFont roleNameFont(const QFont &base, const QString &name, double width, int lines,
                   bool *fits = nullptr);

} // namespace warroom
