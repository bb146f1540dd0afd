#pragma once

#include "replay_data.h"

namespace warroom {

// A drill hides the root cause from its trainees until the instructor reveals it: the same
// data without the instructor's injections (their fault.started and fault.ended, and the
// rule.* events of rules they added) and with every rule's name replaced ("hidden-1",
// "hidden-2", ... in order of appearance) and rules' file places dropped, in topology
// versions, events (texts, subjects, details), the summary and the post-mortems. The symptoms
// stay: verdicts (blocked by a rule, which one hidden), alerts, the service's state. Views
// show it as they show any recording.
// The result's `unhidden` is the data as recorded. `before`, a hidden view of an earlier read
// of the same recording (a live refresh), spares hiding again what it already hid.
std::shared_ptr<const ReplayData>
withRootCauseHidden(std::shared_ptr<const ReplayData> data,
                    const std::shared_ptr<const ReplayData> &before = {});

// Whether a drill recording's root cause is hidden from trainees at its end: a drill that
// hides (meta drill_hidden) and no `drill.reveal` annotation yet.
bool rootCauseHidden(const ReplayData &data);

} // namespace warroom
