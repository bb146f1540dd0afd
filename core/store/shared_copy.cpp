#include "shared_copy.h"

#include "recording_writer.h"

#include <QDateTime>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>
#include <QUuid>

#include <libpq-fe.h>

#include <memory>

namespace warroom {

namespace {

// The shared schema's version; migrations as the file's (core/store/schema.cpp).
constexpr int kSharedSchema = 1;

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

const std::vector<Table> &tables()
{
    static const std::vector<Table> all{
        {"meta", {{"key", Type::Text}, {"value", Type::Text}}, "key"},
        {"events",
         {{"id", Type::Integer},
          {"time_ms", Type::Integer},
          {"kind", Type::Text},
          {"node", Type::Text},
          {"site", Type::Text},
          {"subject", Type::Text},
          {"text", Type::Text},
          {"details", Type::Text}},
         "id"},
        {"series",
         {{"id", Type::Integer},
          {"key", Type::Text},
          {"node", Type::Text},
          {"metric", Type::Text},
          {"unit", Type::Text},
          {"start_ms", Type::Integer},
          {"interval_ms", Type::Integer},
          {"count", Type::Integer},
          {"levels", Type::Integer}},
         "id"},
        {"chunks",
         {{"series", Type::Integer},
          {"level", Type::Integer},
          {"idx", Type::Integer},
          {"count", Type::Integer},
          {"data", Type::Blob}},
         "series, level, idx"},
        {"topology_versions",
         {{"id", Type::Integer},
          {"time_ms", Type::Integer},
          {"reason", Type::Text},
          {"json", Type::Blob}},
         "id"},
        {"layout", {{"element", Type::Text}, {"x", Type::Real}, {"y", Type::Real}}, "element"},
        {"postmortems",
         {{"id", Type::Text}, {"json", Type::Blob}, {"updated_ms", Type::Integer}},
         "id"},
    };
    return all;
}

QString columnList(const Table &t)
{
    QStringList names;
    for (const Column &c : t.columns)
        names.append(QLatin1StringView(c.name));
    return names.join(QStringLiteral(", "));
}

const char *pgType(Type type)
{
    switch (type) {
    case Type::Integer:
        return "bigint";
    case Type::Real:
        return "double precision";
    case Type::Text:
        return "text";
    case Type::Blob:
        return "bytea";
    }
    return "text";
}

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

QString pgError(PGconn *c)
{
    return QString::fromUtf8(PQerrorMessage(c)).trimmed();
}

Result<Connection> connect(const SharedAddress &where)
{
    Connection c(PQconnectdb(where.conninfo.toUtf8().constData()));
    if (PQstatus(c.get()) != CONNECTION_OK)
        return Error{u"cannot connect to " + where.display + u": " + pgError(c.get()), {}, 0, 0};
    PQsetClientEncoding(c.get(), "UTF8");
    return c;
}

Result<PgResult> exec(PGconn *c, const QString &sql, const QStringList &params = {})
{
    std::vector<QByteArray> values;
    std::vector<const char *> pointers;
    for (const QString &p : params)
        values.push_back(p.toUtf8());
    for (const QByteArray &v : values)
        pointers.push_back(v.constData());
    PgResult r(PQexecParams(c, sql.toUtf8().constData(), int(pointers.size()), nullptr,
                            pointers.data(), nullptr, nullptr, 0));
    const ExecStatusType status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        return Error{pgError(c) + u" (in: " + sql.simplified().left(120) + u')', {}, 0, 0};
    return r;
}

// The shared schema, made or migrated to the current version (in the caller's transaction).
Result<bool> ensureSchema(PGconn *c)
{
    if (auto r = exec(c, QStringLiteral("CREATE TABLE IF NOT EXISTS warroom_schema (version "
                                        "integer NOT NULL)"));
        !r)
        return r.errors();
    auto version = exec(c, QStringLiteral("SELECT max(version) FROM warroom_schema"));
    if (!version)
        return version.errors();
    const int have = QByteArray(PQgetvalue(version.value().get(), 0, 0)).toInt();
    if (have > kSharedSchema)
        return Error{u"the database holds incidents of a newer Warroom (shared schema " +
                         QString::number(have) + u", this one knows " +
                         QString::number(kSharedSchema) + u')',
                     {},
                     0,
                     0};
    if (have == kSharedSchema)
        return true;
    QStringList statements{QStringLiteral(
        "CREATE TABLE incidents (id bigserial PRIMARY KEY, name text NOT NULL UNIQUE,"
        " file_schema integer NOT NULL, created_ms bigint NOT NULL)")};
    for (const Table &t : tables()) {
        QStringList columns{
            QStringLiteral("incident bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE")};
        for (const Column &col : t.columns)
            columns.append(QLatin1StringView(col.name) + u' ' +
                           QLatin1StringView(pgType(col.type)) + u" NOT NULL");
        columns.append(u"PRIMARY KEY (incident, " + QLatin1StringView(t.orderBy) + u')');
        statements.append(u"CREATE TABLE " + QLatin1StringView(t.name) + u" (" +
                          columns.join(QStringLiteral(", ")) + u')');
    }
    statements.append(QStringLiteral("CREATE INDEX events_by_time ON events (incident, time_ms)"));
    statements.append(QStringLiteral("INSERT INTO warroom_schema VALUES (1)"));
    for (const QString &sql : std::as_const(statements)) {
        if (auto r = exec(c, sql); !r)
            return r.errors();
    }
    return true;
}

// One field in COPY's text format.
void appendCopyField(QByteArray &line, const QVariant &value, Type type)
{
    switch (type) {
    case Type::Integer:
        line += QByteArray::number(value.toLongLong());
        return;
    case Type::Real:
        line += QByteArray::number(value.toDouble(), 'g', 17);
        return;
    case Type::Blob:
        line += "\\\\x" + value.toByteArray().toHex();
        return;
    case Type::Text:
        break;
    }
    for (const char ch : value.toString().toUtf8()) {
        switch (ch) {
        case '\\':
            line += "\\\\";
            break;
        case '\n':
            line += "\\n";
            break;
        case '\r':
            line += "\\r";
            break;
        case '\t':
            line += "\\t";
            break;
        default:
            line += ch;
        }
    }
}

struct SqliteFile
{
    QString connection = u"shared-copy-" + QUuid::createUuid().toString(QUuid::WithoutBraces);
    ~SqliteFile() { QSqlDatabase::removeDatabase(connection); }
};

} // namespace

bool isSharedAddress(const QString &text)
{
    return text.startsWith(u"postgresql://") || text.startsWith(u"postgres://");
}

Result<SharedAddress> parseSharedAddress(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!isSharedAddress(text) || !url.isValid())
        return Error{
            u"'" + text +
                u"' is not an address such as postgresql://HOST:PORT/DATABASE?incident=NAME",
            {},
            0,
            0};
    if (!url.password().isEmpty())
        return Error{QStringLiteral("a password does not go in the address (it would be on a "
                                    "command line): use PGPASSFILE, a service file or a prompt "
                                    "(docs/shared.md)"),
                     {},
                     0,
                     0};
    QUrlQuery query(url);
    SharedAddress a;
    a.incident = query.queryItemValue(QStringLiteral("incident"), QUrl::FullyDecoded);
    query.removeAllQueryItems(QStringLiteral("incident"));
    QUrl forLibpq = url;
    forLibpq.setQuery(query);
    a.conninfo = forLibpq.toString(QUrl::FullyEncoded);
    QUrl shown = forLibpq;
    shown.setQuery(QString());
    a.display = shown.toString() + (a.incident.isEmpty() ? QString() : u" incident " + a.incident);
    return a;
}

Result<qint64> pushRecording(const QString &file, const SharedAddress &to)
{
    if (to.incident.isEmpty())
        return Error{u"name the incident: " + to.display + u"?incident=NAME", {}, 0, 0};
    if (!QFile::exists(file))
        return Error{u"no recording " + file, {}, 0, 0};
    SqliteFile sqlite;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), sqlite.connection);
    db.setDatabaseName(file);
    db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_READONLY"));
    if (!db.open())
        return Error{u"cannot open " + file + u": " + db.lastError().text(), {}, 0, 0};
    QSqlQuery version(db);
    if (!version.exec(QStringLiteral("PRAGMA user_version")) || !version.next())
        return Error{u"cannot read " + file, {}, 0, 0};
    const int fileSchema = version.value(0).toInt();

    auto connected = connect(to);
    if (!connected)
        return connected.errors();
    PGconn *c = connected.value().get();
    if (auto r = exec(c, QStringLiteral("BEGIN")); !r)
        return r.errors();
    // One writer makes the schema at a time.
    if (auto r = exec(c, QStringLiteral("SELECT pg_advisory_xact_lock(4242)")); !r)
        return r.errors();
    if (auto r = ensureSchema(c); !r)
        return r.errors();
    auto made = exec(c,
                     QStringLiteral("INSERT INTO incidents (name, file_schema, created_ms) VALUES "
                                    "($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id"),
                     {to.incident, QString::number(fileSchema),
                      QString::number(QDateTime::currentMSecsSinceEpoch())});
    if (!made)
        return made.errors();
    if (PQntuples(made.value().get()) == 0)
        return Error{u"an incident named " + to.incident + u" is already in " + to.display +
                         u": choose another name",
                     {},
                     0,
                     0};
    const QByteArray incident = PQgetvalue(made.value().get(), 0, 0);
    qint64 events = 0;
    for (const Table &t : tables()) {
        QSqlQuery rows(db);
        rows.setForwardOnly(true);
        if (!rows.exec(u"SELECT " + columnList(t) + u" FROM " + QLatin1StringView(t.name)))
            return Error{u"cannot read " + QLatin1StringView(t.name) + u" of " + file + u": " +
                             rows.lastError().text(),
                         {},
                         0,
                         0};
        const QString copy = u"COPY " + QLatin1StringView(t.name) + u" (incident, " +
                             columnList(t) + u") FROM STDIN";
        PgResult started(PQexec(c, copy.toUtf8().constData()));
        if (PQresultStatus(started.get()) != PGRES_COPY_IN)
            return Error{pgError(c), {}, 0, 0};
        QByteArray buffer;
        while (rows.next()) {
            buffer += incident;
            for (int i = 0; i < int(t.columns.size()); ++i) {
                buffer += '\t';
                appendCopyField(buffer, rows.value(i), t.columns[i].type);
            }
            buffer += '\n';
            if (qstrcmp(t.name, "events") == 0)
                ++events;
            if (buffer.size() > (1 << 20)) {
                if (PQputCopyData(c, buffer.constData(), int(buffer.size())) != 1)
                    return Error{pgError(c), {}, 0, 0};
                buffer.clear();
            }
        }
        if ((!buffer.isEmpty() && PQputCopyData(c, buffer.constData(), int(buffer.size())) != 1) ||
            PQputCopyEnd(c, nullptr) != 1)
            return Error{pgError(c), {}, 0, 0};
        PgResult ended(PQgetResult(c));
        if (PQresultStatus(ended.get()) != PGRES_COMMAND_OK)
            return Error{
                u"cannot copy " + QLatin1StringView(t.name) + u": " + pgError(c), {}, 0, 0};
        while (PgResult more{PQgetResult(c)}) {
        }
    }
    if (auto r = exec(c, QStringLiteral("COMMIT")); !r)
        return r.errors();
    return events;
}

Result<qint64> pullRecording(const SharedAddress &from, const QString &file)
{
    if (from.incident.isEmpty())
        return Error{u"name the incident: " + from.display + u"?incident=NAME", {}, 0, 0};
    if (QFile::exists(file))
        return Error{file + u" exists: pull writes a new recording", {}, 0, 0};
    auto connected = connect(from);
    if (!connected)
        return connected.errors();
    PGconn *c = connected.value().get();
    // One snapshot of the incident, however many tables.
    if (auto r = exec(c, QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")); !r)
        return r.errors();
    auto found = exec(c, QStringLiteral("SELECT id, file_schema FROM incidents WHERE name = $1"),
                      {from.incident});
    if (!found)
        return found.errors();
    if (PQntuples(found.value().get()) == 0)
        return Error{u"no incident named " + from.incident + u" in " + from.display, {}, 0, 0};
    const QString incident = QString::fromLatin1(PQgetvalue(found.value().get(), 0, 0));

    {
        auto writer = RecordingWriter::create(file); // the file's schema, empty
        if (!writer)
            return writer.errors();
        if (auto closed = writer.value()->close(); !closed)
            return closed.errors();
    }
    SqliteFile sqlite;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), sqlite.connection);
    db.setDatabaseName(file);
    if (!db.open())
        return Error{u"cannot open " + file + u": " + db.lastError().text(), {}, 0, 0};
    auto fail = [&](const QString &why) -> Result<qint64> {
        db.rollback();
        db.close();
        QFile::remove(file);
        return Error{why, {}, 0, 0};
    };
    db.transaction();
    qint64 events = 0;
    for (const Table &t : tables()) {
        QSqlQuery clear(db);
        clear.exec(u"DELETE FROM " + QLatin1StringView(t.name)); // what create() wrote
        auto rows = exec(c,
                         u"SELECT " + columnList(t) + u" FROM " + QLatin1StringView(t.name) +
                             u" WHERE incident = $1 ORDER BY " + QLatin1StringView(t.orderBy),
                         {incident});
        if (!rows)
            return fail(rows.errors().first().message);
        QStringList marks;
        for (std::size_t i = 0; i < t.columns.size(); ++i)
            marks.append(QStringLiteral("?"));
        QSqlQuery insert(db);
        insert.prepare(u"INSERT INTO " + QLatin1StringView(t.name) + u" (" + columnList(t) +
                       u") VALUES (" + marks.join(u',') + u')');
        PGresult *r = rows.value().get();
        for (int row = 0; row < PQntuples(r); ++row) {
            for (int col = 0; col < int(t.columns.size()); ++col) {
                const char *value = PQgetvalue(r, row, col);
                switch (t.columns[col].type) {
                case Type::Integer:
                    insert.bindValue(col, QByteArray(value).toLongLong());
                    break;
                case Type::Real:
                    insert.bindValue(col, QByteArray(value).toDouble());
                    break;
                case Type::Text:
                    insert.bindValue(col, QString::fromUtf8(value));
                    break;
                case Type::Blob: {
                    std::size_t length = 0;
                    unsigned char *bytes =
                        PQunescapeBytea(reinterpret_cast<const unsigned char *>(value), &length);
                    insert.bindValue(
                        col, QByteArray(reinterpret_cast<const char *>(bytes), qsizetype(length)));
                    PQfreemem(bytes);
                    break;
                }
                }
            }
            if (!insert.exec())
                return fail(u"cannot write " + QLatin1StringView(t.name) + u" of " + file + u": " +
                            insert.lastError().text());
        }
        if (qstrcmp(t.name, "events") == 0)
            events = PQntuples(r);
    }
    if (!db.commit())
        return fail(u"cannot write " + file + u": " + db.lastError().text());
    db.close();
    return events;
}

Result<QList<SharedIncident>> listIncidents(const SharedAddress &where)
{
    auto connected = connect(where);
    if (!connected)
        return connected.errors();
    PGconn *c = connected.value().get();
    auto exists = exec(c, QStringLiteral("SELECT to_regclass('incidents') IS NOT NULL"));
    if (!exists)
        return exists.errors();
    QList<SharedIncident> out;
    if (QByteArray(PQgetvalue(exists.value().get(), 0, 0)) != "t")
        return out; // nothing pushed yet
    auto rows =
        exec(c, QStringLiteral("SELECT i.name, i.created_ms,"
                               " (SELECT count(*) FROM events e WHERE e.incident = i.id),"
                               " coalesce((SELECT value FROM meta m WHERE m.incident = i.id AND"
                               " m.key = 'scenario_title'), '') FROM incidents i ORDER BY i.name"));
    if (!rows)
        return rows.errors();
    PGresult *r = rows.value().get();
    for (int row = 0; row < PQntuples(r); ++row)
        out.append({QString::fromUtf8(PQgetvalue(r, row, 0)),
                    QByteArray(PQgetvalue(r, row, 1)).toLongLong(),
                    QByteArray(PQgetvalue(r, row, 2)).toLongLong(),
                    QString::fromUtf8(PQgetvalue(r, row, 3))});
    return out;
}

} // namespace warroom
