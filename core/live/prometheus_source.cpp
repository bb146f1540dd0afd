#include "prometheus_source.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>

#include <cmath>
#include <map>

namespace warroom {

std::variant<QList<PromSample>, QString> parseInstantVector(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return u"the answer is not a JSON object (" + error.errorString() + u')';
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("status")).toString() != u"success")
        return u"Prometheus says " + o.value(QStringLiteral("errorType")).toString() + u": " +
               o.value(QStringLiteral("error")).toString();
    const QJsonObject data = o.value(QStringLiteral("data")).toObject();
    if (data.value(QStringLiteral("resultType")).toString() != u"vector")
        return u"the query gives a " + data.value(QStringLiteral("resultType")).toString() +
               u", not an instant vector";
    QList<PromSample> samples;
    for (const QJsonValue &item : data.value(QStringLiteral("result")).toArray()) {
        const QJsonObject r = item.toObject();
        PromSample s;
        const QJsonObject metric = r.value(QStringLiteral("metric")).toObject();
        for (auto it = metric.begin(); it != metric.end(); ++it)
            s.labels.insert(it.key(), it.value().toString());
        // "value": [ <unix time>, "<number as text>" ]; "NaN", "+Inf" are numbers too.
        const QJsonArray value = r.value(QStringLiteral("value")).toArray();
        bool ok = false;
        s.value = value.at(1).toString().toDouble(&ok);
        if (!ok) {
            const QString text = value.at(1).toString();
            if (text == u"NaN")
                s.value = std::nan("");
            else if (text == u"+Inf" || text == u"-Inf")
                s.value = text.startsWith(u'-') ? -INFINITY : INFINITY;
            else
                return u"a result's value is not a number: '" + text.left(40) + u'\'';
        }
        samples.append(std::move(s));
    }
    return samples;
}

QList<PairObservation> observePairs(const QList<PromSample> &probes, const QList<PromSample> &ups,
                                    const PrometheusMapping &mapping)
{
    struct Pair
    {
        QStringList failing, unprobed, working;
        QStringList targets;
    };
    std::map<std::pair<QString, QString>, Pair> pairs;
    auto pairOf = [&](const PromSample &s) -> Pair * {
        const QString from = s.labels.value(mapping.sourceLabel);
        const QString to = s.labels.value(mapping.targetLabel);
        return from.isEmpty() || to.isEmpty() ? nullptr : &pairs[{from, to}];
    };
    auto target = [](const PromSample &s) {
        return s.labels.value(QStringLiteral("instance"), s.labels.value(QStringLiteral("target")));
    };
    // A prober that is down leaves `up` 0 and no fresh probe_success for its targets.
    QSet<QString> downTargets;
    for (const PromSample &s : ups) {
        if (Pair *p = pairOf(s); p && s.value == 0.0) {
            p->unprobed.append(target(s));
            downTargets.insert(target(s));
        }
    }
    for (const PromSample &s : probes) {
        Pair *p = pairOf(s);
        if (!p || downTargets.contains(target(s)))
            continue;
        (s.value == 1.0 ? p->working : p->failing).append(target(s));
    }
    QList<PairObservation> out;
    for (auto &[key, p] : pairs) {
        PairObservation o{key.first, key.second, VerdictState::Reachable, {}, {}};
        const QString name = u"probe " + key.first + u" -> " + key.second;
        for (QStringList *l : {&p.failing, &p.unprobed, &p.working})
            l->sort();
        o.targets = p.failing + p.unprobed + p.working;
        if (!p.failing.isEmpty()) {
            o.state = VerdictState::Blocked;
            o.why =
                name + u" fails: " + p.failing.join(QStringLiteral(", ")) + u" (probe_success 0)";
        } else if (p.working.isEmpty()) {
            o.state = VerdictState::Unknown;
            o.why = name + u": the prober is down (up 0 for " +
                    p.unprobed.join(QStringLiteral(", ")) + u')';
        } else {
            o.why = name + u" succeeds (" + QString::number(p.working.size()) +
                    (p.working.size() == 1 ? u" target)" : u" targets)");
        }
        out.append(std::move(o));
    }
    return out;
}

PrometheusSource::PrometheusSource(PrometheusMapping mapping, Deliver deliver, QObject *parent)
    : QObject(parent)
    , m_mapping(std::move(mapping))
    , m_deliver(std::move(deliver))
    , m_network(new QNetworkAccessManager(this))
{
    m_timer.setInterval(int(m_mapping.intervalMs));
    connect(&m_timer, &QTimer::timeout, this, &PrometheusSource::poll);
}

PrometheusSource::~PrometheusSource()
{
    for (Query &q : m_queries) {
        if (q.reply) {
            q.reply->disconnect(this); // no result is wanted any more
            q.reply->abort();
        }
    }
}

void PrometheusSource::start()
{
    m_timer.start();
    poll();
}

void PrometheusSource::poll()
{
    if (m_pending > 0)
        return; // the last poll is still waiting: do not pile up
    m_pollMs = QDateTime::currentMSecsSinceEpoch();
    m_queries.clear();
    for (const QString &promql : {m_mapping.cpuQuery, m_mapping.probeQuery, m_mapping.upQuery})
        m_queries.push_back(Query{promql, nullptr, QList<PromSample>{}});
    for (Query &q : m_queries) {
        if (q.promql.isEmpty())
            continue;
        QUrl url = m_mapping.prometheus;
        url.setPath(url.path() + QStringLiteral("/api/v1/query"));
        // Every query of a poll is evaluated at the same instant. PromQL is encoded whole
        // ('+' would otherwise read as a space).
        url.setQuery(QString::fromLatin1("query=" + QUrl::toPercentEncoding(q.promql) + "&time=" +
                                         QByteArray::number(double(m_pollMs) / 1000.0, 'f', 3)),
                     QUrl::StrictMode);
        QNetworkRequest request(url);
        request.setTransferTimeout(int(m_mapping.intervalMs));
        q.reply = m_network->get(request);
        ++m_pending;
        connect(q.reply, &QNetworkReply::finished, this, [this, reply = q.reply] {
            for (Query &each : m_queries) {
                if (each.reply != reply)
                    continue;
                const QByteArray body = reply->readAll();
                if (reply->error() != QNetworkReply::NoError && body.isEmpty())
                    each.result = reply->errorString();
                else
                    each.result = parseInstantVector(body);
                each.reply = nullptr;
            }
            reply->deleteLater();
            if (--m_pending == 0)
                finished();
        });
    }
    if (m_pending == 0)
        finished();
}

void PrometheusSource::finished()
{
    const auto *cpu = std::get_if<QList<PromSample>>(&m_queries[0].result);
    const auto *probes = std::get_if<QList<PromSample>>(&m_queries[1].result);
    const auto *ups = std::get_if<QList<PromSample>>(&m_queries[2].result);
    QString problem;
    for (const Query &q : m_queries) {
        if (const auto *error = std::get_if<QString>(&q.result); error && problem.isEmpty())
            problem = u"Prometheus at " + m_mapping.prometheus.toString() + u" cannot be asked: " +
                      *error + u" (query: " + q.promql + u')';
    }
    if (cpu)
        deliverCpu(*cpu);
    if (probes && ups)
        deliverPairs(observePairs(*probes, *ups, m_mapping));
    // The probes' pairs turn unknown only when their own queries failed.
    deliverReachability(problem, !(probes && ups));
    ++m_polls;
    Q_EMIT polled(m_polls);
}

void PrometheusSource::deliverCpu(const QList<PromSample> &samples)
{
    for (const PromSample &s : samples) {
        const QString node = s.labels.value(m_mapping.nodeLabel);
        if (node.isEmpty())
            continue;
        const QString key = u"node/" + node + u"/cpu";
        auto it = m_cpu.find(node);
        if (it == m_cpu.end()) {
            it = m_cpu.insert(node, Cpu{m_pollMs, 0});
            m_deliver(SeriesInfo{key, node, QStringLiteral("cpu"), QStringLiteral("%"), m_pollMs,
                                 m_mapping.intervalMs});
        }
        // One sample per interval since the series began: polls that missed it are NaN.
        const qint64 index =
            std::llround(double(m_pollMs - it->startMs) / double(m_mapping.intervalMs));
        if (index < it->count)
            continue;
        QList<float> values(index - it->count, std::nanf(""));
        values.append(float(s.value));
        it->count = index + 1;
        m_deliver(feed::Samples{key, std::move(values)});
    }
}

void PrometheusSource::deliverPairs(const QList<PairObservation> &pairs)
{
    QSet<QString> seen;
    auto event = [this](const PairObservation &o, const QString &state) {
        Event e;
        e.timeMs = m_pollMs;
        e.kind = EventKind::ProbeObserved;
        e.site = o.from;
        e.subject = o.to;
        e.text = o.why;
        e.details.insert(QStringLiteral("state"), state);
        e.details.insert(QStringLiteral("targets"), QJsonArray::fromStringList(o.targets));
        m_deliver(std::move(e));
    };
    for (const PairObservation &o : pairs) {
        const QString key = o.from + u"->" + o.to;
        seen.insert(key);
        const auto it = m_pairs.constFind(key);
        if (it != m_pairs.cend() && it->state == o.state)
            continue;
        m_pairs.insert(key, o);
        event(o, toString(o.state));
    }
    // A pair no probe covers any more (its targets were removed from Prometheus).
    for (auto it = m_pairs.begin(); it != m_pairs.end();) {
        if (seen.contains(it.key())) {
            ++it;
            continue;
        }
        PairObservation gone = *it;
        gone.why = u"probe " + gone.from + u" -> " + gone.to + u" is no longer in Prometheus";
        event(gone, QStringLiteral("none"));
        it = m_pairs.erase(it);
    }
}

void PrometheusSource::deliverReachability(const QString &problem, bool probesUnanswered)
{
    if (problem == m_problem)
        return;
    Event e;
    e.timeMs = m_pollMs;
    e.kind = EventKind::Annotation;
    e.subject = QStringLiteral("prometheus");
    e.text = problem.isEmpty()
                 ? QString(u"Prometheus at " + m_mapping.prometheus.toString() + u" answers again")
                 : problem;
    m_deliver(std::move(e));
    // What the probes said can no longer be confirmed: unknown until Prometheus answers.
    if (probesUnanswered) {
        QList<PairObservation> unknown;
        for (PairObservation o : std::as_const(m_pairs)) {
            o.state = VerdictState::Unknown;
            o.why = u"probe " + o.from + u" -> " + o.to + u": Prometheus cannot be asked";
            unknown.append(o);
        }
        deliverPairs(unknown);
    }
    m_problem = problem;
}

} // namespace warroom
