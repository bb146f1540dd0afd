#pragma once

#include "core/model/topology.h" // SourcePlace
#include "core/util/result.h"

#include <QHostAddress>
#include <QList>
#include <QRegularExpression>
#include <QUrl>

namespace warroom {

// A PromQL query of the mapping and where it was written, so that Prometheus's objection to it
// is reported at its line.
struct PromQuery
{
    QString promql; // empty: none
    QString what;   // "links.probe"
    SourcePlace place;
    bool isEmpty() const { return promql.isEmpty(); }
};

// One server with the Prometheus HTTP query API (Prometheus, Thanos Query, Mimir, Cortex,
// VictoriaMetrics) or an Alertmanager, and how to be let in. Secrets are read from files when
// a request is made, so that a rotated token is picked up; they are never logged.
struct HttpServer
{
    QString name; // for messages: "dc1", or the host
    QUrl url;
    QString username;     // basic auth, with the password in...
    QString passwordFile; // ...this file
    QString bearerTokenFile;
    QList<std::pair<QByteArray, QByteArray>> headers; // X-Scope-OrgID: tenant
    QString caFile;                                   // TLS: trust this CA (and the system's)
    QString certFile;                                 // TLS client certificate...
    QString keyFile;                                  // ...and its key
    bool verifyTls = true;
};

// How label values become the scenario's ids: a table first, then rewrites, then the ids
// themselves, case-insensitively unless told otherwise.
struct ValueNames
{
    struct Rewrite
    {
        QRegularExpression match; // anchored on the whole value
        QString replace;          // \1 for a group
    };
    QHash<QString, QString> sites; // label value -> site id
    QHash<QString, QString> nodes; // label value -> node id
    QList<Rewrite> rewrites;
    bool caseInsensitive = true;
    QHash<QString, SourcePlace> places; // "sites|VALUE", "nodes|VALUE": where each entry is
};

// Reachability probes (the blackbox exporter): `probe_success`, optionally the probe scrapes'
// `up`, each result labelled with the probing and the probed site, and optionally the probed
// node and port, so that only the hops the probe covers take what it saw.
struct ProbeSet
{
    PromQuery probe;
    PromQuery up; // optional: without it, a prober that is down shows as stale probes
    QString sourceLabel = QStringLiteral("source_site");
    QString targetLabel = QStringLiteral("target_site");
    QString nodeLabel; // the probed node (empty: every node of the probed site)
    QString portLabel; // the probed port, from a label...
    int port = 0;      // ...or fixed (0: every port)
};

// A query charted as it is: one line per node or per site pair.
struct ChartQuery
{
    QString name; // the chart's title
    QString unit;
    PromQuery query;
    QString nodeLabel;   // per node...
    QString sourceLabel; // ...or per site pair
    QString targetLabel;
};

// Service-level indicators: what share of the users' requests fail, from an error ratio
// (0..1) or from a success ratio (a public probe's `probe_success`, 0..1).
struct SliQuery
{
    PromQuery query;
    bool isSuccess = false;
};

// How a team's monitoring maps onto Warroom (docs/prometheus.md). Read from a YAML file; every
// problem is reported at its place.
struct PrometheusMapping
{
    QList<HttpServer> servers;     // every query is asked of each, the answers joined
    qint64 intervalMs = 5000;      // between polls
    qint64 scrapeIntervalMs = 0;   // 0: ask each Prometheus (global.scrape_interval)
    qint64 forgetAfterMs = 300000; // a probe gone this long is no longer unknown but gone
    QString scenario;              // the scenario whose topology is drawn (absolute path)
    QString file;                  // the mapping's own path, for messages

    ValueNames values;

    // Node metrics: a query whose results carry `nodeLabel` naming the Warroom node.
    PromQuery cpuQuery;
    QString nodeLabel = QStringLiteral("node");

    QList<ProbeSet> probes;
    QList<ChartQuery> charts;
    QList<SliQuery> slis;
    PromQuery sliRequests; // requests per second the users send (the impact counts them)

    // Alertmanager: polled (API v2) and, when `webhookPort` is set, its webhook (v4) received.
    HttpServer alertmanager; // url empty: none
    qint64 alertIntervalMs = 5000;
    QHostAddress webhookAddress = QHostAddress::LocalHost;
    quint16 webhookPort = 0; // 0: no webhook
    QString alertNodeLabel = QStringLiteral("node");
    QString alertSiteLabel = QStringLiteral("site");
    QString alertSeverityLabel = QStringLiteral("severity");

    // Every query, in the order polls ask them.
    QList<const PromQuery *> queries() const;
};

// Watching needs the mapping's scenario; importing one does not.
enum class MappingUse
{
    Watch,
    Import
};

Result<PrometheusMapping> loadPrometheusMapping(const QString &path,
                                                MappingUse use = MappingUse::Watch);
Result<PrometheusMapping> parsePrometheusMapping(const QByteArray &text, const QString &fileName,
                                                 MappingUse use = MappingUse::Watch);

} // namespace warroom
