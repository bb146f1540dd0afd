#include "names.h"

#include <algorithm>
#include <map>

namespace warroom {

namespace {

// "app-pool-27" -> {"app-pool-", 27}; a name without a trailing number -> {name, -1}.
std::pair<QString, qint64> split(const QString &name)
{
    qsizetype digits = name.size();
    while (digits > 0 && name.at(digits - 1).isDigit())
        --digits;
    if (digits == name.size() || name.size() - digits > 15)
        return {name, -1};
    return {name.left(digits), name.mid(digits).toLongLong()};
}

} // namespace

bool naturalLess(const QString &a, const QString &b)
{
    const auto [prefixA, numberA] = split(a);
    const auto [prefixB, numberB] = split(b);
    if (prefixA != prefixB)
        return prefixA < prefixB;
    return numberA != numberB ? numberA < numberB : a < b;
}

QString collapsedNames(QStringList names)
{
    std::sort(names.begin(), names.end(), naturalLess);
    names.erase(std::unique(names.begin(), names.end()), names.end());
    QStringList out;
    for (qsizetype i = 0; i < names.size();) {
        const QString prefix = split(names[i]).first;
        qsizetype j = i;
        while (j < names.size() && split(names[j]).second >= 0 && split(names[j]).first == prefix)
            ++j;
        if (j - i >= 3) { // "app-pool ×9 (app-pool-4 … app-pool-26)": not a range 4 to 26
            QString family = prefix;
            while (!family.isEmpty() && !family.back().isLetterOrNumber())
                family.chop(1);
            out.append(family + u" ×" + QString::number(j - i) + u" (" + names[i] + u" … " +
                       names[j - 1] + u')');
            i = j;
        } else {
            out.append(names[i]);
            ++i;
        }
    }
    return out.join(QStringLiteral(", "));
}

} // namespace warroom
