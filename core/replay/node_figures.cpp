#include "node_figures.h"

#include "core/store/recording.h"

namespace warroom {

Result<QHash<QString, NodeFigures>> loadNodeFigures(const QString &path, qint64 timeMs)
{
    auto opened = Recording::open(path);
    if (!opened)
        return opened.errors();
    const Recording &r = *opened.value();
    QHash<QString, NodeFigures> figures;
    for (const StoredSeries &series : r.series()) {
        const SeriesInfo &info = series.info;
        if (info.node.isEmpty() || timeMs < info.startMs || timeMs >= series.endMs())
            continue;
        double NodeFigures::*field = info.metric == u"cpu"        ? &NodeFigures::cpu
                                     : info.metric == u"requests" ? &NodeFigures::requestsPerS
                                     : info.metric == u"errors"   ? &NodeFigures::errorsPerS
                                     : info.metric == u"waiting"  ? &NodeFigures::waiting
                                     : info.metric == u"oldest"   ? &NodeFigures::oldestMs
                                                                  : nullptr;
        if (!field)
            continue;
        // The one sample that covers the moment.
        const QList<WindowPoint> at =
            r.window(series, timeMs, timeMs + std::max<qint64>(1, info.intervalMs), 1);
        if (!at.isEmpty() && !std::isnan(at.first().max))
            figures[info.node].*field = at.first().max;
    }
    return figures;
}

} // namespace warroom
