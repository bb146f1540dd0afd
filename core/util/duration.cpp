#include "duration.h"

#include <QDateTime>

namespace warroom {

QString formatDuration(qint64 ms)
{
    const qint64 s = (ms + 500) / 1000;
    if (s < 60)
        return QString::number(s) + u's';
    if (s < 3600)
        return QString::number(s / 60) + u'm' +
               (s % 60 ? QString::number(s % 60) + u's' : QString());
    if (s < 86400)
        return QString::number(s / 3600) + u'h' +
               (s % 3600 / 60 ? QString::number(s % 3600 / 60) + u'm' : QString());
    return QString::number(s / 86400) + u'd' +
           (s % 86400 / 3600 ? QString::number(s % 86400 / 3600) + u'h' : QString());
}

QString formatUtc(qint64 ms, const QString &format)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(format);
}

QString formatDurationOr(qint64 ms, const QString &none)
{
    return ms < 0 ? none : formatDuration(ms);
}

} // namespace warroom
