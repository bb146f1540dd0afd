#include "shared_copy.h"

#include "recording.h"
#include "recording_writer.h"
#include "row_checksums.h"
#include "schema.h"
#include "shared_schema.h"
#include "sql_error.h"

#include <QDateTime>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUuid>

namespace warroom {

using namespace pg;

namespace {

struct SqliteFile
{
    QString connection = u"shared-copy-" + QUuid::createUuid().toString(QUuid::WithoutBraces);
    ~SqliteFile() { QSqlDatabase::removeDatabase(connection); }
};

} // namespace

Result<qint64> pushRecording(const QString &file, const SharedAddress &to)
{
    if (to.incident.isEmpty())
        return Error{u"name the incident: " + to.display + u"?incident=NAME", {}, 0, 0};
    if (!QFile::exists(file))
        return Error{u"no recording " + file, {}, 0, 0};
    // A damaged file is not shared: its damage would be checksummed anew on the way back.
    if (auto recording = Recording::open(file); recording) {
        const QStringList damage = recording.value()->check();
        if (!damage.isEmpty())
            return Error{file + u" is damaged, not pushed (warroom-cli verify lists it all): " +
                             damage.first() +
                             (damage.size() > 1
                                  ? u" (and " + QString::number(damage.size() - 1) + u" more)"
                                  : QString()),
                         {},
                         0,
                         0};
    }
    SqliteFile sqlite;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), sqlite.connection);
    db.setDatabaseName(file);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
    if (!db.open())
        return Error{u"cannot open " + file + u": " + sqlText(db.lastError()), {}, 0, 0};
    const Result<int> fileSchema = schema::versionOf(db);
    if (!fileSchema)
        return Error{file + u": " + fileSchema.errors().first().message, {}, 0, 0};
    if (fileSchema.value() > schema::kCurrentVersion)
        return Error{file + u" is a recording of a newer Warroom (schema " +
                         QString::number(fileSchema.value()) + u')',
                     {},
                     0,
                     0};
    QTemporaryDir migrated; // an older recording: a copy brought up to date is what is pushed
    if (fileSchema.value() < schema::kCurrentVersion) {
        db.close();
        const QString copy = migrated.filePath(QStringLiteral("migrated.warroom"));
        if (!QFile::copy(file, copy))
            return Error{u"cannot copy " + file + u" to bring it up to date", {}, 0, 0};
        auto writer = RecordingWriter::openForAppend(copy);
        if (!writer)
            return writer.errors();
        if (auto closed = writer.value()->close(); !closed)
            return closed.errors();
        db.setDatabaseName(copy);
        if (!db.open())
            return Error{u"cannot open " + copy + u": " + sqlText(db.lastError()), {}, 0, 0};
    }
    // One snapshot of the file, however many tables (a recording still being written).
    db.transaction();

    auto connected = connect(to);
    if (!connected)
        return connected.errors();
    PGconn *c = connected.value().get();
    // A push that fails anywhere leaves nothing: the connection closes with the transaction
    // open, and PostgreSQL rolls it back.
    if (auto r = exec(c, QStringLiteral("BEGIN")); !r)
        return r.errors();
    if (auto r = ensureSchema(c); !r)
        return r.errors();
    auto made = exec(c,
                     QStringLiteral("INSERT INTO incidents (name, file_schema, created_ms) VALUES "
                                    "($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id"),
                     {to.incident, QString::number(schema::kCurrentVersion),
                      QString::number(QDateTime::currentMSecsSinceEpoch())});
    if (!made)
        return made.errors();
    if (PQntuples(made.value().get()) == 0)
        return Error{u"an incident named " + to.incident + u" is already there (" + to.display +
                         u"): choose another name",
                     {},
                     0,
                     0};
    const QByteArray incident = PQgetvalue(made.value().get(), 0, 0);
    qint64 events = 0;
    for (const Table &t : tables()) {
        QSqlQuery rows(db);
        rows.setForwardOnly(true);
        if (!rows.exec(u"SELECT " + columnList(t) + u" FROM " + QLatin1StringView(t.name)))
            return Error{u"cannot read " + QLatin1StringView(t.name) + u" of " + file + u": " +
                             sqlText(rows.lastError()),
                         {},
                         0,
                         0};
        const QString copy = u"COPY " + QLatin1StringView(t.name) + u" (incident, " +
                             columnList(t) + u") FROM STDIN";
        PgResult started(PQexec(c, copy.toUtf8().constData()));
        if (PQresultStatus(started.get()) != PGRES_COPY_IN)
            return Error{pgError(c), {}, 0, 0};
        QByteArray buffer;
        while (rows.next()) {
            buffer += incident;
            for (int i = 0; i < int(t.columns.size()); ++i) {
                buffer += '\t';
                if (!appendCopyField(buffer, rows.value(i), t.columns[i].type)) {
                    PQputCopyEnd(c, "a text holds a NUL character");
                    return Error{u"cannot push " + file + u": a row's " +
                                     QLatin1StringView(t.name) + u'.' +
                                     QLatin1StringView(t.columns[i].name) +
                                     u" holds a NUL character, which PostgreSQL's text cannot",
                                 {},
                                 0,
                                 0};
                }
            }
            buffer += '\n';
            if (qstrcmp(t.name, "events") == 0)
                ++events;
            if (buffer.size() > (1 << 20)) {
                if (PQputCopyData(c, buffer.constData(), int(buffer.size())) != 1)
                    return Error{pgError(c), {}, 0, 0};
                buffer.clear();
            }
        }
        if (rows.lastError().isValid()) { // a damaged page: nothing is stored
            PQputCopyEnd(c, "the file could not be read");
            return Error{u"cannot read " + QLatin1StringView(t.name) + u" of " + file + u": " +
                             sqlText(rows.lastError()),
                         {},
                         0,
                         0};
        }
        if ((!buffer.isEmpty() && PQputCopyData(c, buffer.constData(), int(buffer.size())) != 1) ||
            PQputCopyEnd(c, nullptr) != 1)
            return Error{pgError(c), {}, 0, 0};
        PgResult ended(PQgetResult(c));
        if (PQresultStatus(ended.get()) != PGRES_COMMAND_OK)
            return Error{
                u"cannot copy " + QLatin1StringView(t.name) + u": " + pgError(c), {}, 0, 0};
        while (PgResult more{PQgetResult(c)}) {
        }
    }
    if (auto r = exec(c, QStringLiteral("SELECT note_hidden_rules($1)"),
                      {QString::fromLatin1(incident)});
        !r)
        return r.errors();
    if (auto r = exec(c, QStringLiteral("COMMIT")); !r)
        return r.errors();
    return events;
}

Result<qint64> pullRecording(const SharedAddress &from, const QString &file)
{
    if (from.incident.isEmpty())
        return Error{u"name the incident: " + from.display + u"?incident=NAME", {}, 0, 0};
    if (QFile::exists(file))
        return Error{file + u" exists: pull writes a new recording", {}, 0, 0};
    auto connected = connect(from);
    if (!connected)
        return connected.errors();
    PGconn *c = connected.value().get();
    // One snapshot of the incident, however many tables.
    if (auto r = exec(c, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")); !r)
        return r.errors();
    auto have = sharedSchemaOf(c);
    if (!have)
        return have.errors();
    if (have.value() == 0)
        return Error{u"no incident named " + from.incident + u" in " + from.server +
                         u" (nothing was pushed there)",
                     {},
                     0,
                     0};
    auto found = exec(c, QStringLiteral("SELECT id, file_schema FROM incidents WHERE name = $1"),
                      {from.incident});
    if (!found)
        return found.errors();
    if (PQntuples(found.value().get()) == 0)
        return Error{u"no incident named " + from.incident + u" in " + from.server, {}, 0, 0};
    const QString incident = QString::fromLatin1(PQgetvalue(found.value().get(), 0, 0));
    if (QByteArray(PQgetvalue(found.value().get(), 0, 1)).toInt() > schema::kCurrentVersion)
        return Error{u"incident " + from.incident + u" was pushed by a newer Warroom", {}, 0, 0};

    // Written under another name, then put in place whole: a pull that fails or is killed
    // leaves no half recording under the name, and never replaces a file.
    const QString part = file + u".part-" + QUuid::createUuid().toString(QUuid::WithoutBraces);
    struct Removal
    {
        QString path;
        ~Removal()
        {
            if (!path.isEmpty())
                QFile::remove(path);
        }
    } removal{part};
    {
        auto writer = RecordingWriter::create(part); // the file's schema, empty
        if (!writer)
            return writer.errors();
        if (auto closed = writer.value()->close(); !closed)
            return closed.errors();
    }
    SqliteFile sqlite;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), sqlite.connection);
    db.setDatabaseName(part);
    if (!db.open())
        return Error{u"cannot open " + part + u": " + sqlText(db.lastError()), {}, 0, 0};
    auto fail = [&db](const QString &why) -> Result<qint64> {
        db.rollback();
        db.close();
        return Error{why, {}, 0, 0};
    };
    db.transaction();
    qint64 events = 0;
    for (const Table &t : tables()) {
        QSqlQuery clear(db);
        clear.exec(u"DELETE FROM " + QLatin1StringView(t.name)); // what create() wrote
        auto rows = exec(c,
                         u"SELECT " + columnList(t) + u" FROM " + QLatin1StringView(t.name) +
                             u" WHERE incident = $1 ORDER BY " + QLatin1StringView(t.orderBy),
                         {incident});
        if (!rows)
            return fail(rows.errors().first().message);
        QStringList marks;
        for (std::size_t i = 0; i < t.columns.size(); ++i)
            marks.append(QStringLiteral("?"));
        QSqlQuery insert(db);
        insert.prepare(u"INSERT INTO " + QLatin1StringView(t.name) + u" (" + columnList(t) +
                       u") VALUES (" + marks.join(u',') + u')');
        PGresult *r = rows.value().get();
        for (int row = 0; row < PQntuples(r); ++row) {
            for (int col = 0; col < int(t.columns.size()); ++col) {
                const char *value = PQgetvalue(r, row, col);
                switch (t.columns[col].type) {
                case Type::Integer:
                    insert.bindValue(col, QByteArray(value).toLongLong());
                    break;
                case Type::Real:
                    insert.bindValue(col, doubleOf(value));
                    break;
                case Type::Text:
                    insert.bindValue(col, QString::fromUtf8(value));
                    break;
                case Type::Blob: {
                    std::size_t length = 0;
                    unsigned char *bytes =
                        PQunescapeBytea(reinterpret_cast<const unsigned char *>(value), &length);
                    insert.bindValue(
                        col, QByteArray(reinterpret_cast<const char *>(bytes), qsizetype(length)));
                    PQfreemem(bytes);
                    break;
                }
                }
            }
            if (!insert.exec())
                return fail(u"cannot write " + QLatin1StringView(t.name) + u" of " + file + u": " +
                            sqlText(insert.lastError()));
        }
        if (qstrcmp(t.name, "events") == 0)
            events = PQntuples(r);
    }
    // The rows are checksummed as they arrived (PostgreSQL keeps its own integrity).
    if (!checksums::addSqlFunctions(db))
        return fail(u"cannot write " + file + u": no checksums (not SQLite's own driver)");
    for (const checksums::Table &t : checksums::kTables) {
        QSqlQuery checksum(db);
        if (!checksum.exec(u"UPDATE " + QLatin1StringView(t.name) + u" SET crc = warroom_crc(" +
                           QLatin1StringView(t.columns) + u')'))
            return fail(u"cannot write " + file + u": " + sqlText(checksum.lastError()));
    }
    if (!db.commit())
        return fail(u"cannot write " + file + u": " + sqlText(db.lastError()));
    db.close();
    if (!QFile::rename(part, file)) // refuses a name that appeared meanwhile
        return Error{
            u"cannot write " + file + u" (it exists now, or its folder refuses it)", {}, 0, 0};
    removal.path.clear();
    return events;
}

Result<bool> incidentExists(const SharedAddress &where)
{
    auto connected = connect(where);
    if (!connected)
        return connected.errors();
    PGconn *c = connected.value().get();
    auto have = sharedSchemaOf(c);
    if (!have)
        return have.errors();
    if (have.value() == 0)
        return false;
    auto found =
        exec(c, QStringLiteral("SELECT 1 FROM incidents WHERE name = $1"), {where.incident});
    if (!found)
        return found.errors();
    return PQntuples(found.value().get()) > 0;
}

Result<bool> renameIncident(const SharedAddress &from, const QString &to)
{
    auto connected = connect(from);
    if (!connected)
        return connected.errors();
    // The name's uniqueness is the guard: an incident that took it meanwhile is never replaced.
    auto renamed =
        exec(connected.value().get(),
             QStringLiteral("UPDATE incidents SET name = $1 WHERE name = $2"), {to, from.incident});
    if (!renamed)
        return Error{u"cannot name the incident " + to + u" in " + from.display + u": " +
                         renamed.errors().first().message,
                     {},
                     0,
                     0};
    return true;
}

Result<bool> removeIncident(const SharedAddress &where)
{
    auto connected = connect(where);
    if (!connected)
        return connected.errors();
    auto removed = exec(connected.value().get(),
                        QStringLiteral("DELETE FROM incidents WHERE name = $1"), {where.incident});
    if (!removed)
        return removed.errors();
    return true;
}

Result<QList<SharedIncident>> listIncidents(const SharedAddress &where)
{
    auto connected = connect(where);
    if (!connected)
        return connected.errors();
    PGconn *c = connected.value().get();
    auto have = sharedSchemaOf(c);
    if (!have)
        return have.errors();
    QList<SharedIncident> out;
    if (have.value() == 0)
        return out; // nothing pushed yet
    // A drill's trainee reads through its views (shared_trainee.cpp).
    auto readable =
        exec(c, QStringLiteral("SELECT has_table_privilege('warroom.events', 'SELECT')"));
    if (!readable)
        return readable.errors();
    const QString prefix = QByteArray(PQgetvalue(readable.value().get(), 0, 0)) == "t"
                               ? QString()
                               : QStringLiteral("trainee_");
    // Live: its one writer holds the incident's advisory lock (shared_writer.cpp).
    auto rows = exec(
        c,
        u"SELECT i.name, i.created_ms, (SELECT count(*) FROM " + prefix +
            u"events e WHERE e.incident = i.id), coalesce((SELECT value FROM " + prefix +
            u"meta m WHERE m.incident = i.id AND m.key = 'scenario_title'), ''), EXISTS (SELECT "
            u"1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 "
            u"AND l.classid = " +
            QString::number(kWriterLockKey) +
            u"::oid AND l.objid = i.id::oid) FROM incidents i WHERE ($1 = '' OR i.name = $1) "
            u"ORDER BY i.name",
        {where.incident});
    if (!rows)
        return rows.errors();
    PGresult *r = rows.value().get();
    for (int row = 0; row < PQntuples(r); ++row)
        out.append({QString::fromUtf8(PQgetvalue(r, row, 0)),
                    QByteArray(PQgetvalue(r, row, 1)).toLongLong(),
                    QByteArray(PQgetvalue(r, row, 2)).toLongLong(),
                    QString::fromUtf8(PQgetvalue(r, row, 3)),
                    QByteArray(PQgetvalue(r, row, 4)) == "t"});
    return out;
}

} // namespace warroom
