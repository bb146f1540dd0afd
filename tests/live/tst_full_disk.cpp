// A disk that fills up under a live feed and under a post-mortem's autosave, on a small tmpfs
// made by the test: the writer says so and waits, the window says so, nothing acknowledged or
// typed is lost, the file stays whole, and writing goes on once there is space again.
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
#include "support/feed_replies.h"
#include "support/test_support.h"
#include "ui/postmortem/postmortem_document.h"
#include "ui/recording_window.h"
#include "ui/warroom/header_bar.h"

#include "core/replay/replay_session.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QStorageInfo>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <set>

using namespace warroom;

namespace {

QByteArray eventLine(qint64 n, qint64 timeMs)
{
    // About 2 KiB each: a few hundred fill a small disk.
    return "{\"type\":\"event\",\"time_ms\":" + QByteArray::number(timeMs) +
           ",\"kind\":\"annotation\",\"subject\":\"#" + QByteArray::number(n) + "\",\"text\":\"" +
           QByteArray(2000, 'x') + "\"}\n";
}

qint64 freeBytes(const QString &folder)
{
    QStorageInfo info(folder);
    info.refresh();
    return info.bytesAvailable();
}

// Fills the filesystem of `folder` until about `leave` bytes are free.
bool fill(const QString &folder, qint64 leave)
{
    QFile filler(folder + u"/filler");
    if (!filler.open(QIODevice::WriteOnly | QIODevice::Append))
        return false;
    const QByteArray block(64 * 1024, '\0');
    while (freeBytes(folder) > leave + block.size()) {
        if (filler.write(block) != block.size())
            return false;
        filler.flush();
    }
    return true;
}

bool integrityOk(const QString &path)
{
    bool ok = false;
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(path);
        QSqlQuery q(db);
        ok = db.open() && q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next() &&
             q.value(0).toString() == u"ok";
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
    return ok;
}

} // namespace

class TestFullDisk : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void aFeedWaitsOutAFullDisk();
    void autosaveWaitsOutAFullDisk();

private:
    QTemporaryDir m_dir;
    QString m_small; // a 4 MiB tmpfs of the test's own
    bool m_mounted = false;
};

void TestFullDisk::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_dir.isValid());
    m_small = m_dir.filePath(QStringLiteral("small"));
    QVERIFY(QDir().mkpath(m_small));
    QProcess mount;
    mount.start(QStringLiteral("mount"),
                {QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                 QStringLiteral("size=4m"), QStringLiteral("tmpfs"), m_small});
    if (!mount.waitForFinished(10000) || mount.exitCode() != 0)
        QSKIP(qPrintable(u"a small filesystem needs mount(8) as root (scripts/test runs as "
                         u"root): " +
                         QString::fromUtf8(mount.readAllStandardError()).trimmed()));
    m_mounted = true;
    QVERIFY(freeBytes(m_small) <= 4 * 1024 * 1024);
}

void TestFullDisk::cleanupTestCase()
{
    if (m_mounted)
        QProcess::execute(QStringLiteral("umount"), {QStringLiteral("-l"), m_small});
}

void TestFullDisk::aFeedWaitsOutAFullDisk()
{
    const QString path = m_small + u"/live.warroom";
    QProcess ingest;
    ingest.start(QStringLiteral(WARROOM_CLI_PATH),
                 {QStringLiteral("ingest"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("-o"), path});
    QByteArray said;
    QTRY_VERIFY_WITH_TIMEOUT((said += ingest.readAllStandardOutput()).contains(", writing"), 20000);
    const quint16 port = quint16(said.split(':').at(1).split(',').first().toUInt());
    QVERIFY(fill(m_small, 600 * 1024));

    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    QVERIFY(socket.waitForConnected(5000));
    test::FeedReplies replies;
    QByteArray errors;
    qint64 sent = 0;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    // Feed until the writer says the disk is full.
    QElapsedTimer clock;
    clock.start();
    while (!errors.contains("database or disk is full") && clock.elapsed() < 60000) {
        if (socket.bytesToWrite() < 256 * 1024) {
            QByteArray batch;
            for (int i = 0; i < 50; ++i, ++sent)
                batch += eventLine(sent, now + sent);
            socket.write(batch);
        }
        QTest::qWait(20); // the socket and the process's output are read by the event loop
        replies.read(socket);
        errors += ingest.readAllStandardError();
    }
    QVERIFY2(errors.contains(QByteArray("cannot write " + path.toUtf8())) &&
                 errors.contains("database or disk is full") &&
                 errors.contains("nothing acknowledged is lost"),
             errors.constData());
    QVERIFY(replies.errors.empty());
    QCOMPARE(ingest.state(), QProcess::Running);

    // The war room on the same file says why nothing comes (once the writer's heartbeat is
    // old enough to be missed).
    RecordingWindow window;
    QSignalSpy loaded(&window, &RecordingWindow::loaded);
    window.openFile(path);
    QVERIFY(loaded.wait(30000));
    QTRY_VERIFY_WITH_TIMEOUT((window.render(), window.header()->liveText().contains(
                                                   u"the disk holding the recording is full")),
                             30000);
    QVERIFY(window.header()->liveWarning());

    // Nothing more is acknowledged while full.
    const qint64 ackedWhileFull = replies.ack;
    QTest::qWait(2500);
    replies.read(socket);
    QVERIFY(replies.ack <= sent);
    QCOMPARE(replies.ack, ackedWhileFull);

    // Space comes back: everything sent is written and acknowledged.
    QVERIFY(QFile::remove(m_small + u"/filler"));
    QTRY_VERIFY_WITH_TIMEOUT((errors += ingest.readAllStandardError()).contains("again"), 30000);
    QTRY_VERIFY_WITH_TIMEOUT((replies.read(socket), replies.ack == sent), 30000);
    // ... and the window, still open, follows it live again.
    QTRY_VERIFY_WITH_TIMEOUT((window.render(), !window.header()->liveWarning() &&
                                                   window.header()->liveText().contains(u"LIVE")),
                             30000);
    socket.disconnectFromHost();
    ingest.terminate();
    QVERIFY(ingest.waitForFinished(30000));

    auto r = Recording::open(path);
    QVERIFY(r);
    std::set<qint64> stored;
    for (const Event &e : r.value()->events())
        stored.insert(e.subject.mid(1).toLongLong());
    for (qint64 n = 0; n < replies.ack; ++n)
        QVERIFY2(stored.count(n), qPrintable(QString::number(n)));
    QCOMPARE(r.value()->check(), QStringList());
    QVERIFY(integrityOk(path));
    qInfo("%lld events of 2 KiB sent onto a full disk, %lld acknowledged while full, all %lld "
          "stored once space came back",
          sent, ackedWhileFull, qint64(stored.size()));
    QFile::remove(path);
    QFile::remove(path + u"-wal");
    QFile::remove(path + u"-shm");
}

void TestFullDisk::autosaveWaitsOutAFullDisk()
{
    const QString path = m_small + u"/pm.warroom";
    {
        auto writer = RecordingWriter::create(path);
        QVERIFY(writer);
        writer.value()->setMeta(QStringLiteral("start_ms"), QStringLiteral("1700000000000"));
        QVERIFY(writer.value()->close());
    }
    PostMortemDocument document;
    PostMortem pm;
    pm.id = QStringLiteral("pm-1");
    pm.title = QStringLiteral("first words");
    document.open(path, pm, false);
    QVERIFY(document.saveNow());

    QVERIFY(fill(m_small, 0));
    QSignalSpy failed(&document, &PostMortemDocument::saveFailed);
    QSignalSpy saved(&document, &PostMortemDocument::saved);
    PostMortem typed = document.postMortem();
    typed.title = QStringLiteral("typed while the disk was full");
    typed.summary = QString(200 * 1024, u'w'); // more than any page SQLite has left
    document.set(typed, QStringLiteral("Title"));
    QVERIFY(failed.wait(test::kLiveWaitMs));
    QVERIFY2(failed.first().first().toString().contains(u"full"),
             qPrintable(failed.first().first().toString()));
    QCOMPARE(document.postMortem().title, typed.title); // kept here

    saved.clear();
    QVERIFY(QFile::remove(m_small + u"/filler"));
    QVERIFY(saved.wait(PostMortemDocument::kRetryMs + 10000)); // the retry goes through
    auto r = Recording::open(path);
    QVERIFY(r);
    const auto written = r.value()->postMortems();
    QCOMPARE(written.size(), 1);
    QVERIFY(written.first().second.contains("typed while the disk was full"));
    QVERIFY(integrityOk(path));
}

QTEST_MAIN(TestFullDisk)
#include "tst_full_disk.moc"
