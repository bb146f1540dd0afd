// A hundred damaged copies of a recording (truncated, bits flipped in the header and the pages,
// pages zeroed, a WAL without its file, a newer format, another program's database, empty,
// read-only): none crashes, none is changed by opening it, and each either is refused with a
// clear message or opens and says what is damaged — never shows changed data without a word.
#include "core/sim/record_simulation.h"
#include "core/store/content_hashes.h"
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
#include "support/test_support.h"

#include <QCryptographicHash>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <algorithm>
#include <cmath>

using namespace warroom;
using namespace Qt::StringLiterals;

namespace {

// Three hours of a two-path service (several chunks per series, a few hundred events), a rule
// cutting one path; a post-mortem and a map position written beside it.
const QByteArray kScenario = R"(warroom: 1
name: damage-seed
title: Two loads, one cut
start: 2024-03-01T00:00:00Z
duration: 3h
sites:
  - {id: a, kind: datacenter}
nodes:
  - {id: browsers, role: user, site: a, capacity: 100000}
  - {id: cron, role: batch, site: a, capacity: 100000}
  - {id: web, role: web, site: a, capacity: 100000}
  - {id: worker, role: worker, site: a, capacity: 100000}
dependencies:
  - {from: user, to: web, port: 443}
  - {from: batch, to: worker, port: 8080}
simulation: {tick: 1s, seed: 3}
load:
  - {source: user, rate: 300}
  - {id: nightly, source: batch, rate: 100}
schedule:
  - at: 50m
    change: rule_add
    for: 40m
    rule: {id: block-batch, action: deny, from: [role:batch], to: [role:worker]}
  - at: 2h
    change: rule_add
    rule: {id: block-web, action: deny, from: [role:user], to: [role:web]}
)";

QByteArray sha256(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return "(unreadable)";
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

// Everything a reader gets from a recording, hashed; damage() holds what it left out.
QByteArray readEverything(const Recording &r)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    const ContentHashes content = contentHashes(r);
    h.addData(content.eventsHash);
    h.addData(content.samplesHash);
    QStringList meta;
    for (auto it = r.metadata().cbegin(); it != r.metadata().cend(); ++it)
        meta.append(it.key() + u'=' + it.value());
    meta.sort();
    h.addData(meta.join(u'\n').toUtf8());
    for (const StoredSeries &s : r.series()) {
        h.addData(QString(s.info.key + u' ' + QString::number(s.info.startMs) + u' ' +
                          QString::number(s.info.intervalMs) + u' ' + QString::number(s.count))
                      .toUtf8());
        for (const WindowPoint &p : r.window(s, r.startMs(), r.endMs(), 300))
            h.addData(QByteArrayView(reinterpret_cast<const char *>(&p), sizeof p));
    }
    for (const TopologyVersion &v : r.topologyVersions()) {
        h.addData(QString(QString::number(v.timeMs) + v.reason).toUtf8());
        h.addData(r.topologyJson(v.id));
    }
    const auto layout = r.layout();
    QStringList placed = layout.keys();
    placed.sort();
    for (const QString &element : placed)
        h.addData(QString(element + QString::number(layout[element].first) +
                          QString::number(layout[element].second))
                      .toUtf8());
    for (const auto &[id, json] : r.postMortems()) {
        h.addData(id.toUtf8());
        h.addData(json);
    }
    return h.result().toHex();
}

struct Variant
{
    QString name;
    QString path;
};

// Runs `statements` on the SQLite file at `path` as another program would, behind the
// recording's back (checksums left as they are); the first that fails, if any, and why.
QString alter(const QString &path, const QStringList &statements)
{
    QString failed;
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("alter"));
        db.setDatabaseName(path);
        if (!db.open())
            return u"cannot open " + path;
        QSqlQuery q(db);
        for (const QString &statement : statements) {
            if (!q.exec(statement) ||
                (statement.startsWith(u"UPDATE") && q.numRowsAffected() < 1)) {
                failed = statement + u": " + q.lastError().text();
                break;
            }
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("alter"));
    return failed;
}

} // namespace

class TestDamagedRecordings : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void everyDamageIsRefusedOrSaid();
    void aFlippedSampleIsReportedNotDrawn();
    void aFlippedEventIsLeftOutAndNamed();
    void verifyListsTheDamage();
    void damagedMetadataAndSeriesAreSaid_data();
    void damagedMetadataAndSeriesAreSaid();
    void aDamagedThresholdIsSaidToBeTheDefault();
    void anEmptyFileAndALoneLogSayWhatTheyAre();
    void olderRecordingsWithoutChecksumsStillOpen();

private:
    QString writeVariant(const QString &name, const QByteArray &bytes);
    Variant flipped(const QString &name, qint64 offset, int bit);

    QTemporaryDir m_dir;
    QString m_original;
    QByteArray m_bytes;
    QByteArray m_content; // readEverything of the original
    int m_pageSize = 4096;
};

void TestDamagedRecordings::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_original = m_dir.filePath(QStringLiteral("original.warroom"));
    const auto recorded = recordSimulation(test::parseOrFail(kScenario), {}, m_original);
    QVERIFY2(recorded, qPrintable(recorded ? QString() : recorded.errors().first().toString()));
    {
        auto writer = RecordingWriter::openForAppend(m_original);
        QVERIFY(writer);
        writer.value()->setLayout(QStringLiteral("web"), 0.25, 0.75);
        writer.value()->setPostMortem(QStringLiteral("pm-1"),
                                      R"({"title":"The batch path was cut","entries":[]})");
        QVERIFY(writer.value()->close());
    }
    { // everything in the main file: a copy of it alone is the whole recording (in WAL mode,
        // as every recording is: the WAL variants need it)
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("c"));
        db.setDatabaseName(m_original);
        QVERIFY(db.open());
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("PRAGMA journal_mode = WAL")));
        QVERIFY(q.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
        QVERIFY(q.exec(QStringLiteral("PRAGMA page_size")) && q.next());
        m_pageSize = q.value(0).toInt();
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("c"));
    QFile f(m_original);
    QVERIFY(f.open(QIODevice::ReadOnly));
    m_bytes = f.readAll();
    QVERIFY2(m_bytes.size() > 40 * m_pageSize, qPrintable(QString::number(m_bytes.size())));
    auto opened = Recording::open(m_original);
    QVERIFY(opened);
    m_content = readEverything(*opened.value());
    QCOMPARE(opened.value()->check(), QStringList());
}

QString TestDamagedRecordings::writeVariant(const QString &name, const QByteArray &bytes)
{
    const QString folder = m_dir.filePath(name);
    QDir().mkpath(folder);
    const QString path = folder + u"/copy.warroom";
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

Variant TestDamagedRecordings::flipped(const QString &name, qint64 offset, int bit)
{
    QByteArray bytes = m_bytes;
    bytes[offset] = char(bytes[offset] ^ (1 << bit));
    return {name + u" at byte " + QString::number(offset) + u" bit " + QString::number(bit),
            writeVariant(name + QString::number(offset) + u'-' + QString::number(bit), bytes)};
}

void TestDamagedRecordings::everyDamageIsRefusedOrSaid()
{
    QRandomGenerator random(20261203);
    QList<Variant> variants;
    // Truncated at random places, and at page boundaries.
    for (int i = 0; i < 12; ++i) {
        const qint64 at = random.bounded(qint64(1), qint64(m_bytes.size()));
        variants.append({u"truncated to " + QString::number(at) + u" bytes",
                         writeVariant(u"truncated-" + QString::number(at), m_bytes.left(at))});
    }
    for (int i = 0; i < 8; ++i) {
        const qint64 at = qint64(random.bounded(1, int(m_bytes.size() / m_pageSize))) * m_pageSize;
        variants.append({u"truncated to page " + QString::number(at / m_pageSize),
                         writeVariant(u"truncated-page-" + QString::number(at), m_bytes.left(at))});
    }
    // Bits flipped in the header (its first 100 bytes) and in the pages.
    for (int i = 0; i < 10; ++i)
        variants.append(
            flipped(QStringLiteral("header flip"), random.bounded(100), random.bounded(8)));
    for (int i = 0; i < 50; ++i)
        variants.append(flipped(QStringLiteral("page flip"),
                                random.bounded(qint64(100), qint64(m_bytes.size())),
                                random.bounded(8)));
    // A bit of the schema (the first page, after the header).
    variants.append(
        flipped(QStringLiteral("schema flip"), random.bounded(100, m_pageSize), random.bounded(8)));
    // Whole pages zeroed.
    for (int i = 0; i < 8; ++i) {
        const int page = random.bounded(1, int(m_bytes.size() / m_pageSize));
        QByteArray bytes = m_bytes;
        bytes.replace(qsizetype(page) * m_pageSize, m_pageSize, QByteArray(m_pageSize, '\0'));
        variants.append({u"page " + QString::number(page) + u" zeroed",
                         writeVariant(u"zeroed-" + QString::number(page), bytes)});
    }
    // A WAL without its main file.
    {
        const QString path = writeVariant(QStringLiteral("wal-alone"), m_bytes);
        QFile::rename(path, path + u"-wal");
        variants.append({QStringLiteral("a WAL without its main file"), path});
    }
    // A good file beside a WAL of garbage (SQLite ignores frames that do not check out).
    {
        const QString path = writeVariant(QStringLiteral("wal-garbage"), m_bytes);
        QFile wal(path + u"-wal");
        QVERIFY(wal.open(QIODevice::WriteOnly));
        wal.write(QByteArray(3 * m_pageSize, '\x5a'));
        variants.append({QStringLiteral("a WAL of garbage"), path});
    }
    // A newer format, another program's database, empty, zeros, noise, a folder.
    {
        const QString path = writeVariant(QStringLiteral("newer"), m_bytes);
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("n"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version = 99")));
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("n"));
        variants.append({QStringLiteral("a newer format"), path});
    }
    {
        const QString path = m_dir.filePath(QStringLiteral("other/app.db"));
        QDir().mkpath(m_dir.filePath(QStringLiteral("other")));
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("o"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE notes (body TEXT)")));
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("o"));
        variants.append({QStringLiteral("another program's SQLite file"), path});
    }
    variants.append({QStringLiteral("zero length"), writeVariant(QStringLiteral("empty"), {})});
    variants.append({QStringLiteral("one page of zeros"),
                     writeVariant(QStringLiteral("zeros"), QByteArray(m_pageSize, '\0'))});
    {
        QByteArray noise(8192, '\0');
        for (char &c : noise)
            c = char(random.bounded(256));
        variants.append({QStringLiteral("noise"), writeVariant(QStringLiteral("noise"), noise)});
        variants.append({QStringLiteral("noise behind SQLite's magic"),
                         writeVariant(QStringLiteral("magic"), m_bytes.left(16) + noise)});
    }
    {
        const QString folder = m_dir.filePath(QStringLiteral("folder.warroom"));
        QDir().mkpath(folder);
        variants.append({QStringLiteral("a folder"), folder});
    }
    // Read-only: the file, and the folder it is in (opened for reading; nothing may change).
    {
        const QString path = writeVariant(QStringLiteral("read-only-file"), m_bytes);
        QFile::setPermissions(path, QFile::ReadOwner | QFile::ReadGroup | QFile::ReadOther);
        variants.append({QStringLiteral("a read-only file"), path});
        const QString inFolder = writeVariant(QStringLiteral("read-only-folder"), m_bytes);
        QFile::setPermissions(QFileInfo(inFolder).absolutePath(),
                              QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup |
                                  QFile::ExeGroup);
        variants.append({QStringLiteral("a read-only folder"), inFolder});
    }
    QCOMPARE(variants.size(), 100);

    int refused = 0, said = 0, intact = 0;
    QStringList silent;
    for (const Variant &v : std::as_const(variants)) {
        const QByteArray before = sha256(v.path);
        if (auto opened = Recording::open(v.path); !opened) {
            const QString message = opened.errors().first().toString();
            QVERIFY2(message.contains(v.path) && message.size() > v.path.size() + 10,
                     qPrintable(v.name + u": " + message));
            ++refused;
        } else {
            const Recording &r = *opened.value();
            const QByteArray content = readEverything(r);
            const QStringList damage = r.check();
            for (const QString &what : damage)
                QVERIFY2(what.size() > 20, qPrintable(v.name + u": " + what));
            if (!damage.isEmpty())
                ++said;
            else if (content == m_content)
                ++intact; // the flip landed where nothing is kept (free space, slack)
            else
                silent.append(v.name);
        }
        QCOMPARE(sha256(v.path), before); // opening never writes
    }
    qInfo("100 damaged copies: %d refused, %d opened saying what is damaged, %d unchanged "
          "where read, %d changed without a word",
          refused, said, intact, int(silent.size()));
    QVERIFY2(silent.isEmpty(), qPrintable(silent.join(u'\n')));
    QCOMPARE(sha256(m_original),
             QCryptographicHash::hash(m_bytes, QCryptographicHash::Sha256).toHex());
}

void TestDamagedRecordings::aFlippedSampleIsReportedNotDrawn()
{
    // Find a level-0 chunk's bytes in the file and flip a bit of one of its floats.
    auto opened = Recording::open(m_original);
    QVERIFY(opened);
    const StoredSeries *cpu = opened.value()->seriesByKey(QStringLiteral("node/web/cpu"));
    QVERIFY(cpu);
    const std::vector<float> samples =
        opened.value()->samples(*cpu, cpu->info.startMs, cpu->info.startMs + 4096 * 1000);
    QByteArray needle(64, '\0');
    qToLittleEndian<float>(samples.data() + 1000, 16, needle.data());
    const qsizetype at = m_bytes.indexOf(needle);
    QVERIFY2(at > 0, "the samples are stored as little-endian floats, uncompressed");
    QByteArray bytes = m_bytes;
    bytes[at + 2] = char(bytes[at + 2] ^ 0x40); // 1000th sample's exponent: a different value
    const QString path = writeVariant(QStringLiteral("sample-flip"), bytes);

    auto damaged = Recording::open(path);
    QVERIFY(damaged);
    const StoredSeries *s = damaged.value()->seriesByKey(QStringLiteral("node/web/cpu"));
    const std::vector<float> read =
        damaged.value()->samples(*s, s->info.startMs, s->info.startMs + 4096 * 1000);
    QVERIFY(std::isnan(read[1000])); // left out, not drawn as another value
    QCOMPARE(damaged.value()->damage().size(), 1);
    QCOMPARE(damaged.value()->damage().first(),
             QStringLiteral("samples of node/web/cpu from 2024-03-01 00:00:00 UTC to 2024-03-01 "
                            "01:08:16 UTC do not match their checksum: not drawn"));
}

void TestDamagedRecordings::aFlippedEventIsLeftOutAndNamed()
{
    auto opened = Recording::open(m_original);
    QVERIFY(opened);
    const QList<Event> events = opened.value()->events();
    // A service's change of state, which the summary reads too, and whose text the file holds
    // once (so that the flip lands in that row).
    const auto victimAt = std::find_if(events.begin(), events.end(), [&](const Event &e) {
        return e.kind == EventKind::ServiceState && m_bytes.count(e.text.toUtf8()) == 1;
    });
    QVERIFY(victimAt != events.end());
    const Event &victim = *victimAt;
    const qsizetype at = m_bytes.indexOf(victim.text.toUtf8());
    QVERIFY(at > 0);
    QByteArray bytes = m_bytes;
    bytes[at] = char(bytes[at] ^ 0x01);
    const QString path = writeVariant(QStringLiteral("event-flip"), bytes);
    auto damaged = Recording::open(path);
    QVERIFY(damaged);
    const QList<Event> read = damaged.value()->events();
    QCOMPARE(read.size(), events.size() - 1);
    for (const Event &e : read)
        QVERIFY(e.id != victim.id);
    QCOMPARE(damaged.value()->damage().size(), 1);
    QVERIFY2(damaged.value()->damage().first().startsWith(u"event " + QString::number(victim.id) +
                                                          u" ("),
             qPrintable(damaged.value()->damage().first()));
    // A summary of it goes on (without the event), and says on stdout (and in its JSON) that it is
    // incomplete.
    QProcess cli;
    cli.start(QStringLiteral(WARROOM_CLI_PATH), {QStringLiteral("summary"), path});
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitCode(), 0);
    const QString summary = QString::fromUtf8(cli.readAllStandardOutput());
    QVERIFY2(summary.contains(u"Incomplete: 1 damaged part of the recording could not be read; "
                              u"these figures leave out what it held"),
             qPrintable(summary));
    cli.start(QStringLiteral(WARROOM_CLI_PATH),
              {QStringLiteral("summary"), path, QStringLiteral("--json")});
    QVERIFY(cli.waitForFinished(60000));
    const QJsonObject json = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
    const QJsonArray said = json.value(u"damaged").toArray();
    QCOMPARE(said.size(), 1);
    QVERIFY(said.first().toString().startsWith(u"event " + QString::number(victim.id) + u" ("));
}

void TestDamagedRecordings::verifyListsTheDamage()
{
    QByteArray bytes = m_bytes;
    const qsizetype at = m_bytes.lastIndexOf("block-batch");
    QVERIFY(at > 0);
    bytes[at] = char(bytes[at] ^ 0x02);
    const QString path = writeVariant(QStringLiteral("verify"), bytes);
    QProcess cli;
    cli.start(QStringLiteral(WARROOM_CLI_PATH), {QStringLiteral("verify"), path});
    QVERIFY(cli.waitForFinished(60000));
    const QString err = QString::fromUtf8(cli.readAllStandardError());
    QCOMPARE(cli.exitCode(), 2);
    QVERIFY2(err.contains(path + u": damaged") && err.contains(u"does not match its checksum"),
             qPrintable(err));
    cli.start(QStringLiteral(WARROOM_CLI_PATH), {QStringLiteral("verify"), m_original});
    QVERIFY(cli.waitForFinished(60000));
    QCOMPARE(cli.exitCode(), 0);
}

// A changed metadata value or series row (the checksum left as it was), and a series whose
// count was changed along with its checksum: opened, the whole check, and verify say what
// they met (a report built from such a row once crashed; a count once sized an allocation).
void TestDamagedRecordings::damagedMetadataAndSeriesAreSaid_data()
{
    QTest::addColumn<QString>("change");
    QTest::addColumn<QString>("said");
    QTest::newRow("meta") << u"UPDATE meta SET value = value || 'x' WHERE key = 'seed'"_s
                          << u"the metadata seed does not match its checksum: ignored"_s;
    QTest::newRow("series") << u"UPDATE series SET unit = 'zz' WHERE key = 'node/web/cpu'"_s
                            << u"the series node/web/cpu does not match its checksum"_s;
    QTest::newRow("count") << u"UPDATE series SET count = 9000000000000, crc = NULL "
                              "WHERE key = 'node/web/cpu'"_s
                           << u"the series node/web/cpu says it holds 9000000000000 samples"_s;
}

void TestDamagedRecordings::damagedMetadataAndSeriesAreSaid()
{
    QFETCH(QString, change);
    QFETCH(QString, said);
    const QString path = writeVariant(QString::fromLatin1(QTest::currentDataTag()), m_bytes);
    const QString failed = alter(path, {change});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    auto opened = Recording::open(path);
    QVERIFY(opened);
    const auto saidSo = [&](const QStringList &lines) {
        return std::any_of(lines.begin(), lines.end(),
                           [&](const QString &l) { return l.startsWith(said); });
    };
    QVERIFY2(saidSo(opened.value()->check()), qPrintable(opened.value()->check().join(u'\n')));
    const ContentHashes hashes = contentHashes(*opened.value());
    QVERIFY(hashes.samples > 0);
    QProcess cli;
    cli.start(QStringLiteral(WARROOM_CLI_PATH), {QStringLiteral("verify"), path});
    QVERIFY(cli.waitForFinished(60000));
    const QString err = QString::fromUtf8(cli.readAllStandardError());
    QCOMPARE(cli.exitStatus(), QProcess::NormalExit);
    QCOMPARE(cli.exitCode(), 2);
    QVERIFY2(err.contains(said), qPrintable(err));
}

// A damaged outage threshold is not stated as the recording's: the summary says the default
// stands in for it, in words and in its JSON.
void TestDamagedRecordings::aDamagedThresholdIsSaidToBeTheDefault()
{
    const QString path = writeVariant(QStringLiteral("threshold"), m_bytes);
    const QString failed =
        alter(path, {u"UPDATE meta SET value = '0.5' WHERE key = 'outage_above'"_s});
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    QProcess cli;
    cli.start(QStringLiteral(WARROOM_CLI_PATH), {QStringLiteral("summary"), path});
    QVERIFY(cli.waitForFinished(60000));
    const QString summary = QString::fromUtf8(cli.readAllStandardOutput());
    QVERIFY2(summary.contains(u"more than 5 % of requests failing, the default: the recorded "
                              u"threshold is damaged"),
             qPrintable(summary));
    cli.start(QStringLiteral(WARROOM_CLI_PATH),
              {QStringLiteral("summary"), path, QStringLiteral("--json")});
    QVERIFY(cli.waitForFinished(60000));
    const QJsonObject json = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
    QCOMPARE(json.value(u"outage_above").toDouble(), 0.05);
    QCOMPARE(json.value(u"outage_above_assumed").toBool(), true);
    // The original's own threshold is stated as it is.
    cli.start(QStringLiteral(WARROOM_CLI_PATH),
              {QStringLiteral("summary"), m_original, QStringLiteral("--json")});
    QVERIFY(cli.waitForFinished(60000));
    const QJsonObject original = QJsonDocument::fromJson(cli.readAllStandardOutput()).object();
    QCOMPARE(original.value(u"outage_above_assumed").toBool(), false);
}

// An empty .warroom and a write-ahead log whose recording is gone each say what they are; a
// .warroom that is not SQLite at all opens as a damaged recording, not as a scenario.
void TestDamagedRecordings::anEmptyFileAndALoneLogSayWhatTheyAre()
{
    const QString empty = writeVariant(QStringLiteral("nothing"), {});
    const auto opened = Recording::open(empty);
    QVERIFY(!opened);
    QVERIFY2(opened.errors().first().message.startsWith(u"damaged: an empty file"),
             qPrintable(opened.errors().first().message));
    QVERIFY(Recording::looksLikeRecording(empty));

    const QString gone = m_dir.filePath(QStringLiteral("gone.warroom"));
    QFile wal(gone + u"-wal");
    QVERIFY(wal.open(QIODevice::WriteOnly));
    wal.write(m_bytes.left(4096));
    wal.close();
    const auto lone = Recording::open(gone);
    QVERIFY(!lone);
    QVERIFY2(lone.errors().first().message.contains(u"only its write-ahead log (gone.warroom-wal)"),
             qPrintable(lone.errors().first().message));
}

void TestDamagedRecordings::olderRecordingsWithoutChecksumsStillOpen()
{
    // A version-3 file (rows without checksums) reads as it is.
    const QString path = writeVariant(QStringLiteral("v3"), m_bytes);
    QStringList statements;
    for (const char *table :
         {"meta", "events", "series", "chunks", "topology_versions", "layout", "postmortems"})
        statements.append(u"UPDATE " + QLatin1StringView(table) + u" SET crc = NULL");
    statements.append(QStringLiteral("PRAGMA user_version = 3"));
    const QString failed = alter(path, statements);
    QVERIFY2(failed.isEmpty(), qPrintable(failed));
    auto opened = Recording::open(path);
    QVERIFY(opened);
    QCOMPARE(opened.value()->schemaVersion(), 3);
    QCOMPARE(readEverything(*opened.value()), m_content);
    QCOMPARE(opened.value()->check(), QStringList());
}

QTEST_GUILESS_MAIN(TestDamagedRecordings)
#include "tst_damaged_recordings.moc"
