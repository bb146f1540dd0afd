#pragma once

#include <QHostAddress>

#include <optional>
#include <utility>

namespace warroom {

// "127.0.0.1:7070" or "[::1]:7070" -> address and port; nothing when it is not one.
std::optional<std::pair<QHostAddress, quint16>> hostPort(const QString &text);

} // namespace warroom
