// The service's periods and the impact built on them: blips that stretch nothing, a flapping
// service as one stretch, states observed from probes and alerts on a live recording, and a
// recording that ends in trouble.
#include "core/events/event.h"
#include "core/postmortem/report.h"
#include "core/postmortem/timeline_proposal.h"
#include "core/store/recording.h"
#include "core/store/recording_writer.h"
#include "core/summary/recording_summary.h"
#include "core/summary/service_periods.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace warroom;

namespace {

constexpr qint64 kStart = 1'600'000'000'000;
constexpr qint64 kSecond = 1000;
constexpr qint64 kMinute = 60 * kSecond;
constexpr StateSource kRecorded = StateSource::Recorded;

Event state(qint64 atMs, const QString &to, double failedBefore = 0.0)
{
    Event e;
    e.timeMs = kStart + atMs;
    e.kind = EventKind::ServiceState;
    e.subject = to;
    e.text = u"service " + to;
    e.details.insert(QStringLiteral("state"), to);
    e.details.insert(QStringLiteral("failed_in_previous"), failedBefore);
    return e;
}

Event probe(qint64 atMs, const QString &from, const QString &to, const QString &seen,
            const QString &target)
{
    Event e;
    e.timeMs = kStart + atMs;
    e.kind = EventKind::ProbeObserved;
    e.site = from;
    e.subject = to;
    const QString outcome = seen == u"blocked" ? u" fails: " + target + u" (probe_success 0)"
                                               : QStringLiteral(" succeeds (1 of 1)");
    e.text = u"probe " + from + u" -> " + to + outcome;
    e.details.insert(QStringLiteral("state"), seen);
    return e;
}

Event alert(qint64 atMs, bool firing, const QString &node, const QString &site)
{
    Event e;
    e.timeMs = kStart + atMs;
    e.kind = firing ? EventKind::AlertFiring : EventKind::AlertResolved;
    e.subject = QStringLiteral("CacheDown");
    e.node = node;
    e.site = site;
    e.text = u"CacheDown on " + node;
    return e;
}

QStringList shape(const QList<ServicePeriod> &periods)
{
    QStringList out;
    for (const ServicePeriod &p : periods)
        out.append(p.state + u'@' + QString::number((p.startMs - kStart) / kSecond));
    return out;
}

} // namespace

class TestServicePeriods : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // A 10-second outage between stretches of ok is a blip: no outage of its own, no window
    // stretched; a 2-minute outage is one.
    void blipsStretchNothing()
    {
        const QList<Event> events = {
            state(10 * kMinute, QStringLiteral("outage")),
            state(12 * kMinute, QStringLiteral("ok"), 900.0),
            state(150 * kMinute, QStringLiteral("outage")),
            state(150 * kMinute + 10 * kSecond, QStringLiteral("ok"), 4.0)};
        int blips = -1;
        const auto periods =
            servicePeriods(events, kStart, kStart + 200 * kMinute, kRecorded, &blips);
        QCOMPARE(shape(periods), (QStringList{QStringLiteral("ok@0"), QStringLiteral("outage@600"),
                                              QStringLiteral("ok@720")}));
        QCOMPARE(blips, 1);
        QCOMPARE(periods[1].failed, 900.0);
    }

    // Degraded and ok in turn every few seconds for two minutes: one degraded stretch, the
    // service ok again when the flapping stops.
    void flappingIsOneStretch()
    {
        QList<Event> events;
        for (int i = 0; i < 12; ++i)
            events.append(state(kMinute + i * 10 * kSecond,
                                i % 2 ? QStringLiteral("ok") : QStringLiteral("degraded")));
        int blips = -1;
        const auto periods =
            servicePeriods(events, kStart, kStart + 10 * kMinute, kRecorded, &blips);
        QCOMPARE(shape(periods), (QStringList{QStringLiteral("ok@0"), QStringLiteral("degraded@60"),
                                              QStringLiteral("ok@170")}));
        QCOMPARE(blips, 0);
        // Ok shorter than a blip between two outages does not end the outage.
        const auto joined = servicePeriods(
            {state(kMinute, QStringLiteral("outage")), state(2 * kMinute, QStringLiteral("ok")),
             state(2 * kMinute + 5 * kSecond, QStringLiteral("outage")),
             state(5 * kMinute, QStringLiteral("ok"))},
            kStart, kStart + 10 * kMinute, kRecorded);
        QCOMPARE(shape(joined), (QStringList{QStringLiteral("ok@0"), QStringLiteral("outage@60"),
                                             QStringLiteral("ok@300")}));
    }

    // A live recording: no service.state events, three cache outages seen by probes and
    // alerts. The summary and the impact say three outages, from the probes, with where they
    // surfaced; a probe that failed once for a second is a blip.
    void liveRecordingImpactFromObservations()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("live.warroom"));
        {
            auto writer = RecordingWriter::create(path).value();
            writer->setMeta(QStringLiteral("start_ms"), QString::number(kStart));
            writer->setMeta(QStringLiteral("end_ms"), QString::number(kStart + 60 * kMinute));
            const QString dc3 = QStringLiteral("dc3"), dc1 = QStringLiteral("dc1");
            const QString blocked = QStringLiteral("blocked"), ok = QStringLiteral("reachable");
            for (int i = 0; i < 3; ++i) {
                const qint64 at = (5 + 15 * i) * kMinute;
                const QString cache = u"cache-" + QString::number(i + 1);
                writer->append(probe(at, dc3, dc1, blocked, cache + u":6379"));
                writer->append(alert(at + 30 * kSecond, true, cache, dc1));
                writer->append(probe(at + 4 * kMinute, dc3, dc1, ok, cache));
                writer->append(alert(at + 4 * kMinute + 20 * kSecond, false, cache, dc1));
            }
            writer->append(probe(55 * kMinute, dc3, dc1, blocked, QStringLiteral("cache-1")));
            writer->append(probe(55 * kMinute + kSecond, dc3, dc1, ok, QStringLiteral("cache-1")));
            QVERIFY(writer->close());
        }
        const auto recording = Recording::open(path).value();
        const RecordingSummary s = summarize(*recording);
        QVERIFY(s.observed);
        QCOMPARE(s.outages.size(), 3);
        QCOMPARE(s.blips, 1);
        QCOMPARE(s.outages[1].startMs, kStart + 20 * kMinute);
        QCOMPARE(s.outages[1].durationMs(), 4 * kMinute);
        QVERIFY2(s.outages[1].causes.value(0).startsWith(u"probe dc3 -> dc1 fails: cache-2:6379"),
                 qPrintable(s.outages[1].causes.join(u"; ")));
        QCOMPARE(s.outages[1].surfaced, QStringList{QStringLiteral("cache-2 (CacheDown, dc1)")});
        // Degraded while an alert still fired after the probes succeeded again.
        for (const auto &[name, ms] : s.timeInState) {
            if (name == u"degraded")
                QCOMPARE(ms, 3 * 20 * kSecond);
        }
        QVERIFY(summaryText(s).contains(u"Outages (observed: probes failing): 3, 12m in all (and "
                                        u"1 blip shorter than 30s, not counted)"));
        const Impact impact = impactOf(s);
        QCOMPARE(impact.outages, 3);
        QCOMPARE(impact.outageMs, 12 * kMinute);
        QCOMPARE(impact.startMs, kStart + 5 * kMinute);
        QCOMPARE(impact.endMs, kStart + 39 * kMinute); // not stretched to the blip at 55m
        QCOMPARE(impact.nodes, (QStringList{QStringLiteral("cache-1"), QStringLiteral("cache-2"),
                                            QStringLiteral("cache-3")}));
        QVERIFY(impact.resolvedMs >= impact.endMs);
        // Its draft proposes the three observed outages, and each cache's alert on its own.
        const PostMortem draft = proposePostMortem(*recording);
        int began = 0, alerts = 0;
        for (const TimelineEntry &e : draft.timeline) {
            began += e.text.startsWith(u"Outage began (4m), observed: probe dc3 -> dc1 fails");
            alerts += e.kind == u"alert.firing";
        }
        QCOMPARE(began, 3);
        QCOMPARE(alerts, 3);
        // The first outage is the first sign: nothing later claims to be the first symptom.
        for (const TimelineEntry &e : draft.timeline)
            QVERIFY2(!e.text.startsWith(u"First symptom") || e.timeMs <= s.outages[0].startMs,
                     qPrintable(e.text));
        QVERIFY(markdownReport(draft).contains(u"not measured"));
    }

    // Outage, a short ok, then an outage to the end: one outage whose failures are counted
    // from the series (its last part's were never recorded), not only the first part's.
    void mergedOutageToTheEndIsCountedWhole()
    {
        const auto periods =
            servicePeriods({state(kMinute, QStringLiteral("outage")),
                            state(2 * kMinute, QStringLiteral("ok"), 500.0),
                            state(2 * kMinute + 5 * kSecond, QStringLiteral("outage"))},
                           kStart, kStart + 10 * kMinute, kRecorded);
        QCOMPARE(shape(periods),
                 (QStringList{QStringLiteral("ok@0"), QStringLiteral("outage@60")}));
        QVERIFY(std::isnan(periods.last().failed));
    }

    // A simulated run that never left ok records no service.state, but may fire an alert: it
    // is ok throughout, not "observed degraded".
    void aCalmSimulatedRunStaysOk()
    {
        const QList<Event> events = {
            alert(kMinute, true, QStringLiteral("lb-1"), QStringLiteral("dc1")),
            alert(3 * kMinute, false, QStringLiteral("lb-1"), QStringLiteral("dc1"))};
        QCOMPARE(shape(servicePeriods(events, kStart, kStart + 10 * kMinute, kRecorded)),
                 QStringList{QStringLiteral("ok@0")});
        QCOMPARE(
            shape(servicePeriods(events, kStart, kStart + 10 * kMinute, StateSource::Observed)),
            (QStringList{QStringLiteral("ok@0"), QStringLiteral("degraded@60"),
                         QStringLiteral("ok@180")}));
    }

    // A recording that ends in an outage: its last outage runs to the end, the service never
    // came back, and nothing claims it was resolved.
    void recordingEndingInTrouble()
    {
        const auto periods = servicePeriods({state(kMinute, QStringLiteral("outage"))}, kStart,
                                            kStart + 10 * kSecond + kMinute, kRecorded);
        QCOMPARE(shape(periods),
                 (QStringList{QStringLiteral("ok@0"), QStringLiteral("outage@60")}));
        QVERIFY(std::isnan(periods.last().failed)); // to be counted from the series
        // Through the summary of a simulated recording that ends out.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ends-out.warroom"));
        {
            auto writer = RecordingWriter::create(path).value();
            writer->setMeta(QStringLiteral("source"), QStringLiteral("simulator"));
            writer->setMeta(QStringLiteral("start_ms"), QString::number(kStart));
            writer->setMeta(QStringLiteral("end_ms"), QString::number(kStart + 10 * kMinute));
            writer->append(state(kMinute, QStringLiteral("outage")));
            QVERIFY(writer->close());
        }
        const RecordingSummary s = summarize(*Recording::open(path).value());
        QVERIFY(!s.observed);
        QCOMPARE(s.outages.size(), 1);
        QCOMPARE(s.outages.first().endMs, s.endMs);
        QCOMPARE(s.okAgainMs, -1);
        const Impact impact = impactOf(s);
        QCOMPARE(impact.resolvedMs, -1);
        QCOMPARE(impact.endMs, s.endMs);
        PostMortem pm;
        pm.impact = impact;
        QCOMPARE(metricsOf(pm).timeToResolve(), -1);
    }
};

QTEST_GUILESS_MAIN(TestServicePeriods)
#include "tst_service_periods.moc"
