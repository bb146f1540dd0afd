#pragma once

#include "core/util/result.h"

#include <QHostAddress>
#include <QUrl>

namespace warroom {

// How a team's monitoring maps onto Warroom (docs/prometheus.md): which PromQL gives each
// node's CPU, which gives each site-to-site probe and whether its prober is up, and where
// Alertmanager is. Read from a YAML file; every problem is reported at its place.
struct PrometheusMapping
{
    QUrl prometheus;          // http://127.0.0.1:9090
    qint64 intervalMs = 5000; // between polls
    QString scenario;         // the scenario whose topology is drawn (absolute path)

    // Node metrics: a query whose results carry `nodeLabel` naming the Warroom node.
    QString cpuQuery; // empty: none
    QString nodeLabel = QStringLiteral("node");

    // Reachability probes (blackbox exporter): `probe_success` and the probe scrapes' `up`,
    // each result labelled with the probing and the probed site.
    QString probeQuery; // empty: no probes
    QString upQuery;
    QString sourceLabel = QStringLiteral("source_site");
    QString targetLabel = QStringLiteral("target_site");

    // Alertmanager: polled (API v2) and, when `webhookPort` is set, its webhook (v4) received.
    QUrl alertmanager; // empty: none
    qint64 alertIntervalMs = 5000;
    QHostAddress webhookAddress = QHostAddress::LocalHost;
    quint16 webhookPort = 0; // 0: no webhook
};

Result<PrometheusMapping> loadPrometheusMapping(const QString &path);
Result<PrometheusMapping> parsePrometheusMapping(const QByteArray &text, const QString &fileName);

} // namespace warroom
