#include "row_checksums.h"

#include <QSqlDatabase>
#include <QSqlDriver>
#include <QStringList>
#include <QVariant>
#include <QtEndian>

#include <sqlite3.h>
#include <zlib.h>

#include <cstring>

namespace warroom::checksums {

namespace {

void rowCrc(sqlite3_context *context, int count, sqlite3_value **values)
{
    // Each value with its type: numbers as their 8 bytes (exact, whatever SQLite's number
    // formatting), texts as UTF-8 (Qt binds UTF-16; the file stores UTF-8) and blobs as they
    // are, each after its length. What the writer binds and what a reader reads hash alike: a
    // REAL column's value is a REAL both ways, even when stored as an integer.
    uLong crc = crc32(0, nullptr, 0);
    for (int i = 0; i < count; ++i) {
        sqlite3_value *value = values[i];
        const int type = sqlite3_value_type(value);
        unsigned char head[9];
        head[0] = static_cast<unsigned char>(type);
        qint64 length = 0;
        const void *bytes = nullptr;
        if (type == SQLITE_INTEGER) {
            qToLittleEndian<qint64>(sqlite3_value_int64(value), head + 1);
        } else if (type == SQLITE_FLOAT) {
            qToLittleEndian<double>(sqlite3_value_double(value), head + 1);
        } else if (type == SQLITE_NULL) {
            qToLittleEndian<qint64>(-1, head + 1);
        } else {
            bytes = type == SQLITE_BLOB ? sqlite3_value_blob(value) : sqlite3_value_text(value);
            length = sqlite3_value_bytes(value);
            qToLittleEndian<qint64>(length, head + 1);
        }
        crc = crc32(crc, head, sizeof head);
        if (bytes && length > 0)
            crc = crc32(crc, static_cast<const Bytef *>(bytes), uInt(length)); // < 2 GiB each
    }
    sqlite3_result_int64(context, qint64(crc));
}

} // namespace

const Table &table(const char *name)
{
    for (const Table &t : kTables) {
        if (std::strcmp(t.name, name) == 0)
            return t;
    }
    Q_UNREACHABLE();
}

QString insertStatement(const char *name, bool orReplace)
{
    const Table &t = table(name);
    const QString columns = QLatin1StringView(t.columns);
    QStringList values;
    for (const QString &column : columns.split(QStringLiteral(", ")))
        values.append(u"? AS " + column);
    return (orReplace ? QStringLiteral("INSERT OR REPLACE INTO ")
                      : QStringLiteral("INSERT INTO ")) +
           QLatin1StringView(t.name) + u" (" + columns + u", crc) SELECT " + columns +
           u", warroom_crc(" + columns + u") FROM (SELECT " + values.join(QStringLiteral(", ")) +
           u')';
}

QString intactColumn(const char *name)
{
    return u", crc IS NULL OR crc = warroom_crc(" + QLatin1StringView(table(name).columns) + u')';
}

sqlite3 *sqliteOf(const QSqlDatabase &db)
{
    const QVariant handle = db.driver() ? db.driver()->handle() : QVariant();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0)
        return nullptr;
    return *static_cast<sqlite3 *const *>(handle.constData());
}

bool addSqlFunctions(sqlite3 *db)
{
    return db && sqlite3_create_function_v2(
                     db, "warroom_crc", -1, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                     nullptr, rowCrc, nullptr, nullptr, nullptr) == SQLITE_OK;
}

bool addSqlFunctions(const QSqlDatabase &db)
{
    return addSqlFunctions(sqliteOf(db));
}

} // namespace warroom::checksums
