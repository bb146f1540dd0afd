#pragma once

#include "prometheus_mapping.h"

#include <QNetworkRequest>

#include <variant>

namespace warroom {

// A GET request to `path` (with `query`) on a server, carrying the credentials, headers and TLS
// settings its mapping gives; or why it cannot be made (a secret file that cannot be read).
// Secrets are read here, at each request, so that a rotated token is picked up.
std::variant<QNetworkRequest, QString> requestTo(const HttpServer &server, const QString &path,
                                                 const QString &query, int timeoutMs);

} // namespace warroom
