#pragma once

#include "core/util/result.h"

#include <QStringList>

namespace warroom {

// Where an incident lives in a shared PostgreSQL (docs/shared.md):
// `postgresql://HOST:PORT/DATABASE?incident=NAME` (user, TLS and the rest as libpq reads them:
// `?sslmode=verify-full`, PGUSER, PGPASSFILE, a service file). A password in the address is
// refused: it would be on a command line and in the shell's history.
struct SharedAddress
{
    QString conninfo; // for libpq, without `incident`
    QString incident; // empty: the database as a whole (listing)
    QString display;  // for messages, without secrets
};

bool isSharedAddress(const QString &text);
Result<SharedAddress> parseSharedAddress(const QString &text);

struct SharedIncident
{
    QString name;
    qint64 createdMs = 0;
    qint64 events = 0;
    QString title;
};

// Copies a recording file into the database as an incident, row for row (events, series and
// their chunks, topology versions, layout, post-mortems, metadata), in one transaction; an
// incident of that name must not exist yet. The count of events copied.
Result<qint64> pushRecording(const QString &file, const SharedAddress &to);
// Writes an incident into a new recording file, row for row, so that it is the file pushed.
Result<qint64> pullRecording(const SharedAddress &from, const QString &file);
// The incidents a database holds, by name.
Result<QList<SharedIncident>> listIncidents(const SharedAddress &where);

} // namespace warroom
