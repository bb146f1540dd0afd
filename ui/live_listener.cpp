#include "live_listener.h"

#include "core/live/alertmanager_source.h"
#include "core/live/drill.h"
#include "core/live/prometheus_source.h"
#include "core/scenario/scenario_loader.h"

#include <QFile>

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
    QMetaObject::invokeMethod(m_context, [this, context = m_context, path, options, sources] {
        const QString &prometheusMapping = sources.prometheusMapping;
        auto fail = [this](const ErrorList &errors) {
            QStringList lines;
            for (const Error &e : errors)
                lines.append(e.toString());
            const QString message = lines.join(u'\n');
            QMetaObject::invokeMethod(this, [this, message] { Q_EMIT failed(message); });
        };
        std::optional<PrometheusMapping> mapping;
        if (!prometheusMapping.isEmpty()) {
            auto loaded = loadPrometheusMapping(prometheusMapping);
            if (!loaded)
                return fail(loaded.errors());
            mapping = loaded.value();
            if (!QFile::exists(path)) {
                const auto scenario = loadScenarioFile(mapping->scenario);
                if (!scenario)
                    return fail(scenario.errors());
                if (auto created =
                        createLiveRecording(path, scenario.value(), QStringLiteral("prometheus"));
                    !created)
                    return fail(created.errors());
            }
        }
        auto server = IngestServer::start(path, options);
        if (!server)
            return fail(server.errors());
        IngestServer *ingest = server.value().release();
        ingest->setParent(context); // closed when the context goes
        // Every source appends through the server, as a client's lines would. The sources are
        // its children: deleted with it, after it closed the recording (they deliver nothing
        // then: no event loop runs on this thread any more).
        const Deliver deliver = [ingest](feed::Message message) {
            if (auto error = ingest->append(std::move(message)))
                qWarning("warroom: a source's message was refused: %s", qPrintable(*error));
        };
        if (mapping) {
            if (!mapping->prometheus.isEmpty())
                (new PrometheusSource(*mapping, deliver, ingest))->start();
            if (!mapping->alertmanager.isEmpty() || mapping->webhookPort != 0) {
                if (auto error = (new AlertmanagerSource(*mapping, deliver, ingest))->start())
                    return fail({Error{*error, prometheusMapping, 0, 0}});
            }
        }
        if (!sources.drillScenario.isEmpty()) {
            auto scenario = loadScenarioFile(sources.drillScenario);
            if (!scenario)
                return fail(scenario.errors());
            auto drill = Drill::start(std::move(scenario.value()), sources.drill, deliver);
            if (!drill)
                return fail(drill.errors());
            Drill *running = drill.value().release();
            running->setParent(ingest);
            connect(running, &Drill::ended, this, &LiveListener::drillEnded);
            QMetaObject::invokeMethod(this, [this, running] { m_drill = running; });
        }
        const quint16 port = ingest->port();
        QMetaObject::invokeMethod(this, [this, path, port] {
            m_listening = true;
            Q_EMIT started(path, port);
        });
    });
}

void LiveListener::inject(const DrillFault &fault)
{
    if (!m_drill) {
        Q_EMIT injected(fault, tr("no drill is running"));
        return;
    }
    QMetaObject::invokeMethod(m_drill, [this, drill = m_drill, fault] {
        const QString error = drill->inject(fault).value_or(QString());
        QMetaObject::invokeMethod(this, [this, fault, error] { Q_EMIT injected(fault, error); });
    });
}

void LiveListener::reveal(const QString &by)
{
    if (m_drill)
        QMetaObject::invokeMethod(m_drill, [drill = m_drill, by] { drill->reveal(by); });
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
