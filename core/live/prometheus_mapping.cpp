#include "prometheus_mapping.h"

#include "core/scenario/yaml_reader.h"
#include "core/util/host_port.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

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

void readNodes(YamlReader &r, const YAML::Node &nodes, PrometheusMapping &m)
{
    if (!r.expectMap(nodes, QStringLiteral("'nodes'")))
        return;
    r.checkKeys(nodes, {QStringLiteral("cpu"), QStringLiteral("label")}, QStringLiteral("'nodes'"));
    if (auto q = r.string(r.child(nodes, "cpu", QStringLiteral("'nodes'"), true),
                          QStringLiteral("'nodes.cpu'")))
        m.cpuQuery = *q;
    if (const YAML::Node label = r.child(nodes, "label", {}); label.IsDefined())
        m.nodeLabel = r.identifier(label, QStringLiteral("'nodes.label'")).value_or(m.nodeLabel);
}

void readLinks(YamlReader &r, const YAML::Node &links, PrometheusMapping &m)
{
    if (!r.expectMap(links, QStringLiteral("'links'")))
        return;
    r.checkKeys(links,
                {QStringLiteral("probe"), QStringLiteral("up"), QStringLiteral("source_label"),
                 QStringLiteral("target_label")},
                QStringLiteral("'links'"));
    const QString what = QStringLiteral("'links'");
    if (auto q = r.string(r.child(links, "probe", what, true), QStringLiteral("'links.probe'")))
        m.probeQuery = *q;
    if (auto q = r.string(r.child(links, "up", what, true), QStringLiteral("'links.up'")))
        m.upQuery = *q;
    if (const YAML::Node n = r.child(links, "source_label", what); n.IsDefined())
        m.sourceLabel =
            r.identifier(n, QStringLiteral("'links.source_label'")).value_or(m.sourceLabel);
    if (const YAML::Node n = r.child(links, "target_label", what); n.IsDefined())
        m.targetLabel =
            r.identifier(n, QStringLiteral("'links.target_label'")).value_or(m.targetLabel);
}

void readAlertmanager(YamlReader &r, const YAML::Node &am, PrometheusMapping &m)
{
    const QString what = QStringLiteral("'alertmanager'");
    if (!r.expectMap(am, what))
        return;
    r.checkKeys(am, {QStringLiteral("url"), QStringLiteral("interval"), QStringLiteral("webhook")},
                what);
    if (auto url = httpUrl(r, r.child(am, "url", what, true), QStringLiteral("'alertmanager.url'")))
        m.alertmanager = *url;
    if (const YAML::Node n = r.child(am, "interval", what); n.IsDefined())
        m.alertIntervalMs =
            interval(r, n, QStringLiteral("'alertmanager.interval'")).value_or(m.alertIntervalMs);
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

Result<PrometheusMapping> parsePrometheusMapping(const QByteArray &text, const QString &fileName)
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
                 QStringLiteral("scenario"), QStringLiteral("nodes"), QStringLiteral("links"),
                 QStringLiteral("alertmanager")},
                what);
    PrometheusMapping m;
    if (auto url =
            httpUrl(r, r.child(root, "prometheus", what, true), QStringLiteral("'prometheus'")))
        m.prometheus = *url;
    if (const YAML::Node n = r.child(root, "interval", what); n.IsDefined())
        m.intervalMs = interval(r, n, QStringLiteral("'interval'")).value_or(m.intervalMs);
    if (const YAML::Node n = r.child(root, "scenario", what, true); n.IsDefined()) {
        if (auto s = r.string(n, QStringLiteral("'scenario'"))) {
            m.scenario = QFileInfo(fileName).dir().absoluteFilePath(*s);
            if (!QFileInfo::exists(m.scenario))
                r.error(n, u"'scenario': no file " + m.scenario);
        }
    }
    if (const YAML::Node n = r.child(root, "nodes", what); n.IsDefined())
        readNodes(r, n, m);
    if (const YAML::Node n = r.child(root, "links", what); n.IsDefined())
        readLinks(r, n, m);
    if (const YAML::Node n = r.child(root, "alertmanager", what); n.IsDefined())
        readAlertmanager(r, n, m);
    if (!r.errors().isEmpty())
        return r.errors();
    return m;
}

Result<PrometheusMapping> loadPrometheusMapping(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error{u"cannot open the Prometheus mapping: " + file.errorString(), path, 0, 0};
    return parsePrometheusMapping(file.readAll(), path);
}

} // namespace warroom
