#include "postmortem_rows.h"

#include "row_checksums.h"
#include "schema.h"
#include "shared_schema.h"
#include "sql_error.h"

#include <QDateTime>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace warroom {

namespace {

Result<std::optional<QByteArray>> writeFileIf(const QString &path, const QString &id,
                                              const QByteArray &json, const QByteArray &expected)
{
    if (!QFileInfo::exists(path)) // SQLite would make an empty one
        return Error{QStringLiteral("no such file"), path, 0, 0};
    const QString name = u"pm-cas-" + QUuid::createUuid().toString(QUuid::WithoutBraces);
    Result<std::optional<QByteArray>> result = std::optional<QByteArray>();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        auto fail = [&](const QSqlQuery &q) {
            result = Error{sqlText(q.lastError()), path, 0, 0};
            QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        };
        if (!db.open()) {
            result = Error{sqlText(db.lastError()), path, 0, 0};
        } else if (!checksums::addSqlFunctions(db)) {
            result = Error{QStringLiteral("cannot checksum the post-mortem (not SQLite's own "
                                          "driver)"),
                           path, 0, 0};
            db.close();
        } else if (auto migrated = schema::migrate(db); !migrated) {
            // An older file gets the post-mortems' table first (as any write migrates it);
            // a current one costs a pragma read, not a writer thread per autosave.
            result = Error{migrated.errors().first().message, path, 0, 0};
            db.close();
        } else {
            QSqlQuery q(db);
            if (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) { // the compare and the set as one
                fail(q);
            } else {
                q.prepare(u"SELECT json" + checksums::intactColumn("postmortems") +
                          u" FROM postmortems WHERE id = ?");
                q.bindValue(0, id);
                if (!q.exec()) {
                    fail(q);
                } else {
                    // A stored row that fails its checksum is no one's version: replaced.
                    const bool found = q.next();
                    const QByteArray stored = !found                ? QByteArray()
                                              : q.value(1).toBool() ? q.value(0).toByteArray()
                                                                    : expected;
                    q.finish();
                    if (stored != expected) {
                        QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
                        result = std::optional<QByteArray>(stored);
                    } else {
                        q.prepare(checksums::insertStatement("postmortems", true));
                        q.bindValue(0, id);
                        q.bindValue(1, json);
                        q.bindValue(2, QDateTime::currentMSecsSinceEpoch());
                        if (!q.exec() || !q.exec(QStringLiteral("COMMIT")))
                            fail(q);
                    }
                }
            }
            db.close();
        }
    }
    QSqlDatabase::removeDatabase(name);
    return result;
}

Result<std::optional<QByteArray>> writeSharedIf(const QString &path, const QString &id,
                                                const QByteArray &json, const QByteArray &expected)
{
    const auto where = parseSharedAddress(path);
    if (!where)
        return where.errors();
    auto connected = pg::connect(where.value());
    if (!connected)
        return connected.errors();
    PGconn *c = connected.value().get();
    auto found = pg::exec(c, QStringLiteral("SELECT id FROM incidents WHERE name = $1"),
                          {where.value().incident});
    if (!found)
        return found.errors();
    if (PQntuples(found.value().get()) == 0)
        return Error{u"no incident named " + where.value().incident + u" in " +
                         where.value().server,
                     {},
                     0,
                     0};
    const QString incident = QString::fromLatin1(PQgetvalue(found.value().get(), 0, 0));
    // A failure anywhere leaves nothing: the connection closes with the transaction open.
    for (const QString &sql :
         {QStringLiteral("BEGIN"),
          // One writer of this post-mortem at a time, even before its first row exists.
          QStringLiteral("SELECT pg_advisory_xact_lock($1::integer, hashtext($2))")}) {
        auto r = sql == u"BEGIN" ? pg::exec(c, sql) : pg::exec(c, sql, {incident, id});
        if (!r)
            return r.errors();
    }
    const QByteArray incidentText = incident.toLatin1();
    const QByteArray idText = id.toUtf8();
    const char *values[] = {incidentText.constData(), idText.constData()};
    const QByteArray updated = QByteArray::number(QDateTime::currentMSecsSinceEpoch());
    // A trainee (who may not read the table) writes through the one function that lets it
    // write its own post-mortems of drills, compared and set on the server.
    auto readable =
        pg::exec(c, QStringLiteral("SELECT has_table_privilege('warroom.postmortems', 'SELECT')"));
    if (!readable)
        return readable.errors();
    if (QByteArray(PQgetvalue(readable.value().get(), 0, 0)) != "t") {
        const char *args[] = {incidentText.constData(), idText.constData(), json.constData(),
                              expected.constData(), updated.constData()};
        const int lengths[] = {0, 0, int(json.size()), int(expected.size()), 0};
        const int formats[] = {0, 0, 1, 1, 0};
        pg::PgResult done(
            PQexecParams(c, "SELECT written, stored FROM write_own_postmortem($1, $2, $3, $4, $5)",
                         5, nullptr, args, lengths, formats, 1 /* binary: the bytes as stored */));
        if (PQresultStatus(done.get()) != PGRES_TUPLES_OK)
            return Error{where.value().display + u": " + pg::pgError(c), {}, 0, 0};
        if (*PQgetvalue(done.get(), 0, 0) == 0) // binary boolean: 0 or 1
            return std::optional<QByteArray>(
                QByteArray(PQgetvalue(done.get(), 0, 1), PQgetlength(done.get(), 0, 1)));
        if (auto r = pg::exec(c, QStringLiteral("COMMIT")); !r)
            return r.errors();
        return std::optional<QByteArray>();
    }
    pg::PgResult stored(
        PQexecParams(c, "SELECT json FROM postmortems WHERE incident = $1 AND id = $2", 2, nullptr,
                     values, nullptr, nullptr, 1 /* binary: the bytes as stored */));
    if (PQresultStatus(stored.get()) != PGRES_TUPLES_OK)
        return Error{pg::pgError(c), where.value().display, 0, 0};
    const QByteArray now =
        PQntuples(stored.get()) == 0
            ? QByteArray()
            : QByteArray(PQgetvalue(stored.get(), 0, 0), PQgetlength(stored.get(), 0, 0));
    if (now != expected)
        return std::optional<QByteArray>(now);
    const QByteArray channel = pg::channelOf(incident.toLongLong()).toUtf8();
    const char *row[] = {incidentText.constData(), idText.constData(), json.constData(),
                         updated.constData()};
    const int lengths[] = {0, 0, int(json.size()), 0};
    const int formats[] = {0, 0, 1, 0};
    pg::PgResult written(PQexecParams(
        c,
        "INSERT INTO postmortems (incident, id, json, updated_ms) VALUES ($1, $2, $3, $4) ON "
        "CONFLICT (incident, id) DO UPDATE SET json = EXCLUDED.json, updated_ms = "
        "EXCLUDED.updated_ms",
        4, nullptr, row, lengths, formats, 0));
    if (PQresultStatus(written.get()) != PGRES_COMMAND_OK)
        return Error{pg::pgError(c), where.value().display, 0, 0};
    for (const QString &sql :
         {QString(u"SELECT pg_notify('" + QString::fromUtf8(channel) + u"', 'postmortems')"),
          QStringLiteral("COMMIT")}) {
        if (auto r = pg::exec(c, sql); !r)
            return r.errors();
    }
    return std::optional<QByteArray>();
}

} // namespace

Result<std::optional<QByteArray>> writePostMortemIf(const QString &path, const QString &id,
                                                    const QByteArray &json,
                                                    const QByteArray &expected)
{
    return isSharedAddress(path) ? writeSharedIf(path, id, json, expected)
                                 : writeFileIf(path, id, json, expected);
}

} // namespace warroom
