#include "recording.h"

#include "row_checksums.h"
#include "schema.h"
#include "series_chunks.h"
#include "shared_copy.h"
#include "shared_schema.h"
#include "sql_error.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>
#include <QtEndian>

#include <cmath>

namespace warroom {

EventFilter EventFilter::ofKinds(std::initializer_list<EventKind> kinds)
{
    EventFilter filter;
    for (EventKind kind : kinds)
        filter.kinds.append(toString(kind));
    return filter;
}

Recording::Recording(QString path)
    : m_path(std::move(path))
    , m_connection(u"warroom-reader-" + QUuid::createUuid().toString(QUuid::WithoutBraces))
{}

Recording::~Recording()
{
    {
        QSqlDatabase db = QSqlDatabase::database(m_connection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_connection);
}

namespace {

bool startsAsSQLite(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) &&
           file.read(16) == QByteArrayLiteral("SQLite format 3\0");
}

// SQLite's "file is not a database", said for what the file seems to be.
QString notADatabase(const QString &path)
{
    if (startsAsSQLite(path))
        return QStringLiteral("damaged: SQLite cannot read its header (file is not a database): "
                              "the start of the file was overwritten");
    if (path.endsWith(u".warroom", Qt::CaseInsensitive))
        return QStringLiteral("not a Warroom recording, or one whose start was overwritten: it "
                              "does not begin as SQLite files do");
    return QStringLiteral("not a Warroom recording (not a SQLite file)");
}

} // namespace

bool Recording::looksLikeRecording(const QString &path)
{
    // A .warroom that is not SQLite (empty, overwritten, a folder) is a damaged recording, and
    // is said to be one, not read as a scenario.
    if (isSharedAddress(path) || path.endsWith(u".warroom", Qt::CaseInsensitive))
        return true;
    return startsAsSQLite(path);
}

Result<bool> Recording::exists(const QString &path)
{
    if (!isSharedAddress(path))
        return QFileInfo::exists(path);
    const auto address = parseSharedAddress(path);
    if (!address)
        return address.errors();
    return incidentExists(address.value());
}

Result<std::unique_ptr<Recording>> Recording::open(const QString &path)
{
    if (isSharedAddress(path)) {
        std::unique_ptr<Recording> recording(new Recording(path));
        if (auto loaded = recording->loadShared(); !loaded)
            return loaded.errors();
        return recording;
    }
    const QFileInfo info(path);
    if (!info.exists())
        return Error{QFileInfo::exists(path + u"-wal")
                         ? QStringLiteral("no such file, only its write-ahead log (%1-wal): the "
                                          "recording itself was moved or deleted, and the log "
                                          "alone cannot be read")
                               .arg(info.fileName())
                         : QStringLiteral("no such file"),
                     path, 0, 0};
    if (!info.isFile())
        return Error{QStringLiteral("not a file"), path, 0, 0};
    if (info.size() == 0)
        return Error{QStringLiteral("damaged: an empty file (0 bytes) — truncated, or never "
                                    "written"),
                     path, 0, 0};
    std::unique_ptr<Recording> recording(new Recording(path));
    if (auto loaded = recording->load(); !loaded)
        return loaded.errors();
    return recording;
}

Result<bool> Recording::load()
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY;QSQLITE_BUSY_TIMEOUT=5000"));
    if (!db.open())
        return Error{sqlText(db.lastError()), m_path, 0, 0};
    const auto version = schema::versionOf(db);
    if (!version) {
        QString message = version.errors().first().message;
        if (message.contains(u"file is not a database"))
            message = notADatabase(m_path);
        return Error{message, m_path, 0, 0};
    }
    if (version.value() == 0)
        return Error{QStringLiteral("not a Warroom recording (an empty database)"), m_path, 0, 0};
    if (version.value() < schema::kCurrentVersion) {
        // Older files are read as they are; what later versions added is simply empty.
    }
    m_version = version.value();
    m_checksummed = m_version >= 4;
    if (m_checksummed && !checksums::addSqlFunctions(db))
        return Error{QStringLiteral("cannot check the recording's checksums (not SQLite's own "
                                    "driver)"),
                     m_path, 0, 0};
    return loadCatalogue();
}

Result<bool> Recording::loadShared()
{
    const auto address = parseSharedAddress(m_path);
    if (!address)
        return address.errors();
    const QString where = address.value().server;
    if (address.value().incident.isEmpty())
        return Error{u"name the incident: " + where + u"?incident=NAME", {}, 0, 0};
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connection);
    if (!db.isValid())
        return Error{QStringLiteral("Qt's PostgreSQL driver (QPSQL) is missing: "
                                    "scripts/install-deps installs it"),
                     {},
                     0,
                     0};
    // QPSQL takes libpq's keywords one by one: the address's, as libpq reads them.
    const auto keywords = pg::conninfoKeywords(address.value().conninfo);
    if (!keywords)
        return Error{where + u": " + keywords.errors().first().message, {}, 0, 0};
    QStringList options;
    for (const auto &[keyword, value] : keywords.value()) {
        if (keyword == u"host")
            db.setHostName(value);
        else if (keyword == u"port")
            db.setPort(value.toInt());
        else if (keyword == u"dbname")
            db.setDatabaseName(value);
        else if (keyword == u"user")
            db.setUserName(value);
        else // quoted as libpq reads it: a value may hold spaces
            options.append(keyword + u"='" +
                           QString(value)
                               .replace(u'\\', QStringLiteral("\\\\"))
                               .replace(u'\'', QStringLiteral("\\'")) +
                           u'\'');
    }
    db.setConnectOptions(options.join(u';'));
    if (!db.open())
        return Error{u"cannot connect to " + where + u": " +
                         db.lastError().databaseText().trimmed(),
                     {},
                     0,
                     0};
    QSqlQuery q(db);
    if (!q.exec(QStringLiteral("SET extra_float_digits = 3")) ||
        !q.exec(QStringLiteral("SELECT to_regclass('warroom.warroom_schema') IS NOT NULL")) ||
        !q.next())
        return Error{where + u": " + sqlText(q.lastError()), {}, 0, 0};
    const QString noIncident = u"no incident named " + address.value().incident + u" in " + where;
    if (!q.value(0).toBool())
        return Error{noIncident + u" (nothing was shared there yet)", {}, 0, 0};
    if (!q.exec(QStringLiteral("SELECT max(version) FROM warroom.warroom_schema")) || !q.next())
        return Error{where + u": " + sqlText(q.lastError()), {}, 0, 0};
    if (q.value(0).toInt() > pg::kSharedSchema)
        return Error{where + u" holds incidents of a newer Warroom (shared schema " +
                         q.value(0).toString() + u"); update Warroom",
                     {},
                     0,
                     0};
    if (!q.prepare(QStringLiteral("SELECT id, file_schema FROM warroom.incidents WHERE name = ?")))
        return Error{where + u": " + sqlText(q.lastError()), {}, 0, 0};
    q.bindValue(0, address.value().incident);
    if (!q.exec())
        return Error{where + u": " + sqlText(q.lastError()), {}, 0, 0};
    if (!q.next()) { // a name mistyped: the ones there are
        QStringList names;
        if (q.exec(QStringLiteral("SELECT name FROM warroom.incidents ORDER BY name"))) {
            while (q.next())
                names.append(q.value(0).toString());
        }
        constexpr int kShown = 8;
        return Error{noIncident + u" (" +
                         (names.isEmpty()
                              ? QStringLiteral("it holds none")
                              : u"it holds " + names.mid(0, kShown).join(u", ") +
                                    (names.size() > kShown
                                         ? u", … " + QString::number(names.size()) + u" in all"
                                         : QString())) +
                         u')',
                     {},
                     0,
                     0};
    }
    m_incident = q.value(0).toLongLong();
    m_version = q.value(1).toInt();
    if (m_version > schema::kCurrentVersion)
        return Error{
            u"incident " + address.value().incident + u" was written by a newer Warroom", {}, 0, 0};
    // A role that may not read the events is a drill's trainee: it reads the trainees' views
    // (rule names hidden until revealed, shared_trainee.cpp), which PostgreSQL enforces.
    if (!q.exec(QStringLiteral("SELECT has_table_privilege('warroom.events', 'SELECT')")) ||
        !q.next())
        return Error{where + u": " + sqlText(q.lastError()), {}, 0, 0};
    m_trainee = !q.value(0).toBool();
    // What the role may write: a trainee its own post-mortems of drills (through the function
    // of shared schema 3), others the table (roles.sql).
    const QString mayWrite =
        m_trainee
            ? QStringLiteral("SELECT coalesce(has_function_privilege(to_regprocedure('warroom."
                             "write_own_postmortem(bigint,text,bytea,bytea,bigint)'), 'EXECUTE'), "
                             "false)")
            : QStringLiteral("SELECT has_table_privilege('warroom.postmortems', 'INSERT') "
                             "AND has_table_privilege('warroom.postmortems', 'UPDATE')");
    if (!q.exec(mayWrite) || !q.next())
        return Error{where + u": " + sqlText(q.lastError()), {}, 0, 0};
    if (!q.value(0).toBool())
        m_sharedReadOnly =
            m_trainee ? QStringLiteral("your database role may read this drill only (a trainee "
                                       "writes post-mortems once the database's owner ran "
                                       "resources/sql/roles.sql)")
                      : QStringLiteral("your database role may read incidents, not write "
                                       "post-mortems (that needs warroom_scribe)");
    if (auto loaded = loadCatalogue(); !loaded)
        return loaded;
    if (m_trainee && m_sharedReadOnly.isEmpty() && meta(QStringLiteral("drill")) != u"1")
        m_sharedReadOnly =
            QStringLiteral("a trainee's role writes post-mortems of drills only, and this "
                           "incident is not a drill");
    return true;
}

QString Recording::postMortemsReadOnly() const
{
    if (isSharedAddress(m_path))
        return m_sharedReadOnly;
    // Marked read-only is read-only, even to a user (root) who could write it anyway.
    const QFileInfo file(m_path);
    if (!file.isWritable() || !(file.permissions() & QFile::WriteOwner))
        return QStringLiteral("the recording's file is read-only");
    // SQLite writes its journal beside the file.
    const QFileInfo folder(file.absolutePath());
    if (!folder.isWritable() || !(folder.permissions() & QFile::WriteOwner))
        return QStringLiteral("the recording's folder is read-only (SQLite writes its journal "
                              "there)");
    return {};
}

Result<bool> Recording::loadCatalogue()
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    QSqlQuery q(db);
    if (!q.exec(u"SELECT key, value" + intact("meta") + from("meta")))
        return Error{schema::unreadable(sqlText(q.lastError())), m_path, 0, 0};
    while (q.next()) {
        if (q.value(2).toBool()) {
            m_meta.insert(q.value(0).toString(), q.value(1).toString());
        } else {
            m_damagedMeta.insert(q.value(0).toString());
            noteDamage(u"the metadata " + q.value(0).toString() +
                       u" does not match its checksum: ignored");
        }
    }
    if (q.lastError().isValid())
        noteReadError("the metadata", sqlText(q.lastError()));
    if (!q.exec(u"SELECT id, key, node, metric, unit, start_ms, interval_ms, count, levels" +
                intact("series") + from("series") + u" ORDER BY id"))
        return Error{schema::unreadable(sqlText(q.lastError())), m_path, 0, 0};
    while (q.next()) {
        if (!q.value(9).toBool()) {
            noteDamage(u"the series " + q.value(1).toString() +
                       u" does not match its checksum: none of its samples are drawn");
            continue;
        }
        StoredSeries s;
        s.id = q.value(0).toInt();
        s.info.key = q.value(1).toString();
        s.info.node = q.value(2).toString();
        s.info.metric = q.value(3).toString();
        s.info.unit = q.value(4).toString();
        s.info.startMs = q.value(5).toLongLong();
        s.info.intervalMs = std::max<qint64>(1, q.value(6).toLongLong());
        s.count = q.value(7).toLongLong();
        s.levels = std::clamp(q.value(8).toInt(), 1, chunks::kMaxLevels);
        m_seriesByKey.insert(s.info.key, int(m_series.size()));
        m_series.append(s);
    }
    // A series holds only the samples its chunks hold: a damaged count must not size anything.
    if (!m_series.isEmpty() &&
        q.exec(u"SELECT series, MAX(idx * " + QString::number(chunks::kEntries) + u" + count)" +
               from("chunks", u"level = 0") + u" GROUP BY series")) {
        QHash<int, qint64> held;
        while (q.next())
            held.insert(q.value(0).toInt(), q.value(1).toLongLong());
        for (StoredSeries &s : m_series) {
            const qint64 stored = held.value(s.id, 0);
            if (s.count > stored) {
                noteDamage(u"the series " + s.info.key + u" says it holds " +
                           QString::number(s.count) + u" samples, its chunks " +
                           QString::number(stored) + u": only those are drawn");
                s.count = stored;
            }
        }
    }
    return true;
}

QString Recording::from(const char *table, QStringView conditions) const
{
    const QString name = QLatin1StringView(table);
    if (m_incident == 0) // a file
        return u" FROM " + name + (conditions.isEmpty() ? QString() : u" WHERE " + conditions);
    // A shared incident: its rows of the shared table, or of the trainees' view of it for a
    // role that may read only those (shared_trainee.cpp).
    static const QStringList hiddenFromTrainees{QStringLiteral("events"), QStringLiteral("meta"),
                                                QStringLiteral("topology_versions"),
                                                QStringLiteral("postmortems")};
    const QString source =
        m_trainee && hiddenFromTrainees.contains(name) ? u"trainee_" + name : name;
    return u" FROM warroom." + source + u" WHERE incident = " + QString::number(m_incident) +
           (conditions.isEmpty() ? QString() : u" AND (" + conditions + u')');
}

QString Recording::intact(const char *table) const
{
    return m_checksummed ? checksums::intactColumn(table) : QStringLiteral(", 1");
}

qint64 Recording::startMs() const
{
    return m_meta.value(QStringLiteral("start_ms")).toLongLong();
}

qint64 Recording::endMs() const
{
    return m_meta.value(QStringLiteral("end_ms")).toLongLong();
}

const StoredSeries *Recording::seriesByKey(const QString &key) const
{
    const auto it = m_seriesByKey.constFind(key);
    return it == m_seriesByKey.cend() ? nullptr : &m_series[*it];
}

qint64 Recording::eventCount() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (q.exec(u"SELECT count(*)" + from("events")) && q.next())
        return q.value(0).toLongLong();
    return 0;
}

QList<Event> Recording::events(const EventFilter &filter) const
{
    QString sql = u"SELECT id, time_ms, kind, node, site, subject, text, details" +
                  intact("events") + from("events", u"time_ms >= ? AND time_ms < ? AND id > ?");
    QVariantList values = {filter.fromMs, filter.toMs, filter.afterId};
    if (!filter.node.isEmpty()) {
        sql += QStringLiteral(" AND node = ?");
        values.append(filter.node);
    }
    if (!filter.subject.isEmpty()) {
        sql += QStringLiteral(" AND subject = ?");
        values.append(filter.subject);
    }
    if (!filter.kinds.isEmpty()) {
        QStringList terms;
        for (QString kind : filter.kinds) {
            if (kind.endsWith(u'*') || kind.endsWith(u'.')) {
                kind.chop(kind.endsWith(u'*') ? 1 : 0);
                terms.append(QStringLiteral("kind LIKE ? ESCAPE '\\'"));
                kind.replace(u'\\', QStringLiteral("\\\\"))
                    .replace(u'%', QStringLiteral("\\%"))
                    .replace(u'_', QStringLiteral("\\_"));
                values.append(QString(kind + u'%'));
            } else {
                terms.append(QStringLiteral("kind = ?"));
                values.append(kind);
            }
        }
        sql += u" AND (" + terms.join(QStringLiteral(" OR ")) + u')';
    }
    sql += QStringLiteral(" ORDER BY time_ms, id");
    if (filter.limit >= 0)
        sql += u" LIMIT " + QString::number(filter.limit);

    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    QList<Event> out;
    // A statement SQLite cannot prepare (a damaged schema) says why here; executed anyway, it
    // would only say "Parameter count mismatch".
    if (!q.prepare(sql)) {
        noteReadError("the events", sqlText(q.lastError()));
        return out;
    }
    for (int i = 0; i < values.size(); ++i)
        q.bindValue(i, values[i]);
    if (!q.exec()) {
        noteReadError("the events", sqlText(q.lastError()));
        return out;
    }
    while (q.next()) {
        Event e;
        e.id = q.value(0).toLongLong();
        e.timeMs = q.value(1).toLongLong();
        if (!q.value(8).toBool()) {
            noteDamage(eventDamage(e.id, e.timeMs));
            continue;
        }
        if (!eventKindFromString(q.value(2).toString(), &e.kind))
            e.kind = EventKind::Annotation; // a kind of a newer Warroom: keep it readable
        e.node = q.value(3).toString();
        e.site = q.value(4).toString();
        e.subject = q.value(5).toString();
        e.text = q.value(6).toString();
        e.details = QJsonDocument::fromJson(q.value(7).toByteArray()).object();
        out.append(std::move(e));
    }
    if (q.lastError().isValid()) // the rest could not be read
        noteReadError("the events", sqlText(q.lastError()));
    return out;
}

template<typename F>
bool Recording::readEntries(const StoredSeries &series, int level, qint64 first, qint64 last,
                            F &&entry) const
{
    if (first >= last)
        return true;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    q.setForwardOnly(true);
    if (!q.prepare(u"SELECT idx, count, data" + intact("chunks") +
                   from("chunks", u"series = ? AND level = ? AND idx BETWEEN ? AND ?") +
                   u" ORDER BY idx")) {
        noteReadError("samples", sqlText(q.lastError()));
        return false;
    }
    q.bindValue(0, series.id);
    q.bindValue(1, level);
    q.bindValue(2, first / chunks::kEntries);
    q.bindValue(3, (last - 1) / chunks::kEntries);
    if (!q.exec()) {
        noteReadError("samples", sqlText(q.lastError()));
        return false;
    }
    const int width = level == 0 ? 1 : 2;
    while (q.next()) {
        const qint64 index = q.value(0).toLongLong();
        const qint64 base = index * chunks::kEntries;
        const int count = q.value(1).toInt();
        const QByteArray data = q.value(2).toByteArray();
        // A damaged chunk is left out (no values there), never drawn.
        const bool intact = count >= 0 &&
                            data.size() >= qsizetype(count) * width * qsizetype(sizeof(float)) &&
                            q.value(3).toBool();
        if (!intact) {
            noteDamage(chunkDamage(series.id, level, index));
            continue;
        }
        const char *p = data.constData();
        const qint64 from = std::max(first, base);
        const qint64 to = std::min(last, base + count);
        for (qint64 i = from; i < to; ++i) {
            const char *at = p + (i - base) * width * qsizetype(sizeof(float));
            const float min = qFromLittleEndian<float>(at);
            const float max = width == 1 ? min : qFromLittleEndian<float>(at + sizeof(float));
            entry(i, min, max);
        }
    }
    if (q.lastError().isValid())
        noteReadError("samples", sqlText(q.lastError()));
    return true;
}

std::vector<float> Recording::samples(const StoredSeries &series, qint64 fromMs, qint64 toMs) const
{
    const qint64 interval = series.info.intervalMs;
    const qint64 first =
        std::max<qint64>(0, (fromMs - series.info.startMs + interval - 1) / interval);
    const qint64 last =
        std::min(series.count, (toMs - series.info.startMs + interval - 1) / interval);
    std::vector<float> out;
    if (first >= last)
        return out;
    out.assign(size_t(last - first), std::nanf(""));
    readEntries(series, 0, first, last,
                [&](qint64 i, float value, float) { out[size_t(i - first)] = value; });
    return out;
}

QList<WindowPoint> Recording::window(const StoredSeries &series, qint64 fromMs, qint64 toMs,
                                     int columns) const
{
    QList<WindowPoint> out;
    if (columns <= 0 || toMs <= fromMs || series.count == 0)
        return out;
    const qint64 interval = series.info.intervalMs;
    const double samplesPerColumn = double(toMs - fromMs) / double(interval) / columns;
    int level = 0;
    while (level + 1 < series.levels &&
           double(chunks::samplesPerEntry(level + 1)) <= samplesPerColumn)
        ++level;
    const qint64 span = chunks::samplesPerEntry(level);
    const qint64 entryMs = span * interval;
    const qint64 first = std::max<qint64>(0, (fromMs - series.info.startMs) / entryMs);
    const qint64 entries = (series.count + span - 1) / span;
    const qint64 last = std::min(entries, (toMs - series.info.startMs + entryMs - 1) / entryMs);

    std::vector<float> mins(size_t(columns), std::nanf(""));
    std::vector<float> maxs(size_t(columns), std::nanf(""));
    const double columnMs = double(toMs - fromMs) / columns;
    readEntries(series, level, first, last, [&](qint64 i, float min, float max) {
        if (std::isnan(min))
            return;
        const qint64 t = series.info.startMs + i * entryMs;
        const int c = std::clamp(int(double(t - fromMs) / columnMs), 0, columns - 1);
        float &lo = mins[size_t(c)];
        float &hi = maxs[size_t(c)];
        lo = std::isnan(lo) ? min : std::min(lo, min);
        hi = std::isnan(hi) ? max : std::max(hi, max);
    });
    for (int c = 0; c < columns; ++c) {
        if (!std::isnan(mins[size_t(c)]))
            out.append({fromMs + qint64(c * columnMs), mins[size_t(c)], maxs[size_t(c)]});
    }
    return out;
}

QList<TopologyVersion> Recording::topologyVersions() const
{
    QList<TopologyVersion> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.exec(u"SELECT id, time_ms, reason" + from("topology_versions") +
                u" ORDER BY time_ms, id")) {
        noteReadError("the topology", sqlText(q.lastError()));
        return out;
    }
    while (q.next())
        out.append({q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toString()});
    if (q.lastError().isValid())
        noteReadError("the topology", sqlText(q.lastError()));
    return out;
}

QHash<QString, std::pair<double, double>> Recording::layout() const
{
    QHash<QString, std::pair<double, double>> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (m_version < 2 || !q.exec(u"SELECT element, x, y" + intact("layout") + from("layout")))
        return out; // older files have no layout yet
    while (q.next()) {
        if (q.value(3).toBool())
            out.insert(q.value(0).toString(), {q.value(1).toDouble(), q.value(2).toDouble()});
        else
            noteDamage(u"the map position of " + q.value(0).toString() +
                       u" does not match its checksum: placed automatically");
    }
    return out;
}

QList<std::pair<QString, QByteArray>> Recording::postMortems() const
{
    QList<std::pair<QString, QByteArray>> out;
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (m_version < 3 ||
        !q.exec(u"SELECT id, json" + intact("postmortems") + from("postmortems") + u" ORDER BY id"))
        return out; // older files have none
    while (q.next()) {
        if (q.value(2).toBool())
            out.append({q.value(0).toString(), q.value(1).toByteArray()});
        else
            noteDamage(u"the post-mortem " + q.value(0).toString() +
                       u" does not match its checksum: not opened");
    }
    return out;
}

QString Recording::postMortemsStamp() const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (m_version < 3 ||
        !q.exec(u"SELECT count(*), coalesce(sum(updated_ms), 0), coalesce(sum(length(json)), 0)" +
                from("postmortems")) ||
        !q.next())
        return {};
    return q.value(0).toString() + u'/' + q.value(1).toString() + u'/' + q.value(2).toString();
}

QByteArray Recording::topologyJson(qint64 versionId) const
{
    QSqlQuery q(QSqlDatabase::database(m_connection, false));
    if (!q.prepare(u"SELECT json, time_ms, reason" + intact("topology_versions") +
                   from("topology_versions", u"id = ?"))) {
        noteReadError("the topology", sqlText(q.lastError()));
        return {};
    }
    q.bindValue(0, versionId);
    if (!q.exec() || !q.next()) {
        if (q.lastError().isValid())
            noteReadError("the topology", sqlText(q.lastError()));
        return {};
    }
    if (!q.value(3).toBool()) {
        noteDamage(topologyDamage(versionId, q.value(1).toLongLong(), q.value(2).toString()));
        return {};
    }
    return q.value(0).toByteArray();
}

} // namespace warroom
