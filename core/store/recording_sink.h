#pragma once

#include "core/events/event_sink.h"
#include "series_chunks.h"

#include <vector>

namespace warroom {

class RecordingWriter;

// Feeds a source's output into a recording: encodes samples into chunks and levels and hands
// them to the writer thread in batches.
class RecordingSink final : public EventSink
{
public:
    explicit RecordingSink(RecordingWriter &writer)
        : m_writer(writer)
    {}
    ~RecordingSink() override;

    void event(Event event) override;
    int beginSeries(const SeriesInfo &info) override;
    void sample(int series, float value) override;
    void endSeries(int series) override;
    void topologyVersion(qint64 timeMs, const QString &reason, const QByteArray &json) override;

    // Ends every open series and hands everything over to the writer.
    void finish();
    // Hands the complete chunks over to the writer; with `withPartialChunks` also the chunks
    // being filled of every series that grew (a live feed before each commit, so that every
    // acknowledged sample is committed).
    void handOver(bool withPartialChunks = false);
    // Samples came since the last hand-over with partial chunks (the next one rewrites them).
    bool seriesGrew() const { return m_seriesGrew; }

private:
    RecordingWriter &m_writer;
    struct Open
    {
        int id = -1;
        SeriesEncoder encoder;
        bool open = true;
        qint64 handedOver = 0; // samples in the chunks handed over with partial ones
    };
    std::vector<Open> m_series; // by handle
    std::vector<SeriesChunk> m_ready;
    qint64 m_samplesSinceHandOver = 0;
    bool m_seriesGrew = false;
};

} // namespace warroom
