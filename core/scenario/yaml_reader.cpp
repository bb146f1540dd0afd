#include "yaml_reader.h"

#include "scenario_loader.h"

#include <QRegularExpression>

#include <algorithm>

namespace warroom {

namespace {

QString fromStd(const std::string &s)
{
    return QString::fromStdString(s);
}

int editDistance(const QString &a, const QString &b)
{
    QList<int> previous(b.size() + 1), current(b.size() + 1);
    for (int j = 0; j <= b.size(); ++j)
        previous[j] = j;
    for (int i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (int j = 1; j <= b.size(); ++j) {
            const int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

QString describe(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Map:
        return QStringLiteral("a mapping");
    case YAML::NodeType::Sequence:
        return QStringLiteral("a list");
    case YAML::NodeType::Null:
        return QStringLiteral("nothing");
    case YAML::NodeType::Scalar:
        return u'\'' + fromStd(node.Scalar()) + u'\'';
    case YAML::NodeType::Undefined:
        break;
    }
    return QStringLiteral("nothing");
}

} // namespace

QString closestMatch(const QString &word, const QStringList &candidates)
{
    QString best;
    int bestDistance = std::max<int>(2, int(word.size()) / 3) + 1;
    for (const QString &candidate : candidates) {
        const int d = editDistance(word.toLower(), candidate.toLower());
        if (d < bestDistance) {
            bestDistance = d;
            best = candidate;
        }
    }
    return best;
}

void YamlReader::error(const YAML::Mark &mark, const QString &message)
{
    // yaml-cpp marks are 0-based and -1 when unknown.
    const int line = mark.line >= 0 ? mark.line + 1 : 0;
    const int column = mark.column >= 0 ? mark.column + 1 : 0;
    m_errors.append(Error{message, m_file, line, column});
}

void YamlReader::error(const SourcePlace &place, const QString &message)
{
    m_errors.append(Error{message, m_file, place.line, place.column});
}

SourcePlace YamlReader::placeOf(const YAML::Node &node) const
{
    const YAML::Mark mark = node.Mark();
    return SourcePlace{m_file, mark.line >= 0 ? mark.line + 1 : 0,
                       mark.column >= 0 ? mark.column + 1 : 0};
}

bool YamlReader::expectMap(const YAML::Node &node, const QString &what)
{
    if (node.IsMap())
        return true;
    error(node, what + u" must be a mapping, not " + describe(node));
    return false;
}

bool YamlReader::expectSequence(const YAML::Node &node, const QString &what)
{
    if (node.IsSequence())
        return true;
    error(node, what + u" must be a list, not " + describe(node));
    return false;
}

void YamlReader::checkKeys(const YAML::Node &map, const QStringList &allowed, const QString &what)
{
    QSet<QString> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const YAML::Node key = it->first;
        const QString name = key.IsScalar() ? fromStd(key.Scalar()) : QString();
        if (seen.contains(name)) {
            error(key, u"key '" + name + u"' is given twice in " + what);
            continue;
        }
        seen.insert(name);
        if (allowed.contains(name))
            continue;
        QString message = u"unknown key '" + name + u"' in " + what;
        const QString suggestion = closestMatch(name, allowed);
        if (!suggestion.isEmpty())
            message += u"; did you mean '" + suggestion + u"'?";
        else
            message += u" (expected one of: " + allowed.join(QStringLiteral(", ")) + u')';
        error(key, message);
    }
}

YAML::Node YamlReader::child(const YAML::Node &map, const char *key, const QString &what,
                             bool required)
{
    if (!map.IsMap())
        return YAML::Node(YAML::NodeType::Undefined);
    // Look up by iteration: operator[] on a const node would be fine too, but this keeps the
    // first of duplicated keys deterministic (duplicates are reported by checkKeys).
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (it->first.IsScalar() && it->first.Scalar() == key)
            return it->second;
    }
    if (required)
        error(map, what + u" needs '" + QLatin1StringView(key) + u'\'');
    return YAML::Node(YAML::NodeType::Undefined);
}

std::optional<QString> YamlReader::string(const YAML::Node &node, const QString &what)
{
    if (!node.IsScalar()) {
        error(node, what + u" must be text, not " + describe(node));
        return std::nullopt;
    }
    return fromStd(node.Scalar());
}

std::optional<QString> YamlReader::identifier(const YAML::Node &node, const QString &what)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9_.@-]*$"));
    auto text = string(node, what);
    if (!text)
        return std::nullopt;
    if (!valid.match(*text).hasMatch()) {
        error(node, what + u" '" + *text +
                        u"' is not a valid id (letters, digits, '_', '-', '.', '@'; starting "
                        u"with a letter or digit)");
        return std::nullopt;
    }
    return text;
}

std::optional<double> YamlReader::number(const YAML::Node &node, const QString &what)
{
    if (node.IsScalar()) {
        bool ok = false;
        const double value = fromStd(node.Scalar()).toDouble(&ok);
        if (ok)
            return value;
    }
    error(node, what + u" must be a number, not " + describe(node));
    return std::nullopt;
}

std::optional<qint64> YamlReader::integer(const YAML::Node &node, const QString &what)
{
    if (node.IsScalar()) {
        bool ok = false;
        const qint64 value = fromStd(node.Scalar()).toLongLong(&ok);
        if (ok)
            return value;
    }
    error(node, what + u" must be a whole number, not " + describe(node));
    return std::nullopt;
}

std::optional<bool> YamlReader::boolean(const YAML::Node &node, const QString &what)
{
    if (node.IsScalar()) {
        const QString text = fromStd(node.Scalar()).toLower();
        if (text == u"true" || text == u"yes")
            return true;
        if (text == u"false" || text == u"no")
            return false;
    }
    error(node, what + u" must be true or false, not " + describe(node));
    return std::nullopt;
}

std::optional<qint64> YamlReader::duration(const YAML::Node &node, const QString &what)
{
    if (node.IsScalar()) {
        const qint64 ms = parseDurationMs(fromStd(node.Scalar()));
        if (ms >= 0)
            return ms;
    }
    error(node, what + u" must be a duration such as 90s, 5m, 2h, 3d or 1w, not " + describe(node));
    return std::nullopt;
}

QStringList YamlReader::stringList(const YAML::Node &node, const QString &what)
{
    QStringList out;
    if (node.IsScalar()) {
        out.append(fromStd(node.Scalar()));
    } else if (node.IsSequence()) {
        for (const YAML::Node &item : node) {
            if (auto s = string(item, what))
                out.append(*s);
        }
    } else {
        error(node, what + u" must be text or a list of text, not " + describe(node));
    }
    return out;
}

int YamlReader::choice(const YAML::Node &node, const QStringList &choices, const QString &what)
{
    const auto text = string(node, what);
    if (!text)
        return -1;
    const int index = int(choices.indexOf(*text));
    if (index >= 0)
        return index;
    QString message =
        what + u" '" + *text + u"' is not one of: " + choices.join(QStringLiteral(", "));
    const QString suggestion = closestMatch(*text, choices);
    if (!suggestion.isEmpty())
        message += u"; did you mean '" + suggestion + u"'?";
    error(node, message);
    return -1;
}

} // namespace warroom
