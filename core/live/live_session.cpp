#include "live_session.h"

#include "alertmanager_source.h"
#include "label_values.h"
#include "prometheus_source.h"

#include "core/scenario/scenario_loader.h"

#include <QFile>

namespace warroom {

namespace {
// How long the start waits for every query's first answer.
constexpr int kStartCheckMs = 5000;
} // namespace

Result<std::unique_ptr<LiveSession>>
LiveSession::start(const QString &path, const IngestOptions &options, const LiveSources &sources,
                   std::function<void(const QString &)> refused)
{
    std::unique_ptr<LiveSession> session(new LiveSession);
    if (!sources.prometheusMapping.isEmpty()) {
        auto mapping = loadPrometheusMapping(sources.prometheusMapping);
        if (!mapping)
            return mapping.errors();
        session->m_mapping = mapping.value();
    }
    // Every file read before the recording is touched: a mistake in one leaves no recording
    // behind (a source that then fails to start does: the server had created it).
    std::optional<Scenario> drillScenario;
    if (!sources.drillScenario.isEmpty()) {
        auto loaded = loadScenarioFile(sources.drillScenario);
        if (!loaded)
            return loaded.errors();
        drillScenario = std::move(loaded.value());
    }
    const QString scenario = !sources.scenario.isEmpty() ? sources.scenario
                             : session->m_mapping        ? session->m_mapping->scenario
                                                         : QString();
    if (!scenario.isEmpty() && !QFile::exists(path)) {
        const Result<Scenario> loaded = loadScenarioFile(scenario);
        if (!loaded)
            return loaded.errors();
        if (auto created = createLiveRecording(path, loaded.value(),
                                               session->m_mapping ? QStringLiteral("prometheus")
                                                                  : QStringLiteral("feed"));
            !created)
            return created.errors();
    }
    auto server = IngestServer::start(path, options);
    if (!server)
        return server.errors();
    session->m_server = std::move(server.value());
    IngestServer *ingest = session->m_server.get();
    const Deliver deliver = [ingest, refused = std::move(refused)](feed::Message message) {
        if (auto error = ingest->append(std::move(message)); error && refused)
            refused(*error);
    };
    if (const auto &mapping = session->m_mapping) {
        // The ids label values must name, and the thresholds the SLIs are held to.
        const Result<Scenario> watched = loadScenarioFile(mapping->scenario);
        if (!watched)
            return watched.errors();
        QStringList sites, nodes;
        for (const Site &s : watched->topology.sites)
            sites.append(s.id);
        for (const Node &n : watched->topology.nodes)
            nodes.append(n.id);
        if (const QStringList wrong = unknownTargets(mapping->values, sites, nodes);
            !wrong.isEmpty())
            return Error{wrong.join(QStringLiteral("; ")), sources.prometheusMapping, 0, 0};
        if (!mapping->servers.isEmpty()) {
            session->m_prometheus = std::make_unique<PrometheusSource>(
                *mapping, sites, nodes, watched->serviceLevel, deliver);
            // Every query once, now: a query Prometheus refuses is an error at its line.
            if (ErrorList refusedQueries =
                    session->m_prometheus->check(kStartCheckMs, &session->m_warnings);
                !refusedQueries.isEmpty())
                return refusedQueries;
            session->m_prometheus->start();
        }
        if (!mapping->alertmanager.url.isEmpty() || mapping->webhookPort != 0) {
            session->m_alertmanager =
                std::make_unique<AlertmanagerSource>(*mapping, sites, nodes, deliver);
            if (auto error = session->m_alertmanager->start())
                return Error{*error, sources.prometheusMapping, 0, 0};
        }
    }
    if (drillScenario) {
        auto drill = Drill::start(std::move(*drillScenario), sources.drill, deliver);
        if (!drill)
            return drill.errors();
        session->m_drill = std::move(drill.value());
    }
    return session;
}

LiveSession::~LiveSession()
{
    close();
}

Result<bool> LiveSession::close()
{
    // The sources first: nothing is appended to a recording that is closing.
    m_drill.reset();
    m_prometheus.reset();
    m_alertmanager.reset();
    return m_server ? m_server->close() : Result<bool>(true);
}

} // namespace warroom
