// What a recording's damage is said as, and the whole-file check (Recording::check).
#include "recording.h"
#include "row_checksums.h"
#include "series_chunks.h"
#include "sql_error.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>

#include <sqlite3.h>

#include <functional>
#include <string_view>

namespace warroom {

namespace {

constexpr int kDamageKept = 200; // then one line says how many more

QString utc(qint64 ms)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    if (!t.isValid())
        return QString::number(ms) + u" ms";
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + u" UTC";
}

} // namespace

void Recording::noteDamage(const QString &what) const
{
    if (m_damage.contains(what))
        return;
    if (m_damage.size() < kDamageKept) {
        m_damage.append(what);
        return;
    }
    static const QString more = QStringLiteral("… and more damage (warroom-cli verify lists it)");
    if (!m_damage.contains(more))
        m_damage.append(more);
}

void Recording::noteReadError(const char *what, const QString &error) const
{
    // SQLite stops at a page it cannot read: what came before it was returned.
    noteDamage(u"reading " + QLatin1StringView(what) + u": " + error +
               u" (what follows the damage is missing)");
}

QString Recording::eventDamage(qint64 id, qint64 timeMs) const
{
    return u"event " + QString::number(id) + u" (" + utc(timeMs) +
           u") does not match its checksum: left out";
}

QString Recording::chunkDamage(int series, int level, qint64 index) const
{
    const StoredSeries *s = nullptr;
    for (const StoredSeries &candidate : m_series) {
        if (candidate.id == series)
            s = &candidate;
    }
    if (!s)
        return u"samples of a series not in the catalogue (id " + QString::number(series) +
               u") do not match their checksum";
    const qint64 perChunk = chunks::kEntries * chunks::samplesPerEntry(level);
    const qint64 from = s->info.startMs + index * perChunk * s->info.intervalMs;
    const qint64 to = std::min(s->endMs(), from + perChunk * s->info.intervalMs);
    return u"samples of " + s->info.key + u" from " + utc(from) + u" to " + utc(to) +
           (level == 0 ? QString() : u" (summary level " + QString::number(level) + u')') +
           u" do not match their checksum: not drawn";
}

QString Recording::topologyDamage(qint64 id, qint64 timeMs, const QString &reason) const
{
    return u"topology version " + QString::number(id) + u" (" + utc(timeMs) + u", " + reason +
           u") does not match its checksum: not used";
}

QStringList Recording::check(const std::function<bool()> &cancelled) const
{
    if (m_incident != 0)
        return m_damage;
    QSqlDatabase db = QSqlDatabase::database(m_connection, false);
    // SQLite asks every few thousand steps whether to go on: a check nobody waits for stops
    // within milliseconds, even inside the integrity check.
    sqlite3 *sqlite = checksums::sqliteOf(db);
    struct Handler
    {
        sqlite3 *db;
        ~Handler()
        {
            if (db)
                sqlite3_progress_handler(db, 0, nullptr, nullptr);
        }
    } handler{cancelled ? sqlite : nullptr};
    if (handler.db)
        sqlite3_progress_handler(
            handler.db, 10000,
            [](void *asked) {
                return (*static_cast<const std::function<bool()> *>(asked))() ? 1 : 0;
            },
            const_cast<std::function<bool()> *>(&cancelled));
    const auto stopped = [&] { return cancelled && cancelled(); };
    QSqlQuery q(db);
    q.setForwardOnly(true);
    if (!q.exec(QStringLiteral("PRAGMA integrity_check"))) {
        if (!stopped())
            noteReadError("the file", sqlText(q.lastError()));
    } else {
        // SQLite's findings, one per line (several lines to a row at times): the first few said
        // as they are, pages cut off from their table (often a hundred: "Page 66 is never
        // used") counted, so that the damage is one readable line.
        static const QRegularExpression unusedPage(QStringLiteral("^Page \\d+ is never used$"));
        QStringList findings;
        int unusedPages = 0;
        while (q.next()) {
            for (const QString &part : q.value(0).toString().split(u'\n')) {
                const QString finding = part.simplified();
                if (finding.isEmpty() || finding == u"ok" || finding.startsWith(u"***"))
                    continue;
                if (unusedPage.match(finding).hasMatch())
                    ++unusedPages;
                else
                    findings.append(finding);
            }
        }
        if (!findings.isEmpty() || unusedPages > 0) {
            constexpr int kShown = 3;
            QStringList said = findings.mid(0, kShown);
            if (findings.size() > kShown)
                said.append(QString::number(findings.size() - kShown) + u" more");
            if (unusedPages > 0)
                said.append(QString::number(unusedPages) +
                            u" pages no longer reached from any table (what they held is lost)");
            noteDamage(u"the file's structure is damaged (SQLite's integrity check): " +
                       said.join(QStringLiteral("; ")));
        }
        if (q.lastError().isValid() && !stopped())
            noteReadError("the file", sqlText(q.lastError()));
    }
    if (!m_checksummed || stopped())
        return m_damage;
    // Every row whose checksum does not match (or chunk shorter than its count says), said
    // as reading it would; a table that cannot be read too, in the readers' words, so that the
    // same damage met again while reading is one entry, not two.
    const auto readLabel = [](const char *table) -> const char * {
        const std::string_view t(table);
        return t == "meta"                ? "the metadata"
               : t == "events"            ? "the events"
               : t == "chunks"            ? "samples"
               : t == "topology_versions" ? "the topology"
                                          : table;
    };
    struct Scan
    {
        const char *table;
        const char *selected;
        const char *alsoDamaged;
        std::function<QString(const QSqlQuery &)> what;
    };
    const Scan scans[] = {
        {"meta", "key", "",
         [](const QSqlQuery &r) -> QString {
             return u"the metadata " + r.value(0).toString() +
                    u" does not match its checksum: ignored";
         }},
        {"series", "key", "",
         [](const QSqlQuery &r) -> QString {
             return u"the series " + r.value(0).toString() +
                    u" does not match its checksum: none of its samples are drawn";
         }},
        {"events", "id, time_ms", "",
         [this](const QSqlQuery &r) -> QString {
             return eventDamage(r.value(0).toLongLong(), r.value(1).toLongLong());
         }},
        {"chunks", "series, level, idx",
         " OR length(data) < count * 4 * (CASE level WHEN 0 THEN 1 ELSE 2 END)",
         [this](const QSqlQuery &r) -> QString {
             return chunkDamage(r.value(0).toInt(), r.value(1).toInt(), r.value(2).toLongLong());
         }},
        {"topology_versions", "id, time_ms, reason", "",
         [this](const QSqlQuery &r) -> QString {
             return topologyDamage(r.value(0).toLongLong(), r.value(1).toLongLong(),
                                   r.value(2).toString());
         }},
        {"layout", "element", "",
         [](const QSqlQuery &r) -> QString {
             return u"the map position of " + r.value(0).toString() +
                    u" does not match its checksum: placed automatically";
         }},
        {"postmortems", "id", "",
         [](const QSqlQuery &r) -> QString {
             return u"the post-mortem " + r.value(0).toString() +
                    u" does not match its checksum: not opened";
         }},
    };
    for (const Scan &scan : scans) {
        if (stopped())
            break;
        const checksums::Table &t = checksums::table(scan.table);
        if (!q.exec(u"SELECT " + QLatin1StringView(scan.selected) + u" FROM " +
                    QLatin1StringView(t.name) + u" WHERE (crc IS NOT NULL AND crc != warroom_crc(" +
                    QLatin1StringView(t.columns) + u"))" + QLatin1StringView(scan.alsoDamaged))) {
            if (!stopped())
                noteReadError(readLabel(scan.table), sqlText(q.lastError()));
            continue;
        }
        while (q.next())
            noteDamage(scan.what(q));
        if (q.lastError().isValid() && !stopped())
            noteReadError(readLabel(scan.table), sqlText(q.lastError()));
    }
    return m_damage;
}

} // namespace warroom
