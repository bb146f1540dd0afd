#pragma once

#include "postmortem.h"

namespace warroom {

// Post-mortems written together (docs/shared.md). A post-mortem is edited part by part: each
// field ("field:summary"), each timeline entry ("entry:u3") and each action item
// ("action:a-3f9c2e01", by its id) has its own revision, last author and time in `revisions`.

// Who writes: `--as NAME`, else the OS user.
QString postMortemAuthor();
void setPostMortemAuthor(const QString &name);

// Every part of `to` that differs from `from` gets the next revision, by `author` at `atMs`.
void stampRevisions(PostMortem &to, const PostMortem &from, const QString &author, qint64 atMs);

// Three-way merge of two desks' edits since `base`. A part changed on one side only takes that
// change; a part changed on both sides alike is that; a part changed differently on both keeps
// `mine` (the later write: the desk merging writes next) and keeps `theirs` in `conflicts`,
// never lost. A part of `theirs` whose revision is not newer than `base`'s is not a change (an
// old read arriving late). Entries both sides added under one id are both kept.
PostMortem mergePostMortems(const PostMortem &base, const PostMortem &mine,
                            const PostMortem &theirs);

// The change `from` → `to` applied onto `current`, only on parts that `current` still has as
// `from` had them: undoing one's own edit leaves what others wrote since alone.
PostMortem applyChange(const PostMortem &current, const PostMortem &from, const PostMortem &to);

// The conflict at `index` settled: with `useKept` its kept value replaces the part's, else it
// is dropped.
PostMortem resolveConflict(const PostMortem &pm, int index, bool useKept);

// A conflict's part, in words: "Summary", "timeline entry u3", "action item a-3f9c2e01".
QString partLabel(const QString &part);

} // namespace warroom
