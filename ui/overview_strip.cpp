#include "overview_strip.h"

#include "palette.h"

#include "core/util/duration.h"

#include <QMouseEvent>
#include <QPainter>

#include <cmath>

namespace warroom {

OverviewStrip::OverviewStrip(QWidget *parent)
    : QWidget(parent)
{
    setMinimumHeight(34);
    setMaximumHeight(46);
    setCursor(Qt::CrossCursor);
    setMouseTracking(true);
    setToolTip(tr("Events over the whole recording; the service's trouble as bands (orange "
                  "degraded, vermillion outage, blue recovering). Click: go there. Drag: show "
                  "that part in the charts. Double click: show everything."));
}

TimeScale OverviewStrip::scale() const
{
    return TimeScale{m_from, m_to, double(width()), m_from, m_to, 1000};
}

void OverviewStrip::setData(qint64 fromMs, qint64 toMs, QList<qint64> eventTimes,
                            QList<ServiceSpan> states)
{
    m_from = fromMs;
    m_to = std::max(toMs, fromMs + 1);
    m_events = std::move(eventTimes);
    std::sort(m_events.begin(), m_events.end());
    m_binMs = std::max<qint64>(1, (m_to - m_from) / kBins + 1);
    m_bins.fill(0, kBins);
    for (qint64 t : std::as_const(m_events))
        bin(t);
    m_states = std::move(states);
    m_visibleFrom = m_from;
    m_visibleTo = m_to;
    update();
}

void OverviewStrip::append(qint64 toMs, const QList<qint64> &eventTimes, QList<ServiceSpan> states)
{
    const bool wasWhole = m_visibleTo >= m_to;
    m_to = std::max(toMs, m_from + 1);
    const bool inOrder = eventTimes.isEmpty() || m_events.isEmpty() ||
                         (m_events.last() <= eventTimes.first() &&
                          std::is_sorted(eventTimes.cbegin(), eventTimes.cend()));
    m_events += eventTimes;
    if (!inOrder) // rare: a source that sends out of order
        std::sort(m_events.begin(), m_events.end());
    for (qint64 t : eventTimes)
        bin(t);
    m_states = std::move(states);
    if (wasWhole)
        m_visibleTo = m_to;
    update();
}

void OverviewStrip::bin(qint64 timeMs)
{
    if (m_bins.isEmpty())
        m_bins.fill(0, kBins);
    qint64 index = std::max<qint64>(0, (timeMs - m_from) / m_binMs);
    while (index >= kBins) { // the recording grew past the last bin: halve the resolution
        for (int i = 0; i < kBins / 2; ++i)
            m_bins[i] = m_bins[2 * i] + m_bins[2 * i + 1];
        std::fill(m_bins.begin() + kBins / 2, m_bins.end(), 0);
        m_binMs *= 2;
        index = (timeMs - m_from) / m_binMs;
    }
    ++m_bins[index];
}

qint64 OverviewStrip::snappedTime(double x) const
{
    constexpr double kSnapPx = 5.0;
    const TimeScale s = scale();
    const qint64 at = s.timeForX(x);
    qint64 best = at;
    double bestDx = kSnapPx + 1.0;
    auto consider = [&](qint64 t) {
        const double dx = std::abs(s.xForTime(t) - x);
        if (dx <= kSnapPx && dx < bestDx) {
            best = t;
            bestDx = dx;
        }
    };
    // State changes first: a click on a band's edge means the moment trouble began.
    for (const ServiceSpan &span : m_states) {
        consider(span.fromMs);
        if (bestDx <= 2.0)
            return best;
    }
    const auto it = std::lower_bound(m_events.cbegin(), m_events.cend(), at);
    for (auto near = it; near != m_events.cend() && s.xForTime(*near) - x <= kSnapPx; ++near)
        consider(*near);
    for (auto near = it; near != m_events.cbegin();) {
        --near;
        if (x - s.xForTime(*near) > kSnapPx)
            break;
        consider(*near);
    }
    return best;
}

void OverviewStrip::setCursorTime(qint64 timeMs)
{
    m_cursor = timeMs;
    update();
}

void OverviewStrip::setVisibleRange(qint64 fromMs, qint64 toMs)
{
    m_visibleFrom = fromMs;
    m_visibleTo = toMs;
    update();
}

void OverviewStrip::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const TimeScale s = scale();
    const double h = height();
    p.fillRect(rect(), QColor(0xF4, 0xF4, 0xF0));
    for (const ServiceSpan &span : m_states) {
        const double x0 = s.xForTime(span.fromMs);
        const double x1 = std::max(x0 + 2.0, s.xForTime(span.toMs));
        QColor color = serviceStateColor(span.state);
        color.setAlpha(span.state == ServiceState::Outage ? 120 : 90);
        p.fillRect(QRectF(x0, 0, x1 - x0, h), color);
    }
    // Event density: a bar per column, its height the log of the count.
    const int columns = std::max(1, width());
    std::vector<int> counts(size_t(columns), 0);
    for (int b = 0; b < m_bins.size(); ++b) {
        if (m_bins[b] == 0)
            continue;
        const int c = std::clamp(int(s.xForTime(m_from + b * m_binMs)), 0, columns - 1);
        counts[size_t(c)] += m_bins[b];
    }
    const int most = std::max(1, *std::max_element(counts.begin(), counts.end()));
    p.setPen(QColor(0x00, 0x72, 0xB2, 170));
    for (int c = 0; c < columns; ++c) {
        if (counts[size_t(c)] == 0)
            continue;
        const double bar = (h - 6) * std::log1p(counts[size_t(c)]) / std::log1p(most);
        p.drawLine(QPointF(c + 0.5, h - 2), QPointF(c + 0.5, h - 2 - std::max(2.0, bar)));
    }
    // What the charts show.
    if (m_visibleFrom > m_from || m_visibleTo < m_to) {
        const QRectF shown(s.xForTime(m_visibleFrom), 1,
                           s.xForTime(m_visibleTo) - s.xForTime(m_visibleFrom), h - 2);
        p.setPen(QPen(okabeIto::blue, 1.5));
        p.setBrush(QColor(0x56, 0xB4, 0xE9, 40));
        p.drawRect(shown);
    }
    if (m_pressX >= 0 && m_dragX >= 0 && std::abs(m_dragX - m_pressX) > 3) {
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0x56, 0xB4, 0xE9, 80));
        p.drawRect(QRectF(std::min(m_pressX, m_dragX), 0, std::abs(m_dragX - m_pressX), h));
    }
    p.setPen(QPen(QColor(0x11, 0x11, 0x11), 2));
    const double x = s.xForTime(m_cursor);
    p.drawLine(QPointF(x, 0), QPointF(x, h));
    p.setPen(QColor(0xB8, 0xB8, 0xB0));
    p.setBrush(Qt::NoBrush);
    p.drawRect(rect().adjusted(0, 0, -1, -1));
    // The time under the pointer (where a click would land).
    if (m_hoverX >= 0 && !m_hoverText.isEmpty()) {
        const double hx = s.xForTime(snappedTime(m_hoverX));
        p.setPen(QPen(okabeIto::blue, 1, Qt::DashLine));
        p.drawLine(QPointF(hx, 0), QPointF(hx, h));
        const QFontMetrics fm(font());
        QRectF box(0, 2, fm.horizontalAdvance(m_hoverText) + 10, fm.height() + 2);
        box.moveLeft(hx + 6 + box.width() > width() ? hx - 6 - box.width() : hx + 6);
        p.setPen(QColor(0x88, 0x88, 0x88));
        p.setBrush(QColor(255, 255, 240, 235));
        p.drawRoundedRect(box, 3, 3);
        p.setPen(Qt::black);
        p.drawText(box, Qt::AlignCenter, m_hoverText);
    }
}

void OverviewStrip::leaveEvent(QEvent *)
{
    m_hoverX = -1.0;
    m_hoverText.clear();
    update();
}

void OverviewStrip::mousePressEvent(QMouseEvent *event)
{
    m_pressX = event->position().x();
    m_dragX = -1.0;
}

void OverviewStrip::mouseMoveEvent(QMouseEvent *event)
{
    m_hoverX = event->position().x();
    m_hoverText = formatUtc(snappedTime(m_hoverX), QStringLiteral("ddd d MMM HH:mm:ss")) +
                  QStringLiteral(" UTC");
    if (m_pressX >= 0)
        m_dragX = event->position().x();
    update();
}

void OverviewStrip::mouseReleaseEvent(QMouseEvent *event)
{
    const double x = event->position().x();
    const TimeScale s = scale();
    if (m_pressX >= 0 && std::abs(x - m_pressX) > 3)
        Q_EMIT rangeSelected(s.timeForX(std::min(x, m_pressX)), s.timeForX(std::max(x, m_pressX)));
    else
        Q_EMIT seekRequested(snappedTime(x));
    m_pressX = m_dragX = -1.0;
    update();
}

void OverviewStrip::mouseDoubleClickEvent(QMouseEvent *)
{
    Q_EMIT resetRequested();
}

} // namespace warroom
