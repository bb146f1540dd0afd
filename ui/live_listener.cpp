#include "live_listener.h"

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

void LiveListener::start(const QString &path, const IngestOptions &options)
{
    stop();
    m_thread.start();
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    QMetaObject::invokeMethod(m_context, [this, context = m_context, path, options] {
        auto server = IngestServer::start(path, options);
        if (!server) {
            const QString message = server.errors().first().toString();
            QMetaObject::invokeMethod(this, [this, message] { Q_EMIT failed(message); });
            return;
        }
        const quint16 port = server.value()->port();
        server.value().release()->setParent(context); // closed when the context goes
        QMetaObject::invokeMethod(this, [this, path, port] {
            m_listening = true;
            Q_EMIT started(path, port);
        });
    });
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
}

} // namespace warroom
