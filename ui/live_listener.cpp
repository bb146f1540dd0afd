#include "live_listener.h"

#include "core/util/handover.h"

#include <QPointer>

#include <utility>

namespace warroom {

LiveListener::LiveListener(QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("ingest"));
}

LiveListener::~LiveListener()
{
    stop();
}

void LiveListener::start(const QString &path, const IngestOptions &options,
                         const LiveSources &sources)
{
    stop();
    m_thread.start();
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    postTo(m_context, [this, context = m_context, path, options, sources] {
        // The start may wait on the network in its own event loop (the Prometheus check):
        // stop() can delete the context meanwhile, and then nothing must follow.
        const QPointer<QObject> alive(context);
        auto session = LiveSession::start(path, options, sources, [](const QString &why) {
            qWarning("warroom: a source's message was refused: %s", qPrintable(why));
        });
        if (!alive)
            return; // the session, if any, closes its recording as it goes
        if (!session) {
            QStringList lines;
            for (const Error &e : session.errors())
                lines.append(e.toString());
            const QString message = lines.join(u'\n');
            postTo(this, [this, message] {
                answerWaitingFaults(tr("the drill did not start"));
                Q_EMIT failed(message);
            });
            return;
        }
        // Closed with the context, on this thread (stop()).
        LiveSession *running = session.value().release();
        connect(context, &QObject::destroyed, [running] { delete running; });
        if (Drill *drill = running->drill()) {
            connect(drill, &Drill::ended, this, &LiveListener::drillEnded);
            postTo(this, [this, drill] { m_drill = drill; });
        }
        const quint16 port = running->server()->port();
        postTo(this, [this, path, port] {
            m_listening = true;
            // Asked for while the drill was starting (the window can show its first frame
            // before the drill is known here).
            for (const DrillFault &fault : std::exchange(m_waitingFaults, {}))
                inject(fault);
            Q_EMIT started(path, port);
        });
    });
}

void LiveListener::inject(const DrillFault &fault)
{
    if (!m_drill && m_thread.isRunning() && !m_listening) {
        m_waitingFaults.append(fault); // still starting: injected once it has started
        return;
    }
    if (!m_drill) {
        Q_EMIT injected(fault, tr("no drill is running"));
        return;
    }
    postTo(m_drill, [this, drill = m_drill, fault] {
        const QString error = drill->inject(fault).value_or(QString());
        postTo(this, [this, fault, error] { Q_EMIT injected(fault, error); });
    });
}

void LiveListener::answerWaitingFaults(const QString &error)
{
    for (const DrillFault &fault : std::exchange(m_waitingFaults, {}))
        Q_EMIT injected(fault, error);
}

void LiveListener::reveal(const QString &by)
{
    if (m_drill)
        postTo(m_drill, [drill = m_drill, by] { drill->reveal(by); });
}

void LiveListener::stop()
{
    if (!m_thread.isRunning())
        return;
    // The server closes its recording (live = 0) on its own thread, then the thread ends.
    QMetaObject::invokeMethod(
        m_context, [context = m_context] { delete context; }, Qt::BlockingQueuedConnection);
    m_context = nullptr;
    m_thread.quit();
    m_thread.wait();
    m_listening = false;
    m_waitingFaults.clear(); // the drill they were for is stopped
}

} // namespace warroom
