#include "metric_chart.h"

#include "ui/palette.h"

#include <QAreaSeries>
#include <QContextMenuEvent>
#include <QDateTimeAxis>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QMouseEvent>
#include <QScatterSeries>
#include <QToolTip>
#include <QValueAxis>
#include <QWheelEvent>

#include <cmath>

namespace warroom {

namespace {

const QColor kLineColors[] = {okabeIto::blue, okabeIto::reddishPurple, okabeIto::skyBlue,
                              okabeIto::bluishGreen, okabeIto::orange};

} // namespace

MetricChart::MetricChart(QWidget *parent)
    : QChartView(parent)
    , m_time(new QDateTimeAxis)
    , m_value(new QValueAxis)
{
    setRenderHint(QPainter::Antialiasing);
    auto *c = new QChart;
    c->setMargins(QMargins(4, 2, 4, 2));
    c->legend()->setAlignment(Qt::AlignTop);
    c->legend()->setFont(QFont(font().family(), int(font().pointSize() * 0.85)));
    QFont title = font();
    title.setBold(true);
    c->setTitleFont(title);
    m_time->setFormat(QStringLiteral("MMM d HH:mm"));
    m_time->setTickCount(6);
    m_value->setLabelFormat(QStringLiteral("%.0f"));
    c->addAxis(m_time, Qt::AlignBottom);
    c->addAxis(m_value, Qt::AlignLeft);
    setChart(c);
    setMinimumHeight(170);
}

int MetricChart::lineCount() const
{
    return int(chart()->series().size());
}

void MetricChart::setData(const ChartData &data, qint64 fromMs, qint64 toMs,
                          const QList<std::pair<qint64, qint64>> &outages,
                          const QList<ChartMarker> &markers)
{
    m_markers.clear();
    for (const ChartMarker &m : markers) {
        if (m.timeMs >= fromMs && m.timeMs <= toMs)
            m_markers.append(m);
    }
    m_data = data;
    QChart *c = chart();
    c->removeAllSeries();
    m_cursor = nullptr;
    c->setTitle(data.title + u" (" + data.unit + u')');
    // Labels in UTC, as every time in Warroom.
    m_time->setRange(QDateTime::fromMSecsSinceEpoch(fromMs, Qt::UTC),
                     QDateTime::fromMSecsSinceEpoch(toMs, Qt::UTC));
    const qint64 span = toMs - fromMs;
    m_time->setFormat(span > 3 * 86400000LL ? QStringLiteral("MMM d")
                      : span > 600000       ? QStringLiteral("HH:mm")
                                            : QStringLiteral("HH:mm:ss")); // a young live feed
    double top = 0.0;
    for (const auto &[label, value] : data.thresholds)
        top = std::max(top, value);
    int color = 0;
    for (const ChartLine &line : data.lines) {
        auto *series = new QLineSeries;
        series->setName(line.name);
        QList<QPointF> points;
        points.reserve(line.points.size() * 2);
        for (const WindowPoint &p : line.points) {
            // Two points per column: the column's extremes, so spikes stay visible.
            points.append(QPointF(double(p.timeMs), p.min));
            if (p.max != p.min)
                points.append(QPointF(double(p.timeMs), p.max));
            top = std::max(top, double(p.max));
        }
        series->replace(points);
        series->setPen(QPen(kLineColors[color++ % 5], 1.6));
        c->addSeries(series);
        series->attachAxis(m_time);
        series->attachAxis(m_value);
    }
    m_top = top <= 0 ? 1.0 : top * 1.12;
    m_value->setRange(0, m_top);
    // Outage bands behind everything.
    for (const auto &[start, end] : outages) {
        auto *upper = new QLineSeries;
        upper->append(double(start), m_top);
        upper->append(double(std::max(end, start + (toMs - fromMs) / 400)), m_top);
        auto *band = new QAreaSeries(upper);
        band->setColor(QColor(0xD5, 0x5E, 0x00, 40));
        band->setBorderColor(Qt::transparent);
        c->addSeries(band);
        band->attachAxis(m_time);
        band->attachAxis(m_value);
        c->legend()->markers(band).first()->setVisible(false);
    }
    for (const auto &[label, value] : data.thresholds) {
        auto *line = new QLineSeries;
        line->setName(label + u' ' + QString::number(value));
        line->append(double(fromMs), value);
        line->append(double(toMs), value);
        line->setPen(QPen(QColor(0x55, 0x55, 0x55), 1.0, Qt::DashLine));
        c->addSeries(line);
        line->attachAxis(m_time);
        line->attachAxis(m_value);
    }
    if (!m_markers.isEmpty()) {
        // Events on the time axis, just under the top; the reason shows on hover.
        auto *dots = new QScatterSeries;
        dots->setName(tr("events"));
        dots->setMarkerSize(9);
        dots->setColor(okabeIto::yellow);
        dots->setBorderColor(QColor(0x44, 0x44, 0x44));
        for (const ChartMarker &m : m_markers)
            dots->append(double(m.timeMs), m_top * 0.93);
        c->addSeries(dots);
        dots->attachAxis(m_time);
        dots->attachAxis(m_value);
        connect(dots, &QScatterSeries::hovered, this, [this](const QPointF &point, bool state) {
            if (!state) {
                QToolTip::hideText();
                return;
            }
            QStringList texts;
            for (const ChartMarker &m : m_markers) {
                if (std::abs(double(m.timeMs) - point.x()) < 1.0)
                    texts.append(m.text);
            }
            QToolTip::showText(QCursor::pos(), texts.join(u'\n'), this);
        });
    }
    m_cursor = new QLineSeries;
    m_cursor->setPen(QPen(QColor(0x11, 0x11, 0x11), 1.5));
    c->addSeries(m_cursor);
    m_cursor->attachAxis(m_time);
    m_cursor->attachAxis(m_value);
    c->legend()->markers(m_cursor).first()->setVisible(false);
}

void MetricChart::wheelEvent(QWheelEvent *event)
{
    const QPointF value = chart()->mapToValue(event->position());
    Q_EMIT zoomRequested(event->angleDelta().y() > 0 ? 1.5 : 1.0 / 1.5, qint64(value.x()));
    event->accept();
}

void MetricChart::mouseDoubleClickEvent(QMouseEvent *event)
{
    Q_EMIT resetRequested();
    event->accept();
}

QString MetricChart::describeAt(qint64 t) const
{
    QStringList values;
    for (const ChartLine &line : m_data.lines) {
        const auto it =
            std::upper_bound(line.points.cbegin(), line.points.cend(), t,
                             [](qint64 at, const WindowPoint &p) { return at < p.timeMs; });
        if (it == line.points.cbegin())
            continue;
        const WindowPoint &p = *std::prev(it);
        values.append(line.name + u' ' + QString::number(p.max, 'f', 1));
    }
    return m_data.title + u" at " +
           QDateTime::fromMSecsSinceEpoch(t, Qt::UTC).toString(QStringLiteral("HH:mm:ss")) + u": " +
           (values.isEmpty() ? QStringLiteral("no data") : values.join(QStringLiteral(", "))) +
           u' ' + m_data.unit;
}

void MetricChart::contextMenuEvent(QContextMenuEvent *event)
{
    const qint64 t = qint64(chart()->mapToValue(event->pos()).x());
    const QString text = describeAt(t);
    QMenu menu;
    menu.addAction(tr("Add to the post-mortem's timeline"), this,
                   [this, t, text] { Q_EMIT timelineEntryRequested(t, text); });
    menu.exec(event->globalPos());
}

void MetricChart::mousePressEvent(QMouseEvent *event)
{
    if (chart()->plotArea().contains(event->position()))
        Q_EMIT seekRequested(qint64(chart()->mapToValue(event->position()).x()));
    QChartView::mousePressEvent(event);
}

void MetricChart::setCursorTime(qint64 timeMs)
{
    if (m_cursor)
        m_cursor->replace({QPointF(double(timeMs), 0.0), QPointF(double(timeMs), m_top)});
}

} // namespace warroom
