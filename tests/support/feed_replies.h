#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

#include <map>

namespace warroom::test {

// An ingest server's replies read so far from a socket: errors (line -> message) and the last
// acknowledgement (docs/feed-protocol.md).
struct FeedReplies
{
    std::map<qint64, QString> errors;
    qint64 ack = 0;
    QByteArray partial;

    void read(QTcpSocket &socket)
    {
        partial += socket.readAll();
        qsizetype newline;
        while ((newline = partial.indexOf('\n')) >= 0) {
            const QJsonObject o = QJsonDocument::fromJson(partial.left(newline)).object();
            partial.remove(0, newline + 1);
            if (o.contains(QStringLiteral("ack")))
                ack = qint64(o.value(QStringLiteral("ack")).toDouble());
            else
                errors[qint64(o.value(QStringLiteral("line")).toDouble())] =
                    o.value(QStringLiteral("error")).toString();
        }
    }
};

} // namespace warroom::test
