#include "core/store/recording.h"
#include "core/store/recording_sink.h"
#include "core/store/recording_writer.h"
#include "core/store/schema.h"
#include "core/store/series_chunks.h"

#include <QFile>
#include <QFileInfo>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QtEndian>

#include <cmath>

using namespace warroom;

namespace {

Event makeEvent(qint64 timeMs, EventKind kind, const QString &node, const QString &text)
{
    Event e;
    e.timeMs = timeMs;
    e.kind = kind;
    e.node = node;
    e.text = text;
    e.details = {{QStringLiteral("n"), double(timeMs)}};
    return e;
}

// A wave with a spike, so that min and max of a window are easy to get wrong.
float valueAt(qint64 i)
{
    return i == 7777 ? 1000.0f : float(std::sin(double(i) / 500.0) * 50.0 + 50.0);
}

std::unique_ptr<RecordingWriter> createOrFail(const QString &path)
{
    auto writer = RecordingWriter::create(path);
    if (!writer) {
        qWarning() << writer.errors().first().toString();
        return nullptr;
    }
    return std::move(writer.value());
}

} // namespace

class TestRecording : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encoderLevelsSummarizeTheSamples();
    void roundTrip();
    void window_data();
    void window();
    void readersDoNotBlockTheWriter();
    void foreignFilesAreRefusedWithAClearError_data();
    void foreignFilesAreRefusedWithAClearError();
    void olderFilesAreMigrated();
    void newerFilesAreRefused();

private:
    QTemporaryDir m_dir;
};

void TestRecording::encoderLevelsSummarizeTheSamples()
{
    const qint64 n = 100000;
    SeriesEncoder encoder(1);
    std::vector<SeriesChunk> chunks;
    for (qint64 i = 0; i < n; ++i) {
        encoder.append(i % 1000 == 5 ? std::nanf("") : valueAt(i));
        encoder.takeChunks(chunks);
    }
    encoder.finish(chunks);
    QCOMPARE(encoder.count(), n);
    QVERIFY(encoder.levels() >= 5); // 8^5 = 32768 samples per entry at level 5
    // Every level-1 entry is the min/max of its 8 samples, NaN ignored.
    std::map<std::pair<int, qint64>, const SeriesChunk *> byPlace;
    for (const SeriesChunk &c : chunks)
        byPlace[{c.level, c.index}] = &c;
    const SeriesChunk *level1 = byPlace.at({1, 0});
    QCOMPARE(level1->count, chunks::kEntries);
    for (int e = 0; e < 200; ++e) {
        float lo = INFINITY, hi = -INFINITY;
        for (qint64 i = e * 8; i < e * 8 + 8; ++i) {
            if (i % 1000 == 5)
                continue;
            lo = std::min(lo, valueAt(i));
            hi = std::max(hi, valueAt(i));
        }
        const char *at = level1->data.constData() + e * 2 * sizeof(float);
        QCOMPARE(qFromLittleEndian<float>(at), lo);
        QCOMPARE(qFromLittleEndian<float>(at + sizeof(float)), hi);
    }
    // The last, partial level-0 chunk holds the rest.
    const qint64 full = n / chunks::kEntries;
    QCOMPARE(byPlace.at({0, full})->count, int(n - full * chunks::kEntries));
}

void TestRecording::roundTrip()
{
    const QString path = m_dir.filePath(QStringLiteral("round.warroom"));
    {
        auto writer = createOrFail(path);
        QVERIFY(writer);
        RecordingSink sink(*writer);
        const int cpu = sink.beginSeries({QStringLiteral("node/a/cpu"), QStringLiteral("a"),
                                          QStringLiteral("cpu"), QStringLiteral("%"), 1000, 1000});
        const int late = sink.beginSeries({QStringLiteral("queue/q/late"),
                                           {},
                                           QStringLiteral("late"),
                                           QStringLiteral("items/s"),
                                           5000,
                                           1000});
        for (qint64 i = 0; i < 20000; ++i) {
            sink.sample(cpu, valueAt(i));
            if (i < 10)
                sink.sample(late, float(i));
        }
        sink.event(makeEvent(1000, EventKind::ScaleOut, QString(), QStringLiteral("scale out")));
        sink.event(
            makeEvent(2000, EventKind::NodeLaunched, QStringLiteral("a"), QStringLiteral("a up")));
        sink.event(makeEvent(3000, EventKind::ScaleIn, QString(), QStringLiteral("scale in")));
        sink.topologyVersion(1000, QStringLiteral("start"), QByteArrayLiteral("{\"nodes\":[]}"));
        sink.finish();
        writer->setMeta(QStringLiteral("start_ms"), QStringLiteral("1000"));
        QVERIFY(writer->close());
    }
    auto opened = Recording::open(path);
    if (!opened)
        QFAIL(qPrintable(opened.errors().first().toString()));
    const Recording &r = *opened.value();
    QCOMPARE(r.schemaVersion(), schema::kCurrentVersion);
    QCOMPARE(r.startMs(), 1000);
    QCOMPARE(r.series().size(), 2);
    const StoredSeries *cpu = r.seriesByKey(QStringLiteral("node/a/cpu"));
    QVERIFY(cpu);
    QCOMPARE(cpu->count, 20000);
    const std::vector<float> all = r.samples(*cpu, 0, 1e9);
    QCOMPARE(all.size(), size_t(20000));
    for (qint64 i = 0; i < 20000; i += 997)
        QCOMPARE(all[size_t(i)], valueAt(i));
    const std::vector<float> some = r.samples(*cpu, 1000 + 5000 * 1000, 1000 + 5003 * 1000);
    QCOMPARE(some, (std::vector<float>{valueAt(5000), valueAt(5001), valueAt(5002)}));

    QCOMPARE(r.eventCount(), 3);
    const QList<Event> events = r.events();
    QCOMPARE(events.size(), 3);
    QCOMPARE(events[1].id, 2);
    QCOMPARE(events[1].node, QStringLiteral("a"));
    QCOMPARE(events[1].details.value(QStringLiteral("n")).toDouble(), 2000.0);
    QCOMPARE(r.events(EventFilter::ofKinds({EventKind::ScaleIn})).size(), 1);
    EventFilter prefix;
    prefix.kinds = {QStringLiteral("autoscaler.*")};
    QCOMPARE(r.events(prefix).size(), 2);
    EventFilter byNode;
    byNode.node = QStringLiteral("a");
    QCOMPARE(r.events(byNode).size(), 1);
    EventFilter byTime;
    byTime.fromMs = 2000;
    byTime.toMs = 3000;
    QCOMPARE(r.events(byTime).size(), 1);
    QCOMPARE(r.topologyVersions().size(), 1);
    QCOMPARE(r.topologyJson(r.topologyVersions().first().id), QByteArrayLiteral("{\"nodes\":[]}"));
}

void TestRecording::window_data()
{
    QTest::addColumn<qint64>("from");
    QTest::addColumn<qint64>("to");
    QTest::addColumn<int>("columns");
    QTest::newRow("whole") << qint64(0) << qint64(300000000) << 800;
    QTest::newRow("zoomed_on_the_spike") << qint64(7000000) << qint64(9000000) << 500;
    QTest::newRow("one_column") << qint64(0) << qint64(300000000) << 1;
    QTest::newRow("more_columns_than_samples") << qint64(7770000) << qint64(7790000) << 400;
}

void TestRecording::window()
{
    QFETCH(qint64, from);
    QFETCH(qint64, to);
    QFETCH(int, columns);
    const QString path = m_dir.filePath(QStringLiteral("window.warroom"));
    const qint64 n = 300000; // one sample per second
    if (!QFile::exists(path)) {
        auto writer = createOrFail(path);
        QVERIFY(writer);
        RecordingSink sink(*writer);
        const int s = sink.beginSeries({QStringLiteral("s"), {}, QStringLiteral("v"), {}, 0, 1000});
        for (qint64 i = 0; i < n; ++i)
            sink.sample(s, valueAt(i));
        sink.finish();
        QVERIFY(writer->close());
    }
    auto r = Recording::open(path);
    QVERIFY(r);
    const StoredSeries &series = *r.value()->seriesByKey(QStringLiteral("s"));
    const QList<WindowPoint> points = r.value()->window(series, from, to, columns);
    QVERIFY(points.size() <= columns);
    QVERIFY(!points.isEmpty());
    // The extremes of the window are never lost, whatever level answered.
    float lo = INFINITY, hi = -INFINITY;
    for (qint64 i = from / 1000; i < std::min(n, to / 1000); ++i) {
        lo = std::min(lo, valueAt(i));
        hi = std::max(hi, valueAt(i));
    }
    float gotLo = INFINITY, gotHi = -INFINITY;
    for (const WindowPoint &p : points) {
        QVERIFY(p.timeMs >= from - 8 * 8 * 8 * 8 * 1000 && p.timeMs < to);
        QVERIFY(p.min <= p.max);
        gotLo = std::min(gotLo, p.min);
        gotHi = std::max(gotHi, p.max);
    }
    QCOMPARE(gotHi, hi);
    QVERIFY(gotLo <= lo + 1.0f); // a coarse bucket may reach a little before the window
}

void TestRecording::readersDoNotBlockTheWriter()
{
    const QString path = m_dir.filePath(QStringLiteral("shared.warroom"));
    auto writer = createOrFail(path);
    QVERIFY(writer);
    writer->append(makeEvent(1, EventKind::Annotation, {}, QStringLiteral("first")));
    QVERIFY(writer->flush());
    auto reader = Recording::open(path);
    QVERIFY(reader);
    QCOMPARE(reader.value()->eventCount(), 1);
    // The reader stays open (and reading) while the writer commits more.
    const QList<Event> before = reader.value()->events();
    for (int i = 0; i < 1000; ++i)
        writer->append(makeEvent(10 + i, EventKind::Annotation, {}, QStringLiteral("more")));
    QVERIFY(writer->flush());
    QCOMPARE(before.size(), 1);
    QCOMPARE(reader.value()->eventCount(), 1001);
    QVERIFY(writer->close());
}

void TestRecording::foreignFilesAreRefusedWithAClearError_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");
    QTest::newRow("random_bytes") << QByteArray(4096, 'x')
                                  << QStringLiteral("not a Warroom recording");
    QTest::newRow("sqlite_header_then_noise")
        << QByteArray("SQLite format 3\0", 16) + QByteArray(4080, '\x5a')
        << QStringLiteral("damaged: SQLite cannot read its header");
    QTest::newRow("empty_file") << QByteArray()
                                << QStringLiteral("damaged: an empty file (0 bytes)");
    QTest::newRow("another_apps_database")
        << QByteArray("sqlite") << QStringLiteral("another application");
    QTest::newRow("missing") << QByteArray("missing") << QStringLiteral("no such file");
}

void TestRecording::foreignFilesAreRefusedWithAClearError()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath(QString::fromLatin1(QTest::currentDataTag()) + u".warroom");
    if (content == "sqlite") {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("other"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QSqlQuery(db).exec(QStringLiteral("CREATE TABLE contacts (name TEXT)"));
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("other"));
    } else if (content != "missing") {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    auto r = Recording::open(path);
    QVERIFY(!r);
    const QString text = r.errors().first().toString();
    QVERIFY2(text.startsWith(path + u": "), qPrintable(text));
    QVERIFY2(text.contains(expected), qPrintable(text));
}

void TestRecording::olderFilesAreMigrated()
{
    const QString path = m_dir.filePath(QStringLiteral("v1.warroom"));
    {
        QSqlDatabase db =
            QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("v1"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QCOMPARE(schema::migrate(db, 1).value(), 1);
        QVERIFY(QSqlQuery(db).exec(QStringLiteral(
            "INSERT INTO events (id, time_ms, kind, text) VALUES (1, 5, 'annotation', 'old')")));
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("v1"));
    }
    {
        auto old = Recording::open(path);
        QVERIFY(old);
        QCOMPARE(old.value()->schemaVersion(), 1);
    }
    auto writer = RecordingWriter::openForAppend(path);
    QVERIFY(writer);
    QCOMPARE(writer.value()->append(makeEvent(6, EventKind::Annotation, {}, QStringLiteral("new"))),
             2);
    QVERIFY(writer.value()->close());
    auto r = Recording::open(path);
    QVERIFY(r);
    QCOMPARE(r.value()->schemaVersion(), schema::kCurrentVersion);
    const QList<Event> events = r.value()->events();
    QCOMPARE(events.size(), 2);
    QCOMPARE(events[0].text, QStringLiteral("old"));
    QCOMPARE(events[1].text, QStringLiteral("new"));
}

void TestRecording::newerFilesAreRefused()
{
    const QString path = m_dir.filePath(QStringLiteral("future.warroom"));
    {
        auto writer = createOrFail(path);
        QVERIFY(writer && writer->close());
    }
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("f"));
        db.setDatabaseName(path);
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version = 99")));
        db.close();
        db = {};
        QSqlDatabase::removeDatabase(QStringLiteral("f"));
    }
    auto r = Recording::open(path);
    QVERIFY(!r);
    QVERIFY2(r.errors().first().message.contains(u"newer than this Warroom reads"),
             qPrintable(r.errors().first().toString()));
}

QTEST_GUILESS_MAIN(TestRecording)
#include "tst_recording.moc"
