#include "monitoring_stack.h"

#include "core/live/http_request.h"

#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

namespace warroom::test {

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

Listener::Listener(quint16 port)
{
    listen(QHostAddress::LocalHost, port);
    connect(this, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *s = nextPendingConnection()) {
            s->disconnectFromHost();
            connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        }
    });
}

MonitoringStack::MonitoringStack() = default;

MonitoringStack::~MonitoringStack()
{
    for (QProcess *p : std::as_const(m_daemons)) {
        p->terminate();
        if (!p->waitForFinished(5000))
            p->kill();
        p->waitForFinished(2000);
    }
}

quint16 MonitoringStack::port(const QString &name)
{
    auto it = m_ports.find(name);
    if (it == m_ports.end())
        it = m_ports.insert(name, freePort());
    return *it;
}

bool MonitoringStack::write(const QString &name, const QByteArray &text) const
{
    QFile file(path(name) + u".tmp");
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return false;
    file.close();
    QFile::remove(path(name));
    return file.rename(path(name)); // whole, as an exporter's textfile must appear
}

QProcess *MonitoringStack::start(const QString &name, const QString &program,
                                 const QStringList &arguments)
{
    kill(name);
    auto *p = new QProcess(this);
    p->setProcessChannelMode(QProcess::MergedChannels);
    p->setStandardOutputFile(path(name + u".log"), QIODevice::Append);
    p->start(program, arguments);
    if (!p->waitForStarted(10000))
        qFatal("cannot start %s (%s): run scripts/install-deps", qPrintable(program),
               qPrintable(p->errorString()));
    m_daemons.insert(name, p);
    return p;
}

void MonitoringStack::kill(const QString &name)
{
    if (QProcess *p = m_daemons.take(name)) {
        p->kill();
        p->waitForFinished(5000);
        p->deleteLater();
    }
}

std::pair<int, QByteArray> MonitoringStack::request(const HttpServer &server, const QString &path,
                                                    const QByteArray &postJson)
{
    const QStringList parts = path.split(u'?');
    auto made = requestTo(server, parts[0], parts.value(1), 3000);
    if (!std::holds_alternative<QNetworkRequest>(made))
        return {0, std::get<QString>(made).toUtf8()};
    QNetworkRequest request = std::get<QNetworkRequest>(made);
    QNetworkAccessManager network;
    QNetworkReply *reply = nullptr;
    if (postJson.isEmpty()) {
        reply = network.get(request);
    } else {
        request.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
        reply = network.post(request, postJson);
    }
    QSignalSpy done(reply, &QNetworkReply::finished);
    done.wait(4000);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    delete reply;
    return {status, body};
}

bool MonitoringStack::waitForResults(const HttpServer &server, const QString &promql, int results,
                                     int timeoutMs)
{
    QElapsedTimer clock;
    clock.start();
    const QString query = QStringLiteral("/api/v1/query?query=") +
                          QString::fromLatin1(QUrl::toPercentEncoding(promql));
    while (clock.elapsed() < timeoutMs) {
        const auto [status, body] = request(server, query);
        if (status == 200 && body.count("\"metric\"") >= results)
            return true;
        QTest::qWait(200);
    }
    return false;
}

} // namespace warroom::test
