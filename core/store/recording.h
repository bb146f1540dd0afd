#pragma once

#include "core/events/event_sink.h"
#include "core/util/result.h"

#include <QHash>
#include <QList>
#include <QSet>

#include <initializer_list>
#include <limits>

#include <functional>
#include <memory>
#include <vector>

namespace warroom {

// A series as catalogued in a recording.
struct StoredSeries
{
    int id = -1;
    SeriesInfo info;
    qint64 count = 0; // samples
    int levels = 1;

    qint64 endMs() const { return info.startMs + count * info.intervalMs; }
};

// One pixel column of a chart window: the extremes of the samples that fall in it.
struct WindowPoint
{
    qint64 timeMs = 0; // start of the column
    float min = 0.0f;
    float max = 0.0f;
    bool operator==(const WindowPoint &) const = default;
};

struct EventFilter
{
    QStringList kinds; // stored names ("autoscaler.scale_out"); a name ending in '.' or '*' is a
                       // prefix ("autoscaler.*")
    QString node;
    QString subject;
    qint64 fromMs = std::numeric_limits<qint64>::min();
    qint64 toMs = std::numeric_limits<qint64>::max(); // exclusive
    int limit = -1;
    qint64 afterId = 0; // only events appended after this one (a live recording's new ones)

    static EventFilter ofKinds(std::initializer_list<EventKind> kinds);
};

struct TopologyVersion
{
    qint64 id = 0;
    qint64 timeMs = 0;
    QString reason;
};

// A recording opened for reading. Opening reads the metadata and the series catalogue only;
// events, samples and topologies are read when asked for. Use it from one thread; open one
// per thread that reads (the writer is never blocked by readers).
class Recording
{
public:
    // `path` is a recording file or a shared incident's address
    // (postgresql://HOST:PORT/DATABASE?incident=NAME, docs/shared.md).
    static Result<std::unique_ptr<Recording>> open(const QString &path);
    // Whether the file starts like a SQLite database (a recording, or another SQLite file), or
    // the text is a shared incident's address; cheap, for choosing how to open it. open()
    // tells which it is.
    static bool looksLikeRecording(const QString &path);
    // Whether there is a recording file, or a shared incident, at `path`.
    static Result<bool> exists(const QString &path);
    ~Recording();

    Recording(const Recording &) = delete;
    Recording &operator=(const Recording &) = delete;

    const QString &path() const { return m_path; }
    int schemaVersion() const { return m_version; }
    QString meta(const QString &key) const { return m_meta.value(key); }
    const QHash<QString, QString> &metadata() const { return m_meta; }
    // The key was recorded but its value does not match its checksum (meta() leaves it out).
    bool metaDamaged(const QString &key) const { return m_damagedMeta.contains(key); }
    qint64 startMs() const;
    qint64 endMs() const;

    const QList<StoredSeries> &series() const { return m_series; }
    const StoredSeries *seriesByKey(const QString &key) const;

    qint64 eventCount() const;
    // Read through the trainees' views of a shared drill (rule names hidden by the server).
    bool readsTraineeViews() const { return m_trainee; }
    // Why this reader may not write the recording's post-mortems (empty: it may): a file or a
    // folder that is read-only, a database role that may not.
    QString postMortemsReadOnly() const;
    QList<Event> events(const EventFilter &filter = {}) const;

    // Level-0 samples with start time in [fromMs, toMs); NaN where there was no value.
    std::vector<float> samples(const StoredSeries &series, qint64 fromMs, qint64 toMs) const;
    // [fromMs, toMs) cut into `columns` columns, each with its min and max: at most 2 points
    // per column whatever the zoom, read from the coarsest level that still resolves a column.
    QList<WindowPoint> window(const StoredSeries &series, qint64 fromMs, qint64 toMs,
                              int columns) const;

    QList<TopologyVersion> topologyVersions() const;
    // Map positions placed by hand: element id -> (x, y) as fractions of its site's box.
    QHash<QString, std::pair<double, double>> layout() const;
    // The post-mortems written in the recording: id -> JSON form, in id order.
    QList<std::pair<QString, QByteArray>> postMortems() const;
    // Changes whenever a post-mortem is written (how many, the sum of their write times — any
    // rewrite moves it, even from a desk whose clock is behind — how long): a live reader reads
    // them again only then.
    QString postMortemsStamp() const;
    QByteArray topologyJson(qint64 versionId) const;

    // Damage met while reading (a row or chunk that does not match its checksum, a part of the
    // file SQLite cannot read), each once, in words with what it touches; what it touches was
    // left out of what was returned.
    const QStringList &damage() const { return m_damage; }
    // Reads the whole file for damage (SQLite's integrity check, every checksum) and returns
    // damage() with what it found. A shared incident: nothing (PostgreSQL keeps its own).
    // `cancelled`, asked as it reads, stops it early (what was found so far is returned).
    QStringList check(const std::function<bool()> &cancelled = {}) const;

private:
    explicit Recording(QString path);
    Result<bool> load();
    Result<bool> loadShared();
    Result<bool> loadCatalogue(); // metadata and series, from either
    // " FROM table WHERE conditions" for a file; for a shared incident the same over its rows
    // only (no temporary views: a streaming replica can serve them too).
    QString from(const char *table, QStringView conditions = {}) const;
    // ", whether the row is intact" as a column (always for rows without a checksum).
    QString intact(const char *table) const;
    // Calls `entry(index, min, max)` for the entries [first, last) of `level`.
    template<typename F>
    bool readEntries(const StoredSeries &series, int level, qint64 first, qint64 last,
                     F &&entry) const;
    // recording_damage.cpp: what damage is said as.
    void noteDamage(const QString &what) const;
    void noteReadError(const char *what, const QString &error) const;
    QString eventDamage(qint64 id, qint64 timeMs) const;
    QString chunkDamage(int series, int level, qint64 index) const;
    QString topologyDamage(qint64 id, qint64 timeMs, const QString &reason) const;

    QString m_path;
    QString m_connection;
    qint64 m_incident = 0;    // in a shared database
    bool m_trainee = false;   // ... read through the trainees' views
    QString m_sharedReadOnly; // why the role may not write post-mortems (empty: it may)
    int m_version = 0;
    bool m_checksummed = false; // a file of format 4 or later: rows carry checksums
    mutable QStringList m_damage;
    QHash<QString, QString> m_meta;
    QSet<QString> m_damagedMeta;
    QList<StoredSeries> m_series;
    QHash<QString, int> m_seriesByKey;
};

} // namespace warroom
