#include "map_view.h"

#include "map_look.h"

#include "core/analysis/analysis.h"
#include "core/analysis/reachability_engine.h"
#include "ui/palette.h"

#include <QContextMenuEvent>
#include <QHelpEvent>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QSvgGenerator>
#include <QToolTip>
#include <QWheelEvent>

#include <cmath>
#include <utility>

namespace warroom {

namespace {

constexpr double kLegendHeight = 46.0; // two rows: hops, then nodes
constexpr qint64 kLaunchMs = 1200;     // a launch's ring spreads this long
constexpr qint64 kTerminateMs = 1500;  // a terminated chip fades this long
constexpr int kMostAnimated = 24;      // more changes at once is a jump, not something to watch

} // namespace

MapView::MapView(QWidget *parent)
    : QWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAutoFillBackground(true);
    QPalette p = palette();
    p.setColor(QPalette::Window, QColor(0xFA, 0xFA, 0xF7));
    setPalette(p);
    m_clock.start();
    m_frames.setInterval(16);
    connect(&m_frames, &QTimer::timeout, this, [this] {
        if (m_animations.isEmpty())
            m_frames.stop();
        update();
    });
}

void MapView::setState(const ReachabilityEngine &engine, const NodeMarks &marks, bool animate)
{
    // After a change of level or expansion chips come and go that did not start or stop.
    animate = animate && !std::exchange(m_optionsChanged, false);
    QHash<QString, QRectF> before; // what ran, to see what came and went
    for (const MapNode &n : m_scene.nodes()) {
        if (animate && !n.ghost())
            before.insert(n.id, n.rect);
    }
    const QStringList selected = m_selected.isEmpty() ? QStringList() : nodesOf(m_selected);
    m_scene.build(engine, marks, m_options);
    m_links.clear(); // the links' ends, for their gauges
    for (const Link &l : engine.topology().links)
        m_links.append({l.id, engine.topology().sites[l.siteA].id,
                        engine.topology().sites[l.siteB].id, l.state});
    m_badges.clear(); // chips come and go, role chips gain and lose nodes
    relayout();
    if (animate)
        startAnimations(before);
    // The selection follows its nodes into (or out of) a role chip: the chip of the first of
    // them still drawn.
    QString now;
    for (const QString &node : selected) {
        if (const int index = m_scene.nodeIndex(node); index >= 0) {
            now = m_scene.nodes()[index].id;
            break;
        }
    }
    if (m_scene.nodeIndex(m_selected) >= 0)
        now = m_scene.nodes()[m_scene.nodeIndex(m_selected)].id;
    const bool moved = now != m_selected;
    m_selected = now;
    m_neighbours = m_scene.neighbours(m_scene.nodeIndex(m_selected));
    update();
    if (moved)
        Q_EMIT nodeSelected(m_selected);
}

void MapView::setLevel(MapLevel level)
{
    if (level == m_options.level)
        return;
    m_options.level = level;
    m_options.expanded.clear();
    m_optionsChanged = true;
    Q_EMIT optionsChanged();
}

void MapView::setExpanded(const QString &chip, bool expanded)
{
    if (expanded == m_options.expanded.contains(chip))
        return;
    if (expanded)
        m_options.expanded.insert(chip);
    else
        m_options.expanded.remove(chip);
    m_optionsChanged = true;
    Q_EMIT optionsChanged();
}

void MapView::toggleExpanded(const QString &id)
{
    const int index = m_scene.nodeIndex(id);
    if (index < 0 || m_options.level != MapLevel::Roles)
        return;
    const MapNode &n = m_scene.nodes()[index];
    if (n.role()) {
        setExpanded(n.id, true);
        return;
    }
    // A node shown on its own in the role view: fold its role chip back.
    setExpanded(n.roleChip, false);
}

void MapView::setCompared(const QSet<QString> &nodes)
{
    if (nodes == m_compared)
        return;
    m_compared = nodes;
    update();
}

bool MapView::compared(const MapNode &chip) const
{
    if (m_compared.isEmpty())
        return false;
    if (!chip.role())
        return m_compared.contains(chip.id);
    return std::any_of(chip.members.cbegin(), chip.members.cend(),
                       [this](const QString &node) { return m_compared.contains(node); });
}

QStringList MapView::nodesOf(const QString &id) const
{
    const int index = m_scene.nodeIndex(id);
    if (index < 0)
        return {id};
    const MapNode &n = m_scene.nodes()[index];
    // A role chip's id: its nodes; a node's id (also one inside a role chip): that node.
    return n.role() && n.id == id ? n.members : QStringList{id};
}

void MapView::startAnimations(const QHash<QString, QRectF> &before)
{
    if (before.isEmpty())
        return; // the first state: nothing came or went
    QList<Animation> started;
    QSet<QString> now;
    for (const MapNode &n : m_scene.nodes()) {
        if (n.ghost())
            continue;
        now.insert(n.id);
        if (!before.contains(n.id))
            started.append({n.id, true, n.rect, m_clock.elapsed()});
    }
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        if (!now.contains(it.key()))
            started.append({it.key(), false, it.value(), m_clock.elapsed()});
    }
    if (started.isEmpty() || started.size() > kMostAnimated)
        return; // a jump of the cursor, not an autoscaler at work
    m_animations += started;
    m_frames.start();
}

QStringList MapView::animating() const
{
    QStringList out;
    for (const Animation &a : m_animations) {
        if (m_clock.elapsed() - a.startMs < (a.launch ? kLaunchMs : kTerminateMs))
            out.append(a.id);
    }
    return out;
}

void MapView::resizeEvent(QResizeEvent *)
{
    relayout();
}

void MapView::relayout()
{
    m_scene.layout(QRectF(rect()).adjusted(8, 8, -8, -8 - kLegendHeight), m_manual,
                   MapFonts::of(font()));
}

void MapView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.save();
    p.translate(m_pan);
    p.scale(m_zoom, m_zoom);
    const QRectF visible(toScene(QPointF(0, 0)), toScene(QPointF(width(), height())));
    paintSites(p);
    paintDenseChips(p, visible); // squares: a texture the bundles cross
    paintBundles(p);
    paintChips(p, visible);
    paintAnimations(p);
    paintLinkGauges(p);
    p.restore();
    p.setOpacity(1.0);
    if (m_scene.sites().isEmpty() && !m_emptyNote.isEmpty()) {
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(QRectF(24, 0, width() - 48, height() - kLegendHeight - 4),
                   Qt::AlignCenter | Qt::TextWordWrap, m_emptyNote);
    }
    p.fillRect(QRectF(0, height() - kLegendHeight - 4, width(), kLegendHeight + 4),
               palette().window());
    paintLegend(p, QRectF(12, height() - kLegendHeight, width() - 24, kLegendHeight));
    if (hasFocus()) { // the keyboard is here: type a node's name, arrows
        p.setPen(QPen(okabeIto::blue, 2));
        p.setBrush(Qt::NoBrush);
        p.drawRect(QRectF(rect()).adjusted(1, 1, -1, -1));
    }
}

void MapView::setEmptyNote(const QString &note)
{
    if (note == m_emptyNote)
        return;
    m_emptyNote = note;
    update();
}

void MapView::paintSites(QPainter &p) const
{
    QFont titleFont = font();
    titleFont.setBold(true);
    p.setFont(titleFont);
    for (const MapSite &s : m_scene.sites()) {
        p.setPen(QPen(s.down ? okabeIto::vermillion : QColor(0xB8, 0xB8, 0xB0), 1.2,
                      s.down ? Qt::DashLine : Qt::SolidLine));
        p.setBrush(s.internet ? QColor(0xEE, 0xF3, 0xF8) : QColor(0xF2, 0xF1, 0xEC));
        p.drawRoundedRect(s.rect, 8, 8);
        p.setPen(QColor(0x33, 0x33, 0x33));
        const QString label = s.label + (s.down ? QStringLiteral("  (down)") : QString());
        // Wrapped over the title band's lines (two in a datacenter), cut only beyond them.
        p.drawText(MapScene::titleBand(s).adjusted(10, 5, -10, 0),
                   Qt::AlignLeft | (s.titleWidth > 0 ? Qt::AlignVCenter : Qt::AlignTop) |
                       Qt::TextWordWrap,
                   label);
    }
}

void MapView::paintBundles(QPainter &p) const
{
    const int selected = m_scene.nodeIndex(m_selected);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.8);
    p.setFont(small);
    auto touching = [&](const MapBundle &b) {
        for (int h : b.hops) {
            const MapHop &hop = m_scene.hops()[h];
            if (hop.from == selected || hop.to == selected)
                return true;
        }
        return selected < 0;
    };
    for (const MapBundle &b : m_scene.bundles()) {
        const QPainterPath path = m_scene.bundlePath(b);
        QPen pen = hopPen(b.state);
        const bool touches = touching(b);
        if (b.hops.size() > 1) // a bundle: as thick as it is many
            pen.setWidthF(pen.widthF() + std::min(6.0, std::log2(double(b.hops.size()))));
        if (!touches) { // a selection: the rest steps back
            QColor dim = pen.color();
            dim.setAlphaF(0.12);
            pen.setColor(dim);
        } else if (selected >= 0) {
            pen.setWidthF(pen.widthF() + 1.0);
        }
        if (b.optional) { // faint: nothing fails when an optional dependency does
            QColor faint = pen.color();
            faint.setAlphaF(0.35 * pen.color().alphaF());
            pen.setColor(faint);
            pen.setWidthF(1.2);
        }
        p.setPen(pen);
        p.setBrush(Qt::NoBrush);
        p.drawPath(path);
        drawArrowhead(p, path, pen);
    }
    // Markers, their labels and counts over every line, so that no line hides one.
    for (const MapBundle &b : m_scene.bundles()) {
        const bool touches = touching(b);
        const bool marked = (b.state == VerdictState::Blocked && !b.optional) || b.disagreeing;
        const QPointF middle = marked ? b.marker : m_scene.bundlePath(b).pointAtPercent(0.5);
        if (b.state == VerdictState::Blocked && !b.optional) // blocked is not only a colour
            drawBlockedMarker(p, middle, 8);
        if (b.disagreeing)
            drawDisagreeMarker(
                p, b.state == VerdictState::Blocked ? middle + QPointF(-20, 0) : middle, 8);
        if (const QString why = m_scene.markerText(b); !why.isEmpty() && !b.markerLabel.isNull()) {
            // Why it is cut, beside its ⊗: the rule (or "no route"), read without hovering.
            QFont bold = small;
            bold.setBold(true);
            p.setFont(bold);
            p.setPen(QPen(okabeIto::vermillion, 1.0));
            p.setBrush(QColor(255, 255, 255, touches ? 240 : 120));
            p.drawRoundedRect(b.markerLabel, 3, 3);
            p.setPen(okabeIto::vermillion.darker(touches ? 140 : 80));
            p.drawText(b.markerLabel, Qt::AlignCenter, why);
            p.setFont(small);
        } else if (b.hops.size() > 1 && touches && b.state != VerdictState::Reachable) {
            // How many are in trouble (a healthy bundle says it by its width).
            const QString count = u"×" + QString::number(b.hops.size());
            const QRectF box = QRectF(p.fontMetrics().boundingRect(count)).adjusted(-3, -1, 3, 1);
            const QPointF at = middle + QPointF(b.state == VerdictState::Blocked ? 12 : 4, -10);
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(255, 255, 255, 220));
            p.drawRoundedRect(box.translated(at - box.topLeft()), 3, 3);
            p.setPen(verdictColor(b.state).darker(130));
            p.drawText(box.translated(at - box.topLeft()), Qt::AlignCenter, count);
        }
    }
}

void MapView::paintAnimations(QPainter &p)
{
    const qint64 now = m_clock.elapsed();
    m_animations.removeIf([now](const Animation &a) {
        return now - a.startMs >= (a.launch ? kLaunchMs : kTerminateMs);
    });
    for (const Animation &a : m_animations) {
        const int index = m_scene.nodeIndex(a.id);
        const QRectF rect = index >= 0 ? m_scene.nodes()[index].rect : a.rect;
        if (a.launch) { // a ring spreading from the new chip
            const double t = double(now - a.startMs) / kLaunchMs;
            QColor ring = okabeIto::blue;
            ring.setAlphaF(1.0 - t);
            p.setPen(QPen(ring, 3.0));
            p.setBrush(Qt::NoBrush);
            const double grow = 2.0 + 22.0 * t;
            p.drawRoundedRect(rect.adjusted(-grow, -grow, grow, grow), 5 + grow, 5 + grow);
        } else { // the chip it was, fading out, crossed
            const double t = double(now - a.startMs) / kTerminateMs;
            QColor fill = okabeIto::vermillion;
            fill.setAlphaF(0.45 * (1.0 - t));
            p.setPen(Qt::NoPen);
            p.setBrush(fill);
            p.drawRoundedRect(rect, 5, 5);
            QColor cross = okabeIto::vermillion;
            cross.setAlphaF(1.0 - t);
            p.setPen(QPen(cross, 2.0));
            p.drawLine(rect.topLeft(), rect.bottomRight());
            p.drawLine(rect.bottomLeft(), rect.topRight());
        }
    }
}

QPointF MapView::toScene(const QPointF &widget) const
{
    return (widget - m_pan) / m_zoom;
}

void MapView::wheelEvent(QWheelEvent *event)
{
    // Zoom around the pointer: what is under it stays under it.
    const QPointF under = toScene(event->position());
    m_zoom = std::clamp(m_zoom * std::pow(1.25, event->angleDelta().y() / 120.0), 0.3, 12.0);
    m_pan = event->position() - under * m_zoom;
    update();
    event->accept();
}

void MapView::mouseDoubleClickEvent(QMouseEvent *event)
{
    // On a role chip: its nodes; on a node expanded from one: the role chip again; else fit.
    const int index = m_scene.nodeAt(toScene(event->position()));
    if (index >= 0 && m_options.level == MapLevel::Roles && !m_scene.nodes()[index].ghost() &&
        (m_scene.nodes()[index].role() ||
         m_options.expanded.contains(m_scene.nodes()[index].roleChip))) {
        toggleExpanded(m_scene.nodes()[index].id);
        return;
    }
    fit();
}

void MapView::fit()
{
    m_zoom = 1.0;
    m_pan = {};
    update();
}

void MapView::panBy(const QPointF &delta)
{
    m_pan += delta;
    update();
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
    // A node's id selects the chip it is drawn in (its role's, in the role view).
    const int index = m_scene.nodeIndex(id);
    m_selected = index >= 0 ? m_scene.nodes()[index].id : id;
    m_neighbours = m_scene.neighbours(m_scene.nodeIndex(id));
    update();
}

bool MapView::highlighted(const QString &id) const
{
    return m_selected.isEmpty() || id == m_selected || m_neighbours.contains(m_scene.nodeIndex(id));
}

void MapView::setManualLayout(const QHash<QString, std::pair<double, double>> &layout)
{
    m_manual = layout;
    relayout();
    update();
}

QRectF MapView::nodeRect(const QString &id) const
{
    const int index = m_scene.nodeIndex(id);
    return index < 0 ? QRectF() : m_scene.nodes()[index].rect;
}

void MapView::mousePressEvent(QMouseEvent *event)
{
    m_pressed.clear();
    m_dragging = false;
    m_pressAt = event->position();
    m_panOrigin = m_pan;
    const QPointF scene = toScene(event->position());
    const int index = m_scene.nodeAt(scene);
    if (index >= 0 && !m_scene.nodes()[index].ghost()) {
        m_pressed = m_scene.nodes()[index].id;
        m_grab = scene - m_scene.nodes()[index].rect.topLeft();
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
    const int index = m_scene.nodeIndex(m_pressed);
    if (index < 0)
        return;
    const QRectF box = m_scene.innerBox(m_scene.nodes()[index].site);
    const QPointF topLeft = toScene(event->position()) - m_grab;
    m_manual.insert(m_pressed, {(topLeft.x() - box.left()) / std::max(1.0, box.width()),
                                (topLeft.y() - box.top()) / std::max(1.0, box.height())});
    relayout();
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
    for (const MapNode &n : m_scene.nodes()) {
        if (!n.latent.isEmpty())
            out.append(n.id + u": " + n.latent);
    }
    return out;
}

QString MapView::hopState(const QString &from, const QString &to) const
{
    const int hop = m_scene.hopBetween(from, to);
    return hop < 0 ? QString() : toString(m_scene.hops()[hop].state());
}

QColor MapView::hopColor(const QString &from, const QString &to) const
{
    const int hop = m_scene.hopBetween(from, to);
    return hop < 0 ? QColor() : hopPen(m_scene.hops()[hop].state()).color();
}

QString MapView::edgeTextAt(const QPointF &pos) const
{
    const int bundle = m_scene.bundleAt(pos, 6.0);
    return bundle < 0 ? QString() : m_scene.bundleText(m_scene.bundles()[bundle]);
}

QString MapView::describeAt(const QPointF &scene) const
{
    if (const int index = m_scene.nodeAt(scene); index >= 0) {
        const MapNode &n = m_scene.nodes()[index];
        if (!n.latent.isEmpty())
            return n.id + u": a new instance there would fail — " + n.latent;
        const QString where = u" (" + n.roles + u" in " + m_scene.sites()[n.site].id + u')';
        if (n.role() && n.members.size() == 1) // a role of one node: that node
            return n.members.first() + where + lifeText(n);
        if (n.role())
            return n.id + u": " + roleDetail(n) + where;
        return n.id + where + lifeText(n);
    }
    const int bundle = m_scene.bundleAt(scene, 6.0);
    return bundle < 0 ? QString()
                      : m_scene.bundleText(m_scene.bundles()[bundle]).section(u'\n', 0, 0);
}

void MapView::contextMenuEvent(QContextMenuEvent *event)
{
    const QString text = describeAt(toScene(event->pos()));
    if (text.isEmpty())
        return;
    QMenu menu;
    menu.addAction(tr("Add to the post-mortem's timeline"), this,
                   [this, text] { Q_EMIT timelineEntryRequested(text); });
    menu.exec(event->globalPos());
}

bool MapView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QPointF scene = toScene(help->pos());
        QString text;
        if (const int index = m_scene.nodeAt(scene); index >= 0) {
            const MapNode &n = m_scene.nodes()[index];
            if (!n.latent.isEmpty())
                text =
                    n.id + u": an instance " + n.label + u" placed here would fail — " + n.latent;
            else if (n.role()) // its nodes by name (a few), and how to see them
                text = n.id + u": " + roleDetail(n) + u" (" + n.roles + u")\n" +
                       QStringList(n.members.mid(0, 12)).join(u", ") +
                       (n.members.size() > 12 ? QStringLiteral(", …") : QString()) +
                       u"\nDouble-click or Enter: show its nodes";
            else
                text = n.id + u": " + n.roles + lifeText(n);
        } else {
            text = edgeTextAt(scene);
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
