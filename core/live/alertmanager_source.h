#pragma once

#include "prometheus_mapping.h"
#include "prometheus_source.h" // Deliver

#include <QJsonObject>
#include <QObject>
#include <QTimer>

class QNetworkAccessManager;
class QTcpServer;

namespace warroom {

// One alert as Alertmanager reports it (API v2 or webhook v4).
struct Alert
{
    QString fingerprint;
    QString name; // the alertname label
    bool firing = true;
    QString startsAt; // as Alertmanager wrote it (RFC 3339)
    QString state;    // v2: active, suppressed, unprocessed
    QJsonObject labels;
    QJsonObject annotations;
};

// GET /api/v2/alerts (a JSON array), or what is wrong with it.
std::variant<QList<Alert>, QString> parseAlertList(const QByteArray &json);
// A webhook notification (version 4), or what is wrong with it.
std::variant<QList<Alert>, QString> parseWebhook(const QByteArray &json);

// Which alerts fire, from both ways Alertmanager tells: each alert becomes one `alert.firing`
// event when first seen firing and one `alert.resolved` when it stops (resolved in a webhook,
// or gone from a poll), however many times it is reported in between.
class AlertTracker
{
public:
    // A poll: every alert Alertmanager has; those not in it any more are resolved.
    QList<Event> poll(const QList<Alert> &alerts, qint64 nowMs);
    // A webhook: the alerts of one group, firing or resolved.
    QList<Event> notify(const QList<Alert> &alerts, qint64 nowMs);

private:
    Event event(const Alert &alert, bool firing, qint64 nowMs, const QString &how) const;
    QHash<QString, Alert> m_firing; // by fingerprint
};

// Polls Alertmanager's API v2 and, when the mapping names one, receives its webhook (v4) on a
// loopback port; both feed one AlertTracker. Runs in the thread that creates it.
class AlertmanagerSource : public QObject
{
    Q_OBJECT

public:
    AlertmanagerSource(PrometheusMapping mapping, Deliver deliver, QObject *parent = nullptr);
    ~AlertmanagerSource() override;

    // Polls now and every interval; listens for the webhook. The error says why it cannot.
    std::optional<QString> start();
    quint16 webhookPort() const;

Q_SIGNALS:
    void polled();
    void notified(); // a webhook was received (and answered)

private:
    void poll();
    void acceptWebhook();
    void deliver(const QList<Event> &events);

    PrometheusMapping m_mapping;
    Deliver m_deliver;
    AlertTracker m_tracker;
    QNetworkAccessManager *m_network = nullptr;
    QTcpServer *m_webhook = nullptr;
    QTimer m_timer;
    bool m_polling = false;
    QString m_problem; // why Alertmanager could not be asked last time
};

} // namespace warroom
