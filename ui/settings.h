#pragma once

#include <QStringList>

namespace warroom {

// What the war room remembers between sessions (QSettings), with its keys in one place.
namespace settings {
inline constexpr char kRecentFiles[] = "recentFiles";
inline constexpr char kRecordingGeometry[] = "recordingWindow/geometry";
inline constexpr char kRecordingSpeed[] = "recordingWindow/speed";
// Where the post-mortem editor sits: "tab", "side" or "window" (PostMortemPlace).
inline constexpr char kPostMortemPlace[] = "recordingWindow/postMortemPlace";
inline constexpr int kMaxRecentFiles = 8;

QStringList recentFiles();
void addRecentFile(const QString &path); // most recent first, no duplicates, at most 8
} // namespace settings

} // namespace warroom
