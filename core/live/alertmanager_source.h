#pragma once

#include "label_values.h"
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
    QString startsAt;        // as Alertmanager wrote it (RFC 3339)
    QString state;           // v2: active, suppressed, unprocessed; webhook: firing, resolved
    QStringList silencedBy;  // silence ids (v2)
    QStringList inhibitedBy; // fingerprints of the alerts inhibiting it (v2)
    QString generatorUrl;    // the rule's expression in Prometheus
    QString alertmanagerUrl; // where Alertmanager shows it
    QJsonObject labels;
    QJsonObject annotations;
    bool suppressed() const { return state == u"suppressed"; }
};

// GET /api/v2/alerts (a JSON array), or what is wrong with it. `alertmanager` is the address
// the links back are made from.
std::variant<QList<Alert>, QString> parseAlertList(const QByteArray &json,
                                                   const QUrl &alertmanager = {});
// A webhook notification (version 4), or what is wrong with it.
std::variant<QList<Alert>, QString> parseWebhook(const QByteArray &json);

// Which labels say an alert's node, site and severity, and how their values become ids.
struct AlertLabels
{
    QString node = QStringLiteral("node");
    QString site = QStringLiteral("site");
    QString severity = QStringLiteral("severity");
    const IdResolver *sites = nullptr; // null: values as they are
    const IdResolver *nodes = nullptr;
    // Hears of a value naming no id (the event then leaves node or site empty).
    std::function<void(const QString &kind, const QString &label, const QString &value)> unmatched;
};

// Which alerts fire, from both ways Alertmanager tells: each alert becomes one `alert.firing`
// event when first seen firing, one `alert.silenced` when Alertmanager holds it back (a silence
// or an inhibition; it is not firing then, and fires again when released), and one
// `alert.resolved` when it ends (resolved in a webhook, or gone from a poll), however many
// times it is reported in between.
class AlertTracker
{
public:
    explicit AlertTracker(AlertLabels labels = {})
        : m_labels(std::move(labels))
    {}
    // A poll: every alert Alertmanager has; those not in it any more are resolved.
    QList<Event> poll(const QList<Alert> &alerts, qint64 nowMs);
    // A webhook: the alerts of one group, firing or resolved.
    QList<Event> notify(const QList<Alert> &alerts, qint64 nowMs);

private:
    enum class Kind
    {
        Firing,
        Silenced,
        Resolved
    };
    Event event(const Alert &alert, Kind kind, qint64 nowMs, const QString &how) const;
    QString id(const IdResolver *ids, const QString &label, const Alert &alert) const;

    AlertLabels m_labels;
    QHash<QString, Alert> m_known; // firing or held back, by fingerprint
};

// Polls Alertmanager's API v2 and, when the mapping names one, receives its webhook (v4) on a
// loopback port; both feed one AlertTracker. Runs in the thread that creates it.
class AlertmanagerSource : public QObject
{
    Q_OBJECT

public:
    AlertmanagerSource(PrometheusMapping mapping, const QStringList &sites,
                       const QStringList &nodes, Deliver deliver, QObject *parent = nullptr);
    ~AlertmanagerSource() override;

    // Polls now and every interval; listens for the webhook. The error says why it cannot.
    std::optional<QString> start();
    quint16 webhookPort() const;

Q_SIGNALS:
    void polled();
    void notified();                // a webhook was received (and answered)
    void said(const QString &text); // every annotation it records about itself

private:
    void poll();
    void acceptWebhook();
    void deliver(const QList<Event> &events);
    void answering(const QString &problem); // annotates a change of Alertmanager's answering
    void annotate(const QString &text, const QJsonObject &details);

    PrometheusMapping m_mapping;
    IdResolver m_sites;
    IdResolver m_nodes;
    Deliver m_deliver;
    AlertTracker m_tracker;
    QNetworkAccessManager *m_network = nullptr;
    QTcpServer *m_webhook = nullptr;
    QTimer m_timer;
    bool m_polling = false;
    QString m_problem;         // why Alertmanager could not be asked last time
    QSet<QString> m_unmatched; // label values already said to name nothing
};

} // namespace warroom
