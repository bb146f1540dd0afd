#pragma once

#include "core/events/event.h"
#include "postmortem.h"

namespace warroom {

class Recording;
struct RecordingSummary;

// A draft post-mortem from what was recorded: the impact computed from the summary, and a
// proposed timeline (every entry `Proposed`): the first symptom, alerts, outage start and end
// (with where errors were seen and the hop that failed), autoscaler decisions that mattered,
// rule, link and site changes, faults, failover, recovery, backlogs built and drained. Bursts of
// similar events become one entry with a count.
PostMortem proposePostMortem(const QList<Event> &events, const RecordingSummary &summary,
                             const QString &id = QStringLiteral("pm-1"));
PostMortem proposePostMortem(const Recording &recording,
                             const QString &id = QStringLiteral("pm-1"));

// The impact of a recording, from its summary.
Impact impactOf(const RecordingSummary &summary);
// The post-mortem with the impact its recording has now. The impact is computed, never typed:
// what a draft stored is only the impact when it was written, and a live incident's grows after.
PostMortem withImpactOf(PostMortem pm, const RecordingSummary &summary);

} // namespace warroom
