#include "report_charts.h"

#include "postmortem.h"

#include "core/store/recording.h"
#include "core/summary/recording_summary.h"
#include "core/util/duration.h"
#include "core/util/numbers.h"

#include <QBuffer>
#include <QDateTime>
#include <QGuiApplication>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QPainterPath>
#include <QRegularExpression>

#include <cmath>
#include <optional>

namespace warroom {

namespace {

constexpr int kWidth = 1400; // px: 2.5× a report column (560), sharp in print; the height
constexpr int kHeight = 420; // at that width a whole number of points (168): not squashed
constexpr int kLeft = 120, kRight = 30, kTop = 30, kBottom = 60;
constexpr int kColumns = 600; // read from the recording: two px each

struct Line
{
    QList<WindowPoint> points;
    double scale = 1.0;    // value × scale is drawn
    qint64 intervalMs = 0; // the series' samples: closer than two of them is no gap
};

// A round step for an axis from 0 to `max` in about four steps.
double niceStep(double max)
{
    const double raw = max / 4.0;
    const double power = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (m * power >= raw)
            return m * power;
    }
    return 10.0 * power;
}

// A round duration for an axis of times from 0 to `max` ms in about four steps.
double durationStep(double max)
{
    for (double step : {1e3, 5e3, 10e3, 30e3, 60e3, 120e3, 300e3, 600e3, 900e3, 1800e3, 3600e3,
                        7200e3, 21600e3, 43200e3, 86400e3}) {
        if (max / step <= 5)
            return step;
    }
    return niceStep(max);
}

QString axisLabel(double value, const QString &unit)
{
    if (unit == u"ms")
        return formatDuration(qint64(value));
    if (unit == u"%")
        return QString::number(value, 'g', 3) + u" %";
    return value >= 1e6 ? QString::number(value / 1e6, 'g', 3) + u" M" : formatCount(value);
}

// One chart: the series over [from, to), a horizontal threshold, shaded spans.
QByteArray draw(const Line &line, qint64 from, qint64 to, const QString &unit, double threshold,
                const QList<std::pair<qint64, qint64>> &shaded)
{
    QImage image(kWidth, kHeight, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    p.setRenderHint(QPainter::Antialiasing);
    QFont font(QStringLiteral("DejaVu Sans"));
    font.setPixelSize(22);
    p.setFont(font);
    const QRectF plot(kLeft, kTop, kWidth - kLeft - kRight, kHeight - kTop - kBottom);
    double max = threshold > 0 ? threshold * 1.25 : 0.0;
    for (const WindowPoint &w : line.points) {
        if (!std::isnan(w.max))
            max = std::max(max, double(w.max) * line.scale);
    }
    if (max <= 0)
        max = 1.0;
    const double step = unit == u"ms" ? durationStep(max) : niceStep(max);
    max = std::ceil(max / step) * step;
    auto x = [&](qint64 t) {
        return plot.left() + plot.width() * double(t - from) / double(to - from);
    };
    auto y = [&](double v) { return plot.bottom() - plot.height() * v / max; };
    for (const auto &[a, b] : shaded) { // outages, within the window
        if (b <= from || a >= to)
            continue;
        const double left = x(std::max(a, from));
        const double right = std::max(left + 3.0, x(std::min(b, to))); // seen on a long window
        p.fillRect(QRectF(QPointF(left, plot.top()), QPointF(right, plot.bottom())),
                   QColor(0xD5, 0x5E, 0x00, 40));
    }
    p.setPen(QColor(0xDD, 0xDD, 0xDD));
    for (double v = 0; v <= max + step / 2; v += step) {
        p.drawLine(QPointF(plot.left(), y(v)), QPointF(plot.right(), y(v)));
        p.save();
        p.setPen(QColor(0x44, 0x44, 0x44));
        p.drawText(QRectF(0, y(v) - 16, kLeft - 12, 32), Qt::AlignRight | Qt::AlignVCenter,
                   axisLabel(v, unit));
        p.restore();
    }
    // Time ticks: about six, on round minutes or hours, in UTC.
    const qint64 span = to - from;
    qint64 tick = 60000;
    for (qint64 t : {60000LL, 300000LL, 600000LL, 1800000LL, 3600000LL, 7200000LL, 21600000LL,
                     43200000LL, 86400000LL}) {
        tick = t;
        if (span / t <= 7)
            break;
    }
    p.setPen(QColor(0x44, 0x44, 0x44));
    for (qint64 t = (from / tick + 1) * tick; t < to; t += tick) {
        p.drawLine(QPointF(x(t), plot.bottom()), QPointF(x(t), plot.bottom() + 8));
        const QString label =
            QDateTime::fromMSecsSinceEpoch(t, Qt::UTC)
                .toString(tick >= 86400000 ? QStringLiteral("MM-dd") : QStringLiteral("HH:mm"));
        p.drawText(QRectF(x(t) - 60, plot.bottom() + 10, 120, 40), Qt::AlignHCenter | Qt::AlignTop,
                   label);
    }
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    if (threshold > 0) {
        p.setPen(QPen(QColor(0xD5, 0x5E, 0x00), 2, Qt::DashLine));
        p.drawLine(QPointF(plot.left(), y(threshold)), QPointF(plot.right(), y(threshold)));
    }
    // The series: each column from its min to its max, joined (a spike stays visible).
    QPainterPath path;
    bool started = false;
    // Each point at its own time: columns without samples are left out of the window, and a
    // gap is a gap, not a line drawn across it.
    const qint64 gap = std::max(2 * (to - from) / kColumns, 2 * line.intervalMs);
    std::optional<qint64> last;
    for (const WindowPoint &w : line.points) {
        if (std::isnan(w.min) || std::isnan(w.max) || (last && w.timeMs - *last > gap))
            started = false;
        last = w.timeMs;
        if (std::isnan(w.min) || std::isnan(w.max))
            continue;
        const double cx = x(w.timeMs);
        const QPointF low(cx, y(double(w.min) * line.scale));
        const QPointF high(cx, y(double(w.max) * line.scale));
        if (!started)
            path.moveTo(low);
        else
            path.lineTo(low);
        path.lineTo(high);
        started = true;
    }
    p.setPen(QPen(QColor(0x00, 0x72, 0xB2), 3));
    p.drawPath(path);
    p.end();
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    image.save(&buffer, "PNG");
    return png;
}

} // namespace

QList<ReportChart> reportCharts(const Recording &recording, const PostMortem &pm)
{
    const Impact &impact = pm.impact;
    if (impact.startMs < 0 || !qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        return {}; // (text is drawn with fonts: a GUI application, headless or not)
    // From a little before the impact to a little after it was over (or the recording ended).
    const qint64 over = std::max({impact.endMs, impact.resolvedMs, impact.drainedMs});
    const qint64 until = over < 0 ? recording.endMs() : over;
    const qint64 margin = std::max<qint64>(5 * 60000, (until - impact.startMs) / 8);
    const qint64 from = std::max(recording.startMs(), impact.startMs - margin);
    const qint64 to = std::min(recording.endMs(), until + margin);
    if (to <= from)
        return {};
    QList<std::pair<qint64, qint64>> outages; // shaded on every chart
    for (const Outage &o : summarize(recording).outages)
        outages.append({o.startMs, o.endMs});
    QList<ReportChart> charts;
    const double outageAbove = outageThreshold(recording);
    if (const StoredSeries *failing =
            recording.seriesByKey(QStringLiteral("service/failure_ratio"))) {
        charts.append(
            {QStringLiteral("failing"),
             u"Requests failing (%), " + formatUtc(from, QStringLiteral("yyyy-MM-dd HH:mm")) +
                 u" to " + formatUtc(to, QStringLiteral("yyyy-MM-dd HH:mm")) +
                 u" UTC; dashed: the outage threshold (" + QString::number(outageAbove * 100.0) +
                 u" %); shaded: the outages",
             draw({recording.window(*failing, from, to, kColumns), 1.0, failing->info.intervalMs},
                  from, to, QStringLiteral("%"), outageAbove * 100.0, outages)});
    }
    // What waited outside while the service could not take it (resent when it could).
    for (const StoredSeries &upstream : recording.series()) { // one per load that retries
        const QString &key = upstream.info.key;
        if (!key.startsWith(u"upstream/") || !key.endsWith(u"/backlog"))
            continue;
        const QString load = key == u"upstream/backlog" ? QString() : key.section(u'/', 1, 1);
        charts.append(
            {load.isEmpty() ? QStringLiteral("backlog-upstream")
                            : QString(u"backlog-upstream-" + load),
             u"Requests waiting outside to be resent (upstream" +
                 (load.isEmpty() ? QString() : QString(u", " + load)) + u')',
             draw({recording.window(upstream, from, to, kColumns), 1.0, upstream.info.intervalMs},
                  from, to, QStringLiteral("items"), 0.0, outages)});
    }
    // A queue's id names files (Markdown's charts): only what a file name takes safely.
    auto fileId = [](const QString &id) {
        QString safe = id;
        safe.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9_.-]")), QStringLiteral("_"));
        return safe.startsWith(u'.') ? u'_' + safe : safe;
    };
    const QJsonArray queues =
        QJsonDocument::fromJson(recording.meta(QStringLiteral("queues")).toUtf8()).array();
    for (const QJsonValue &v : queues) {
        const QString id = v.toObject().value(QStringLiteral("id")).toString();
        const double target = v.toObject().value(QStringLiteral("target_ms")).toDouble();
        if (const StoredSeries *backlog = recording.seriesByKey(u"queue/" + id + u"/backlog"))
            charts.append({u"backlog-" + fileId(id), id + u": items waiting (backlog)",
                           draw({recording.window(*backlog, from, to, kColumns), 1.0,
                                 backlog->info.intervalMs},
                                from, to, QStringLiteral("items"), 0.0, outages)});
        if (const StoredSeries *latency =
                recording.seriesByKey(u"queue/" + id + u"/delivery_latency"))
            charts.append(
                {u"latency-" + fileId(id),
                 id + u": delivery latency" +
                     (target > 0 ? u"; dashed: the target (" + formatDuration(qint64(target)) + u')'
                                 : QString()),
                 draw({recording.window(*latency, from, to, kColumns), 1.0,
                       latency->info.intervalMs},
                      from, to, QStringLiteral("ms"), target, outages)});
    }
    return charts;
}

} // namespace warroom
