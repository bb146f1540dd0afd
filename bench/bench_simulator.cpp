// The simulator's speed: the bundled scenarios played without a file (events and samples per
// second), and a generated fleet of 300 nodes in three datacenters played for 24 hours at 1 Hz
// into a real recording. Each benchmark runs twice and fails if the two runs' hashes differ.
#include "core/counterfactual/counterfactual.h"
#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"
#include "core/sim/simulator.h"
#include "core/store/recording.h"
#include "core/store/recording_sink.h"
#include "core/store/recording_writer.h"
#include "core/summary/run_comparison.h"

#include <benchmark/benchmark.h>

#include <QFileInfo>
#include <QTemporaryDir>

using namespace warroom;

namespace {

class CountingSink final : public EventSink
{
public:
    void event(Event) override { ++events; }
    int beginSeries(const SeriesInfo &) override { return series++; }
    void sample(int, float) override { ++samples; }
    void endSeries(int) override {}
    void topologyVersion(qint64, const QString &, const QByteArray &) override {}
    qint64 events = 0;
    qint64 samples = 0;
    int series = 0;
};

// Three datacenters behind the internet; 3 load balancers, a pool of 270-290 app servers
// (balanced), 6 caches, a primary and 12-20 replicas: 300 nodes. A day of load with a link
// cut and a node crash.
QByteArray fleetScenario()
{
    QByteArray y = R"(name: fleet-300
start: 2024-03-04T00:00:00Z
duration: 1d
sites:
  - {id: internet, kind: internet}
  - {id: dc1, kind: datacenter, region: eu}
  - {id: dc2, kind: datacenter, region: eu}
  - {id: dc3, kind: datacenter, region: eu}
links:
  - {between: [internet, dc1]}
  - {between: [internet, dc2]}
  - {between: [internet, dc3]}
  - {between: [dc1, dc2]}
  - {between: [dc2, dc3]}
  - {between: [dc1, dc3]}
scaling_groups:
  - {id: app, roles: [proxy, app], capacity: 100, min: 270, max: 290, scale_out_above: 60,
     scale_in_below: 25, cooldown: 2m, warm_up: 1m, placement: balanced, sites: [dc1, dc2, dc3]}
  - {id: replicas, role: db_replica, capacity: 2000, min: 12, max: 20, scale_out_above: 60,
     scale_in_below: 20, cooldown: 5m, warm_up: 2m, placement: balanced, sites: [dc1, dc2, dc3]}
nodes:
  - {id: users, role: client, site: internet}
  - {id: lb-1, role: load_balancer, site: dc1, capacity: 100000}
  - {id: lb-2, role: load_balancer, site: dc2, capacity: 100000}
  - {id: lb-3, role: load_balancer, site: dc3, capacity: 100000}
  - {id: primary, role: db_primary, site: dc1, capacity: 100000}
)";
    for (int i = 1; i <= 6; ++i)
        y += "  - {id: cache-" + QByteArray::number(i) + ", role: cache, site: dc" +
             QByteArray::number((i - 1) % 3 + 1) + ", capacity: 100000}\n";
    for (int i = 1; i <= 270; ++i)
        y += "  - {id: app-" + QByteArray::number(i) + ", group: app, site: dc" +
             QByteArray::number((i - 1) % 3 + 1) + "}\n";
    for (int i = 1; i <= 12; ++i)
        y += "  - {id: replica-" + QByteArray::number(i) + ", group: replicas, site: dc" +
             QByteArray::number((i - 1) % 3 + 1) + "}\n";
    y += R"(dependencies:
  - {from: client, to: load_balancer, port: 443}
  - {from: load_balancer, to: proxy, port: 443}
  - {from: proxy, to: app, port: 8080, instances: same_node}
  - {from: app, to: cache, port: 6379, instances: all}
  - {from: app, to: db_primary, port: 5432, share: 20%}
  - {from: app, to: db_replica, port: 5432, share: 80%}
rules:
  - {id: web, action: allow, from: site:internet, to: role:load_balancer, ports: 443}
  - {id: no-inbound, action: deny, from: site:internet, to: any}
simulation: {tick: 1s, seed: 7}
load:
  source: client
  rate: 11000
  daily: [0.4, 0.35, 0.3, 0.3, 0.35, 0.5, 0.8, 1.1, 1.3, 1.4, 1.4, 1.4,
          1.3, 1.3, 1.4, 1.4, 1.3, 1.2, 1.1, 1.0, 0.9, 0.7, 0.6, 0.5]
  noise: 5%
schedule:
  - {at: 10h, change: link_down, target: dc1-dc3, for: 20m}
  - {at: 14h, change: node_crash, target: cache-3, for: 5m}
  - {at: 18h, change: site_offline, target: dc2, for: 10m}
)";
    return y;
}

void play(benchmark::State &state, const Scenario &scenario, bool record)
{
    QByteArray previous;
    qint64 produced = 0;
    qint64 events = 0;
    QTemporaryDir dir;
    for (auto _ : state) {
        Result<SimulationStats> stats = Error{};
        if (record) {
            auto writer = RecordingWriter::create(dir.filePath(QStringLiteral("fleet.warroom")));
            {
                RecordingSink sink(*writer.value());
                stats = simulate(scenario, {}, sink);
                sink.finish();
            }
            if (!writer.value()->close())
                state.SkipWithError("write failed");
        } else {
            CountingSink sink;
            stats = simulate(scenario, {}, sink);
        }
        if (!stats) {
            state.SkipWithError(qPrintable(stats.errors().first().toString()));
            break;
        }
        if (!previous.isEmpty() && previous != stats->eventsHash)
            state.SkipWithError("the same seed gave different events");
        previous = stats->eventsHash;
        produced += stats->events + stats->samples;
        events = stats->events;
        state.counters["samples"] = double(stats->samples);
    }
    state.counters["events"] = double(events);
    state.counters["produced_per_s"] =
        benchmark::Counter(double(produced), benchmark::Counter::kIsRate);
}

void BM_SimulateLemniscus4Weeks(benchmark::State &state)
{
    static const Scenario s =
        loadScenarioFile(QStringLiteral(WARROOM_SCENARIO_DIR "/lemniscus-2020.yaml")).value();
    play(state, s, false);
}

void BM_SimulatePagerDutyDay(benchmark::State &state)
{
    static const Scenario s =
        loadScenarioFile(QStringLiteral(WARROOM_SCENARIO_DIR "/pagerduty-2011.yaml")).value();
    play(state, s, false);
}

const Scenario &fleet()
{
    static const Scenario s = [] {
        auto parsed = parseScenario(fleetScenario(), QStringLiteral("fleet-300.yaml"));
        if (!parsed)
            qFatal("%s", qPrintable(parsed.errors().first().toString()));
        return parsed.value();
    }();
    return s;
}

// The same fleet with what issue 15 models: the links between the datacenters have a capacity
// (the 10:00 cut pushes dc1-dc2 and dc2-dc3 past it), callers time out and retry, and the app
// servers hold at most 200 requests at once.
const Scenario &modelledFleet()
{
    static const Scenario s = [] {
        QByteArray y = fleetScenario();
        y.replace("  - {between: [dc1, dc2]}", "  - {between: [dc1, dc2], capacity: 9000}");
        y.replace("  - {between: [dc2, dc3]}", "  - {between: [dc2, dc3], capacity: 9000}");
        y.replace("  - {between: [dc1, dc3]}", "  - {between: [dc1, dc3], capacity: 9000}");
        y.replace("capacity: 100, min: 270", "capacity: 100, max_concurrency: 200, min: 270");
        y.replace("  - {from: load_balancer, to: proxy, port: 443}",
                  "  - {from: load_balancer, to: proxy, port: 443, timeout: 2s,\n"
                  "     retries: {count: 2, backoff: 100ms}}");
        y.replace("  - {from: app, to: cache, port: 6379, instances: all}",
                  "  - {from: app, to: cache, port: 6379, instances: all, timeout: 500ms,\n"
                  "     retries: {count: 3, backoff: 0s, deadline: 2s}}");
        auto parsed = parseScenario(y, QStringLiteral("fleet-300-modelled.yaml"));
        if (!parsed)
            qFatal("%s", qPrintable(parsed.errors().first().toString()));
        return parsed.value();
    }();
    return s;
}

void BM_SimulateFleet300Day(benchmark::State &state)
{
    play(state, fleet(), false);
}

void BM_SimulateModelledFleet300Day(benchmark::State &state)
{
    play(state, modelledFleet(), false);
}

void BM_SimulateAndRecordModelledFleet300Day(benchmark::State &state)
{
    play(state, modelledFleet(), true);
}

// A drill on the modelled fleet: the instructor injects a change every simulated second (a
// link degraded and back, a node's capacity, a rule added and removed), stepped as a drill
// steps; reports simulated seconds per wall second (10x real time needed).
void BM_DrillEverySecondModelledFleet(benchmark::State &state)
{
    const qint64 seconds = 600;
    double simulated = 0.0;
    for (auto _ : state) {
        CountingSink sink;
        SimulationOptions options;
        options.toMs = seconds * 1000;
        auto stepped = SteppedSimulation::start(modelledFleet(), options, sink);
        if (!stepped) {
            state.SkipWithError("could not start");
            return;
        }
        for (qint64 i = 0; stepped.value()->step(); ++i) {
            ScheduledChange c;
            c.injectedBy = QStringLiteral("bench");
            switch (i % 4) {
            case 0:
                c.kind = ScheduledChange::Kind::LinkDegraded;
                c.target = QStringLiteral("dc1-dc3");
                break;
            case 1:
                c.kind = ScheduledChange::Kind::LinkUp;
                c.target = QStringLiteral("dc1-dc3");
                break;
            case 2:
                c.kind = ScheduledChange::Kind::Capacity;
                c.target = u"app-" + QString::number(1 + i % 270);
                c.capacity = 50 + double(i % 100);
                break;
            default:
                c.kind = ScheduledChange::Kind::RuleAdd;
                c.rule.id = u"drill-" + QString::number(i);
                c.rule.action = RuleAction::Allow;
                c.target = c.rule.id;
                c.forMs = 1000;
                break;
            }
            stepped.value()->inject(c);
        }
        stepped.value()->finish();
        simulated += double(seconds);
    }
    state.counters["simulated_s_per_s"] =
        benchmark::Counter(simulated, benchmark::Counter::kIsRate);
}

void BM_SimulateAndRecordFleet300Day(benchmark::State &state)
{
    play(state, fleet(), true);
}

// `warroom-cli compare`'s work on the two bundled PagerDuty runs (the incident and its standby
// variant), recorded once: open both, summarize both, compare.
void BM_ComparePagerDutyRuns(benchmark::State &state)
{
    static QTemporaryDir dir;
    QStringList files;
    for (const char *name : {"pagerduty-2011", "pagerduty-2011-standby"}) {
        const QString file = dir.filePath(QString::fromLatin1(name) + u".warroom");
        if (!QFileInfo::exists(file)) {
            const auto scenario = loadScenarioFile(QStringLiteral(WARROOM_SCENARIO_DIR "/") +
                                                   QString::fromLatin1(name) + u".yaml");
            if (!scenario || !recordSimulation(scenario.value(), {}, file)) {
                state.SkipWithError("could not record");
                return;
            }
        }
        files.append(file);
    }
    for (auto _ : state) {
        QList<RunOutcome> runs;
        for (const QString &file : files)
            runs.append(runOutcome(*Recording::open(file).value()));
        benchmark::DoNotOptimize(compareRuns(runs[0], runs[1]));
    }
}

// An action item's what-if simulated from the editor (on a worker): PagerDuty replayed with its
// standby variant into a new recording, both runs summarized and compared.
void BM_WhatIfPagerDutyStandby(benchmark::State &state)
{
    static QTemporaryDir dir;
    const QString incident = dir.filePath(QStringLiteral("pagerduty-2011.warroom"));
    if (!QFileInfo::exists(incident)) {
        const auto scenario =
            loadScenarioFile(QStringLiteral(WARROOM_SCENARIO_DIR "/pagerduty-2011.yaml"));
        if (!scenario || !recordSimulation(scenario.value(), {}, incident)) {
            state.SkipWithError("could not record");
            return;
        }
    }
    CounterfactualOptions options;
    options.outputPath = dir.filePath(QStringLiteral("what-if.warroom"));
    for (auto _ : state) {
        QFile::remove(options.outputPath);
        const auto replayed =
            replayWithChange(incident, QStringLiteral("pagerduty-2011-standby.yaml"), options);
        if (!replayed) {
            state.SkipWithError("could not replay");
            return;
        }
        benchmark::DoNotOptimize(replayed.value().rows);
    }
}

} // namespace

BENCHMARK(BM_WhatIfPagerDutyStandby)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);
BENCHMARK(BM_ComparePagerDutyRuns)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_SimulateLemniscus4Weeks)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_SimulatePagerDutyDay)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_SimulateFleet300Day)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(2);
BENCHMARK(BM_SimulateAndRecordFleet300Day)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);
BENCHMARK(BM_SimulateModelledFleet300Day)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);
BENCHMARK(BM_SimulateAndRecordModelledFleet300Day)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);
BENCHMARK(BM_DrillEverySecondModelledFleet)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);
