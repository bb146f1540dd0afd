#pragma once

#include "analysis.h"

#include <QJsonObject>

namespace warroom {

// The analysis as people read it (warroom-cli analyze) and as programs read it (--json).
// The JSON layout is documented in docs/cli.md and versioned by its "version" field.
QString analysisText(const Analysis &analysis);
QJsonObject analysisJson(const Analysis &analysis);

QJsonObject verdictJson(const Verdict &verdict);

} // namespace warroom
