// Reading what a Prometheus server answers (its HTTP API's instant vectors and failures),
// apart from the source that asks (prometheus_source.cpp).

#include "prometheus_source.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

#include <cmath>

namespace warroom {

QString httpProblem(QNetworkReply *reply)
{
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 401 || status == 403)
        return u"HTTP " + QString::number(status) +
               u": not let in (check basic_auth, bearer_token_file or headers in the mapping)";
    if (status > 0) {
        const QString reason =
            reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().trimmed();
        return u"HTTP " + QString::number(status) + (reason.isEmpty() ? QString() : u' ' + reason);
    }
    switch (reply->error()) {
    case QNetworkReply::SslHandshakeFailedError:
        return reply->errorString() +
               u" (is its certificate signed by a CA the system or tls.ca_file trusts?)";
    default:
        return reply->errorString();
    }
}

PromAnswer parseInstantVector(const QByteArray &json)
{
    PromAnswer answer;
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        answer.error = u"the answer is not a JSON object (" + error.errorString() + u')';
        return answer;
    }
    const QJsonObject o = doc.object();
    if (o.value(QStringLiteral("status")).toString() != u"success") {
        answer.error = u"Prometheus says " + o.value(QStringLiteral("errorType")).toString() +
                       u": " + o.value(QStringLiteral("error")).toString();
        answer.refused = true;
        return answer;
    }
    const QJsonObject data = o.value(QStringLiteral("data")).toObject();
    if (data.value(QStringLiteral("resultType")).toString() != u"vector") {
        answer.error = u"the query gives a " + data.value(QStringLiteral("resultType")).toString() +
                       u", not an instant vector (wrap a number in vector())";
        answer.refused = true;
        return answer;
    }
    for (const QJsonValue &item : data.value(QStringLiteral("result")).toArray()) {
        const QJsonObject r = item.toObject();
        PromSample s;
        const QJsonObject metric = r.value(QStringLiteral("metric")).toObject();
        for (auto it = metric.begin(); it != metric.end(); ++it)
            s.labels.insert(it.key(), it.value().toString());
        // "value": [ <unix time>, "<number as text>" ]; "NaN", "+Inf" are numbers too.
        const QJsonArray value = r.value(QStringLiteral("value")).toArray();
        const QString text = value.at(1).toString();
        bool ok = false;
        s.value = text.toDouble(&ok);
        if (!ok) {
            if (text == u"NaN")
                s.value = std::nan("");
            else if (text == u"+Inf" || text == u"-Inf")
                s.value = text.startsWith(u'-') ? -INFINITY : INFINITY;
            else
                continue; // a native histogram, or not a number: this result says nothing
        }
        answer.samples.append(std::move(s));
    }
    return answer;
}

QString labelKey(const QHash<QString, QString> &labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        if (it.key() != u"__name__")
            parts.append(it.key() + u'=' + it.value());
    }
    parts.sort();
    return parts.join(u'\x1f');
}

} // namespace warroom
