#include "core/scenario/scenario_loader.h"
#include "support/test_support.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace warroom;

namespace {

// A small valid scenario; each error row changes one thing in it. Line numbers in the
// expectations refer to this layout.
const char *const kBase = R"(name: t
sites:
  - id: dc1
    kind: datacenter
  - id: dc2
    kind: datacenter
links:
  - between: [dc1, dc2]
nodes:
  - id: web-1
    role: web
    site: dc1
  - id: db-1
    role: db
    site: dc2
dependencies:
  - from: web
    to: db
    port: 5432
rules:
  - id: web-to-db
    action: allow
    from: role:web
    to: role:db
    ports: 5432
)";

QByteArray withChange(const char *from, const char *to)
{
    QByteArray text(kBase);
    Q_ASSERT(text.contains(from));
    text.replace(from, to);
    return text;
}

QStringList errorTexts(const Result<Scenario> &result)
{
    QStringList out;
    for (const Error &e : result.errors())
        out.append(e.toString());
    return out;
}

} // namespace

class TestScenarioLoader : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void baseIsValid()
    {
        const Scenario s = test::parseOrFail(kBase);
        QCOMPARE(s.name, QStringLiteral("t"));
        QCOMPARE(s.topology.sites.size(), 2);
        QCOMPARE(s.topology.links.first().id, QStringLiteral("dc1-dc2"));
        QCOMPARE(s.topology.nodes[1].site, 1);
        QCOMPARE(s.topology.dependencies.first().id, QStringLiteral("web->db:5432"));
        QCOMPARE(s.topology.rules.first().place.line, 21);
        QCOMPARE(s.topology.rules.first().ports, (QList<PortRange>{{5432, 5432}}));
    }

    void bundledScenariosLoad_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("sites");
        QTest::addColumn<int>("groups");
        QTest::newRow("lemniscus") << QStringLiteral("lemniscus-2020") << 4 << 2;
        QTest::newRow("pagerduty") << QStringLiteral("pagerduty-2011") << 5 << 2;
    }
    void bundledScenariosLoad()
    {
        QFETCH(QString, name);
        QFETCH(int, sites);
        QFETCH(int, groups);
        const Scenario s = test::loadBundled(name);
        QCOMPARE(s.name, name);
        QCOMPARE(s.topology.sites.size(), sites);
        QCOMPARE(s.topology.groups.size(), groups);
        QVERIFY(s.start.isValid());
        QCOMPARE(s.start.timeSpec(), Qt::UTC);
    }

    void lemniscusFacts()
    {
        const Scenario s = test::loadBundled(QStringLiteral("lemniscus-2020"));
        const Topology &t = s.topology;
        // App servers autoscale over all three DCs, the ones at the start only in DC1/DC2.
        const ScalingGroup &pool = t.groups[t.groupIndex(QStringLiteral("app-pool"))];
        QCOMPARE(pool.sites.size(), 3);
        QCOMPARE(pool.scaleOutAbove, 40.0);
        QCOMPARE(pool.scaleInBelow, 15.0);
        QCOMPARE(toString(pool.termination), QStringLiteral("oldest"));
        QCOMPARE(toString(pool.placement), QStringLiteral("random"));
        for (const Node &n : t.nodes) {
            if (n.group == u"app-pool")
                QVERIFY(t.sites[n.site].id != u"dc3");
        }
        // Two caches in two DCs; the primary and the replica in two DCs; replicas scale at 50 %.
        QStringList cacheSites, dbSites;
        for (const Node &n : t.nodes) {
            if (n.hasRole(QStringLiteral("cache")))
                cacheSites.append(t.sites[n.site].id);
            if (n.hasRole(QStringLiteral("db_primary")) || n.hasRole(QStringLiteral("db_replica")))
                dbSites.append(t.sites[n.site].id);
        }
        QCOMPARE(cacheSites, (QStringList{QStringLiteral("dc1"), QStringLiteral("dc2")}));
        QCOMPARE(dbSites, (QStringList{QStringLiteral("dc1"), QStringLiteral("dc2")}));
        const ScalingGroup &replicas = t.groups[t.groupIndex(QStringLiteral("db-replicas"))];
        QCOMPARE(replicas.scaleOutAbove, 50.0);
        QCOMPARE(t.sites[replicas.sites.first()].id, QStringLiteral("dc3"));
    }

    void jsonIsAccepted()
    {
        const QByteArray json = R"({"name": "j", "sites": [{"id": "a", "kind": "internet"},
            {"id": "b", "kind": "datacenter"}], "links": [{"between": ["a", "b"]}]})";
        const Scenario s = test::parseOrFail(json, QStringLiteral("j.json"));
        QCOMPARE(s.topology.links.size(), 1);
        QCOMPARE(toString(s.topology.sites.first().kind), QStringLiteral("internet"));
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("seconds_plain") << QStringLiteral("90") << qint64(90000);
        QTest::newRow("seconds") << QStringLiteral("90s") << qint64(90000);
        QTest::newRow("millis") << QStringLiteral("250ms") << qint64(250);
        QTest::newRow("minutes") << QStringLiteral("5m") << qint64(300000);
        QTest::newRow("hours") << QStringLiteral("2h") << qint64(7200000);
        QTest::newRow("days") << QStringLiteral("3d") << qint64(259200000);
        QTest::newRow("weeks") << QStringLiteral("1w") << qint64(604800000);
        QTest::newRow("fraction") << QStringLiteral("1.5h") << qint64(5400000);
        QTest::newRow("compound") << QStringLiteral("3w2d9h30m")
                                  << qint64(((21 + 2) * 24 + 9) * 3600000LL + 1800000);
        QTest::newRow("compound_spaced") << QStringLiteral("1h 30m") << qint64(5400000);
        QTest::newRow("compound_garbage") << QStringLiteral("1h soon") << qint64(-1);
        QTest::newRow("garbage") << QStringLiteral("soon") << qint64(-1);
        QTest::newRow("negative") << QStringLiteral("-5m") << qint64(-1);
        // Beyond any date: malformed, not an overflow (found by fuzz_time).
        QTest::newRow("beyond any date") << QStringLiteral("1000000000w") << qint64(-1);
        QTest::newRow("seconds beyond any date")
            << QStringLiteral("99999999999999999999999") << qint64(-1);
    }
    void durations()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ms);
        QCOMPARE(parseDurationMs(text), ms);
    }

    void scenarioErrors_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QStringList>("errors");

        QTest::newRow("unknown_site")
            << withChange("    site: dc2\n", "    site: dc9\n")
            << QStringList{QStringLiteral(
                   "t.yaml:15:11: unknown site 'dc9' in node 'db-1'; did you mean 'dc1'?")};
        QTest::newRow("unknown_site_in_link")
            << withChange("[dc1, dc2]", "[dc1, paris]")
            << QStringList{QStringLiteral("t.yaml:8:20: unknown site 'paris' in a link")};
        QTest::newRow("duplicate_id")
            << withChange("  - id: db-1\n", "  - id: web-1\n")
            << QStringList{QStringLiteral(
                   "t.yaml:13:9: duplicate node id 'web-1' (first declared at line 10)")};
        QTest::newRow("unknown_key")
            << withChange("    role: web\n", "    roel: web\n")
            << QStringList{
                   QStringLiteral("t.yaml:10:5: node 'web-1' needs 'role' (or a 'group' to take it "
                                  "from)"),
                   QStringLiteral(
                       "t.yaml:11:5: unknown key 'roel' in a node; did you mean 'role'?"),
                   QStringLiteral("t.yaml:17:5: dependency 'web->db:5432' names role 'web' that no "
                                  "node or scaling group has"),
                   QStringLiteral("t.yaml:21:5: rule 'web-to-db' can never match: no node or "
                                  "scaling group has role 'web'")};
        QTest::newRow("wrong_type")
            << withChange("  - id: dc2\n    kind: datacenter\n", "  - id: dc2\n    kind: [a]\n")
            << QStringList{
                   QStringLiteral("t.yaml:6:11: the kind of site 'dc2' must be text, not a list")};
        QTest::newRow("bad_kind")
            << withChange("  - id: dc2\n    kind: datacenter\n",
                          "  - id: dc2\n    kind: datacentre\n")
            << QStringList{QStringLiteral(
                   "t.yaml:6:11: the kind of site 'dc2' 'datacentre' is not one of: datacenter, "
                   "availability_zone, provider, internet; did you mean 'datacenter'?")};
        QTest::newRow("bad_port")
            << withChange("    port: 5432\n", "    port: 70000\n")
            << QStringList{
                   QStringLiteral("t.yaml:19:11: 'port' '70000' is not a port (1 to 65535)")};
        QTest::newRow("bad_port_range")
            << withChange("    ports: 5432\n", "    ports: 6000-5000\n")
            << QStringList{QStringLiteral(
                   "t.yaml:25:12: a port of rule 'web-to-db' range '6000-5000' is empty (it ends "
                   "before it starts)")};
        QTest::newRow("rule_shadowed")
            << (QByteArray(kBase) +
                "  - id: web-to-db-again\n    action: deny\n    from: node:web-1\n"
                "    to: node:db-1\n    ports: 5432\n")
            << QStringList{QStringLiteral(
                   "t.yaml:26:5: rule 'web-to-db-again' can never match: rule 'web-to-db' (line "
                   "21) comes first and matches everything it matches")};
        QTest::newRow("rule_shadowed_by_any")
            << withChange("rules:\n",
                          "rules:\n  - id: all\n    action: allow\n    from: any\n    to: any\n")
            << QStringList{QStringLiteral(
                   "t.yaml:25:5: rule 'web-to-db' can never match: rule 'all' (line 21) comes "
                   "first and matches everything it matches")};
        QTest::newRow("rule_unknown_tag")
            << withChange("    to: role:db\n", "    to: tag:gold\n")
            << QStringList{QStringLiteral(
                   "t.yaml:21:5: rule 'web-to-db' can never match: no node or scaling group has "
                   "tag 'gold'")};
        QTest::newRow("bad_scope")
            << withChange("    to: role:db\n", "    to: rack:7\n")
            << QStringList{QStringLiteral(
                   "t.yaml:24:9: scope 'rack:7' must be 'any' or one of site:, role:, node:, "
                   "tag:, region:, provider: followed by a name")};
        QTest::newRow("dependency_cycle")
            << (QByteArray(kBase).replace("rules:\n",
                                          "  - from: db\n    to: web\n    port: 80\nrules:\n"))
            << QStringList{QStringLiteral(
                   "t.yaml:20:5: dependency 'db->web:80' closes a cycle: web -> db -> web")};
        QTest::newRow("link_to_itself")
            << withChange("[dc1, dc2]", "[dc1, dc1]")
            << QStringList{QStringLiteral(
                   "t.yaml:8:14: a link must join two different sites, not 'dc1' to itself")};
        QTest::newRow("missing_name")
            << withChange("name: t\n", "title: t\n")
            << QStringList{QStringLiteral("t.yaml:1:1: the scenario needs 'name'")};
        QTest::newRow("group_min_over_max")
            << (QByteArray(kBase) +
                "scaling_groups:\n  - id: g\n    role: web\n    min: 3\n    max: 2\n"
                "    scale_out_above: 10\n    scale_in_below: 20\n    sites: [dc1]\n")
            << QStringList{
                   QStringLiteral("t.yaml:30:10: 'max' of scaling group 'g' (2) is below its "
                                  "'min' (3)"),
                   QStringLiteral("t.yaml:32:21: 'scale_in_below' (20) must be below "
                                  "'scale_out_above' (10) or scaling group 'g' would scale in "
                                  "and out at once")};
        QTest::newRow("unmeasured_metric")
            << QByteArray(kBase) +
                   QByteArray("scaling_groups:\n  - id: g\n    role: web\n    min: 1\n    max: 2\n"
                              "    metric: apache_busy_threads\n"
                              "    scale_out_above: 70\n    scale_in_below: 20\n    sites: [dc1]\n")
            << QStringList{QStringLiteral(
                   "t.yaml:31:13: the metric of scaling group 'g' must be cpu, busy, latency, "
                   "requests, backlog, not 'apache_busy_threads'")};
        QTest::newRow("yaml_syntax")
            << QByteArray("name: t\nsites: [a,\n  - b\n")
            << QStringList{QStringLiteral("t.yaml:3:3: illegal block entry")};
        QTest::newRow("several_at_once")
            << withChange("    site: dc1\n", "    site: dc7\n").replace("port: 5432", "port: 0")
            << QStringList{QStringLiteral("t.yaml:12:11: unknown site 'dc7' in node 'web-1'; did "
                                          "you mean 'dc1'?"),
                           QStringLiteral("t.yaml:19:11: 'port' '0' is not a port (1 to 65535)")};
    }
    void scenarioErrors()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QStringList, errors);
        const Result<Scenario> result = parseScenario(yaml, QStringLiteral("t.yaml"));
        QVERIFY(!result.ok());
        QCOMPARE(errorTexts(result), errors);
    }

    // The sections the simulator reads: each mistake located, with what was expected.
    void simulationErrors_data()
    {
        QTest::addColumn<QByteArray>("appended");
        QTest::addColumn<QString>("expected");
        QTest::newRow("unknown_change")
            << QByteArray("schedule:\n  - at: 1h\n    change: link_dwn\n    target: dc1-dc2\n")
            << QStringLiteral(
                   "t.yaml:28:13: 'change' 'link_dwn' is not one of: link_down, link_up, "
                   "link_degraded, site_down, site_up, site_offline, region_offline, "
                   "node_crash, node_restart, rule_add, rule_remove, rule_correct, "
                   "capacity, failover, load_spike, site_cut, latency, loss, withdraw, "
                   "group_down, promote; did you mean 'link_down'?");
        QTest::newRow("unknown_target")
            << QByteArray("schedule:\n  - at: 1h\n    change: link_down\n    target: dc1-dc9\n")
            << QStringLiteral("t.yaml:29:13: 'link_down' needs a link; there is no link 'dc1-dc9'");
        QTest::newRow("after_the_end")
            << QByteArray("duration: 1d\nschedule:\n  - at: 2d\n    change: node_crash\n"
                          "    target: db-1\n")
            << QStringLiteral("t.yaml:28:9: 'at' lies after the scenario's end");
        QTest::newRow("bad_offset")
            << QByteArray("schedule:\n  - at: tomorrow\n    change: node_crash\n    target: db-1\n")
            << QStringLiteral("t.yaml:27:9: 'at' 'tomorrow' must be an offset from the start such "
                              "as 3w2d9h30m, or an ISO 8601 time");
        QTest::newRow("correct_unknown_rule")
            << QByteArray("schedule:\n  - at: 1h\n    change: rule_correct\n    rule:\n"
                          "      id: nope\n      action: allow\n      from: any\n      to: any\n")
            << QStringLiteral("t.yaml:30:11: 'rule_correct' replaces a rule by its id; there is no "
                              "rule 'nope'");
        QTest::newRow("load_source_role")
            << QByteArray("load:\n  source: browser\n  rate: 10\n")
            << QStringLiteral("t.yaml:27:11: no node has role 'browser' to send the load");
        QTest::newRow("daily_needs_24")
            << QByteArray("load:\n  source: web\n  rate: 10\n  daily: [1, 2]\n")
            << QStringLiteral("t.yaml:29:10: 'daily' of 'load' must list 24 multipliers");
        QTest::newRow("share_is_a_fraction")
            << QByteArray("load:\n  source: web\n  rate: 10\n  noise: 150%\n")
            << QStringLiteral("t.yaml:29:10: 'noise' of 'load' '150%' must be a fraction from 0 "
                              "to 1, or 0% to 100%");
        QTest::newRow("queue_workers")
            << QByteArray("queues:\n  - id: q\n    role: db\n    workers: dispatcher\n")
            << QStringLiteral("t.yaml:29:14: no node has role 'dispatcher'");
        QTest::newRow("tick_too_small")
            << QByteArray("simulation:\n  tick: 1ms\n")
            << QStringLiteral("t.yaml:27:9: 'tick' must be at least 10ms");
        QTest::newRow("failover_tag")
            << QByteArray("schedule:\n  - at: 1h\n    change: failover\n    from_tag: a\n"
                          "    to_tag: standby\n")
            << QStringLiteral("t.yaml:30:13: no node carries the tag 'standby' to fail over to");
    }
    void simulationErrors()
    {
        QFETCH(QByteArray, appended);
        QFETCH(QString, expected);
        const Result<Scenario> result =
            parseScenario(QByteArray(kBase) + appended, QStringLiteral("t.yaml"));
        QVERIFY(!result.ok());
        QCOMPARE(errorTexts(result), QStringList{expected});
    }

    void simulationSections()
    {
        const Scenario s = test::loadBundled(QStringLiteral("pagerduty-2011"));
        QCOMPARE(s.simulation.tickMs, 1000);
        QCOMPARE(s.simulation.seed, 2011u);
        QCOMPARE(s.loads.size(), 1);
        QVERIFY(s.loads[0].declared);
        QCOMPARE(s.loads[0].sourceRole, QStringLiteral("event_source"));
        QVERIFY(s.loads[0].onFailure == FailurePolicy::Retry);
        QCOMPARE(s.loads[0].daily.size(), 24);
        QCOMPARE(s.changes.size(), 1);
        const ScheduledChange &cut = s.changes.first();
        QVERIFY(cut.kind == ScheduledChange::Kind::RegionOffline);
        QCOMPARE(cut.atMs, 16 * 3600000LL);
        QCOMPARE(cut.forMs, 30 * 60000LL);
        QCOMPARE(cut.surgeFactor, 3.0);
        QCOMPARE(s.queues.size(), 1);
        QCOMPARE(s.queues.first().targetMs, 180000);
        QCOMPARE(s.serviceLevel.outageAbove, 0.05);
    }

    // A variant is its base with the variant's overrides: titles, what-ifs, more schedule.
    void variantsExtendTheirBase()
    {
        const Scenario base = test::loadBundled(QStringLiteral("pagerduty-2011"));
        const Scenario standby = test::loadBundled(QStringLiteral("pagerduty-2011-standby"));
        QCOMPARE(standby.name, QStringLiteral("pagerduty-2011-standby"));
        QCOMPARE(standby.topology, base.topology);
        QCOMPARE(standby.baseFile, base.file);
        QCOMPARE(standby.changes.size(), 2);
        QVERIFY(standby.changes[1].kind == ScheduledChange::Kind::Failover);
        QCOMPARE(standby.changes[1].place.file, standby.file);
        const Scenario fixed = test::loadBundled(QStringLiteral("lemniscus-2020-rule-fixed"));
        QCOMPARE(fixed.whatIfs, QStringList{QStringLiteral("rule-remove:dc3-egress")});
        QCOMPARE(fixed.whatIfPlace.line, 7); // the list under what_if
    }

    void variantErrors()
    {
        QTemporaryDir dir;
        auto write = [&](const QString &name, const QByteArray &text) {
            QFile file(dir.filePath(name));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(text);
        };
        write(QStringLiteral("broken.yaml"), "name: b\nsites: 3\n");
        write(QStringLiteral("v1.yaml"), "extends: nowhere.yaml\nname: v\n");
        write(QStringLiteral("v2.yaml"), "extends: broken.yaml\nname: v\n");
        write(QStringLiteral("v3.yaml"), "extends: v3.yaml\nname: v\n");
        write(QStringLiteral("v4.yaml"),
              QByteArray("extends: ") +
                  test::scenarioPath(QStringLiteral("lemniscus-2020")).toUtf8() +
                  "\nname: v\nsites: []\n");
        const auto v1 = loadScenarioFile(dir.filePath(QStringLiteral("v1.yaml")));
        QVERIFY(errorTexts(v1).first().contains(u"nowhere.yaml: cannot open scenario"));
        QVERIFY(errorTexts(v1).last().endsWith(
            u"v1.yaml:1:10: the scenario it extends, 'nowhere.yaml', has errors"));
        const auto v2 = loadScenarioFile(dir.filePath(QStringLiteral("v2.yaml")));
        QVERIFY(errorTexts(v2).first().contains(u"broken.yaml:2:8: "));
        const auto v3 = loadScenarioFile(dir.filePath(QStringLiteral("v3.yaml")));
        QVERIFY(errorTexts(v3).join(u'\n').contains(u"more than 8 files deep"));
        const auto v4 = loadScenarioFile(dir.filePath(QStringLiteral("v4.yaml")));
        QVERIFY2(errorTexts(v4).first().contains(
                     u"v4.yaml:3:1: unknown key 'sites' in a scenario that extends another"),
                 qPrintable(errorTexts(v4).join(u'\n')));
    }

    void missingFileIsAnError()
    {
        const Result<Scenario> result = loadScenarioFile(QStringLiteral("/nonexistent/x.yaml"));
        QVERIFY(!result.ok());
        QVERIFY(result.errors().first().toString().startsWith(u"/nonexistent/x.yaml: cannot open"));
    }
};

QTEST_GUILESS_MAIN(TestScenarioLoader)
#include "tst_scenario_loader.moc"
