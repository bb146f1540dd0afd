// The shared back end of RecordingWriter: an incident in PostgreSQL (docs/shared.md). Events
// go in with COPY, everything else with prepared upserts, all of a batch in one transaction
// that ends by telling followers (NOTIFY, delivered at commit).
#include "schema.h"
#include "shared_schema.h"
#include "writer_backend.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QThread>

#include <algorithm>
#include <cmath>

namespace warroom {

namespace {

// Parameters for PQexecParams: text, except bytes (bytea) sent as they are.
class Params
{
public:
    Params &text(const QString &value)
    {
        m_values.push_back(value.toUtf8());
        m_formats.push_back(0);
        return *this;
    }
    Params &number(qint64 value)
    {
        m_values.push_back(QByteArray::number(value));
        m_formats.push_back(0);
        return *this;
    }
    Params &real(double value)
    {
        m_values.push_back(std::isnan(value)   ? QByteArray("NaN")
                           : std::isinf(value) ? QByteArray(value > 0 ? "Infinity" : "-Infinity")
                                               : QByteArray::number(value, 'g', 17));
        m_formats.push_back(0);
        return *this;
    }
    Params &bytes(const QByteArray &value)
    {
        m_values.push_back(value);
        m_formats.push_back(1);
        return *this;
    }

    PGresult *exec(PGconn *c, const char *sql) const
    {
        std::vector<const char *> pointers;
        std::vector<int> lengths;
        for (const QByteArray &v : m_values) {
            pointers.push_back(v.constData());
            lengths.push_back(int(v.size()));
        }
        return PQexecParams(c, sql, int(m_values.size()), nullptr, pointers.data(), lengths.data(),
                            m_formats.data(), 0);
    }

private:
    std::vector<QByteArray> m_values;
    std::vector<int> m_formats;
};

class SharedBackend final : public WriterBackend
{
public:
    explicit SharedBackend(QString address)
        : m_address(std::move(address))
    {}
    Result<bool> open(bool create, bool appendsEvents, qint64 *nextEventId,
                      int *nextSeriesId) override;
    Result<bool> write(const WriterBatch &batch) override;

private:
    Result<bool> connect();
    Result<bool> openIncident(bool create, qint64 *nextEventId, int *nextSeriesId);
    Result<bool> lockAsWriter(qint64 firstEventId);
    Result<bool> writeOnce(const WriterBatch &batch);
    Error error(const QString &what) const
    {
        return Error{what + u": " + pg::pgError(m_conn.get()), m_where.display, 0, 0};
    }
    bool run(const char *sql, const Params &params)
    {
        pg::PgResult r(params.exec(m_conn.get(), sql));
        const ExecStatusType status = PQresultStatus(r.get());
        return status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
    }

    QString m_address;
    SharedAddress m_where;
    pg::Connection m_conn;
    qint64 m_incident = 0;
    bool m_writesEvents = false; // holds the incident's writer lock
    QByteArray m_transaction;    // the id of the last batch's transaction
};

// One writer of events per incident (ids are numbered by it): a session-level advisory lock
// on (this key, the incident's id).
constexpr qint64 kRetryForMs = 5 * 60 * 1000;

Result<bool> SharedBackend::connect()
{
    auto connected = pg::connect(m_where);
    if (!connected)
        return connected.errors();
    m_conn = std::move(connected.value());
    return true;
}

Result<bool> SharedBackend::open(bool create, bool appendsEvents, qint64 *nextEventId,
                                 int *nextSeriesId)
{
    Result<bool> opened = openIncident(create, nextEventId, nextSeriesId);
    if (opened && appendsEvents && !m_writesEvents)
        opened = lockAsWriter(*nextEventId);
    if (opened || m_where.display.isEmpty())
        return opened;
    // Every error says where it happened.
    const QString message = opened.errors().first().message;
    return message.contains(m_where.display)
               ? opened
               : Result<bool>(Error{m_where.display + u": " + message, {}, 0, 0});
}

Result<bool> SharedBackend::openIncident(bool create, qint64 *nextEventId, int *nextSeriesId)
{
    auto parsed = parseSharedAddress(m_address);
    if (!parsed)
        return parsed.errors();
    m_where = parsed.value();
    if (m_where.incident.isEmpty())
        return Error{u"name the incident: " + m_where.display + u"?incident=NAME", {}, 0, 0};
    if (auto c = connect(); !c)
        return c;
    PGconn *c = m_conn.get();
    if (auto r = pg::exec(c, QStringLiteral("BEGIN")); !r)
        return r.errors();
    if (auto r = pg::ensureSchema(c); !r)
        return r.errors();
    if (create) {
        auto made = pg::exec(
            c,
            QStringLiteral("INSERT INTO incidents (name, file_schema, created_ms) VALUES ($1, $2, "
                           "$3) ON CONFLICT (name) DO NOTHING RETURNING id"),
            {m_where.incident, QString::number(schema::kCurrentVersion),
             QString::number(QDateTime::currentMSecsSinceEpoch())});
        if (!made)
            return made.errors();
        if (PQntuples(made.value().get()) == 0)
            return Error{u"an incident named " + m_where.incident + u" is already there (" +
                             m_where.display + u"): choose another name",
                         {},
                         0,
                         0};
        m_incident = QByteArray(PQgetvalue(made.value().get(), 0, 0)).toLongLong();
    } else {
        auto found = pg::exec(
            c, QStringLiteral("SELECT id, file_schema FROM incidents WHERE name = $1 FOR UPDATE"),
            {m_where.incident});
        if (!found)
            return found.errors();
        if (PQntuples(found.value().get()) == 0)
            return Error{
                u"no incident named " + m_where.incident + u" in " + m_where.server, {}, 0, 0};
        m_incident = QByteArray(PQgetvalue(found.value().get(), 0, 0)).toLongLong();
        const int fileSchema = QByteArray(PQgetvalue(found.value().get(), 0, 1)).toInt();
        if (fileSchema > schema::kCurrentVersion)
            return Error{
                u"incident " + m_where.incident + u" was written by a newer Warroom", {}, 0, 0};
        // Every table a newer file has is in the shared schema already: only the mark moves.
        if (fileSchema < schema::kCurrentVersion) {
            if (auto r = pg::exec(
                    c,
                    QStringLiteral("UPDATE incidents SET file_schema = $1 "
                                   "WHERE id = $2"),
                    {QString::number(schema::kCurrentVersion), QString::number(m_incident)});
                !r)
                return r.errors();
        }
    }
    if (auto r = pg::exec(c, QStringLiteral("COMMIT")); !r)
        return r.errors();
    if (create) {
        if (auto locked = lockAsWriter(1); !locked)
            return locked;
    }
    const QString incident = QString::number(m_incident);
    auto ids = pg::exec(c,
                        QStringLiteral("SELECT (SELECT coalesce(max(id), 0) FROM events WHERE "
                                       "incident = $1), (SELECT coalesce(max(id), 0) FROM series "
                                       "WHERE incident = $1)"),
                        {incident});
    if (!ids)
        return ids.errors();
    *nextEventId = QByteArray(PQgetvalue(ids.value().get(), 0, 0)).toLongLong() + 1;
    *nextSeriesId = QByteArray(PQgetvalue(ids.value().get(), 0, 1)).toInt() + 1;
    return true;
}

Result<bool> SharedBackend::lockAsWriter(qint64 firstEventId)
{
    PGconn *c = m_conn.get();
    const QString incident = QString::number(m_incident);
    auto locked = pg::exec(c,
                           u"SELECT pg_try_advisory_lock(" + QString::number(pg::kWriterLockKey) +
                               u", $1::integer)",
                           {incident});
    if (!locked)
        return locked.errors();
    if (QByteArray(PQgetvalue(locked.value().get(), 0, 0)) != "t")
        return Error{u"incident " + m_where.incident +
                         u" is being written by another writer (an ingest, a drill or a live "
                         u"source): one at a time",
                     m_where.display, 0, 0};
    // Another writer may have come and gone since the ids were read.
    auto last = pg::exec(c,
                         QStringLiteral("SELECT coalesce(max(id), 0) FROM events WHERE "
                                        "incident = $1"),
                         {incident});
    if (!last)
        return last.errors();
    if (QByteArray(PQgetvalue(last.value().get(), 0, 0)).toLongLong() >= firstEventId)
        return Error{u"incident " + m_where.incident +
                         u" was appended to by another writer since this one opened it",
                     m_where.display, 0, 0};
    m_writesEvents = true;
    return true;
}

Result<bool> SharedBackend::write(const WriterBatch &batch)
{
    // The server restarting, or the network between: the batch is written again on a new
    // connection (nothing of a failed transaction stayed), for up to five minutes; producers
    // wait meanwhile (their acknowledgements too).
    Result<bool> written = writeOnce(batch);
    QElapsedTimer away;
    away.start();
    const bool lost = !written && PQstatus(m_conn.get()) == CONNECTION_BAD;
    if (lost && notice)
        notice(u"the database is unreachable (" + written.errors().first().message +
               u"): writing again as soon as it answers, for up to 5 min; nothing new is "
               u"acknowledged meanwhile");
    for (int attempt = 0;
         !written && PQstatus(m_conn.get()) == CONNECTION_BAD && away.elapsed() < kRetryForMs;
         ++attempt) {
        QThread::msleep(attempt < 4 ? 500u << attempt : 8000u);
        const bool heldLock = m_writesEvents;
        m_writesEvents = false;
        if (!connect())
            continue;
        // The connection may have gone after the commit and before its answer: then the batch
        // is in, and writing it again would double it.
        bool committed = false;
        if (!m_transaction.isEmpty()) {
            const auto status =
                pg::exec(m_conn.get(), QStringLiteral("SELECT txid_status($1::bigint)"),
                         {QString::fromLatin1(m_transaction)});
            if (!status)
                continue;
            committed = QByteArray(PQgetvalue(status.value().get(), 0, 0)) == "committed";
        }
        if (heldLock) {
            const qint64 first = committed || batch.events.empty()
                                     ? std::numeric_limits<qint64>::max()
                                     : batch.events.front().id;
            if (auto locked = lockAsWriter(first); !locked)
                return locked;
        }
        written = committed ? Result<bool>(true) : writeOnce(batch);
    }
    if (lost && notice)
        notice(written ? QString(u"the database answers again: what waited " +
                                 QString::number(away.elapsed() / 1000) + u" s is written")
                       : QString(u"gave up after " + QString::number(away.elapsed() / 1000) +
                                 u" s: " + written.errors().first().message));
    return written;
}

Result<bool> SharedBackend::writeOnce(const WriterBatch &batch)
{
    PGconn *c = m_conn.get();
    if (PQstatus(c) != CONNECTION_OK)
        return error(QStringLiteral("connection lost"));
    if ((!batch.events.empty() || !batch.series.empty()) && !m_writesEvents) {
        const qint64 first =
            batch.events.empty() ? std::numeric_limits<qint64>::max() : batch.events.front().id;
        if (auto locked = lockAsWriter(first); !locked)
            return locked;
    }
    auto fail = [&](const QString &what) -> Result<bool> {
        const Error e = error(what);
        pg::PgResult rollback(PQexec(c, "ROLLBACK"));
        return e;
    };
    m_transaction.clear();
    if (pg::PgResult begin(PQexec(c, "BEGIN; SELECT txid_current()"));
        PQresultStatus(begin.get()) != PGRES_TUPLES_OK)
        return fail(QStringLiteral("begin"));
    else
        m_transaction = PQgetvalue(begin.get(), 0, 0); // to ask, if the commit's answer is lost
    const QByteArray incident = QByteArray::number(m_incident);
    QStringList changed;

    if (!batch.events.empty()) {
        pg::PgResult started(PQexec(c, "COPY events (incident, id, time_ms, kind, node, site, "
                                       "subject, text, details) FROM STDIN"));
        if (PQresultStatus(started.get()) != PGRES_COPY_IN)
            return fail(QStringLiteral("writing events"));
        QByteArray buffer;
        for (const Event &e : batch.events) {
            buffer += incident;
            buffer += '\t' + QByteArray::number(e.id) + '\t' + QByteArray::number(e.timeMs);
            const QByteArray details =
                e.details.isEmpty() ? QByteArrayLiteral("{}")
                                    : QJsonDocument(e.details).toJson(QJsonDocument::Compact);
            for (const QVariant &field :
                 {QVariant(toString(e.kind)), QVariant(e.node), QVariant(e.site),
                  QVariant(e.subject), QVariant(e.text), QVariant(QString::fromUtf8(details))}) {
                buffer += '\t';
                if (!pg::appendCopyField(buffer, field, pg::Type::Text)) {
                    PQputCopyEnd(c, "a text holds a NUL character");
                    while (pg::PgResult more{PQgetResult(c)}) {
                    }
                    pg::PgResult rollback(PQexec(c, "ROLLBACK"));
                    return Error{u"event " + QString::number(e.id) +
                                     u" holds a NUL character, which PostgreSQL's text cannot",
                                 m_where.display, 0, 0};
                }
            }
            buffer += '\n';
            if (buffer.size() > (1 << 20)) {
                if (PQputCopyData(c, buffer.constData(), int(buffer.size())) != 1)
                    return fail(QStringLiteral("writing events"));
                buffer.clear();
            }
        }
        if ((!buffer.isEmpty() && PQputCopyData(c, buffer.constData(), int(buffer.size())) != 1) ||
            PQputCopyEnd(c, nullptr) != 1)
            return fail(QStringLiteral("writing events"));
        bool copied = true;
        while (pg::PgResult result{PQgetResult(c)})
            copied = copied && PQresultStatus(result.get()) == PGRES_COMMAND_OK;
        if (!copied)
            return fail(QStringLiteral("writing events"));
        changed.append(QStringLiteral("events"));
    }
    for (const auto &[id, info] : batch.series) {
        if (!run("INSERT INTO series (incident, id, key, node, metric, unit, start_ms, "
                 "interval_ms, count, levels) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0, 1)",
                 Params()
                     .number(m_incident)
                     .number(id)
                     .text(info.key)
                     .text(info.node)
                     .text(info.metric)
                     .text(info.unit)
                     .number(info.startMs)
                     .number(info.intervalMs)))
            return fail(u"adding series " + info.key);
    }
    for (const SeriesChunk &chunk : batch.chunks) {
        if (!run("INSERT INTO chunks (incident, series, level, idx, count, data) VALUES ($1, $2, "
                 "$3, $4, $5, $6) ON CONFLICT (incident, series, level, idx) DO UPDATE SET "
                 "count = EXCLUDED.count, data = EXCLUDED.data",
                 Params()
                     .number(m_incident)
                     .number(chunk.series)
                     .number(chunk.level)
                     .number(chunk.index)
                     .number(chunk.count)
                     .bytes(chunk.data)))
            return fail(QStringLiteral("writing samples"));
    }
    for (const auto &[series, count, levels] : batch.extents) {
        if (!run("UPDATE series SET count = $1, levels = $2 WHERE incident = $3 AND id = $4",
                 Params().number(count).number(levels).number(m_incident).number(series)))
            return fail(QStringLiteral("updating a series"));
    }
    if (!batch.chunks.empty() || !batch.series.empty())
        changed.append(QStringLiteral("samples"));
    for (const auto &[key, value] : batch.meta) {
        if (!run("INSERT INTO meta (incident, key, value) VALUES ($1, $2, $3) ON CONFLICT "
                 "(incident, key) DO UPDATE SET value = EXCLUDED.value",
                 Params().number(m_incident).text(key).text(value)))
            return fail(u"writing metadata " + key);
    }
    if (!batch.meta.empty())
        changed.append(QStringLiteral("meta"));
    for (const WriterBatch::Version &v : batch.versions) {
        if (!run("INSERT INTO topology_versions (incident, id, time_ms, reason, json) SELECT $1, "
                 "coalesce(max(id), 0) + 1, $2, $3, $4 FROM topology_versions WHERE incident = $1",
                 Params().number(m_incident).number(v.timeMs).text(v.reason).bytes(v.json)))
            return fail(QStringLiteral("writing a topology version"));
    }
    if (!batch.versions.empty())
        changed.append(QStringLiteral("topology"));
    for (const auto &[element, x, y] : batch.layout) {
        const bool ok =
            std::isnan(x)
                ? run("DELETE FROM layout WHERE incident = $1 AND element = $2",
                      Params().number(m_incident).text(element))
                : run("INSERT INTO layout (incident, element, x, y) VALUES ($1, $2, $3, $4) ON "
                      "CONFLICT (incident, element) DO UPDATE SET x = EXCLUDED.x, y = EXCLUDED.y",
                      Params().number(m_incident).text(element).real(x).real(y));
        if (!ok)
            return fail(QStringLiteral("writing the layout"));
    }
    if (!batch.layout.empty())
        changed.append(QStringLiteral("layout"));
    for (const auto &[id, json] : batch.postMortems) {
        const bool ok =
            json.isEmpty()
                ? run("DELETE FROM postmortems WHERE incident = $1 AND id = $2",
                      Params().number(m_incident).text(id))
                : run("INSERT INTO postmortems (incident, id, json, updated_ms) VALUES ($1, $2, "
                      "$3, $4) ON CONFLICT (incident, id) DO UPDATE SET json = EXCLUDED.json, "
                      "updated_ms = EXCLUDED.updated_ms",
                      Params()
                          .number(m_incident)
                          .text(id)
                          .bytes(json)
                          .number(QDateTime::currentMSecsSinceEpoch()));
        if (!ok)
            return fail(json.isEmpty() ? QStringLiteral("removing a post-mortem")
                                       : QStringLiteral("writing a post-mortem"));
    }
    if (!batch.postMortems.empty())
        changed.append(QStringLiteral("postmortems"));
    // Rule names new to the incident, numbered for the trainees' views (shared_trainee.cpp).
    const bool mayNameRules =
        !batch.versions.empty() ||
        std::any_of(batch.events.cbegin(), batch.events.cend(), [](const Event &e) {
            return e.kind == EventKind::RuleAdded || e.kind == EventKind::RuleRemoved ||
                   e.kind == EventKind::RuleCorrected;
        });
    if (mayNameRules && !run("SELECT warroom.note_hidden_rules($1)", Params().number(m_incident)))
        return fail(QStringLiteral("naming rules for trainees"));
    // Followers are told at commit, never of what a rollback took back.
    if (!run("SELECT pg_notify($1, $2)",
             Params().text(pg::channelOf(m_incident)).text(changed.join(u','))))
        return fail(QStringLiteral("telling followers"));
    if (pg::PgResult commit(PQexec(c, "COMMIT")); PQresultStatus(commit.get()) != PGRES_COMMAND_OK)
        return fail(QStringLiteral("commit"));
    return true;
}

} // namespace

std::unique_ptr<WriterBackend> makeSharedBackend(const QString &address)
{
    return std::make_unique<SharedBackend>(address);
}

} // namespace warroom
