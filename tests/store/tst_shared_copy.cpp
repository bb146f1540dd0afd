// Recordings shared in a real PostgreSQL (a private cluster started by the test): push then
// pull gives the file back row for row, both ways; incidents are listed; wrong addresses,
// names taken and files in the way are refused with a clear message.
#include "core/cli/cli.h"
#include "core/store/content_hashes.h"
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
#include "core/store/row_checksums.h"
#include "core/store/schema.h"
#include "core/store/shared_address.h"
#include "core/store/shared_copy.h"
#include "support/postgres_cluster.h"
#include "support/test_support.h"

#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

using namespace warroom;

namespace {

// Every row of every table of a recording file, as text, in key order.
QStringList rowsOf(const QString &file)
{
    QStringList out;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("rows"));
        db.setDatabaseName(file);
        if (!db.open())
            return {QStringLiteral("cannot open")};
        for (const char *table :
             {"meta", "events", "series", "chunks", "topology_versions", "layout", "postmortems"}) {
            QSqlQuery q(db);
            q.exec(u"SELECT * FROM " + QLatin1StringView(table) + u" ORDER BY 1, 2");
            while (q.next()) {
                QStringList fields{QLatin1StringView(table)};
                for (int i = 0; i < q.record().count(); ++i) {
                    const QVariant v = q.value(i);
                    fields.append(v.typeId() == QMetaType::QByteArray
                                      ? QString::fromLatin1(v.toByteArray().toHex())
                                  : v.typeId() == QMetaType::Double
                                      ? QString::number(v.toDouble(), 'g', 17)
                                      : v.toString());
                }
                out.append(fields.join(u'|'));
            }
        }
        QSqlQuery version(db);
        version.exec(QStringLiteral("PRAGMA user_version"));
        version.next();
        out.append(u"user_version|" + version.value(0).toString());
    }
    QSqlDatabase::removeDatabase(QStringLiteral("rows"));
    return out;
}

int cli(const QStringList &args, QString *output)
{
    QString text;
    QTextStream out(&text), err(&text);
    const int code = runCli(QStringList{QStringLiteral("warroom-cli")} + args, out, err);
    out.flush();
    err.flush();
    *output = text;
    return code;
}

} // namespace

class TestSharedCopy : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_cluster.ok(), qPrintable(m_cluster.error()));
        QVERIFY(test::recordBundledStories(m_dir.path()));
        m_file = m_dir.filePath(QStringLiteral("lemniscus-2020.warroom"));
        // A hand-placed node and a post-mortem: every table holds rows, bytes and doubles.
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("w"));
        db.setDatabaseName(m_file);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO layout (element, x, y) VALUES ('node:lb-1', 0.1, -2.5e-7)")));
        QVERIFY(q.exec(QStringLiteral(
            "INSERT INTO postmortems (id, json, updated_ms) VALUES ('pm-1', x'00ff7b0a5c', 7)")));
        // Texts COPY must escape: a backslash, a tab, line ends, and beyond the BMP.
        QVERIFY(q.prepare(QStringLiteral("INSERT INTO events (time_ms, kind, text) VALUES (?, "
                                         "'annotation', ?)")));
        q.addBindValue(QVariant(qint64(1591000000000)));
        q.addBindValue(QStringLiteral("C:\\path\tcol\r\nnext \\N \U0001F525 é"));
        QVERIFY(q.exec());
        // Checksummed as a writer would (row_checksums.h).
        QVERIFY(checksums::addSqlFunctions(db));
        for (const checksums::Table &t : checksums::kTables)
            QVERIFY(q.exec(u"UPDATE " + QLatin1StringView(t.name) + u" SET crc = warroom_crc(" +
                           QLatin1StringView(t.columns) + u") WHERE crc IS NULL"));
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("w"));
    }

    void pushThenPullGivesTheFileBack()
    {
        QString output;
        QCOMPARE(
            cli({QStringLiteral("push"), m_file, m_cluster.address(QStringLiteral("lemniscus"))},
                &output),
            0);
        QVERIFY2(output.contains(u"pushed"), qPrintable(output));
        const QString pulled = m_dir.filePath(QStringLiteral("pulled.warroom"));
        QCOMPARE(
            cli({QStringLiteral("pull"), m_cluster.address(QStringLiteral("lemniscus")), pulled},
                &output),
            0);
        const QStringList before = rowsOf(m_file);
        const QStringList after = rowsOf(pulled);
        QVERIFY(before.size() > 1000);
        QCOMPARE(after.size(), before.size());
        QCOMPARE(after, before);
        // And the other way: the pulled file pushed again and pulled again is the same.
        QCOMPARE(cli({QStringLiteral("push"), pulled, m_cluster.address(QStringLiteral("again"))},
                     &output),
                 0);
        const QString twice = m_dir.filePath(QStringLiteral("twice.warroom"));
        QCOMPARE(cli({QStringLiteral("pull"), m_cluster.address(QStringLiteral("again")), twice},
                     &output),
                 0);
        QCOMPARE(rowsOf(twice), before);
        // What opens it opens the copy the same: its summary's hashes are equal.
        const auto original = Recording::open(m_file);
        const auto copy = Recording::open(twice);
        QVERIFY(original && copy);
        QCOMPARE(copy.value()->meta(QStringLiteral("events_hash")),
                 original.value()->meta(QStringLiteral("events_hash")));
        QCOMPARE(copy.value()->events().size(), original.value()->events().size());
        // Hashed from what is stored, both ways: the file, the incident, the copy pulled back.
        const ContentHashes file = contentHashes(*original.value());
        QVERIFY(file.samples > 0);
        for (const QString &where : {m_cluster.address(QStringLiteral("lemniscus")),
                                     m_cluster.address(QStringLiteral("again")), twice}) {
            auto r = Recording::open(where);
            QVERIFY(r);
            const ContentHashes there = contentHashes(*r.value());
            QCOMPARE(there.eventsHash, file.eventsHash);
            QCOMPARE(there.samplesHash, file.samplesHash);
            QCOMPARE(there.samples, file.samples);
        }
        // A recording as it was simulated verifies against its events_hash (this one had an
        // event added above: not as recorded).
        QCOMPARE(cli({QStringLiteral("verify"),
                      m_dir.filePath(QStringLiteral("pagerduty-2011.warroom"))},
                     &output),
                 0);
        QVERIFY2(output.contains(u"events as recorded"), qPrintable(output));
        // One event changed in a copy: said.
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("tamper"));
            db.setDatabaseName(twice);
            QVERIFY(db.open());
            // Edited with its checksum (as a writer would): not damage, but not as recorded.
            QVERIFY(checksums::addSqlFunctions(db));
            QVERIFY(QSqlQuery(db).exec(QStringLiteral(
                "UPDATE events SET text = 'edited' WHERE id = (SELECT max(id) FROM events)")));
            QVERIFY(QSqlQuery(db).exec(u"UPDATE events SET crc = warroom_crc(" +
                                       QLatin1StringView(checksums::table("events").columns) +
                                       u") WHERE id = (SELECT max(id) FROM events)"));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tamper"));
        QVERIFY(contentHashes(*Recording::open(twice).value()).eventsHash != file.eventsHash);
        output.clear();
        QCOMPARE(cli({QStringLiteral("verify"), twice}, &output), 2);
        QVERIFY2(output.contains(u"the events differ from the events_hash they were recorded with"),
                 qPrintable(output));
    }

    // A recording of an older file schema (before layout and post-mortems) is brought up to
    // date on the way: pulled, it is the current schema with the same events.
    void anOlderRecordingIsPushed()
    {
        const QString old = m_dir.filePath(QStringLiteral("old.warroom"));
        QVERIFY(QFile::copy(m_dir.filePath(QStringLiteral("pagerduty-2011.warroom")), old));
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("old"));
            db.setDatabaseName(old);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("DROP TABLE postmortems")));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE layout")));
            for (const char *table : {"meta", "events", "series", "chunks", "topology_versions"})
                QVERIFY(q.exec(u"ALTER TABLE " + QLatin1StringView(table) + u" DROP COLUMN crc"));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 1")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("old"));
        QString output;
        QCOMPARE(
            cli({QStringLiteral("push"), old, m_cluster.address(QStringLiteral("old"))}, &output),
            0);
        const QString pulled = m_dir.filePath(QStringLiteral("old-pulled.warroom"));
        QCOMPARE(cli({QStringLiteral("pull"), m_cluster.address(QStringLiteral("old")), pulled},
                     &output),
                 0);
        const QRegularExpression event(QStringLiteral("^events\\|"));
        const QStringList events = rowsOf(pulled).filter(event);
        QVERIFY(!events.isEmpty());
        QStringList withoutChecksums; // the old file's rows have none; pulled, each has one
        for (const QString &row : events)
            withoutChecksums.append(row.section(u'|', 0, -2));
        QCOMPARE(withoutChecksums, rowsOf(old).filter(event));
        QVERIFY(
            rowsOf(pulled).contains(u"user_version|" + QString::number(schema::kCurrentVersion)));
        QVERIFY(rowsOf(old).contains(QStringLiteral("user_version|1"))); // the original untouched
    }

    void incidentsAreListed()
    {
        QString output;
        QCOMPARE(cli({QStringLiteral("incidents"), m_cluster.address()}, &output), 0);
        QVERIFY2(output.contains(u"lemniscus  ") && output.contains(u"again  "),
                 qPrintable(output));
        QVERIFY2(output.contains(u" events"), qPrintable(output));
        QVERIFY(!output.contains(u"LIVE"));
        // One incident, when the address names it; LIVE while its writer of events is connected.
        auto writer = RecordingWriter::openForAppend(m_cluster.address(QStringLiteral("again")),
                                                     /*appendsEvents=*/true);
        QVERIFY(writer);
        output.clear();
        QCOMPARE(
            cli({QStringLiteral("incidents"), m_cluster.address(QStringLiteral("again"))}, &output),
            0);
        QCOMPARE(output.count(u'\n'), 1);
        QVERIFY2(output.startsWith(u"again  ") && output.contains(u" LIVE"), qPrintable(output));
        QVERIFY(writer.value()->close());
        const auto after = listIncidents(parseSharedAddress(m_cluster.address()).value());
        QVERIFY(after);
        QVERIFY(std::none_of(after.value().cbegin(), after.value().cend(),
                             [](const SharedIncident &i) { return i.live; }));
        output.clear();
        QCOMPARE(
            cli({QStringLiteral("incidents"), m_cluster.address(QStringLiteral("nope"))}, &output),
            2);
        QVERIFY2(output.startsWith(u"warroom-cli incidents: no incident named nope in "
                                   u"postgresql://") &&
                     output.contains(u"(it holds again, lemniscus"),
                 qPrintable(output));
    }

    void mistakesAreRefused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("error");
        const QString file = m_dir.filePath(QStringLiteral("lemniscus-2020.warroom"));
        QTest::newRow("name taken")
            << QStringList{QStringLiteral("push"), file,
                           m_cluster.address(QStringLiteral("lemniscus"))}
            << QStringLiteral("an incident named lemniscus is already there");
        QTest::newRow("password")
            << QStringList{QStringLiteral("push"), file,
                           QStringLiteral("postgresql://warroom:secret@127.0.0.1:1/w?incident=x")}
            << QStringLiteral("a password does not go in the address");
        QTest::newRow("no incident")
            << QStringList{QStringLiteral("push"), file, m_cluster.address()}
            << QStringLiteral("name the incident");
        QTest::newRow("file in the way")
            << QStringList{QStringLiteral("pull"), m_cluster.address(QStringLiteral("lemniscus")),
                           file}
            << QStringLiteral("exists: pull writes a new recording");
        QTest::newRow("unknown incident")
            << QStringList{QStringLiteral("pull"), m_cluster.address(QStringLiteral("nope")),
                           m_dir.filePath(QStringLiteral("nope.warroom"))}
            << QStringLiteral("no incident named nope");
        QTest::newRow("password as a parameter")
            << QStringList{QStringLiteral("incidents"),
                           QStringLiteral("postgresql://127.0.0.1:1/w?password=secret")}
            << QStringLiteral("a password does not go in the address");
        QTest::newRow("no server")
            << QStringList{QStringLiteral("incidents"),
                           QStringLiteral("postgresql://127.0.0.1:1/warroom?connect_timeout=2")}
            << QStringLiteral("cannot connect to postgresql://127.0.0.1:1/warroom");
    }

    void mistakesAreRefused()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, error);
        QString output;
        QCOMPARE(cli(args, &output), 2);
        QVERIFY2(output.contains(error), qPrintable(output));
        QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("nope.warroom"))));
    }

private:
    test::PostgresCluster m_cluster;
    QTemporaryDir m_dir;
    QString m_file;
};

QTEST_GUILESS_MAIN(TestSharedCopy)
#include "tst_shared_copy.moc"
