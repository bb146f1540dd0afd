#pragma once

// ThreadSanitizer cannot see the synchronization inside Qt's libraries (Debian's are not built
// with it): work handed to a QThreadPool, or a call posted to another thread's event loop, looks
// to it as if it raced with what the handing thread did before. startInPool() and postTo() hand
// work over saying what Qt guarantees, modelled on how it does it (a pool's queue and a thread's
// event queue each take a lock): everything a thread did before handing work over happens before
// the work. Without ThreadSanitizer they are QThreadPool::start and a queued invokeMethod.

#if defined(__SANITIZE_THREAD__)
#define WARROOM_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define WARROOM_UNDER_TSAN 1
#endif
#endif

#include <QMetaObject>
#include <QObject>
#include <QThreadPool>

#include <utility>

#ifdef WARROOM_UNDER_TSAN
#include <QThread>
extern "C" void __tsan_acquire(void *addr);
extern "C" void __tsan_release(void *addr);
#endif

namespace warroom {

#ifdef WARROOM_UNDER_TSAN
inline char g_poolQueue; // stands for every QThreadPool's queue lock
#endif

// First thing in work handed over to a pool (startInPool) or posted (postTo).
inline void takeOverInPool()
{
#ifdef WARROOM_UNDER_TSAN
    __tsan_acquire(&g_poolQueue);
#endif
}

inline void takeOverHere()
{
#ifdef WARROOM_UNDER_TSAN
    __tsan_acquire(QThread::currentThread());
#endif
}

// Captured last by the work handed over: Qt moves the work into its queue inside start() and
// invokeMethod(), and the baton, moved last, releases once everything captured before it is
// in place.
class HandOverBaton
{
public:
    explicit HandOverBaton(const void *token)
        : m_token(token)
    {
        release();
    }
    HandOverBaton(const HandOverBaton &other)
        : m_token(other.m_token)
    {
        release();
    }
    HandOverBaton &operator=(const HandOverBaton &) = delete;
    // Qt frees the posted call on whichever thread lets go of it last, through a reference
    // count in its own code: the call's end happens before its captures are destroyed.
    ~HandOverBaton()
    {
#ifdef WARROOM_UNDER_TSAN
        __tsan_acquire(this);
#endif
    }
    void done()
    {
#ifdef WARROOM_UNDER_TSAN
        __tsan_release(this);
#endif
    }

private:
    void release() const
    {
#ifdef WARROOM_UNDER_TSAN
        __tsan_release(const_cast<void *>(m_token));
#endif
    }
    const void *m_token;
};

// `work()` on one of `pool`'s threads.
template<typename Work> void startInPool(QThreadPool *pool, Work &&work)
{
#ifdef WARROOM_UNDER_TSAN
    const void *token = &g_poolQueue;
#else
    const void *token = nullptr;
#endif
    pool->start([work = std::forward<Work>(work), baton = HandOverBaton(token)]() mutable {
        takeOverInPool();
        work();
    });
}

// `call()` on `receiver`'s thread, from its event loop (dropped if `receiver` is gone first).
template<typename Call> void postTo(QObject *receiver, Call &&call)
{
#ifdef WARROOM_UNDER_TSAN
    const void *token = receiver->thread();
#else
    const void *token = nullptr;
#endif
    QMetaObject::invokeMethod(
        receiver,
        [call = std::forward<Call>(call), baton = HandOverBaton(token)]() mutable {
            takeOverHere();
            call();
            baton.done();
        },
        Qt::QueuedConnection);
}

} // namespace warroom
