// The file back end of RecordingWriter: one SQLite file in WAL mode.
#include "row_checksums.h"
#include "schema.h"
#include "sql_error.h"
#include "writer_backend.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

#include <sqlite3.h>

#include <cmath>

namespace warroom {

namespace {

// SQLite stores a null QString as NULL; the schema wants text.
QString text(const QString &value)
{
    return value.isNull() ? QStringLiteral("") : value;
}

Error sqlError(const QString &what, const QSqlError &error)
{
    return Error{what + u": " + sqlText(error), {}, 0, 0};
}

// Events are the bulk of a busy live feed: written through SQLite's own API, UTF-8 bound
// without copies through QVariant, kRowsPerInsert rows per statement; several times faster
// than a QSqlQuery per event.
constexpr int kRowsPerInsert = 32;

Result<bool> writeEvents(const QSqlDatabase &db, const std::vector<Event> &events)
{
    sqlite3 *sqlite = checksums::sqliteOf(db);
    if (!sqlite)
        return Error{QStringLiteral("writing events: not an SQLite connection"), {}, 0, 0};
    using Statement = std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt *)>;
    auto prepare = [sqlite](int rows) -> Statement {
        QByteArray sql = "INSERT INTO events (id, time_ms, kind, node, site, subject, text, "
                         "details, crc) VALUES ";
        for (int row = 0; row < rows; ++row) {
            QByteArray values;
            for (int column = 1; column <= 8; ++column)
                values += (column > 1 ? ", ?" : "?") + QByteArray::number(row * 8 + column);
            sql += (row > 0 ? ", (" : "(") + values + ", warroom_crc(" + values + "))";
        }
        sqlite3_stmt *statement = nullptr;
        sqlite3_prepare_v2(sqlite, sql.constData(), int(sql.size()), &statement, nullptr);
        return Statement(statement, sqlite3_finalize);
    };
    const Statement many = prepare(kRowsPerInsert);
    const Statement one = prepare(1);
    if (!many || !one)
        return Error{u"writing events: " + QString::fromUtf8(sqlite3_errmsg(sqlite)), {}, 0, 0};
    std::vector<QByteArray> texts(size_t(kRowsPerInsert) * 6); // kept until the step
    for (size_t first = 0; first < events.size();) {
        const bool full = events.size() - first >= size_t(kRowsPerInsert);
        sqlite3_stmt *insert = full ? many.get() : one.get();
        const int rows = full ? kRowsPerInsert : 1;
        for (int row = 0; row < rows; ++row) {
            const Event &e = events[first + size_t(row)];
            QByteArray *t = &texts[size_t(row) * 6];
            t[0] = toString(e.kind).toUtf8();
            t[1] = e.node.toUtf8();
            t[2] = e.site.toUtf8();
            t[3] = e.subject.toUtf8();
            t[4] = e.text.toUtf8();
            t[5] = e.details.isEmpty() ? QByteArrayLiteral("{}")
                                       : QJsonDocument(e.details).toJson(QJsonDocument::Compact);
            const int at = row * 8;
            sqlite3_bind_int64(insert, at + 1, e.id);
            sqlite3_bind_int64(insert, at + 2, e.timeMs);
            for (int i = 0; i < 6; ++i)
                sqlite3_bind_text(insert, at + 3 + i, t[i].constData(), int(t[i].size()),
                                  SQLITE_STATIC);
        }
        const int stepped = sqlite3_step(insert);
        sqlite3_reset(insert);
        if (stepped != SQLITE_DONE)
            return Error{
                u"writing an event: " + QString::fromUtf8(sqlite3_errmsg(sqlite)), {}, 0, 0};
        first += size_t(rows);
    }
    return true;
}

} // namespace

namespace {

class FileBackend final : public WriterBackend
{
public:
    explicit FileBackend(QString path)
        : m_path(std::move(path))
        , m_connection(u"warroom-writer-" + QUuid::createUuid().toString(QUuid::WithoutBraces))
    {}
    ~FileBackend() override
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_connection, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_connection);
    }
    Result<bool> open(bool create, bool appendsEvents, qint64 *nextEventId,
                      int *nextSeriesId) override;
    Result<bool> write(const WriterBatch &batch) override;
    bool mayRetry(const ErrorList &errors) const override
    {
        // SQLite's words for SQLITE_FULL and SQLITE_IOERR: the space or the device comes back.
        const QString &message = errors.first().message;
        return message.contains(u"database or disk is full") || message.contains(u"disk I/O error");
    }

private:
    QString m_path;
    QString m_connection;
};

} // namespace

Result<bool> FileBackend::open(bool create, bool /*appendsEvents: SQLite has one writer*/,
                               qint64 *nextEventId, int *nextSeriesId)
{
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connection);
    db.setDatabaseName(m_path);
    if (!db.open())
        return Error{sqlText(db.lastError()), m_path, 0, 0};
    QSqlQuery pragma(db);
    // WAL: readers never block the writer nor the other way round. NORMAL sync in WAL mode
    // keeps every commit across a crash of the process.
    for (const char *sql : {"PRAGMA journal_mode = WAL", "PRAGMA synchronous = NORMAL"}) {
        if (!pragma.exec(QString::fromLatin1(sql))) {
            const QString why = sqlText(pragma.lastError());
            // SQLite's result code (the low byte: the primary code of an extended one)
            const int code = pragma.lastError().nativeErrorCode().toInt() & 0xff;
            return Error{code == SQLITE_BUSY || code == SQLITE_LOCKED
                             ? QString(u"busy: another program holds the recording (" + why + u')')
                             : QString(u"not a Warroom recording (" + why + u')'),
                         m_path, 0, 0};
        }
    }
    if (!checksums::addSqlFunctions(db))
        return Error{QStringLiteral("cannot checksum the recording (not SQLite's own driver)"),
                     m_path, 0, 0};
    auto migrated = schema::migrate(db);
    if (!migrated)
        return Error{migrated.errors().first().message, m_path, 0, 0};
    if (!create) {
        QSqlQuery q(db);
        if (q.exec(QStringLiteral("SELECT coalesce(max(id), 0) FROM events")) && q.next())
            *nextEventId = q.value(0).toLongLong() + 1;
        if (q.exec(QStringLiteral("SELECT coalesce(max(id), 0) FROM series")) && q.next())
            *nextSeriesId = q.value(0).toInt() + 1;
    }
    return true;
}

Result<bool> FileBackend::write(const WriterBatch &batch)
{
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    if (!db.transaction())
        return sqlError(QStringLiteral("begin"), db.lastError());
    auto fail = [&](const QString &what, const QSqlQuery &q) -> Result<bool> {
        const Error e = sqlError(what, q.lastError());
        db.rollback();
        return Error{e.message, m_path, 0, 0};
    };

    if (!batch.events.empty()) {
        if (auto written = writeEvents(db, batch.events); !written) {
            db.rollback();
            return Error{written.errors().first().message, m_path, 0, 0};
        }
    }
    if (!batch.series.empty()) {
        QSqlQuery q(db);
        q.prepare(checksums::insertStatement("series", false));
        for (const auto &[id, info] : batch.series) {
            q.bindValue(0, id);
            q.bindValue(1, text(info.key));
            q.bindValue(2, text(info.node));
            q.bindValue(3, text(info.metric));
            q.bindValue(4, text(info.unit));
            q.bindValue(5, info.startMs);
            q.bindValue(6, info.intervalMs);
            q.bindValue(7, 0); // count and levels: set as samples come
            q.bindValue(8, 1);
            if (!q.exec())
                return fail(u"adding series " + info.key, q);
        }
    }
    if (!batch.chunks.empty()) {
        QSqlQuery q(db);
        q.prepare(checksums::insertStatement("chunks", true));
        for (const SeriesChunk &c : batch.chunks) {
            q.bindValue(0, c.series);
            q.bindValue(1, c.level);
            q.bindValue(2, c.index);
            q.bindValue(3, c.count);
            q.bindValue(4, c.data);
            if (!q.exec())
                return fail(QStringLiteral("writing samples"), q);
        }
    }
    if (!batch.extents.empty()) {
        QSqlQuery q(db);
        q.prepare(QStringLiteral("UPDATE series SET count = v.count, levels = v.levels, crc = "
                                 "warroom_crc(series.id, key, node, metric, unit, start_ms, "
                                 "interval_ms, v.count, v.levels) FROM (SELECT ? AS count, ? AS "
                                 "levels, ? AS id) AS v WHERE series.id = v.id"));
        for (const auto &[series, count, levels] : batch.extents) {
            q.bindValue(0, count);
            q.bindValue(1, levels);
            q.bindValue(2, series);
            if (!q.exec())
                return fail(QStringLiteral("updating a series"), q);
        }
    }
    if (!batch.meta.empty()) {
        QSqlQuery q(db);
        q.prepare(checksums::insertStatement("meta", true));
        for (const auto &[key, value] : batch.meta) {
            q.bindValue(0, text(key));
            q.bindValue(1, text(value));
            if (!q.exec())
                return fail(u"writing metadata " + key, q);
        }
    }
    if (!batch.versions.empty()) {
        QSqlQuery q(db);
        q.prepare(checksums::insertStatement("topology_versions", false));
        for (const WriterBatch::Version &v : batch.versions) {
            q.bindValue(0, v.timeMs);
            q.bindValue(1, text(v.reason));
            q.bindValue(2, v.json);
            if (!q.exec())
                return fail(QStringLiteral("writing a topology version"), q);
        }
    }
    if (!batch.layout.empty()) {
        QSqlQuery place(db);
        place.prepare(checksums::insertStatement("layout", true));
        QSqlQuery remove(db);
        remove.prepare(QStringLiteral("DELETE FROM layout WHERE element = ?"));
        for (const auto &[element, x, y] : batch.layout) {
            QSqlQuery &q = std::isnan(x) ? remove : place;
            q.bindValue(0, text(element));
            if (!std::isnan(x)) {
                q.bindValue(1, x);
                q.bindValue(2, y);
            }
            if (!q.exec())
                return fail(QStringLiteral("writing the layout"), q);
        }
    }
    if (!batch.postMortems.empty()) {
        QSqlQuery q(db);
        q.prepare(checksums::insertStatement("postmortems", true));
        QSqlQuery remove(db);
        remove.prepare(QStringLiteral("DELETE FROM postmortems WHERE id = ?"));
        for (const auto &[id, json] : batch.postMortems) {
            QSqlQuery &query = json.isEmpty() ? remove : q;
            query.bindValue(0, text(id));
            if (!json.isEmpty()) {
                q.bindValue(1, json);
                q.bindValue(2, QDateTime::currentMSecsSinceEpoch());
            }
            if (!query.exec())
                return fail(json.isEmpty() ? QStringLiteral("removing a post-mortem")
                                           : QStringLiteral("writing a post-mortem"),
                            query);
        }
    }
    if (!db.commit()) {
        // (SQLite may have rolled back already on a full disk; an explicit one is harmless and
        // leaves no transaction open for the retry's BEGIN.)
        const Error e = sqlError(QStringLiteral("commit"), db.lastError());
        db.rollback();
        return Error{e.message, m_path, 0, 0};
    }
    return true;
}

std::unique_ptr<WriterBackend> makeFileBackend(const QString &path)
{
    return std::make_unique<FileBackend>(path);
}

} // namespace warroom
