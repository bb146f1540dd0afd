// The shared back end of the store against a real PostgreSQL (a private cluster started by the
// test): a simulation written into an incident reads back as the file does; windows' sessions
// following a live incident are told of every commit (LISTEN/NOTIFY), say when the server goes
// away, and catch up with nothing missing when it is back; one writer of events at a time;
// post-mortems saved from one desk reach the others.
#include "core/live/feed_protocol.h"
#include "core/live/ingest_server.h"
#include "core/postmortem/postmortem_store.h"
#include "core/replay/replay_session.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"
#include "core/store/postmortem_rows.h"
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
#include "core/store/shared_address.h"
#include "core/store/shared_copy.h"
#include "support/feed_replies.h"
#include "support/postgres_cluster.h"
#include "support/test_support.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <mutex>
#include <set>

using namespace warroom;

namespace {

Event annotation(qint64 timeMs, const QString &text)
{
    Event e;
    e.timeMs = timeMs;
    e.kind = EventKind::Annotation;
    e.text = text;
    return e;
}

// Waits until `session` has read `count` events (each refresh comes with dataChanged).
bool waitForEvents(ReplaySession &session, qsizetype count, int timeoutMs = 15000)
{
    QSignalSpy grew(&session, &ReplaySession::dataChanged);
    while (!session.data() || session.data()->events.size() < count) {
        if (!grew.wait(timeoutMs))
            return false;
    }
    return true;
}

bool waitForState(ReplaySession &session, const std::function<bool()> &done, int timeoutMs = 30000)
{
    QSignalSpy changed(&session, &ReplaySession::stateChanged);
    while (!done()) {
        if (!changed.wait(timeoutMs))
            return false;
    }
    return true;
}

} // namespace

class TestSharedStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_cluster.ok(), qPrintable(m_cluster.error()));
        auto scenario = loadScenarioFile(test::scenarioPath(QStringLiteral("lemniscus-2020")));
        QVERIFY(scenario);
        m_scenario = scenario.value();
    }

    // simulate -o ADDRESS: the incident reads as the file of the same simulation does.
    void simulationReadsAsTheFile()
    {
        const QString file = m_dir.filePath(QStringLiteral("lem.warroom"));
        const QString shared = m_cluster.address(QStringLiteral("lem"));
        SimulationOptions options;
        QVERIFY(recordSimulation(m_scenario, options, file));
        QVERIFY(recordSimulation(m_scenario, options, shared));
        // A second simulation under the name does not replace the team's incident.
        const auto again = recordSimulation(m_scenario, options, shared);
        QVERIFY(!again);
        QVERIFY2(again.errors().first().message.contains(u"already in"),
                 qPrintable(again.errors().first().message));
        auto a = Recording::open(file);
        auto b = Recording::open(shared);
        QVERIFY2(b, qPrintable(b ? QString() : b.errors().first().message));
        QCOMPARE(b.value()->meta(QStringLiteral("events_hash")),
                 a.value()->meta(QStringLiteral("events_hash")));
        QCOMPARE(b.value()->metadata(), a.value()->metadata());
        QCOMPARE(b.value()->eventCount(), a.value()->eventCount());
        const QList<Event> fromFile = a.value()->events();
        const QList<Event> fromShared = b.value()->events();
        QCOMPARE(fromShared.size(), fromFile.size());
        for (qsizetype i = 0; i < fromFile.size(); ++i) {
            QCOMPARE(fromShared[i].id, fromFile[i].id);
            QCOMPARE(fromShared[i].text, fromFile[i].text);
            QCOMPARE(fromShared[i].details, fromFile[i].details);
        }
        QCOMPARE(b.value()->series().size(), a.value()->series().size());
        for (const StoredSeries &s : a.value()->series()) {
            const StoredSeries *t = b.value()->seriesByKey(s.info.key);
            QVERIFY(t);
            QCOMPARE(t->count, s.count);
            const auto x = a.value()->window(s, s.info.startMs, s.endMs(), 400);
            QCOMPARE(b.value()->window(*t, t->info.startMs, t->endMs(), 400), x);
        }
        QCOMPARE(b.value()->topologyJson(b.value()->topologyVersions().first().id),
                 a.value()->topologyJson(a.value()->topologyVersions().first().id));
        // Filters work on the shared back end as on the file.
        EventFilter alerts;
        alerts.kinds = {QStringLiteral("alert.*")};
        QCOMPARE(b.value()->events(alerts).size(), a.value()->events(alerts).size());
        QVERIFY(!Recording::exists(m_cluster.address(QStringLiteral("nope"))).value());
        QVERIFY(Recording::exists(shared).value());
    }

    void wrongAddressesAreSaid()
    {
        auto missing = Recording::open(m_cluster.address(QStringLiteral("no-such-incident")));
        QVERIFY(!missing);
        // Said once, with the names there are (a mistyped name is the usual cause).
        const QString said = missing.errors().first().message;
        QVERIFY2(said.startsWith(u"no incident named no-such-incident in postgresql://127.0.0.1:" +
                                 QString::number(m_cluster.port()) + u"/warroom (it holds "),
                 qPrintable(said));
        QVERIFY2(said.contains(u"lem"), qPrintable(said));
        QCOMPARE(said.count(u"no-such-incident"), 1);
        auto twice = Recording::open(m_cluster.address(QStringLiteral("lem")) +
                                     QStringLiteral("&incident=other"));
        QVERIFY(!twice);
        QVERIFY(twice.errors().first().message.contains(u"incident= more than once"));
        auto unnamed = Recording::open(m_cluster.address());
        QVERIFY(!unnamed);
        QVERIFY(unnamed.errors().first().message.contains(u"name the incident"));
        auto refused =
            Recording::open(QStringLiteral("postgresql://127.0.0.1:1/warroom?incident=x"));
        QVERIFY(!refused);
        QVERIFY2(refused.errors().first().message.contains(u"cannot connect"),
                 qPrintable(refused.errors().first().message));
        auto taken = RecordingWriter::create(m_cluster.address(QStringLiteral("lem")));
        QVERIFY(!taken);
        QVERIFY(taken.errors().first().message.contains(u"already there"));
    }

    // Two sessions (two windows) follow one live incident; each commit reaches both.
    void followersAreToldOfEveryCommit()
    {
        const QString address = m_cluster.address(QStringLiteral("live"));
        QVERIFY(createLiveRecording(address, m_scenario, QStringLiteral("feed")));
        auto writer = RecordingWriter::openForAppend(address);
        QVERIFY(writer);
        const qint64 t0 = QDateTime::currentMSecsSinceEpoch();
        writer.value()->setMeta(QStringLiteral("live"), QStringLiteral("1"));
        writer.value()->setMeta(QStringLiteral("heartbeat_ms"), QString::number(t0));
        writer.value()->append(annotation(t0, QStringLiteral("first")));
        QVERIFY(writer.value()->flush());

        ReplaySession a, b;
        QSignalSpy openedA(&a, &ReplaySession::opened), openedB(&b, &ReplaySession::opened);
        a.open(address);
        b.open(address);
        QVERIFY(openedA.wait(15000));
        QVERIFY(openedB.count() == 1 || openedB.wait(15000));
        QVERIFY(a.following());
        const qsizetype before = a.data()->events.size();
        QCOMPARE(b.data()->events.size(), before);

        for (int i = 0; i < 3; ++i) {
            writer.value()->append(annotation(t0 + 1 + i, u"note " + QString::number(i)));
            QVERIFY(writer.value()->flush());
            QVERIFY(waitForEvents(a, before + i + 1));
            QVERIFY(waitForEvents(b, before + i + 1));
        }
        QCOMPARE(a.data()->events.last().text, QStringLiteral("note 2"));
        QCOMPARE(b.data()->events.last().text, QStringLiteral("note 2"));

        // One writer of events at a time: a second one is refused at its first events.
        auto second = RecordingWriter::openForAppend(address);
        QVERIFY(second);
        second.value()->append(annotation(t0 + 10, QStringLiteral("intruder")));
        const Result<bool> refused = second.value()->flush();
        QVERIFY(!refused);
        QVERIFY2(refused.errors().first().message.contains(u"another writer"),
                 qPrintable(refused.errors().first().message));
        second.value().reset();
        // An ingest into the incident is refused when it starts, not at its feeder's first line.
        auto ingest = IngestServer::start(address, IngestOptions{});
        QVERIFY(!ingest);
        QVERIFY2(ingest.errors().first().message.contains(u"another writer"),
                 qPrintable(ingest.errors().first().message));

        // A post-mortem saved from another desk reaches both.
        PostMortem pm;
        pm.id = QStringLiteral("pm-1");
        pm.title = QStringLiteral("Written at desk C");
        QVERIFY(savePostMortem(address, pm));
        QSignalSpy changedA(&a, &ReplaySession::dataChanged);
        while (a.data()->postMortems.isEmpty())
            QVERIFY(changedA.wait(15000));
        QCOMPARE(a.data()->postMortems.first().title, QStringLiteral("Written at desk C"));

        // The server goes away: the session says so and keeps what it has; the writer goes on
        // (its batch waits), and once the server is back the session reads what it missed.
        std::mutex noticesMutex; // told on the writer's thread
        QStringList notices;
        writer.value()->setNotices([&](const QString &text) {
            std::lock_guard lock(noticesMutex);
            notices.append(text);
        });
        QVERIFY(m_cluster.stop());
        QVERIFY(waitForState(a, [&] { return !a.liveHealth().connectionLost.isEmpty(); }));
        QCOMPARE(a.data()->events.size(), before + 3);
        writer.value()->append(annotation(t0 + 20, QStringLiteral("while away")));
        QVERIFY(m_cluster.start());
        QVERIFY(writer.value()->flush());
        {
            // The writer said it waited, and when it was through (ingest prints these).
            std::lock_guard lock(noticesMutex);
            QCOMPARE(notices.size(), 2);
            QVERIFY2(notices[0].startsWith(u"the database is unreachable ("),
                     qPrintable(notices[0]));
            QVERIFY2(notices[1].startsWith(u"the database answers again"), qPrintable(notices[1]));
        }
        QVERIFY(waitForEvents(a, before + 4, 30000));
        QCOMPARE(a.data()->events.last().text, QStringLiteral("while away"));
        QVERIFY(waitForState(a, [&] { return a.liveHealth().connectionLost.isEmpty(); }));
        QVERIFY(waitForEvents(b, before + 4, 30000));
        QVERIFY(writer.value()->close());
    }

    // A drill's trainee connects with a role that may read only the trainees' views: the
    // tables are refused by PostgreSQL, and what it reads has the rule names hidden and the
    // instructor's injections left out, until the instructor reveals them.
    void traineeRoleReadsOnlyTheHiddenView()
    {
        const QString address = m_cluster.address(QStringLiteral("drill"));
        QVERIFY(recordSimulation(m_scenario, SimulationOptions{}, address));
        {
            auto writer = RecordingWriter::openForAppend(address);
            QVERIFY(writer);
            writer.value()->setMeta(QStringLiteral("drill_hidden"), QStringLiteral("1"));
            Event injected;
            injected.timeMs = m_scenario.start.toMSecsSinceEpoch() + 1000;
            injected.kind = EventKind::FaultStarted;
            injected.subject = QStringLiteral("drill-block-1");
            injected.text = QStringLiteral("instructor blocked dc1 -> dc2 (drill-block-1)");
            injected.details = {{QStringLiteral("injected_by"), QStringLiteral("ines")},
                                {QStringLiteral("change"), QStringLiteral("rule_block")},
                                {QStringLiteral("target"), QStringLiteral("drill-block-1")}};
            writer.value()->append(injected);
            Event added = injected;
            added.kind = EventKind::RuleAdded;
            added.details = {};
            writer.value()->append(added);
            QVERIFY(writer.value()->close());
        }
        QVERIFY(m_cluster.psql(
            {QStringLiteral("-f"), QStringLiteral(WARROOM_SOURCE_DIR "/resources/sql/roles.sql")}));
        QVERIFY(m_cluster.psql({QStringLiteral("-c"),
                                QStringLiteral("CREATE ROLE tom LOGIN IN ROLE warroom_trainee")}));
        const QString asTom =
            QString(address).replace(QStringLiteral("user=warroom"), QStringLiteral("user=tom"));

        // PostgreSQL itself refuses the tables.
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("tom"));
            db.setHostName(QStringLiteral("127.0.0.1"));
            db.setPort(m_cluster.port());
            db.setDatabaseName(QStringLiteral("warroom"));
            db.setUserName(QStringLiteral("tom"));
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QSqlQuery q(db);
            QVERIFY(!q.exec(QStringLiteral("SELECT text FROM warroom.events")));
            QVERIFY2(q.lastError().text().contains(u"permission denied"),
                     qPrintable(q.lastError().text()));
            QVERIFY(!q.exec(QStringLiteral("SELECT name FROM warroom.hidden_rules")));
            QVERIFY(!q.exec(QStringLiteral("SELECT json FROM warroom.topology_versions")));
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM warroom.trainee_events")));
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("tom"));

        auto everything = [](const Recording &r) {
            QString all;
            for (const Event &e : r.events())
                all += e.subject + e.text + QString::fromUtf8(QJsonDocument(e.details).toJson()) +
                       u'\n';
            for (const TopologyVersion &v : r.topologyVersions())
                all += QString::fromUtf8(r.topologyJson(v.id));
            return all;
        };
        {
            auto seen = Recording::open(asTom);
            QVERIFY2(seen, qPrintable(seen ? QString() : seen.errors().first().message));
            const QString all = everything(*seen.value());
            QVERIFY(!all.contains(u"dc3-egress"));
            QVERIFY(!all.contains(u"drill-block-1"));
            QVERIFY(!all.contains(u"lemniscus-2020.yaml:"));
            QVERIFY(all.contains(u"hidden-1"));
            QVERIFY(seen.value()->eventCount() > 0);
            // The scenario's text (its comments and descriptions tell the story) is withheld.
            QVERIFY(seen.value()->meta(QStringLiteral("scenario_text")).isEmpty());
        }
        // Revealed: the trainee reads what was recorded — a window already open reads it all
        // again (what it read before was hidden by the server), not only what came after.
        ReplaySession open;
        QSignalSpy opened(&open, &ReplaySession::opened);
        open.open(asTom);
        QVERIFY(opened.wait(15000));
        QVERIFY(!open.data()->revealedByServer);
        QVERIFY(!open.data()->versions.first().json.contains("dc3-egress"));
        {
            auto writer = RecordingWriter::openForAppend(address);
            QVERIFY(writer);
            Event reveal;
            reveal.timeMs = m_scenario.start.toMSecsSinceEpoch() + 2000;
            reveal.kind = EventKind::Annotation;
            reveal.subject = QStringLiteral("drill.reveal");
            reveal.text = QStringLiteral("revealed");
            writer.value()->append(reveal);
            QVERIFY(writer.value()->close());
        }
        {
            QSignalSpy changed(&open, &ReplaySession::dataChanged);
            while (!open.data()->revealedByServer)
                QVERIFY(changed.wait(15000));
        }
        QVERIFY(open.data()->versions.first().json.contains("dc3-egress"));
        auto revealed = Recording::open(asTom);
        QVERIFY(revealed);
        QVERIFY(everything(*revealed.value()).contains(u"dc3-egress"));
        QVERIFY(revealed.value()->meta(QStringLiteral("scenario_text")).contains(u"dc3-egress"));
    }

    // A trainee writes its own post-mortems of a drill, through the one function PostgreSQL
    // lets it call: never another's, never a real incident's, never the table itself; it reads
    // back only its own (the instructor's draft would give the answer away), the instructor
    // reads them all.
    void traineesWriteOnlyTheirOwnPostMortems()
    {
        const QString drill = m_cluster.address(QStringLiteral("trainee-drill"));
        const QString real = m_cluster.address(QStringLiteral("trainee-real"));
        for (const QString &address : {drill, real})
            QVERIFY(recordSimulation(m_scenario, SimulationOptions{}, address));
        {
            auto writer = RecordingWriter::openForAppend(drill);
            QVERIFY(writer);
            writer.value()->setMeta(QStringLiteral("drill"), QStringLiteral("1"));
            writer.value()->setMeta(QStringLiteral("drill_hidden"), QStringLiteral("1"));
            QVERIFY(writer.value()->close());
        }
        PostMortem instructors;
        instructors.id = QStringLiteral("pm-1");
        instructors.rootCause = QStringLiteral("the answer");
        QVERIFY(savePostMortem(drill, instructors));
        QVERIFY(m_cluster.psql(
            {QStringLiteral("-f"), QStringLiteral(WARROOM_SOURCE_DIR "/resources/sql/roles.sql")}));
        for (const QString &who : {QStringLiteral("tina"), QStringLiteral("tess")})
            QVERIFY(m_cluster.psql(
                {QStringLiteral("-c"), u"CREATE ROLE " + who + u" LOGIN IN ROLE warroom_trainee"}));
        auto as = [](QString address, const QString &who) {
            return address.replace(QStringLiteral("user=warroom"), u"user=" + who);
        };
        auto written = [](const QString &address) {
            auto r = Recording::open(address);
            QMap<QString, QString> out; // id → root cause
            if (r) {
                for (const PostMortem &pm : readPostMortems(*r.value()))
                    out.insert(pm.id, pm.rootCause);
            }
            return out;
        };
        QVERIFY(written(as(drill, QStringLiteral("tina"))).isEmpty()); // not the instructor's

        auto json = [](const QString &rootCause) {
            PostMortem pm;
            pm.id = QStringLiteral("pm-1");
            pm.rootCause = rootCause;
            return QJsonDocument(toJson(pm)).toJson(QJsonDocument::Compact);
        };
        const QByteArray tinas = json(QStringLiteral("tina: hidden-1 blocks dc1"));
        auto done =
            writePostMortemIf(as(drill, QStringLiteral("tina")), QStringLiteral("pm-1"), tinas, {});
        QVERIFY2(done && !done.value(),
                 qPrintable(done ? QString() : done.errors().first().message));
        QVERIFY(writePostMortemIf(as(drill, QStringLiteral("tess")), QStringLiteral("pm-1"),
                                  json(QStringLiteral("tess: dc2 is down")), {}));
        // Compared and set: written from an old read, what is stored comes back instead.
        auto stale = writePostMortemIf(as(drill, QStringLiteral("tina")), QStringLiteral("pm-1"),
                                       json(QStringLiteral("tina again")), {});
        QVERIFY(stale && stale.value());
        QCOMPARE(*stale.value(), tinas);
        QCOMPARE(written(as(drill, QStringLiteral("tina"))),
                 (QMap<QString, QString>{
                     {QStringLiteral("pm-1"), QStringLiteral("tina: hidden-1 blocks dc1")}}));
        QCOMPARE(written(as(drill, QStringLiteral("tess"))).value(QStringLiteral("pm-1")),
                 QStringLiteral("tess: dc2 is down"));
        QCOMPARE(written(drill),
                 (QMap<QString, QString>{
                     {QStringLiteral("pm-1"), QStringLiteral("the answer")},
                     {QStringLiteral("tina/pm-1"), QStringLiteral("tina: hidden-1 blocks dc1")},
                     {QStringLiteral("tess/pm-1"), QStringLiteral("tess: dc2 is down")}}));

        // Not a drill: refused by the server.
        auto refused = writePostMortemIf(as(real, QStringLiteral("tina")), QStringLiteral("pm-1"),
                                         json(QStringLiteral("x")), {});
        QVERIFY(!refused);
        QVERIFY2(refused.errors().first().message.contains(u"drills only"),
                 qPrintable(refused.errors().first().message));
        // What each reader may write, known when it opens (the editor reads, not edits, else).
        QVERIFY(Recording::open(as(drill, QStringLiteral("tina")))
                    .value()
                    ->postMortemsReadOnly()
                    .isEmpty());
        QVERIFY(Recording::open(as(real, QStringLiteral("tina")))
                    .value()
                    ->postMortemsReadOnly()
                    .contains(u"this incident is not a drill"));
        QVERIFY(m_cluster.psql({QStringLiteral("-c"),
                                QStringLiteral("CREATE ROLE vic LOGIN IN ROLE warroom_viewer")}));
        QVERIFY(Recording::open(as(real, QStringLiteral("vic")))
                    .value()
                    ->postMortemsReadOnly()
                    .contains(u"needs warroom_scribe"));
        QVERIFY(Recording::open(real).value()->postMortemsReadOnly().isEmpty());
        // Copying the drill out is refused for the role, and said so.
        auto pulled = pullRecording(parseSharedAddress(as(drill, QStringLiteral("tina"))).value(),
                                    m_dir.filePath(QStringLiteral("tina.warroom")));
        QVERIFY(!pulled);
        QVERIFY2(pulled.errors().first().message.contains(
                     u"permission denied for table meta: your database role may not do this"),
                 qPrintable(pulled.errors().first().message));
        // Nor the table, nor another's row.
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("tina"));
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(m_cluster.port());
        db.setDatabaseName(QStringLiteral("warroom"));
        db.setUserName(QStringLiteral("tina"));
        QVERIFY2(db.open(), qPrintable(db.lastError().text()));
        {
            QSqlQuery q(db);
            QVERIFY(!q.exec(QStringLiteral("UPDATE warroom.postmortems SET json = 'x'")));
            QVERIFY(q.lastError().text().contains(u"permission denied"));
            QVERIFY(!q.exec(QStringLiteral("INSERT INTO warroom.postmortems (incident, id, json, "
                                           "updated_ms) VALUES (1, 'x', 'x', 0)")));
            QVERIFY(q.lastError().text().contains(u"permission denied"));
            // Its "own" name is always under its role: tess's row is out of reach.
            QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM warroom.trainee_postmortems")));
            QVERIFY(q.next());
            QCOMPARE(q.value(0).toInt(), 1);
        }
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("tina"));
    }

    // Across a network: TLS with the server's certificate checked against a CA and its name
    // (sslmode=verify-full), for writing, reading and following; another CA is refused.
    void verifyFullTls()
    {
        test::PostgresCluster tls;
        QVERIFY2(tls.ok(), qPrintable(tls.error()));
        QVERIFY2(tls.enableTls(), qPrintable(tls.error()));
        const QString address = tls.address(QStringLiteral("over-tls")) +
                                u"&sslmode=verify-full&sslrootcert=" + tls.caFile();
        QVERIFY(recordSimulation(m_scenario, SimulationOptions{}, address));
        auto read = Recording::open(address);
        QVERIFY2(read, qPrintable(read ? QString() : read.errors().first().message));
        QVERIFY(read.value()->eventCount() > 0);
        ReplaySession session;
        QSignalSpy opened(&session, &ReplaySession::opened);
        session.open(address);
        QVERIFY(opened.wait(15000));
        // The follower listens over TLS too: a post-mortem written elsewhere arrives.
        PostMortem pm;
        pm.id = QStringLiteral("pm-tls");
        QVERIFY(savePostMortem(address, pm));
        QSignalSpy changed(&session, &ReplaySession::dataChanged);
        while (session.data()->postMortems.isEmpty())
            QVERIFY(changed.wait(15000));

        // A certificate nobody this client trusts vouches for: refused, and said.
        const QString strangers = m_dir.filePath(QStringLiteral("other-ca.crt"));
        QProcess openssl;
        openssl.setProcessChannelMode(QProcess::MergedChannels); // its progress dots, kept out
        openssl.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                       QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                       QStringLiteral("-keyout"), m_dir.filePath(QStringLiteral("other-ca.key")),
                       QStringLiteral("-out"), strangers, QStringLiteral("-days"),
                       QStringLiteral("2"), QStringLiteral("-subj"),
                       QStringLiteral("/CN=someone else")});
        QVERIFY(openssl.waitForFinished(60000) && openssl.exitCode() == 0);
        auto refused = Recording::open(tls.address(QStringLiteral("over-tls")) +
                                       u"&sslmode=verify-full&sslrootcert=" + strangers);
        QVERIFY(!refused);
        QVERIFY2(refused.errors().first().message.contains(u"certificate", Qt::CaseInsensitive),
                 qPrintable(refused.errors().first().message));
    }

    // kill -9 of the ingesting process 8 times during a feed into PostgreSQL: every event it
    // acknowledged is in the incident, and the next ingest appends (the dead one's writer lock
    // went with its connection).
    void acknowledgedEventsSurviveKills()
    {
        const QString address = m_cluster.address(QStringLiteral("killed"));
        QRandomGenerator random(17);
        qint64 next = 0;
        std::set<qint64> acked;
        int roundsAcknowledged = 0;
        for (int round = 0; round < 8; ++round) {
            QProcess ingest;
            ingest.start(QStringLiteral(WARROOM_CLI_PATH),
                         {QStringLiteral("ingest"), QStringLiteral("--listen"),
                          QStringLiteral("127.0.0.1:0"), QStringLiteral("-o"), address});
            QByteArray said;
            QTRY_VERIFY_WITH_TIMEOUT((said += ingest.readAllStandardOutput()).contains(", writing"),
                                     20000);
            const quint16 port = quint16(said.split(':').at(1).split(',').first().toUInt());
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, port);
            QVERIFY(socket.waitForConnected(5000));
            const qint64 first = next;
            QByteArray payload;
            for (int i = 0; i < 30000; ++i) {
                Event e;
                e.timeMs = 1'700'000'000'000LL + next;
                e.kind = EventKind::Annotation;
                e.subject = u"e" + QString::number(next++);
                payload += feed::eventLine(e);
            }
            socket.write(payload);
            test::FeedReplies replies;
            const int killAfter = 200 + int(random.bounded(600));
            QElapsedTimer clock;
            clock.start();
            while (clock.elapsed() < killAfter) {
                socket.waitForReadyRead(10);
                replies.read(socket);
            }
            ingest.kill();
            QVERIFY(ingest.waitForFinished(10000));
            socket.waitForReadyRead(100);
            replies.read(socket);
            for (qint64 n = first; n < first + replies.ack; ++n)
                acked.insert(n);
            roundsAcknowledged += replies.ack > 0;
            next = first + 30000; // the unacknowledged rest may or may not be there
        }
        // Each ingest after a kill appended: the dead one's lock did not stay.
        QVERIFY2(roundsAcknowledged >= 6, qPrintable(QString::number(roundsAcknowledged)));
        auto r = Recording::open(address);
        QVERIFY(r);
        std::set<qint64> stored;
        for (const Event &e : r.value()->events(EventFilter::ofKinds({EventKind::Annotation})))
            stored.insert(e.subject.mid(1).toLongLong());
        for (qint64 n : acked)
            QVERIFY2(stored.count(n), qPrintable(QString::number(n)));
        qInfo("%zu events acknowledged across 8 kills, all stored", acked.size());
    }

    // Viewers on a streaming replica: commands and windows read an incident there as on the
    // primary (no temporary views: a hot standby refuses them), and what the primary commits
    // reaches them once replayed.
    void readsFromAStreamingReplica()
    {
        const QString replica = m_cluster.startReplica(QStringLiteral("lem"));
        QVERIFY2(!replica.isEmpty(), qPrintable(m_cluster.error()));
        auto primary = Recording::open(m_cluster.address(QStringLiteral("lem")));
        QVERIFY(primary);
        std::unique_ptr<Recording> standby;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                auto r = Recording::open(replica);
                if (r)
                    standby = std::move(r.value());
                return standby != nullptr;
            }(),
            20000);
        QCOMPARE(standby->eventCount(), primary.value()->eventCount());
        QCOMPARE(standby->meta(QStringLiteral("events_hash")),
                 primary.value()->meta(QStringLiteral("events_hash")));
        const StoredSeries &s = primary.value()->series().first();
        QCOMPARE(standby->window(*standby->seriesByKey(s.info.key), s.info.startMs, s.endMs(), 100),
                 primary.value()->window(s, s.info.startMs, s.endMs(), 100));
        // A window's session on the replica hears of what the primary commits once replayed.
        ReplaySession viewer;
        QSignalSpy opened(&viewer, &ReplaySession::opened);
        viewer.open(replica);
        QVERIFY(opened.wait(15000));
        PostMortem pm;
        pm.id = QStringLiteral("pm-replica");
        QVERIFY(savePostMortem(m_cluster.address(QStringLiteral("lem")), pm));
        QSignalSpy changed(&viewer, &ReplaySession::dataChanged);
        while (std::none_of(viewer.data()->postMortems.cbegin(), viewer.data()->postMortems.cend(),
                            [](const PostMortem &p) { return p.id == u"pm-replica"; }))
            QVERIFY(changed.wait(15000));
        QVERIFY(viewer.liveHealth().connectionLost.isEmpty());
        // A standby refuses writes: said, not hidden.
        auto writer = RecordingWriter::openForAppend(replica);
        QVERIFY(!writer);
        QVERIFY2(writer.errors().first().message.contains(u"read-only", Qt::CaseInsensitive),
                 qPrintable(writer.errors().first().message));
    }

private:
    test::PostgresCluster m_cluster;
    QTemporaryDir m_dir;
    Scenario m_scenario;
};

QTEST_GUILESS_MAIN(TestSharedStore)
#include "tst_shared_store.moc"
