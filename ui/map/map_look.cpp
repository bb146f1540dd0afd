#include "map_look.h"

#include "ui/palette.h"

#include <QPainter>
#include <QPainterPath>
#include <QtMath>

#include <cmath>

namespace warroom {

QPen hopPen(VerdictState state)
{
    QPen pen(verdictColor(state));
    pen.setCapStyle(Qt::RoundCap);
    switch (state) {
    case VerdictState::Reachable:
        pen.setWidthF(1.2);
        break;
    case VerdictState::Degraded:
        pen.setWidthF(2.0);
        pen.setStyle(Qt::DashLine);
        break;
    case VerdictState::Unknown:
        pen.setWidthF(1.5);
        pen.setStyle(Qt::DotLine);
        break;
    case VerdictState::Blocked:
        pen.setWidthF(3.5);
        break;
    }
    return pen;
}

void drawBlockedMarker(QPainter &p, const QPointF &at, double radius)
{
    p.setPen(QPen(okabeIto::vermillion, 2.5));
    p.setBrush(Qt::white);
    p.drawEllipse(at, radius, radius);
    const double r = radius / 2.0;
    p.drawLine(at + QPointF(-r, -r), at + QPointF(r, r));
    p.drawLine(at + QPointF(-r, r), at + QPointF(r, -r));
}

// A probe and the rules disagree: a "≠" badge beside the hop's middle.
// Caller → callee: a filled head where the hop reaches what it needs.
void drawArrowhead(QPainter &p, const QPainterPath &path, const QPen &pen)
{
    const QPointF tip = path.pointAtPercent(1.0);
    const double angle = qDegreesToRadians(path.angleAtPercent(0.999));
    const double length = 7.0 + pen.widthF() * 1.5;
    const double spread = 0.45;
    // angleAtPercent is counter-clockwise with y up; the painter's y goes down.
    const QPointF back(-std::cos(angle), std::sin(angle));
    auto rotate = [](const QPointF &v, double a) {
        return QPointF(v.x() * std::cos(a) - v.y() * std::sin(a),
                       v.x() * std::sin(a) + v.y() * std::cos(a));
    };
    const QPolygonF head{tip, tip + rotate(back, spread) * length,
                         tip + rotate(back, -spread) * length};
    p.save();
    p.setPen(Qt::NoPen);
    p.setBrush(pen.color());
    p.drawPolygon(head);
    p.restore();
}

void drawDisagreeMarker(QPainter &p, const QPointF &at, double radius)
{
    p.setPen(QPen(okabeIto::reddishPurple.darker(140), 1.5));
    p.setBrush(QColor(255, 255, 255, 235));
    const QRectF box(at.x() - radius, at.y() - radius, 2 * radius, 2 * radius);
    p.drawRoundedRect(box, 3, 3);
    QFont f = p.font();
    f.setBold(true);
    f.setPixelSize(int(radius * 1.6));
    p.save();
    p.setFont(f);
    p.drawText(box, Qt::AlignCenter, QStringLiteral("≠"));
    p.restore();
}

ChipLook chipLook(const MapNode &n, bool selected)
{
    if (!n.latent.isEmpty())
        return {QPen(okabeIto::vermillion, 1.5, Qt::DashLine), QColor(0xD5, 0x5E, 0x00, 18)};
    switch (n.life) {
    case NodeLife::Terminated:
        return {QPen(okabeIto::grey, 1.5, Qt::DotLine), Qt::NoBrush};
    case NodeLife::Draining:
        return {QPen(okabeIto::orange.darker(115), 2.0, Qt::DashLine),
                QBrush(QColor(0xE6, 0x9F, 0x00, 70), Qt::BDiagPattern)};
    case NodeLife::New:
        return {QPen(selected    ? QColor(0x11, 0x11, 0x11)
                     : n.failing ? okabeIto::vermillion
                                 : okabeIto::blue,
                     2.5),
                n.down ? QColor(0xE4, 0xE4, 0xE4) : QColor(Qt::white)};
    case NodeLife::Running:
        break;
    }
    if (n.failing && !selected) // runs, but cannot reach what it needs
        return {QPen(okabeIto::vermillion, 2.0), QColor(0xFB, 0xEC, 0xE3)};
    return {QPen(selected ? QColor(0x11, 0x11, 0x11) : QColor(0x55, 0x55, 0x55),
                 selected ? 2.5 : 1.0, n.down ? Qt::DashLine : Qt::SolidLine),
            n.down ? QColor(0xE4, 0xE4, 0xE4) : QColor(Qt::white)};
}

// The fill of a chip too small for labels: its life in one colour.
QColor denseColor(const MapNode &n)
{
    if (!n.latent.isEmpty())
        return okabeIto::vermillion;
    if (n.down)
        return QColor(0xC4, 0xC4, 0xC4);
    if (n.failing)
        return okabeIto::vermillion;
    switch (n.life) {
    case NodeLife::New:
        return okabeIto::blue;
    case NodeLife::Draining:
        return okabeIto::orange;
    case NodeLife::Terminated:
        return QColor(0xDD, 0xDD, 0xDD);
    case NodeLife::Running:
        break;
    }
    return QColor(0x6B, 0x77, 0x85);
}

QString lifeText(const MapNode &n)
{
    if (n.down)
        return QStringLiteral(" (down)");
    const QString failing = n.failing ? QStringLiteral("failing") : QString();
    QString life;
    switch (n.life) {
    case NodeLife::New:
        life = QStringLiteral("new");
        break;
    case NodeLife::Draining:
        life = QStringLiteral("draining");
        break;
    case NodeLife::Terminated:
        return QStringLiteral(" (terminated)");
    case NodeLife::Running:
        break;
    }
    if (life.isEmpty() && failing.isEmpty())
        return {};
    return u" (" + life + (life.isEmpty() || failing.isEmpty() ? QString() : QStringLiteral(", ")) +
           failing + u')';
}

QColor healthColor(Health health)
{
    switch (health) {
    case Health::InService:
        return okabeIto::bluishGreen;
    case Health::Failing:
        return okabeIto::vermillion;
    case Health::New:
        return okabeIto::blue;
    case Health::Draining:
        return okabeIto::orange;
    case Health::Down:
        return QColor(0xB0, 0xB0, 0xB0);
    }
    return okabeIto::grey;
}

QString breakable(const QString &name)
{
    QString out;
    out.reserve(name.size() + 4);
    for (QChar c : name) {
        out += c;
        if (c == u'_' || c == u'.' || c == u'/' || c == u'-')
            out += QChar(0x200B); // a zero-width space: a place to break
    }
    return out;
}

bool fitsOnLines(const QFontMetricsF &metrics, const QString &name, double width, int lines)
{
    const QRectF needed =
        metrics.boundingRect(QRectF(0, 0, width, 1000), Qt::TextWordWrap, breakable(name));
    return needed.width() <= width + 0.5 && needed.height() <= lines * metrics.lineSpacing() + 0.5;
}

QFont roleNameFont(const QFont &base, const QString &name, double width, int lines, bool *fits)
{
    QFont font = base;
    font.setBold(true);
    for (double scale : {1.0, 0.9, 0.8}) {
        font.setPointSizeF(base.pointSizeF() * scale);
        if (fitsOnLines(QFontMetricsF(font), name, width, lines)) {
            if (fits)
                *fits = true;
            return font;
        }
    }
    if (fits)
        *fits = false;
    return font;
}

} // namespace warroom
