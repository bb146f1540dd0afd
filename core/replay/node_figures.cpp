#include "node_figures.h"

#include "core/store/recording.h"

namespace warroom {

Result<MapFigures> loadMapFigures(const QString &path, qint64 timeMs)
{
    auto opened = Recording::open(path);
    if (!opened)
        return opened.errors();
    const Recording &r = *opened.value();
    MapFigures figures;
    for (const StoredSeries &series : r.series()) {
        const SeriesInfo &info = series.info;
        if (timeMs < info.startMs || timeMs >= series.endMs())
            continue;
        double *field = nullptr;
        if (!info.node.isEmpty()) {
            NodeFigures &f = figures.nodes[info.node];
            field = info.metric == u"cpu"        ? &f.cpu
                    : info.metric == u"requests" ? &f.requestsPerS
                    : info.metric == u"errors"   ? &f.errorsPerS
                    : info.metric == u"waiting"  ? &f.waiting
                    : info.metric == u"oldest"   ? &f.oldestMs
                                                 : nullptr;
        } else if (info.key.startsWith(u"link/")) { // link/ID/metric
            const QString id = info.key.section(u'/', 1, 1);
            LinkFigures &f = figures.links[id];
            field = info.metric == u"utilization" ? &f.utilization
                    : info.metric == u"loss"      ? &f.loss
                    : info.metric == u"latency"   ? &f.latencyMs
                                                  : nullptr;
        }
        if (!field)
            continue;
        // The one sample that covers the moment.
        const QList<WindowPoint> at =
            r.window(series, timeMs, timeMs + std::max<qint64>(1, info.intervalMs), 1);
        if (!at.isEmpty() && !std::isnan(at.first().max))
            *field = at.first().max;
    }
    // A node seen only through series other than its figures has none.
    for (auto it = figures.nodes.begin(); it != figures.nodes.end();) {
        if (it.value() == NodeFigures{})
            it = figures.nodes.erase(it);
        else
            ++it;
    }
    return figures;
}

} // namespace warroom
