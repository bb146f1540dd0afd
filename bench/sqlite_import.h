#pragma once

#include <QString>

#include <functional>

namespace warroom::bench {

// The comparison the store benchmarks use: the sqlite3 command-line tool importing samples as
// CSV rows (series, time_ms, value) into a table indexed on (series, time). Writes the CSV
// once (from `value`), imports it into a fresh database and returns the rows it counted
// afterwards, or -1 when sqlite3 failed. Only the import is inside the caller's timing.
struct SqliteImport
{
    QString csv;
    QString database;
    qint64 rows = 0;
};
SqliteImport prepareSqliteImport(const QString &dir, int series, int samples,
                                 const std::function<float(int, int)> &value);
qint64 runSqliteImport(const SqliteImport &import);

} // namespace warroom::bench

namespace benchmark {
class State;
}

namespace warroom::bench {

// The benchmark body both store benchmarks register, so that the ratio is taken in one run.
void sqliteImportBenchmark(benchmark::State &state, const QString &dir, int series, int samples,
                           const std::function<float(int, int)> &value);

} // namespace warroom::bench
