// The map's legend: exactly what the map draws, in two rows (hops, then nodes: in the role view
// the health its rings show, in the node view the nodes' lives).
#include "map_look.h"
#include "map_view.h"

#include "ui/palette.h"

#include <QPainter>
#include <QPicture>

namespace warroom {

void MapView::paintLegend(QPainter &p, const QRectF &area) const
{
    // As large as fits: laid out once on a picture to measure, smaller when it is too wide.
    QFont legend = font();
    legend.setPointSizeF(font().pointSizeF() * 0.9);
    QPicture measured;
    QPainter measure(&measured);
    const double wide = paintLegendRows(measure, area, legend) - area.left();
    measure.end();
    if (wide > area.width())
        legend.setPointSizeF(legend.pointSizeF() * std::max(0.7, area.width() / wide));
    paintLegendRows(p, area, legend);
}

double MapView::paintLegendRows(QPainter &p, const QRectF &area, const QFont &legend) const
{
    p.setFont(legend);
    double widest = area.left();
    const double rowHeight = area.height() / 2.0;
    const QColor ink(0x33, 0x33, 0x33);
    double x = area.left();
    double y = area.top() + rowHeight / 2.0;
    auto label = [&](const QString &text, double swatch) {
        p.setPen(ink);
        p.drawText(QPointF(x + swatch + 6, y + 5), text);
        widest = std::max(widest, x + swatch + 6 + p.fontMetrics().horizontalAdvance(text));
        x += swatch + 6 + p.fontMetrics().horizontalAdvance(text) + 14;
    };
    // Row one: the hops, as drawn.
    for (VerdictState state : {VerdictState::Reachable, VerdictState::Degraded,
                               VerdictState::Unknown, VerdictState::Blocked}) {
        p.setPen(hopPen(state));
        p.drawLine(QPointF(x, y), QPointF(x + 34, y));
        if (state == VerdictState::Blocked)
            drawBlockedMarker(p, QPointF(x + 17, y), 6);
        label(toString(state), 34);
    }
    QColor faint = okabeIto::vermillion;
    faint.setAlphaF(0.35);
    p.setPen(QPen(faint, 1.2));
    p.drawLine(QPointF(x, y), QPointF(x + 34, y));
    label(tr("optional (faint)"), 34);
    QPen bundle = hopPen(VerdictState::Reachable);
    bundle.setWidthF(bundle.widthF() + 4);
    p.setPen(bundle);
    p.drawLine(QPointF(x, y), QPointF(x + 34, y));
    label(tr("bundle of many (×N)"), 34);
    if (!m_compared.isEmpty()) { // comparing with another run
        p.setPen(QPen(okabeIto::reddishPurple, 3, Qt::DashLine));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(QRectF(x, y - 8, 26, 16), 4, 4);
        label(tr("hops differ in B"), 26);
    }
    // Row two: the nodes' lives.
    x = area.left();
    y += rowHeight;
    auto chip = [&](NodeLife life, const QString &latent, const QString &text) {
        MapNode n;
        n.life = life;
        n.latent = latent;
        const ChipLook look = chipLook(n, false);
        const QRectF r(x, y - 8, 26, 16);
        p.setPen(look.pen);
        if (life == NodeLife::Draining) {
            p.setBrush(Qt::white);
            p.drawRoundedRect(r, 4, 4);
        }
        p.setBrush(look.brush);
        p.drawRoundedRect(r, 4, 4);
        label(text, 26);
    };
    if (m_options.level == MapLevel::Roles) {
        // A role chip's ring (a bar when narrow): its nodes by health.
        p.setPen(ink);
        const QString title = tr("a role's nodes:");
        p.drawText(QPointF(x, y + 5), title);
        x += p.fontMetrics().horizontalAdvance(title) + 8;
        static const char *const names[kHealthKinds] = {QT_TR_NOOP("in service"),
                                                        QT_TR_NOOP("failing"), QT_TR_NOOP("new"),
                                                        QT_TR_NOOP("draining"), QT_TR_NOOP("down")};
        for (int h = 0; h < kHealthKinds; ++h) {
            p.setPen(QPen(healthColor(Health(h)), 3.0, Qt::SolidLine, Qt::FlatCap));
            p.setBrush(Qt::NoBrush);
            p.drawArc(QRectF(x, y - 6, 12, 12), 0, 5760);
            label(tr(names[h]), 12);
        }
        chip(NodeLife::Running, QStringLiteral("x"), tr("latent: a new one would fail"));
        drawDisagreeMarker(p, QPointF(x + 8, y), 7);
        label(tr("probe disagrees"), 16);
        return widest;
    }
    chip(NodeLife::Running, {}, tr("running"));
    {
        MapNode failing;
        failing.failing = true;
        const ChipLook look = chipLook(failing, false);
        p.setPen(look.pen);
        p.setBrush(look.brush);
        p.drawRoundedRect(QRectF(x, y - 8, 26, 16), 4, 4);
        label(tr("failing"), 26);
    }
    if (m_scene.dense()) { // the squares a crowded site draws instead of chips
        const QRectF running(x, y - 6, 12, 12);
        p.fillRect(running, denseColor(MapNode{}));
        label(tr("running (square)"), 12);
        const QRectF down(x, y - 6, 12, 12);
        p.setPen(QPen(QColor(0x88, 0x88, 0x88), 1.0));
        p.setBrush(Qt::NoBrush);
        p.drawRect(down);
        p.drawLine(down.topLeft(), down.bottomRight());
        label(tr("down"), 12);
        MapNode fresh;
        fresh.life = NodeLife::New;
        p.fillRect(QRectF(x, y - 6, 12, 12), denseColor(fresh));
        label(tr("new"), 12);
        MapNode failing;
        failing.failing = true;
        p.fillRect(QRectF(x, y - 6, 12, 12), denseColor(failing));
        label(tr("failing"), 12);
    }
    chip(NodeLife::New, {}, tr("new (< 10 min)"));
    chip(NodeLife::Draining, {}, tr("draining"));
    chip(NodeLife::Terminated, {}, tr("terminated (< 10 min)"));
    chip(NodeLife::Running, QStringLiteral("x"), tr("latent: a new one would fail"));
    drawDisagreeMarker(p, QPointF(x + 8, y), 7);
    label(tr("probe disagrees"), 16);
    return widest;
}

} // namespace warroom
