#pragma once

#include <QString>

struct sqlite3;
class QSqlDatabase;

// Checksums of what a recording file stores (format version 4, docs/recording-format.md):
// every row of every table carries in `crc` the CRC-32 of its columns, computed by SQL from
// the values the writer binds (what it meant to write) and checked by readers, so that a
// flipped bit is reported with what it touches instead of being shown as data. Rows written
// before version 4 have none (NULL) and are read as they are.
namespace warroom::checksums {

// A table and the columns its checksum covers, in order.
struct Table
{
    const char *name;
    const char *columns;
};
inline constexpr Table kTables[] = {
    {"meta", "key, value"},
    {"events", "id, time_ms, kind, node, site, subject, text, details"},
    {"series", "id, key, node, metric, unit, start_ms, interval_ms, count, levels"},
    {"chunks", "series, level, idx, count, data"},
    {"topology_versions", "time_ms, reason, json"},
    {"layout", "element, x, y"},
    {"postmortems", "id, json, updated_ms"},
};
const Table &table(const char *name);

// "INSERT [OR REPLACE] INTO table (columns, crc) SELECT columns, warroom_crc(columns) FROM
// (SELECT ? AS column, ...)": a row with its checksum, one placeholder per column in order.
QString insertStatement(const char *table, bool orReplace);

// ", crc IS NULL OR crc = warroom_crc(columns...)": whether a row is intact, as a column.
QString intactColumn(const char *table);

// The SQLite connection under a QSQLITE database (null for another driver).
sqlite3 *sqliteOf(const QSqlDatabase &db);
// warroom_crc(value, ...): CRC-32 over each value with its type: numbers as their 8 bytes,
// texts as UTF-8 and blobs as they are, after their length; NULL apart from an empty text.
bool addSqlFunctions(sqlite3 *db);
bool addSqlFunctions(const QSqlDatabase &db);

} // namespace warroom::checksums
