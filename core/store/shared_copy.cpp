#include "shared_copy.h"

#include "recording_writer.h"
#include "schema.h"

#include <QDateTime>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QUrl>
#include <QUrlQuery>
#include <QUuid>

#include <libpq-fe.h>

#include <cmath>
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
    // Text in UTF-8 both ways; doubles printed so that they read back exactly.
    if (PQsetClientEncoding(c.get(), "UTF8") != 0)
        return Error{
            u"cannot speak UTF-8 with " + where.display + u": " + pgError(c.get()), {}, 0, 0};
    // Warroom's tables live in their own schema, `warroom`: no clash with another
    // application's `events` in `public`.
    PgResult set(PQexec(c.get(), "SET extra_float_digits = 3; SET search_path = warroom"));
    if (PQresultStatus(set.get()) != PGRES_COMMAND_OK)
        return Error{pgError(c.get()), {}, 0, 0};
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

// The shared schema's version in the database: 0 when nothing was pushed yet; an error for a
// newer Warroom's, which this one would misread.
Result<int> sharedSchemaOf(PGconn *c)
{
    auto exists =
        exec(c, QStringLiteral("SELECT to_regclass('warroom.warroom_schema') IS NOT NULL"));
    if (!exists)
        return exists.errors();
    if (QByteArray(PQgetvalue(exists.value().get(), 0, 0)) != "t")
        return 0;
    auto version = exec(c, QStringLiteral("SELECT coalesce(max(version), 0) FROM warroom_schema"));
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
    return have;
}

// The shared schema, made when missing (in the caller's transaction). Only making it needs
// the right to create tables; pushing into it needs only INSERT.
Result<bool> ensureSchema(PGconn *c)
{
    auto have = sharedSchemaOf(c);
    if (!have)
        return have.errors();
    if (have.value() == kSharedSchema)
        return true;
    // One maker at a time; the others then find it made.
    if (auto r =
            exec(c, QStringLiteral("SELECT pg_advisory_xact_lock(hashtext('warroom_schema'))"));
        !r)
        return r.errors();
    auto again = sharedSchemaOf(c);
    if (!again)
        return again.errors();
    if (again.value() == kSharedSchema)
        return true;
    QStringList statements{
        QStringLiteral("CREATE SCHEMA IF NOT EXISTS warroom"),
        QStringLiteral("CREATE TABLE warroom_schema (version integer NOT NULL)"),
        QStringLiteral("CREATE TABLE incidents (id bigserial PRIMARY KEY, name text NOT NULL "
                       "UNIQUE, file_schema integer NOT NULL, created_ms bigint NOT NULL)")};
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

// One field in COPY's text format; false for a text PostgreSQL cannot hold (a NUL).
bool appendCopyField(QByteArray &line, const QVariant &value, Type type)
{
    switch (type) {
    case Type::Integer:
        line += QByteArray::number(value.toLongLong());
        return true;
    case Type::Real: {
        const double v = value.toDouble();
        line += std::isnan(v)   ? QByteArray("NaN")
                : std::isinf(v) ? QByteArray(v > 0 ? "Infinity" : "-Infinity")
                                : QByteArray::number(v, 'g', 17);
        return true;
    }
    case Type::Blob:
        line += "\\\\x" + value.toByteArray().toHex(); // COPY reads "\\x" as bytea's "\x"
        return true;
    case Type::Text:
        break;
    }
    const QByteArray text = value.toString().toUtf8();
    if (text.contains('\0'))
        return false;
    for (const char ch : text) {
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
    return true;
}

// A double as PostgreSQL prints one.
double doubleOf(const char *text)
{
    const QByteArray t(text);
    if (t == "NaN")
        return std::nan("");
    if (t == "Infinity" || t == "-Infinity")
        return t.startsWith('-') ? -INFINITY : INFINITY;
    return t.toDouble();
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
    QUrlQuery query(url);
    if (!url.password().isEmpty() || query.hasQueryItem(QStringLiteral("password")) ||
        query.hasQueryItem(QStringLiteral("sslpassword")))
        return Error{QStringLiteral("a password does not go in the address (it would be on a "
                                    "command line): use PGPASSFILE, a service file or a prompt "
                                    "(docs/shared.md)"),
                     {},
                     0,
                     0};
    if (url.hasFragment())
        return Error{u"'" + url.toString(QUrl::RemoveFragment) +
                         u"#…': an address has no #fragment (quote the address in the shell)",
                     {},
                     0,
                     0};
    SharedAddress a;
    a.incident = query.queryItemValue(QStringLiteral("incident"), QUrl::FullyDecoded);
    query.removeAllQueryItems(QStringLiteral("incident"));
    if (!query.hasQueryItem(QStringLiteral("connect_timeout"))) // never wait forever
        query.addQueryItem(QStringLiteral("connect_timeout"), QStringLiteral("10"));
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
    const Result<int> fileSchema = schema::versionOf(db);
    if (!fileSchema)
        return Error{file + u": " + fileSchema.errors().first().message, {}, 0, 0};
    if (fileSchema.value() > schema::kCurrentVersion)
        return Error{file + u" is a recording of a newer Warroom (schema " +
                         QString::number(fileSchema.value()) + u')',
                     {},
                     0,
                     0};
    QTemporaryDir migrated; // an older recording: a copy brought up to date is what is pushed
    if (fileSchema.value() < schema::kCurrentVersion) {
        db.close();
        const QString copy = migrated.filePath(QStringLiteral("migrated.warroom"));
        if (!QFile::copy(file, copy))
            return Error{u"cannot copy " + file + u" to bring it up to date", {}, 0, 0};
        auto writer = RecordingWriter::openForAppend(copy);
        if (!writer)
            return writer.errors();
        if (auto closed = writer.value()->close(); !closed)
            return closed.errors();
        db.setDatabaseName(copy);
        if (!db.open())
            return Error{u"cannot open " + copy + u": " + db.lastError().text(), {}, 0, 0};
    }
    // One snapshot of the file, however many tables (a recording still being written).
    db.transaction();

    auto connected = connect(to);
    if (!connected)
        return connected.errors();
    PGconn *c = connected.value().get();
    // A push that fails anywhere leaves nothing: the connection closes with the transaction
    // open, and PostgreSQL rolls it back.
    if (auto r = exec(c, QStringLiteral("BEGIN")); !r)
        return r.errors();
    if (auto r = ensureSchema(c); !r)
        return r.errors();
    auto made = exec(c,
                     QStringLiteral("INSERT INTO incidents (name, file_schema, created_ms) VALUES "
                                    "($1, $2, $3) ON CONFLICT (name) DO NOTHING RETURNING id"),
                     {to.incident, QString::number(schema::kCurrentVersion),
                      QString::number(QDateTime::currentMSecsSinceEpoch())});
    if (!made)
        return made.errors();
    if (PQntuples(made.value().get()) == 0)
        return Error{u"an incident named " + to.incident + u" is already there (" + to.display +
                         u"): choose another name",
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
                if (!appendCopyField(buffer, rows.value(i), t.columns[i].type)) {
                    PQputCopyEnd(c, "a text holds a NUL character");
                    return Error{u"cannot push " + file + u": a row's " +
                                     QLatin1StringView(t.name) + u'.' +
                                     QLatin1StringView(t.columns[i].name) +
                                     u" holds a NUL character, which PostgreSQL's text cannot",
                                 {},
                                 0,
                                 0};
                }
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
        if (rows.lastError().isValid()) { // a damaged page: nothing is stored
            PQputCopyEnd(c, "the file could not be read");
            return Error{u"cannot read " + QLatin1StringView(t.name) + u" of " + file + u": " +
                             rows.lastError().text(),
                         {},
                         0,
                         0};
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
    auto have = sharedSchemaOf(c);
    if (!have)
        return have.errors();
    if (have.value() == 0)
        return Error{u"no incident named " + from.incident + u" in " + from.display +
                         u" (nothing was pushed there)",
                     {},
                     0,
                     0};
    auto found = exec(c, QStringLiteral("SELECT id, file_schema FROM incidents WHERE name = $1"),
                      {from.incident});
    if (!found)
        return found.errors();
    if (PQntuples(found.value().get()) == 0)
        return Error{u"no incident named " + from.incident + u" in " + from.display, {}, 0, 0};
    const QString incident = QString::fromLatin1(PQgetvalue(found.value().get(), 0, 0));
    if (QByteArray(PQgetvalue(found.value().get(), 0, 1)).toInt() > schema::kCurrentVersion)
        return Error{u"incident " + from.incident + u" was pushed by a newer Warroom", {}, 0, 0};

    // Written under another name, then put in place whole: a pull that fails or is killed
    // leaves no half recording under the name, and never replaces a file.
    const QString part = file + u".part-" + QUuid::createUuid().toString(QUuid::WithoutBraces);
    struct Removal
    {
        QString path;
        ~Removal()
        {
            if (!path.isEmpty())
                QFile::remove(path);
        }
    } removal{part};
    {
        auto writer = RecordingWriter::create(part); // the file's schema, empty
        if (!writer)
            return writer.errors();
        if (auto closed = writer.value()->close(); !closed)
            return closed.errors();
    }
    SqliteFile sqlite;
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), sqlite.connection);
    db.setDatabaseName(part);
    if (!db.open())
        return Error{u"cannot open " + part + u": " + db.lastError().text(), {}, 0, 0};
    auto fail = [&db](const QString &why) -> Result<qint64> {
        db.rollback();
        db.close();
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
                    insert.bindValue(col, doubleOf(value));
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
    if (!QFile::rename(part, file)) // refuses a name that appeared meanwhile
        return Error{
            u"cannot write " + file + u" (it exists now, or its folder refuses it)", {}, 0, 0};
    removal.path.clear();
    return events;
}

Result<QList<SharedIncident>> listIncidents(const SharedAddress &where)
{
    auto connected = connect(where);
    if (!connected)
        return connected.errors();
    PGconn *c = connected.value().get();
    auto have = sharedSchemaOf(c);
    if (!have)
        return have.errors();
    QList<SharedIncident> out;
    if (have.value() == 0)
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
