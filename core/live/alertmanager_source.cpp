#include "alertmanager_source.h"

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

Alert alertFrom(const QJsonObject &o)
{
    Alert a;
    a.fingerprint = o.value(QStringLiteral("fingerprint")).toString();
    a.labels = o.value(QStringLiteral("labels")).toObject();
    a.annotations = o.value(QStringLiteral("annotations")).toObject();
    a.name = a.labels.value(QStringLiteral("alertname")).toString();
    a.startsAt = o.value(QStringLiteral("startsAt")).toString();
    const QJsonValue status = o.value(QStringLiteral("status"));
    // v2: {"state": "active"}; webhook: "firing" or "resolved".
    a.state = status.isObject() ? status.toObject().value(QStringLiteral("state")).toString()
                                : status.toString();
    a.firing = a.state != u"resolved";
    if (a.fingerprint.isEmpty()) // old senders: the labels identify the alert
        a.fingerprint = QString::fromUtf8(QJsonDocument(a.labels).toJson(QJsonDocument::Compact));
    return a;
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

std::variant<QList<Alert>, QString> parseAlertList(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError)
        return u"not JSON: " + error.errorString() + u" at offset " + QString::number(error.offset);
    return alertsOf(doc.isArray() ? QJsonValue(doc.array()) : QJsonValue());
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
    return alertsOf(o.value(QStringLiteral("alerts")));
}

Event AlertTracker::event(const Alert &a, bool firing, qint64 nowMs, const QString &how) const
{
    Event e;
    // When Warroom learned it: a live recording grows in time order. Alertmanager's own
    // start time is kept in the details.
    e.timeMs = nowMs;
    e.kind = firing ? EventKind::AlertFiring : EventKind::AlertResolved;
    e.subject = a.name;
    e.node = a.labels.value(QStringLiteral("node")).toString();
    e.site = a.labels.value(QStringLiteral("site")).toString();
    const QString summary = a.annotations.value(QStringLiteral("summary")).toString();
    e.text = a.name + (firing ? u" firing" : u" resolved") +
             (summary.isEmpty() ? QString() : u": " + summary);
    e.details = {{QStringLiteral("labels"), a.labels},
                 {QStringLiteral("annotations"), a.annotations},
                 {QStringLiteral("fingerprint"), a.fingerprint},
                 {QStringLiteral("starts_at"), a.startsAt},
                 {QStringLiteral("source"), how}};
    if (!a.state.isEmpty())
        e.details.insert(QStringLiteral("state"), a.state);
    return e;
}

QList<Event> AlertTracker::poll(const QList<Alert> &alerts, qint64 nowMs)
{
    QList<Event> events;
    QSet<QString> present;
    for (const Alert &a : alerts) {
        present.insert(a.fingerprint);
        if (a.firing && !m_firing.contains(a.fingerprint)) {
            m_firing.insert(a.fingerprint, a);
            events.append(event(a, true, nowMs, QStringLiteral("poll")));
        }
    }
    for (auto it = m_firing.begin(); it != m_firing.end();) {
        if (present.contains(it.key())) {
            ++it;
            continue;
        }
        events.append(event(*it, false, nowMs, QStringLiteral("poll")));
        it = m_firing.erase(it);
    }
    return events;
}

QList<Event> AlertTracker::notify(const QList<Alert> &alerts, qint64 nowMs)
{
    QList<Event> events;
    for (const Alert &a : alerts) {
        const bool known = m_firing.contains(a.fingerprint);
        if (a.firing && !known) {
            m_firing.insert(a.fingerprint, a);
            events.append(event(a, true, nowMs, QStringLiteral("webhook")));
        } else if (!a.firing && known) {
            m_firing.remove(a.fingerprint);
            events.append(event(a, false, nowMs, QStringLiteral("webhook")));
        }
    }
    return events;
}

AlertmanagerSource::AlertmanagerSource(PrometheusMapping mapping, Deliver deliver, QObject *parent)
    : QObject(parent)
    , m_mapping(std::move(mapping))
    , m_deliver(std::move(deliver))
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
    if (m_mapping.alertmanager.isValid()) {
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
    QUrl url = m_mapping.alertmanager;
    url.setPath(url.path() + QStringLiteral("/api/v2/alerts"));
    QNetworkRequest request(url);
    request.setTransferTimeout(int(m_mapping.alertIntervalMs));
    QNetworkReply *reply = m_network->get(request);
    connect(reply, &QNetworkReply::finished, this, [this, reply] {
        reply->deleteLater();
        m_polling = false;
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        QString problem;
        if (reply->error() != QNetworkReply::NoError) {
            problem = reply->errorString();
        } else {
            auto alerts = parseAlertList(reply->readAll());
            if (auto *error = std::get_if<QString>(&alerts))
                problem = *error;
            else
                deliver(m_tracker.poll(std::get<QList<Alert>>(alerts), now));
        }
        if (problem != m_problem) {
            Event e;
            e.timeMs = now;
            e.kind = EventKind::Annotation;
            e.subject = QStringLiteral("alertmanager");
            e.text = u"Alertmanager at " + m_mapping.alertmanager.toString() +
                     (problem.isEmpty() ? QStringLiteral(" answers again")
                                        : QString(u" cannot be asked: " + problem));
            m_deliver(std::move(e));
            m_problem = problem;
        }
        Q_EMIT polled();
    });
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
