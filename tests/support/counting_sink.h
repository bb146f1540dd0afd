#pragma once

// What a simulation produces, counted without a file: the events kept, the samples counted.

#include "core/events/event_sink.h"

#include <QList>

namespace warroom::test {

class CountingSink final : public EventSink
{
public:
    void event(Event e) override { events.append(std::move(e)); }
    int beginSeries(const SeriesInfo &) override { return series++; }
    void sample(int, float) override { ++samples; }
    void endSeries(int) override {}
    void topologyVersion(qint64, const QString &, const QByteArray &) override { ++versions; }
    QList<Event> events;
    int series = 0;
    qint64 samples = 0;
    int versions = 0;
};

} // namespace warroom::test
