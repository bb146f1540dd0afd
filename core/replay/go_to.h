#pragma once

#include "core/util/result.h"

namespace warroom {

// What a person types to move the clock, all in UTC:
//   "2020-05-29T11:30Z", "2020-05-29 11:30"  a date and time
//   "16:10", "16:10:30"                      that time on the cursor's day (or the day before
//                                            or after, when only that is in the recording)
//   "+5m", "-1h30m"                          a move from the cursor
//   "3w1d8h50m"                              an offset from the recording's start
// The error says what was not understood and what is accepted, or that the time is outside
// the recording [startMs, endMs] and where that is.
Result<qint64> parseGoTo(const QString &text, qint64 cursorMs, qint64 startMs, qint64 endMs);

// One line for a field's tooltip and a refusal: the forms parseGoTo() takes.
QString goToHelp();

} // namespace warroom
