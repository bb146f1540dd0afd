#pragma once

#include "core/analysis/reachability_engine.h"
#include "core/store/recording.h"
#include "replay_data.h"

#include <memory>

namespace warroom {

// "What was the state at time t?" for a recording: which nodes ran, which links, sites and
// nodes were up, and the verdict of every dependency edge. The state is the topology version
// in force at t with the state changes recorded after it applied in order; moving forward
// applies only the events in between, moving back (or past a new version) reloads.
class ReplayCursor
{
public:
    explicit ReplayCursor(const Recording &recording);
    // The same over a recording already read into memory (the war-room window's).
    explicit ReplayCursor(std::shared_ptr<const ReplayData> data);

    void seek(qint64 timeMs);
    // The same recording read again with more at its end (a live refresh): the state built so
    // far stays, and what came is applied as the cursor moves over it. Events that came for a
    // time already applied, or data that is not the old one grown, build the state again.
    void grow(std::shared_ptr<const ReplayData> data);
    qint64 time() const { return m_time; }

    // Null before the first topology version.
    const ReachabilityEngine *engine() const { return m_engine.get(); }
    // Changes whenever the state does (a version loaded, an event applied): views redraw
    // only when it moved, not on every seek.
    quint64 stateGeneration() const { return m_generation; }

private:
    void load(int version);
    void apply(const Event &event);
    void applyEvents(qint64 afterMs, qint64 uptoMs, bool inclusiveStart);
    bool stateChangesIn(qint64 afterMs, qint64 uptoMs) const; // (afterMs, uptoMs], read data

    const Recording *m_recording = nullptr;
    std::shared_ptr<const ReplayData> m_data;
    QList<TopologyVersion> m_versions;
    int m_version = -1;
    qint64 m_time = std::numeric_limits<qint64>::min();
    std::unique_ptr<ReachabilityEngine> m_engine;
    quint64 m_generation = 0;
};

} // namespace warroom
