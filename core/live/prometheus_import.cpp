#include "prometheus_import.h"

#include "http_request.h"
#include "prometheus_source.h" // parseInstantVector

#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>

#include <set>

namespace warroom {

namespace {

// A label value as a scenario id: lower case, what an id cannot hold turned into '-'.
QString idOf(const QString &value)
{
    static const QRegularExpression invalid(QStringLiteral("[^a-z0-9_.@-]+"));
    QString id = value.toLower();
    id.replace(invalid, QStringLiteral("-"));
    while (id.startsWith(u'-') || id.startsWith(u'_') || id.startsWith(u'.') || id.startsWith(u'@'))
        id.remove(0, 1);
    return id;
}

QString hostOf(const QString &instance)
{
    if (instance.startsWith(u'[')) // [::1]:9100
        return instance.mid(1, instance.indexOf(u']') - 1);
    return instance.section(u':', 0, 0);
}

int portOf(const QString &instance)
{
    return instance.section(u':', -1).toInt();
}

} // namespace

std::variant<QList<ScrapeTarget>, QString> parseTargets(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return u"the targets are not a JSON object (" + error.errorString() + u')';
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("status")).toString() != u"success")
        return u"Prometheus says " + o.value(QStringLiteral("error")).toString();
    QList<ScrapeTarget> out;
    const QJsonArray active =
        o.value(QStringLiteral("data")).toObject().value(QStringLiteral("activeTargets")).toArray();
    for (const QJsonValue &v : active) {
        const QJsonObject t = v.toObject();
        ScrapeTarget target;
        const QJsonObject labels = t.value(QStringLiteral("labels")).toObject();
        for (auto it = labels.begin(); it != labels.end(); ++it)
            target.labels.insert(it.key(), it.value().toString());
        target.scrapeUrl = t.value(QStringLiteral("scrapeUrl")).toString();
        out.append(std::move(target));
    }
    return out;
}

QList<ServiceGraphQuery> serviceGraphQueries()
{
    return {
        {QStringLiteral("traces_service_graph_request_total"),
         QStringLiteral("sum by (client, server) (rate(traces_service_graph_request_total[5m]) or "
                        "traces_service_graph_request_total * 0)"),
         QStringLiteral("client"), QStringLiteral("server")},
        {QStringLiteral("istio_requests_total"),
         QStringLiteral("sum by (source_workload, destination_workload) "
                        "(rate(istio_requests_total[5m]) or istio_requests_total * 0)"),
         QStringLiteral("source_workload"), QStringLiteral("destination_workload")},
    };
}

Result<QString> scenarioFromPrometheus(const QList<ScrapeTarget> &targets,
                                       const QList<ServiceCall> &calls, const ImportLabels &labels,
                                       const QString &from, QStringList *notes)
{
    struct NodeFound
    {
        QString site;
        QStringList roles;
        QStringList instances;
        QStringList jobs;
    };
    QMap<QString, NodeFound> nodes; // by id
    QMap<QString, int> rolePorts;   // a role's scrape port, as a first guess at its port
    std::set<QString> sites;
    int probes = 0, siteless = 0;
    for (const ScrapeTarget &t : targets) {
        // A blackbox probe is a probe of something else, not a node.
        if (t.scrapeUrl.contains(u"/probe?") || t.scrapeUrl.endsWith(u"/probe")) {
            ++probes;
            continue;
        }
        const QString instance = t.labels.value(QStringLiteral("instance"));
        QString site = idOf(t.labels.value(labels.site));
        if (site.isEmpty()) {
            site = QStringLiteral("unknown");
            ++siteless;
        }
        const QString role = idOf(t.labels.value(labels.role));
        QString node = idOf(t.labels.value(labels.node));
        if (node.isEmpty())
            node = idOf(hostOf(instance));
        if (node.isEmpty())
            continue;
        NodeFound &n = nodes[node];
        if (n.site.isEmpty())
            n.site = site;
        else if (n.site != site && notes)
            notes->append(u"node " + node + u" is in " + n.site + u" and " + site +
                          u" by its targets' labels; kept in " + n.site);
        if (!role.isEmpty() && !n.roles.contains(role))
            n.roles.append(role);
        if (!n.instances.contains(instance))
            n.instances.append(instance);
        const QString job = t.labels.value(QStringLiteral("job"));
        if (!job.isEmpty() && !n.jobs.contains(job))
            n.jobs.append(job);
        if (!role.isEmpty() && !rolePorts.contains(role) && portOf(instance) > 0)
            rolePorts.insert(role, portOf(instance));
        sites.insert(n.site);
    }
    if (notes && probes > 0)
        notes->append(QString::number(probes) +
                      u" blackbox probe targets left out: they probe other things; map them "
                      u"under 'links:' in the Prometheus mapping");
    if (notes && siteless > 0)
        notes->append(QString::number(siteless) + u" targets have no '" + labels.site +
                      u"' label: their nodes are in site 'unknown' (use --site-label)");

    if (nodes.isEmpty())
        return Error{u"Prometheus at " + from + u" has no active scrape targets" +
                         (probes > 0 ? QStringLiteral(" but blackbox probes") : QString()) +
                         u" to make nodes of (a Prometheus just started finds its targets "
                         u"within a few seconds)",
                     {},
                     0,
                     0};
    QString y;
    y += u"# A topology made by `warroom-cli import prometheus` from " + from + u" on " +
         QDateTime::currentDateTimeUtc().toString(Qt::ISODate) + u".\n";
    y += u"# Sites from the targets' '" + labels.site + u"' label, roles from '" + labels.role +
         u"', nodes from '" + labels.node +
         u"' (or the host of 'instance');\n"
         u"# dependencies from the calls that service-graph metrics saw. What Prometheus cannot\n"
         u"# know is left for you: the network between the sites (links: one per pair is\n"
         u"# assumed), the rules in force, ports (a role's scrape port is a first guess),\n"
         u"# capacities. Check with: warroom-cli validate FILE\n";
    y += QStringLiteral("warroom: 1\nname: imported\ntitle: Imported from Prometheus\n");
    y += u"start: " + QDateTime::currentDateTimeUtc().toString(Qt::ISODate) + u"\nduration: 1h\n";
    y += QStringLiteral("sites:\n");
    for (const QString &s : sites)
        y += u"  - {id: " + s + u", kind: datacenter}\n";
    const QStringList siteList(sites.begin(), sites.end());
    if (siteList.size() > 1) {
        y += QStringLiteral("links: # assumed: every site reaches every other directly\n");
        for (int i = 0; i < siteList.size(); ++i) {
            for (int j = i + 1; j < siteList.size(); ++j)
                y += u"  - {id: " + siteList[i] + u'-' + siteList[j] + u", between: [" +
                     siteList[i] + u", " + siteList[j] + u"], latency_ms: 1}\n";
        }
    }
    y += QStringLiteral("nodes:\n");
    QSet<QString> roles;
    for (auto it = nodes.cbegin(); it != nodes.cend(); ++it) {
        const NodeFound &n = it.value();
        QStringList nodeRoles = n.roles;
        if (nodeRoles.isEmpty())
            nodeRoles.append(QStringLiteral("host"));
        for (const QString &r : nodeRoles)
            roles.insert(r);
        y += u"  - {id: " + it.key() + u", " +
             (nodeRoles.size() == 1
                  ? QString(u"role: " + nodeRoles.first())
                  : QString(u"roles: [" + nodeRoles.join(QStringLiteral(", ")) + u']')) +
             u", site: " + n.site + u"} # " + n.instances.join(QStringLiteral(", ")) + u'\n';
    }
    // Calls between services that are roles here; others are said, not guessed.
    QMap<std::pair<QString, QString>, ServiceCall> dependencies;
    QStringList unknown;
    for (const ServiceCall &c : calls) {
        const QString client = idOf(c.client);
        const QString server = idOf(c.server);
        if (client.isEmpty() || server.isEmpty() || client == server)
            continue;
        if (!roles.contains(client) || !roles.contains(server)) {
            const QString missing = !roles.contains(client) ? c.client : c.server;
            if (!unknown.contains(missing))
                unknown.append(missing);
            continue;
        }
        auto &d = dependencies[{client, server}];
        d.client = client;
        d.server = server;
        d.perSecond += c.perSecond;
        d.metric = c.metric;
    }
    if (!dependencies.isEmpty()) {
        y += QStringLiteral("dependencies:\n");
        for (const ServiceCall &d : std::as_const(dependencies)) {
            const int port = rolePorts.value(d.server, 0);
            y += u"  - {from: " + d.client + u", to: " + d.server + u", port: " +
                 QString::number(port > 0 ? port : 80) + u"} # " +
                 QString::number(d.perSecond, 'f', 1) + u" req/s in " + d.metric +
                 (port > 0 ? QStringLiteral("; port: the scrape port of ") + d.server
                           : QStringLiteral("; port unknown")) +
                 u'\n';
        }
    } else {
        y += QStringLiteral("# dependencies: none seen (no traces_service_graph_request_total or "
                            "istio_requests_total); add them\n");
    }
    if (notes) {
        unknown.sort();
        for (const QString &u : std::as_const(unknown))
            notes->append(u"service " + u +
                          u" calls or is called but is no role of the targets "
                          u"(check --role-label): its calls are left out");
        if (dependencies.isEmpty())
            notes->append(QStringLiteral(
                "no calls between roles found: dependencies are left for you to add"));
    }
    y += QStringLiteral("rules: [] # the firewall rules in force: add them\n");
    return y;
}

Result<QString> importFromPrometheus(const HttpServer &server, const ImportLabels &labels,
                                     int timeoutMs, QStringList *notes)
{
    QNetworkAccessManager network;
    auto get = [&](const QString &path, const QString &query) -> std::variant<QByteArray, QString> {
        auto request = requestTo(server, path, query, timeoutMs);
        if (const auto *why = std::get_if<QString>(&request))
            return *why;
        QNetworkReply *reply = network.get(std::get<QNetworkRequest>(request));
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        const QByteArray body = reply->readAll();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (reply->error() != QNetworkReply::NoError && status != 400 && status != 422)
            return u"Prometheus at " + server.url.toString() + u" cannot be asked: " +
                   reply->errorString();
        return body;
    };
    const auto targets = get(QStringLiteral("/api/v1/targets"), QStringLiteral("state=active"));
    if (const auto *why = std::get_if<QString>(&targets))
        return Error{*why, {}, 0, 0};
    auto parsed = parseTargets(std::get<QByteArray>(targets));
    if (const auto *why = std::get_if<QString>(&parsed))
        return Error{*why, {}, 0, 0};
    QList<ServiceCall> calls;
    for (const ServiceGraphQuery &q : serviceGraphQueries()) {
        const auto body = get(QStringLiteral("/api/v1/query"),
                              QString::fromLatin1("query=" + QUrl::toPercentEncoding(q.promql)));
        if (const auto *why = std::get_if<QString>(&body))
            return Error{*why, {}, 0, 0};
        const PromAnswer answer = parseInstantVector(std::get<QByteArray>(body));
        if (!answer.error.isEmpty()) {
            if (notes)
                notes->append(q.metric + u": " + answer.error);
            continue;
        }
        for (const PromSample &s : answer.samples)
            calls.append(
                {s.labels.value(q.clientLabel), s.labels.value(q.serverLabel), s.value, q.metric});
    }
    return scenarioFromPrometheus(std::get<QList<ScrapeTarget>>(parsed), calls, labels,
                                  server.url.toString(), notes);
}

} // namespace warroom
