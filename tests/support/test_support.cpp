#include "test_support.h"

#include "core/analysis/analysis.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"

#include <QTest>

namespace warroom::test {

QString scenarioPath(const QString &name)
{
    return QStringLiteral(WARROOM_SCENARIO_DIR) + u'/' + name + u".yaml";
}

Scenario loadBundled(const QString &name)
{
    const Result<Scenario> s = loadScenarioFile(scenarioPath(name));
    if (!s) {
        for (const Error &e : s.errors())
            qWarning().noquote() << e.toString();
        qFatal("bundled scenario does not load");
    }
    return s.value();
}

Scenario parseOrFail(const QByteArray &yaml, const QString &fileName)
{
    const Result<Scenario> s = parseScenario(yaml, fileName);
    if (!s) {
        for (const Error &e : s.errors())
            qWarning().noquote() << e.toString();
        qFatal("test scenario does not parse");
    }
    return s.value();
}

namespace {

QStringList edges(const ReachabilityEngine &engine, bool brokenOnly)
{
    QStringList out;
    const Topology &t = engine.topology();
    for (int edge : engine.aliveEdges()) {
        const Verdict &v = engine.verdict(edge);
        if (brokenOnly && v.state == VerdictState::Reachable)
            continue;
        const DependencyEdge &e = engine.edge(edge);
        out.append(edgeReport(engine, t.nodes[e.from], t.nodes[e.to], e.dependency, v).text());
    }
    out.sort();
    return out;
}

} // namespace

QStringList brokenEdges(const ReachabilityEngine &engine)
{
    return edges(engine, true);
}
QStringList allEdges(const ReachabilityEngine &engine)
{
    return edges(engine, false);
}

bool recordBundledStories(const QString &dir)
{
    for (const char *name : {"lemniscus-2020", "pagerduty-2011"}) {
        const QString id = QString::fromLatin1(name);
        if (!recordSimulation(loadBundled(id), {}, dir + u'/' + id + u".warroom"))
            return false;
    }
    return true;
}

} // namespace warroom::test
