#pragma once

#include <QString>

namespace warroom {

// Text someone sent, for a message about it: in double quotes, at most `max` characters (an
// ellipsis after the quote says it was cut), with quotes, backslashes and anything that would
// not show (controls, format characters such as a zero-width space, unpaired surrogates, line
// separators, other spaces than ' ') escaped JSON-style, so that "start_ms\u200b" is not read as
// "start_ms".
QString quotedForMessage(const QString &text, qsizetype max = 40);

// Whether every character of `text` shows (no control or format character, no line separator,
// no unpaired surrogate): what names drawn or printed (ids, keys) must be.
bool showsWhole(const QString &text);

} // namespace warroom
