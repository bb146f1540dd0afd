#include "metric_chart.h"

#include "ui/palette.h"

#include <QApplication>
#include <QAreaSeries>
#include <QCategoryAxis>
#include <QContextMenuEvent>
#include <QDateTime>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QMenu>
#include <QMouseEvent>
#include <QScatterSeries>
#include <QWheelEvent>

#include <cmath>

namespace warroom {

namespace {

const QColor kLineColors[] = {okabeIto::blue, okabeIto::reddishPurple, okabeIto::skyBlue,
                              okabeIto::bluishGreen, okabeIto::orange};
constexpr double kMarkerHoverPx = 6.0;

struct MarkerStyle
{
    QString name;
    QScatterSeries::MarkerShape shape;
    QColor color;
};

MarkerStyle markerStyle(MarkerKind kind)
{
    switch (kind) {
    case MarkerKind::ScaleOut:
        return {QObject::tr("scale out"), QScatterSeries::MarkerShapeTriangle,
                okabeIto::reddishPurple};
    case MarkerKind::ScaleIn:
        return {QObject::tr("scale in"), QScatterSeries::MarkerShapeRotatedRectangle,
                okabeIto::skyBlue};
    case MarkerKind::Fault:
        return {QObject::tr("fault"), QScatterSeries::MarkerShapeStar, okabeIto::vermillion};
    case MarkerKind::Alert:
        return {QObject::tr("alert"), QScatterSeries::MarkerShapeCircle, okabeIto::orange};
    case MarkerKind::Fix:
        return {QObject::tr("fix"), QScatterSeries::MarkerShapePentagon, okabeIto::bluishGreen};
    case MarkerKind::Node:
        return {QObject::tr("node"), QScatterSeries::MarkerShapeRectangle, okabeIto::grey};
    }
    return {};
}

// Each threshold its own colour and dash, so that two read apart in the legend and the plot.
QPen thresholdPen(const QString &label, int index)
{
    if (label.contains(u"outage"))
        return QPen(okabeIto::vermillion, 1.2, Qt::DashLine);
    if (label.contains(u"target"))
        return QPen(okabeIto::reddishPurple, 1.2, Qt::DashDotLine);
    if (label.contains(u"scale in")) // neutral: the lines are coloured, thresholds are grey
        return QPen(QColor(0x77, 0x77, 0x77), 1.4, Qt::DotLine);
    if (label.contains(u"scale out"))
        return QPen(QColor(0x44, 0x44, 0x44), 1.2, Qt::DashLine);
    const Qt::PenStyle styles[] = {Qt::DashLine, Qt::DotLine, Qt::DashDotLine};
    return QPen(QColor(0x55, 0x55, 0x55), 1.2, styles[index % 3]);
}

const QLocale &english()
{
    static const QLocale locale(QLocale::English); // thousands separated, whatever the machine
    return locale;
}

QString number(double value, int decimals)
{
    return english().toString(value, 'f', decimals);
}

QString utc(qint64 ms, const QString &format)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(format);
}

// The column of a line that holds `t` (the last at or before it), null before the first.
const WindowPoint *pointAt(const ChartLine &line, qint64 t)
{
    const auto it = std::upper_bound(line.points.cbegin(), line.points.cend(), t,
                                     [](qint64 at, const WindowPoint &p) { return at < p.timeMs; });
    return it == line.points.cbegin() ? nullptr : &*std::prev(it);
}

// A tick label made unique (a category axis keys its labels by text).
QString unique(QString label, QSet<QString> &seen)
{
    while (seen.contains(label))
        label += QChar(0x200B); // zero width: the same to the eye
    seen.insert(label);
    return label;
}

} // namespace

MetricChart::MetricChart(QWidget *parent)
    : QChartView(parent)
    , m_time(new QCategoryAxis)
    , m_value(new QCategoryAxis)
{
    setRenderHint(QPainter::Antialiasing);
    setMouseTracking(true);
    setRubberBand(QChartView::NoRubberBand);
    auto *c = new QChart;
    c->setMargins(QMargins(4, 2, 4, 2));
    c->legend()->setAlignment(Qt::AlignTop);
    // Lines as lines (dashed thresholds dashed), markers in their shapes: each tells apart.
    c->legend()->setMarkerShape(QLegend::MarkerShapeFromSeries);
    c->legend()->setFont(QFont(font().family(), int(font().pointSize() * 0.85)));
    QFont title = font();
    title.setBold(true);
    c->setTitleFont(title);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.85);
    for (QCategoryAxis *axis : {m_time, m_value}) {
        axis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
        axis->setLabelsFont(small);
        axis->setTitleFont(small);
        axis->setGridLineColor(QColor(0xE4, 0xE4, 0xE4));
    }
    c->addAxis(m_time, Qt::AlignBottom);
    c->addAxis(m_value, Qt::AlignLeft);
    // QChartView made an empty chart of its own and only lets go of it: deleted here.
    QChart *made = chart();
    setChart(c);
    delete made;
    setMinimumHeight(215); // title, legend, plot and both axes with their titles
    m_click.setSingleShot(true);
    m_click.setInterval(QApplication::doubleClickInterval());
    connect(&m_click, &QTimer::timeout, this, [this] { Q_EMIT seekRequested(m_clickTime); });
}

int MetricChart::lineCount() const
{
    return int(chart()->series().size());
}

void MetricChart::setTimeTicks(std::pair<qint64, qint64> bounds)
{
    static const qint64 steps[] = {1000,     5000,      10000,     30000,     60000,
                                   120000,   300000,    600000,    900000,    1800000,
                                   3600000,  7200000,   10800000,  21600000,  43200000,
                                   86400000, 172800000, 604800000, 1209600000};
    const qint64 span = m_to - m_from;
    const double width =
        std::max(200.0, chart()->plotArea().width() > 0 ? chart()->plotArea().width()
                                                        : double(this->width()) - 80.0);
    const int most = std::max(2, int(width / 80.0)); // a label needs about 80 px
    qint64 step = steps[std::size(steps) - 1];
    for (qint64 s : steps) {
        if (span / s <= most) {
            step = s;
            break;
        }
    }
    for (const QString &label : m_time->categoriesLabels())
        m_time->remove(label);
    m_time->setStartValue(double(m_from));
    QSet<QString> seen;
    // Weeks start on Mondays (the epoch was a Thursday); shorter steps on round UTC times.
    const qint64 origin = step >= 604800000 ? 4 * 86400000LL : 0;
    for (qint64 t = ((m_from - origin) / step + 1) * step + origin; t < m_to; t += step) {
        const bool midnight = t % 86400000 == 0;
        const QString label = step >= 86400000 || midnight ? utc(t, QStringLiteral("MMM d"))
                              : step < 60000               ? utc(t, QStringLiteral("HH:mm:ss"))
                                                           : utc(t, QStringLiteral("HH:mm"));
        m_time->append(unique(label, seen), double(t));
    }
    m_time->setRange(double(m_from), double(m_to));
    // The date, whenever the charts show less than the whole recording.
    const bool part = m_from > bounds.first || m_to < bounds.second;
    QString title = QStringLiteral("UTC");
    if (part) {
        const QString first = utc(m_from, QStringLiteral("ddd d MMM yyyy"));
        const QString last = utc(m_to - 1, QStringLiteral("ddd d MMM yyyy"));
        title = (first == last ? first : first + u" – " + last) + u" (UTC)";
    }
    m_time->setTitleText(title);
}

void MetricChart::setValueTicks(double top)
{
    if (!(top > 0.0))
        top = 1.0; // no data (or none above 0): a scale from 0 to 1 rather than 0 to 0
    // A round step giving about four ticks: 1, 2 or 5 times a power of ten.
    const double rough = std::max(top, 1e-9) / 5.0;
    const double power = std::pow(10.0, std::floor(std::log10(rough)));
    double step = power;
    for (double f : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (f * power >= rough) {
            step = f * power;
            break;
        }
    }
    int decimals = 0; // as many as the step needs: 2.5 -> 1, 0.25 -> 2
    while (decimals < 6 && std::abs(step * std::pow(10.0, decimals) -
                                    std::round(step * std::pow(10.0, decimals))) > 1e-6)
        ++decimals;
    m_top = std::ceil(top / step) * step;
    if (m_top <= 0)
        m_top = step;
    for (const QString &label : m_value->categoriesLabels())
        m_value->remove(label);
    m_value->setStartValue(-m_top * 1e-6); // a category must end above its start: 0 is one
    QSet<QString> seen;
    for (double v = 0.0; v <= m_top + step / 2; v += step)
        m_value->append(unique(number(v, decimals), seen), v);
    m_value->setRange(0.0, m_top);
    m_value->setTitleText(m_data.unit);
}

void MetricChart::setData(const ChartData &data, qint64 fromMs, qint64 toMs,
                          const QList<std::pair<qint64, qint64>> &outages,
                          const QList<ChartMarker> &markers, std::pair<qint64, qint64> bounds)
{
    m_markers.clear();
    for (const ChartMarker &m : markers) {
        if (m.timeMs >= fromMs && m.timeMs <= toMs)
            m_markers.append(m);
    }
    m_data = data;
    m_from = fromMs;
    m_to = std::max(toMs, fromMs + 1);
    QChart *c = chart();
    c->removeAllSeries();
    m_cursor = nullptr;
    c->setTitle(data.title);
    double top = 0.0;
    for (const auto &[label, value] : data.thresholds)
        top = std::max(top, value);
    int color = 0;
    int comparedColor = 0; // a compared run's lines follow its own, in the same order
    QList<QLineSeries *> lines;
    QList<QList<QPointF>> linePoints; // given to the series once attached (attaching a series
                                      // that has points costs QtCharts a pass over them each)
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
        linePoints.append(std::move(points));
        // A compared run's line: dashed, in the colour of the line it sits beside.
        series->setPen(line.compared ? QPen(kLineColors[comparedColor++ % 5], 1.6, Qt::DashLine)
                                     : QPen(kLineColors[color++ % 5], 1.6));
        lines.append(series);
    }
    setTimeTicks(bounds);
    // A share in per cent ends at 100 (a line at 100 touches the top), others leave room.
    setValueTicks(data.unit == u"%" && top <= 100.0 ? 100.0 : top * 1.08);
    auto attach = [&](QAbstractSeries *series) {
        c->addSeries(series);
        series->attachAxis(m_time);
        series->attachAxis(m_value);
    };
    // Outage bands behind everything.
    for (const auto &[start, end] : outages) {
        if (end < fromMs || start > toMs)
            continue;
        auto *upper = new QLineSeries;
        upper->append(double(start), m_top);
        upper->append(double(std::max(end, start + (m_to - m_from) / 400)), m_top);
        auto *band = new QAreaSeries(upper);
        upper->setParent(band); // an area series does not own its line: gone with the band
        band->setColor(QColor(0xD5, 0x5E, 0x00, 40));
        band->setBorderColor(Qt::transparent);
        attach(band);
        c->legend()->markers(band).first()->setVisible(false);
    }
    for (QLineSeries *series : std::as_const(lines))
        attach(series);
    for (int i = 0; i < lines.size(); ++i)
        lines[i]->replace(linePoints[i]);
    int index = 0;
    for (const auto &[label, value] : data.thresholds) {
        auto *line = new QLineSeries;
        // With its unit: "outage 5 %", "target 3 min" (a bare "outage 5" reads as a count).
        line->setName(label + u' ' + number(value, value == std::floor(value) ? 0 : 1) +
                      (data.unit.isEmpty() ? QString() : u' ' + data.unit));
        line->append(double(fromMs), value);
        line->append(double(toMs), value);
        line->setPen(thresholdPen(label, index++));
        attach(line);
    }
    // Events on the time axis, just under the top, one series (and legend entry) per kind.
    for (MarkerKind kind : {MarkerKind::Fault, MarkerKind::Alert, MarkerKind::Fix,
                            MarkerKind::ScaleOut, MarkerKind::ScaleIn, MarkerKind::Node}) {
        QList<QPointF> points;
        for (const ChartMarker &m : std::as_const(m_markers)) {
            if (m.kind == kind)
                points.append(QPointF(double(m.timeMs), m_top * 0.93));
        }
        if (points.isEmpty())
            continue;
        const MarkerStyle style = markerStyle(kind);
        auto *dots = new QScatterSeries;
        dots->setName(style.name);
        dots->setMarkerShape(style.shape);
        dots->setMarkerSize(11);
        dots->setColor(style.color);
        dots->setBorderColor(QColor(0x33, 0x33, 0x33));
        dots->replace(points);
        attach(dots);
    }
    m_cursor = new QLineSeries;
    m_cursor->setPen(QPen(QColor(0x11, 0x11, 0x11), 1.5));
    attach(m_cursor);
    c->legend()->markers(m_cursor).first()->setVisible(false);
}

QStringList MetricChart::timeLabels() const
{
    QStringList labels = m_time->categoriesLabels();
    for (QString &l : labels)
        l.remove(QChar(0x200B));
    return labels;
}

QStringList MetricChart::valueLabels() const
{
    return m_value->categoriesLabels();
}

QString MetricChart::timeAxisTitle() const
{
    return m_time->titleText();
}

QString MetricChart::valueAxisTitle() const
{
    return m_value->titleText();
}

void MetricChart::wheelEvent(QWheelEvent *event)
{
    if (event->angleDelta().y() == 0) { // a sideways scroll is not a zoom
        event->ignore();
        return;
    }
    const QPointF value = chart()->mapToValue(event->position());
    Q_EMIT zoomRequested(event->angleDelta().y() > 0 ? 1.5 : 1.0 / 1.5, qint64(value.x()));
    event->accept();
}

void MetricChart::mouseDoubleClickEvent(QMouseEvent *event)
{
    m_click.stop(); // the first click of the two does not seek
    Q_EMIT resetRequested();
    event->accept();
}

void MetricChart::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && chart()->plotArea().contains(event->position())) {
        m_press = event->position();
        m_dragged = false;
        event->accept();
        return;
    }
    QChartView::mousePressEvent(event);
}

void MetricChart::mouseMoveEvent(QMouseEvent *event)
{
    const QPointF at = event->position();
    if (m_press.x() >= 0 && (event->buttons() & Qt::LeftButton)) {
        const double dx = at.x() - m_press.x();
        if (m_dragged || std::abs(dx) > QApplication::startDragDistance()) {
            m_dragged = true;
            const double width = std::max(1.0, chart()->plotArea().width());
            Q_EMIT panRequested(-qint64(dx / width * double(m_to - m_from)));
            m_press = at;
        }
    }
    m_hover = chart()->plotArea().contains(at) ? at : QPointF(-1, -1);
    viewport()->update();
    QChartView::mouseMoveEvent(event);
}

void MetricChart::mouseReleaseEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && m_press.x() >= 0) {
        if (!m_dragged) {
            m_clickTime = qint64(chart()->mapToValue(event->position()).x());
            m_click.start(); // a double click instead resets the zoom
        }
        m_press = QPointF(-1, -1);
        m_dragged = false;
        event->accept();
        return;
    }
    QChartView::mouseReleaseEvent(event);
}

void MetricChart::leaveEvent(QEvent *event)
{
    m_hover = QPointF(-1, -1);
    viewport()->update();
    QChartView::leaveEvent(event);
}

QStringList MetricChart::markersNear(double x) const
{
    QStringList texts;
    for (const ChartMarker &m : m_markers) {
        const double mx = chart()->mapToPosition(QPointF(double(m.timeMs), 0)).x();
        if (std::abs(mx - x) <= kMarkerHoverPx)
            texts.append(markerStyle(m.kind).name + u": " + m.text);
    }
    return texts;
}

QString MetricChart::describeAt(qint64 t) const
{
    QStringList values;
    for (const ChartLine &line : m_data.lines) {
        if (const WindowPoint *p = pointAt(line, t))
            values.append(line.name + u' ' + number(p->max, std::abs(p->max) >= 100 ? 0 : 1));
    }
    return m_data.title + u" at " + utc(t, QStringLiteral("HH:mm:ss")) + u": " +
           (values.isEmpty() ? QStringLiteral("no data") : values.join(QStringLiteral(", "))) +
           u' ' + m_data.unit;
}

QString MetricChart::readoutAt(const QPointF &viewPos) const
{
    if (!chart()->plotArea().contains(viewPos))
        return {};
    const qint64 t = qint64(chart()->mapToValue(viewPos).x());
    QStringList lines{utc(t, QStringLiteral("ddd d MMM HH:mm:ss")) + u" UTC"};
    for (const ChartLine &line : m_data.lines) {
        const WindowPoint *p = pointAt(line, t);
        if (!p)
            continue;
        const int decimals = std::abs(p->max) >= 100 ? 0 : 1;
        lines.append(line.name + u": " +
                     (p->min == p->max
                          ? number(p->max, decimals)
                          : number(p->min, decimals) + u"–" + number(p->max, decimals)) +
                     u' ' + m_data.unit);
    }
    lines += markersNear(viewPos.x());
    return lines.join(u'\n');
}

void MetricChart::drawForeground(QPainter *painter, const QRectF &rect)
{
    QChartView::drawForeground(painter, rect);
    if (m_hover.x() < 0)
        return;
    const QRectF plot = chart()->plotArea();
    const QPointF at = mapToScene(m_hover.toPoint());
    painter->save();
    painter->setPen(QPen(QColor(0x44, 0x44, 0x44), 1, Qt::DotLine));
    painter->drawLine(QPointF(at.x(), plot.top()), QPointF(at.x(), plot.bottom()));
    painter->drawLine(QPointF(plot.left(), at.y()), QPointF(plot.right(), at.y()));
    const QString text = readoutAt(m_hover);
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    painter->setFont(small);
    const QFontMetrics fm(small);
    QRectF box = fm.boundingRect(QRect(0, 0, 420, 400), Qt::TextWordWrap, text);
    box.adjust(-6, -4, 6, 4);
    box.moveTopLeft(at + QPointF(12, 8));
    if (box.right() > plot.right())
        box.moveRight(at.x() - 12);
    if (box.bottom() > rect.bottom())
        box.moveBottom(rect.bottom() - 2);
    painter->setPen(QColor(0x88, 0x88, 0x88));
    painter->setBrush(QColor(255, 255, 240, 235));
    painter->drawRoundedRect(box, 3, 3);
    painter->setPen(Qt::black);
    painter->drawText(box.adjusted(6, 4, -6, -4), Qt::TextWordWrap, text);
    painter->restore();
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

void MetricChart::setCursorTime(qint64 timeMs)
{
    if (m_cursor)
        m_cursor->replace({QPointF(double(timeMs), 0.0), QPointF(double(timeMs), m_top)});
}

} // namespace warroom
