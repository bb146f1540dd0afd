#pragma once

#include "scenario.h"
#include "yaml_reader.h"

namespace warroom {

// A node or a scaling group has `role` (a role that may exist).
bool hasRole(const Topology &t, const QString &role);

// Parses one section after another in dependency order, whatever the order in the file.
class ScenarioParser
{
public:
    explicit ScenarioParser(YamlReader &reader)
        : r(reader)
    {}

    Scenario parse(const YAML::Node &root);
    // A file that `extends` another: `base` with this file's overrides and additions.
    Scenario parseVariant(const YAML::Node &root, Scenario base);
    const QList<Node> &rejectedNodes() const { return m_rejectedNodes; }

private:
    void parseHeader(const YAML::Node &root);
    void parseSites(const YAML::Node &list);
    void parseLinks(const YAML::Node &list);
    void parseNodes(const YAML::Node &list);
    void parseGroups(const YAML::Node &list);
    void parseRiskGroups(const YAML::Node &list);
    void parseDependencies(const YAML::Node &list);
    void parseRules(const YAML::Node &list);
    std::optional<Rule> parseRule(const YAML::Node &item);
    // simulation_sections.cpp
    void parseSimulation(const YAML::Node &root);
    // load_sections.cpp
    void parseLoads(const YAML::Node &node); // a map (one load) or a list of them
    void parseLoad(const YAML::Node &map, LoadProfile &load, const QString &name);
    // simulation_sections.cpp
    void parseChanges(const YAML::Node &list);
    // One change: of the schedule (`at:` required) or a reaction's `do:` (no `at:`).
    std::optional<ScheduledChange> parseChange(const YAML::Node &item, const QString &what,
                                               bool scheduled, YAML::Mark *beforeMark);
    void parseReactions(const YAML::Node &list);
    std::optional<Condition> parseCondition(const YAML::Node &map, const QString &what);
    void parseQueues(const YAML::Node &list);
    // replication_monitoring_sections.cpp
    void parseReplication(const YAML::Node &list);
    void parseMonitoring(const YAML::Node &map);
    int nodeRef(const YAML::Node &node, const QString &what); // a node's index, or -1 (said)
    void parseServiceLevel(const YAML::Node &map);
    void parseTitles(const YAML::Node &root);
    std::optional<qint64> offset(const YAML::Node &node, const QString &what);
    double fraction(const YAML::Node &node, const QString &what, double fallback);
    std::optional<Scope> parseScope(const YAML::Node &node);
    QList<PortRange> parsePorts(const YAML::Node &node, const QString &what);
    std::optional<int> port(const YAML::Node &node, const QString &text, const QString &what);
    int siteRef(const YAML::Node &node, const QString &what);
    ElementState state(const YAML::Node &map, const QString &what);
    int concurrency(const YAML::Node &node, const QString &what);
    Provisioning provisioning(const YAML::Node &map, const QString &what);
    RetryPolicy retryPolicy(const YAML::Node &node, const QString &what);

    YamlReader &r;
    Scenario s;
    Topology &t = s.topology;
    QList<Node> m_rejectedNodes;
    QList<std::pair<QString, YAML::Mark>> m_provisioningServices; // checked once nodes are read
};

} // namespace warroom
