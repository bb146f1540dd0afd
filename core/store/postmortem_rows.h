#pragma once

#include "core/util/result.h"

#include <QByteArray>

#include <optional>

namespace warroom {

// Writes the post-mortem `id` (its JSON) into the recording or shared incident at `path` only
// if what is stored is still `expected` (empty: none yet), in one transaction: compare-and-set,
// so that desks writing one post-mortem at once never overwrite each other unseen. Written:
// nullopt (followers are told). Not written: what is stored now (empty: none), to merge with.
Result<std::optional<QByteArray>> writePostMortemIf(const QString &path, const QString &id,
                                                    const QByteArray &json,
                                                    const QByteArray &expected);

} // namespace warroom
