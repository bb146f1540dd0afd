#include "host_port.h"

namespace warroom {

std::optional<std::pair<QHostAddress, quint16>> hostPort(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    QHostAddress address(text.left(colon).remove(u'[').remove(u']'));
    if (colon <= 0 || !ok || port > 65535 || address.isNull())
        return std::nullopt;
    return std::pair{address, quint16(port)};
}

} // namespace warroom
