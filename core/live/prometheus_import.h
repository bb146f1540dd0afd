#pragma once

#include "core/util/result.h"
#include "prometheus_mapping.h"

#include <QHash>
#include <QStringList>

#include <variant>

namespace warroom {

// Which target labels say a target's site, role and node (docs/prometheus.md, "A topology
// from Prometheus").
struct ImportLabels
{
    QString site = QStringLiteral("site");
    QString role = QStringLiteral("job");
    QString node = QStringLiteral("node"); // absent: the host of `instance`
};

// One active scrape target (/api/v1/targets).
struct ScrapeTarget
{
    QHash<QString, QString> labels;
    QString scrapeUrl;
};

// A call seen between two services, from a service-graph metric.
struct ServiceCall
{
    QString client;
    QString server;
    double perSecond = 0.0;
    QString metric; // which metric said so
};

std::variant<QList<ScrapeTarget>, QString> parseTargets(const QByteArray &json);

// A commented scenario: sites, nodes and roles from the targets' labels, a dependency for each
// call between two roles, the links and rules left for the operator (marked as such). `notes`
// hear what was left out and why.
Result<QString> scenarioFromPrometheus(const QList<ScrapeTarget> &targets,
                                       const QList<ServiceCall> &calls, const ImportLabels &labels,
                                       const QString &from, QStringList *notes);

// The PromQL that finds calls between services, per metric: the OpenTelemetry (or Tempo)
// service-graph connector's, then Istio's.
struct ServiceGraphQuery
{
    QString metric;
    QString promql;
    QString clientLabel;
    QString serverLabel;
};
QList<ServiceGraphQuery> serviceGraphQueries();

// Asks a Prometheus (blocking, at most `timeoutMs` per request) for its targets and its
// service graph, and writes the scenario. The error says why it could not.
Result<QString> importFromPrometheus(const HttpServer &server, const ImportLabels &labels,
                                     int timeoutMs, QStringList *notes);

} // namespace warroom
