#include "go_to.h"

#include "core/scenario/scenario_loader.h"
#include "core/util/duration.h"

#include <QDateTime>
#include <QRegularExpression>

namespace warroom {

QString goToHelp()
{
    return QStringLiteral("a UTC time (2020-05-29T11:30Z), a time of day on the cursor's day "
                          "(16:10), a move from the cursor (+5m, -1h) or an offset from the "
                          "start (3w1d8h)");
}

namespace {

Result<qint64> parseTyped(const QString &typed, qint64 cursorMs, qint64 startMs, qint64 endMs);

} // namespace

Result<qint64> parseGoTo(const QString &typed, qint64 cursorMs, qint64 startMs, qint64 endMs)
{
    const Result<qint64> at = parseTyped(typed, cursorMs, startMs, endMs);
    if (at && (at.value() < startMs || at.value() > endMs))
        return Error{u"'" + typed.trimmed() + u"' is " + formatUtc(at.value()) +
                         u" UTC, outside the recording (" + formatUtc(startMs) + u" to " +
                         formatUtc(endMs) + u" UTC)",
                     {},
                     0,
                     0};
    return at;
}

namespace {

Result<qint64> parseTyped(const QString &typed, qint64 cursorMs, qint64 startMs, qint64 endMs)
{
    const QString text = typed.trimmed();
    auto refuse = [&] {
        return Error{u"'" + text + u"' is not a time; type " + goToHelp(), {}, 0, 0};
    };
    if (text.isEmpty())
        return refuse();
    static const QRegularExpression timeOfDay(
        QStringLiteral("^(\\d{1,2}):(\\d{2})(?::(\\d{2}))?$"));
    if (const QRegularExpressionMatch m = timeOfDay.match(text); m.hasMatch()) {
        const int h = m.captured(1).toInt(), min = m.captured(2).toInt(), s = m.captured(3).toInt();
        if (h > 23 || min > 59 || s > 59)
            return refuse();
        // On the cursor's day; when that is outside the recording, the next or previous day's.
        const QDate day = QDateTime::fromMSecsSinceEpoch(cursorMs, Qt::UTC).date();
        const qint64 onDay = QDateTime(day, QTime(h, min, s), Qt::UTC).toMSecsSinceEpoch();
        for (qint64 candidate : {onDay, onDay - 86400000, onDay + 86400000}) {
            if (candidate >= startMs && candidate <= endMs)
                return candidate;
        }
        return onDay;
    }
    if (text.startsWith(u'+') || text.startsWith(u'-')) {
        const qint64 by = parseDurationMs(text.mid(1));
        if (by < 0 || text.size() < 2)
            return refuse();
        return text.startsWith(u'+') ? cursorMs + by : cursorMs - by;
    }
    if (text.count(u'-') >= 2) {
        // A date and time; without a zone it is UTC, as every time in Warroom.
        QString iso = text;
        iso.replace(u' ', u'T');
        QDateTime at = QDateTime::fromString(iso, Qt::ISODateWithMs);
        if (!at.isValid())
            return refuse();
        static const QRegularExpression zoned(QStringLiteral("(Z|[+-]\\d{2}:?\\d{2})$"));
        if (!zoned.match(iso).hasMatch())
            at = QDateTime(at.date(), at.time(), Qt::UTC);
        return at.toMSecsSinceEpoch();
    }
    const qint64 offset = parseDurationMs(text);
    if (offset < 0)
        return refuse();
    return startMs + offset;
}

} // namespace

} // namespace warroom
