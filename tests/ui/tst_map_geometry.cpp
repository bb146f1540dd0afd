// The map's geometry as `--state` reports it, for both bundled stories at their key moments, a
// scenario with every inter-site link down and the 10,000-node fleet, in the role and the node
// view, at 1440×900 and 1024×700: no hop under a chip it does not join, across a third site or
// over a title; markers on their hop, inside the map, off chips and titles; chips apart; no
// name cut in the role view; crossings at most the recorded baseline (docs/war-room.md).
#include "core/analysis/reachability_engine.h"
#include "core/model/synthetic_fleet.h"
#include "support/test_support.h"
#include "ui/map/map_view.h"
#include "ui/recording_window.h"
#include "ui/warroom/details_pane.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace warroom;

namespace {

QRectF rectOf(const QJsonValue &v)
{
    const QJsonArray a = v.toArray();
    return {a[0].toDouble(), a[1].toDouble(), a[2].toDouble(), a[3].toDouble()};
}

// Whether the segment a–b passes through the inside of `r` (touching its border is not).
bool crosses(const QRectF &r, const QPointF &a, const QPointF &b)
{
    const QRectF inner = r.adjusted(1.5, 1.5, -1.5, -1.5);
    const QRectF span = QRectF(a, b).normalized();
    return span.left() < inner.right() && span.right() > inner.left() &&
           span.top() < inner.bottom() && span.bottom() > inner.top();
}

double distanceToSegment(const QPointF &p, const QPointF &a, const QPointF &b)
{
    const QPointF ab = b - a;
    const double length2 = QPointF::dotProduct(ab, ab);
    const double t =
        length2 <= 0 ? 0.0 : std::clamp(QPointF::dotProduct(p - a, ab) / length2, 0.0, 1.0);
    return QLineF(p, a + t * ab).length();
}

// Every rule of a readable map, on what the map says it draws; "" when all hold. With
// `latentInFull`, what a latent place says is never cut either (a 1024×700 window is too short
// for PagerDuty's three: they are cut there, whole in their tooltips).
QString problemsIn(const QJsonObject &map, bool latentInFull = true)
{
    QStringList problems;
    const bool roles = map[QStringLiteral("level")].toString() == u"roles";
    const QJsonArray mapSize = map[QStringLiteral("size")].toArray();
    const QRectF inside(0, 0, mapSize[0].toDouble(), mapSize[1].toDouble());
    QHash<QString, QRectF> chipRect;
    QHash<QString, QString> chipSite;
    QList<QPair<QString, QRectF>> chips; // drawn as chips (not squares)
    QHash<QString, QRectF> siteRect;
    QList<QPair<QString, QRectF>> titles;
    QSet<QString> denseSites;
    for (const QJsonValue &s : map[QStringLiteral("sites")].toArray()) {
        const QString id = s[QStringLiteral("id")].toString();
        siteRect.insert(id, rectOf(s[QStringLiteral("rect")]));
        titles.append({id, rectOf(s[QStringLiteral("titleBand")])});
        if (s[QStringLiteral("elided")].toBool())
            problems.append(u"the title of " + id + u" is cut");
        if (s[QStringLiteral("dense")].toBool())
            denseSites.insert(id);
    }
    for (const QJsonValue &c : map[QStringLiteral("chips")].toArray()) {
        const QString id = c[QStringLiteral("id")].toString();
        const QRectF r = rectOf(c[QStringLiteral("rect")]);
        chipRect.insert(id, r);
        chipSite.insert(id, c[QStringLiteral("site")].toString());
        if (denseSites.contains(chipSite.value(id)))
            continue; // a square of a dense site: a texture hops cross

        chips.append({id, r});
        if (roles && c[QStringLiteral("elided")].toBool() &&
            c[QStringLiteral("kind")].toString() == u"role")
            problems.append(u"the name of " + id + u" is cut in the role view");
        if (latentInFull && c[QStringLiteral("elided")].toBool() &&
            c[QStringLiteral("kind")].toString() == u"latent")
            problems.append(u"what " + id + u" says is cut");
    }
    for (int i = 0; i < chips.size(); ++i) {
        for (int j = i + 1; j < chips.size(); ++j) {
            if (chips[i].second.adjusted(1, 1, -1, -1).intersects(chips[j].second))
                problems.append(chips[i].first + u" overlaps " + chips[j].first);
        }
    }
    const QJsonArray hops = map[QStringLiteral("hops")].toArray();
    for (const QJsonValue &h : hops) {
        QSet<QString> joins, sites;
        for (const QJsonValue &j : h[QStringLiteral("joins")].toArray()) {
            joins.insert(j.toString());
            sites.insert(chipSite.value(j.toString()));
        }
        const QString name =
            h[QStringLiteral("from")].toString() + u" -> " + h[QStringLiteral("to")].toString();
        const QJsonArray line = h[QStringLiteral("polyline")].toArray();
        if (line.size() < 2) {
            problems.append(name + u" has no route");
            continue;
        }
        // From the border of its first chip to the border of its last (one hop, or a role's).
        auto onBorder = [&](const QString &chip, const QJsonValue &p) {
            const QRectF r = chipRect.value(chip);
            const QPointF at(p[0].toDouble(), p[1].toDouble());
            return r.adjusted(-2, -2, 2, 2).contains(at) && !r.adjusted(2, 2, -2, -2).contains(at);
        };
        const bool single = roles || h[QStringLiteral("hops")].toArray().size() == 1;
        const QString from = h[QStringLiteral("from")].toString();
        const QString to = h[QStringLiteral("to")].toString();
        if (single && !denseSites.contains(chipSite.value(from)) && !onBorder(from, line.first()))
            problems.append(name + u" does not leave its chip's border");
        if (single && !denseSites.contains(chipSite.value(to)) && !onBorder(to, line.last()))
            problems.append(name + u" does not end on its chip's border");
        for (qsizetype i = 1; i < line.size(); ++i) {
            const QPointF a(line[i - 1][0].toDouble(), line[i - 1][1].toDouble());
            const QPointF b(line[i][0].toDouble(), line[i][1].toDouble());
            if (std::abs(a.x() - b.x()) > 0.2 && std::abs(a.y() - b.y()) > 0.2)
                problems.append(name + u" is not routed (a slanted segment)");
            for (const auto &[id, r] : chips) {
                if (!joins.contains(id) && crosses(r, a, b))
                    problems.append(name + u" runs under " + id);
            }
            for (const auto &[id, r] : titles) {
                if (crosses(r, a, b))
                    problems.append(name + u" strikes the title of " + id);
            }
            for (auto s = siteRect.cbegin(); s != siteRect.cend(); ++s) {
                if (!sites.contains(s.key()) && crosses(s.value(), a, b))
                    problems.append(name + u" crosses " + s.key() + u" from (" +
                                    QString::number(a.x()) + u", " + QString::number(a.y()) +
                                    u") to (" + QString::number(b.x()) + u", " +
                                    QString::number(b.y()) + u')');
            }
        }
    }
    for (const QJsonValue &m : map[QStringLiteral("markers")].toArray()) {
        const QRectF box = rectOf(m[QStringLiteral("rect")]);
        const QJsonValue hop = hops[m[QStringLiteral("hop")].toInt()];
        const QString name = u"the marker of " + hop[QStringLiteral("from")].toString() + u" -> " +
                             hop[QStringLiteral("to")].toString();
        if (!inside.contains(box))
            problems.append(name + u" is outside the map");
        for (const auto &[id, r] : chips) {
            if (r.intersects(box.adjusted(1, 1, -1, -1)))
                problems.append(name + u" covers " + id);
        }
        for (const auto &[id, r] : titles) {
            if (r.intersects(box.adjusted(1, 1, -1, -1)))
                problems.append(name + u" covers the title of " + id);
        }
        const QJsonArray line = hop[QStringLiteral("polyline")].toArray();
        double nearest = 1e9;
        for (qsizetype i = 1; i < line.size(); ++i)
            nearest = std::min(
                nearest, distanceToSegment(box.center(),
                                           {line[i - 1][0].toDouble(), line[i - 1][1].toDouble()},
                                           {line[i][0].toDouble(), line[i][1].toDouble()}));
        if (nearest > 1.5)
            problems.append(name + u" is off its hop");
    }
    return problems.join(u'\n');
}

// A topology with every link between sites down: everything between sites is blocked.
Topology allLinksDown()
{
    Topology t = test::loadBundled(QStringLiteral("pagerduty-2011")).topology;
    for (Link &l : t.links)
        l.state = ElementState::Down;
    return t;
}

} // namespace

class TestMapGeometry : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(test::recordBundledStories(m_dir.path()));
    }

    void bundledStories_data()
    {
        QTest::addColumn<QString>("recording");
        QTest::addColumn<QString>("at");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("nodes");
        QTest::addColumn<int>("baseline"); // hop crossings at most
        // name, moment, and the crossings measured when the baselines were set (roles, nodes).
        struct Moment
        {
            const char *name;
            const char *recording;
            const char *at;
            int roles1440, nodes1440, roles1024, nodes1024;
        };
        const Moment moments[] = {
            // Before levels and routing (curves over the chips, 1600×1000): Lemniscus 103,
            // PagerDuty 99.
            {"lemniscus_first_failure", "lemniscus-2020", "2020-05-25T08:48:40Z", 42, 98, 46, 60},
            {"lemniscus_replaced", "lemniscus-2020", "2020-05-25T08:53:30Z", 42, 89, 46, 80},
            {"pagerduty_cut_off", "pagerduty-2011", "16:12", 59, 76, 49, 24},
        };
        for (const Moment &m : moments) {
            for (const QSize size : {QSize(1440, 900), QSize(1024, 700)}) {
                for (const bool nodes : {false, true}) {
                    const QByteArray row = QByteArray(m.name) + (nodes ? "_nodes_" : "_roles_") +
                                           QByteArray::number(size.width());
                    const bool wide = size.width() == 1440;
                    QTest::newRow(row.constData()) << QString::fromLatin1(m.recording)
                                                   << QString::fromLatin1(m.at) << size << nodes
                                                   << (wide ? (nodes ? m.nodes1440 : m.roles1440)
                                                            : (nodes ? m.nodes1024 : m.roles1024));
                }
            }
        }
    }
    void bundledStories()
    {
        QFETCH(QString, recording);
        QFETCH(QString, at);
        QFETCH(QSize, size);
        QFETCH(bool, nodes);
        QFETCH(int, baseline);
        RecordingWindow window;
        QVERIFY(showAt(window, recording, at, size));
        if (nodes)
            window.mapView()->setLevel(MapLevel::Nodes);
        window.render();
        const QJsonObject map = window.mapView()->geometryJson();
        QVERIFY(!map[QStringLiteral("markers")].toArray().isEmpty()); // a blocked hop: marked
        const QString problems =
            problemsIn(map, size.width() > 1024 || recording != u"pagerduty-2011");
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        const int crossings = map[QStringLiteral("crossings")].toInt();
        qInfo("%s: %d crossings", QTest::currentDataTag(), crossings);
        QVERIFY2(crossings <= baseline, qPrintable(QString::number(crossings)));
        // The role view's story: the blocked hop says its rule beside its marker.
        if (recording == u"lemniscus-2020" && at.endsWith(u"08:48:40Z")) {
            bool ruleShown = false;
            for (const QJsonValue &m : map[QStringLiteral("markers")].toArray())
                ruleShown = ruleShown || m[QStringLiteral("label")].toString() == u"dc3-egress";
            QVERIFY(ruleShown);
        }
    }

    // Every link between sites down, and 10,000 nodes: drawn alone (no window), both views.
    void generated_data()
    {
        QTest::addColumn<int>("fleet"); // 0: every link down in PagerDuty's topology
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("nodes");
        QTest::addColumn<int>("baseline"); // hop crossings at most
        // The map's size in a window of 1440×900 and of 1024×700; crossings as measured.
        const int baselines[2][2][2] = {{{51, 85}, {48, 23}}, {{79, 5}, {83, 5}}};
        for (const int fleet : {0, 10000}) {
            for (const QSize size : {QSize(900, 620), QSize(600, 390)}) {
                for (const bool nodes : {false, true}) {
                    const QByteArray row = QByteArray(fleet ? "fleet_" : "all_links_down_") +
                                           (nodes ? "nodes_" : "roles_") +
                                           QByteArray::number(size.width());
                    QTest::newRow(row.constData())
                        << fleet << size << nodes
                        << baselines[fleet ? 1 : 0][size.width() == 900 ? 0 : 1][nodes ? 1 : 0];
                }
            }
        }
    }
    void generated()
    {
        QFETCH(int, fleet);
        QFETCH(QSize, size);
        QFETCH(bool, nodes);
        QFETCH(int, baseline);
        ReachabilityEngine engine(fleet ? syntheticFleet(fleet) : allLinksDown());
        if (fleet)
            engine.insertRule(0, denyBetween(QStringLiteral("dc3"), QStringLiteral("dc1")));
        MapView map;
        map.resize(size);
        map.setLevel(nodes ? MapLevel::Nodes : MapLevel::Roles);
        map.setState(engine);
        const QJsonObject json = map.geometryJson();
        if (qEnvironmentVariableIsSet("MAP_JSON")) { // to look at it
            QFile f(qEnvironmentVariable("MAP_JSON"));
            f.open(QIODevice::WriteOnly);
            f.write(QJsonDocument(json).toJson());
        }
        QVERIFY(!json[QStringLiteral("markers")].toArray().isEmpty());
        const QString problems = problemsIn(json, size.width() > 600 || fleet > 0);
        QVERIFY2(problems.isEmpty(), qPrintable(problems));
        qInfo("%s: %d crossings, %lld chips, %lld lines", QTest::currentDataTag(),
              json[QStringLiteral("crossings")].toInt(),
              json[QStringLiteral("chips")].toArray().size(),
              json[QStringLiteral("hops")].toArray().size());
        QVERIFY2(json[QStringLiteral("crossings")].toInt() <= baseline,
                 qPrintable(QString::number(json[QStringLiteral("crossings")].toInt())));
        if (fleet && !nodes) // a dozen pools in three sites: chips, not squares
            QCOMPARE(json[QStringLiteral("chips")].toArray().size(), 24); // two sites each
    }

    // Both stories read in the role view: Lemniscus's failing server, its blocked hop and rule,
    // the latent place in full; PagerDuty's queues backing up, with their oldest item's age.
    void storiesReadInTheRoleView()
    {
        RecordingWindow window;
        QVERIFY(showAt(window, QStringLiteral("lemniscus-2020"),
                       QStringLiteral("2020-05-25T08:48:40Z")));
        window.render();
        const QJsonObject map = window.mapView()->geometryJson();
        QHash<QString, QJsonObject> chips;
        for (const QJsonValue &c : map[QStringLiteral("chips")].toArray())
            chips.insert(c[QStringLiteral("id")].toString(), c.toObject());
        const QJsonObject pool = chips.value(QStringLiteral("dc3/app-pool"));
        QCOMPARE(pool[QStringLiteral("members")].toArray().size(), 1);
        QCOMPARE(pool[QStringLiteral("health")][QStringLiteral("failing")].toInt(), 1);
        QCOMPARE(pool[QStringLiteral("detail")].toString(), QStringLiteral("app-pool-4 (failing)"));
        QCOMPARE(chips.value(QStringLiteral("app-pool@dc3"))[QStringLiteral("label")].toString(),
                 QStringLiteral("app-pool in dc3 would fail: cache-1:6379 blocked by dc3-egress "
                                "(line 210)"));
        bool blocked = false;
        for (const QJsonValue &h : map[QStringLiteral("hops")].toArray()) {
            if (h[QStringLiteral("from")].toString() == u"dc3/app-pool" &&
                h[QStringLiteral("to")].toString() == u"dc1/cache")
                blocked = h[QStringLiteral("state")].toString() == u"blocked";
        }
        QVERIFY(blocked);

        QVERIFY(showAt(window, QStringLiteral("pagerduty-2011"), QStringLiteral("16:45")));
        window.render();
        // The badges come from the recording's samples, read on a worker (those of the opening
        // moment may come first: wait for the cursor's).
        auto badge = [&] { return window.mapView()->badgeText(QStringLiteral("az-a/queue")); };
        QTRY_VERIFY(badge().contains(u"k waiting, oldest "));
        QVERIFY2(badge().endsWith(u's') && badge().contains(u'm'), qPrintable(badge()));
    }

    // A role chip opens into its nodes (double click, Enter) and folds back.
    void roleChipsExpand()
    {
        RecordingWindow window;
        QVERIFY(showAt(window, QStringLiteral("lemniscus-2020"),
                       QStringLiteral("2020-05-25T08:48:40Z")));
        MapView *map = window.mapView();
        const QString pool = QStringLiteral("dc1/app-pool");
        QCOMPARE(map->nodesOf(pool).size(), 2);
        const QPointF at = map->nodeRect(pool).center();
        QTest::mouseDClick(map, Qt::LeftButton, {}, at.toPoint());
        QVERIFY(map->expanded(pool));
        QVERIFY(map->scene().nodeIndex(pool) < 0); // its nodes instead, each a chip
        for (const QString &node : {QStringLiteral("app-1"), QStringLiteral("app-pool-3")}) {
            const int chip = map->scene().nodeIndex(node);
            QVERIFY(chip >= 0);
            QCOMPARE(map->scene().nodes()[chip].id, node);
        }
        QVERIFY(problemsIn(map->geometryJson()).isEmpty());
        // Enter on one of them folds the role back.
        map->setFocus();
        map->selectNode(QStringLiteral("app-1"));
        QTest::keyClick(map, Qt::Key_Return);
        QVERIFY(!map->expanded(pool));
        QVERIFY(map->scene().nodeIndex(pool) >= 0);
        QCOMPARE(map->selectedNode(), pool); // the selection follows its node into the chip
        QTest::keyClick(map, Qt::Key_Enter);
        QVERIFY(map->expanded(pool));
        // The selection follows into the nodes (the first of them), so Enter folds them back.
        QCOMPARE(map->selectedNode(), QStringLiteral("app-1"));
        QVERIFY(window.details()->rows().size() > 0); // its hops, not "not in the topology"
        QTest::keyClick(map, Qt::Key_Return);
        QVERIFY(!map->expanded(pool));
        QCOMPARE(map->selectedNode(), pool);
    }

private:
    // The window at `size` on a recorded story, at `at`.
    bool showAt(RecordingWindow &window, const QString &recording, const QString &at,
                QSize size = {1440, 900})
    {
        window.resize(size);
        window.show();
        if (!QTest::qWaitForWindowExposed(&window))
            return false;
        QSignalSpy loaded(&window, &RecordingWindow::loaded);
        window.openFile(m_dir.filePath(recording + u".warroom"));
        return loaded.wait(60000) && window.seekTo(at);
    }

    QTemporaryDir m_dir;
};

QTEST_MAIN(TestMapGeometry)
#include "tst_map_geometry.moc"
