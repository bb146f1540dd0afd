#include "replay_session.h"

#include "replay_cursor.h"
#include "root_cause_hidden.h"

#include "core/scenario/scenario_loader.h"
#include "core/sim/record_simulation.h"
#include "core/store/recording.h"
#include "core/store/shared_address.h"
#include "core/store/shared_follower.h"
#include "core/util/handover.h"
#include "core/util/json_ms.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QStorageInfo>
#include <QThreadPool>

namespace warroom {

namespace {

constexpr int kLivePollMs = 250;          // a live recording is read again this often
constexpr int kGonePollMs = 5000;         // ... one whose writer stopped without closing it
constexpr qint64 kWriterSilentMs = 10000; // no heartbeat this long: the writer is gone
constexpr qint64 kQuietWallMs = 1500;     // "skip quiet": a gap longer than this in wall time
constexpr qint64 kQuietLandWallMs = 400;  // ... lands this long (wall time) before the event

using ReadResult = Result<std::shared_ptr<const ReplayData>>;

// A trainee's view of a drill hides the rule names until the instructor reveals them.
// `shown`: what the session shows now (what was hidden then need not be hidden again).
ReadResult asShown(ReadResult read, bool trainee, std::shared_ptr<const ReplayData> shown = {})
{
    if (!read || !trainee || !rootCauseHidden(*read.value()))
        return read;
    return withRootCauseHidden(read.value(), shown);
}

// The data as recorded, which reads and refreshes start from.
std::shared_ptr<const ReplayData> recorded(const std::shared_ptr<const ReplayData> &data)
{
    return data->unhidden ? data->unhidden : data;
}

QStringList texts(const ErrorList &errors)
{
    QStringList out;
    for (const Error &e : errors)
        out.append(e.toString());
    return out;
}

// Data the session no longer shows is freed on a pool thread: the last reference to a million
// events costs tens of milliseconds to drop, and the UI thread has no such time.
void retire(std::shared_ptr<const ReplayData> old)
{
    if (old && old.use_count() == 1)
        startInPool(QThreadPool::globalInstance(),
                    [old = std::move(old)]() mutable { old.reset(); });
}

bool writerStopped(const ReplayData &data)
{
    return data.live && data.heartbeatMs > 0 &&
           QDateTime::currentMSecsSinceEpoch() - data.heartbeatMs > kWriterSilentMs;
}

} // namespace

ReplaySession::ReplaySession(QObject *parent)
    : QObject(parent)
{
    m_livePollMs = kLivePollMs;
    m_checkPool.setMaxThreadCount(1);
    m_livePoll.setInterval(m_livePollMs);
    connect(&m_livePoll, &QTimer::timeout, this, &ReplaySession::pollLive);
    m_writerWatch.setInterval(1000);
    connect(&m_writerWatch, &QTimer::timeout, this, &ReplaySession::watchWriter);
}

ReplaySession::~ReplaySession() = default;

void ReplaySession::rebuildCursor()
{
    m_cursor = std::make_unique<ReplayCursor>(m_data);
}

const ReachabilityEngine *ReplaySession::engine()
{
    if (!m_cursor)
        return nullptr;
    m_cursor->seek(m_time);
    return m_cursor->engine();
}

quint64 ReplaySession::stateGeneration() const
{
    return m_cursor ? m_cursor->stateGeneration() : 0;
}

NodeMarks ReplaySession::nodeMarks() const
{
    return m_data && m_data->lives ? m_data->lives->at(m_time) : NodeMarks();
}

QString ReplaySession::cacheFolder() const
{
    return m_cacheFolder.isEmpty()
               ? QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                     QStringLiteral("/recordings")
               : m_cacheFolder;
}

int ReplaySession::simulationProgress() const
{
    return m_simulated ? m_simulated->load() : -1;
}

void ReplaySession::open(const QString &path)
{
    // Whatever the last recording was still reading for a refresh is not this one's.
    m_refresh.cancel();
    m_livePoll.stop();
    m_writerWatch.stop();
    m_follower.reset();
    ++m_followerGeneration;
    m_connectionLost.clear();
    m_refreshAgain = false;
    if (QFileInfo::exists(path) && !Recording::looksLikeRecording(path))
        simulateThenOpen(path);
    else
        openRecording(path);
}

void ReplaySession::simulateThenOpen(const QString &scenarioPath)
{
    const QString folder = cacheFolder();
    QDir().mkpath(folder);
    const QString out = folder + u'/' + QFileInfo(scenarioPath).completeBaseName() + u".warroom";
    auto progress = std::make_shared<std::atomic<int>>(0);
    m_simulated = progress;
    Q_EMIT simulationStarted(scenarioPath);
    m_opening.run(
        [scenarioPath, out, progress](const JobControl &control) {
            const Result<Scenario> scenario = loadScenarioFile(scenarioPath);
            if (!scenario)
                return Result<SimulationStats>(scenario.errors());
            SimulationOptions options;
            options.progress = [progress](qint64 done, qint64 total) {
                progress->store(int(1000 * done / std::max<qint64>(1, total)));
            };
            // A superseded simulation stops; it never renames its partial file over the
            // recording its successor writes.
            options.cancelled = [control] { return control.cancelled(); };
            return recordSimulation(scenario.value(), options, out);
        },
        [this, out](Result<SimulationStats> result) {
            m_simulated.reset();
            if (!result)
                return fail(tr("Cannot simulate the scenario"), result.errors());
            openRecording(out);
        });
}

void ReplaySession::openRecording(const QString &path)
{
    m_simulated.reset();
    m_opening.run([path, trainee = m_trainee](
                      const JobControl &) { return asShown(loadReplayData(path), trainee); },
                  [this](ReadResult result) {
                      if (!result)
                          return fail(tr("Cannot open the recording"), result.errors());
                      adopt(result.value());
                  });
}

void ReplaySession::checkForDamage()
{
    m_checkedDamage.clear();
    m_damageChecked = false;
    if (isSharedAddress(m_data->path)) { // PostgreSQL keeps its own integrity
        m_checking.cancel();
        m_damageChecked = true;
        return;
    }
    m_checking.run(
        [path = m_data->path](const JobControl &job) {
            // (A file that cannot be opened again now, moved or busy, is not called damaged.)
            auto opened = Recording::open(path);
            return opened ? opened.value()->check([&job] { return job.cancelled(); })
                          : QStringList();
        },
        [this](QStringList found) {
            m_checkedDamage = std::move(found);
            m_damageChecked = true;
            Q_EMIT stateChanged();
            Q_EMIT damageChecked();
        });
}

QStringList ReplaySession::damage() const
{
    QStringList all = m_data ? m_data->damage : QStringList();
    addDamage(all, m_checkedDamage);
    return all;
}

void ReplaySession::adopt(std::shared_ptr<const ReplayData> data)
{
    std::shared_ptr<const ReplayData> old = std::exchange(m_data, std::move(data));
    rebuildCursor();
    m_pendingSeek.reset();
    m_playing = false;
    m_lagMs = -1;
    m_lastDataWallMs = -1;
    m_sinceGrowth.start();
    m_time = m_data->startMs;
    m_following = false;
    const bool shared = isSharedAddress(m_data->path);
    m_diskFreeBytes = m_data->diskFreeBytes;
    m_livePoll.setInterval(m_livePollMs);
    if (m_data->live && (!writerStopped(*m_data) || liveHealth().diskFull())) {
        if (shared)
            m_writerWatch.start();
        else
            m_livePoll.start();
        m_following = true;
        m_time = m_data->endMs;
    } else if (m_data->live && !shared) {
        m_livePoll.setInterval(kGonePollMs); // watched on: its writer may come back
        m_livePoll.start();
    } else {
        m_livePoll.stop();
    }
    if (shared) // live or not, others may write its post-mortems
        follow();
    checkForDamage();
    Q_EMIT opened();
    retire(std::move(old)); // every view holds the new data now
    Q_EMIT stateChanged();
    Q_EMIT timeChanged(m_time);
    if (m_data->complete)
        Q_EMIT loaded(m_data->path);
    else
        readAllEvents();
}

void ReplaySession::readAllEvents()
{
    m_opening.run(
        [shown = m_data, trainee = m_trainee](const JobControl &) {
            return asShown(withAllEvents(recorded(shown)), trainee, shown);
        },
        [this](ReadResult result) {
            if (!result)
                return fail(tr("Cannot read the recording's events"), result.errors());
            std::shared_ptr<const ReplayData> old = std::exchange(m_data, result.value());
            rebuildCursor();
            Q_EMIT dataChanged(-1);
            retire(std::move(old));
            if (m_pendingSeek) // asked for while the events were being read
                setTime(std::clamp(*std::exchange(m_pendingSeek, std::nullopt), m_data->startMs,
                                   m_data->endMs));
            Q_EMIT loaded(m_data->path);
            if (std::exchange(m_refreshAgain, false))
                pollLive();
        });
}

void ReplaySession::follow()
{
    if (m_follower)
        return;
    m_follower = std::make_unique<SharedFollower>(m_data->path);
    // What a follower of an earlier recording posted before it went is not this one's news.
    const SharedFollower *follower = m_follower.get();
    const quint64 generation = ++m_followerGeneration;
    connect(follower, &SharedFollower::changed, this, [this, generation] {
        if (generation == m_followerGeneration && m_follower)
            pollLive();
    });
    connect(follower, &SharedFollower::connectionChanged, this,
            [this, generation](bool connected, const QString &why) {
                if (generation == m_followerGeneration && m_follower)
                    connectionChanged(connected, why);
            });
    m_follower->start();
}

void ReplaySession::connectionChanged(bool connected, const QString &why)
{
    const bool wasLost = !m_connectionLost.isEmpty();
    m_connectionLost = connected ? QString() : why;
    if (connected && wasLost) {
        // The writer's heartbeats were held up too: it is judged again once they could come.
        m_sinceReconnect.start();
        if (m_data && m_data->live)
            m_writerWatch.start();
    }
    if (connected) // whatever was committed while away (or before listening began)
        pollLive();
    if (wasLost != !m_connectionLost.isEmpty() || !connected)
        Q_EMIT stateChanged();
}

bool ReplaySession::writerGone() const
{
    // Not judged while the server cannot be reached, nor just after: the heartbeats wait too.
    if (!m_connectionLost.isEmpty() ||
        (m_sinceReconnect.isValid() && m_sinceReconnect.elapsed() < kWriterSilentMs))
        return false;
    return writerStopped(*m_data);
}

void ReplaySession::watchWriter()
{
    if (!m_data || !m_data->live || !writerGone())
        return;
    m_writerWatch.stop();
    m_following = false;
    Q_EMIT stateChanged();
}

void ReplaySession::fail(const QString &what, const ErrorList &errors)
{
    m_simulated.reset();
    Q_EMIT failed(what, texts(errors));
}

void ReplaySession::setTime(qint64 timeMs)
{
    if (timeMs == m_time)
        return;
    m_time = timeMs;
    Q_EMIT timeChanged(m_time);
}

qint64 ReplaySession::lastShowable() const
{
    if (!m_data)
        return 0;
    // Until every event is read, the clock stays where the events read so far are complete.
    return m_data->complete ? m_data->endMs : std::max(m_data->startMs, m_data->eventsUntilMs - 1);
}

void ReplaySession::seek(qint64 timeMs)
{
    if (!m_data)
        return;
    if (m_following && timeMs < m_data->endMs)
        setFollowing(false); // scrubbed back: following again is one intent away
    const qint64 clamped = std::clamp(timeMs, m_data->startMs, lastShowable());
    if (clamped != timeMs && !m_data->complete)
        m_pendingSeek = timeMs; // taken once every event is read
    setTime(clamped);
}

bool ReplaySession::advance(qint64 elapsedMs)
{
    if (!m_data)
        return false;
    const qint64 before = m_time;
    if (m_following) {
        // The clock keeps moving with wall time while the feed is quiet.
        setTime(m_data->endMs + m_sinceGrowth.elapsed());
    } else if (m_playing) {
        qint64 next = m_time + qint64(double(elapsedMs) * m_speed);
        if (m_skipQuiet) {
            const QList<Event> &events = m_data->events;
            const auto it =
                std::upper_bound(events.cbegin(), events.cend(), m_time,
                                 [](qint64 at, const Event &e) { return at < e.timeMs; });
            if (it != events.cend() && double(it->timeMs - m_time) / m_speed > double(kQuietWallMs))
                next = std::max(next, it->timeMs - qint64(kQuietLandWallMs * m_speed));
        }
        setTime(std::min(lastShowable(), next));
        if (m_time >= m_data->endMs)
            setPlaying(false);
    }
    return m_time != before;
}

void ReplaySession::setPlaying(bool playing)
{
    playing = playing && m_data;
    if (playing && m_following)
        setFollowing(false);
    if (playing && m_data && m_time >= lastShowable() && m_data->complete && !m_data->live)
        setTime(m_data->startMs); // played to the end: play again from the start
    if (playing == m_playing)
        return;
    m_playing = playing;
    Q_EMIT stateChanged();
}

void ReplaySession::setSpeed(double speed)
{
    speed = std::clamp(speed, 0.1, kMaxSpeed);
    if (speed == m_speed)
        return;
    m_speed = speed;
    Q_EMIT stateChanged();
}

void ReplaySession::setSkipQuiet(bool skip)
{
    if (skip == m_skipQuiet)
        return;
    m_skipQuiet = skip;
    Q_EMIT stateChanged();
}

void ReplaySession::setFollowing(bool following)
{
    following = following && m_data && m_data->live && !writerStopped(*m_data);
    if (following == m_following)
        return;
    m_following = following;
    if (m_following) {
        m_playing = false;
        setTime(m_data->endMs + m_sinceGrowth.elapsed());
    }
    Q_EMIT stateChanged();
}

LiveHealth ReplaySession::liveHealth() const
{
    LiveHealth health;
    if (!m_data)
        return health;
    health.writerStopped = writerGone();
    health.live = m_data->live && !health.writerStopped;
    health.writerLastSeenMs = m_data->heartbeatMs;
    health.lastDataWallMs = m_lastDataWallMs;
    health.lagMs = m_lagMs;
    health.connectionLost = m_connectionLost;
    health.diskFreeBytes = m_diskFreeBytes;
    return health;
}

void ReplaySession::writerLost()
{
    m_following = false;
    m_writerWatch.stop();
    if (isSharedAddress(m_data->path)) {
        m_livePoll.stop();
    } else {
        // A file is watched on (slowly unless its disk is full): a writer that waited for
        // space, or one started again on it, goes on, and the window with it.
        m_livePoll.setInterval(liveHealth().diskFull() ? m_livePollMs : kGonePollMs);
        if (!m_livePoll.isActive())
            m_livePoll.start();
    }
    Q_EMIT stateChanged();
}

void ReplaySession::pollLive()
{
    if (m_refresh.pending() || !m_data || !m_data->complete) {
        // A big recording's events are still being read (grow from all of them), or a refresh
        // is under way: what was committed since is read right after.
        m_refreshAgain = m_data != nullptr;
        return;
    }
    m_refresh.run(
        [shown = m_data, trainee = m_trainee](const JobControl &) {
            // A file's disk too: a writer gone quiet on a full disk waits, it did not die.
            const qint64 free =
                isSharedAddress(shown->path)
                    ? -1
                    : QStorageInfo(QFileInfo(shown->path).absolutePath()).bytesAvailable();
            return std::pair(asShown(refreshReplayData(recorded(shown)), trainee, shown), free);
        },
        [this](std::pair<ReadResult, qint64> polled) {
            auto &[result, free] = polled;
            m_diskFreeBytes = free;
            if (result)
                adoptLive(result.value());
            if (std::exchange(m_refreshAgain, false))
                pollLive();
        });
}

void ReplaySession::adoptLive(std::shared_ptr<const ReplayData> data)
{
    if (data == m_data) {
        // A quiet poll: nothing came. The writer may have died meanwhile (one waiting for
        // space on a full disk is watched on: it goes on once there is space).
        if (writerGone())
            writerLost();
        return;
    }
    QElapsedTimer cost;
    cost.start();
    const qsizetype before = m_data->events.size();
    // A trainee's view that shows the rule names from now on (revealed) is read anew.
    const bool sameHiding = (data->unhidden == nullptr) == (m_data->unhidden == nullptr) &&
                            data->revealedByServer == m_data->revealedByServer;
    const bool appended =
        sameHiding && data->events.size() >= before &&
        (before == 0 || data->events[before - 1].id == m_data->events[before - 1].id);
    const bool grew = data->events.size() != before || data->endMs != m_data->endMs ||
                      data->versions.size() != m_data->versions.size();
    const bool wasLive = m_data->live;
    if (!grew && sameHiding && data->live == wasLive &&
        data->postMortemsStamp == m_data->postMortemsStamp) {
        // Only the writer's heartbeat moved: nothing any view shows changed.
        std::shared_ptr<const ReplayData> old = std::exchange(m_data, std::move(data));
        m_cursor->grow(m_data);
        retire(std::move(old));
        return;
    }
    std::shared_ptr<const ReplayData> old = std::exchange(m_data, std::move(data));
    if (!appended) {
        rebuildCursor();
    } else if (grew) {
        m_cursor->grow(m_data);
    }
    if (grew) {
        m_sinceGrowth.restart();
        m_lastDataWallMs = QDateTime::currentMSecsSinceEpoch();
    }
    if (m_data->events.size() > before) {
        // How long the newest event took from the writer's socket to here.
        const qint64 received =
            jsonMs(m_data->events.last().details.value(QStringLiteral("received_ms")));
        m_lagMs = received > 0 ? QDateTime::currentMSecsSinceEpoch() - received : -1;
    }
    const bool stopped = writerGone();
    if (!m_data->live) {
        m_livePoll.stop();
        m_writerWatch.stop();
        m_following = false;
    } else if (stopped) {
        writerLost();
    } else if (m_livePoll.interval() != m_livePollMs) { // its writer came back
        m_livePoll.setInterval(m_livePollMs);
        m_following = true;
    }
    Q_EMIT dataChanged(appended ? before : -1);
    retire(std::move(old));
    if (m_following)
        setTime(m_data->endMs);
    if (m_data->live != wasLive || stopped)
        Q_EMIT stateChanged();
    m_lastRefreshNs = cost.nsecsElapsed();
}

} // namespace warroom
