#pragma once

#include <QHostAddress>

#include <optional>
#include <utility>

namespace warroom {

// "127.0.0.1:7070", "[::1]:7070" or "localhost:7070" (127.0.0.1) -> address and port; nothing
// when it is not one (other host names are not looked up).
std::optional<std::pair<QHostAddress, quint16>> hostPort(const QString &text);

} // namespace warroom
