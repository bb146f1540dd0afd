#include "schema.h"

#include "row_checksums.h"
#include "sql_error.h"

#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStringList>

#include <functional>

namespace warroom::schema {

namespace {

Result<bool> exec(QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql))
        return Error{sqlText(query.lastError()) + u" (in: " + sql.simplified() + u')', {}, 0, 0};
    return true;
}

Result<bool> execAll(QSqlDatabase &db, const QStringList &statements)
{
    for (const QString &sql : statements) {
        if (auto r = exec(db, sql); !r)
            return r;
    }
    return true;
}

// Version 1: metadata, events, metric series in chunks with min/max levels, topology versions.
Result<bool> migrateToV1(QSqlDatabase &db)
{
    return execAll(
        db,
        {
            QStringLiteral("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"),
            QStringLiteral("CREATE TABLE events ("
                           " id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL, kind TEXT NOT NULL,"
                           " node TEXT NOT NULL DEFAULT '', site TEXT NOT NULL DEFAULT '',"
                           " subject TEXT NOT NULL DEFAULT '', text TEXT NOT NULL DEFAULT '',"
                           " details TEXT NOT NULL DEFAULT '{}')"),
            QStringLiteral("CREATE INDEX events_by_time ON events (time_ms)"),
            QStringLiteral("CREATE INDEX events_by_kind ON events (kind, time_ms)"),
            QStringLiteral("CREATE INDEX events_by_node ON events (node, time_ms)"),
            QStringLiteral("CREATE TABLE series ("
                           " id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE,"
                           " node TEXT NOT NULL DEFAULT '', metric TEXT NOT NULL,"
                           " unit TEXT NOT NULL DEFAULT '', start_ms INTEGER NOT NULL,"
                           " interval_ms INTEGER NOT NULL, count INTEGER NOT NULL DEFAULT 0,"
                           " levels INTEGER NOT NULL DEFAULT 1)"),
            // Level 0 holds float32 samples, level L >= 1 float32 (min, max) pairs over 8^L
            // samples; a chunk holds up to 4096 entries of one level.
            QStringLiteral("CREATE TABLE chunks ("
                           " series INTEGER NOT NULL, level INTEGER NOT NULL, idx INTEGER NOT NULL,"
                           " count INTEGER NOT NULL, data BLOB NOT NULL,"
                           " PRIMARY KEY (series, level, idx)) WITHOUT ROWID"),
            QStringLiteral("CREATE TABLE topology_versions ("
                           " id INTEGER PRIMARY KEY, time_ms INTEGER NOT NULL,"
                           " reason TEXT NOT NULL, json BLOB NOT NULL)"),
            QStringLiteral("CREATE INDEX topology_by_time ON topology_versions (time_ms)"),
        });
}

// Version 2: where the map's nodes were placed by hand (saved with the recording).
Result<bool> migrateToV2(QSqlDatabase &db)
{
    return execAll(db, {QStringLiteral("CREATE TABLE layout ("
                                       " element TEXT PRIMARY KEY, x REAL NOT NULL,"
                                       " y REAL NOT NULL)")});
}

// Version 3: post-mortems written next to the replay (JSON, docs/postmortem.md).
Result<bool> migrateToV3(QSqlDatabase &db)
{
    return execAll(db, {QStringLiteral("CREATE TABLE postmortems ("
                                       " id TEXT PRIMARY KEY, json BLOB NOT NULL,"
                                       " updated_ms INTEGER NOT NULL)")});
}

// Version 4: a CRC-32 on every row of every table (row_checksums.h); rows written before have
// none.
Result<bool> migrateToV4(QSqlDatabase &db)
{
    QStringList statements;
    for (const checksums::Table &t : checksums::kTables)
        statements.append(u"ALTER TABLE " + QLatin1StringView(t.name) + u" ADD COLUMN crc INTEGER");
    return execAll(db, statements);
}

const std::function<Result<bool>(QSqlDatabase &)> kMigrations[] = {migrateToV1, migrateToV2,
                                                                   migrateToV3, migrateToV4};

Result<qint64> pragma(QSqlDatabase &db, const QString &name)
{
    QSqlQuery query(db);
    if (!query.exec(u"PRAGMA " + name) || !query.next())
        return Error{sqlText(query.lastError()), {}, 0, 0};
    return query.value(0).toLongLong();
}

} // namespace

QString unreadable(const QString &sqliteError)
{
    if (sqliteError.contains(u"malformed"))
        return u"damaged: SQLite cannot read its structure (" + sqliteError.simplified() +
               u"); it may be truncated or overwritten";
    return u"not a Warroom recording (" + sqliteError.simplified() + u')';
}

Result<int> versionOf(QSqlDatabase &db)
{
    const auto appId = pragma(db, QStringLiteral("application_id"));
    if (!appId)
        return Error{unreadable(appId.errors().first().message), {}, 0, 0};
    const auto version = pragma(db, QStringLiteral("user_version"));
    if (!version)
        return version.errors();
    if (appId.value() == 0) {
        QSqlQuery query(db);
        if (query.exec(QStringLiteral("SELECT count(*) FROM sqlite_schema")) && query.next() &&
            query.value(0).toInt() == 0)
            return 0; // an empty database: a new recording
        return Error{QStringLiteral("not a Warroom recording (a SQLite database of another "
                                    "application)"),
                     {},
                     0,
                     0};
    }
    if (appId.value() != kApplicationId)
        return Error{QStringLiteral("not a Warroom recording (a SQLite database of another "
                                    "application)"),
                     {},
                     0,
                     0};
    if (version.value() > kCurrentVersion)
        return Error{u"recording format version " + QString::number(version.value()) +
                         u" is newer than this Warroom reads (" + QString::number(kCurrentVersion) +
                         u"); update Warroom",
                     {},
                     0,
                     0};
    return int(version.value());
}

Result<int> migrate(QSqlDatabase &db, int target)
{
    const auto current = versionOf(db);
    if (!current)
        return current;
    for (int version = current.value(); version < target; ++version) {
        if (!db.transaction())
            return Error{sqlText(db.lastError()), {}, 0, 0};
        auto step = kMigrations[version](db);
        if (step) {
            step = execAll(db, {u"PRAGMA application_id = " + QString::number(kApplicationId),
                                u"PRAGMA user_version = " + QString::number(version + 1)});
        }
        if (!step) {
            db.rollback();
            return Error{u"migrating the recording to version " + QString::number(version + 1) +
                             u": " + step.errors().first().message,
                         {},
                         0,
                         0};
        }
        if (!db.commit())
            return Error{sqlText(db.lastError()), {}, 0, 0};
    }
    return target;
}

} // namespace warroom::schema
