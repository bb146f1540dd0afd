#pragma once

#include <QByteArray>

namespace warroom {

class Recording;

// What a recording holds, hashed from what is stored (not from what it says of itself): equal
// for exact copies (a file and the incident pushed from it, pulled back, …), different when
// anything in the events or samples changed.
struct ContentHashes
{
    qint64 events = 0;
    QByteArray eventsHash; // SHA-256, hex, over every event in order, as the simulator hashes
                           // them: a simulated recording's equals its events_hash
    qint64 samples = 0;
    QByteArray samplesHash; // SHA-256, hex, over every series (id order): its key, then the
                            // bits of every sample
};

ContentHashes contentHashes(const Recording &recording);

} // namespace warroom
