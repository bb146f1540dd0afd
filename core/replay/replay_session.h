#pragma once

#include "replay_data.h"

#include "core/util/latest_job.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>

namespace warroom {

class ReachabilityEngine;
class ReplayCursor;
class SharedFollower;

// How a live recording's writer is doing, as the window tells it.
struct LiveHealth
{
    bool live = false;            // the writer was running when last read
    bool writerStopped = false;   // ... and stopped without closing the recording (killed)
    qint64 writerLastSeenMs = -1; // its last heartbeat (wall clock, ms since the epoch)
    qint64 lastDataWallMs = -1;   // when the newest data arrived here (wall clock)
    qint64 lagMs = -1;            // from the newest event's arrival at the writer to here
    QString connectionLost;       // a shared incident's server cannot be reached: why
    qint64 diskFreeBytes = -1;    // a live file's disk: space left (-1: not known)
    bool diskFull() const { return diskFreeBytes >= 0 && diskFreeBytes < 1024 * 1024; }
};

// What is viewed and when: one recording, the cursor's time, playing and its speed, following
// a live recording's end, a seek asked beyond what is read yet, the two-step opening (first
// frame, then every event), the live refresh, a drill trainee's view. Views observe it and
// send it intents; it knows nothing of widgets, and its work on files runs on pool threads
// through latest-only jobs (a newer open cancels an older one, a superseded simulation stops).
class ReplaySession : public QObject
{
    Q_OBJECT

public:
    static constexpr double kMaxSpeed = 100'000.0;

    explicit ReplaySession(QObject *parent = nullptr);
    ~ReplaySession() override;

    // A recording, or a scenario: that is simulated first (simulationProgress() says how far)
    // into `cacheFolder`, then its recording opened. opened() or failed() follows.
    void open(const QString &path);
    void setCacheFolder(const QString &folder) { m_cacheFolder = folder; }
    QString cacheFolder() const;
    int simulationProgress() const; // 0..1000 while a scenario is simulated, -1 otherwise
    // A drill trainee's view: rule names hidden until the instructor reveals them. Before open.
    void setTraineeView(bool trainee) { m_trainee = trainee; }
    bool traineeView() const { return m_trainee; }
    void setLivePollInterval(int ms)
    {
        m_livePollMs = ms;
        m_livePoll.setInterval(ms);
    }

    const std::shared_ptr<const ReplayData> &data() const { return m_data; }
    bool isOpen() const { return m_data != nullptr; }

    // The clock. seek() clamps to what can be shown; a time beyond the events read so far is
    // remembered and taken once every event is read.
    qint64 time() const { return m_time; }
    // The cursor as far as the recording has data: following live, the clock runs on past the
    // recording's end, and what is read from it (charts, figures) stops there.
    qint64 dataTime() const { return m_data ? std::min(m_time, m_data->endMs) : m_time; }
    void seek(qint64 timeMs);
    // Moves the clock by a frame's wall time when playing (or following live). Returns whether
    // the time changed. The window's frame timer calls it; tests call it with any step.
    bool advance(qint64 elapsedMs);
    bool playing() const { return m_playing; }
    void setPlaying(bool playing);
    double speed() const { return m_speed; }
    void setSpeed(double speed); // clamped to 0.1 .. kMaxSpeed
    // When playing, a stretch with nothing recorded that would take longer than a second and a
    // half of wall time is skipped to shortly before the next event.
    bool skipQuiet() const { return m_skipQuiet; }
    void setSkipQuiet(bool skip);
    bool following() const { return m_following; }
    void setFollowing(bool following); // live recordings only
    qint64 lastShowable() const;       // the latest time whose events are all read
    LiveHealth liveHealth() const;
    // What is damaged in the recording: met while reading it, and found by the whole-file
    // check that runs once a file is opened (damageChecked() when it is done).
    QStringList damage() const;
    bool damageCheckDone() const { return m_damageChecked; }
    // This thread's time for the last live refresh that brought something: taking the data and
    // every view's answer to dataChanged (bench_follow_live: independent of what was there).
    qint64 lastRefreshNs() const { return m_lastRefreshNs; }

    // The state at the cursor: every dependency hop's verdict (null before the first topology
    // version); the generation changes whenever that state does. Seeks on demand.
    const ReachabilityEngine *engine();
    quint64 stateGeneration() const;
    NodeMarks nodeMarks() const; // nodes new, draining or just terminated at the cursor

Q_SIGNALS:
    void simulationStarted(const QString &scenarioPath);
    void opened();                       // a new recording: views reset from data()
    void dataChanged(qsizetype newFrom); // data() grew: events from newFrom on are new (-1: all)
    void loaded(const QString &path);    // ... and every event is read
    void timeChanged(qint64 timeMs);
    void stateChanged(); // playing, speed, following, live or the writer's health
    void failed(const QString &what, const QStringList &errors);
    void damageChecked(); // damage() is complete

private:
    void simulateThenOpen(const QString &scenarioPath);
    void openRecording(const QString &path);
    void adopt(std::shared_ptr<const ReplayData> data);
    void readAllEvents();
    void pollLive();
    void adoptLive(std::shared_ptr<const ReplayData> data);
    void follow(); // a shared incident: told of every commit instead of polling
    void connectionChanged(bool connected, const QString &why);
    void watchWriter();
    void writerLost(); // the live writer stopped without closing (killed, or waiting on a disk)
    bool writerGone() const; // the live writer stopped without closing (as far as can be seen)
    void fail(const QString &what, const ErrorList &errors);
    void setTime(qint64 timeMs);

    void rebuildCursor();
    void checkForDamage();

    std::shared_ptr<const ReplayData> m_data;
    std::unique_ptr<ReplayCursor> m_cursor;
    QString m_cacheFolder;
    bool m_trainee = false;
    qint64 m_time = 0;
    std::optional<qint64> m_pendingSeek;
    bool m_playing = false;
    double m_speed = 60.0;
    bool m_skipQuiet = false;
    bool m_following = false;
    QTimer m_livePoll;
    int m_livePollMs = 0; // how often a live file is read (setLivePollInterval)
    std::unique_ptr<SharedFollower> m_follower;
    quint64 m_followerGeneration = 0;
    QTimer m_writerWatch;        // a shared live incident: its writer's heartbeat, no reading
    bool m_refreshAgain = false; // told of a commit while a refresh was under way
    QString m_connectionLost;
    QElapsedTimer m_sinceReconnect;
    QElapsedTimer m_sinceGrowth; // wall time since a live recording last grew
    qint64 m_lastDataWallMs = -1;
    qint64 m_lagMs = -1;
    qint64 m_diskFreeBytes = -1; // of a live file's disk, at the last poll
    qint64 m_lastRefreshNs = 0;
    std::shared_ptr<std::atomic<int>> m_simulated;
    LatestJob m_opening{this}; // simulating, reading the first frame, then every event
    LatestJob m_refresh{this}; // the live poll
    QStringList m_checkedDamage;
    bool m_damageChecked = false;
    // The whole-file check of an opened file, on a thread of its own (not the pool's two).
    QThreadPool m_checkPool;
    LatestJob m_checking{this, &m_checkPool};
};

} // namespace warroom
