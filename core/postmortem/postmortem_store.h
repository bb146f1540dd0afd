#pragma once

#include "postmortem.h"

namespace warroom {

class Recording;

// The post-mortems written in a recording, in id order. One that cannot be read is left out and
// said in `problems` with its place ("l.warroom: post-mortem pm-2: timeline entry 3: …"): the
// others, and the recording, stay usable.
// `unreadableIds` says which ids those are (a new draft must not take one over).
QList<PostMortem> readPostMortems(const Recording &recording, ErrorList *problems = nullptr,
                                  QStringList *unreadableIds = nullptr);
// Writes a post-mortem into the recording at `path`, in one transaction (replacing the one
// with the same id). Safe to call from a worker thread.
Result<bool> savePostMortem(const QString &path, const PostMortem &postMortem);
// Takes the post-mortem `id` out of the recording (in one transaction, like a save).
Result<bool> removePostMortem(const QString &path, const QString &id);

} // namespace warroom
