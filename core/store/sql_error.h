#pragma once

#include <QSqlError>
#include <QString>

namespace warroom {

// What went wrong, in SQLite's own words ("file is not a database"), without the Qt driver's
// words that QSqlError::text() appends ("Unable to fetch row"); the driver's alone when
// SQLite said nothing (a query that could not be prepared, a lost connection).
inline QString sqlText(const QSqlError &error)
{
    const QString database = error.databaseText().simplified();
    return database.isEmpty() ? error.driverText().simplified() : database;
}

} // namespace warroom
