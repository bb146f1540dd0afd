#pragma once

#include "topology.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace warroom {

// The topology as stored in a recording's topology versions: ids instead of indices, so a
// reader needs nothing else to draw it. `present` (by node index) leaves out nodes that are
// not running at that version; empty means all.
QJsonObject topologyToJson(const Topology &topology, const std::vector<char> &present = {});
QByteArray topologyToJsonBytes(const Topology &topology, const std::vector<char> &present = {});
// The topology a version describes. Places are kept for rules only (file and line).
Topology topologyFromJson(const QJsonObject &json);
// What makes `json` no topology a map can be drawn from (no sites, a site without an id, a link
// or node naming a site it does not list, a list that is not one), or nothing: for what comes
// from outside (a feed's topology line), which topologyFromJson would read leniently.
std::optional<QString> topologyJsonProblem(const QJsonObject &json);

} // namespace warroom
