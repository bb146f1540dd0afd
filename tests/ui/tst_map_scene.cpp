// The map's scene: hops bundled between crowded sites and in dense maps, the texts of
// bundles, the dense look, and nodes' lives (new, draining, terminated ghosts).
#include "core/analysis/reachability_engine.h"
#include "core/model/synthetic_fleet.h"
#include "core/replay/node_lives.h"
#include "support/test_support.h"
#include "ui/map/map_view.h"

#include <QTest>

using namespace warroom;

namespace {

const QRectF kArea(0, 0, 1600, 950);

int hopsIn(const MapScene &scene)
{
    int n = 0;
    for (const MapBundle &b : scene.bundles())
        n += int(b.hops.size());
    return n;
}

} // namespace

class TestMapScene : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Resizing the map never reorders a datacenter's chips: a new width keeps every chip's row
    // and column; a new height may wrap the same order into more or fewer columns.
    void resizingNeverReorders()
    {
        for (const char *name : {"lemniscus-2020", "pagerduty-2011"}) {
            for (const MapLevel level : {MapLevel::Roles, MapLevel::Nodes}) {
                ReachabilityEngine engine(test::loadBundled(QString::fromLatin1(name)).topology);
                MapScene scene;
                scene.build(engine, {}, {level, {}});
                // Each site's chips in reading order, with their column when `grid`.
                auto order = [&](const QRectF &area, bool grid) {
                    scene.layout(area, {});
                    QStringList out;
                    for (int s = 0; s < scene.sites().size(); ++s) {
                        if (scene.sites()[s].internet || scene.sites()[s].dense)
                            continue;
                        QList<const MapNode *> chips;
                        for (const MapNode &n : scene.nodes()) {
                            if (n.site == s && n.latent.isEmpty())
                                chips.append(&n);
                        }
                        std::sort(chips.begin(), chips.end(),
                                  [](const MapNode *a, const MapNode *b) {
                                      return std::make_pair(a->rect.top(), a->rect.left()) <
                                             std::make_pair(b->rect.top(), b->rect.left());
                                  });
                        QStringList ids;
                        for (const MapNode *n : chips) {
                            int column = 0;
                            for (const MapNode *o : chips)
                                column += o->rect.top() == n->rect.top() &&
                                                  o->rect.left() < n->rect.left()
                                              ? 1
                                              : 0;
                            ids.append(grid ? n->id + u'@' + QString::number(column) : n->id);
                        }
                        out.append(ids.join(u' '));
                    }
                    return out;
                };
                const QStringList wide = order(QRectF(0, 0, 1500, 900), true);
                QCOMPARE(order(QRectF(0, 0, 1100, 900), true), wide);
                QCOMPARE(order(QRectF(0, 0, 2400, 900), true), wide);
                const QStringList reading = order(QRectF(0, 0, 1500, 900), false);
                QCOMPARE(order(QRectF(0, 0, 1500, 1300), false), reading);
                QCOMPARE(order(QRectF(0, 0, 900, 500), false), reading);
            }
        }
    }

    // Lemniscus is small: every hop drawn on its own, with its verdict's reason.
    void smallMapsDrawEveryHop()
    {
        ReachabilityEngine engine(test::loadBundled(QStringLiteral("lemniscus-2020")).topology);
        MapScene scene;
        scene.build(engine, {}, {MapLevel::Nodes, {}});
        scene.layout(kArea, {});
        QVERIFY(!scene.dense());
        QVERIFY(!scene.hops().isEmpty());
        QCOMPARE(scene.bundles().size(), scene.hops().size());
        for (const MapNode &n : scene.nodes())
            QVERIFY2(n.rect.width() >= 72 && n.rect.height() >= 30, qPrintable(n.id));
        const int hop = scene.hopBetween(QStringLiteral("lb-1"), QStringLiteral("app-1"));
        QVERIFY(hop >= 0);
        for (const MapBundle &b : scene.bundles()) {
            if (b.hops == QList<int>{hop})
                QVERIFY2(scene.bundleText(b).startsWith(u"dc1/lb-1 -> dc1/app-1:"),
                         qPrintable(scene.bundleText(b)));
        }
    }

    // 10,000 nodes: squares, and hops bundled by site and role row, none lost, broken ones
    // apart from healthy ones, with counts and reasons in the text.
    void thousandsOfNodesAreBundled()
    {
        ReachabilityEngine engine(syntheticFleet(10000));
        engine.insertRule(0, denyBetween(QStringLiteral("dc3"), QStringLiteral("dc1")));
        MapScene scene;
        scene.build(engine, {}, {MapLevel::Nodes, {}});
        scene.layout(kArea, {});
        QVERIFY(scene.dense());
        QCOMPARE(scene.nodes().size(), 10000);
        QCOMPARE(scene.hops().size(), 10000);
        QCOMPARE(hopsIn(scene), 10000);
        QVERIFY2(scene.bundles().size() < 40, qPrintable(QString::number(scene.bundles().size())));
        for (const MapNode &n : scene.nodes()) {
            QVERIFY(scene.innerBox(n.site).contains(n.rect));
            QVERIFY(n.rect.width() >= 1.5);
        }
        int blocked = 0;
        for (const MapBundle &b : scene.bundles()) {
            for (int h : b.hops)
                QVERIFY(scene.hops()[h].state() == b.state);
            if (b.state != VerdictState::Blocked)
                continue;
            blocked += int(b.hops.size());
            const QString text = scene.bundleText(b);
            QVERIFY2(text.startsWith(QString::number(b.hops.size()) + u" hops dc3 -> dc1"),
                     qPrintable(text));
            QVERIFY2(text.contains(u"blocked by rule deny-dc3-to-dc1"), qPrintable(text));
        }
        QVERIFY(blocked > 1000);
        // The chips do not overlap: row-major squares.
        const MapNode &a = scene.nodes()[0];
        for (int i = 1; i < 50; ++i)
            QVERIFY(!scene.nodes()[i].rect.intersects(a.rect) || scene.nodes()[i].site != a.site);
    }

    // Between two sites, more than a dozen hops become one bundle even in a labelled map.
    void crowdedSitePairsAreBundled()
    {
        ReachabilityEngine engine(syntheticFleet(200));
        MapScene scene;
        scene.build(engine, {}, {MapLevel::Nodes, {}});
        scene.layout(QRectF(0, 0, 4000, 2400), {}); // room for labelled chips
        QVERIFY(!scene.dense());
        QCOMPARE(hopsIn(scene), int(scene.hops().size()));
        QVERIFY(scene.bundles().size() < scene.hops().size());
        bool sawBundle = false;
        for (const MapBundle &b : scene.bundles()) {
            if (b.hops.size() > 1) {
                sawBundle = true;
                QVERIFY(!b.sameSite); // bundled only between sites
            }
        }
        QVERIFY(sawBundle);
    }

    // Node lives from events: new after a launch, draining, a ghost after termination, and
    // nothing ten minutes later.
    void nodeLivesAtTheirTimes()
    {
        auto at = [](EventKind kind, qint64 t) {
            Event e;
            e.kind = kind;
            e.timeMs = t;
            e.node = QStringLiteral("app-pool-4");
            e.site = QStringLiteral("dc3");
            e.subject = QStringLiteral("app-pool");
            return e;
        };
        const qint64 m = 60000;
        const NodeLives lives({at(EventKind::NodeLaunched, 0), at(EventKind::NodeDraining, 60 * m),
                               at(EventKind::NodeTerminated, 65 * m)});
        QVERIFY(lives.at(-1).isEmpty());
        QVERIFY(lives.at(0).value(QStringLiteral("app-pool-4")).life == NodeLife::New);
        QVERIFY(lives.at(20 * m).isEmpty()); // running, nothing to say
        QVERIFY(lives.at(61 * m).value(QStringLiteral("app-pool-4")).life == NodeLife::Draining);
        const NodeMark gone = lives.at(66 * m).value(QStringLiteral("app-pool-4"));
        QVERIFY(gone.life == NodeLife::Terminated);
        QCOMPARE(gone.site, QStringLiteral("dc3"));
        QCOMPARE(gone.group, QStringLiteral("app-pool"));
        QVERIFY(lives.at(76 * m).isEmpty());
    }

    // A terminated node is drawn as a ghost in its site with its group's roles; a draining one
    // keeps its hops.
    void ghostsAndDrainingOnTheMap()
    {
        const Scenario s = test::loadBundled(QStringLiteral("lemniscus-2020"));
        ReachabilityEngine engine(s.topology);
        NodeMarks marks;
        marks.insert(QStringLiteral("app-pool-9"),
                     {NodeLife::Terminated, QStringLiteral("dc3"), QStringLiteral("app-pool")});
        marks.insert(QStringLiteral("app-1"), {NodeLife::Draining, {}, {}});
        MapScene scene;
        scene.build(engine, marks, {MapLevel::Nodes, {}});
        scene.layout(kArea, {});
        const int ghost = scene.nodeIndex(QStringLiteral("app-pool-9"));
        QVERIFY(ghost >= 0);
        QVERIFY(scene.nodes()[ghost].ghost());
        QCOMPARE(scene.sites()[scene.nodes()[ghost].site].id, QStringLiteral("dc3"));
        QCOMPARE(scene.nodes()[ghost].roles, QStringLiteral("proxy + app"));
        QVERIFY(scene.neighbours(ghost).isEmpty()); // it needs nothing any more
        const int draining = scene.nodeIndex(QStringLiteral("app-1"));
        QVERIFY(scene.nodes()[draining].life == NodeLife::Draining);
        QVERIFY(!scene.neighbours(draining).isEmpty());
    }
};

QTEST_MAIN(TestMapScene)
#include "tst_map_scene.moc"
