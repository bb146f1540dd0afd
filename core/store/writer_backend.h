#pragma once

#include <functional>

// What the one writer of a recording hands to where it is stored: a file (SQLite) or a shared
// incident (PostgreSQL). Internal to core/store; RecordingWriter is the interface.

#include "core/events/event.h"
#include "core/events/event_sink.h"
#include "core/util/result.h"
#include "series_chunks.h"

#include <memory>
#include <tuple>
#include <vector>

namespace warroom {

// Everything handed over since the last commit, committed in one transaction.
struct WriterBatch
{
    std::vector<Event> events;
    std::vector<std::pair<int, SeriesInfo>> series;
    std::vector<SeriesChunk> chunks;
    std::vector<std::tuple<int, qint64, int>> extents; // series, count, levels
    std::vector<std::pair<QString, QString>> meta;
    struct Version
    {
        qint64 timeMs;
        QString reason;
        QByteArray json;
    };
    std::vector<Version> versions;
    std::vector<std::tuple<QString, double, double>> layout;
    std::vector<std::pair<QString, QByteArray>> postMortems;

    bool empty() const
    {
        return events.empty() && series.empty() && chunks.empty() && extents.empty() &&
               meta.empty() && versions.empty() && layout.empty() && postMortems.empty();
    }
};

// Where a writer commits; created, used and destroyed on the writer's thread.
class WriterBackend
{
public:
    virtual ~WriterBackend() = default;
    // Opens (with `create`: makes a new, empty) recording; says the ids to continue from.
    // `appendsEvents`: this writer will append events (a live source): where only one may,
    // that is claimed now, so that a second one is refused at once.
    virtual Result<bool> open(bool create, bool appendsEvents, qint64 *nextEventId,
                              int *nextSeriesId) = 0;
    virtual Result<bool> write(const WriterBatch &batch) = 0;
    // Whether a failed write may go through later as it is (a full disk, an I/O error): the
    // writer then keeps the batch and tries again.
    virtual bool mayRetry(const ErrorList &) const { return false; }

    // Told, on the writer's thread, what the people running the writer should know while it
    // waits (a database gone away, back again). Set before the first write.
    std::function<void(const QString &)> notice;
};

std::unique_ptr<WriterBackend> makeFileBackend(const QString &path);
std::unique_ptr<WriterBackend> makeSharedBackend(const QString &address);

} // namespace warroom
