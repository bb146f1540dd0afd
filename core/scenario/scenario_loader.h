#pragma once

#include "core/util/result.h"
#include "scenario.h"

#include <QByteArray>

#include <optional>

namespace warroom {

// Reads a scenario (YAML, or JSON which is YAML too) and validates it.
// Every problem of the file is reported at once, each as `file:line:column: message`;
// nothing is silently fixed.
Result<Scenario> loadScenarioFile(const QString &path);
Result<Scenario> parseScenario(const QByteArray &text, const QString &fileName);

// "90s", "5m", "2h", "3d", "1w", "250ms" or a number of seconds. -1 when malformed (or beyond
// any date: more than 9e15 ms).
qint64 parseDurationMs(const QString &text);

// A moment as people type it: an ISO 8601 time ("2020-05-25T08:50:00Z") or an offset from
// `originMs` ("3w8h50m", "+26d"). Milliseconds since the epoch; nothing when malformed.
std::optional<qint64> parseTime(const QString &text, qint64 originMs);

} // namespace warroom
