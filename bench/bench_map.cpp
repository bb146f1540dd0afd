// The map at scale: 10,000 nodes and about 10,000 dependency hops over three datacenters, in
// a 1600x1000 map, offscreen, in both views (second argument: 0 roles, 1 nodes). A pan frame
// (move the view, paint everything), and a verdict change (a deny rule between two
// datacenters: the engine re-verdicts, the map rebuilds its scene, lays it out, bundles, routes
// when the geometry changed, and paints). For comparison, the same fleet at 300 nodes.
#include "core/analysis/reachability_engine.h"
#include "core/model/synthetic_fleet.h"
#include "core/replay/verdict_diff.h"
#include "ui/map/map_view.h"

#include <benchmark/benchmark.h>

#include <QImage>
#include <QPainter>

using namespace warroom;

namespace {

constexpr int kWidth = 1600;
constexpr int kHeight = 1000;

void paint(MapView &map, QImage &image)
{
    QPainter painter(&image);
    map.render(&painter);
}

struct Fixture
{
    Fixture(int nodes, int level)
        : engine(syntheticFleet(nodes))
        , image(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied)
    {
        map.resize(kWidth, kHeight);
        map.setLevel(level == 0 ? MapLevel::Roles : MapLevel::Nodes);
        map.setState(engine);
    }
    ReachabilityEngine engine;
    MapView map;
    QImage image;
};

void BM_MapPanFrame(benchmark::State &state)
{
    Fixture f(int(state.range(0)), int(state.range(1)));
    int step = 0;
    for (auto _ : state) {
        ++step;
        f.map.panBy(QPointF(step % 2 ? 3.0 : -3.0, step % 4 < 2 ? 2.0 : -2.0));
        paint(f.map, f.image);
    }
    // BENCH_MAP_PNG=DIR: the frames as drawn, to look at.
    if (const QString dir = qEnvironmentVariable("BENCH_MAP_PNG"); !dir.isEmpty())
        f.image.save(dir + u"/map-" + QString::number(state.range(0)) +
                     (state.range(1) == 0 ? u"-roles" : u"-nodes") + u".png");
    state.counters["hops"] = double(f.map.scene().hops().size());
    state.counters["drawn"] = double(f.map.scene().bundles().size());
    state.counters["fps"] =
        benchmark::Counter(double(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MapPanFrame)
    ->ArgsProduct({{300, 10000}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// The engine's part of a verdict change, alone.
void BM_EngineVerdictChange(benchmark::State &state)
{
    ReachabilityEngine engine(syntheticFleet(int(state.range(0))));
    for (auto _ : state) {
        benchmark::DoNotOptimize(
            engine.insertRule(0, denyBetween(QStringLiteral("dc3"), QStringLiteral("dc1"))));
        benchmark::DoNotOptimize(engine.removeRule(0));
    }
}
BENCHMARK(BM_EngineVerdictChange)->Arg(10000)->Unit(benchmark::kMillisecond)->UseRealTime();

// The map's part: the new state drawn (scene, layout, bundles, paint), alternating between
// the state with and without the deny rule.
void BM_MapVerdictChangeRepaint(benchmark::State &state)
{
    Fixture f(int(state.range(0)), int(state.range(1)));
    ReachabilityEngine blocked = f.engine;
    blocked.insertRule(0, denyBetween(QStringLiteral("dc3"), QStringLiteral("dc1")));
    bool flip = false;
    for (auto _ : state) {
        f.map.setState((flip = !flip) ? blocked : f.engine);
        paint(f.map, f.image);
    }
    state.counters["blocked_hops"] = [&] {
        f.map.setState(blocked);
        int n = 0;
        for (const MapHop &h : f.map.scene().hops())
            n += h.state() == VerdictState::Blocked;
        return double(n);
    }();
}
BENCHMARK(BM_MapVerdictChangeRepaint)
    ->ArgsProduct({{300, 10000}, {0, 1}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// Comparing two runs (File → Compare with…): the hops whose verdict differs, worked out on
// the UI thread when either run's state changes: the fleet with and without the deny rule.
void BM_CompareVerdictDifferences(benchmark::State &state)
{
    ReachabilityEngine a(syntheticFleet(int(state.range(0))));
    ReachabilityEngine b = a;
    b.insertRule(0, denyBetween(QStringLiteral("dc3"), QStringLiteral("dc1")));
    qsizetype differing = 0;
    for (auto _ : state)
        differing = verdictDifferences(a, b).size();
    state.counters["differing_hops"] = double(differing);
}
BENCHMARK(BM_CompareVerdictDifferences)
    ->Arg(300)
    ->Arg(10000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace
