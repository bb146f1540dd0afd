#include "map_view.h"

#include "core/analysis/analysis.h"
#include "core/analysis/reachability_engine.h"
#include "ui/palette.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSvgGenerator>
#include <QSvgRenderer>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>
#include <map>

// The icons are in a static library's resources: register them once.
static void initResources()
{
    static const bool done = [] {
        Q_INIT_RESOURCE(warroom);
        return true;
    }();
    Q_UNUSED(done);
}

namespace warroom {

namespace {

// The icon of a node's first role (resources/icons), drawn at its chip's left.
QSvgRenderer &iconFor(const QStringList &roles)
{
    static std::map<QString, std::unique_ptr<QSvgRenderer>> renderers;
    static const std::map<QString, QString> byRole = {
        {QStringLiteral("load_balancer"), QStringLiteral("load_balancer")},
        {QStringLiteral("proxy"), QStringLiteral("server")},
        {QStringLiteral("app"), QStringLiteral("server")},
        {QStringLiteral("api"), QStringLiteral("api")},
        {QStringLiteral("cache"), QStringLiteral("cache")},
        {QStringLiteral("db_primary"), QStringLiteral("database")},
        {QStringLiteral("db_replica"), QStringLiteral("database")},
        {QStringLiteral("queue"), QStringLiteral("queue")},
        {QStringLiteral("dispatcher"), QStringLiteral("worker")},
        {QStringLiteral("worker"), QStringLiteral("worker")},
        {QStringLiteral("dns"), QStringLiteral("dns")},
        {QStringLiteral("vpn"), QStringLiteral("vpn")},
        {QStringLiteral("client"), QStringLiteral("person")},
        {QStringLiteral("operator"), QStringLiteral("person")},
        {QStringLiteral("event_source"), QStringLiteral("person")},
        {QStringLiteral("notifier"), QStringLiteral("notifier")},
    };
    const auto it = byRole.find(roles.value(0));
    const QString name = it == byRole.end() ? QStringLiteral("node") : it->second;
    auto &renderer = renderers[name];
    if (!renderer) {
        initResources();
        renderer = std::make_unique<QSvgRenderer>(u":/icons/" + name + u".svg");
    }
    return *renderer;
}

constexpr double kChipWidth = 128.0;
constexpr double kChipHeight = 34.0;
constexpr double kGap = 8.0;
constexpr double kLegendHeight = 28.0;

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

double distanceToSegment(const QPointF &p, const QPointF &a, const QPointF &b)
{
    const QPointF ab = b - a;
    const double length2 = ab.x() * ab.x() + ab.y() * ab.y();
    const double t =
        length2 <= 0 ? 0.0 : std::clamp(QPointF::dotProduct(p - a, ab) / length2, 0.0, 1.0);
    const QPointF closest = a + t * ab;
    return std::hypot(p.x() - closest.x(), p.y() - closest.y());
}

// The path of a hop: straight inside a site; between sites an arc over the chips, leaving
// and entering at the top, so that it never crosses the nodes in between.
QPainterPath hopPath(const QRectF &from, const QRectF &to, bool sameSite, bool sameRow)
{
    QPainterPath path;
    if (!sameRow) {
        // From the internet band down into a site (or back up): an S-curve between the two.
        const bool down = from.center().y() < to.center().y();
        const QPointF a(from.center().x(), down ? from.bottom() : from.top());
        const QPointF b(to.center().x(), down ? to.top() : to.bottom());
        const double middle = (a.y() + b.y()) / 2.0;
        path.moveTo(a);
        path.cubicTo(QPointF(a.x(), middle), QPointF(b.x(), middle), b);
        return path;
    }
    if (sameSite) {
        const QPointF a = from.center();
        const QPointF b = to.center();
        const bool horizontal = std::abs(b.x() - a.x()) > std::abs(b.y() - a.y());
        path.moveTo(horizontal ? QPointF(b.x() > a.x() ? from.right() : from.left(), a.y())
                               : QPointF(a.x(), b.y() > a.y() ? from.bottom() : from.top()));
        path.lineTo(horizontal ? QPointF(b.x() > a.x() ? to.left() : to.right(), b.y())
                               : QPointF(b.x(), b.y() > a.y() ? to.top() : to.bottom()));
        return path;
    }
    const QPointF a(from.center().x(), from.top());
    const QPointF b(to.center().x(), to.top());
    const double lift = 18.0 + 0.08 * std::abs(b.x() - a.x());
    const double top = std::min(a.y(), b.y()) - lift;
    path.moveTo(a);
    path.cubicTo(QPointF(a.x(), top), QPointF(b.x(), top), b);
    return path;
}

} // namespace

MapView::MapView(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, QColor(0xFA, 0xFA, 0xF7));
    setPalette(p);
}

void MapView::setState(const ReachabilityEngine &engine, const QSet<QString> &recent)
{
    const Topology &t = engine.topology();
    m_sites.clear();
    m_nodes.clear();
    m_hops.clear();
    for (const Site &s : t.sites)
        m_sites.append({s.id,
                        s.label.isEmpty() ? s.id : s.label,
                        s.kind == SiteKind::Internet,
                        s.state == ElementState::Down,
                        {}});
    const std::map<QString, int> ranks = roleRanks(t);
    auto rankOf = [&](const Node &node) {
        int best = 99;
        for (const QString &role : node.roles)
            best = std::min(best, ranks.count(role) ? ranks.at(role) : 99);
        return best;
    };
    QList<int> chipOf(t.nodes.size(), -1);
    for (int n = 0; n < t.nodes.size(); ++n) {
        if (!engine.nodePresent(n))
            continue;
        const Node &node = t.nodes[n];
        chipOf[n] = int(m_nodes.size());
        m_nodes.append({node.id,
                        node.roles.join(QStringLiteral(" + ")),
                        rankOf(node),
                        node.site,
                        node.state == ElementState::Down,
                        recent.contains(node.id),
                        {},
                        {}});
    }
    // Latent: where a scaling group may place an instance that would not reach what it needs
    // (the Lemniscus lesson), shown as a ghost chip in that site.
    for (const ScalingGroup &g : t.groups) {
        for (int site : g.sites) {
            Node ghost;
            ghost.id = g.id + u'@' + t.sites[site].id;
            ghost.roles = g.roles;
            ghost.tags = g.tags;
            ghost.group = g.id;
            ghost.site = site;
            QString why;
            for (int d = 0; d < t.dependencies.size() && why.isEmpty(); ++d) {
                const Dependency &dep = t.dependencies[d];
                if (!dep.required || !ghost.hasRole(dep.fromRole))
                    continue;
                const DependencyStatus status = engine.assess(ghost, d);
                for (int i = 0; i < status.verdicts.size() && why.isEmpty(); ++i) {
                    const Verdict &v = status.verdicts[i];
                    if (v.state == VerdictState::Blocked &&
                        v.reason.kind != Reason::Kind::TargetDown && status.targets[i] >= 0)
                        why =
                            t.nodes[status.targets[i]].id + u": " + verdictText(v.state, v.reason);
                }
            }
            if (!why.isEmpty())
                m_nodes.append(
                    {ghost.id, g.id + u" may land here", 99, site, false, false, why, {}});
        }
    }
    for (int e = 0; e < engine.edgeCount(); ++e) {
        if (!engine.edgeAlive(e))
            continue;
        const DependencyEdge &edge = engine.edge(e);
        if (chipOf[edge.from] < 0 || chipOf[edge.to] < 0 || edge.from == edge.to)
            continue;
        const Verdict &v = engine.verdict(e);
        if (v.reason.kind == Reason::Kind::SourceDown)
            continue; // a node that is not running needs nothing: its chip says it is down
        const bool optional = !t.dependencies[edge.dependency].required;
        m_hops.append(
            {chipOf[edge.from], chipOf[edge.to], v.state, optional,
             edgeReport(engine, t.nodes[edge.from], t.nodes[edge.to], edge.dependency, v).text() +
                 (optional ? QStringLiteral(" (optional)") : QString()) + u" [" +
                 toString(v.provenance) + u']'});
    }
    // Broken hops are drawn last, on top of the healthy ones.
    std::stable_sort(m_hops.begin(), m_hops.end(),
                     [](const Hop &a, const Hop &b) { return int(a.state) < int(b.state); });
    layout();
    update();
}

void MapView::resizeEvent(QResizeEvent *)
{
    layout();
}

void MapView::layout()
{
    const QRectF area = QRectF(rect()).adjusted(12, 12, -12, -12 - kLegendHeight);
    QList<int> internet, inside;
    std::vector<QList<int>> chipsOf(size_t(m_sites.size()));
    for (int s = 0; s < m_sites.size(); ++s)
        (m_sites[s].internet ? internet : inside).append(s);
    for (int c = 0; c < m_nodes.size(); ++c)
        chipsOf[size_t(m_nodes[c].site)].append(c);
    auto perRowIn = [](double width) {
        return std::max(1, int((width + kGap) / (kChipWidth + kGap)));
    };
    // The internet band is as tall as its busiest site needs.
    int internetRows = 0;
    const double internetWidth = internet.isEmpty() ? 0.0 : area.width() / internet.size();
    for (int s : internet) {
        const int n = int(chipsOf[size_t(s)].size());
        internetRows = std::max(internetRows, (n + perRowIn(internetWidth - 3 * kGap) - 1) /
                                                  perRowIn(internetWidth - 3 * kGap));
    }
    const double top = internet.isEmpty()
                           ? 0.0
                           : 26.0 + std::max(1, internetRows) * (kChipHeight + kGap) + 2 * kGap;
    for (int i = 0; i < internet.size(); ++i)
        m_sites[internet[i]].rect =
            QRectF(area.left() + i * internetWidth, area.top(), internetWidth - kGap, top - kGap);
    const double w = inside.isEmpty() ? area.width() : area.width() / inside.size();
    for (int i = 0; i < inside.size(); ++i)
        m_sites[inside[i]].rect =
            QRectF(area.left() + i * w, area.top() + top, w - kGap, area.height() - top);

    // Nodes: in their site, in request-path order, in rows; more columns when rows run out.
    for (int s = 0; s < m_sites.size(); ++s) {
        QList<int> &chips = chipsOf[size_t(s)];
        std::stable_sort(chips.begin(), chips.end(), [&](int a, int b) {
            return std::tie(m_nodes[a].rank, m_nodes[a].roles) <
                   std::tie(m_nodes[b].rank, m_nodes[b].roles);
        });
        const bool band = m_sites[s].internet;
        const QRectF box = innerBox(s);
        const double pitch = kChipHeight + kGap + (band ? 0 : 14);
        const int maxRows = std::max(1, int((box.height() + kGap) / pitch));
        const int n = int(chips.size());
        const int perRow = std::max(perRowIn(box.width()), (n + maxRows - 1) / maxRows);
        const double chipWidth =
            std::min(kChipWidth * 1.4, (box.width() - (perRow - 1) * kGap) / perRow);
        for (int i = 0; i < n; ++i) {
            const int row = i / perRow;
            const int column = i % perRow;
            QRectF &r = m_nodes[chips[i]].rect;
            r = QRectF(box.left() + column * (chipWidth + kGap), box.top() + row * pitch, chipWidth,
                       kChipHeight);
            const auto manual = m_manual.constFind(m_nodes[chips[i]].id);
            if (manual != m_manual.cend()) { // placed by hand: kept where it was put
                r.moveTopLeft(
                    QPointF(std::clamp(box.left() + manual->first * box.width(), box.left(),
                                       std::max(box.left(), box.right() - r.width())),
                            std::clamp(box.top() + manual->second * box.height(), box.top(),
                                       std::max(box.top(), box.bottom() - r.height()))));
            }
        }
    }
}

void MapView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.save();
    p.translate(m_pan);
    p.scale(m_zoom, m_zoom);
    QFont titleFont = font();
    titleFont.setBold(true);
    for (const SiteBox &s : m_sites) {
        p.setPen(QPen(s.down ? okabeIto::vermillion : QColor(0xB8, 0xB8, 0xB0), 1.2,
                      s.down ? Qt::DashLine : Qt::SolidLine));
        p.setBrush(s.internet ? QColor(0xEE, 0xF3, 0xF8) : QColor(0xF2, 0xF1, 0xEC));
        p.drawRoundedRect(s.rect, 8, 8);
        p.setFont(titleFont);
        p.setPen(QColor(0x33, 0x33, 0x33));
        const QString label = s.label + (s.down ? QStringLiteral("  (down)") : QString());
        p.drawText(s.rect.adjusted(10, 5, -10, 0), Qt::AlignLeft | Qt::AlignTop,
                   p.fontMetrics().elidedText(label, Qt::ElideRight, int(s.rect.width() - 20)));
    }
    p.setBrush(Qt::NoBrush);
    for (const Hop &h : m_hops) {
        const QPainterPath path = hopPathOf(h);
        QPen pen = hopPen(h.state);
        const bool touches = m_selected.isEmpty() || m_nodes[h.from].id == m_selected ||
                             m_nodes[h.to].id == m_selected;
        if (!touches) { // a selection: the rest steps back
            QColor dim = pen.color();
            dim.setAlphaF(0.12);
            pen.setColor(dim);
        } else if (!m_selected.isEmpty()) {
            pen.setWidthF(pen.widthF() + 1.0);
        }
        if (h.optional) { // faint: nothing fails when an optional dependency does
            QColor faint = pen.color();
            faint.setAlphaF(0.35);
            pen.setColor(faint);
            pen.setWidthF(1.2);
        }
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        if (h.state == VerdictState::Blocked && !h.optional) {
            // A marker in the middle: blocked is not only a colour.
            const QPointF m = path.pointAtPercent(0.5);
            p.setPen(QPen(okabeIto::vermillion, 2.5));
            p.setBrush(Qt::white);
            p.drawEllipse(m, 8, 8);
            p.drawLine(m + QPointF(-4, -4), m + QPointF(4, 4));
            p.drawLine(m + QPointF(-4, 4), m + QPointF(4, -4));
        }
    }
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.8);
    for (const NodeChip &n : m_nodes) {
        if (!n.latent.isEmpty()) {
            // A ghost: not running, but where the autoscaler may put one that would fail.
            p.setOpacity(m_selected.isEmpty() ? 1.0 : 0.35);
            p.setPen(QPen(okabeIto::vermillion, 1.5, Qt::DashLine));
            p.setBrush(QColor(0xD5, 0x5E, 0x00, 18));
            p.drawRoundedRect(n.rect, 5, 5);
            p.setFont(small);
            p.setPen(okabeIto::vermillion.darker(130));
            p.drawText(
                n.rect.adjusted(6, 1, -4, -n.rect.height() / 2 + 2),
                Qt::AlignLeft | Qt::AlignVCenter,
                p.fontMetrics().elidedText(n.roles, Qt::ElideRight, int(n.rect.width() - 10)));
            p.drawText(n.rect.adjusted(6, n.rect.height() / 2 - 1, -4, -1),
                       Qt::AlignLeft | Qt::AlignVCenter,
                       p.fontMetrics().elidedText(QStringLiteral("latent: ") + n.latent,
                                                  Qt::ElideRight, int(n.rect.width() - 10)));
            continue;
        }
        p.setOpacity(highlighted(n.id) ? 1.0 : 0.35);
        const bool selected = n.id == m_selected;
        p.setPen(QPen(selected ? QColor(0x11, 0x11, 0x11)
                               : (n.isNew ? okabeIto::blue : QColor(0x55, 0x55, 0x55)),
                      selected || n.isNew ? 2.5 : 1.0, n.down ? Qt::DashLine : Qt::SolidLine));
        p.setBrush(n.down ? QColor(0xE4, 0xE4, 0xE4) : Qt::white);
        p.drawRoundedRect(n.rect, 5, 5);
        iconFor(n.roles.split(QStringLiteral(" + ")))
            .render(&p, QRectF(n.rect.left() + 5, n.rect.center().y() - 8, 16, 16));
        const QRectF text = n.rect.adjusted(26, 0, -4, 0);
        p.setPen(n.down ? QColor(0x88, 0x88, 0x88) : QColor(0x11, 0x11, 0x11));
        p.setFont(font());
        p.drawText(text.adjusted(0, 1, 0, -n.rect.height() / 2 + 2),
                   Qt::AlignLeft | Qt::AlignVCenter,
                   p.fontMetrics().elidedText(n.id, Qt::ElideRight, int(text.width())));
        p.setFont(small);
        p.setPen(QColor(0x66, 0x66, 0x66));
        p.drawText(
            text.adjusted(0, n.rect.height() / 2 - 1, 0, -1), Qt::AlignLeft | Qt::AlignVCenter,
            p.fontMetrics().elidedText(n.roles + (n.down ? QStringLiteral(" (down)") : QString()),
                                       Qt::ElideRight, int(text.width())));
    }
    p.restore();
    p.setOpacity(1.0);
    p.fillRect(QRectF(0, height() - kLegendHeight - 4, width(), kLegendHeight + 4),
               palette().window());
    paintLegend(p, QRectF(12, height() - kLegendHeight, width() - 24, kLegendHeight));
}

QPointF MapView::toScene(const QPointF &widget) const
{
    return (widget - m_pan) / m_zoom;
}

void MapView::wheelEvent(QWheelEvent *event)
{
    // Zoom around the pointer: what is under it stays under it.
    const QPointF under = toScene(event->position());
    m_zoom = std::clamp(m_zoom * std::pow(1.25, event->angleDelta().y() / 120.0), 0.3, 6.0);
    m_pan = event->position() - under * m_zoom;
    update();
    event->accept();
}

void MapView::mouseDoubleClickEvent(QMouseEvent *)
{
    fit();
}

void MapView::fit()
{
    m_zoom = 1.0;
    m_pan = {};
    update();
}

void MapView::paintLegend(QPainter &p, const QRectF &area) const
{
    QFont legend = font();
    legend.setPointSizeF(font().pointSizeF() * 0.9); // all seven entries fit a 760 px map
    p.setFont(legend);
    double x = area.left();
    const double y = area.center().y();
    for (VerdictState state : {VerdictState::Reachable, VerdictState::Degraded,
                               VerdictState::Unknown, VerdictState::Blocked}) {
        p.setPen(hopPen(state));
        p.drawLine(QPointF(x, y), QPointF(x + 34, y));
        if (state == VerdictState::Blocked) {
            p.setPen(QPen(okabeIto::vermillion, 2));
            p.setBrush(Qt::white);
            p.drawEllipse(QPointF(x + 17, y), 6, 6);
        }
        p.setPen(QColor(0x33, 0x33, 0x33));
        const QString label = toString(state);
        p.drawText(QPointF(x + 40, y + 5), label);
        x += 46 + p.fontMetrics().horizontalAdvance(label) + 12;
    }
    p.setPen(QPen(okabeIto::blue, 2.5));
    p.setBrush(Qt::white);
    p.drawRoundedRect(QRectF(x, y - 8, 26, 16), 4, 4);
    p.setPen(QColor(0x33, 0x33, 0x33));
    p.drawText(QPointF(x + 32, y + 5), tr("new (< 10 min)"));
    x += 36 + p.fontMetrics().horizontalAdvance(tr("new (< 10 min)")) + 12;
    p.setPen(QPen(okabeIto::vermillion, 1.5, Qt::DashLine));
    p.setBrush(QColor(0xD5, 0x5E, 0x00, 18));
    p.drawRoundedRect(QRectF(x, y - 8, 26, 16), 4, 4);
    p.setPen(QColor(0x33, 0x33, 0x33));
    p.drawText(QPointF(x + 32, y + 5), tr("latent"));
    x += 36 + p.fontMetrics().horizontalAdvance(tr("latent")) + 12;
    QColor faint = okabeIto::vermillion;
    faint.setAlphaF(0.35);
    p.setPen(QPen(faint, 1.2));
    p.drawLine(QPointF(x, y), QPointF(x + 34, y));
    p.setPen(QColor(0x33, 0x33, 0x33));
    p.drawText(QPointF(x + 40, y + 5), tr("optional (faint)"));
}

QPainterPath MapView::hopPathOf(const Hop &h) const
{
    const NodeChip &a = m_nodes[h.from];
    const NodeChip &b = m_nodes[h.to];
    return hopPath(a.rect, b.rect, a.site == b.site,
                   m_sites[a.site].internet == m_sites[b.site].internet);
}

bool MapView::exportTo(const QString &path)
{
    if (path.endsWith(u".svg", Qt::CaseInsensitive)) {
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(size());
        svg.setViewBox(rect());
        svg.setTitle(tr("Warroom map"));
        QPainter painter;
        if (!painter.begin(&svg))
            return false;
        painter.fillRect(rect(), palette().color(QPalette::Window));
        render(&painter, {}, {}, RenderFlag::DrawChildren);
        return painter.end();
    }
    return grab().save(path, "PNG");
}

void MapView::selectNode(const QString &id)
{
    m_selected = id;
    update();
}

bool MapView::highlighted(const QString &id) const
{
    if (m_selected.isEmpty() || id == m_selected)
        return true;
    for (const Hop &h : m_hops) {
        const QString &a = m_nodes[h.from].id;
        const QString &b = m_nodes[h.to].id;
        if ((a == m_selected && b == id) || (b == m_selected && a == id))
            return true;
    }
    return false;
}

QRectF MapView::innerBox(int site) const
{
    return m_sites[site].rect.adjusted(kGap, m_sites[site].internet ? 26 : 48, -kGap, -kGap);
}

void MapView::setManualLayout(const QHash<QString, std::pair<double, double>> &layout)
{
    m_manual = layout;
    this->layout();
    update();
}

QRectF MapView::nodeRect(const QString &id) const
{
    for (const NodeChip &n : m_nodes) {
        if (n.id == id)
            return n.rect;
    }
    return {};
}

void MapView::mousePressEvent(QMouseEvent *event)
{
    m_pressed.clear();
    m_dragging = false;
    m_pressAt = event->position();
    m_panOrigin = m_pan;
    const QPointF scene = toScene(event->position());
    for (const NodeChip &n : m_nodes) {
        if (n.latent.isEmpty() && n.rect.contains(scene)) {
            m_pressed = n.id;
            m_grab = scene - n.rect.topLeft();
        }
    }
}

void MapView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return;
    if (!m_dragging && QLineF(m_pressAt, event->position()).length() < 4)
        return;
    m_dragging = true;
    if (m_pressed.isEmpty()) { // on empty ground: pan
        m_pan = m_panOrigin + (event->position() - m_pressAt);
        update();
        return;
    }
    for (const NodeChip &n : m_nodes) {
        if (n.id != m_pressed)
            continue;
        const QRectF box = innerBox(n.site);
        const QPointF topLeft = toScene(event->position()) - m_grab;
        m_manual.insert(n.id, {(topLeft.x() - box.left()) / std::max(1.0, box.width()),
                               (topLeft.y() - box.top()) / std::max(1.0, box.height())});
    }
    layout();
    update();
}

void MapView::mouseReleaseEvent(QMouseEvent *)
{
    if (m_dragging && !m_pressed.isEmpty()) {
        const auto placed = m_manual.value(m_pressed);
        Q_EMIT nodeMoved(m_pressed, placed.first, placed.second);
    } else if (!m_dragging) {
        // A click: select what was clicked (or nothing), a second click unselects.
        selectNode(m_pressed == m_selected ? QString() : m_pressed);
        Q_EMIT nodeSelected(m_selected);
    }
    m_pressed.clear();
    m_dragging = false;
}

QStringList MapView::latentPlaces() const
{
    QStringList out;
    for (const NodeChip &n : m_nodes) {
        if (!n.latent.isEmpty())
            out.append(n.id + u": " + n.latent);
    }
    return out;
}

QString MapView::hopState(const QString &from, const QString &to) const
{
    for (const Hop &h : m_hops) {
        if (m_nodes[h.from].id == from && m_nodes[h.to].id == to)
            return toString(h.state);
    }
    return {};
}

QColor MapView::hopColor(const QString &from, const QString &to) const
{
    for (const Hop &h : m_hops) {
        if (m_nodes[h.from].id == from && m_nodes[h.to].id == to)
            return hopPen(h.state).color();
    }
    return {};
}

QString MapView::edgeTextAt(const QPointF &pos) const
{
    double best = 6.0;
    QString text;
    for (const Hop &h : m_hops) {
        const QPainterPath path = hopPathOf(h);
        // Near the path: sample it (arcs are short enough for 24 pieces).
        QPointF previous = path.pointAtPercent(0.0);
        for (int i = 1; i <= 24; ++i) {
            const QPointF next = path.pointAtPercent(i / 24.0);
            const double d = distanceToSegment(pos, previous, next);
            if (d <= best) {
                best = d;
                text = h.text;
            }
            previous = next;
        }
    }
    return text;
}

bool MapView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QPointF scene = toScene(help->pos());
        QString text = edgeTextAt(scene);
        for (const NodeChip &n : m_nodes) {
            if (!n.latent.isEmpty() && n.rect.contains(scene))
                text = n.id + u": an instance " + n.roles.section(u' ', 0, 0) +
                       u" places here would fail — " + n.latent;
        }
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace warroom
