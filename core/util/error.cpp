#include "error.h"

#include <QDebug>

namespace warroom {

QString Error::toString() const
{
    if (file.isEmpty() && line <= 0)
        return message; // the message names its subject itself ("l.warroom: post-mortem …")
    QString place = file.isEmpty() ? QStringLiteral("<input>") : file;
    if (line > 0) {
        place += u':' + QString::number(line);
        if (column > 0)
            place += u':' + QString::number(column);
    }
    return place + u": " + message;
}

QDebug operator<<(QDebug debug, const Error &error)
{
    QDebugStateSaver saver(debug);
    debug.noquote() << error.toString();
    return debug;
}

} // namespace warroom
