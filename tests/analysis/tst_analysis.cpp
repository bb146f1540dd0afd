#include "core/analysis/analysis.h"
#include "core/analysis/analysis_report.h"
#include "support/test_support.h"

#include <QJsonArray>
#include <QTest>

using namespace warroom;

namespace {

QStringList spofs(const Analysis &a)
{
    QStringList out;
    for (const SinglePointOfFailure &s : a.singlePoints)
        out.append(toString(s.kind) + u' ' + s.subject);
    return out;
}

const BlastRadius *blastOf(const Analysis &a, BlastRadius::Kind kind, const QString &subject)
{
    for (const BlastRadius &b : a.blastRadius) {
        if (b.kind == kind && b.subject == subject)
            return &b;
    }
    return nullptr;
}

} // namespace

class TestAnalysis : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The Lemniscus lesson: the fault is found before any app server is placed in DC3.
    void lemniscusLatentDc3Finding()
    {
        const Scenario s = test::loadBundled(QStringLiteral("lemniscus-2020"));
        for (const Node &n : s.topology.nodes)
            QVERIFY(!(n.hasRole(QStringLiteral("app")) && s.topology.sites[n.site].id == u"dc3"));
        const Result<Analysis> a = analyze(s);
        QVERIFY(a.ok());
        QCOMPARE(a->latent.size(), 1);
        const LatentFinding &f = a->latent.first();
        QCOMPARE(f.group, QStringLiteral("app-pool"));
        QCOMPARE(f.site, QStringLiteral("dc3"));
        QVERIFY(f.incoming.isEmpty());
        QCOMPARE(f.outgoing.size(), 1);
        QCOMPARE(f.outgoing.first().dependency, QStringLiteral("app->cache:6379"));
        QCOMPARE(f.outgoing.first().edges.size(), 1);
        const EdgeReport &edge = f.outgoing.first().edges.first();
        QCOMPARE(edge.to, QStringLiteral("cache-1"));
        QCOMPARE(edge.toSite, QStringLiteral("dc1"));
        QCOMPARE(toString(edge.verdict.reason.kind), QStringLiteral("rule_denied"));
        QCOMPARE(edge.verdict.reason.subject, QStringLiteral("dc3-egress"));
        const Rule &rule = s.topology.rules[s.topology.ruleIndex(QStringLiteral("dc3-egress"))];
        QCOMPARE(edge.verdict.reason.place, rule.place);
        QVERIFY(a->hasFindings());
    }

    void lemniscusFixedRuleHasNoLatentFinding()
    {
        const Scenario s = test::loadBundled(QStringLiteral("lemniscus-2020"));
        const Result<Analysis> a =
            analyze(s, {WhatIf{WhatIf::Kind::RuleRemoved, QStringLiteral("dc3-egress")}});
        QVERIFY(a.ok());
        QVERIFY(a->latent.isEmpty());
        QCOMPARE(a->whatIfs, QStringList{QStringLiteral("rule-remove:dc3-egress")});
    }

    void lemniscusPlacingInDc3MakesItLive()
    {
        const Result<Analysis> a =
            analyze(test::loadBundled(QStringLiteral("lemniscus-2020")),
                    {WhatIf{WhatIf::Kind::Place, QStringLiteral("app-pool@dc3")}});
        QVERIFY(a.ok());
        QStringList live;
        for (const DependencyFinding &f : a->live)
            live.append(f.node + u' ' + f.dependency + u' ' + toString(f.state));
        QVERIFY2(live.contains(QStringLiteral("app-pool@dc3 app->cache:6379 blocked")),
                 qPrintable(live.join(u'\n')));
    }

    void lemniscusSinglePoints()
    {
        const Result<Analysis> a = analyze(test::loadBundled(QStringLiteral("lemniscus-2020")));
        QCOMPARE(spofs(a.value()),
                 (QStringList{QStringLiteral("role load_balancer"),
                              QStringLiteral("role db_primary"), QStringLiteral("role db_replica"),
                              QStringLiteral("site dc1"), QStringLiteral("link internet-dc1")}));
    }

    // The PagerDuty lesson: three AZs of one region are one failure domain for the internet.
    void pagerdutyRegionOffline()
    {
        const Result<Analysis> a = analyze(test::loadBundled(QStringLiteral("pagerduty-2011")));
        QVERIFY(a.ok());
        QVERIFY(a->live.isEmpty());
        // No single AZ, and no single uplink, takes the service down...
        for (const QString &az :
             {QStringLiteral("az-a"), QStringLiteral("az-b"), QStringLiteral("az-c")}) {
            const BlastRadius *b = blastOf(a.value(), BlastRadius::Kind::Site, az);
            QVERIFY(b);
            QVERIFY2(b->failing.isEmpty(), qPrintable(az));
            const BlastRadius *uplink =
                blastOf(a.value(), BlastRadius::Kind::Link, az + u"-internet");
            QVERIFY(uplink);
            QVERIFY(uplink->failing.isEmpty());
        }
        // ...but the region cut off from the internet takes inbound events and delivery.
        const BlastRadius *region =
            blastOf(a.value(), BlastRadius::Kind::RegionInternet, QStringLiteral("us-east-1"));
        QVERIFY(region);
        QStringList failing;
        for (const DependencyFinding &f : region->failing)
            failing.append(f.node + u' ' + f.dependency);
        QCOMPARE(failing,
                 (QStringList{QStringLiteral("customer-monitoring event_source->load_balancer:443"),
                              QStringLiteral("dispatcher-a dispatcher->notifier:443"),
                              QStringLiteral("dispatcher-b dispatcher->notifier:443")}));
        QCOMPARE(region->failing.first().reason.cut,
                 (QStringList{QStringLiteral("link az-a-internet is down"),
                              QStringLiteral("link az-b-internet is down"),
                              QStringLiteral("link az-c-internet is down")}));
    }

    void pagerdutyWhatIfRegionOffline()
    {
        const Result<Analysis> a =
            analyze(test::loadBundled(QStringLiteral("pagerduty-2011")),
                    {WhatIf{WhatIf::Kind::RegionOffline, QStringLiteral("us-east-1")}});
        QVERIFY(a.ok());
        QCOMPARE(a->live.size(), 3);
        // Events still replicate between the AZs: the backbone is up.
        for (const DependencyFinding &f : a->live)
            QVERIFY(f.dependency != u"api->queue:5672");
    }

    void whatIfErrors_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("unknown_kind")
            << QStringLiteral("flood:dc1") << QStringLiteral("unknown what-if 'flood:dc1'");
        QTest::newRow("unknown_link")
            << QStringLiteral("link-down:dc1-dc9")
            << QStringLiteral("what-if link-down:dc1-dc9: there is no link 'dc1-dc9'");
        QTest::newRow("bad_place")
            << QStringLiteral("place:app-pool@internet")
            << QStringLiteral("what-if place:app-pool@internet: scaling group "
                              "'app-pool' may not place instances in site "
                              "'internet'");
        QTest::newRow("no_uplinks")
            << QStringLiteral("region-offline:atlantis")
            << QStringLiteral("what-if region-offline:atlantis: no site of "
                              "region 'atlantis' has a link to the internet");
    }
    void whatIfErrors()
    {
        QFETCH(QString, text);
        QFETCH(QString, error);
        const Result<WhatIf> parsed = parseWhatIf(text);
        QString message;
        if (!parsed) {
            message = parsed.errors().first().message;
        } else {
            const Result<Analysis> a =
                analyze(test::loadBundled(QStringLiteral("lemniscus-2020")), {parsed.value()});
            QVERIFY(!a.ok());
            message = a.errors().first().message;
        }
        QVERIFY2(message.startsWith(error), qPrintable(message));
    }

    void jsonCarriesTheReasonAndItsPlace()
    {
        const Scenario s = test::loadBundled(QStringLiteral("lemniscus-2020"));
        const QJsonObject json = analysisJson(analyze(s).value());
        QCOMPARE(json[u"format"].toString(), QStringLiteral("warroom-analysis"));
        QCOMPARE(json[u"version"].toInt(), 1);
        QCOMPARE(json[u"summary"][u"findings"].toInt(), 6);
        const QJsonObject edge = json[u"latent"][0][u"outgoing"][0][u"edges"][0].toObject();
        QCOMPARE(edge[u"state"].toString(), QStringLiteral("blocked"));
        QCOMPARE(edge[u"reason"][u"kind"].toString(), QStringLiteral("rule_denied"));
        QCOMPARE(edge[u"reason"][u"subject"].toString(), QStringLiteral("dc3-egress"));
        const Rule &rule = s.topology.rules[s.topology.ruleIndex(QStringLiteral("dc3-egress"))];
        QCOMPARE(edge[u"reason"][u"line"].toInt(), rule.place.line);
        QCOMPARE(edge[u"path"].toArray().size(), 2);
        QCOMPARE(edge[u"provenance"].toString(), QStringLiteral("computed"));
    }
};

QTEST_GUILESS_MAIN(TestAnalysis)
#include "tst_analysis.moc"
