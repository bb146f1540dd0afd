#include "core/analysis/reachability_engine.h"
#include "core/analysis/rules.h"
#include "support/test_support.h"

#include <QFile>
#include <QSet>
#include <QTest>

#include <random>

using namespace warroom;

namespace {

// The 1-based line of the first line of `path` that contains `text`.
int lineOf(const QString &path, const QByteArray &text)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    for (int line = 1; !file.atEnd(); ++line) {
        if (file.readLine().contains(text))
            return line;
    }
    return -1;
}

// Three sites in a row, a web tier that needs a db tier; the rules and needs vary per test.
const char *const kChain = R"(name: chain
thresholds:
  degraded_latency_ms: 100
sites:
  - {id: a, kind: datacenter, region: r1}
  - {id: b, kind: datacenter, region: r1}
  - {id: c, kind: datacenter, region: r2}
links:
  - {between: [a, b], latency_ms: 10}
  - {between: [b, c], latency_ms: 120}
nodes:
  - {id: web-1, role: web, site: a}
  - {id: db-a, role: db, site: a}
  - {id: db-b, role: db, site: b}
  - {id: db-c, role: db, site: c}
dependencies:
  - {from: web, to: db, port: 5432, instances: NEED}
default_policy: DEFAULT
rules:
  - {id: no-c, action: deny, from: any, to: site:c, ports: 5432}
  - {id: web-db, action: allow, from: role:web, to: role:db}
)";

Scenario chain(const char *need, const char *defaultPolicy = "allow")
{
    QByteArray text(kChain);
    text.replace("NEED", need);
    text.replace("DEFAULT", defaultPolicy);
    return test::parseOrFail(text, QStringLiteral("chain.yaml"));
}

// dependency index, from id, to id
using EdgeKey = QString;

EdgeKey keyOf(int dependency, const QString &from, const QString &to)
{
    return QString::number(dependency) + u'|' + from + u'|' + to;
}

QHash<EdgeKey, Verdict> verdictsByKey(const ReachabilityEngine &engine)
{
    QHash<EdgeKey, Verdict> out;
    const Topology &t = engine.topology();
    for (int edge : engine.aliveEdges()) {
        const DependencyEdge &e = engine.edge(edge);
        out.insert(keyOf(e.dependency, t.nodes[e.from].id, t.nodes[e.to].id), engine.verdict(edge));
    }
    return out;
}

} // namespace

class TestReachability : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void lemniscusAtTheStart()
    {
        const ReachabilityEngine engine(
            test::loadBundled(QStringLiteral("lemniscus-2020")).topology);
        // Only the on-demand VPN is not reachable: nothing shows before a server lands in DC3.
        QCOMPARE(test::brokenEdges(engine),
                 QStringList{QStringLiteral(
                     "internet/operators -> dc1/vpn-1:1194: blocked: target vpn-1 is down")});
    }

    void lemniscusAppServerInDc3()
    {
        const Scenario s = test::loadBundled(QStringLiteral("lemniscus-2020"));
        ReachabilityEngine engine(s.topology);
        Node app = engine.topology().nodes[engine.topology().nodeIndex(QStringLiteral("app-1"))];
        app.id = QStringLiteral("app-7");
        app.site = engine.topology().siteIndex(QStringLiteral("dc3"));
        const QList<int> added = engine.addNode(app);
        QVERIFY(!added.isEmpty());
        const int line =
            lineOf(test::scenarioPath(QStringLiteral("lemniscus-2020")), "id: dc3-egress");
        QVERIFY(line > 0);
        QCOMPARE(
            test::brokenEdges(engine),
            (QStringList{QStringLiteral("dc3/app-7 -> dc1/cache-1:6379: blocked by rule "
                                        "dc3-egress (") +
                             QStringLiteral("lemniscus-2020.yaml:") + QString::number(line) + u')',
                         QStringLiteral("internet/operators -> dc1/vpn-1:1194: blocked: "
                                        "target vpn-1 is down")}));
        // The load balancer can reach the new proxy: the failure is behind it, not in front.
        bool lbToApp7 = false;
        for (int edge : added) {
            const DependencyEdge &e = engine.edge(edge);
            if (engine.topology().nodes[e.from].id == u"lb-1" &&
                engine.topology().nodes[e.to].id == u"app-7") {
                lbToApp7 = true;
                QCOMPARE(toString(engine.verdict(edge).state), QStringLiteral("reachable"));
                QCOMPARE(engine.verdict(edge).path,
                         (QStringList{QStringLiteral("dc1"), QStringLiteral("dc3")}));
            }
        }
        QVERIFY(lbToApp7);
    }

    void firstMatchingRuleDecides()
    {
        const Scenario s = chain("all");
        const Topology &t = s.topology;
        const Node &web = t.nodes[0];
        QCOMPARE(evaluateRules(t, web, t.nodes[3], 5432).rule, 0); // no-c before web-db
        QCOMPARE(toString(evaluateRules(t, web, t.nodes[3], 5432).action), QStringLiteral("deny"));
        QCOMPARE(evaluateRules(t, web, t.nodes[3], 22).rule, 1);
        QCOMPARE(evaluateRules(t, t.nodes[1], t.nodes[2], 22).rule, -1); // no rule: default
    }

    void needs_data()
    {
        QTest::addColumn<QByteArray>("need");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("reason");
        QTest::newRow("all") << QByteArray("all") << QStringLiteral("blocked")
                             << QStringLiteral("blocked by rule no-c (chain.yaml:20)");
        QTest::newRow("any") << QByteArray("any") << QStringLiteral("degraded")
                             << QStringLiteral("2 of 3 instances of db reachable, 1 needed");
        QTest::newRow("two") << QByteArray("2") << QStringLiteral("degraded")
                             << QStringLiteral("2 of 3 instances of db reachable, 2 needed");
        QTest::newRow("three") << QByteArray("3") << QStringLiteral("blocked")
                               << QStringLiteral("2 of 3 instances of db reachable, 3 needed");
        QTest::newRow("same_node") << QByteArray("same_node") << QStringLiteral("blocked")
                                   << QStringLiteral("no instance of role db exists");
    }
    void needs()
    {
        QFETCH(QByteArray, need);
        QFETCH(QString, state);
        QFETCH(QString, reason);
        const ReachabilityEngine engine(chain(need.constData()).topology);
        const QList<DependencyStatus> statuses = engine.statuses();
        QCOMPARE(statuses.size(), 1);
        QCOMPARE(toString(statuses.first().state), state);
        QCOMPARE(statuses.first().reason.text(), reason);
    }

    void defaultDenyNamesItsPlace()
    {
        Scenario s = chain("all", "deny");
        s.topology.rules.removeLast(); // web-db
        const ReachabilityEngine engine(s.topology);
        // Rules apply inside a site as well: only the same host bypasses them.
        QCOMPARE(test::brokenEdges(engine),
                 (QStringList{
                     QStringLiteral("a/web-1 -> a/db-a:5432: blocked: no rule allows it and the "
                                    "default policy denies (chain.yaml:18)"),
                     QStringLiteral("a/web-1 -> b/db-b:5432: blocked: no rule allows it and the "
                                    "default policy denies (chain.yaml:18)"),
                     QStringLiteral("a/web-1 -> c/db-c:5432: blocked by rule no-c "
                                    "(chain.yaml:20)")}));
    }

    void linkStatesShowInVerdicts()
    {
        Scenario s = chain("all");
        s.topology.rules.removeFirst(); // no-c: let the path to c be judged on the links alone
        ReachabilityEngine engine(s.topology);
        QCOMPARE(test::brokenEdges(engine),
                 QStringList{QStringLiteral(
                     "a/web-1 -> c/db-c:5432: degraded: path latency 130 ms is over the "
                     "threshold")});
        const QList<int> changed = engine.setLinkState(0, ElementState::Degraded);
        QCOMPARE(changed.size(), 2); // web-1 -> db-b and web-1 -> db-c; db-a is local
        engine.setLinkState(0, ElementState::Unknown);
        QCOMPARE(test::brokenEdges(engine),
                 (QStringList{QStringLiteral("a/web-1 -> b/db-b:5432: unknown: state of link a-b "
                                             "is unknown"),
                              QStringLiteral("a/web-1 -> c/db-c:5432: unknown: state of link a-b "
                                             "is unknown")}));
        engine.setLinkState(1, ElementState::Down);
        QVERIFY(test::brokenEdges(engine).contains(
            QStringLiteral("a/web-1 -> c/db-c:5432: blocked: no route (link b-c is down)")));
        engine.setSiteState(1, ElementState::Down);
        QCOMPARE(test::brokenEdges(engine),
                 (QStringList{QStringLiteral("a/web-1 -> b/db-b:5432: blocked: site b is down"),
                              QStringLiteral("a/web-1 -> c/db-c:5432: blocked: no route (site b "
                                             "is down)")}));
    }

    void changesReturnExactlyWhatChanged()
    {
        ReachabilityEngine engine(test::loadBundled(QStringLiteral("lemniscus-2020")).topology);
        // dc1-dc2 down: traffic between them goes round through dc3, still reachable.
        const int link = engine.topology().linkIndex(QStringLiteral("dc1-dc2"));
        const QList<int> rerouted = engine.setLinkState(link, ElementState::Down);
        QVERIFY(!rerouted.isEmpty());
        for (int edge : rerouted) {
            QCOMPARE(toString(engine.verdict(edge).state), QStringLiteral("reachable"));
            QVERIFY(engine.verdict(edge).path.contains(QStringLiteral("dc3")));
        }
        // Then dc3 down too: exactly the edges whose verdict differs are returned.
        const QHash<EdgeKey, Verdict> middle = verdictsByKey(engine);
        const int dc3 = engine.topology().siteIndex(QStringLiteral("dc3"));
        const QList<int> changed = engine.setSiteState(dc3, ElementState::Down);
        const QHash<EdgeKey, Verdict> after = verdictsByKey(engine);
        int differing = 0;
        for (auto it = after.cbegin(); it != after.cend(); ++it)
            differing += middle.value(it.key()) == it.value() ? 0 : 1;
        QCOMPARE(changed.size(), differing);
        QCOMPARE(changed.size(), rerouted.size()); // the rerouted ones now have no way at all
        QVERIFY(engine.setSiteState(dc3, ElementState::Down).isEmpty()); // no change, no work
    }

    // Whatever sequence of changes, the incremental verdicts equal a fresh computation.
    void incrementalEqualsFullRecompute_data()
    {
        QTest::addColumn<QString>("scenario");
        QTest::addColumn<int>("seed");
        for (const QString &name :
             {QStringLiteral("lemniscus-2020"), QStringLiteral("pagerduty-2011")}) {
            for (int seed : {1, 2, 3})
                QTest::newRow(qPrintable(name + u"_seed" + QString::number(seed))) << name << seed;
        }
    }
    void incrementalEqualsFullRecompute()
    {
        QFETCH(QString, scenario);
        QFETCH(int, seed);
        const Scenario s = test::loadBundled(scenario);
        ReachabilityEngine engine(s.topology);
        std::mt19937 random(seed);
        auto pick = [&](qsizetype n) {
            return int(std::uniform_int_distribution<int>(0, int(n) - 1)(random));
        };
        const ElementState states[] = {ElementState::Up, ElementState::Degraded, ElementState::Down,
                                       ElementState::Unknown};
        QList<int> removed;
        for (int step = 0; step < 60; ++step) {
            const Topology &t = engine.topology();
            switch (pick(6)) {
            case 0:
                engine.setLinkState(pick(t.links.size()), states[pick(4)]);
                break;
            case 1:
                engine.setSiteState(pick(t.sites.size()),
                                    pick(3) == 0 ? ElementState::Down : ElementState::Up);
                break;
            case 2:
                engine.setNodeState(pick(t.nodes.size()), states[pick(4)]);
                break;
            case 3: {
                Rule rule;
                rule.id = u"r" + QString::number(step);
                rule.action = pick(2) ? RuleAction::Deny : RuleAction::Allow;
                rule.from = {Scope{Scope::Kind::Site, t.sites[pick(t.sites.size())].id}};
                rule.to = {Scope{Scope::Kind::Any, {}}};
                engine.insertRule(pick(t.rules.size() + 1), rule);
                break;
            }
            case 4:
                if (!t.rules.isEmpty())
                    engine.removeRule(pick(t.rules.size()));
                break;
            case 5: {
                if (pick(2) == 0 && !t.groups.isEmpty()) {
                    const ScalingGroup &g = t.groups[pick(t.groups.size())];
                    Node n;
                    n.id = u"n" + QString::number(step);
                    n.roles = g.roles;
                    n.tags = g.tags;
                    n.site = g.sites[pick(g.sites.size())];
                    engine.addNode(n);
                } else {
                    const int node = pick(t.nodes.size());
                    engine.removeNode(node);
                    removed.append(node);
                }
                break;
            }
            }
            ReachabilityEngine fresh(engine.topology());
            for (int node : removed)
                fresh.removeNode(node);
            const QHash<EdgeKey, Verdict> expected = verdictsByKey(fresh);
            const QHash<EdgeKey, Verdict> actual = verdictsByKey(engine);
            QCOMPARE(actual.size(), expected.size());
            for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
                QVERIFY2(actual.contains(it.key()), qPrintable(it.key()));
                QCOMPARE(actual.value(it.key()), it.value());
            }
        }
    }
};

QTEST_GUILESS_MAIN(TestReachability)
#include "tst_reachability.moc"
