#pragma once

#include "core/util/result.h"

#include <QString>

namespace warroom {

// Where an incident lives in a shared PostgreSQL (docs/shared.md):
// `postgresql://HOST:PORT/DATABASE?incident=NAME` (user, TLS and the rest as libpq reads them:
// `?sslmode=verify-full`, PGUSER, PGPASSFILE, a service file). A password in the address is
// refused: it would be on a command line and in the shell's history.
struct SharedAddress
{
    QString conninfo; // for libpq, without `incident`
    QString incident; // empty: the database as a whole (listing)
    QString server;   // the database, for messages, without secrets: postgresql://HOST:PORT/DB
    QString display;  // the incident, for messages: "SERVER incident NAME"
};

bool isSharedAddress(const QString &text);
// How a recording is named to people: its file's name, or "NAME on HOST:PORT/DATABASE".
QString recordingDisplayName(const QString &path);
// A short name for titles and files made from it: the file's base name, or the incident's.
QString recordingBaseName(const QString &path);
Result<SharedAddress> parseSharedAddress(const QString &text);
// What a drill's trainees run to open `path`, quoted for a shell: for a shared incident, as a
// login role of their own (ROLE, in warroom_trainee), never the instructor's.
QString traineeCommand(const QString &path);

} // namespace warroom
