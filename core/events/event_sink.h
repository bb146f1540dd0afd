#pragma once

#include "event.h"

namespace warroom {

// A regularly sampled metric: one value per `intervalMs` from `startMs` on.
struct SeriesInfo
{
    QString key;    // "node/app-3/cpu", "service/failed", "queue/backlog"
    QString node;   // node id, empty for service-wide series
    QString metric; // "cpu", "requests", ...
    QString unit;   // "%", "req/s", "ms", "items"
    qint64 startMs = 0;
    qint64 intervalMs = 1000;
    bool operator==(const SeriesInfo &) const = default;
};

// Where a source (the simulator, later the live feed) puts what it produces. Samples of a
// series arrive in time order, one per interval; NaN marks "no value".
class EventSink
{
public:
    virtual ~EventSink() = default;
    virtual void event(Event event) = 0;
    virtual int beginSeries(const SeriesInfo &info) = 0; // returns the series handle
    virtual void sample(int series, float value) = 0;
    virtual void endSeries(int series) = 0;
    // A new version of the topology, as JSON (core/model/topology_json.h).
    virtual void topologyVersion(qint64 timeMs, const QString &reason, const QByteArray &json) = 0;
};

} // namespace warroom
