#include "recording_sink.h"

#include "recording_writer.h"

namespace warroom {

namespace {
constexpr qint64 kHandOverSamples = 1 << 20;
}

RecordingSink::~RecordingSink()
{
    finish();
}

void RecordingSink::event(Event event)
{
    m_writer.append(std::move(event));
}

int RecordingSink::beginSeries(const SeriesInfo &info)
{
    const int id = m_writer.addSeries(info);
    m_series.push_back(Open{id, SeriesEncoder(id), true});
    return int(m_series.size()) - 1;
}

void RecordingSink::sample(int series, float value)
{
    m_series[size_t(series)].encoder.append(value);
    m_seriesGrew = true;
    if (++m_samplesSinceHandOver >= kHandOverSamples)
        handOver();
}

void RecordingSink::endSeries(int series)
{
    Open &s = m_series[size_t(series)];
    if (!s.open)
        return;
    s.open = false;
    s.encoder.finish(m_ready);
    m_writer.setSeriesExtent(s.id, s.encoder.count(), s.encoder.levels());
}

void RecordingSink::topologyVersion(qint64 timeMs, const QString &reason, const QByteArray &json)
{
    m_writer.addTopologyVersion(timeMs, reason, json);
}

void RecordingSink::handOver(bool withPartialChunks)
{
    m_samplesSinceHandOver = 0;
    for (Open &s : m_series) {
        if (!s.open)
            continue;
        const size_t before = m_ready.size();
        s.encoder.takeChunks(m_ready);
        const bool grew = s.encoder.count() != s.handedOver;
        if (withPartialChunks && grew)
            s.encoder.snapshot(m_ready);
        if (m_ready.size() != before)
            m_writer.setSeriesExtent(s.id, s.encoder.count(), s.encoder.levels());
        if (withPartialChunks)
            s.handedOver = s.encoder.count();
    }
    m_writer.addChunks(std::exchange(m_ready, {}));
    if (withPartialChunks)
        m_seriesGrew = false;
}

void RecordingSink::finish()
{
    for (size_t i = 0; i < m_series.size(); ++i)
        endSeries(int(i));
    m_writer.addChunks(std::exchange(m_ready, {}));
}

} // namespace warroom
