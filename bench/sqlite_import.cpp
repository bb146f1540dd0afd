#include "sqlite_import.h"

#include <benchmark/benchmark.h>

#include <QDir>
#include <QFile>
#include <QProcess>

namespace warroom::bench {

SqliteImport prepareSqliteImport(const QString &dir, int series, int samples,
                                 const std::function<float(int, int)> &value)
{
    SqliteImport import{QDir(dir).filePath(QStringLiteral("samples.csv")),
                        QDir(dir).filePath(QStringLiteral("import.db")), qint64(series) * samples};
    if (!QFile::exists(import.csv)) {
        QFile file(import.csv);
        file.open(QIODevice::WriteOnly);
        QByteArray out;
        out.reserve(32 << 20);
        for (int i = 0; i < samples; ++i) {
            for (int s = 0; s < series; ++s)
                out += QByteArray::number(s) + ',' + QByteArray::number(qint64(i) * 1000) + ',' +
                       QByteArray::number(double(value(s, i)), 'g', 9) + '\n';
        }
        file.write(out);
    }
    QFile::remove(import.database);
    return import;
}

qint64 runSqliteImport(const SqliteImport &import)
{
    QFile::remove(import.database);
    QProcess sqlite;
    sqlite.start(QStringLiteral("sqlite3"), {import.database});
    sqlite.write("CREATE TABLE samples (series INTEGER, time_ms INTEGER, value REAL);\n"
                 "CREATE INDEX samples_by_series ON samples (series, time_ms);\n"
                 ".mode csv\n.import " +
                 import.csv.toUtf8() + " samples\nSELECT count(*) FROM samples;\n");
    sqlite.closeWriteChannel();
    if (!sqlite.waitForFinished(600000) || sqlite.exitCode() != 0)
        return -1;
    return sqlite.readAllStandardOutput().trimmed().toLongLong();
}

void sqliteImportBenchmark(benchmark::State &state, const QString &dir, int series, int samples,
                           const std::function<float(int, int)> &value)
{
    const SqliteImport import = prepareSqliteImport(dir, series, samples, value);
    for (auto _ : state) {
        const qint64 rows = runSqliteImport(import);
        if (rows != import.rows) {
            state.SkipWithError(
                "sqlite3 failed (is the sqlite3 package installed?) or rows missing");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * import.rows);
}

} // namespace warroom::bench
