#pragma once

#include <QString>

namespace warroom::bench {

// Writes (once per path) a 24-hour recording of a 300-node fleet in three datacenters whose 36
// links flap 1,000,000 times, with 116 series at 1 Hz (10,022,400 samples), written the way the
// simulator writes: a topology version every 1,000 changes. Returns the path.
QString bigRecording(const QString &path);

} // namespace warroom::bench
