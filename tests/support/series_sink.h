#pragma once

// What a simulation produces, kept in memory for tests: events, and series by key.

#include "core/sim/simulator.h"

#include <QStringList>

#include <cmath>
#include <vector>

namespace warroom::test {

// Keeps what a simulation produces, series by key.
class SeriesSink final : public EventSink
{
public:
    void event(Event e) override { events.append(std::move(e)); }
    int beginSeries(const SeriesInfo &info) override
    {
        keys.append(info.key);
        values.emplace_back();
        return int(keys.size()) - 1;
    }
    void sample(int series, float value) override { values[size_t(series)].push_back(value); }
    void endSeries(int) override {}
    void topologyVersion(qint64 timeMs, const QString &reason, const QByteArray &json) override
    {
        versions.append({timeMs, reason, json});
    }
    struct Version
    {
        qint64 timeMs;
        QString reason;
        QByteArray json;
    };
    QList<Version> versions;

    const std::vector<float> &series(const QString &key) const
    {
        static const std::vector<float> none;
        const qsizetype i = keys.indexOf(key);
        return i < 0 ? none : values[size_t(i)];
    }
    double total(const QString &key) const
    {
        double sum = 0.0;
        for (float v : series(key))
            sum += std::isnan(v) ? 0.0 : double(v);
        return sum;
    }
    double maximum(const QString &key) const
    {
        double most = 0.0;
        for (float v : series(key))
            most = std::isnan(v) ? most : std::max(most, double(v));
        return most;
    }
    // The mean of a series over [from, to) seconds (1 s ticks, recorded from the start).
    double mean(const QString &key, int from, int to) const
    {
        const std::vector<float> &v = series(key);
        double sum = 0.0;
        int n = 0;
        for (int i = from; i < to && i < int(v.size()); ++i) {
            if (!std::isnan(v[size_t(i)])) {
                sum += v[size_t(i)];
                ++n;
            }
        }
        return n ? sum / n : std::nan("");
    }
    QList<Event> ofKind(EventKind kind) const
    {
        QList<Event> out;
        for (const Event &e : events) {
            if (e.kind == kind)
                out.append(e);
        }
        return out;
    }

    QList<Event> events;
    QStringList keys;
    std::vector<std::vector<float>> values;
};

// Simulates `scenario` (with what-ifs); fails the test on an error.
inline SeriesSink run(const Scenario &scenario, const QStringList &whatIfs = {})
{
    SimulationOptions options;
    options.whatIfs = whatIfs;
    SeriesSink sink;
    const auto stats = simulate(scenario, options, sink);
    if (!stats)
        qFatal("%s", qPrintable(stats.errors().first().toString()));
    return sink;
}

} // namespace warroom::test
