#pragma once

#include "shared_address.h"

#include <QStringList>

namespace warroom {

struct SharedIncident
{
    QString name;
    qint64 createdMs = 0;
    qint64 events = 0;
    QString title;
    bool live = false; // its writer of events is connected now (an ingest, a drill, a source)
};

// Copies a recording file into the database as an incident, row for row (events, series and
// their chunks, topology versions, layout, post-mortems, metadata), in one transaction; an
// incident of that name must not exist yet. The count of events copied.
Result<qint64> pushRecording(const QString &file, const SharedAddress &to);
// Writes an incident into a new recording file, row for row, so that it is the file pushed.
Result<qint64> pullRecording(const SharedAddress &from, const QString &file);
// Whether the database holds an incident of the address's name.
Result<bool> incidentExists(const SharedAddress &where);
// Gives the incident at `from` the name `to`, which must be free (a simulation written under a
// name of its own, then put in place whole).
Result<bool> renameIncident(const SharedAddress &from, const QString &to);
// Takes an incident out of the database, with everything recorded in it.
Result<bool> removeIncident(const SharedAddress &where);
// The incidents a database holds, by name.
Result<QList<SharedIncident>> listIncidents(const SharedAddress &where);

} // namespace warroom
