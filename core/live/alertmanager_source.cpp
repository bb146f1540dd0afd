#include "alertmanager_source.h"

#include "http_request.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTcpServer>
#include <QTcpSocket>

namespace warroom {

namespace {

constexpr qsizetype kMaxWebhookBytes = 1 << 20;

QStringList strings(const QJsonValue &list)
{
    QStringList out;
    for (const QJsonValue &v : list.toArray())
        out.append(v.toString());
    return out;
}

Alert alertFrom(const QJsonObject &o)
{
    Alert a;
    a.fingerprint = o.value(QStringLiteral("fingerprint")).toString();
    a.labels = o.value(QStringLiteral("labels")).toObject();
    a.annotations = o.value(QStringLiteral("annotations")).toObject();
    a.name = a.labels.value(QStringLiteral("alertname")).toString();
    a.startsAt = o.value(QStringLiteral("startsAt")).toString();
    a.generatorUrl = o.value(QStringLiteral("generatorURL")).toString();
    const QJsonValue status = o.value(QStringLiteral("status"));
    // v2: {"state": "active", "silencedBy": [...], "inhibitedBy": [...]}; webhook: "firing"
    // or "resolved" (a webhook never carries a suppressed alert).
    if (status.isObject()) {
        const QJsonObject st = status.toObject();
        a.state = st.value(QStringLiteral("state")).toString();
        a.silencedBy = strings(st.value(QStringLiteral("silencedBy")));
        a.inhibitedBy = strings(st.value(QStringLiteral("inhibitedBy")));
    } else {
        a.state = status.toString();
    }
    a.firing = a.state != u"resolved";
    if (a.fingerprint.isEmpty()) // old senders: the labels identify the alert
        a.fingerprint = QString::fromUtf8(QJsonDocument(a.labels).toJson(QJsonDocument::Compact));
    return a;
}

// Where Alertmanager's own page shows this alert: its alerts view filtered on its labels.
QString alertmanagerLink(const QString &base, const Alert &a)
{
    if (base.isEmpty())
        return {};
    QStringList matchers;
    for (auto it = a.labels.begin(); it != a.labels.end(); ++it)
        matchers.append(it.key() + u"=\"" + it.value().toString() + u'"');
    QString root = base;
    while (root.endsWith(u'/'))
        root.chop(1);
    return root + u"/#/alerts?silenced=true&inhibited=true&filter=" +
           QString::fromLatin1(QUrl::toPercentEncoding(u'{' + matchers.join(u',') + u'}'));
}

std::variant<QList<Alert>, QString> alertsOf(const QJsonValue &list)
{
    if (!list.isArray())
        return QStringLiteral("no list of alerts");
    QList<Alert> alerts;
    for (const QJsonValue &item : list.toArray()) {
        if (!item.isObject())
            return QStringLiteral("an alert is not a JSON object");
        alerts.append(alertFrom(item.toObject()));
    }
    return alerts;
}

void answer(QTcpSocket *socket, int code, const QByteArray &reason, const QByteArray &body)
{
    socket->write("HTTP/1.1 " + QByteArray::number(code) + ' ' + reason +
                  "\r\nContent-Type: application/json\r\nContent-Length: " +
                  QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body);
    socket->disconnectFromHost();
}

QByteArray errorBody(const QString &why)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("error"), why}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

std::variant<QList<Alert>, QString> parseAlertList(const QByteArray &json, const QUrl &alertmanager)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return u"not JSON: " + error.errorString() + u" at offset " + QString::number(error.offset);
    auto alerts = alertsOf(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue());
    if (auto *list = std::get_if<QList<Alert>>(&alerts)) {
        for (Alert &a : *list)
            a.alertmanagerUrl = alertmanagerLink(alertmanager.toString(), a);
    }
    return alerts;
}

std::variant<QList<Alert>, QString> parseWebhook(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return u"not JSON: " + error.errorString() + u" at offset " + QString::number(error.offset);
    const QJsonObject o = doc.object();
    const QString version = o.value(QStringLiteral("version")).toString();
    if (version != u"4")
        return u"webhook version \"" + version + u"\" is not 4";
    auto alerts = alertsOf(o.value(QStringLiteral("alerts")));
    if (auto *list = std::get_if<QList<Alert>>(&alerts)) {
        const QString external = o.value(QStringLiteral("externalURL")).toString();
        for (Alert &a : *list)
            a.alertmanagerUrl = alertmanagerLink(external, a);
    }
    return alerts;
}

QString AlertTracker::id(const IdResolver *ids, const QString &label, const Alert &a) const
{
    const QString value = a.labels.value(label).toString();
    if (value.isEmpty() || !ids)
        return value;
    if (auto id = ids->resolve(value))
        return *id;
    // Naming nothing here: said, and left out (the labels keep it).
    if (m_labels.unmatched)
        m_labels.unmatched(ids == m_labels.sites ? QStringLiteral("site") : QStringLiteral("node"),
                           label, value);
    return {};
}

Event AlertTracker::event(const Alert &a, Kind kind, qint64 nowMs, const QString &how) const
{
    Event e;
    // When Warroom learned it: a live recording grows in time order. Alertmanager's own
    // start time is kept in the details.
    e.timeMs = nowMs;
    e.kind = kind == Kind::Firing     ? EventKind::AlertFiring
             : kind == Kind::Silenced ? EventKind::AlertSilenced
                                      : EventKind::AlertResolved;
    e.subject = a.name;
    e.node = id(m_labels.nodes, m_labels.node, a);
    e.site = id(m_labels.sites, m_labels.site, a);
    const QString severity = a.labels.value(m_labels.severity).toString();
    // What it says: its summary, else its description, else its instance.
    QString summary = a.annotations.value(QStringLiteral("summary")).toString();
    if (summary.isEmpty())
        summary =
            a.annotations.value(QStringLiteral("description")).toString().section(u'\n', 0, 0);
    if (summary.isEmpty())
        summary = a.labels.value(QStringLiteral("instance")).toString();
    QString what = kind == Kind::Firing      ? QStringLiteral(" firing")
                   : kind == Kind::Resolved  ? QStringLiteral(" resolved")
                   : !a.silencedBy.isEmpty() ? QStringLiteral(" silenced")
                                             : QStringLiteral(" inhibited");
    e.text = (severity.isEmpty() ? QString() : u'[' + severity + u"] ") + a.name + what +
             (summary.isEmpty() ? QString() : u": " + summary);
    e.details = {{QStringLiteral("labels"), a.labels},
                 {QStringLiteral("annotations"), a.annotations},
                 {QStringLiteral("fingerprint"), a.fingerprint},
                 {QStringLiteral("starts_at"), a.startsAt},
                 {QStringLiteral("source"), how}};
    if (!a.state.isEmpty())
        e.details.insert(QStringLiteral("state"), a.state);
    if (!severity.isEmpty())
        e.details.insert(QStringLiteral("severity"), severity);
    if (!a.generatorUrl.isEmpty())
        e.details.insert(QStringLiteral("generator_url"), a.generatorUrl);
    if (!a.alertmanagerUrl.isEmpty())
        e.details.insert(QStringLiteral("alertmanager_url"), a.alertmanagerUrl);
    if (!a.silencedBy.isEmpty())
        e.details.insert(QStringLiteral("silenced_by"), QJsonArray::fromStringList(a.silencedBy));
    if (!a.inhibitedBy.isEmpty())
        e.details.insert(QStringLiteral("inhibited_by"), QJsonArray::fromStringList(a.inhibitedBy));
    return e;
}

QList<Event> AlertTracker::poll(const QList<Alert> &alerts, qint64 nowMs)
{
    QList<Event> events;
    QSet<QString> present;
    for (const Alert &a : alerts) {
        if (!a.firing)
            continue;
        present.insert(a.fingerprint);
        const auto known = m_known.constFind(a.fingerprint);
        // New, or held back and now released, or firing and now held back.
        if (known == m_known.cend() || known->suppressed() != a.suppressed())
            events.append(event(a, a.suppressed() ? Kind::Silenced : Kind::Firing, nowMs,
                                QStringLiteral("poll")));
        m_known.insert(a.fingerprint, a);
    }
    for (auto it = m_known.begin(); it != m_known.end();) {
        if (present.contains(it.key())) {
            ++it;
            continue;
        }
        events.append(event(*it, Kind::Resolved, nowMs, QStringLiteral("poll")));
        it = m_known.erase(it);
    }
    return events;
}

QList<Event> AlertTracker::notify(const QList<Alert> &alerts, qint64 nowMs)
{
    QList<Event> events;
    for (const Alert &a : alerts) {
        const auto known = m_known.constFind(a.fingerprint);
        if (a.firing && (known == m_known.cend() || known->suppressed())) {
            m_known.insert(a.fingerprint, a);
            events.append(event(a, Kind::Firing, nowMs, QStringLiteral("webhook")));
        } else if (!a.firing && known != m_known.cend()) {
            m_known.remove(a.fingerprint);
            events.append(event(a, Kind::Resolved, nowMs, QStringLiteral("webhook")));
        }
    }
    return events;
}

AlertmanagerSource::AlertmanagerSource(PrometheusMapping mapping, const QStringList &sites,
                                       const QStringList &nodes, Deliver deliver, QObject *parent)
    : QObject(parent)
    , m_mapping(std::move(mapping))
    , m_sites(m_mapping.values.sites, m_mapping.values.rewrites, m_mapping.values.caseInsensitive,
              sites)
    , m_nodes(m_mapping.values.nodes, m_mapping.values.rewrites, m_mapping.values.caseInsensitive,
              nodes)
    , m_deliver(std::move(deliver))
    , m_tracker(AlertLabels{
          m_mapping.alertNodeLabel, m_mapping.alertSiteLabel, m_mapping.alertSeverityLabel,
          sites.isEmpty() ? nullptr : &m_sites, nodes.isEmpty() ? nullptr : &m_nodes,
          [this](const QString &kind, const QString &label, const QString &value) {
              if (m_unmatched.contains(kind + u'|' + label + u'|' + value))
                  return;
              m_unmatched.insert(kind + u'|' + label + u'|' + value);
              annotate(u"alert label " + label + u"=\"" + value + u"\" names no " + kind +
                           u" of the scenario; the alert is kept without it: "
                           u"map it under values." +
                           kind + u"s in the mapping",
                       {{QStringLiteral("problem"), QStringLiteral("unmatched")},
                        {QStringLiteral("label"), label},
                        {QStringLiteral("value"), value},
                        {QStringLiteral("kind"), kind}});
          }})
    , m_network(new QNetworkAccessManager(this))
{
    m_timer.setInterval(int(m_mapping.alertIntervalMs));
    connect(&m_timer, &QTimer::timeout, this, &AlertmanagerSource::poll);
}

AlertmanagerSource::~AlertmanagerSource() = default;

std::optional<QString> AlertmanagerSource::start()
{
    if (m_mapping.webhookPort != 0) {
        m_webhook = new QTcpServer(this);
        if (!m_webhook->listen(m_mapping.webhookAddress, m_mapping.webhookPort))
            return u"cannot receive the Alertmanager webhook on " +
                   m_mapping.webhookAddress.toString() + u':' +
                   QString::number(m_mapping.webhookPort) + u": " + m_webhook->errorString();
        connect(m_webhook, &QTcpServer::newConnection, this, &AlertmanagerSource::acceptWebhook);
    }
    if (!m_mapping.alertmanager.url.isEmpty()) {
        m_timer.start();
        poll();
    }
    return std::nullopt;
}

quint16 AlertmanagerSource::webhookPort() const
{
    return m_webhook ? m_webhook->serverPort() : 0;
}

void AlertmanagerSource::deliver(const QList<Event> &events)
{
    for (const Event &e : events)
        m_deliver(e);
}

void AlertmanagerSource::poll()
{
    if (m_polling)
        return;
    m_polling = true;
    const auto request = requestTo(m_mapping.alertmanager, QStringLiteral("/api/v2/alerts"), {},
                                   int(std::max<qint64>(m_mapping.alertIntervalMs, 1000)));
    if (const auto *why = std::get_if<QString>(&request)) {
        m_polling = false;
        answering(*why);
        return;
    }
    QNetworkReply *reply = m_network->get(std::get<QNetworkRequest>(request));
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        m_polling = false;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QString problem;
        if (reply->error() != QNetworkReply::NoError) {
            problem = httpProblem(reply);
        } else {
            auto alerts = parseAlertList(reply->readAll(), m_mapping.alertmanager.url);
            if (auto *error = std::get_if<QString>(&alerts))
                problem = *error;
            else
                deliver(m_tracker.poll(std::get<QList<Alert>>(alerts), now));
        }
        answering(problem);
        Q_EMIT polled();
    });
}

void AlertmanagerSource::annotate(const QString &text, const QJsonObject &details)
{
    Event e;
    e.timeMs = QDateTime::currentMSecsSinceEpoch();
    e.kind = EventKind::Annotation;
    e.subject = QStringLiteral("alertmanager");
    e.text = text;
    e.details = details;
    m_deliver(std::move(e));
    Q_EMIT said(text);
}

void AlertmanagerSource::answering(const QString &problem)
{
    if (problem == m_problem)
        return;
    annotate(u"Alertmanager at " + m_mapping.alertmanager.url.toString() +
                 (problem.isEmpty() ? QStringLiteral(" answers again")
                                    : QString(u" cannot be asked: " + problem)),
             {{QStringLiteral("problem"),
               problem.isEmpty() ? QStringLiteral("answers") : QStringLiteral("unreachable")},
              {QStringLiteral("server"), QStringLiteral("alertmanager")}});
    m_problem = problem;
}

// A minimal HTTP/1.1 server for one request per connection: POST with a Content-Length body.
void AlertmanagerSource::acceptWebhook()
{
    while (QTcpSocket *socket = m_webhook->nextPendingConnection()) {
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            QByteArray buffer = socket->property("request").toByteArray() + socket->readAll();
            if (buffer.size() > kMaxWebhookBytes) {
                answer(socket, 413, "Payload Too Large", errorBody(QStringLiteral("over 1 MiB")));
                return;
            }
            const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
            if (headerEnd < 0) {
                socket->setProperty("request", buffer);
                return;
            }
            const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
            qsizetype length = -1;
            for (const QByteArray &line : lines) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.mid(15).trimmed().toLongLong();
            }
            if (!lines.first().startsWith("POST ")) {
                answer(socket, 405, "Method Not Allowed",
                       errorBody(QStringLiteral("send the webhook with POST")));
                return;
            }
            if (length < 0) {
                answer(socket, 411, "Length Required",
                       errorBody(QStringLiteral("a Content-Length is required")));
                return;
            }
            const QByteArray body = buffer.mid(headerEnd + 4);
            if (body.size() < length) {
                socket->setProperty("request", buffer);
                return;
            }
            auto alerts = parseWebhook(body.left(length));
            if (auto *error = std::get_if<QString>(&alerts)) {
                answer(socket, 400, "Bad Request", errorBody(*error));
                return;
            }
            deliver(m_tracker.notify(std::get<QList<Alert>>(alerts),
                                     QDateTime::currentMSecsSinceEpoch()));
            answer(socket, 200, "OK", "{}");
            Q_EMIT notified();
        });
    }
}

} // namespace warroom
