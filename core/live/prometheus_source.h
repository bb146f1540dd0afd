#pragma once

#include "core/analysis/verdict.h"
#include "core/scenario/simulation_spec.h" // ServiceLevel
#include "feed_protocol.h"
#include "label_values.h"
#include "observed_service.h"
#include "prometheus_mapping.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>

class QNetworkAccessManager;
class QNetworkReply;

namespace warroom {

// Where a source in this process puts what it produces (IngestServer::append, or a test).
using Deliver = std::function<void(feed::Message)>;

// One element of a Prometheus instant vector.
struct PromSample
{
    QHash<QString, QString> labels;
    double value = 0.0;
    qint64 timeMs = -1; // when it was scraped (timestamp()), -1: not known
    int server = 0;     // which of the mapping's servers said it
};

// The answer of /api/v1/query: an instant vector, or what is wrong. `refused` when Prometheus
// answered and objected to the query itself (bad_data, execution): the query is wrong, not
// the server.
struct PromAnswer
{
    QList<PromSample> samples;
    QString error; // empty: answered
    bool refused = false;
};
PromAnswer parseInstantVector(const QByteArray &json);
// Why a request failed, for people: "HTTP 401: not let in (check basic_auth …)".
QString httpProblem(QNetworkReply *reply);

// The set of labels of a sample without its name, to join a query with its timestamp().
QString labelKey(const QHash<QString, QString> &labels);

// What the probes of one poll say of one site pair, or of one node of it (and one port).
struct ProbeObservation
{
    QString from; // the probing site
    QString to;   // the probed one
    QString node; // the probed node (empty: the site as a whole)
    int port = 0; // the probed port (0: any)
    VerdictState state = VerdictState::Reachable;
    QString why;         // "probe dc1 -> dc3 fails: 127.0.0.1:9301 (probe_success 0)"
    QStringList targets; // what was probed
    QString key() const;
    bool operator==(const ProbeObservation &) const = default;
};

// How probe results are read: the mapping's probe set, how label values become ids, when a
// sample is too old to trust, and whom to tell of a value that names nothing.
struct ProbeReading
{
    const ProbeSet *set = nullptr;
    const IdResolver *sites = nullptr;
    const IdResolver *nodes = nullptr;
    qint64 nowMs = 0;
    std::function<bool(const PromSample &)> stale; // too old to trust (null: none is)
    std::function<void(const QString &kind, const QString &label, const QString &value)> unmatched;
    std::function<void(const QString &label)> missing; // a result lacks it (or it is no port)
};

// Probes grouped by what they cover (site pair, node, port): blocked when a fresh probe whose
// scrape worked fails; unknown when none is fresh (every prober down — `up` 0 — or every
// sample older than twice the scrape interval); reachable otherwise. A result whose labels name
// no site (or node) of the scenario is reported through `unmatched` and left out.
QList<ProbeObservation> observeProbes(const QList<PromSample> &probes, const QList<PromSample> &ups,
                                      const ProbeReading &reading);

// Polls one or more Prometheus servers at the mapping's interval and delivers what they say:
// each node's CPU and each mapped chart query as series (one sample per poll, NaN when missing
// or stale), a `probe.observed` event for each probed pair, node or port whose state changes,
// and `service.state` from the SLI queries. A server that cannot be asked is annotated and
// asked again with backoff; what it alone said turns unknown. Runs in the thread that creates
// it.
class PrometheusSource : public QObject
{
    Q_OBJECT

public:
    PrometheusSource(PrometheusMapping mapping, const QStringList &sites, const QStringList &nodes,
                     ServiceLevel serviceLevel, Deliver deliver, QObject *parent = nullptr);
    ~PrometheusSource() override;

    // Asks every query once of every server, waiting at most `timeoutMs` (a local event loop):
    // the queries a server refuses, each at its place in the mapping. Servers that do not answer
    // are not errors (they are asked again once polling starts); `unreachable` lists why.
    ErrorList check(int timeoutMs, QStringList *unreachable = nullptr);
    void start(); // polls now, then every interval
    int polls() const { return m_polls; }

Q_SIGNALS:
    void polled(int polls);         // after a poll's results were delivered
    void said(const QString &text); // every annotation it records about itself
    void checked();                 // check()'s answers are in (its own event loop)

private:
    struct Ask
    {
        int server = 0;
        int query = -1; // index into m_queries; -1: the server's configuration
        bool timestamps = false;
        QNetworkReply *reply = nullptr;
        PromAnswer answer;
        bool unreachable = false; // the server did not answer (network, HTTP error, timeout)
    };
    struct Server
    {
        QHash<QString, qint64> staleAfterMs; // by job ("" any other); empty: not known yet
        QString problem;  // why it could not be asked last time (empty: it could)
        int failures = 0; // in a row
        qint64 retryAtMs = 0;
    };
    struct Series
    {
        qint64 startMs = 0;
        qint64 count = 0;
    };
    struct Seen
    {
        ProbeObservation observation;
        qint64 lastSeenMs = 0;
    };

    void ask(std::vector<Ask> &asks, qint64 atMs);
    void answered(QNetworkReply *reply);
    void abandon(); // the replies still awaited
    void poll();
    void finished();
    int queryIndex(const PromQuery &query) const; // -1: none
    // The samples of one query from every server that answered, with their scrape times (of
    // one series from several servers, the freshest).
    QList<PromSample> samplesOf(int query) const;
    bool isStale(const PromSample &sample) const;
    bool anyServerSilent() const; // a server cannot be asked (now, or is backed off)
    QString refusal(const Ask &ask) const;
    void annotate(const QString &text, const QJsonObject &details);
    void reportOnce(const QString &key, const QString &text, const QJsonObject &details);
    void reportUnmatched(const QString &kind, const QString &label, const QString &value,
                         const PromQuery &query);
    void reportMissing(const QString &label, const PromQuery &query);
    void deliverSeries(const QString &key, const QString &node, const QString &metric,
                       const QString &unit, double value);
    void deliverCpu();
    void deliverProbes();
    void deliverCharts();
    void deliverSli();
    void serverAnswered(int server, const QString &problem);

    const PrometheusMapping m_mapping; // const: m_queries points into it
    QList<const PromQuery *> m_queries;
    IdResolver m_sites;
    IdResolver m_nodes;
    Deliver m_deliver;
    ObservedService m_service;
    QNetworkAccessManager *m_network = nullptr;
    QTimer m_timer;
    qint64 m_pollMs = 0; // the time the current poll asks about
    std::vector<Ask> m_asks;
    int m_pending = 0;
    int m_polls = 0;
    bool m_checking = false;
    std::vector<Server> m_servers;
    QSet<QString> m_reported;        // unmatched values and refused queries already said
    QHash<QString, Seen> m_probes;   // by ProbeObservation::key()
    QHash<QString, Series> m_series; // by key
};

} // namespace warroom
