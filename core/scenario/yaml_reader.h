#pragma once

#include "core/model/topology.h"
#include "core/util/error.h"

#include <yaml-cpp/yaml.h>

#include <QSet>

#include <optional>

namespace warroom {

// Typed, located access to a yaml-cpp document. Every read that fails records an error at
// the offending node and returns nothing; the caller goes on so that all problems surface.
class YamlReader
{
public:
    explicit YamlReader(QString fileName)
        : m_file(std::move(fileName))
    {}

    const QString &fileName() const { return m_file; }
    ErrorList &errors() { return m_errors; }

    void error(const YAML::Mark &mark, const QString &message);
    void error(const YAML::Node &node, const QString &message) { error(node.Mark(), message); }
    void error(const SourcePlace &place, const QString &message);
    SourcePlace placeOf(const YAML::Node &node) const;

    bool expectMap(const YAML::Node &node, const QString &what);
    bool expectSequence(const YAML::Node &node, const QString &what);

    // Reports keys outside `allowed` (with a suggestion) and keys given twice.
    void checkKeys(const YAML::Node &map, const QStringList &allowed, const QString &what);

    // The value under `key`, or an undefined node (with an error if `required`).
    YAML::Node child(const YAML::Node &map, const char *key, const QString &what,
                     bool required = false);

    std::optional<QString> string(const YAML::Node &node, const QString &what);
    std::optional<QString> identifier(const YAML::Node &node, const QString &what);
    std::optional<double> number(const YAML::Node &node, const QString &what);
    std::optional<qint64> integer(const YAML::Node &node, const QString &what);
    std::optional<bool> boolean(const YAML::Node &node, const QString &what);
    std::optional<qint64> duration(const YAML::Node &node, const QString &what);
    // A scalar or a sequence of scalars.
    QStringList stringList(const YAML::Node &node, const QString &what);

    // One of `choices` (spelled as in the file); -1 after reporting an error.
    int choice(const YAML::Node &node, const QStringList &choices, const QString &what);

private:
    QString m_file;
    ErrorList m_errors;
};

QString closestMatch(const QString &word, const QStringList &candidates);

} // namespace warroom
