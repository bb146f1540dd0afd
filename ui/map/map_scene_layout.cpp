// The map's layout: sites side by side under the internet band, chips in rows by their place
// on the request path, ordered to cut crossings, as large as the map allows.
#include "map_scene.h"

#include "map_look.h"
#include "map_metrics.h"

#include <cmath>

namespace warroom {

using namespace mapMetrics;

void MapScene::layout(const QRectF &area, const QHash<QString, std::pair<double, double>> &manual,
                      const MapFonts &fonts)
{
    if (!(area.width() >= kSmallestMap && area.height() >= kSmallestMap)) {
        // No room (a collapsed panel): nothing is drawn until there is.
        for (MapSite &s : m_sites)
            s.rect = {};
        for (MapNode &n : m_nodes)
            n.rect = {};
        m_bundles.clear();
        m_crossings = 0;
        return;
    }
    std::vector<QList<int>> chipsOf(size_t(m_sites.size()));
    for (int c = 0; c < m_nodes.size(); ++c)
        chipsOf[size_t(m_nodes[c].site)].append(c);
    for (QList<int> &chips : chipsOf) {      // request-path order, then by roles and name
        if (chips.size() > kOrderedAtMost) { // squares: by place only, in the topology's order
            std::stable_sort(chips.begin(), chips.end(),
                             [&](int a, int b) { return m_nodes[a].rank < m_nodes[b].rank; });
            continue;
        }
        std::stable_sort(chips.begin(), chips.end(), [&](int a, int b) {
            return std::tie(m_nodes[a].rank, m_nodes[a].roles, m_nodes[a].id) <
                   std::tie(m_nodes[b].rank, m_nodes[b].roles, m_nodes[b].id);
        });
    }
    const bool short_ = area.height() < kShortMap;
    m_corridor = kCorridor - (short_ ? kShortBy : 0.0);
    m_lane = kLane - (short_ ? kShortBy / 2 : 0.0);
    // The internet band in one row, its title beside its chips, when they fit so (wide enough
    // for their names): the datacenters get the height.
    m_bandInline = true;
    qsizetype bands = 0;
    for (const MapSite &s : m_sites)
        bands += s.internet ? 1 : 0;
    for (int s = 0; s < m_sites.size(); ++s) {
        if (!m_sites[s].internet)
            continue;
        const double width = (area.width() - kGutter) / bands - kGutter;
        const double title =
            std::min(fonts.title.horizontalAdvance(m_sites[s].label) + 24, width * kBandTitleShare);
        const qsizetype n = chipsOf[size_t(s)].size();
        m_bandInline = m_bandInline && n <= kBandColumns &&
                       (width - title - kColGap - (n - 1) * kColGap) / std::max<qsizetype>(1, n) >=
                           kBandChipLeast;
    }
    chooseColumns(area, chipsOf, fonts);
    orderRows(chipsOf);
    placeSites(area, fonts, chipsOf);
    m_dense = false;
    for (int s = 0; s < m_sites.size(); ++s)
        placeChips(s, chipsOf[size_t(s)], fonts, manual);
    bundle();
    route(area, fonts);
}

namespace {

// A site's chips as rows: one per place on the request path, wrapped at `columns`; latent
// places last, each a row of its own.
struct Rows
{
    QList<QList<int>> rows;
    QList<int> latent;
    int columns = 1;
};

Rows rowsOf(const QList<int> &chips, const QList<MapNode> &nodes, int columns)
{
    Rows out;
    QList<QList<int>> byRank;
    int running = 0;
    for (int c : chips) {
        if (!nodes[c].latent.isEmpty()) {
            out.latent.append(c);
            continue;
        }
        ++running;
        if (byRank.isEmpty() || nodes[byRank.last().first()].rank != nodes[c].rank)
            byRank.append(QList<int>());
        byRank.last().append(c);
    }
    // A place's chips share a row when they fit in one; a row holds the next places too while
    // there is room (compact, and still in request-path order).
    out.columns = std::max(1, columns);
    for (const QList<int> &r : byRank) {
        if (!out.rows.isEmpty() && out.rows.last().size() + r.size() <= out.columns) {
            out.rows.last() += r;
            continue;
        }
        for (int i = 0; i < r.size(); i += out.columns)
            out.rows.append(r.mid(i, out.columns));
    }
    return out;
}

} // namespace

// Within each place on the request path, chips follow the middle of what they are joined to
// (barycentre ordering, as in layered graph drawing): fewer hops cross. Positions are fractions
// of the map's width, so the order does not depend on the window's size.
void MapScene::orderRows(std::vector<QList<int>> &chipsOf) const
{
    QList<int> internet, inside;
    for (int s = 0; s < m_sites.size(); ++s)
        (m_sites[s].internet ? internet : inside).append(s);
    std::vector<double> position(size_t(m_nodes.size()), 0.5);
    auto place = [&] {
        for (const QList<int> *row : {&internet, &inside}) {
            for (int i = 0; i < row->size(); ++i) {
                const QList<int> &chips = chipsOf[size_t(row->at(i))];
                if (m_sites[row->at(i)].internet) { // one row across the band, as placed
                    for (int k = 0; k < chips.size(); ++k)
                        position[size_t(chips[k])] = (i + (k + 0.5) / chips.size()) / row->size();
                    continue;
                }
                const Rows rows = rowsOf(chips, m_nodes, m_sites[row->at(i)].columns);
                for (const QList<int> &r : rows.rows) {
                    for (int k = 0; k < r.size(); ++k)
                        position[size_t(r[k])] =
                            (i + (k + 0.5 + (rows.columns - r.size()) / 2.0) / rows.columns) /
                            row->size();
                }
            }
        }
    };
    place();
    for (int sweep = 0; sweep < 3; ++sweep) {
        for (int s = 0; s < m_sites.size(); ++s) {
            QList<int> &chips = chipsOf[size_t(s)];
            if (chips.size() < 2 || chips.size() > kOrderedAtMost)
                continue; // alone, or squares in a dense map
            std::vector<double> centre(size_t(m_nodes.size()), 0.0);
            for (int c : chips) {
                const std::vector<int> &linked = m_linked[size_t(c)];
                double sum = 0.0;
                for (int o : linked)
                    sum += position[size_t(o)];
                centre[size_t(c)] = linked.empty() ? position[size_t(c)] : sum / linked.size();
            }
            std::stable_sort(chips.begin(), chips.end(), [&](int a, int b) {
                if (m_nodes[a].rank != m_nodes[b].rank)
                    return m_nodes[a].rank < m_nodes[b].rank;
                return centre[size_t(a)] < centre[size_t(b)];
            });
        }
        place();
    }
}

double MapScene::bandHeight(const QRectF &area, const std::vector<QList<int>> &chipsOf) const
{
    // As many rows as the internet's busiest site needs (of wide, one-line chips), at most a
    // third of the map.
    int rows = 0;
    bool any = false;
    for (int s = 0; s < m_sites.size(); ++s) {
        if (!m_sites[s].internet)
            continue;
        any = true;
        const int n = int(chipsOf[size_t(s)].size());
        rows = std::max(rows, (n + kBandColumns - 1) / kBandColumns);
    }
    if (any && m_bandInline)
        return kChipHeight + 2 * kBandMargin;
    return any ? std::min(area.height() / 3.0,
                          kBandTitle + std::max(1, rows) * (kChipHeight + kRowGap))
               : 0.0;
}

// A datacenter's columns: as few as let its rows fit the map's height (a column reads top down
// along the request path), more only when the map is too short. The width never decides: a
// resize that keeps the height keeps every chip's row and column.
void MapScene::chooseColumns(const QRectF &area, const std::vector<QList<int>> &chipsOf,
                             const MapFonts &fonts)
{
    const double band = bandHeight(area, chipsOf);
    int datacenters = 0;
    for (const MapSite &s : m_sites)
        datacenters += s.internet ? 0 : 1;
    const double siteWidth =
        (area.width() - kGutter * std::max(1, datacenters)) / std::max(1, datacenters);
    const double boxHeight = area.height() - (band > 0 ? band + m_corridor : 0.0) - m_lane -
                             (8.0 + 2 * 16.0) - kRowGap; // a two-line title and the margins
    const double chipHeight = m_level == MapLevel::Roles ? kRoleChipHeight : kChipHeight;
    for (int s = 0; s < m_sites.size(); ++s) {
        const QList<int> &chips = chipsOf[size_t(s)];
        int latent = 0;
        for (int c : chips)
            latent += m_nodes[c].latent.isEmpty() ? 0 : 1;
        const int running = int(chips.size()) - latent;
        const int most = std::max(1, int(std::ceil(std::sqrt(double(running)))));
        // In the role view, no more columns than leave each name room (at 80 %, wrapped after
        // its separators on two lines): names are never cut there.
        int widest = most;
        if (m_level == MapLevel::Roles) {
            double name = 0.0;
            for (int c : chips) {
                if (m_nodes[c].latent.isEmpty()) {
                    for (const QString &piece : breakable(m_nodes[c].label).split(QChar(0x200B)))
                        name = std::max(name, fonts.markerLabel.horizontalAdvance(piece));
                }
            }
            const double needed = name + kRoleNameRoom;
            while (widest > 1 &&
                   (siteWidth - 2 * kColGap - (widest - 1) * kColGap) / widest < needed)
                --widest;
        }
        int columns =
            running > kOrderedAtMost ? std::max(1, int(std::ceil(std::sqrt(running / 2.0)))) : most;
        // At full size if some number of columns fits; else with the gaps and chips shrunk.
        bool chosen = running > kOrderedAtMost;
        for (const double pitch : {chipHeight + kRowGap, kChipHeightLeast + kRowGapLeast}) {
            for (int c = 1; !chosen && c < most; ++c) {
                const qsizetype rows = rowsOf(chips, m_nodes, c).rows.size();
                if (rows * pitch + latent * (2.5 * kChipHeight) <= boxHeight) {
                    columns = c;
                    chosen = true;
                }
            }
        }
        m_sites[s].columns = std::min(columns, widest);
    }
}

void MapScene::placeSites(const QRectF &area, const MapFonts &fonts,
                          const std::vector<QList<int>> &chipsOf)
{
    QList<int> internet, inside;
    for (int s = 0; s < m_sites.size(); ++s)
        (m_sites[s].internet ? internet : inside).append(s);
    const double left = area.left() + kGutter / 2;
    const double width = area.width() - kGutter;
    const double bandHeight = this->bandHeight(area, chipsOf);
    const double bandWidth = internet.isEmpty() ? 0.0 : width / internet.size();
    for (int i = 0; i < internet.size(); ++i) {
        MapSite &s = m_sites[internet[i]];
        s.rect = QRectF(left + i * bandWidth, area.top(),
                        bandWidth - (i + 1 < internet.size() ? kGutter : 0.0), bandHeight);
        s.titleHeight = m_bandInline ? bandHeight : kBandTitle - 4;
        s.titleWidth = m_bandInline ? std::min(s.rect.width() * kBandTitleShare,
                                               fonts.title.horizontalAdvance(s.label) + 24)
                                    : 0.0;
    }
    // Datacenters side by side, each as wide as its columns need.
    const double top = area.top() + (internet.isEmpty() ? 0.0 : bandHeight + m_corridor);
    const double bottom = area.bottom() - m_lane;
    std::vector<double> weight;
    double total = 0.0;
    for (int s : inside) {
        weight.push_back(m_sites[s].columns + 0.6);
        total += weight.back();
    }
    const double room = width - kGutter * std::max<qsizetype>(0, inside.size() - 1);
    double x = left;
    for (int i = 0; i < inside.size(); ++i) {
        MapSite &s = m_sites[inside[i]];
        const double w = room * weight[size_t(i)] / std::max(total, 1.0);
        s.rect = QRectF(x, top, w, std::max(40.0, bottom - top));
        x += w + kGutter;
        // Its title wraps over four lines at most, above its chips.
        const QString label = s.label + (s.down ? QStringLiteral("  (down)") : QString());
        const double lines =
            std::clamp(std::ceil(fonts.title
                                     .boundingRect(QRectF(0, 0, std::max(1.0, w - 20), 1000),
                                                   Qt::TextWordWrap, label)
                                     .height() /
                                 fonts.title.lineSpacing()),
                       1.0, 4.0);
        s.titleHeight = 8.0 + lines * fonts.title.lineSpacing();
    }
}

QRectF MapScene::innerBox(int site) const
{
    const MapSite &s = m_sites[site];
    if (s.internet && s.titleWidth > 0) // beside its title
        return s.rect.adjusted(s.titleWidth, kBandMargin, -kColGap, -kBandMargin);
    if (s.internet)
        return s.rect.adjusted(kColGap, kBandTitle, -kColGap, -kRowGap);
    return s.rect.adjusted(kColGap, s.titleHeight + kRowGap / 2 + 2, -kColGap, -kRowGap / 2);
}

void MapScene::placeChips(int s, QList<int> chips, const MapFonts &fonts,
                          const QHash<QString, std::pair<double, double>> &manual)
{
    MapSite &site = m_sites[s];
    const QRectF box = innerBox(s);
    site.dense = false;
    site.rowGap = kRowGap;
    const double chipHeight = m_level == MapLevel::Roles ? kRoleChipHeight : kChipHeight;
    if (site.internet) { // one row (or a few) across the band, centred
        const double chipHeight = kChipHeight;
        const int n = int(chips.size());
        const int columns = std::max(1, std::min(n, kBandColumns));
        const double w =
            std::min(kChipWidth * 1.4, (box.width() - (columns - 1) * kColGap) / columns);
        for (int i = 0; i < n; ++i) {
            const int row = i / columns;
            const int inRow = std::min(columns, n - row * columns);
            const double start = box.center().x() - (inRow * w + (inRow - 1) * kColGap) / 2;
            m_nodes[chips[i]].rect =
                QRectF(start + (i % columns) * (w + kColGap),
                       box.top() + row * (chipHeight + kRowGap), std::max(1.0, w), chipHeight);
        }
        return;
    }
    const Rows rows = rowsOf(chips, m_nodes, site.columns);
    const double w =
        std::min(kChipWidth * 1.4, (box.width() - (rows.columns - 1) * kColGap) / rows.columns);
    // What the latent places say, read in full: as tall as their text at the site's width.
    QList<double> latentHeights;
    double latentHeight = 0.0;
    for (int c : rows.latent) {
        const MapNode &n = m_nodes[c];
        latentHeights.append(std::max(
            kChipHeight, fonts.small
                                 .boundingRect(QRectF(0, 0, std::max(1.0, box.width() - 12), 1000),
                                               Qt::TextWordWrap, n.roles + u'\n' + n.latent)
                                 .height() +
                             8.0));
        latentHeight += latentHeights.last() + kRowGap;
    }
    // A short map: the gaps narrow first, then the chips grow shorter (to a line and a half).
    const int rowCount = int(rows.rows.size());
    double rowGap = kRowGap;
    double height = chipHeight;
    const double room = box.height() - latentHeight;
    if (rowCount > 0 && rowCount * height + (rowCount - 1) * rowGap > room) {
        rowGap = std::max(kRowGapLeast, (room - rowCount * height) / std::max(1, rowCount - 1));
        height =
            std::clamp((room - (rowCount - 1) * rowGap) / rowCount, kChipHeightLeast, chipHeight);
    }
    site.rowGap = rowGap;
    const double pitchY = height + rowGap;
    const bool fits = rowCount * pitchY - rowGap <= room + 1.0;
    // Squares when nodes do not fit as labelled chips (in the role view too, when a role chip
    // expanded into more nodes than fit).
    const bool nodes = std::any_of(chips.cbegin(), chips.cend(), [this](int c) {
        return !m_nodes[c].role() && m_nodes[c].latent.isEmpty();
    });
    if (nodes && (w < kNarrowest || !fits)) {
        // Dense: square cells as large as the box allows, row by row in request-path order.
        m_dense = site.dense = true;
        const int n = int(chips.size());
        double cell = std::floor(std::sqrt(box.width() * box.height() / n));
        while (cell > 2.0 &&
               std::ceil(double(n) / std::max(1.0, std::floor(box.width() / cell))) * cell >
                   box.height())
            cell -= 0.5;
        cell = std::max(cell, 2.0);
        const int columns = std::max(1, int(box.width() / cell));
        const double side = std::max(1.5, cell * 0.78);
        int i = 0;
        for (const QList<int> &r : rows.rows) {
            for (int c : r) {
                m_nodes[c].rect = QRectF(box.left() + (i % columns) * cell,
                                         box.top() + (i / columns) * cell, side, side);
                ++i;
            }
        }
        for (int c : rows.latent) {
            m_nodes[c].rect = QRectF(box.left() + (i % columns) * cell,
                                     box.top() + (i / columns) * cell, side, side);
            ++i;
        }
        return;
    }
    double y = box.top();
    for (const QList<int> &r : rows.rows) {
        // A short row is centred under the full ones: straight hops between rows.
        const double start = box.left() + (rows.columns - r.size()) * (w + kColGap) / 2;
        for (int k = 0; k < r.size(); ++k) {
            QRectF &rect = m_nodes[r[k]].rect;
            rect = QRectF(start + k * (w + kColGap), y, std::max(1.0, w), height);
            const auto placed = manual.constFind(m_nodes[r[k]].id);
            if (placed != manual.cend()) { // placed by hand: kept where it was put
                rect.moveTopLeft(
                    QPointF(std::clamp(box.left() + placed->first * box.width(), box.left(),
                                       std::max(box.left(), box.right() - rect.width())),
                            std::clamp(box.top() + placed->second * box.height(), box.top(),
                                       std::max(box.top(), box.bottom() - rect.height()))));
            }
        }
        y += pitchY;
    }
    // Latent places: as wide as the site and as tall as what they say, read in full.
    for (int i = 0; i < rows.latent.size(); ++i) {
        MapNode &n = m_nodes[rows.latent[i]];
        n.rect = QRectF(box.left(), y, box.width(),
                        std::clamp(latentHeights[i], kChipHeightLeast,
                                   std::max(kChipHeightLeast, box.bottom() - y)));
        y += n.rect.height() + kRowGap;
    }
}

} // namespace warroom
