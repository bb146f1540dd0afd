#include "host_port.h"

namespace warroom {

std::optional<std::pair<QHostAddress, quint16>> hostPort(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    const QString host = text.left(colon);
    // localhost is named, not resolved: no lookup, and no surprise from a hosts file.
    QHostAddress address = host.compare(u"localhost", Qt::CaseInsensitive) == 0
                               ? QHostAddress(QHostAddress::LocalHost)
                               : QHostAddress(QString(host).remove(u'[').remove(u']'));
    if (colon <= 0 || !ok || port > 65535 || address.isNull())
        return std::nullopt;
    return std::pair{address, quint16(port)};
}

} // namespace warroom
