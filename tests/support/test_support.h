#pragma once

#include "core/analysis/reachability_engine.h"
#include "core/scenario/scenario.h"

#include <QStringList>

namespace warroom::test {

// Built with AddressSanitizer and UBSan (build-asan/, scripts/test-sanitized): code runs 5-15
// times slower there, so suites that repeat the same paths over long runs take a shorter share
// of them; the Release suite runs them all.
#ifdef WARROOM_SANITIZED
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif

// How long a test waits for a whole simulation (a what-if replayed, a variant compared) before
// failing: a wait that ends on its signal, long enough for a sanitized build on a busy machine
// (a 28-day what-if took over a minute there while two suites ran beside it).
inline constexpr int kSimulationWaitMs = 300'000;

// How long a test waits for a live effect (a poll seen, a commit followed, a probe drawn red)
// before calling it missing: a wait that ends as soon as the effect shows, not a latency budget.
// A loaded CI machine stretches polls and commits several-fold; how fast the effects come is
// measured by bench/ (bench_prometheus_latency, bench_follow_live), not by the suites.
inline constexpr int kLiveWaitMs = 60'000;

QString scenarioPath(const QString &name); // "lemniscus-2020" -> the bundled file
Scenario loadBundled(const QString &name); // fails the test when it does not load
// Simulates both bundled stories into DIR/lemniscus-2020.warroom and DIR/pagerduty-2011.warroom.
bool recordBundledStories(const QString &dir);
Scenario parseOrFail(const QByteArray &yaml, const QString &fileName = QStringLiteral("t.yaml"));

// Every alive edge that is not reachable, as "site/from -> site/to:port: verdict text".
QStringList brokenEdges(const ReachabilityEngine &engine);
// Every alive edge, in the same form, sorted.
QStringList allEdges(const ReachabilityEngine &engine);

} // namespace warroom::test
