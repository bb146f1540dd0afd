#pragma once

#include "core/util/result.h"

class QSqlDatabase;

namespace warroom {

// The .warroom schema: SQLite, identified by its application id, versioned by user_version.
// Each version has one migration; opening an older file for writing migrates it forward.
namespace schema {

constexpr int kApplicationId = 0x57524F4F; // "WROO"
constexpr int kCurrentVersion = 4;

// Applies the migrations after the file's version, up to `target`, each in a transaction.
Result<int> migrate(QSqlDatabase &db, int target = kCurrentVersion);

// Why SQLite could not read a file, in words: damaged (malformed), or not a recording at all.
QString unreadable(const QString &sqliteError);

// The file's schema version; an error when it is not a Warroom recording.
Result<int> versionOf(QSqlDatabase &db);

} // namespace schema
} // namespace warroom
