#pragma once

#include "core/events/event_sink.h"
#include "core/util/result.h"
#include "series_chunks.h"

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace warroom {

struct WriterBatch;
class WriterBackend;

// The one writer of a recording: a thread of its own that owns the connection (a file's SQLite
// or a shared incident's PostgreSQL, writer_backend.h) and commits whatever was handed to it since
// the last commit in one transaction. Producers never touch the database; they hand over batches
// and go on. When more than `kMaxPendingBytes` wait, producers block (backpressure) instead of
// growing without bound.
class RecordingWriter
{
public:
    static constexpr qsizetype kMaxPendingBytes = 64 << 20;

    // A new, empty recording at `path`; an existing file there is replaced. `path` may be a
    // shared incident's address: a new incident of that name (an existing one is an error).
    static Result<std::unique_ptr<RecordingWriter>> create(const QString &path);
    // An existing recording, migrated to the current schema, to append to.
    // `appendsEvents`: a live source that will append events claims the recording now (a shared
    // incident takes one such writer: a second is refused here rather than at its first event).
    static Result<std::unique_ptr<RecordingWriter>> openForAppend(const QString &path,
                                                                  bool appendsEvents = false);

    ~RecordingWriter(); // commits what is pending, then closes

    RecordingWriter(const RecordingWriter &) = delete;
    RecordingWriter &operator=(const RecordingWriter &) = delete;

    const QString &path() const { return m_path; }

    qint64 append(Event event); // returns the event's id
    int addSeries(const SeriesInfo &info);
    void addChunks(std::vector<SeriesChunk> chunks);
    void setSeriesExtent(int series, qint64 count, int levels);
    void setMeta(const QString &key, const QString &value);
    void addTopologyVersion(qint64 timeMs, const QString &reason, const QByteArray &json);
    // Where a map element was placed by hand (fractions of its site's box).
    void setLayout(const QString &element, double x, double y);
    // ... or that it goes back to where the map computes it.
    void removeLayout(const QString &element);
    // A post-mortem (its JSON form), replacing the one with the same id.
    void setPostMortem(const QString &id, const QByteArray &json);
    // ... or that there is none with that id any more.
    void removePostMortem(const QString &id);

    // Hears, on the writer's own thread, what someone running it should know while a write
    // waits (a shared database unreachable, and back): e.g. printed by `ingest`.
    void setNotices(std::function<void(const QString &)> notice);

    // Blocks until everything handed over so far is committed; the first write error if any.
    // With `waitMs` >= 0, waits at most that long: false when not committed yet (a full disk
    // being waited out), and the caller asks again later.
    Result<bool> flush(int waitMs = -1);
    // A long-running writer (a live feed) waits out a full disk or an I/O error: the failed
    // write is retried every second with everything handed over kept, until it goes through.
    // Without it (the default) a write error is final. Set before handing anything over.
    void setWaitForSpace(bool wait) { m_waitForSpace = wait; }
    bool waitingForSpace() const { return m_waitingForSpace.load(); }
    Result<bool> close();
    // The owner is closing: what it hands over from now on is taken however much waits (its
    // last words, written or not, must not block it), and a full disk is waited out for at
    // most 30 s more.
    void beginClose();

private:
    explicit RecordingWriter(QString path);
    Result<bool> start(bool create);
    void run(bool create);
    Result<bool> retryUntilWritten(const WriterBatch &batch, Result<bool> written);
    template<typename F> void submit(qsizetype bytes, F &&addTo);

    QString m_path;
    std::unique_ptr<WriterBackend> m_backend; // used on m_thread only
    bool m_appendsEvents = false;
    std::function<void(const QString &)> m_notice; // under m_mutex
    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;     // writer: something to do
    std::condition_variable m_progress; // producers: space freed or a commit done
    std::unique_ptr<WriterBatch> m_pending;
    qsizetype m_pendingBytes = 0;
    quint64 m_submitted = 0;
    quint64 m_committed = 0;
    bool m_started = false;
    bool m_stop = false;
    bool m_closing = false; // beginClose()
    bool m_gaveUp = false;  // a full disk outlasted the closing: no more retries (writer's)
    std::atomic<bool> m_waitForSpace = false;
    std::atomic<bool> m_waitingForSpace = false;
    ErrorList m_errors;
    qint64 m_nextEventId = 1;
    int m_nextSeriesId = 1;
};

} // namespace warroom
