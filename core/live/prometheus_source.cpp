#include "prometheus_source.h"

#include "core/scenario/scenario_loader.h" // parseDurationMs
#include "core/util/duration.h"
#include "http_request.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>

namespace warroom {

namespace {

// Prometheus's default when its configuration cannot be read (a Thanos or Mimir has none).
constexpr qint64 kDefaultScrapeMs = 60000;
constexpr qint64 kMostBackoffMs = 60000;

QString clock(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(QStringLiteral("HH:mm:ss"));
}

qint64 durationOf(const YAML::Node &node, qint64 fallback)
{
    if (!node.IsScalar())
        return fallback;
    const qint64 ms = parseDurationMs(QString::fromStdString(node.Scalar()));
    return ms > 0 ? ms : fallback;
}

// How old a sample may be and still count: twice the scrape interval, and at least the
// interval plus the scrape timeout plus a second (a probe failing by timeout lands that late).
qint64 staleBound(qint64 intervalMs, qint64 timeoutMs)
{
    return std::max(2 * intervalMs, intervalMs + timeoutMs + 1000);
}

// The bound for every job of /api/v1/status/config (each job's own scrape_interval and
// scrape_timeout, else the global ones), and under "" for any other job; empty when the
// answer is not a configuration.
QHash<QString, qint64> staleAfterOf(const QByteArray &json)
{
    QHash<QString, qint64> out;
    const QJsonObject o = QJsonDocument::fromJson(json).object();
    const QString yaml =
        o.value(QStringLiteral("data")).toObject().value(QStringLiteral("yaml")).toString();
    if (yaml.isEmpty())
        return out;
    try {
        const YAML::Node config = YAML::Load(yaml.toStdString());
        const qint64 interval = durationOf(config["global"]["scrape_interval"], kDefaultScrapeMs);
        const qint64 timeout = durationOf(config["global"]["scrape_timeout"], 10000);
        out.insert(QString(), staleBound(interval, timeout));
        for (const YAML::Node &job : config["scrape_configs"]) {
            const qint64 i = durationOf(job["scrape_interval"], interval);
            const qint64 t = durationOf(job["scrape_timeout"], std::min(timeout, i));
            if (job["job_name"].IsScalar())
                out.insert(QString::fromStdString(job["job_name"].Scalar()), staleBound(i, t));
        }
    } catch (const YAML::Exception &) {
        out.clear();
    }
    return out;
}

} // namespace

QString ProbeObservation::key() const
{
    return from + u"->" + to + u'|' + node + u'|' + QString::number(port);
}

QList<ProbeObservation> observeProbes(const QList<PromSample> &probes, const QList<PromSample> &ups,
                                      const ProbeReading &reading)
{
    const ProbeSet &set = *reading.set;
    struct Group
    {
        ProbeObservation o;
        QStringList failing, unprobed, stale, working;
        qint64 newestStaleMs = -1;
    };
    std::map<QString, Group> groups;
    auto resolve = [&reading](const IdResolver &ids, const QString &kind, const QString &label,
                              const QString &value) -> std::optional<QString> {
        auto id = ids.resolve(value);
        if (!id && reading.unmatched)
            reading.unmatched(kind, label, value);
        return id;
    };
    auto groupOf = [&](const PromSample &s) -> Group * {
        const QString fromValue = s.labels.value(set.sourceLabel);
        const QString toValue = s.labels.value(set.targetLabel);
        if (fromValue.isEmpty() || toValue.isEmpty()) {
            if (reading.missing)
                reading.missing(fromValue.isEmpty() ? set.sourceLabel : set.targetLabel);
            return nullptr;
        }
        const auto from =
            resolve(*reading.sites, QStringLiteral("site"), set.sourceLabel, fromValue);
        const auto to = resolve(*reading.sites, QStringLiteral("site"), set.targetLabel, toValue);
        if (!from || !to)
            return nullptr;
        ProbeObservation o{*from, *to, {}, set.port, VerdictState::Reachable, {}, {}};
        if (!set.nodeLabel.isEmpty()) {
            const QString nodeValue = s.labels.value(set.nodeLabel);
            if (!nodeValue.isEmpty()) {
                const auto node =
                    resolve(*reading.nodes, QStringLiteral("node"), set.nodeLabel, nodeValue);
                if (!node)
                    return nullptr;
                o.node = *node;
            }
        }
        if (!set.portLabel.isEmpty()) {
            bool ok = false;
            o.port = s.labels.value(set.portLabel).toInt(&ok);
            if (!ok || o.port < 1 || o.port > 65535) {
                if (reading.missing)
                    reading.missing(set.portLabel);
                return nullptr;
            }
        }
        Group &g = groups[o.key()];
        if (g.o.from.isEmpty())
            g.o = o;
        return &g;
    };
    auto target = [](const PromSample &s) {
        return s.labels.value(QStringLiteral("instance"), s.labels.value(QStringLiteral("target")));
    };
    auto isStale = [&reading](const PromSample &s) { return reading.stale && reading.stale(s); };
    // A prober that is down leaves `up` 0 and no fresh probe_success for its targets.
    QSet<QString> downTargets;
    for (const PromSample &s : ups) {
        if (s.value != 0.0 || isStale(s)) // an old `up`: its probes are as old, and say so
            continue;
        if (Group *g = groupOf(s)) {
            g->unprobed.append(target(s));
            downTargets.insert(labelKey(s.labels));
        }
    }
    for (const PromSample &s : probes) {
        Group *g = groupOf(s);
        if (!g)
            continue;
        if (downTargets.contains(labelKey(s.labels))) // the `up` of the same target is 0
            continue;
        if (isStale(s)) {
            g->stale.append(target(s));
            g->newestStaleMs = std::max(g->newestStaleMs, s.timeMs);
            continue;
        }
        (s.value == 1.0 ? g->working : g->failing).append(target(s));
    }
    QList<ProbeObservation> out;
    for (auto &[key, g] : groups) {
        ProbeObservation o = g.o;
        QString name = u"probe " + o.from + u" -> " + o.to;
        if (!o.node.isEmpty() || o.port > 0)
            name +=
                u" (" + o.node + (o.port > 0 ? u':' + QString::number(o.port) : QString()) + u')';
        for (QStringList *l : {&g.failing, &g.unprobed, &g.stale, &g.working})
            l->sort();
        o.targets = g.failing + g.unprobed + g.stale + g.working;
        o.targets.removeDuplicates();
        if (!g.failing.isEmpty()) {
            o.state = VerdictState::Blocked;
            o.why =
                name + u" fails: " + g.failing.join(QStringLiteral(", ")) + u" (probe_success 0)";
        } else if (g.working.isEmpty() && !g.stale.isEmpty()) {
            o.state = VerdictState::Unknown;
            o.why = name + u": no fresh sample since " + clock(g.newestStaleMs) +
                    u" UTC (older than twice the scrape interval, so not trusted: " +
                    g.stale.join(QStringLiteral(", ")) + u')';
        } else if (g.working.isEmpty()) {
            o.state = VerdictState::Unknown;
            o.why = name + u": the prober is down (up 0 for " +
                    g.unprobed.join(QStringLiteral(", ")) + u')';
        } else {
            o.why = name + u" succeeds (" + QString::number(g.working.size()) +
                    (g.working.size() == 1 ? u" target)" : u" targets)");
        }
        out.append(std::move(o));
    }
    return out;
}

PrometheusSource::PrometheusSource(PrometheusMapping mapping, const QStringList &sites,
                                   const QStringList &nodes, ServiceLevel serviceLevel,
                                   Deliver deliver, QObject *parent)
    : QObject(parent)
    , m_mapping(std::move(mapping))
    , m_sites(m_mapping.values.sites, m_mapping.values.rewrites, m_mapping.values.caseInsensitive,
              sites)
    , m_nodes(m_mapping.values.nodes, m_mapping.values.rewrites, m_mapping.values.caseInsensitive,
              nodes)
    , m_deliver(std::move(deliver))
    , m_service(serviceLevel)
    , m_network(new QNetworkAccessManager(this))
{
    m_queries = m_mapping.queries();
    m_servers.resize(m_mapping.servers.size());
    if (m_mapping.scrapeIntervalMs > 0) { // the mapping says: the servers are not asked
        for (Server &s : m_servers)
            s.staleAfterMs.insert(QString(), staleBound(m_mapping.scrapeIntervalMs, 0));
    }
    m_timer.setInterval(int(m_mapping.intervalMs));
    connect(&m_timer, &QTimer::timeout, this, &PrometheusSource::poll);
}

PrometheusSource::~PrometheusSource()
{
    abandon();
}

void PrometheusSource::abandon()
{
    for (Ask &a : m_asks) {
        if (a.reply) {
            a.reply->disconnect(this); // no result is wanted any more
            a.reply->abort();
            a.reply->deleteLater();
            a.reply = nullptr;
        }
    }
    m_pending = 0;
}

int PrometheusSource::queryIndex(const PromQuery &query) const
{
    return int(m_queries.indexOf(&query));
}

void PrometheusSource::ask(std::vector<Ask> &asks, qint64 atMs)
{
    const QByteArray time = QByteArray::number(double(atMs) / 1000.0, 'f', 3);
    // Generous: a slow query layer (Thanos, Mimir) is not a server down; a poll still waits
    // for the last one's answers rather than piling up.
    const int timeout = int(std::max<qint64>(2 * m_mapping.intervalMs, 5000));
    for (int server = 0; server < int(m_mapping.servers.size()); ++server) {
        if (m_servers[server].retryAtMs > atMs)
            continue; // backing off
        const HttpServer &where = m_mapping.servers[server];
        auto send = [&](int query, bool timestamps) {
            Ask a{server, query, timestamps, nullptr, {}, false};
            std::variant<QNetworkRequest, QString> request;
            if (query < 0) {
                request = requestTo(where, QStringLiteral("/api/v1/status/config"), {}, timeout);
            } else {
                // Every query of a poll is evaluated at the same instant; PromQL is encoded
                // whole ('+' would otherwise read as a space). A newline before timestamp()'s
                // ')' keeps a query that ends in a # comment whole.
                const QString promql = timestamps
                                           ? u"timestamp(" + m_queries[query]->promql + u"\n)"
                                           : m_queries[query]->promql;
                request = requestTo(where, QStringLiteral("/api/v1/query"),
                                    QString::fromLatin1("query=" + QUrl::toPercentEncoding(promql) +
                                                        "&time=" + time),
                                    timeout);
            }
            if (const auto *why = std::get_if<QString>(&request)) {
                a.answer.error = *why;
                a.unreachable = true;
                asks.push_back(std::move(a));
                return;
            }
            a.reply = m_network->get(std::get<QNetworkRequest>(request));
            connect(a.reply, &QNetworkReply::finished, this,
                    [this, reply = a.reply] { answered(reply); });
            ++m_pending;
            asks.push_back(std::move(a));
        };
        if (m_servers[server].staleAfterMs.isEmpty())
            send(-1, false);
        for (int q = 0; q < int(m_queries.size()); ++q) {
            send(q, false);
            send(q, true);
        }
    }
}

void PrometheusSource::answered(QNetworkReply *reply)
{
    for (Ask &a : m_asks) {
        if (a.reply != reply)
            continue;
        const QByteArray body = reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool apiError =
            QJsonDocument::fromJson(body).object().value(QStringLiteral("status")).toString() ==
            u"error";
        if (a.query < 0) {
            if (reply->error() == QNetworkReply::NoError) {
                m_servers[a.server].staleAfterMs = staleAfterOf(body);
            } else if (status == 404 || status == 405) {
                // A query layer without /api/v1/status/config (Thanos, Mimir): Prometheus's
                // default interval, unless the mapping says.
                m_servers[a.server].staleAfterMs.insert(QString(),
                                                        staleBound(kDefaultScrapeMs, 10000));
            } // anything else: asked again at the next poll
        } else if (status == 400 || status == 422 || (status >= 500 && apiError)) {
            // Prometheus objects to the query itself (bad_data, execution, a query timeout):
            // that query fails, not the server.
            a.answer = parseInstantVector(body);
            a.answer.refused = true;
            if (a.answer.error.isEmpty())
                a.answer.error = reply->errorString();
        } else if (reply->error() != QNetworkReply::NoError) {
            a.unreachable = true;
            a.answer.error = httpProblem(reply);
        } else {
            a.answer = parseInstantVector(body);
            // Not Prometheus's API at all (a login page in front of it): the server is wrong,
            // not the query.
            if (!a.answer.error.isEmpty() && !a.answer.refused)
                a.unreachable = true;
        }
        for (PromSample &s : a.answer.samples)
            s.server = a.server;
        a.reply = nullptr;
    }
    reply->deleteLater();
    if (--m_pending == 0) {
        if (m_checking)
            Q_EMIT checked();
        else
            finished();
    }
}

QString PrometheusSource::refusal(const Ask &a) const
{
    const PromQuery &q = *m_queries[a.query];
    return q.what + u": Prometheus " + m_mapping.servers[a.server].name + u" refuses " +
           (a.timestamps ? QStringLiteral("its timestamp() (no staleness check)")
                         : QStringLiteral("it")) +
           u": " + a.answer.error.section(QStringLiteral("Prometheus says "), -1);
}

ErrorList PrometheusSource::check(int timeoutMs, QStringList *unreachable)
{
    ErrorList errors;
    if (m_mapping.servers.isEmpty() || m_pending > 0)
        return errors;
    m_checking = true;
    m_asks.clear();
    ask(m_asks, QDateTime::currentMSecsSinceEpoch());
    if (m_pending > 0) {
        QEventLoop loop;
        QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
        connect(this, &PrometheusSource::checked, &loop, &QEventLoop::quit);
        loop.exec();
    }
    for (Ask &a : m_asks) {
        if (a.reply) { // timed out
            a.unreachable = true;
            a.answer.error = u"no answer in " + formatDuration(timeoutMs);
        }
    }
    abandon();
    m_checking = false;
    QSet<int> said;
    for (const Ask &a : m_asks) {
        const HttpServer &server = m_mapping.servers[a.server];
        if (a.unreachable && unreachable && !said.contains(a.server)) {
            said.insert(a.server);
            unreachable->append(u"Prometheus " + server.name + u" at " + server.url.toString() +
                                u" cannot be asked: " + a.answer.error);
        }
        if (a.query >= 0 && a.answer.refused) {
            const PromQuery &q = *m_queries[a.query];
            errors.append(Error{refusal(a), m_mapping.file, q.place.line, q.place.column});
        }
    }
    m_asks.clear();
    return errors;
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
    m_asks.clear();
    ask(m_asks, m_pollMs);
    if (m_pending == 0)
        finished();
}

void PrometheusSource::annotate(const QString &text, const QJsonObject &details)
{
    Event e;
    e.timeMs = m_pollMs;
    e.kind = EventKind::Annotation;
    e.subject = QStringLiteral("prometheus");
    e.text = text;
    e.details = details;
    m_deliver(std::move(e));
    Q_EMIT said(text);
}

void PrometheusSource::reportOnce(const QString &key, const QString &text,
                                  const QJsonObject &details)
{
    if (m_reported.contains(key))
        return;
    m_reported.insert(key);
    annotate(text, details);
}

void PrometheusSource::serverAnswered(int index, const QString &problem)
{
    Server &s = m_servers[index];
    const HttpServer &where = m_mapping.servers[index];
    const QString name = u"Prometheus " +
                         (m_mapping.servers.size() > 1 ? where.name + u" " : QString()) + u"at " +
                         where.url.toString();
    if (problem.isEmpty()) {
        if (!s.problem.isEmpty())
            annotate(name + u" answers again",
                     {{QStringLiteral("problem"), QStringLiteral("answers")},
                      {QStringLiteral("server"), where.name}});
        s.problem.clear();
        s.failures = 0;
        s.retryAtMs = 0;
        return;
    }
    ++s.failures;
    // Asked again at the next poll, then less and less often.
    const qint64 backoff = std::min(
        kMostBackoffMs, m_mapping.intervalMs * (qint64(1) << std::min(s.failures - 1, 10)));
    s.retryAtMs = m_pollMs + backoff - m_mapping.intervalMs / 2;
    if (problem != s.problem)
        annotate(name + u" cannot be asked: " + problem +
                     u" (asked again with backoff, up to every " + formatDuration(kMostBackoffMs) +
                     u')',
                 {{QStringLiteral("problem"), QStringLiteral("unreachable")},
                  {QStringLiteral("server"), where.name}});
    s.problem = problem;
}

void PrometheusSource::finished()
{
    // Which servers answered; the queries they refused.
    std::vector<QString> problems(m_servers.size());
    std::vector<char> asked(m_servers.size(), 0);
    for (const Ask &a : m_asks) {
        asked[a.server] = 1;
        if (a.unreachable && problems[a.server].isEmpty())
            problems[a.server] = a.answer.error;
        if (a.query >= 0 && a.answer.refused) {
            const PromQuery &q = *m_queries[a.query];
            reportOnce(u"refused|" + QString::number(a.server) + u'|' + q.what +
                           (a.timestamps ? u"|t" : u""),
                       refusal(a) + u" (" + q.place.toString() + u')',
                       {{QStringLiteral("problem"), QStringLiteral("refused")},
                        {QStringLiteral("query"), q.what}});
        }
    }
    for (int i = 0; i < int(m_servers.size()); ++i) {
        if (asked[i])
            serverAnswered(i, problems[i]);
    }
    deliverCpu();
    deliverProbes();
    deliverCharts();
    deliverSli();
    ++m_polls;
    Q_EMIT polled(m_polls);
}

bool PrometheusSource::isStale(const PromSample &s) const
{
    if (s.timeMs < 0)
        return false; // an expression: timestamp() gave the evaluation time, nothing to check
    const QHash<QString, qint64> &bounds = m_servers[s.server].staleAfterMs;
    const qint64 bound = bounds.value(s.labels.value(QStringLiteral("job")),
                                      bounds.value(QString(), staleBound(kDefaultScrapeMs, 10000)));
    return m_pollMs - s.timeMs > bound;
}

bool PrometheusSource::anyServerSilent() const
{
    return std::any_of(m_servers.cbegin(), m_servers.cend(),
                       [](const Server &s) { return !s.problem.isEmpty(); });
}

QList<PromSample> PrometheusSource::samplesOf(int query) const
{
    QHash<QString, qint64> times; // server|labels -> scrape time
    for (const Ask &a : m_asks) {
        if (a.query != query || !a.timestamps || !a.answer.error.isEmpty())
            continue;
        for (const PromSample &s : a.answer.samples)
            times.insert(QString::number(a.server) + u'|' + labelKey(s.labels),
                         qint64(std::llround(s.value * 1000.0)));
    }
    // The same series from two servers (a highly available pair scraping the same targets):
    // the freshest.
    QList<PromSample> out;
    QHash<QString, qsizetype> seen; // labels -> index in out
    for (const Ask &a : m_asks) {
        if (a.query != query || a.timestamps || !a.answer.error.isEmpty())
            continue;
        for (PromSample s : a.answer.samples) {
            const QString key = labelKey(s.labels);
            s.timeMs = times.value(QString::number(a.server) + u'|' + key, -1);
            const auto it = seen.constFind(key);
            if (it == seen.cend()) {
                seen.insert(key, out.size());
                out.append(std::move(s));
            } else if (s.timeMs > out[*it].timeMs) {
                out[*it] = std::move(s);
            }
        }
    }
    return out;
}

void PrometheusSource::reportUnmatched(const QString &kind, const QString &label,
                                       const QString &value, const PromQuery &query)
{
    const QStringList &ids = kind == u"site" ? m_sites.ids() : m_nodes.ids();
    QStringList some = ids.mid(0, 6);
    if (ids.size() > 6)
        some.append(QStringLiteral("…"));
    reportOnce(kind + u'|' + label + u'|' + value,
               u"label " + label + u"=\"" + value + u"\" in " + query.what + u" (" +
                   query.place.toString() + u") names no " + kind + u" of the scenario (" +
                   some.join(QStringLiteral(", ")) +
                   u"); what it says is ignored: map it under values." + kind + u"s in the mapping",
               {{QStringLiteral("problem"), QStringLiteral("unmatched")},
                {QStringLiteral("label"), label},
                {QStringLiteral("value"), value},
                {QStringLiteral("kind"), kind}});
}

void PrometheusSource::reportMissing(const QString &label, const PromQuery &query)
{
    reportOnce(u"missing|" + query.what + u'|' + label,
               query.what + u" (" + query.place.toString() + u") gives results without a usable '" +
                   label + u"' label; they are ignored: check the label names in the mapping",
               {{QStringLiteral("problem"), QStringLiteral("unmatched")},
                {QStringLiteral("label"), label},
                {QStringLiteral("value"), QString()},
                {QStringLiteral("query"), query.what}});
}

void PrometheusSource::deliverSeries(const QString &key, const QString &node, const QString &metric,
                                     const QString &unit, double value)
{
    auto it = m_series.find(key);
    if (it == m_series.end()) {
        it = m_series.insert(key, Series{m_pollMs, 0});
        m_deliver(SeriesInfo{key, node, metric, unit, m_pollMs, m_mapping.intervalMs});
    }
    // One sample per interval since the series began: polls that missed it are NaN.
    const qint64 index =
        std::llround(double(m_pollMs - it->startMs) / double(m_mapping.intervalMs));
    if (index < it->count)
        return;
    QList<float> values(index - it->count, std::nanf(""));
    values.append(float(value));
    it->count = index + 1;
    m_deliver(feed::Samples{key, std::move(values)});
}

void PrometheusSource::deliverCpu()
{
    const int query = queryIndex(m_mapping.cpuQuery);
    if (query < 0)
        return;
    for (const PromSample &s : samplesOf(query)) {
        const QString value = s.labels.value(m_mapping.nodeLabel);
        if (value.isEmpty()) {
            reportMissing(m_mapping.nodeLabel, m_mapping.cpuQuery);
            continue;
        }
        const auto node = m_nodes.resolve(value);
        if (!node) {
            reportUnmatched(QStringLiteral("node"), m_mapping.nodeLabel, value, m_mapping.cpuQuery);
            continue;
        }
        deliverSeries(u"node/" + *node + u"/cpu", *node, QStringLiteral("cpu"), QStringLiteral("%"),
                      isStale(s) ? std::nan("") : s.value);
    }
}

void PrometheusSource::deliverProbes()
{
    // Every probe set's observations; two sets covering the same hops (an ICMP and a TCP job)
    // are one observation, the worse of the two.
    QList<ProbeObservation> now;
    QHash<QString, qsizetype> byKey;
    for (const ProbeSet &set : m_mapping.probes) {
        const int probe = queryIndex(set.probe);
        const int up = set.up.isEmpty() ? -1 : queryIndex(set.up);
        ProbeReading reading;
        reading.set = &set;
        reading.sites = &m_sites;
        reading.nodes = &m_nodes;
        reading.nowMs = m_pollMs;
        reading.stale = [this](const PromSample &s) { return isStale(s); };
        reading.unmatched = [this, &set](const QString &kind, const QString &label,
                                         const QString &value) {
            reportUnmatched(kind, label, value, set.probe);
        };
        reading.missing = [this, &set](const QString &label) { reportMissing(label, set.probe); };
        const QList<ProbeObservation> seen =
            observeProbes(samplesOf(probe), up >= 0 ? samplesOf(up) : QList<PromSample>{}, reading);
        for (const ProbeObservation &o : seen) {
            const auto it = byKey.constFind(o.key());
            if (it == byKey.cend()) {
                byKey.insert(o.key(), now.size());
                now.append(o);
                continue;
            }
            ProbeObservation &merged = now[*it];
            const QStringList targets = merged.targets + o.targets;
            if (int(o.state) > int(merged.state))
                merged = o;
            merged.targets = targets;
            merged.targets.removeDuplicates();
        }
    }
    auto deliver = [this](const ProbeObservation &o, const QString &state) {
        Event e;
        e.timeMs = m_pollMs;
        e.kind = EventKind::ProbeObserved;
        e.site = o.from;
        e.subject = o.to;
        e.node = o.node;
        e.text = o.why;
        e.details.insert(QStringLiteral("state"), state);
        e.details.insert(QStringLiteral("targets"), QJsonArray::fromStringList(o.targets));
        if (o.port > 0)
            e.details.insert(QStringLiteral("port"), o.port);
        m_deliver(std::move(e));
    };
    QSet<QString> seen;
    for (const ProbeObservation &o : std::as_const(now)) {
        const QString key = o.key();
        seen.insert(key);
        auto it = m_probes.find(key);
        const bool changed = it == m_probes.end() || it->observation.state != o.state;
        if (it == m_probes.end())
            it = m_probes.insert(key, Seen{o, m_pollMs});
        it->observation = o;
        it->lastSeenMs = m_pollMs;
        if (changed)
            deliver(o, toString(o.state));
    }
    // Gone from Prometheus's answers: unknown (a gap is not the last value), until it has been
    // gone `forget_after` — then no probe covers it any more.
    const QString why = anyServerSilent() ? QStringLiteral("Prometheus cannot be asked")
                                          : QStringLiteral("no sample from Prometheus");
    for (auto it = m_probes.begin(); it != m_probes.end();) {
        if (seen.contains(it.key())) {
            ++it;
            continue;
        }
        ProbeObservation o = it->observation;
        QString name = u"probe " + o.from + u" -> " + o.to;
        if (!o.node.isEmpty() || o.port > 0)
            name +=
                u" (" + o.node + (o.port > 0 ? u':' + QString::number(o.port) : QString()) + u')';
        if (m_pollMs - it->lastSeenMs >= m_mapping.forgetAfterMs) {
            o.why = name + u" is no longer in Prometheus (no sample for " +
                    formatDuration(m_mapping.forgetAfterMs) + u')';
            deliver(o, QStringLiteral("none"));
            it = m_probes.erase(it);
            continue;
        }
        if (o.state != VerdictState::Unknown) {
            o.state = VerdictState::Unknown;
            o.why = name + u": " + why + u" since " + clock(it->lastSeenMs) + u" UTC";
            it->observation = o;
            deliver(o, toString(o.state));
        }
        ++it;
    }
}

void PrometheusSource::deliverCharts()
{
    for (const ChartQuery &chart : m_mapping.charts) {
        for (const PromSample &s : samplesOf(queryIndex(chart.query))) {
            QString line, node;
            if (!chart.nodeLabel.isEmpty()) {
                const QString value = s.labels.value(chart.nodeLabel);
                if (value.isEmpty()) {
                    reportMissing(chart.nodeLabel, chart.query);
                    continue;
                }
                const auto id = m_nodes.resolve(value);
                if (!id) {
                    reportUnmatched(QStringLiteral("node"), chart.nodeLabel, value, chart.query);
                    continue;
                }
                line = node = *id;
            } else {
                const QString fromValue = s.labels.value(chart.sourceLabel);
                const QString toValue = s.labels.value(chart.targetLabel);
                if (fromValue.isEmpty() || toValue.isEmpty()) {
                    reportMissing(fromValue.isEmpty() ? chart.sourceLabel : chart.targetLabel,
                                  chart.query);
                    continue;
                }
                const auto from = m_sites.resolve(fromValue);
                const auto to = m_sites.resolve(toValue);
                if (!from)
                    reportUnmatched(QStringLiteral("site"), chart.sourceLabel, fromValue,
                                    chart.query);
                if (!to)
                    reportUnmatched(QStringLiteral("site"), chart.targetLabel, toValue,
                                    chart.query);
                if (!from || !to)
                    continue;
                line = *from + u" -> " + *to;
            }
            deliverSeries(u"promql/" + chart.name + u'/' + line, node, chart.name, chart.unit,
                          isStale(s) ? std::nan("") : s.value);
        }
    }
}

void PrometheusSource::deliverSli()
{
    if (m_mapping.slis.isEmpty())
        return;
    // The users' view: the worst of the SLIs (every sample of each), NaN when none answered —
    // or when a server is silent: what it said last may be the worst, and the others' good
    // news is no all-clear.
    double failing = std::nan("");
    QString why;
    for (const SliQuery &sli : m_mapping.slis) {
        for (const PromSample &s : samplesOf(queryIndex(sli.query))) {
            if (std::isnan(s.value) || isStale(s))
                continue;
            const double share = std::clamp(sli.isSuccess ? 1.0 - s.value : s.value, 0.0, 1.0);
            if (std::isnan(failing) || share > failing) {
                failing = share;
                QStringList labels;
                for (auto it = s.labels.cbegin(); it != s.labels.cend(); ++it) {
                    if (it.key() != u"__name__")
                        labels.append(it.key() + u"=\"" + it.value() + u'"');
                }
                labels.sort();
                why = u"SLI " + sli.query.promql +
                      (labels.isEmpty() ? QString() : u'{' + labels.join(u',') + u'}') + u" (" +
                      sli.query.place.toString() + u"): " + QString::number(share * 100.0, 'f', 1) +
                      u" % failing";
            }
        }
    }
    if (anyServerSilent())
        failing = std::nan("");
    deliverSeries(QStringLiteral("service/failure_ratio"), {}, QStringLiteral("failure_ratio"),
                  QStringLiteral("%"), failing * 100.0);
    if (const int requests = queryIndex(m_mapping.sliRequests); requests >= 0) {
        // What the users send, and what of it fails: the impact in requests.
        double offered = std::nan("");
        for (const PromSample &s : samplesOf(requests)) {
            if (!std::isnan(s.value) && !isStale(s))
                offered = (std::isnan(offered) ? 0.0 : offered) + s.value;
        }
        deliverSeries(QStringLiteral("service/offered"), {}, QStringLiteral("offered"),
                      QStringLiteral("req/s"), offered);
        deliverSeries(QStringLiteral("service/failed"), {}, QStringLiteral("failed"),
                      QStringLiteral("req/s"), offered * failing);
    }
    if (auto e = m_service.observe(m_pollMs, failing, why))
        m_deliver(std::move(*e));
}

} // namespace warroom
