#include "ui/geometry/time_scale.h"
#include "ui/models/event_log_model.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QTest>

using namespace warroom;

namespace {

Event makeEvent(qint64 id, qint64 timeMs, EventKind kind, const QString &node, const QString &site,
                const QString &text)
{
    Event e;
    e.id = id;
    e.timeMs = timeMs;
    e.kind = kind;
    e.node = node;
    e.site = site;
    e.text = text;
    return e;
}

QList<Event> incident()
{
    return {makeEvent(1, 1000, EventKind::ScaleOut, {}, {}, QStringLiteral("scale out app-pool")),
            makeEvent(2, 1000, EventKind::NodeLaunched, QStringLiteral("app-4"),
                      QStringLiteral("dc3"), QStringLiteral("app-4 launched in dc3")),
            makeEvent(3, 5000, EventKind::VerdictChanged, QStringLiteral("app-4"),
                      QStringLiteral("dc3"),
                      QStringLiteral("dc3/app-4 -> dc1/cache-1:6379: blocked by rule dc3-egress")),
            makeEvent(4, 9000, EventKind::AlertFiring, QStringLiteral("lb-1"),
                      QStringLiteral("dc1"), QStringLiteral("HighErrorRate on lb-1"))};
}

QString visibleIds(const QAbstractItemModel &model)
{
    QStringList out;
    for (int row = 0; row < model.rowCount(); ++row)
        out.append(model.index(row, 0).data(EventLogModel::EventIdRole).toString());
    return out.join(u' ');
}

} // namespace

class TestEventLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void modelFeedsAppendsAndResets()
    {
        EventLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        model.setEvents(incident().mid(0, 2));
        QCOMPARE(model.rowCount(), 2);
        model.appendEvents(incident().mid(2));
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.index(3, EventLogModel::Kind).data().toString(),
                 QStringLiteral("alert.firing"));
        QCOMPARE(model.index(0, EventLogModel::Time).data().toString(),
                 QStringLiteral("1970-01-01 00:00:01"));
        QCOMPARE(model.index(2, EventLogModel::Summary).data(EventLogModel::TimeRole).toLongLong(),
                 5000);
        // The service's state at each event's time: blank while ok.
        model.setServiceSpans({{ServiceState::Outage, 4000, 8000}});
        QCOMPARE(model.index(2, EventLogModel::Service).data().toString(),
                 QStringLiteral("outage"));
        QCOMPARE(model.index(3, EventLogModel::Service).data().toString(), QString());
        QCOMPARE(model.index(0, EventLogModel::Service).data().toString(), QString());
        model.appendEvents({});
        model.growTo(incident() + incident().mid(0, 1)); // shares the list: one row came
        QCOMPARE(model.rowCount(), 5);
        model.setEvents({});
        QCOMPARE(model.rowCount(), 0);
    }

    // An alert from Alertmanager says in its tooltip what holds it back and where it links.
    void alertTooltipLinksBack()
    {
        EventLogModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        Event silenced;
        silenced.timeMs = 1000;
        silenced.kind = EventKind::AlertSilenced;
        silenced.subject = QStringLiteral("ProbeFailing");
        silenced.text = QStringLiteral("[page] ProbeFailing silenced: cache-1 does not answer");
        silenced.details = {
            {QStringLiteral("silenced_by"), QJsonArray{QStringLiteral("4f2a")}},
            {QStringLiteral("generator_url"), QStringLiteral("http://prom:9090/graph?g0.expr=x")},
            {QStringLiteral("alertmanager_url"), QStringLiteral("http://am:9093/#/alerts")}};
        model.setEvents({silenced});
        QCOMPARE(model.index(0, 0).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("[page] ProbeFailing silenced: cache-1 does not answer\n"
                                "silenced by 4f2a\nhttp://prom:9090/graph?g0.expr=x\n"
                                "http://am:9093/#/alerts"));
    }

    void cursorSelectsTheRowAtItsTime_data()
    {
        QTest::addColumn<qint64>("time");
        QTest::addColumn<int>("row");
        QTest::newRow("before_everything") << qint64(0) << -1;
        QTest::newRow("on_the_first_two") << qint64(1000) << 1;
        QTest::newRow("between") << qint64(4999) << 1;
        QTest::newRow("on_an_event") << qint64(5000) << 2;
        QTest::newRow("after_everything") << qint64(99999) << 3;
    }
    void cursorSelectsTheRowAtItsTime()
    {
        QFETCH(qint64, time);
        QFETCH(int, row);
        EventLogModel model;
        model.setEvents(incident());
        QCOMPARE(model.rowAtTime(time), row);
    }

    void filterByKindNodeSiteAndText()
    {
        EventLogModel model;
        EventLogFilter filter;
        filter.setSourceModel(&model);
        QAbstractItemModelTester tester(&filter,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setEvents(incident());
        QCOMPARE(visibleIds(filter), QStringLiteral("1 2 3 4"));
        filter.setKinds({QStringLiteral("node.launched"), QStringLiteral("verdict.changed")});
        QCOMPARE(visibleIds(filter), QStringLiteral("2 3"));
        filter.setText(QStringLiteral("DC3-EGRESS"));
        QCOMPARE(visibleIds(filter), QStringLiteral("3"));
        filter.setKinds({});
        filter.setText({});
        filter.setSite(QStringLiteral("dc1"));
        QCOMPARE(visibleIds(filter), QStringLiteral("4"));
        filter.setSite({});
        filter.setNode(QStringLiteral("app-4"));
        QCOMPARE(visibleIds(filter), QStringLiteral("2 3"));
        model.appendEvents({makeEvent(5, 12000, EventKind::NodeTerminated, QStringLiteral("app-4"),
                                      QStringLiteral("dc3"), QStringLiteral("app-4 terminated"))});
        QCOMPARE(visibleIds(filter), QStringLiteral("2 3 5"));
    }

    void timeScale_data()
    {
        QTest::addColumn<double>("zoom");
        QTest::addColumn<double>("anchorX");
        QTest::addColumn<double>("pan");
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("to");
        // A day on 1000 px; bounds are the day.
        QTest::newRow("start") << 1.0 << 0.0 << 0.0 << qint64(0) << qint64(86400000);
        QTest::newRow("after_zoom_at_the_middle")
            << 4.0 << 500.0 << 0.0 << qint64(32400000) << qint64(54000000);
        QTest::newRow("zoom_at_the_left_edge")
            << 2.0 << 0.0 << 0.0 << qint64(0) << qint64(43200000);
        QTest::newRow("zoom_out_stops_at_the_bounds")
            << 0.25 << 500.0 << 0.0 << qint64(0) << qint64(86400000);
        QTest::newRow("zoom_in_stops_at_a_second")
            << 1e9 << 500.0 << 0.0 << qint64(43199500) << qint64(43200500);
        QTest::newRow("pan_right_after_zoom")
            << 4.0 << 500.0 << 100.0 << qint64(34560000) << qint64(56160000);
        QTest::newRow("pan_stops_at_the_end")
            << 4.0 << 500.0 << 99999.0 << qint64(64800000) << qint64(86400000);
    }
    void timeScale()
    {
        QFETCH(double, zoom);
        QFETCH(double, anchorX);
        QFETCH(double, pan);
        QFETCH(qint64, from);
        QFETCH(qint64, to);
        const TimeScale day{0, 86400000, 1000.0, 0, 86400000, 1000};
        QCOMPARE(day.xForTime(43200000), 500.0);
        QCOMPARE(day.timeForX(250.0), 21600000);
        const TimeScale s = day.zoomed(zoom, anchorX).panned(pan);
        QCOMPARE(s.fromMs, from);
        QCOMPARE(s.toMs, to);
        QCOMPARE(s.timeForX(s.xForTime(from + 60000)), from + 60000);
    }
};

QTEST_GUILESS_MAIN(TestEventLog)
#include "tst_event_log.moc"
