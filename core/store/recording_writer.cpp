#include "recording_writer.h"

#include "shared_address.h"
#include "writer_backend.h"

#include <QFile>

#include <limits>
#include <memory>

namespace warroom {

RecordingWriter::RecordingWriter(QString path)
    : m_path(std::move(path))
    , m_pending(std::make_unique<WriterBatch>())
{}

Result<std::unique_ptr<RecordingWriter>> RecordingWriter::create(const QString &path)
{
    const QStringList files =
        isSharedAddress(path) ? QStringList() : QStringList{path, path + u"-wal", path + u"-shm"};
    for (const QString &file : files) {
        if (QFile::exists(file) && !QFile::remove(file))
            return Error{QStringLiteral("cannot replace the existing file"), path, 0, 0};
    }
    std::unique_ptr<RecordingWriter> writer(new RecordingWriter(path));
    if (auto started = writer->start(true); !started)
        return started.errors();
    return writer;
}

Result<std::unique_ptr<RecordingWriter>> RecordingWriter::openForAppend(const QString &path,
                                                                        bool appendsEvents)
{
    if (!isSharedAddress(path) && !QFile::exists(path))
        return Error{QStringLiteral("no such file"), path, 0, 0};
    std::unique_ptr<RecordingWriter> writer(new RecordingWriter(path));
    writer->m_appendsEvents = appendsEvents;
    if (auto started = writer->start(false); !started)
        return started.errors();
    return writer;
}

Result<bool> RecordingWriter::start(bool create)
{
    m_thread = std::thread([this, create] { run(create); });
    std::unique_lock lock(m_mutex);
    m_progress.wait(lock, [&] { return m_started || !m_errors.isEmpty(); });
    if (!m_errors.isEmpty()) {
        lock.unlock();
        m_thread.join();
        return m_errors;
    }
    return true;
}

RecordingWriter::~RecordingWriter()
{
    close();
}

void RecordingWriter::beginClose()
{
    {
        std::lock_guard lock(m_mutex);
        m_closing = true;
    }
    m_progress.notify_all();
}

Result<bool> RecordingWriter::close()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
    std::lock_guard lock(m_mutex);
    if (!m_errors.isEmpty())
        return m_errors;
    return true;
}

template<typename F> void RecordingWriter::submit(qsizetype bytes, F &&addTo)
{
    std::unique_lock lock(m_mutex);
    m_progress.wait(lock, [&] {
        return m_pendingBytes < kMaxPendingBytes || m_stop || m_closing || !m_errors.isEmpty();
    });
    addTo(*m_pending);
    m_pendingBytes += bytes;
    ++m_submitted;
    lock.unlock();
    m_wake.notify_one();
}

qint64 RecordingWriter::append(Event event)
{
    qint64 id = 0;
    const qsizetype bytes = 64 + event.text.size() * 2;
    submit(bytes, [&](WriterBatch &b) {
        id = event.id = m_nextEventId++;
        b.events.push_back(std::move(event));
    });
    return id;
}

int RecordingWriter::addSeries(const SeriesInfo &info)
{
    int id = 0;
    submit(64, [&](WriterBatch &b) {
        id = m_nextSeriesId++;
        b.series.emplace_back(id, info);
    });
    return id;
}

void RecordingWriter::addChunks(std::vector<SeriesChunk> chunks)
{
    if (chunks.empty())
        return;
    qsizetype bytes = 0;
    for (const SeriesChunk &c : chunks)
        bytes += c.data.size() + 32;
    submit(bytes, [&](WriterBatch &b) {
        if (b.chunks.empty())
            b.chunks = std::move(chunks);
        else
            b.chunks.insert(b.chunks.end(), std::make_move_iterator(chunks.begin()),
                            std::make_move_iterator(chunks.end()));
    });
}

void RecordingWriter::setSeriesExtent(int series, qint64 count, int levels)
{
    submit(16, [&](WriterBatch &b) { b.extents.emplace_back(series, count, levels); });
}

void RecordingWriter::setMeta(const QString &key, const QString &value)
{
    submit(value.size() * 2, [&](WriterBatch &b) { b.meta.emplace_back(key, value); });
}

void RecordingWriter::addTopologyVersion(qint64 timeMs, const QString &reason,
                                         const QByteArray &json)
{
    submit(json.size(), [&](WriterBatch &b) { b.versions.push_back({timeMs, reason, json}); });
}

void RecordingWriter::removeLayout(const QString &element)
{
    // A place without a position: the batch deletes it.
    setLayout(element, std::numeric_limits<double>::quiet_NaN(),
              std::numeric_limits<double>::quiet_NaN());
}

void RecordingWriter::setLayout(const QString &element, double x, double y)
{
    submit(element.size() * 2 + 16, [&](WriterBatch &b) { b.layout.emplace_back(element, x, y); });
}

void RecordingWriter::setPostMortem(const QString &id, const QByteArray &json)
{
    submit(json.size(), [&](WriterBatch &b) { b.postMortems.emplace_back(id, json); });
}

void RecordingWriter::removePostMortem(const QString &id)
{
    // A null JSON in the batch: the row goes (a post-mortem's JSON is never empty).
    submit(id.size() * 2 + 16,
           [&](WriterBatch &b) { b.postMortems.emplace_back(id, QByteArray()); });
}

Result<bool> RecordingWriter::flush(int waitMs)
{
    std::unique_lock lock(m_mutex);
    const quint64 target = m_submitted;
    m_wake.notify_one();
    const auto done = [&] { return m_committed >= target || !m_errors.isEmpty(); };
    if (waitMs < 0)
        m_progress.wait(lock, done);
    else if (!m_progress.wait_for(lock, std::chrono::milliseconds(waitMs), done))
        return false;
    if (!m_errors.isEmpty())
        return m_errors;
    return true;
}

void RecordingWriter::setNotices(std::function<void(const QString &)> notice)
{
    std::lock_guard lock(m_mutex);
    m_notice = std::move(notice);
}

Result<bool> RecordingWriter::retryUntilWritten(const WriterBatch &batch, Result<bool> written)
{
    // A full disk or an I/O error: what was handed over stays here, nothing is acknowledged,
    // and the same batch is tried again every second until it goes through (or, once closing,
    // for at most kRetryWhenClosingMs more).
    constexpr auto kRetryEvery = std::chrono::seconds(1);
    constexpr qint64 kRetryWhenClosingMs = 30'000;
    m_waitingForSpace = true;
    m_backend->notice(u"cannot write " + m_path + u": " + written.errors().first().message +
                      u" — what was received waits in memory (nothing acknowledged is lost) and "
                      u"is written when there is space again; trying every second");
    qint64 closingWaitedMs = 0;
    while (!written) {
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait_for(lock, kRetryEvery, [&] { return false; });
            if (m_stop || m_closing)
                closingWaitedMs += 1000;
        }
        written = m_backend->write(batch);
        if (!written && !m_backend->mayRetry(written.errors()))
            break;
        if (!written && closingWaitedMs >= kRetryWhenClosingMs) {
            m_gaveUp = true; // the writer's thread's own
            break;
        }
    }
    m_waitingForSpace = false;
    if (written)
        m_backend->notice(u"writing " + m_path + u" again: everything received is saved");
    return written;
}

void RecordingWriter::run(bool create)
{
    {
        m_backend = isSharedAddress(m_path) ? makeSharedBackend(m_path) : makeFileBackend(m_path);
        m_backend->notice = [this](const QString &text) {
            std::function<void(const QString &)> notice;
            {
                std::lock_guard lock(m_mutex);
                notice = m_notice;
            }
            if (notice)
                notice(text);
        };
        auto opened =
            m_backend->open(create, m_appendsEvents || create, &m_nextEventId, &m_nextSeriesId);
        if (!opened)
            m_backend.reset();
        std::lock_guard lock(m_mutex);
        if (!opened)
            m_errors = opened.errors();
        else
            m_started = true;
    }
    m_progress.notify_all();
    if (!m_started)
        return;
    for (;;) {
        std::unique_lock lock(m_mutex);
        m_wake.wait(lock,
                    [&] { return m_stop || !m_pending->empty() || m_committed < m_submitted; });
        std::unique_ptr<WriterBatch> batch =
            std::exchange(m_pending, std::make_unique<WriterBatch>());
        const quint64 submitted = m_submitted;
        const bool stopping = m_stop;
        m_pendingBytes = 0;
        lock.unlock();
        m_progress.notify_all();

        Result<bool> written = batch->empty() ? Result<bool>(true) : m_backend->write(*batch);
        if (!written && m_waitForSpace && !m_gaveUp && m_backend->mayRetry(written.errors()))
            written = retryUntilWritten(*batch, written);
        lock.lock();
        if (!written && m_errors.isEmpty())
            m_errors = written.errors();
        m_committed = submitted;
        lock.unlock();
        m_progress.notify_all();
        if (stopping)
            break;
    }
    m_backend.reset(); // closes the connection on the thread that used it
}

} // namespace warroom
