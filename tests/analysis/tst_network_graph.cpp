#include "core/analysis/network_graph.h"

#include <QTest>

#include <random>

using namespace warroom;

class TestNetworkGraph : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void pathFollowsUpLinksOnly()
    {
        // 0 - 1 - 2 and a detour 0 - 3 - 4 - 2
        NetworkGraph g(5, {{0, 1}, {1, 2}, {0, 3}, {3, 4}, {4, 2}});
        QCOMPARE(g.search(0).pathEdges(2), (std::vector<int>{0, 1}));
        g.setEdgeUp(1, false);
        QCOMPARE(g.search(0).pathEdges(2), (std::vector<int>{2, 3, 4}));
        QCOMPARE(g.search(0).pathVertices(2), (std::vector<int>{0, 3, 4, 2}));
        g.setVertexUp(4, false);
        QVERIFY(!g.search(0).reached(2));
        QVERIFY(g.searchIgnoringState(0).reached(2));
        g.setVertexUp(4, true);
        QVERIFY(g.search(0).reached(2));
    }

    void downSourceReachesNothing()
    {
        NetworkGraph g(2, {{0, 1}});
        g.setVertexUp(0, false);
        QCOMPARE(g.search(0).reachedCount(), 0);
    }

    // The live copy and the filtered view must agree with each other on any graph.
    void liveCopyEqualsFilteredView()
    {
        std::mt19937 random(7);
        const int vertices = 2000;
        std::vector<std::pair<int, int>> edges;
        std::uniform_int_distribution<int> pick(0, vertices - 1);
        for (int i = 0; i < 6000; ++i)
            edges.emplace_back(pick(random), pick(random));
        NetworkGraph g(vertices, edges);
        std::bernoulli_distribution down(0.2);
        for (int i = 0; i < g.edgeCount(); ++i)
            g.setEdgeUp(i, !down(random));
        for (int source : {0, 17, 1999}) {
            const SearchTree live = g.search(source);
            const SearchTree filtered = g.searchFiltered(source);
            QCOMPARE(live.reachedCount(), filtered.reachedCount());
            for (int v = 0; v < vertices; ++v) {
                QCOMPARE(live.reached(v), filtered.reached(v));
                // Both are breadth-first: the same number of hops to every vertex.
                QCOMPARE(live.pathEdges(v).size(), filtered.pathEdges(v).size());
            }
        }
    }

    void articulationPointsAndBridges()
    {
        // A triangle 0-1-2, a tail 2-3-4, and a doubled link 4=5.
        NetworkGraph g(6, {{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 4}, {4, 5}, {4, 5}});
        QCOMPARE(g.articulationPoints(), (std::vector<int>{2, 3, 4}));
        QCOMPARE(g.bridges(), (std::vector<int>{3, 4}));
        g.setEdgeUp(0, false); // the triangle opens: 0-1 no longer backed up
        QCOMPARE(g.bridges(), (std::vector<int>{1, 2, 3, 4}));
    }
};

QTEST_GUILESS_MAIN(TestNetworkGraph)
#include "tst_network_graph.moc"
