// The map by keyboard, and what it draws where (for --state and tests).
#include "map_view.h"

#include "map_look.h"

#include <QJsonArray>
#include <QKeyEvent>

namespace warroom {

namespace {

constexpr qint64 kTypingPauseMs = 1200; // a pause this long starts a new name

QJsonArray rectJson(const QRectF &r)
{
    return {qRound(r.x()), qRound(r.y()), qRound(r.width()), qRound(r.height())};
}

} // namespace

QPointF MapView::toWidget(const QPointF &scene) const
{
    return scene * m_zoom + m_pan;
}

void MapView::keyPressEvent(QKeyEvent *event)
{
    const QList<MapNode> &nodes = m_scene.nodes();
    const int current = m_scene.nodeIndex(m_selected);
    auto choose = [this](const QString &id) {
        if (id == m_selected)
            return;
        selectNode(id);
        Q_EMIT nodeSelected(id);
    };
    const int key = event->key();
    if (key == Qt::Key_Left || key == Qt::Key_Right || key == Qt::Key_Up || key == Qt::Key_Down) {
        if (nodes.isEmpty())
            return;
        if (current < 0) {
            choose(nodes.first().id);
            return;
        }
        // The nearest node in that direction, favouring those straight ahead.
        const QPointF from = nodes[current].rect.center();
        const QPointF dir = key == Qt::Key_Left    ? QPointF(-1, 0)
                            : key == Qt::Key_Right ? QPointF(1, 0)
                            : key == Qt::Key_Up    ? QPointF(0, -1)
                                                   : QPointF(0, 1);
        int best = -1;
        double bestCost = 0.0;
        for (int i = 0; i < nodes.size(); ++i) {
            if (i == current || nodes[i].ghost())
                continue;
            const QPointF d = nodes[i].rect.center() - from;
            const double ahead = d.x() * dir.x() + d.y() * dir.y();
            if (ahead <= 1.0)
                continue;
            const double aside = std::abs(d.x() * dir.y() - d.y() * dir.x());
            const double cost = ahead + 2.5 * aside;
            if (best < 0 || cost < bestCost) {
                best = i;
                bestCost = cost;
            }
        }
        if (best >= 0)
            choose(nodes[best].id);
        return;
    }
    if ((key == Qt::Key_Return || key == Qt::Key_Enter) && current >= 0) {
        toggleExpanded(nodes[current].id); // a role chip opens into its nodes, and folds back
        return;
    }
    if (key == Qt::Key_Backspace && !m_typed.isEmpty()) {
        m_typed.chop(1);
        m_sinceTyped.restart();
        return;
    }
    const QString text = event->text();
    if (!text.isEmpty() && text.at(0).isPrint() && !text.at(0).isSpace() &&
        !(event->modifiers() & (Qt::ControlModifier | Qt::AltModifier))) {
        if (!m_sinceTyped.isValid() || m_sinceTyped.elapsed() > kTypingPauseMs)
            m_typed.clear();
        m_typed += text;
        m_sinceTyped.restart();
        // The first chip whose name (or one of whose nodes' names) starts so, then one that
        // contains it.
        for (bool prefix : {true, false}) {
            for (const MapNode &n : nodes) {
                if (n.ghost())
                    continue;
                const QStringList names =
                    n.role() ? n.members + QStringList{n.label} : QStringList{n.id};
                for (const QString &name : names) {
                    if (prefix ? name.startsWith(m_typed, Qt::CaseInsensitive)
                               : name.contains(m_typed, Qt::CaseInsensitive)) {
                        choose(n.id);
                        return;
                    }
                }
            }
        }
        return;
    }
    QWidget::keyPressEvent(event);
}

void MapView::focusInEvent(QFocusEvent *event)
{
    QWidget::focusInEvent(event);
    update(); // its frame says the keyboard is here
}

void MapView::focusOutEvent(QFocusEvent *event)
{
    QWidget::focusOutEvent(event);
    update();
}

QJsonObject MapView::geometryJson() const
{
    QJsonArray sites;
    QFont titleFont = font();
    titleFont.setBold(true);
    const QFontMetrics titleMetrics(titleFont);
    for (const MapSite &s : m_scene.sites()) {
        const QRectF box(toWidget(s.rect.topLeft()), toWidget(s.rect.bottomRight()));
        const QString label = s.label + (s.down ? QStringLiteral("  (down)") : QString());
        const QRectF band = MapScene::titleBand(s);
        // As paintSites draws it: wrapped in the band; cut only when it needs more lines.
        const QRect room = band.adjusted(10, 5, -10, 0).toRect();
        const QRect needed = titleMetrics.boundingRect(room, Qt::TextWordWrap, label);
        const QString shown = label;
        const QRectF title(toWidget(QPointF(room.topLeft())),
                           QSizeF(std::min(needed.width(), room.width()) * m_zoom,
                                  std::min(needed.height(), room.height()) * m_zoom));
        const bool cut = needed.height() > room.height() + 1;
        sites.append(
            QJsonObject{{QStringLiteral("id"), s.id},
                        {QStringLiteral("rect"), rectJson(box)},
                        {QStringLiteral("title"), shown},
                        {QStringLiteral("titleRect"), rectJson(title)},
                        {QStringLiteral("titleBand"),
                         rectJson(QRectF(toWidget(band.topLeft()), toWidget(band.bottomRight())))},
                        {QStringLiteral("elided"), cut},
                        {QStringLiteral("dense"), s.dense}});
    }
    QJsonArray chips;
    const QFontMetrics fm(font());
    for (const MapNode &n : m_scene.nodes()) {
        const QRectF box(toWidget(n.rect.topLeft()), toWidget(n.rect.bottomRight()));
        const MapSite &site = m_scene.sites()[n.site];
        QString shown;
        bool elided = false;
        if (n.role()) { // as paintRoleChip writes it: whole, on two lines at most
            bool fits = false;
            roleNameFont(nameFont(), n.label,
                         n.rect.adjusted(roleTextLeft(n.rect.width()), 3, -4, -3).width(),
                         roleNameLines(n.rect.height()), &fits);
            shown = n.label;
            elided = !fits;
        } else if (!n.latent.isEmpty()) { // wrapped in its box: cut when the box is too short
            shown = n.roles + u' ' + n.latent;
            QFont small = font();
            small.setPointSizeF(font().pointSizeF() * 0.8);
            elided = QFontMetricsF(small)
                         .boundingRect(QRectF(0, 0, n.rect.width() - 10, 1000), Qt::TextWordWrap,
                                       n.roles + u'\n' + n.latent)
                         .height() > n.rect.height() - 4 + 0.5;
        } else if (!site.dense) { // as paintChips draws it: right of the icon
            shown = chipLabel(n);
            elided = shown != n.id;
        } else if (n.rect.width() * m_zoom >= 40) {
            shown = fm.elidedText(n.id, Qt::ElideMiddle, int(n.rect.width() - 4));
            elided = shown != n.id;
        } else {
            elided = true;
        }
        QJsonObject chip{{QStringLiteral("id"), n.id},
                         {QStringLiteral("kind"), n.role()              ? QStringLiteral("role")
                                                  : !n.latent.isEmpty() ? QStringLiteral("latent")
                                                                        : QStringLiteral("node")},
                         {QStringLiteral("site"), site.id},
                         {QStringLiteral("rect"), rectJson(box)},
                         {QStringLiteral("label"), shown},
                         {QStringLiteral("elided"), elided},
                         {QStringLiteral("down"), n.down},
                         {QStringLiteral("latent"), n.latent},
                         {QStringLiteral("badge"), badgeText(n.id)}};
        if (n.role()) {
            chip.insert(QStringLiteral("members"), QJsonArray::fromStringList(n.members));
            chip.insert(QStringLiteral("detail"), roleDetail(n));
            QJsonObject health;
            static const char *const names[kHealthKinds] = {"inService", "failing", "new",
                                                            "draining", "down"};
            for (int h = 0; h < kHealthKinds; ++h)
                health.insert(QLatin1String(names[h]), n.health[size_t(h)]);
            chip.insert(QStringLiteral("health"), health);
        }
        chips.append(chip);
    }
    QJsonArray hops;
    QJsonArray markers;
    for (const MapBundle &b : m_scene.bundles()) {
        QJsonArray line;
        for (const QPointF &p : b.route) { // its corners
            const QPointF w = toWidget(p);
            line.append(QJsonArray{std::round(w.x() * 10) / 10, std::round(w.y() * 10) / 10});
        }
        QJsonArray ends;
        QJsonObject counts;
        QSet<int> joined; // the chips at either end of its hops
        for (int h : b.hops) {
            const MapHop &hop = m_scene.hops()[h];
            ends.append(QJsonArray{hop.report.from, hop.report.to});
            joined += {hop.from, hop.to};
        }
        QJsonArray chipsJoined;
        for (int c : joined)
            chipsJoined.append(m_scene.nodes()[c].id);
        for (int state = 0; state < int(b.counts.size()); ++state) {
            if (b.counts[size_t(state)] > 0)
                counts.insert(toString(VerdictState(state)), b.counts[size_t(state)]);
        }
        const MapHop &first = m_scene.hops()[b.hops.first()];
        hops.append(QJsonObject{{QStringLiteral("state"), toString(b.state)},
                                {QStringLiteral("from"), m_scene.nodes()[first.from].id},
                                {QStringLiteral("to"), m_scene.nodes()[first.to].id},
                                {QStringLiteral("counts"), counts},
                                {QStringLiteral("joins"), chipsJoined},
                                {QStringLiteral("hops"), ends},
                                {QStringLiteral("polyline"), line}});
        if ((b.state == VerdictState::Blocked && !b.optional) || b.disagreeing) {
            const QPointF at = b.marker;
            const QRectF box(toWidget(at - QPointF(9, 9)), toWidget(at + QPointF(9, 9)));
            markers.append(QJsonObject{{QStringLiteral("kind"), b.state == VerdictState::Blocked
                                                                    ? QStringLiteral("blocked")
                                                                    : QStringLiteral("disagree")},
                                       {QStringLiteral("rect"), rectJson(box)},
                                       {QStringLiteral("label"),
                                        b.markerLabel.isNull() ? QString() : m_scene.markerText(b)},
                                       {QStringLiteral("hop"), hops.size() - 1}});
        }
    }
    return {{QStringLiteral("size"), QJsonArray{width(), height()}},
            {QStringLiteral("zoom"), m_zoom},
            {QStringLiteral("level"), m_options.level == MapLevel::Roles ? QStringLiteral("roles")
                                                                         : QStringLiteral("nodes")},
            {QStringLiteral("expanded"),
             QJsonArray::fromStringList(
                 QStringList(m_options.expanded.cbegin(), m_options.expanded.cend()))},
            {QStringLiteral("crossings"), m_scene.crossings()},
            {QStringLiteral("selected"), m_selected},
            {QStringLiteral("sites"), sites},
            {QStringLiteral("chips"), chips},
            {QStringLiteral("hops"), hops},
            {QStringLiteral("markers"), markers},
            {QStringLiteral("note"), m_scene.sites().isEmpty() ? m_emptyNote : QString()}};
}

} // namespace warroom
