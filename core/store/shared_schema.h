#pragma once

// The shared schema in PostgreSQL and the libpq plumbing its readers and writers share
// (docs/shared.md). Internal to core/store.

#include "shared_address.h"

#include <QStringList>

#include <libpq-fe.h>

#include <memory>
#include <vector>

class QVariant;

namespace warroom::pg {

// The shared schema's version; migrations as the file's (core/store/schema.cpp).
constexpr int kSharedSchema = 3;
// The session advisory lock (this key, the incident's id) held by an incident's one writer of
// events: held, the incident is being written live.
constexpr int kWriterLockKey = 0x57524F4F; // "WROO", as the file's application id

enum class Type
{
    Integer,
    Real,
    Text,
    Blob
};

struct Column
{
    const char *name;
    Type type;
};

// The recording's tables as the file has them (schema version 3), each row keyed in the
// database by its incident too.
struct Table
{
    const char *name;
    std::vector<Column> columns;
    const char *orderBy;
};

const std::vector<Table> &tables();
QString columnList(const Table &t);

struct PgConnDeleter
{
    void operator()(PGconn *c) const { PQfinish(c); }
};
using Connection = std::unique_ptr<PGconn, PgConnDeleter>;
struct PgResultDeleter
{
    void operator()(PGresult *r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgResultDeleter>;

QString pgError(PGconn *c);
// The keywords libpq reads from a connection URI, with their values (only those given).
Result<QList<std::pair<QString, QString>>> conninfoKeywords(const QString &conninfo);
// A connection speaking UTF-8, printing doubles exactly, with `warroom` first in its path.
Result<Connection> connect(const SharedAddress &where);
Result<PgResult> exec(PGconn *c, const QString &sql, const QStringList &params = {});
// Notices from the server are not printed on stderr.
void quietNotices(PGconn *c);
// The shared schema's version in the database: 0 when none; an error for a newer one.
Result<int> sharedSchemaOf(PGconn *c);
// Version 2's statements: the trainees' views (shared_trainee.cpp).
QStringList traineeViewsMigration();
// Version 3's: trainees write their own post-mortems of drills, and read only those.
QStringList traineeWritesMigration();
// The shared schema, made or brought up to date when needed (in the caller's transaction).
Result<bool> ensureSchema(PGconn *c);
// The NOTIFY channel of an incident: its followers LISTEN there; the payload says what changed
// ("events,samples,meta,topology,layout,postmortems", comma-separated).
QString channelOf(qint64 incident);
// One field in COPY's text format; false for a text PostgreSQL cannot hold (a NUL).
bool appendCopyField(QByteArray &line, const QVariant &value, Type type);
// A double as PostgreSQL prints one.
double doubleOf(const char *text);

} // namespace warroom::pg
