#include "label_values.h"

#include "core/scenario/yaml_reader.h" // closestMatch

namespace warroom {

IdResolver::IdResolver(QHash<QString, QString> table, QList<ValueNames::Rewrite> rewrites,
                       bool caseInsensitive, const QStringList &ids)
    : m_table(std::move(table))
    , m_rewrites(std::move(rewrites))
    , m_caseInsensitive(caseInsensitive)
    , m_ids(ids)
{
    for (const QString &id : ids) {
        const QString lower = id.toLower();
        // Two ids that differ only in case: a value matching both names neither.
        m_lower.insert(lower, m_lower.contains(lower) ? QString() : id);
    }
}

std::optional<QString> IdResolver::known(const QString &candidate) const
{
    if (m_ids.contains(candidate))
        return candidate;
    if (m_caseInsensitive) {
        const QString id = m_lower.value(candidate.toLower());
        if (!id.isEmpty())
            return id;
    }
    return std::nullopt;
}

std::optional<QString> IdResolver::resolve(const QString &value) const
{
    if (const auto cached = m_cache.constFind(value); cached != m_cache.cend())
        return *cached;
    std::optional<QString> id;
    if (const auto it = m_table.constFind(value); it != m_table.cend()) {
        id = known(*it);
    } else if (m_caseInsensitive) {
        for (auto e = m_table.cbegin(); e != m_table.cend() && !id; ++e) {
            if (e.key().compare(value, Qt::CaseInsensitive) == 0)
                id = known(e.value());
        }
    }
    for (const ValueNames::Rewrite &r : m_rewrites) {
        if (id)
            break;
        const QRegularExpressionMatch match = r.match.match(value);
        if (!match.hasMatch())
            continue;
        QString rewritten = r.replace;
        for (int group = match.lastCapturedIndex(); group >= 0; --group)
            rewritten.replace(u'\\' + QString::number(group), match.captured(group));
        id = known(rewritten);
    }
    if (!id)
        id = known(value);
    m_cache.insert(value, id);
    return id;
}

ErrorList unknownTargets(const ValueNames &values, const QStringList &sites,
                         const QStringList &nodes)
{
    ErrorList out;
    auto check = [&](const QHash<QString, QString> &table, const QStringList &ids,
                     const QString &what, const QString &kind) {
        QStringList keys = table.keys();
        keys.sort();
        for (const QString &value : keys) {
            const QString id = table.value(value);
            if (ids.contains(id))
                continue;
            const QString near = closestMatch(id, ids);
            const SourcePlace place = values.places.value(what + u'|' + value);
            out.append(Error{u"'values." + what + u"': '" + value + u"' names " + id +
                                 u", which is not a " + kind + u" of the scenario" +
                                 (near.isEmpty() ? QString() : u"; did you mean " + near + u'?'),
                             place.file, place.line, place.column});
        }
    };
    check(values.sites, sites, QStringLiteral("sites"), QStringLiteral("site"));
    check(values.nodes, nodes, QStringLiteral("nodes"), QStringLiteral("node"));
    return out;
}

} // namespace warroom
