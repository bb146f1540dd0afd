#pragma once

#include <QByteArray>

#include <cstdint>
#include <vector>

namespace warroom {

// How metric samples are laid out in a recording. Level 0 holds the samples; each level
// L >= 1 holds one (min, max) pair per 8^L samples, so a chart window of any zoom reads at
// most ~8 entries per pixel column from the level that fits. Each level is cut into chunks of
// up to 4096 entries stored as one blob of little-endian float32 (pairs for L >= 1).
namespace chunks {
constexpr int kEntries = 4096;
constexpr int kFanOut = 8;
constexpr int kMaxLevels = 12;

constexpr qint64 samplesPerEntry(int level)
{
    qint64 n = 1;
    for (int i = 0; i < level; ++i)
        n *= kFanOut;
    return n;
}
} // namespace chunks

struct SeriesChunk
{
    int series = -1;
    int level = 0;
    qint64 index = 0; // chunk number within the level
    int count = 0;    // entries in `data`
    QByteArray data;
    bool operator==(const SeriesChunk &) const = default;
};

// Turns one series' samples into chunks of every level, as they arrive.
class SeriesEncoder
{
public:
    explicit SeriesEncoder(int series)
        : m_series(series)
    {}

    void append(float value);
    // Full chunks produced since the last call.
    void takeChunks(std::vector<SeriesChunk> &out);
    // Emits what is left (partial chunks and buckets); the encoder is done after this.
    void finish(std::vector<SeriesChunk> &out);
    // The chunks being filled, as they are now (a live recording stores them so that what was
    // acknowledged is on disk; the full chunk replaces them later). Buckets not yet complete
    // are not summarised: coarse levels lag by at most one bucket.
    void snapshot(std::vector<SeriesChunk> &out) const;

    qint64 count() const { return m_count; }
    int levels() const { return int(m_levels.size()); }

private:
    struct Level
    {
        std::vector<float> entries; // the chunk being filled (pairs for level >= 1)
        qint64 chunk = 0;
        // The bucket being accumulated for the next level up.
        float min = 0.0f;
        float max = 0.0f;
        int filled = 0;
    };

    void push(int level, float min, float max);
    SeriesChunk chunkOf(int level) const;
    void emitChunk(int level);

    int m_series;
    qint64 m_count = 0;
    std::vector<Level> m_levels{1};
    std::vector<SeriesChunk> m_ready;
};

} // namespace warroom
