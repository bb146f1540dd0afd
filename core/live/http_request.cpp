#include "http_request.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>

namespace warroom {

namespace {

// The first line of a secret file, without its line end (as Prometheus reads them).
std::variant<QByteArray, QString> secret(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return u"cannot read " + path + u": " + file.errorString();
    QByteArray text = file.read(64 * 1024);
    if (const qsizetype end = text.indexOf('\n'); end >= 0)
        text.truncate(end);
    return text.trimmed();
}

} // namespace

std::variant<QNetworkRequest, QString> requestTo(const HttpServer &server, const QString &path,
                                                 const QString &query, int timeoutMs)
{
    QUrl url = server.url;
    QString base = url.path();
    while (base.endsWith(u'/'))
        base.chop(1);
    url.setPath(base + path);
    if (!query.isEmpty())
        url.setQuery(query, QUrl::StrictMode);
    QNetworkRequest request(url);
    request.setTransferTimeout(timeoutMs);
    for (const auto &[name, value] : server.headers)
        request.setRawHeader(name, value);
    if (!server.username.isEmpty()) {
        const auto password = secret(server.passwordFile);
        if (const auto *why = std::get_if<QString>(&password))
            return *why;
        const QByteArray credentials =
            server.username.toUtf8() + ':' + std::get<QByteArray>(password);
        request.setRawHeader("Authorization", "Basic " + credentials.toBase64());
    } else if (!server.bearerTokenFile.isEmpty()) {
        const auto token = secret(server.bearerTokenFile);
        if (const auto *why = std::get_if<QString>(&token))
            return *why;
        request.setRawHeader("Authorization", "Bearer " + std::get<QByteArray>(token));
    }
    if (url.scheme() == u"https") {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        if (!server.caFile.isEmpty()) {
            const QList<QSslCertificate> cas = QSslCertificate::fromPath(server.caFile);
            if (cas.isEmpty())
                return u"no certificate in " + server.caFile;
            tls.addCaCertificates(cas);
        }
        if (!server.certFile.isEmpty()) {
            const QList<QSslCertificate> certs = QSslCertificate::fromPath(server.certFile);
            QFile keyFile(server.keyFile);
            if (certs.isEmpty())
                return u"no certificate in " + server.certFile;
            if (!keyFile.open(QIODevice::ReadOnly))
                return u"cannot read " + server.keyFile + u": " + keyFile.errorString();
            const QByteArray pem = keyFile.readAll();
            QSslKey key(pem, QSsl::Rsa);
            if (key.isNull())
                key = QSslKey(pem, QSsl::Ec);
            if (key.isNull())
                return u"no RSA or EC private key in " + server.keyFile;
            tls.setLocalCertificate(certs.first());
            tls.setPrivateKey(key);
        }
        if (!server.verifyTls)
            tls.setPeerVerifyMode(QSslSocket::VerifyNone);
        request.setSslConfiguration(tls);
    }
    return request;
}

} // namespace warroom
