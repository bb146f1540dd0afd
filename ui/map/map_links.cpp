// The links the simulator modelled (a capacity, a loss), each drawn between its two sites as a
// gauge: a bar coloured by how full it is and a label saying how full, what it loses and how
// long a request takes over it, at the cursor. Links without figures are not drawn: the map of
// a scenario without link capacities is unchanged.
#include "map_view.h"

#include "ui/palette.h"

#include <QPainter>

namespace warroom {

namespace {

QString latencyText(double ms)
{
    if (ms >= 1000.0)
        return QString::number(ms / 1000.0, 'f', 1) + u" s";
    return QString::number(qRound(ms)) + u" ms";
}

// Where a link between two site boxes is drawn: across the gap between them.
std::pair<QPointF, QPointF> ends(const QRectF &a, const QRectF &b)
{
    if (a.right() < b.left() || b.right() < a.left()) { // side by side: near their bottoms
        const bool aLeft = a.right() < b.left();
        const double y = std::min(a.bottom(), b.bottom()) - 18.0;
        return {{aLeft ? a.right() : a.left(), y}, {aLeft ? b.left() : b.right(), y}};
    }
    if (a.bottom() < b.top() || b.bottom() < a.top()) { // one above the other
        const double x = (std::max(a.left(), b.left()) + std::min(a.right(), b.right())) / 2.0;
        const bool aAbove = a.bottom() < b.top();
        return {{x, aAbove ? a.bottom() : a.top()}, {x, aAbove ? b.top() : b.bottom()}};
    }
    return {a.center(), b.center()};
}

} // namespace

void MapView::paintLinkGauges(QPainter &p) const
{
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    small.setBold(true);
    p.setFont(small);
    const QFontMetricsF metrics(small);
    for (const LinkEnds &link : m_links) {
        const auto figures = m_linkFigures.constFind(link.id);
        if (figures == m_linkFigures.cend())
            continue;
        const LinkFigures &f = *figures;
        const MapSite *a = nullptr;
        const MapSite *b = nullptr;
        for (const MapSite &s : m_scene.sites()) {
            if (s.id == link.siteA)
                a = &s;
            if (s.id == link.siteB)
                b = &s;
        }
        if (!a || !b)
            continue;
        const bool down = link.state == ElementState::Down;
        const double utilization = std::isnan(f.utilization) ? 0.0 : f.utilization;
        const double loss = std::isnan(f.loss) ? 0.0 : f.loss;
        const QColor colour = down || utilization >= 100.0 || loss >= 1.0 ? okabeIto::vermillion
                              : utilization >= 80.0 || loss >= 0.1        ? okabeIto::orange
                                                                          : okabeIto::grey;
        const auto [from, to] = ends(a->rect, b->rect);
        p.setPen(QPen(colour, 4, down ? Qt::DashLine : Qt::SolidLine, Qt::RoundCap));
        p.drawLine(from, to);

        QStringList parts{link.id};
        if (down)
            parts.append(QStringLiteral("down"));
        if (!std::isnan(f.utilization))
            parts.append(QString::number(qRound(f.utilization)) + u" %");
        if (loss >= 0.05)
            parts.append(QString::number(loss, 'f', loss >= 10.0 ? 0 : 1) + u" % lost");
        if (!std::isnan(f.latencyMs))
            parts.append(latencyText(f.latencyMs));
        const QString text = parts.join(QStringLiteral(" · "));
        QRectF label(QPointF(), QSizeF(metrics.horizontalAdvance(text) + 12, metrics.height() + 4));
        label.moveCenter((from + to) / 2.0);
        p.setPen(QPen(colour, 1.5));
        p.setBrush(Qt::white);
        p.drawRoundedRect(label, label.height() / 2, label.height() / 2);
        p.setPen(colour == okabeIto::grey ? QColor(0x44, 0x44, 0x44) : colour.darker(140));
        p.drawText(label, Qt::AlignCenter, text);
    }
}

} // namespace warroom
