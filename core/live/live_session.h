#pragma once

#include "drill.h"
#include "ingest_server.h"
#include "prometheus_mapping.h"

#include <functional>
#include <memory>
#include <optional>

namespace warroom {

class AlertmanagerSource;
class PrometheusSource;

// What feeds a live recording besides the TCP feed its server always takes.
struct LiveSources
{
    QString scenario;          // a scenario whose topology starts a new recording
    QString prometheusMapping; // watch that Prometheus and Alertmanager (docs/prometheus.md)
    QString drillScenario;     // play this scenario as a training drill (docs/drills.md) ...
    DrillOptions drill;        // ... so
};

// A live recording being written: the ingest server and the sources in this process that
// append through it as a client's lines would (Prometheus, Alertmanager, a drill). One starter
// for `warroom-cli ingest`, `warroom-cli drill` and the war room's listener. Lives on the
// thread that starts it (its event loop runs the server and the sources).
class LiveSession
{
public:
    // Starts writing `path` (created when missing; a scenario or a Prometheus mapping's
    // scenario gives a new recording its first topology). `refused` hears of a source's message
    // the recording refused, with why. Every error of the start, each with its place.
    static Result<std::unique_ptr<LiveSession>>
    start(const QString &path, const IngestOptions &options, const LiveSources &sources,
          std::function<void(const QString &)> refused = {});
    ~LiveSession(); // stops the sources, closes the recording

    IngestServer *server() const { return m_server.get(); }
    PrometheusSource *prometheus() const { return m_prometheus.get(); }
    AlertmanagerSource *alertmanager() const { return m_alertmanager.get(); }
    Drill *drill() const { return m_drill.get(); }
    const std::optional<PrometheusMapping> &mapping() const { return m_mapping; }
    // What the start noticed without failing (a Prometheus that does not answer yet).
    const QStringList &warnings() const { return m_warnings; }
    // Stops the sources, then ends the series, commits and closes the recording.
    Result<bool> close();

private:
    LiveSession() = default;

    std::optional<PrometheusMapping> m_mapping;
    QStringList m_warnings;
    std::unique_ptr<IngestServer> m_server;
    std::unique_ptr<PrometheusSource> m_prometheus;
    std::unique_ptr<AlertmanagerSource> m_alertmanager;
    std::unique_ptr<Drill> m_drill;
};

} // namespace warroom
