#pragma once

#include <QJsonObject>

namespace warroom {

class RecordingWindow;

// What the war-room window shows, as JSON (`warroom FILE --state OUT.json`, docs/war-room.md):
// the cursor, the service's state and the header's text, each chart's title, range and axes,
// the log's highlighted row and filters, the panel with the keyboard, the selected node's
// hops, and the map's geometry. Scripts and tests check the window through it.
QJsonObject windowState(const RecordingWindow &window);

} // namespace warroom
