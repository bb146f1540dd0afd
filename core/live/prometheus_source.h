#pragma once

#include "core/analysis/verdict.h"
#include "feed_protocol.h"
#include "prometheus_mapping.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <functional>
#include <variant>

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
};

// The answer of /api/v1/query as an instant vector, or what is wrong with it.
std::variant<QList<PromSample>, QString> parseInstantVector(const QByteArray &json);

// What the probes of one poll say of one site pair.
struct PairObservation
{
    QString from; // the probing site
    QString to;   // the probed one
    VerdictState state = VerdictState::Reachable;
    QString why;         // "probe dc1 -> dc3 fails: 127.0.0.1:9301 (probe_success 0)"
    QStringList targets; // what was probed
    bool operator==(const PairObservation &) const = default;
};

// Site pairs from `probe_success` and the probe scrapes' `up`: blocked when a probe whose
// scrape worked fails, unknown when every prober of the pair is down (their probes are stale),
// reachable otherwise. Results without both site labels are ignored.
QList<PairObservation> observePairs(const QList<PromSample> &probes, const QList<PromSample> &ups,
                                    const PrometheusMapping &mapping);

// Polls a Prometheus at the mapping's interval and delivers what it sees: each node's CPU as a
// series (`node/ID/cpu`, one sample per poll, NaN when missing), and a `probe.observed` event
// for each site pair whose observed state changes. When Prometheus itself cannot be asked, the
// pairs become unknown and an annotation says why. Runs in the thread that creates it.
class PrometheusSource : public QObject
{
    Q_OBJECT

public:
    PrometheusSource(PrometheusMapping mapping, Deliver deliver, QObject *parent = nullptr);
    ~PrometheusSource() override;

    void start(); // polls now, then every interval
    int polls() const { return m_polls; }

Q_SIGNALS:
    void polled(int polls); // after a poll's results were delivered

private:
    struct Query
    {
        QString promql;
        QNetworkReply *reply = nullptr;
        std::variant<QList<PromSample>, QString> result;
    };

    void poll();
    void finished();
    void deliverCpu(const QList<PromSample> &samples);
    void deliverPairs(const QList<PairObservation> &pairs);
    // An annotation when Prometheus stops or starts answering; the probed pairs become unknown
    // while their queries get no answer.
    void deliverReachability(const QString &problem, bool probesUnanswered);

    PrometheusMapping m_mapping;
    Deliver m_deliver;
    QNetworkAccessManager *m_network = nullptr;
    QTimer m_timer;
    qint64 m_pollMs = 0; // the time the current poll asks about
    std::vector<Query> m_queries;
    int m_pending = 0;
    int m_polls = 0;
    QString m_problem; // why Prometheus could not be asked last time (empty: it could)
    QHash<QString, PairObservation> m_pairs; // "from->to" -> last delivered
    struct Cpu
    {
        qint64 startMs = 0;
        qint64 count = 0;
    };
    QHash<QString, Cpu> m_cpu; // by node
};

} // namespace warroom
