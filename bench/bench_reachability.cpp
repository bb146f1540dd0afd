// Reachability on a generated fleet (100,000 vertices, 400,000 links, 5 % down) and the cost
// of one link change on the Lemniscus scenario. `--dump-graph=FILE` writes the generated
// graph's up links and prints what the search from vertex 0 reaches, for compare_networkx.py.
#include "core/analysis/reachability_engine.h"
#include "core/scenario/scenario_loader.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstring>
#include <random>

using namespace warroom;

namespace {

constexpr int kVertices = 100'000;
constexpr int kLinks = 400'000;
constexpr double kDownShare = 0.05;

NetworkGraph &fleet()
{
    static NetworkGraph graph = [] {
        std::mt19937_64 random(2020);
        std::uniform_int_distribution<int> pick(0, kVertices - 1);
        std::vector<std::pair<int, int>> edges;
        edges.reserve(kLinks);
        for (int i = 0; i < kLinks; ++i)
            edges.emplace_back(pick(random), pick(random));
        NetworkGraph g(kVertices, edges);
        std::bernoulli_distribution down(kDownShare);
        for (int i = 0; i < kLinks; ++i)
            g.setEdgeUp(i, !down(random));
        g.live(); // build the live copy once, as the engine does after a change
        return g;
    }();
    return graph;
}

void BM_SearchAllLinks(benchmark::State &state)
{
    const NetworkGraph &g = fleet();
    for (auto _ : state)
        benchmark::DoNotOptimize(g.searchIgnoringState(0));
}
BENCHMARK(BM_SearchAllLinks)->Unit(benchmark::kMillisecond);

void BM_SearchUpLinksLiveCopy(benchmark::State &state)
{
    const NetworkGraph &g = fleet();
    for (auto _ : state)
        benchmark::DoNotOptimize(g.search(0));
}
BENCHMARK(BM_SearchUpLinksLiveCopy)->Unit(benchmark::kMillisecond);

void BM_SearchUpLinksFilteredView(benchmark::State &state)
{
    const NetworkGraph &g = fleet();
    for (auto _ : state)
        benchmark::DoNotOptimize(g.searchFiltered(0));
}
BENCHMARK(BM_SearchUpLinksFilteredView)->Unit(benchmark::kMillisecond);

void BM_RebuildLiveCopy(benchmark::State &state)
{
    NetworkGraph &g = fleet();
    bool up = false;
    for (auto _ : state) {
        g.setEdgeUp(1, up);
        up = !up;
        benchmark::DoNotOptimize(&g.live());
    }
}
BENCHMARK(BM_RebuildLiveCopy)->Unit(benchmark::kMillisecond);

void BM_LemniscusLinkDownReverdict(benchmark::State &state)
{
    const Result<Scenario> s =
        loadScenarioFile(QStringLiteral(WARROOM_SCENARIO_DIR "/lemniscus-2020.yaml"));
    ReachabilityEngine engine(s.value().topology);
    const int link = engine.topology().linkIndex(QStringLiteral("dc1-dc2"));
    bool down = true;
    std::size_t changed = 0;
    for (auto _ : state) {
        changed += engine.setLinkState(link, down ? ElementState::Down : ElementState::Up).size();
        down = !down;
    }
    state.counters["edges"] = double(engine.aliveEdges().size());
    state.counters["changed_per_op"] = double(changed) / double(state.iterations());
}
BENCHMARK(BM_LemniscusLinkDownReverdict)->Unit(benchmark::kMicrosecond);

int dumpGraph(const char *path)
{
    const NetworkGraph &g = fleet();
    FILE *out = std::fopen(path, "w");
    if (!out)
        return 2;
    for (int i = 0; i < g.edgeCount(); ++i) {
        if (g.edgeUp(i))
            std::fprintf(out, "%d %d\n", g.endpoints(i).first, g.endpoints(i).second);
    }
    std::fclose(out);
    const SearchTree tree = g.search(0);
    unsigned long long sum = 0;
    for (int v = 0; v < kVertices; ++v)
        sum += tree.reached(v) ? static_cast<unsigned long long>(v) * v : 0;
    std::printf("{\"vertices\": %d, \"reached\": %d, \"checksum\": %llu}\n", kVertices,
                tree.reachedCount(), sum);
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        if (std::strncmp(argv[i], "--dump-graph=", 13) == 0)
            return dumpGraph(argv[i] + 13);
    }
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
