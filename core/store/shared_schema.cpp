#include "shared_schema.h"

#include <QVariant>

#include <cmath>

namespace warroom::pg {

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

namespace {

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

} // namespace

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
    // The server's notices (and its "terminating connection" when it stops) are not printed
    // on stderr: what matters reaches the caller as an error with its place.
    quietNotices(c.get());
    // Warroom's tables live in their own schema, `warroom`: no clash with another
    // application's `events` in `public`.
    PgResult set(PQexec(c.get(), "SET extra_float_digits = 3; SET search_path = warroom"));
    if (PQresultStatus(set.get()) != PGRES_COMMAND_OK)
        return Error{where.display + u": " + pgError(c.get()), {}, 0, 0};
    return c;
}

void quietNotices(PGconn *c)
{
    PQsetNoticeProcessor(
        c, [](void *, const char *) {}, nullptr);
}

Result<PgResult> exec(PGconn *c, const QString &sql, const QStringList &params)
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
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
        // Refused for the role: say which roles may, not the SQL that was refused.
        const char *state = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
        const QString said = pgError(c);
        if (state && QByteArrayView(state) == "42501" && !said.contains(u"must be owner"))
            return Error{QString(said).remove(QStringLiteral("ERROR:  ")) +
                             u": your database role may not do this (recording and pushing "
                             u"need warroom_commander, post-mortems warroom_scribe; "
                             u"docs/shared.md, Roles)",
                         {},
                         0,
                         0};
        return Error{pgError(c) + u" (in: " + sql.simplified().left(120) + u')', {}, 0, 0};
    }
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
    QStringList statements;
    if (again.value() < 1)
        statements = {
            QStringLiteral("CREATE SCHEMA IF NOT EXISTS warroom"),
            QStringLiteral("CREATE TABLE warroom_schema (version integer NOT NULL)"),
            QStringLiteral("CREATE TABLE incidents (id bigserial PRIMARY KEY, name text NOT NULL "
                           "UNIQUE, file_schema integer NOT NULL, created_ms bigint NOT NULL)")};
    for (const Table &t : again.value() < 1 ? tables() : std::vector<Table>()) {
        QStringList columns{
            QStringLiteral("incident bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE")};
        for (const Column &col : t.columns)
            columns.append(QLatin1StringView(col.name) + u' ' +
                           QLatin1StringView(pgType(col.type)) + u" NOT NULL");
        columns.append(u"PRIMARY KEY (incident, " + QLatin1StringView(t.orderBy) + u')');
        statements.append(u"CREATE TABLE " + QLatin1StringView(t.name) + u" (" +
                          columns.join(QStringLiteral(", ")) + u')');
    }
    if (again.value() < 1) {
        statements.append(
            QStringLiteral("CREATE INDEX events_by_time ON events (incident, time_ms)"));
        statements.append(QStringLiteral("INSERT INTO warroom_schema VALUES (1)"));
    }
    if (again.value() < 2) { // the trainees' views (shared_trainee.cpp)
        statements += traineeViewsMigration();
        statements.append(QStringLiteral("INSERT INTO warroom_schema VALUES (2)"));
    }
    if (again.value() < 3) { // trainees' own post-mortems (shared_trainee.cpp)
        statements += traineeWritesMigration();
        statements.append(QStringLiteral("INSERT INTO warroom_schema VALUES (3)"));
    }
    for (const QString &sql : std::as_const(statements)) {
        if (auto r = exec(c, sql); !r)
            return Error{u"bringing the shared schema to version " +
                             QString::number(kSharedSchema) +
                             u" (the database's owner must run one write first, docs/shared.md): " +
                             r.errors().first().message,
                         {},
                         0,
                         0};
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
Result<QList<std::pair<QString, QString>>> conninfoKeywords(const QString &conninfo)
{
    char *error = nullptr;
    PQconninfoOption *options = PQconninfoParse(conninfo.toUtf8().constData(), &error);
    if (!options) {
        const QString why =
            error ? QString::fromUtf8(error).trimmed() : QStringLiteral("no memory");
        PQfreemem(error);
        return Error{why, {}, 0, 0};
    }
    QList<std::pair<QString, QString>> out;
    for (const PQconninfoOption *o = options; o->keyword; ++o) {
        if (o->val && *o->val)
            out.append({QString::fromUtf8(o->keyword), QString::fromUtf8(o->val)});
    }
    PQconninfoFree(options);
    return out;
}

QString channelOf(qint64 incident)
{
    return u"warroom_incident_" + QString::number(incident);
}

double doubleOf(const char *text)
{
    const QByteArray t(text);
    if (t == "NaN")
        return std::nan("");
    if (t == "Infinity" || t == "-Infinity")
        return t.startsWith('-') ? -INFINITY : INFINITY;
    return t.toDouble();
}

} // namespace warroom::pg
