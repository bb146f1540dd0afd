#include "live_session.h"

#include "core/store/recording.h"

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
    // Everything is read and checked before the recording is touched: a mistake leaves no
    // recording behind (a server that then fails to listen does: it had created it).
    std::optional<Scenario> watched; // the mapping's scenario
    if (!sources.prometheusMapping.isEmpty()) {
        auto mapping = loadPrometheusMapping(sources.prometheusMapping);
        if (!mapping)
            return mapping.errors();
        session->m_mapping = mapping.value();
        auto loaded = loadScenarioFile(mapping->scenario);
        if (!loaded)
            return loaded.errors();
        watched = std::move(loaded.value());
    }
    std::optional<Scenario> drillScenario;
    if (!sources.drillScenario.isEmpty()) {
        auto loaded = loadScenarioFile(sources.drillScenario);
        if (!loaded)
            return loaded.errors();
        drillScenario = std::move(loaded.value());
    }
    // Sources deliver through the server, which exists once the checks passed.
    LiveSession *self = session.get();
    const Deliver deliver = [self, refused = std::move(refused)](feed::Message message) {
        if (!self->m_server)
            return;
        if (auto error = self->m_server->append(std::move(message)); error && refused)
            refused(*error);
    };
    QStringList sites, nodes;
    if (const auto &mapping = session->m_mapping) {
        // The ids label values must name, and the thresholds the SLIs are held to.
        for (const Site &s : watched->topology.sites)
            sites.append(s.id);
        for (const Node &n : watched->topology.nodes)
            nodes.append(n.id);
        if (ErrorList wrong = unknownTargets(mapping->values, sites, nodes); !wrong.isEmpty())
            return wrong;
        if (!mapping->servers.isEmpty()) {
            session->m_prometheus = std::make_unique<PrometheusSource>(
                *mapping, sites, nodes, watched->serviceLevel, deliver);
            // Every query once, now: a query a server refuses is an error at its line.
            if (ErrorList refusedQueries =
                    session->m_prometheus->check(kStartCheckMs, &session->m_warnings);
                !refusedQueries.isEmpty())
                return refusedQueries;
        }
    }
    const auto exists = Recording::exists(path);
    if (!exists)
        return exists.errors();
    if (!exists.value()) {
        std::optional<Scenario> first = watched;
        if (!sources.scenario.isEmpty()) {
            auto loaded = loadScenarioFile(sources.scenario);
            if (!loaded)
                return loaded.errors();
            first = std::move(loaded.value());
        }
        if (first) {
            if (auto created = createLiveRecording(path, *first,
                                                   session->m_mapping ? QStringLiteral("prometheus")
                                                                      : QStringLiteral("feed"));
                !created)
                return created.errors();
        }
    }
    auto server = IngestServer::start(path, options);
    if (!server)
        return server.errors();
    session->m_server = std::move(server.value());
    if (const auto &mapping = session->m_mapping) {
        if (!mapping->alertmanager.url.isEmpty() || mapping->webhookPort != 0) {
            session->m_alertmanager =
                std::make_unique<AlertmanagerSource>(*mapping, sites, nodes, deliver);
            if (auto error = session->m_alertmanager->start())
                return Error{*error, sources.prometheusMapping, 0, 0};
        }
        if (session->m_prometheus)
            session->m_prometheus->start();
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
