#pragma once

#include "core/summary/run_comparison.h"
#include "core/util/result.h"

#include <functional>

namespace warroom {

struct CounterfactualOptions
{
    QString outputPath; // the replay with the change is recorded here
    // Called now and then with the simulated offset and the end offset.
    std::function<void(qint64 doneMs, qint64 endMs)> progress;
    std::function<bool()> cancelled; // true stops the replay, which then fails ("cancelled")
};

struct Counterfactual
{
    QString outputPath;
    RunOutcome actual;  // the incident as recorded
    RunOutcome changed; // replayed with the change
    QList<ComparisonRow> rows;
};

// The incident recorded in `recordingPath` replayed with `whatIf` (an action item's, see
// postmortem.h: a variant scenario file or what-if changes), from the same scenario and seed,
// and compared with the recording. The scenario is the recording's own file (as it was given
// to the simulator, relative to the working folder or the recording's), or its text kept in
// the recording; a variant file is looked for as given, then beside that scenario, then
// beside the recording. A recording that was not simulated cannot be replayed.
Result<Counterfactual> replayWithChange(const QString &recordingPath, const QString &whatIf,
                                        const CounterfactualOptions &options);

} // namespace warroom
