#pragma once

#include "prometheus_mapping.h"

#include "core/util/error.h"

#include <QHash>
#include <QStringList>

#include <optional>

namespace warroom {

// Turns label values into ids of one kind (the scenario's sites, or its nodes), as the
// mapping's `values:` says: its table first, then its rewrites, then the ids themselves —
// case-insensitively unless the mapping says otherwise. An answer is remembered.
class IdResolver
{
public:
    IdResolver() = default;
    IdResolver(QHash<QString, QString> table, QList<ValueNames::Rewrite> rewrites,
               bool caseInsensitive, const QStringList &ids);

    // The id a value names, or nothing.
    std::optional<QString> resolve(const QString &value) const;
    const QStringList &ids() const { return m_ids; }

private:
    std::optional<QString> known(const QString &candidate) const;

    QHash<QString, QString> m_table;
    QList<ValueNames::Rewrite> m_rewrites;
    bool m_caseInsensitive = true;
    QStringList m_ids;
    QHash<QString, QString> m_lower; // lower-case id -> id (empty: ambiguous)
    mutable QHash<QString, std::optional<QString>> m_cache;
};

// The table entries that name ids the scenario lacks, each at its place: "'values.sites':
// 'US-EAST' names us-est, which is not a site of the scenario; did you mean us-east?".
ErrorList unknownTargets(const ValueNames &values, const QStringList &sites,
                         const QStringList &nodes);

} // namespace warroom
