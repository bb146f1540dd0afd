#pragma once

#include "core/util/handover.h"

#include <QObject>
#include <QThreadPool>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <type_traits>

namespace warroom {

// What a running job looks at to know whether it is still wanted: a long job (a simulation,
// reading a million events) checks it between steps and returns early when it is not.
class JobControl
{
public:
    explicit JobControl(std::shared_ptr<const std::atomic<bool>> cancelled)
        : m_cancelled(std::move(cancelled))
    {}
    bool cancelled() const { return m_cancelled->load(std::memory_order_relaxed); }

private:
    std::shared_ptr<const std::atomic<bool>> m_cancelled;
};

// Background work whose newer request supersedes the older (Hotspot's JobTracker): run()
// cancels the job before and starts the new one on a pool thread; its result is applied on the
// owner's thread only if no newer job was started (or cancel() called) meanwhile. Destruction
// cancels and waits for the jobs still running. Keep it a member of its owner: the owner then
// outlives every job, and a result posted to an owner that is gone is dropped by Qt.
class LatestJob
{
public:
    explicit LatestJob(QObject *owner, QThreadPool *pool = QThreadPool::globalInstance())
        : m_owner(owner)
        , m_pool(pool)
        , m_state(std::make_shared<State>())
    {}
    ~LatestJob()
    {
        cancel();
        wait();
    }
    LatestJob(const LatestJob &) = delete;
    LatestJob &operator=(const LatestJob &) = delete;

    // `job(const JobControl &)` runs on a pool thread; `apply(result)` on the owner's thread,
    // only if the job is still the latest when it arrives.
    template<typename Job, typename Apply> void run(Job job, Apply apply)
    {
        using T = std::invoke_result_t<Job &, const JobControl &>;
        const std::shared_ptr<State> state = m_state;
        auto cancelled = std::make_shared<std::atomic<bool>>(false);
        quint64 generation = 0;
        {
            std::lock_guard lock(state->mutex);
            if (state->cancelled)
                state->cancelled->store(true);
            state->cancelled = cancelled;
            generation = ++state->generation;
            ++state->running;
        }
        startInPool(m_pool, [state, generation, cancelled, owner = m_owner, job = std::move(job),
                             apply = std::move(apply)]() mutable {
            if (!cancelled->load()) {
                auto result = std::make_shared<T>(job(JobControl(cancelled)));
                if (!cancelled->load()) {
                    // The owner's thread holds the only reference from here on: what it
                    // applies is never freed behind its back by this thread.
                    postTo(owner, [state, generation, result = std::move(result),
                                   apply = std::move(apply)]() mutable {
                        if (state->current(generation)) {
                            state->finish(generation);
                            apply(std::move(*result));
                        } else {
                            // Superseded: freed on a pool thread, not on the owner's (a million
                            // events take tens of milliseconds to free).
                            startInPool(
                                QThreadPool::globalInstance(),
                                [dropped = std::move(result)]() mutable { dropped.reset(); });
                        }
                    });
                }
            }
            std::lock_guard lock(state->mutex);
            --state->running;
            state->idle.notify_all();
        });
    }

    // The running job (if any) is told to stop; its result will not be applied.
    void cancel()
    {
        std::lock_guard lock(m_state->mutex);
        if (m_state->cancelled)
            m_state->cancelled->store(true);
        m_state->cancelledAt = ++m_state->generation;
    }
    // Whether the latest job's result has yet to be applied.
    bool pending() const
    {
        std::lock_guard lock(m_state->mutex);
        return m_state->generation != m_state->applied &&
               m_state->generation != m_state->cancelledAt;
    }
    // Until no job of this tracker runs (their results may still be on their way).
    void wait()
    {
        std::unique_lock lock(m_state->mutex);
        m_state->idle.wait(lock, [this] { return m_state->running == 0; });
    }

private:
    struct State
    {
        mutable std::mutex mutex;
        std::condition_variable idle;
        int running = 0;
        quint64 generation = 0;
        quint64 applied = 0;
        quint64 cancelledAt = 0;
        std::shared_ptr<std::atomic<bool>> cancelled;

        bool current(quint64 g) const
        {
            std::lock_guard lock(mutex);
            return g == generation;
        }
        void finish(quint64 g)
        {
            std::lock_guard lock(mutex);
            applied = g;
        }
    };

    QObject *m_owner;
    QThreadPool *m_pool;
    std::shared_ptr<State> m_state;
};

} // namespace warroom
