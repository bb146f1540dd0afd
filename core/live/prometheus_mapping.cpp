#include "prometheus_mapping.h"

#include "core/scenario/yaml_reader.h"
#include "core/util/host_port.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSslCertificate>

namespace warroom {

namespace {

// An http(s) URL with a host: "http://127.0.0.1:9090".
std::optional<QUrl> httpUrl(YamlReader &r, const YAML::Node &node, const QString &what)
{
    const auto text = r.string(node, what);
    if (!text)
        return std::nullopt;
    const QUrl url(*text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") ||
        url.host().isEmpty()) {
        r.error(node, what +
                          u" must be an http:// or https:// address such as "
                          u"http://127.0.0.1:9090, not '" +
                          *text + u'\'');
        return std::nullopt;
    }
    if (!url.userInfo().isEmpty()) {
        r.error(node, what + u" must not hold a user or password: use basic_auth with a "
                             u"password_file");
        return std::nullopt;
    }
    if (url.hasQuery() || url.hasFragment()) {
        r.error(node, what + u" must not have a ?query or #fragment: put a key in 'headers' "
                             u"or a file, not in the address");
        return std::nullopt;
    }
    return url;
}

std::optional<qint64> interval(YamlReader &r, const YAML::Node &node, const QString &what)
{
    const auto ms = r.duration(node, what);
    if (ms && *ms < 100) {
        r.error(node, what + u" must be at least 100ms");
        return std::nullopt;
    }
    return ms;
}

// A file named relative to the mapping, which must exist (its content is read when used).
QString existingFile(YamlReader &r, const YAML::Node &node, const QString &what)
{
    const auto name = r.string(node, what);
    if (!name)
        return {};
    const QString path = QFileInfo(r.fileName()).dir().absoluteFilePath(*name);
    if (!QFileInfo(path).isFile()) {
        r.error(node, what + u": no file " + path);
        return {};
    }
    return path;
}

PromQuery query(YamlReader &r, const YAML::Node &node, const QString &what)
{
    PromQuery q;
    if (!node.IsDefined())
        return q;
    q.what = what;
    q.place = r.placeOf(node);
    q.promql = r.string(node, u'\'' + what + u'\'').value_or(QString()).trimmed();
    if (q.promql.isEmpty() && r.errors().isEmpty())
        r.error(node, u'\'' + what + u"' must be a PromQL query");
    return q;
}

QString label(YamlReader &r, const YAML::Node &map, const char *key, const QString &what,
              const QString &fallback = {})
{
    const YAML::Node n = r.child(map, key, what);
    if (!n.IsDefined())
        return fallback;
    return r.identifier(n, u'\'' + what + u'.' + QLatin1StringView(key) + u'\'').value_or(fallback);
}

// `url:` and how to be let in (basic_auth, bearer_token_file, headers, tls), for a
// Prometheus or an Alertmanager. `extra` are the keys the caller reads itself.
std::optional<HttpServer> server(YamlReader &r, const YAML::Node &node, const QString &what,
                                 const QStringList &extra = {})
{
    HttpServer s;
    if (node.IsScalar()) { // just the address
        auto url = httpUrl(r, node, u'\'' + what + u'\'');
        if (!url)
            return std::nullopt;
        s.url = *url;
        s.name = url->host();
        return s;
    }
    if (!r.expectMap(node, u'\'' + what + u'\''))
        return std::nullopt;
    r.checkKeys(node,
                QStringList{QStringLiteral("url"), QStringLiteral("name"),
                            QStringLiteral("basic_auth"), QStringLiteral("bearer_token_file"),
                            QStringLiteral("headers"), QStringLiteral("tls")} +
                    extra,
                u'\'' + what + u'\'');
    auto url =
        httpUrl(r, r.child(node, "url", u'\'' + what + u'\'', true), u'\'' + what + u".url'");
    if (!url)
        return std::nullopt;
    s.url = *url;
    s.name = url->host();
    if (const YAML::Node n = r.child(node, "name", what); n.IsDefined())
        s.name = r.string(n, u'\'' + what + u".name'").value_or(s.name);
    if (const YAML::Node auth = r.child(node, "basic_auth", what); auth.IsDefined()) {
        const QString w = what + u".basic_auth";
        if (r.expectMap(auth, u'\'' + w + u'\'')) {
            r.checkKeys(auth, {QStringLiteral("username"), QStringLiteral("password_file")},
                        u'\'' + w + u'\'');
            s.username = r.string(r.child(auth, "username", w, true), u'\'' + w + u".username'")
                             .value_or(QString());
            const YAML::Node file = r.child(auth, "password_file", w, true);
            s.passwordFile = existingFile(r, file, u'\'' + w + u".password_file'");
            if (!s.passwordFile.isEmpty() && QFileInfo(s.passwordFile).size() == 0)
                r.error(file, u'\'' + w + u".password_file': " + s.passwordFile + u" is empty");
        }
    }
    if (const YAML::Node n = r.child(node, "bearer_token_file", what); n.IsDefined())
        s.bearerTokenFile = existingFile(r, n, u'\'' + what + u".bearer_token_file'");
    if (!s.username.isEmpty() && !s.bearerTokenFile.isEmpty())
        r.error(node, u'\'' + what + u"' has both basic_auth and bearer_token_file: choose one");
    if (const YAML::Node headers = r.child(node, "headers", what); headers.IsDefined()) {
        if (r.expectMap(headers, u'\'' + what + u".headers'")) {
            for (const auto &kv : headers) {
                const QString name = QString::fromStdString(kv.first.Scalar());
                if (name.compare(u"authorization", Qt::CaseInsensitive) == 0) {
                    r.error(kv.first, u"'" + what +
                                          u".headers': put credentials in basic_auth or "
                                          u"bearer_token_file, not in a header written here");
                    continue;
                }
                const auto value = r.string(kv.second, u'\'' + what + u".headers." + name + u'\'');
                if (value)
                    s.headers.append({name.toLatin1(), value->toUtf8()});
            }
        }
    }
    if (const YAML::Node tls = r.child(node, "tls", what); tls.IsDefined()) {
        const QString w = what + u".tls";
        if (r.expectMap(tls, u'\'' + w + u'\'')) {
            r.checkKeys(tls,
                        {QStringLiteral("ca_file"), QStringLiteral("cert_file"),
                         QStringLiteral("key_file"), QStringLiteral("insecure_skip_verify")},
                        u'\'' + w + u'\'');
            if (const YAML::Node n = r.child(tls, "ca_file", w); n.IsDefined()) {
                s.caFile = existingFile(r, n, u'\'' + w + u".ca_file'");
                if (!s.caFile.isEmpty() && QSslCertificate::fromPath(s.caFile).isEmpty())
                    r.error(n, u'\'' + w + u".ca_file': no PEM certificate in " + s.caFile);
            }
            if (const YAML::Node n = r.child(tls, "cert_file", w); n.IsDefined())
                s.certFile = existingFile(r, n, u'\'' + w + u".cert_file'");
            if (const YAML::Node n = r.child(tls, "key_file", w); n.IsDefined())
                s.keyFile = existingFile(r, n, u'\'' + w + u".key_file'");
            if (s.certFile.isEmpty() != s.keyFile.isEmpty())
                r.error(tls, u"'" + w + u"' needs both cert_file and key_file, or neither");
            if (const YAML::Node n = r.child(tls, "insecure_skip_verify", w); n.IsDefined())
                s.verifyTls = !r.boolean(n, u'\'' + w + u".insecure_skip_verify'").value_or(false);
        }
    }
    return s;
}

void readServers(YamlReader &r, const YAML::Node &node, PrometheusMapping &m)
{
    if (node.IsSequence()) {
        int i = 0;
        for (const YAML::Node &item : node) {
            if (auto s = server(r, item, u"prometheus[" + QString::number(i++) + u']'))
                m.servers.append(*s);
        }
        if (m.servers.isEmpty() && r.errors().isEmpty())
            r.error(node, QStringLiteral("'prometheus' lists no server"));
    } else if (auto s = server(r, node, QStringLiteral("prometheus"))) {
        m.servers.append(*s);
    }
    QStringList names;
    for (const HttpServer &s : std::as_const(m.servers)) {
        if (names.contains(s.name))
            r.error(node, u"two Prometheus servers are named '" + s.name +
                              u"': give each a different 'name'");
        names.append(s.name);
    }
}

void readValues(YamlReader &r, const YAML::Node &values, PrometheusMapping &m)
{
    const QString what = QStringLiteral("'values'");
    if (!r.expectMap(values, what))
        return;
    r.checkKeys(values,
                {QStringLiteral("sites"), QStringLiteral("nodes"), QStringLiteral("rewrite"),
                 QStringLiteral("case_insensitive")},
                what);
    auto table = [&r, &m](const YAML::Node &n, const QString &kind, QHash<QString, QString> &out) {
        const QString w = u"'values." + kind + u'\'';
        if (!n.IsDefined() || !r.expectMap(n, w))
            return;
        for (const auto &kv : n) {
            const QString value = QString::fromStdString(kv.first.Scalar());
            if (auto id = r.identifier(kv.second, w)) {
                out.insert(value, *id);
                m.values.places.insert(kind + u'|' + value, r.placeOf(kv.second));
            }
        }
    };
    table(r.child(values, "sites", what), QStringLiteral("sites"), m.values.sites);
    table(r.child(values, "nodes", what), QStringLiteral("nodes"), m.values.nodes);
    if (const YAML::Node n = r.child(values, "case_insensitive", what); n.IsDefined())
        m.values.caseInsensitive =
            r.boolean(n, QStringLiteral("'values.case_insensitive'")).value_or(true);
    const YAML::Node rewrites = r.child(values, "rewrite", what);
    if (!rewrites.IsDefined() || !r.expectSequence(rewrites, QStringLiteral("'values.rewrite'")))
        return;
    for (const YAML::Node &item : rewrites) {
        const QString w = QStringLiteral("'values.rewrite'");
        if (!r.expectMap(item, w))
            continue;
        r.checkKeys(item, {QStringLiteral("match"), QStringLiteral("replace")}, w);
        const YAML::Node matchNode = r.child(item, "match", w, true);
        const auto match = r.string(matchNode, QStringLiteral("'values.rewrite.match'"));
        const auto replace =
            r.string(r.child(item, "replace", w, true), QStringLiteral("'values.rewrite.replace'"));
        if (!match || !replace)
            continue;
        if (const QRegularExpression plain(*match); !plain.isValid()) {
            r.error(matchNode, u"'values.rewrite.match' is not a regular expression: " +
                                   plain.errorString() + u" at offset " +
                                   QString::number(plain.patternErrorOffset()));
            continue;
        }
        // The whole value must match, as in Prometheus's relabelling.
        m.values.rewrites.append(
            {QRegularExpression(QRegularExpression::anchoredPattern(*match)), *replace});
    }
}

void readNodes(YamlReader &r, const YAML::Node &nodes, PrometheusMapping &m)
{
    if (!r.expectMap(nodes, QStringLiteral("'nodes'")))
        return;
    r.checkKeys(nodes, {QStringLiteral("cpu"), QStringLiteral("label")}, QStringLiteral("'nodes'"));
    m.cpuQuery = query(r, r.child(nodes, "cpu", QStringLiteral("'nodes'"), true),
                       QStringLiteral("nodes.cpu"));
    m.nodeLabel = label(r, nodes, "label", QStringLiteral("nodes"), m.nodeLabel);
}

void readProbeSet(YamlReader &r, const YAML::Node &links, const QString &what, PrometheusMapping &m)
{
    if (!r.expectMap(links, u'\'' + what + u'\''))
        return;
    r.checkKeys(links,
                {QStringLiteral("probe"), QStringLiteral("up"), QStringLiteral("source_label"),
                 QStringLiteral("target_label"), QStringLiteral("node_label"),
                 QStringLiteral("port_label"), QStringLiteral("port")},
                u'\'' + what + u'\'');
    ProbeSet p;
    const QString quoted = u'\'' + what + u'\'';
    p.probe = query(r, r.child(links, "probe", quoted, true), what + u".probe");
    p.up = query(r, r.child(links, "up", quoted), what + u".up");
    p.sourceLabel = label(r, links, "source_label", what, p.sourceLabel);
    p.targetLabel = label(r, links, "target_label", what, p.targetLabel);
    p.nodeLabel = label(r, links, "node_label", what);
    p.portLabel = label(r, links, "port_label", what);
    if (const YAML::Node n = r.child(links, "port", what); n.IsDefined()) {
        const auto port = r.integer(n, u'\'' + what + u".port'");
        if (port && (*port < 1 || *port > 65535))
            r.error(n, u'\'' + what + u".port' must be 1 to 65535");
        else if (port)
            p.port = int(*port);
        if (!p.portLabel.isEmpty())
            r.error(n, u'\'' + what + u"' has both port and port_label: choose one");
    }
    m.probes.append(p);
}

void readCharts(YamlReader &r, const YAML::Node &list, PrometheusMapping &m)
{
    if (!r.expectSequence(list, QStringLiteral("'series'")))
        return;
    int i = 0;
    for (const YAML::Node &item : list) {
        const QString what = u"series[" + QString::number(i++) + u']';
        if (!r.expectMap(item, u'\'' + what + u'\''))
            continue;
        r.checkKeys(item,
                    {QStringLiteral("name"), QStringLiteral("query"), QStringLiteral("unit"),
                     QStringLiteral("node_label"), QStringLiteral("source_label"),
                     QStringLiteral("target_label")},
                    u'\'' + what + u'\'');
        ChartQuery c;
        const YAML::Node nameNode = r.child(item, "name", u'\'' + what + u'\'', true);
        if (nameNode.IsDefined())
            c.name = r.string(nameNode, u'\'' + what + u".name'").value_or(QString()).trimmed();
        if (c.name.contains(u'/'))
            r.error(nameNode, u'\'' + what + u".name' must not contain '/'");
        c.query = query(r, r.child(item, "query", u'\'' + what + u'\'', true), what + u".query");
        if (const YAML::Node n = r.child(item, "unit", what); n.IsDefined())
            c.unit = r.string(n, u'\'' + what + u".unit'").value_or(QString());
        c.nodeLabel = label(r, item, "node_label", what);
        c.sourceLabel = label(r, item, "source_label", what);
        c.targetLabel = label(r, item, "target_label", what);
        const bool perPair = !c.sourceLabel.isEmpty() || !c.targetLabel.isEmpty();
        if (perPair && (c.sourceLabel.isEmpty() || c.targetLabel.isEmpty()))
            r.error(item, u'\'' + what + u"' needs both source_label and target_label");
        if (perPair && !c.nodeLabel.isEmpty())
            r.error(item, u'\'' + what +
                              u"' has both node_label and source_label/target_label: a line per "
                              u"node or per site pair, not both");
        else if (!perPair && c.nodeLabel.isEmpty())
            r.error(item, u'\'' + what +
                              u"' needs node_label (a line per node) or source_label and "
                              u"target_label (a line per site pair)");
        for (const ChartQuery &other : std::as_const(m.charts)) {
            if (other.name == c.name && !c.name.isEmpty())
                r.error(nameNode, u"two series are named '" + c.name + u'\'');
        }
        m.charts.append(c);
    }
}

void readSlis(YamlReader &r, const YAML::Node &sli, PrometheusMapping &m)
{
    if (!r.expectMap(sli, QStringLiteral("'sli'")))
        return;
    r.checkKeys(sli,
                {QStringLiteral("error_ratio"), QStringLiteral("success_ratio"),
                 QStringLiteral("requests")},
                QStringLiteral("'sli'"));
    m.sliRequests =
        query(r, r.child(sli, "requests", QStringLiteral("'sli'")), QStringLiteral("sli.requests"));
    for (const char *key : {"error_ratio", "success_ratio"}) {
        const YAML::Node n = r.child(sli, key, QStringLiteral("'sli'"));
        if (!n.IsDefined())
            continue;
        const bool success = qstrcmp(key, "success_ratio") == 0;
        // One query or a list: the worst of them is the users' view.
        const QString what = u"sli." + QLatin1StringView(key);
        if (n.IsSequence()) {
            for (const YAML::Node &item : n)
                m.slis.append({query(r, item, what), success});
        } else {
            m.slis.append({query(r, n, what), success});
        }
    }
    if (m.slis.isEmpty() && r.errors().isEmpty())
        r.error(sli, QStringLiteral("'sli' needs error_ratio or success_ratio"));
}

void readAlertmanager(YamlReader &r, const YAML::Node &am, PrometheusMapping &m)
{
    const QString what = QStringLiteral("alertmanager");
    if (!r.expectMap(am, u'\'' + what + u'\''))
        return;
    const QStringList own{QStringLiteral("interval"), QStringLiteral("webhook"),
                          QStringLiteral("labels")};
    if (r.child(am, "url", what).IsDefined()) {
        if (auto s = server(r, am, what, own))
            m.alertmanager = *s;
    } else {
        r.checkKeys(am, own + QStringList{QStringLiteral("url")}, u'\'' + what + u'\'');
    }
    if (const YAML::Node n = r.child(am, "interval", what); n.IsDefined())
        m.alertIntervalMs =
            interval(r, n, QStringLiteral("'alertmanager.interval'")).value_or(m.alertIntervalMs);
    if (const YAML::Node labels = r.child(am, "labels", what); labels.IsDefined()) {
        const QString w = QStringLiteral("alertmanager.labels");
        if (r.expectMap(labels, u'\'' + w + u'\'')) {
            r.checkKeys(
                labels,
                {QStringLiteral("node"), QStringLiteral("site"), QStringLiteral("severity")},
                u'\'' + w + u'\'');
            m.alertNodeLabel = label(r, labels, "node", w, m.alertNodeLabel);
            m.alertSiteLabel = label(r, labels, "site", w, m.alertSiteLabel);
            m.alertSeverityLabel = label(r, labels, "severity", w, m.alertSeverityLabel);
        }
    }
    if (const YAML::Node n = r.child(am, "webhook", what); n.IsDefined()) {
        const auto text = r.string(n, QStringLiteral("'alertmanager.webhook'"));
        if (!text)
            return;
        const auto where = hostPort(*text);
        if (!where || where->second == 0) {
            r.error(n, u"'alertmanager.webhook' must be ADDRESS:PORT such as 127.0.0.1:9098, "
                       u"not '" +
                           *text + u'\'');
            return;
        }
        if (!where->first.isLoopback()) {
            r.error(n, QStringLiteral("'alertmanager.webhook' must be on loopback (127.0.0.1 or "
                                      "::1): the webhook has no authentication"));
            return;
        }
        m.webhookAddress = where->first;
        m.webhookPort = where->second;
    }
}

} // namespace

QList<const PromQuery *> PrometheusMapping::queries() const
{
    QList<const PromQuery *> out;
    auto add = [&out](const PromQuery &q) {
        if (!q.isEmpty())
            out.append(&q);
    };
    add(cpuQuery);
    for (const ProbeSet &p : probes) {
        add(p.probe);
        add(p.up);
    }
    for (const ChartQuery &c : charts)
        add(c.query);
    for (const SliQuery &s : slis)
        add(s.query);
    add(sliRequests);
    return out;
}

Result<PrometheusMapping> parsePrometheusMapping(const QByteArray &text, const QString &fileName,
                                                 MappingUse use)
{
    YamlReader r(fileName);
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::Exception &e) {
        r.error(e.mark, QString::fromStdString(e.msg));
        return r.errors();
    }
    if (!r.expectMap(root, QStringLiteral("a Prometheus mapping")))
        return r.errors();
    const QString what = QStringLiteral("the mapping");
    r.checkKeys(root,
                {QStringLiteral("prometheus"), QStringLiteral("interval"),
                 QStringLiteral("scrape_interval"), QStringLiteral("forget_after"),
                 QStringLiteral("scenario"), QStringLiteral("values"), QStringLiteral("nodes"),
                 QStringLiteral("links"), QStringLiteral("series"), QStringLiteral("sli"),
                 QStringLiteral("alertmanager")},
                what);
    PrometheusMapping m;
    m.file = fileName;
    if (const YAML::Node n = r.child(root, "prometheus", what); n.IsDefined())
        readServers(r, n, m);
    if (const YAML::Node n = r.child(root, "interval", what); n.IsDefined())
        m.intervalMs = interval(r, n, QStringLiteral("'interval'")).value_or(m.intervalMs);
    if (const YAML::Node n = r.child(root, "scrape_interval", what); n.IsDefined())
        m.scrapeIntervalMs = interval(r, n, QStringLiteral("'scrape_interval'")).value_or(0);
    if (const YAML::Node n = r.child(root, "forget_after", what); n.IsDefined())
        m.forgetAfterMs =
            interval(r, n, QStringLiteral("'forget_after'")).value_or(m.forgetAfterMs);
    if (const YAML::Node n = r.child(root, "scenario", what, true); n.IsDefined()) {
        if (auto s = r.string(n, QStringLiteral("'scenario'"))) {
            m.scenario = QFileInfo(fileName).dir().absoluteFilePath(*s);
            if (use == MappingUse::Watch && !QFileInfo::exists(m.scenario))
                r.error(n, u"'scenario': no file " + m.scenario);
        }
    }
    if (const YAML::Node n = r.child(root, "values", what); n.IsDefined())
        readValues(r, n, m);
    if (const YAML::Node n = r.child(root, "nodes", what); n.IsDefined())
        readNodes(r, n, m);
    if (const YAML::Node n = r.child(root, "links", what); n.IsDefined()) {
        // One probe set, or a list of them (a blackbox job per port is common).
        if (n.IsSequence()) {
            int i = 0;
            for (const YAML::Node &item : n)
                readProbeSet(r, item, u"links[" + QString::number(i++) + u']', m);
        } else {
            readProbeSet(r, n, QStringLiteral("links"), m);
        }
    }
    if (const YAML::Node n = r.child(root, "series", what); n.IsDefined())
        readCharts(r, n, m);
    if (const YAML::Node n = r.child(root, "sli", what); n.IsDefined())
        readSlis(r, n, m);
    if (const YAML::Node n = r.child(root, "alertmanager", what); n.IsDefined())
        readAlertmanager(r, n, m);
    if (m.servers.isEmpty() && !m.queries().isEmpty() &&
        !r.child(root, "prometheus", what).IsDefined())
        r.error(root, QStringLiteral("the mapping asks queries but names no 'prometheus' to ask"));
    if (!r.errors().isEmpty())
        return r.errors();
    return m;
}

Result<PrometheusMapping> loadPrometheusMapping(const QString &path, MappingUse use)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{u"cannot open the Prometheus mapping: " + file.errorString(), path, 0, 0};
    return parsePrometheusMapping(file.readAll(), path, use);
}

} // namespace warroom
