// The war room watching a real monitoring stack: Prometheus, the blackbox exporter,
// node_exporter and Alertmanager from Debian's packages, started here on loopback
// (scripts/install-deps installs them) with the demo's configuration (resources/monitoring),
// probing small TCP listeners that stand for cache-1 and db-primary in DC1 (probed from DC2) and
// lb-1 (the public probe, the SLI). Closing cache-1 turns only its hops red within two poll
// intervals; the alert comes in once over the webhook and the poll; the public probe failing is
// an outage; the prober going down makes the probed hops unknown; app-2's CPU is charted.
#include "core/store/recording.h"
#include "support/monitoring_stack.h"
#include "support/test_support.h"
#include "ui/map/map_view.h"
#include "ui/recording_window.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using namespace warroom;

namespace {

constexpr qint64 kPollMs = 1500; // the mapping's interval

// The drawn state of the hops from node `from` to node `to` (all the same, or "mixed"), and
// whether any of them is observed by a probe.
struct Drawn
{
    QString state;
    bool observed = false;
    bool disagreeing = false;
};

Drawn drawnTo(const MapView &map, const QString &from, const QString &to)
{
    Drawn d;
    for (const MapHop &h : map.scene().hops()) {
        if (h.report.from != from || h.report.to != to)
            continue;
        const QString state = toString(h.state());
        d.state = d.state.isEmpty() || d.state == state ? state : QStringLiteral("mixed");
        d.observed = d.observed || h.report.verdict.provenance != Provenance::Computed;
        d.disagreeing = d.disagreeing || h.disagreeing();
    }
    return d;
}

} // namespace

class TestMonitoring : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void warRoomFollowsRealProbesAlertsAndCpu();

private:
    QProcess *daemon(const QString &name, const QString &program, const QStringList &arguments);
    QString render(const QString &templateName);

    QTemporaryDir m_dir;
    QHash<QString, quint16> m_ports;
    QHash<QString, QProcess *> m_daemons;
    std::unique_ptr<test::Listener> m_cache;
    std::unique_ptr<test::Listener> m_db;
    std::unique_ptr<test::Listener> m_lb;
};

QProcess *TestMonitoring::daemon(const QString &name, const QString &program,
                                 const QStringList &arguments)
{
    auto *p = new QProcess(this);
    p->setProcessChannelMode(QProcess::MergedChannels);
    p->setStandardOutputFile(m_dir.filePath(name + u".log"));
    p->start(program, arguments);
    if (!p->waitForStarted(10000))
        qFatal("cannot start %s (%s): run scripts/install-deps", qPrintable(program),
               qPrintable(p->errorString()));
    m_daemons.insert(name, p);
    return p;
}

QString TestMonitoring::render(const QString &templateName)
{
    QFile in(QStringLiteral(WARROOM_SOURCE_DIR "/resources/monitoring/") + templateName);
    if (!in.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(in.fileName()));
    QString text = QString::fromUtf8(in.readAll());
    for (auto it = m_ports.cbegin(); it != m_ports.cend(); ++it)
        text.replace(u'@' + it.key() + u"_PORT@", QString::number(it.value()));
    text.replace(QStringLiteral("@DIR@"), m_dir.path());
    text.replace(QStringLiteral("@INTERVAL@"), QString::number(kPollMs) + u"ms");
    text.replace(QStringLiteral("@SCENARIO@"),
                 QStringLiteral(WARROOM_SOURCE_DIR "/resources/monitoring/two-sites.yaml"));
    QString name = templateName;
    name.remove(QStringLiteral(".in"));
    QFile out(m_dir.filePath(name));
    if (!out.open(QIODevice::WriteOnly) || out.write(text.toUtf8()) < 0)
        qFatal("cannot write %s", qPrintable(out.fileName()));
    return out.fileName();
}

void TestMonitoring::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    for (const char *name : {"PROMETHEUS", "BLACKBOX", "ALERTMANAGER", "NODE_EXPORTER", "CACHE",
                             "DB", "LB", "WEBHOOK"})
        m_ports.insert(QString::fromLatin1(name), test::freePort());
    m_cache = std::make_unique<test::Listener>(m_ports[QStringLiteral("CACHE")]);
    m_db = std::make_unique<test::Listener>(m_ports[QStringLiteral("DB")]);
    m_lb = std::make_unique<test::Listener>(m_ports[QStringLiteral("LB")]);
    render(QStringLiteral("prometheus.yml.in"));
    render(QStringLiteral("alertmanager.yml.in"));
    render(QStringLiteral("mapping.yaml.in"));
    for (const QString &name : {QStringLiteral("blackbox.yml"), QStringLiteral("rules.yml")})
        QVERIFY(QFile::copy(QStringLiteral(WARROOM_SOURCE_DIR "/resources/monitoring/") + name,
                            m_dir.filePath(name)));
    auto at = [this](const char *name) -> QString {
        return u"127.0.0.1:" + QString::number(m_ports[QString::fromLatin1(name)]);
    };
    daemon(QStringLiteral("node-exporter"), QStringLiteral("prometheus-node-exporter"),
           {u"--web.listen-address=" + at("NODE_EXPORTER"),
            QStringLiteral("--collector.disable-defaults"), QStringLiteral("--collector.cpu")});
    daemon(QStringLiteral("blackbox"), QStringLiteral("prometheus-blackbox-exporter"),
           {u"--config.file=" + m_dir.filePath(QStringLiteral("blackbox.yml")),
            u"--web.listen-address=" + at("BLACKBOX"), QStringLiteral("--timeout-offset=0.1")});
    daemon(QStringLiteral("alertmanager"), QStringLiteral("prometheus-alertmanager"),
           {u"--config.file=" + m_dir.filePath(QStringLiteral("alertmanager.yml")),
            u"--storage.path=" + m_dir.filePath(QStringLiteral("alertmanager-data")),
            u"--web.listen-address=" + at("ALERTMANAGER"),
            QStringLiteral("--cluster.listen-address=")});
    daemon(QStringLiteral("prometheus"), QStringLiteral("prometheus"),
           {u"--config.file=" + m_dir.filePath(QStringLiteral("prometheus.yml")),
            u"--storage.tsdb.path=" + m_dir.filePath(QStringLiteral("prometheus-data")),
            u"--web.listen-address=" + at("PROMETHEUS")});
    // Ready when Prometheus has a probe result for both services.
    QNetworkAccessManager network;
    const QUrl query(u"http://" + at("PROMETHEUS") + u"/api/v1/query?query=probe_success");
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            QNetworkReply *reply = network.get(QNetworkRequest(query));
            QSignalSpy done(reply, &QNetworkReply::finished);
            done.wait(2000);
            const QByteArray body = reply->readAll();
            reply->deleteLater();
            return body.count("\"probe_success\"") == 3;
        }(),
        30000);
}

void TestMonitoring::cleanupTestCase()
{
    for (QProcess *p : std::as_const(m_daemons)) {
        p->terminate();
        if (!p->waitForFinished(5000))
            p->kill();
    }
}

void TestMonitoring::warRoomFollowsRealProbesAlertsAndCpu()
{
    RecordingWindow window;
    window.resize(1400, 900);
    QSignalSpy loaded(&window, &RecordingWindow::loaded);
    window.watchPrometheus(m_dir.filePath(QStringLiteral("mapping.yaml")));
    QVERIFY(loaded.wait(30000));
    QVERIFY(window.data()->live);
    const QString path = window.data()->path;
    auto hop = [&window](const QString &to) {
        return drawnTo(*window.map(), QStringLiteral("app-2"), to);
    };
    const QString cache = QStringLiteral("cache-1");
    const QString db = QStringLiteral("db-primary");

    // Both probes succeed: the hops from app-2 into cache-1 and db-primary are observed.
    QTRY_VERIFY_WITH_TIMEOUT(hop(cache).observed, 3 * kPollMs + 2000);
    QTRY_VERIFY_WITH_TIMEOUT(hop(db).observed, 3 * kPollMs + 2000);
    QCOMPARE(hop(cache).state, QStringLiteral("reachable"));

    // cache-1 stops answering: its hop is red within two poll intervals, and marked as
    // disagreeing with the rules, which allow it; db-primary's, same site pair, stays green.
    QElapsedTimer sinceCut;
    sinceCut.start();
    m_cache.reset();
    QTRY_COMPARE_WITH_TIMEOUT(hop(cache).state, QStringLiteral("blocked"), 2 * kPollMs);
    qInfo("app-2 -> cache-1 red %lld ms after the service closed (poll interval %lld ms)",
          sinceCut.elapsed(), kPollMs);
    QVERIFY(hop(cache).disagreeing);
    QCOMPARE(hop(db).state, QStringLiteral("reachable"));

    // Prometheus fires ProbeFailing; Alertmanager sends it to the webhook and the poll sees
    // it too: one alert.firing event on the timeline, for cache-1 in dc1 (DC1 mapped).
    auto alertEvents = [&window] {
        int n = 0;
        for (const Event &e : window.data()->events)
            n += e.kind == EventKind::AlertFiring && e.subject == u"ProbeFailing" &&
                 e.node == u"cache-1" && e.site == u"dc1";
        return n;
    };
    QTRY_VERIFY_WITH_TIMEOUT(alertEvents() == 1, 30000);

    // The public cannot reach lb-1: the SLI says every request fails, an outage once it held
    // state_for (1 s in the scenario).
    m_lb.reset();
    QTRY_VERIFY_WITH_TIMEOUT(
        std::any_of(window.data()->stateEvents.cbegin(), window.data()->stateEvents.cend(),
                    [](const Event &e) {
                        return e.kind == EventKind::ServiceState && e.subject == u"outage";
                    }),
        6 * kPollMs + 2000);

    // The prober goes down: the probed hops are unknown (grey), not blocked.
    sinceCut.restart();
    m_daemons[QStringLiteral("blackbox")]->kill();
    QTRY_COMPARE_WITH_TIMEOUT(hop(db).state, QStringLiteral("unknown"), 4 * kPollMs + 2000);
    qInfo("app-2 -> db-primary unknown %lld ms after the prober died", sinceCut.elapsed());
    QTRY_COMPARE_WITH_TIMEOUT(hop(cache).state, QStringLiteral("unknown"), 2 * kPollMs);
    QCOMPARE(alertEvents(), 1); // polled again since, still once

    // app-2's CPU from node_exporter is in the recording, one sample per poll.
    auto cpuSamples = [&path] {
        const auto recording = Recording::open(path);
        const StoredSeries *cpu =
            recording ? recording.value()->seriesByKey(QStringLiteral("node/app-2/cpu")) : nullptr;
        return cpu ? cpu->count : 0;
    };
    QTRY_VERIFY_WITH_TIMEOUT(cpuSamples() >= 3, 4 * kPollMs);

    // Prometheus itself goes: the timeline says so, and why.
    m_daemons[QStringLiteral("prometheus")]->kill();
    QTRY_VERIFY_WITH_TIMEOUT(std::any_of(window.data()->events.cbegin(),
                                         window.data()->events.cend(),
                                         [](const Event &e) {
                                             return e.kind == EventKind::Annotation &&
                                                    e.text.contains(u"cannot be asked");
                                         }),
                             3 * kPollMs + 2000);
    window.close();
    const auto recording = Recording::open(path);
    QVERIFY(recording);
    const auto probes = recording.value()->events(EventFilter::ofKinds({EventKind::ProbeObserved}));
    QVERIFY(probes.size() >= 5); // two nodes seen, cache-1 blocked, both unknown (and the public)
}

QTEST_MAIN(TestMonitoring)
#include "tst_monitoring.moc"
