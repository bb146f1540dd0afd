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
    uLong crc = crc32(0, nullptr, 0);
    for (int i = 0; i < count; ++i) {
        // Texts as UTF-8 (Qt binds UTF-16; the file stores UTF-8), numbers as their text: the
        // same whether bound as a number or made one by a column's affinity.
        sqlite3_value *value = values[i];
        const int type = sqlite3_value_type(value);
        const void *bytes = type == SQLITE_NULL   ? nullptr
                            : type == SQLITE_BLOB ? sqlite3_value_blob(value)
                                                  : sqlite3_value_text(value);
        const qint64 length = type == SQLITE_NULL ? -1 : sqlite3_value_bytes(value);
        unsigned char prefix[8];
        qToLittleEndian<qint64>(length, prefix);
        crc = crc32(crc, prefix, sizeof prefix);
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
