#include "series_chunks.h"

#include <QtEndian>

#include <cmath>

namespace warroom {

namespace {

// NaN means "no value": it never wins a min or a max against a number.
float nanMin(float a, float b)
{
    return std::isnan(a) ? b : (std::isnan(b) ? a : std::min(a, b));
}
float nanMax(float a, float b)
{
    return std::isnan(a) ? b : (std::isnan(b) ? a : std::max(a, b));
}

} // namespace

void SeriesEncoder::append(float value)
{
    ++m_count;
    push(0, value, value);
}

void SeriesEncoder::push(int level, float min, float max)
{
    Level &l = m_levels[level];
    if (level == 0) {
        l.entries.push_back(min);
    } else {
        l.entries.push_back(min);
        l.entries.push_back(max);
    }
    const int perEntry = level == 0 ? 1 : 2;
    if (int(l.entries.size()) == chunks::kEntries * perEntry)
        emitChunk(level);

    // Fold the entry into the bucket of the level above.
    if (level + 1 >= chunks::kMaxLevels)
        return;
    if (l.filled == 0) {
        l.min = min;
        l.max = max;
    } else {
        l.min = nanMin(l.min, min);
        l.max = nanMax(l.max, max);
    }
    if (++l.filled == chunks::kFanOut) {
        const float bucketMin = l.min;
        const float bucketMax = l.max;
        l.filled = 0;
        if (int(m_levels.size()) == level + 1)
            m_levels.emplace_back();
        push(level + 1, bucketMin, bucketMax);
    }
}

SeriesChunk SeriesEncoder::chunkOf(int level) const
{
    const Level &l = m_levels[level];
    SeriesChunk chunk;
    chunk.series = m_series;
    chunk.level = level;
    chunk.index = l.chunk;
    chunk.count = int(l.entries.size()) / (level == 0 ? 1 : 2);
    chunk.data.resize(qsizetype(l.entries.size() * sizeof(float)));
    qToLittleEndian<float>(l.entries.data(), qsizetype(l.entries.size()), chunk.data.data());
    return chunk;
}

void SeriesEncoder::emitChunk(int level)
{
    Level &l = m_levels[level];
    if (l.entries.empty())
        return;
    SeriesChunk chunk = chunkOf(level);
    const bool full = chunk.count == chunks::kEntries;
    m_ready.push_back(std::move(chunk));
    if (full) {
        l.entries.clear();
        ++l.chunk;
    }
}

void SeriesEncoder::snapshot(std::vector<SeriesChunk> &out) const
{
    for (int level = 0; level < int(m_levels.size()); ++level) {
        if (!m_levels[level].entries.empty())
            out.push_back(chunkOf(level));
    }
}

void SeriesEncoder::takeChunks(std::vector<SeriesChunk> &out)
{
    for (SeriesChunk &c : m_ready)
        out.push_back(std::move(c));
    m_ready.clear();
}

void SeriesEncoder::finish(std::vector<SeriesChunk> &out)
{
    // Close the partial buckets bottom-up: each becomes the last entry of the level above,
    // as long as the level below holds more than one entry (a single entry needs no summary).
    for (int level = 0; level + 1 < int(m_levels.size()); ++level) {
        Level &l = m_levels[level];
        if (l.filled == 0)
            continue;
        const float min = l.min;
        const float max = l.max;
        l.filled = 0;
        Level &up = m_levels[level + 1];
        up.entries.push_back(min);
        up.entries.push_back(max);
        if (level + 2 < int(m_levels.size())) {
            Level &next = up;
            next.min = next.filled == 0 ? min : nanMin(next.min, min);
            next.max = next.filled == 0 ? max : nanMax(next.max, max);
            ++next.filled;
        }
    }
    for (int level = 0; level < int(m_levels.size()); ++level)
        emitChunk(level);
    takeChunks(out);
}

} // namespace warroom
