#pragma once

#include <QList>
#include <QString>

class QDebug;

namespace warroom {

// An expected failure with the place it was found: `file:line:column: message`.
// Line and column are 1-based; 0 means "not known" and is left out of the text.
struct Error
{
    QString message;
    QString file;
    int line = 0;
    int column = 0;

    QString toString() const;
    bool operator==(const Error &) const = default;
};

using ErrorList = QList<Error>;

QDebug operator<<(QDebug debug, const Error &error);

} // namespace warroom
