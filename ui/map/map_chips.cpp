// How the map's chips are drawn: labelled chips (a node's, a role's with its health ring),
// squares in a dense site, badges with what a chip does at the cursor, role icons.
#include "map_look.h"
#include "map_view.h"

#include "core/util/duration.h"
#include "ui/palette.h"

#include <QPaintEngine>
#include <QPainter>
#include <QSvgRenderer>

#include <cmath>
#include <map>
#include <numeric>

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

// Draws a role's icon: from a pixmap rendered once per size (an SVG renders slowly), or as
// vectors when the map is exported to SVG.
void drawIcon(QPainter &p, const QStringList &roles, const QRectF &at)
{
    QSvgRenderer &renderer = iconFor(roles);
    if (p.paintEngine()->type() == QPaintEngine::SVG) {
        renderer.render(&p, at);
        return;
    }
    const double scale = p.deviceTransform().m11() * p.device()->devicePixelRatioF();
    const int pixels = std::max(4, int(std::lround(at.width() * scale)));
    static std::map<std::pair<const QSvgRenderer *, int>, QPixmap> pixmaps;
    QPixmap &pixmap = pixmaps[{&renderer, pixels}];
    if (pixmap.isNull()) {
        QImage image(pixels, pixels, QImage::Format_ARGB32_Premultiplied);
        image.fill(Qt::transparent);
        QPainter painter(&image);
        renderer.render(&painter);
        painter.end();
        pixmap = QPixmap::fromImage(image);
    }
    p.drawPixmap(at, pixmap, QRectF(pixmap.rect()));
}

} // namespace

void MapView::paintDenseChips(QPainter &p, const QRectF &visible) const
{
    // Thousands of small squares: one colour each, no antialiasing, no labels.
    p.save();
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(Qt::NoPen);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.7);
    p.setFont(small);
    const bool selecting = !m_selected.isEmpty();
    const QList<MapNode> &nodes = m_scene.nodes();
    for (int i = 0; i < nodes.size(); ++i) {
        const MapNode &n = nodes[i];
        if (!m_scene.sites()[n.site].dense || !n.rect.intersects(visible))
            continue;
        QColor color = denseColor(n);
        if (selecting && !(n.id == m_selected || m_neighbours.contains(i)))
            color.setAlphaF(0.3);
        if (n.ghost() || n.down) {
            // Not running: an outline (crossed when down), never the filled square of one that
            // runs.
            p.setPen(QPen(n.down ? QColor(0x88, 0x88, 0x88) : color, 1.0));
            p.setBrush(Qt::NoBrush);
            p.drawRect(n.rect);
            if (n.down)
                p.drawLine(n.rect.topLeft(), n.rect.bottomRight());
            p.setPen(Qt::NoPen);
        } else {
            p.fillRect(n.rect, color);
        }
        if (n.rect.width() * m_zoom >= 40) { // big enough on screen for its name
            p.setPen(n.ghost() ? color : QColor(Qt::white));
            p.drawText(n.rect.adjusted(2, 0, -2, 0), Qt::AlignCenter,
                       p.fontMetrics().elidedText(n.id, Qt::ElideMiddle, int(n.rect.width() - 4)));
            p.setPen(Qt::NoPen);
        }
        if (n.id == m_selected) {
            p.setPen(QPen(QColor(0x11, 0x11, 0x11), 1.5));
            p.setBrush(Qt::NoBrush);
            p.drawRect(n.rect.adjusted(-1.5, -1.5, 1.5, 1.5));
            p.setPen(Qt::NoPen);
        }
    }
    p.restore();
}

void MapView::paintChips(QPainter &p, const QRectF &visible) const
{
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.8);
    const QList<MapNode> &nodes = m_scene.nodes();
    for (int i = 0; i < nodes.size(); ++i) {
        const MapNode &n = nodes[i];
        if (m_scene.sites()[n.site].dense || !n.rect.intersects(visible))
            continue;
        const bool selected = n.id == m_selected;
        const ChipLook look = chipLook(n, selected);
        if (!n.latent.isEmpty()) {
            // A ghost: not running, but where the autoscaler may put one that would fail.
            p.setOpacity(m_selected.isEmpty() ? 1.0 : 0.35);
            p.setPen(look.pen);
            p.setBrush(look.brush);
            p.drawRoundedRect(n.rect, 5, 5);
            p.setFont(small);
            p.setPen(okabeIto::vermillion.darker(130));
            // "app-pool in dc3 would fail:" then what, wrapped: read in full.
            p.drawText(n.rect.adjusted(6, 2, -4, -2),
                       Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, n.roles + u'\n' + n.latent);
            continue;
        }
        p.setOpacity(m_selected.isEmpty() || selected || m_neighbours.contains(i) ? 1.0 : 0.35);
        if (compared(n)) { // differs in the compared run: a dashed reddish-purple ring
            p.save();
            p.setPen(QPen(okabeIto::reddishPurple, 3, Qt::DashLine));
            p.setBrush(Qt::NoBrush);
            p.drawRoundedRect(n.rect.adjusted(-4, -4, 4, 4), 7, 7);
            p.restore();
        }
        if (n.role()) {
            paintRoleChip(p, n, selected);
            continue;
        }
        const bool gone = n.life == NodeLife::Terminated;
        p.setPen(look.pen);
        if (n.life == NodeLife::Draining) { // hatched over white
            p.setBrush(Qt::white);
            p.drawRoundedRect(n.rect, 5, 5);
        }
        p.setBrush(look.brush);
        p.drawRoundedRect(n.rect, 5, 5);
        if (gone)
            p.setOpacity(p.opacity() * 0.5);
        drawIcon(p, n.roles.split(QStringLiteral(" + ")),
                 QRectF(n.rect.left() + 5, n.rect.center().y() - 8, 16, 16));
        const QRectF text = n.rect.adjusted(26, 0, -4, 0);
        QFont name = nameFont();
        name.setStrikeOut(gone);
        p.setFont(name);
        p.setPen(n.down || gone ? QColor(0x88, 0x88, 0x88) : QColor(0x11, 0x11, 0x11));
        p.drawText(text.adjusted(0, 1, 0, -n.rect.height() / 2 + 2),
                   Qt::AlignLeft | Qt::AlignVCenter, chipLabel(n));
        p.setFont(small);
        p.setPen(n.life == NodeLife::Draining ? okabeIto::orange.darker(150)
                                              : QColor(0x66, 0x66, 0x66));
        p.drawText(
            text.adjusted(0, n.rect.height() / 2 - 1, 0, -1), Qt::AlignLeft | Qt::AlignVCenter,
            p.fontMetrics().elidedText(n.roles + lifeText(n), Qt::ElideRight, int(text.width())));
        drawBadge(p, n);
    }
    p.setOpacity(1.0);
}

void MapView::paintRoleChip(QPainter &p, const MapNode &n, bool selected) const
{
    const ChipLook look = chipLook(n, selected);
    p.setPen(look.pen);
    p.setBrush(look.brush);
    p.drawRoundedRect(n.rect, 6, 6);
    // The icon inside a ring of its nodes' health, as Grafana's node graph draws error shares;
    // in a narrow chip, the health as a bar down its left edge.
    const bool narrow = n.rect.width() < kRoleChipNarrow;
    const QPointF centre(n.rect.left() + 15, n.rect.center().y());
    if (!narrow)
        drawIcon(p, n.roles.split(QStringLiteral(" + ")),
                 QRectF(centre.x() - 6.5, centre.y() - 6.5, 13, 13));
    const int total = std::accumulate(n.health.cbegin(), n.health.cend(), 0);
    if (total > 0) {
        const QRectF ring(centre.x() - 10.5, centre.y() - 10.5, 21, 21);
        const QRectF bar(n.rect.left() + 3, n.rect.top() + 4, 3, n.rect.height() - 8);
        int start = 90 * 16; // from the top, clockwise
        double top = bar.top();
        for (int h = 0; h < kHealthKinds; ++h) {
            if (n.health[size_t(h)] == 0)
                continue;
            const double share = double(n.health[size_t(h)]) / total;
            if (narrow) {
                p.fillRect(QRectF(bar.left(), top, bar.width(), bar.height() * share),
                           healthColor(Health(h)));
                top += bar.height() * share;
                continue;
            }
            const int span = -int(std::lround(5760.0 * share));
            p.setPen(QPen(healthColor(Health(h)), 3.0, Qt::SolidLine, Qt::FlatCap));
            p.setBrush(Qt::NoBrush);
            p.drawArc(ring, start, span);
            start += span;
        }
    }
    // Its name, whole (on two lines when it must), then what its nodes do.
    const QRectF text = n.rect.adjusted(roleTextLeft(n.rect.width()), 3, -4, -3);
    const int lines = roleNameLines(n.rect.height());
    const QFont name = roleNameFont(nameFont(), n.label, text.width(), lines);
    p.setFont(name);
    p.setPen(n.down ? QColor(0x88, 0x88, 0x88) : QColor(0x11, 0x11, 0x11));
    const QFontMetricsF nameMetrics(name);
    const QRectF nameRoom(text.left(), text.top(), text.width(), lines * nameMetrics.lineSpacing());
    const QString label = breakable(n.label);
    const QRectF needed =
        nameMetrics.boundingRect(nameRoom, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, label);
    p.drawText(nameRoom, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, label);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.8);
    p.setFont(small);
    const QRectF detail(text.left(), needed.bottom(), text.width(),
                        text.bottom() - needed.bottom());
    const int failing = n.health[size_t(Health::Failing)];
    p.setPen(failing > 0 ? okabeIto::vermillion.darker(130) : QColor(0x55, 0x55, 0x55));
    if (detail.height() >= p.fontMetrics().height() - 1) { // a short chip: its name only
        // Whole, on the lines left under the name; cut in the middle only when they are too few.
        const QString text = breakable(roleDetail(n));
        const QRectF needed = p.fontMetrics().boundingRect(detail.toRect(), Qt::TextWordWrap, text);
        if (needed.height() <= detail.height() + 0.5 && needed.width() <= detail.width() + 0.5)
            p.drawText(detail, Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap, text);
        else
            p.drawText(
                detail, Qt::AlignLeft | Qt::AlignVCenter,
                p.fontMetrics().elidedText(roleDetail(n), Qt::ElideMiddle, int(detail.width())));
    }
    drawBadge(p, n);
}

QString MapView::roleDetail(const MapNode &n) const
{
    static const char *const words[kHealthKinds] = {"in service", "failing", "new", "draining",
                                                    "down"};
    if (n.members.size() == 1) { // its one node by name, and how it is if not simply well
        const QString name = n.members.first() + (n.replicas > 0 ? tr(", replica") : QString());
        for (int h = 1; h < kHealthKinds; ++h) {
            if (n.health[size_t(h)] > 0)
                return name + u" (" + QLatin1String(words[h]) + u')';
        }
        return name;
    }
    QString out = QString::number(n.members.size()) + u" nodes";
    if (n.replicas > 0) // of a replication: they take no requests until promoted
        out += n.replicas == 1 ? tr(", 1 replica") : tr(", %1 replicas").arg(n.replicas);
    for (int h = 1; h < kHealthKinds; ++h) {
        if (n.health[size_t(h)] > 0)
            out += u", " + QString::number(n.health[size_t(h)]) + u' ' + QLatin1String(words[h]);
    }
    return out;
}

void MapView::drawBadge(QPainter &p, const MapNode &n) const
{
    QString badge = badgeText(n.id);
    if (badge.isEmpty() || n.down || n.life == NodeLife::Terminated)
        return;
    // What it does at the cursor, on its top right corner: never over its name or a title.
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.75);
    p.setFont(small);
    if (p.fontMetrics().horizontalAdvance(badge) + 12 > n.rect.width()) // a narrow chip
        badge.replace(QStringLiteral(" waiting, oldest "), QStringLiteral(" · "));
    const bool failing = badge.endsWith(u"err/s");
    const bool waiting = badge.contains(u" waiting");
    const QRectF box = QRectF(p.fontMetrics().boundingRect(badge)).adjusted(-4, -1, 4, 1);
    // Right-aligned on the chip, or from its left when the badge is the wider.
    const double left = std::max(n.rect.left() + 2, n.rect.right() - box.width() - 4);
    const QRectF at(left, n.rect.top() - box.height() / 2 - 1, box.width(), box.height());
    p.setPen(failing || waiting ? Qt::NoPen : QPen(QColor(0xCC, 0xCC, 0xCC), 0.8));
    p.setBrush(failing   ? okabeIto::vermillion
               : waiting ? okabeIto::orange.darker(115)
                         : QColor(0xF4, 0xF4, 0xF4));
    p.drawRoundedRect(at, 3, 3);
    p.setPen(failing || waiting ? QColor(Qt::white) : QColor(0x44, 0x44, 0x44));
    p.drawText(at, Qt::AlignCenter, badge);
}

QFont MapView::nameFont() const
{
    // Zoomed in, names keep their size on screen while chips grow: the names come back whole.
    QFont name = font();
    if (m_zoom > 1.0)
        name.setPointSizeF(font().pointSizeF() / m_zoom);
    return name;
}

QString MapView::chipLabel(const MapNode &n) const
{
    // Cut in the middle, so that the end that tells instances apart stays ("disp…rs-6").
    return QFontMetrics(nameFont())
        .elidedText(n.id, Qt::ElideMiddle, int(n.rect.adjusted(26, 0, -4, 0).width()));
}

QString MapView::badgeText(const QString &id) const
{
    // Worked out once per chip for the figures and state at hand, not on every frame: a role
    // chip adds up hundreds of nodes.
    const auto known = m_badges.constFind(id);
    if (known != m_badges.cend())
        return *known;
    return *m_badges.insert(id, figuresBadge(id));
}

QString MapView::figuresBadge(const QString &id) const
{
    // A role chip's: its nodes' errors added up, their CPU averaged.
    NodeFigures sum;
    int cpus = 0;
    for (const QString &node : nodesOf(id)) {
        const auto f = m_figures.constFind(node);
        if (f == m_figures.cend())
            continue;
        if (!std::isnan(f->errorsPerS))
            sum.errorsPerS = (std::isnan(sum.errorsPerS) ? 0.0 : sum.errorsPerS) + f->errorsPerS;
        if (!std::isnan(f->cpu)) {
            sum.cpu = (std::isnan(sum.cpu) ? 0.0 : sum.cpu) + f->cpu;
            ++cpus;
        }
        if (!std::isnan(f->waiting))
            sum.waiting = (std::isnan(sum.waiting) ? 0.0 : sum.waiting) + f->waiting;
        if (!std::isnan(f->oldestMs))
            sum.oldestMs =
                std::isnan(sum.oldestMs) ? f->oldestMs : std::max(sum.oldestMs, f->oldestMs);
    }
    if (cpus > 0)
        sum.cpu /= cpus;
    const NodeFigures *f = &sum;
    if (f->waiting >= 1.0) { // a queue backing up: how much waits, and for how long
        const double n = f->waiting;
        const QString count = n >= 1e6   ? QString::number(n / 1e6, 'f', 1) + u'M'
                              : n >= 1e4 ? QString::number(qRound(n / 1e3)) + u'k'
                                         : QString::number(qRound(n));
        return count + u" waiting" +
               (f->oldestMs >= 1000 ? u", oldest " + formatDuration(qint64(f->oldestMs))
                                    : QString());
    }
    if (f->errorsPerS >= 0.05) // failing: how much, first
        return QString::number(f->errorsPerS, 'f', f->errorsPerS >= 100 ? 0 : 1) + u" err/s";
    if (!std::isnan(f->cpu) && f->cpu >= 1.0) // an idle one says nothing
        return u"CPU " + QString::number(qRound(f->cpu)) + u" %";
    return {};
}

void MapView::setFigures(MapFigures figures)
{
    if (figures.nodes == m_figures && figures.links == m_linkFigures)
        return;
    m_figures = std::move(figures.nodes);
    m_linkFigures = std::move(figures.links);
    m_badges.clear();
    update();
}

} // namespace warroom
