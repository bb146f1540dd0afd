#include "chart_panel.h"

#include "ui/geometry/time_scale.h"

#include "core/replay/replay_session.h"
#include "core/util/duration.h"
#include "core/util/json_ms.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace warroom {

namespace {

constexpr qint64 kMinSpanMs = 60000;           // the closest zoom
constexpr qint64 kOpeningSpanMs = 3 * 3600000; // a recording opens on this much of it...
constexpr qint64 kWholeUpToMs = 6 * 3600000;   // ... unless it is this short

MarkerKind markerKind(const Event &e)
{
    if (e.kind == EventKind::MonitoringChanged) { // blind or cut, or sees and delivers again
        const QString state = e.details.value(QStringLiteral("state")).toString();
        return state == u"sees" || state == u"delivering" ? MarkerKind::Fix : MarkerKind::Alert;
    }
    switch (e.kind) {
    case EventKind::ScaleOut:
        return MarkerKind::ScaleOut;
    case EventKind::ScaleIn:
        return MarkerKind::ScaleIn;
    case EventKind::FaultStarted:
    case EventKind::NodeCrashed:
    case EventKind::LinkDown:
    case EventKind::SiteDown:
    case EventKind::RuleAdded:
        return MarkerKind::Fault;
    case EventKind::AlertFiring:
    case EventKind::BacklogStarted:
    case EventKind::NodeUnhealthy:
    case EventKind::VerdictChanged:
    case EventKind::LinkDegraded:
        return MarkerKind::Alert;
    case EventKind::FaultEnded:
    case EventKind::RuleCorrected:
    case EventKind::RuleRemoved:
    case EventKind::DnsFailover:
    case EventKind::BacklogDrained:
    case EventKind::NodeRestarted:
    case EventKind::AlertResolved:
    case EventKind::LinkUp:
    case EventKind::SiteUp:
    case EventKind::ReactionFired: // an automatic response
    case EventKind::Promoted:
        return MarkerKind::Fix;
    default:
        return MarkerKind::Node;
    }
}

// The chart's markers among events[from..]: its kinds, about its subject or node.
void appendMarkers(const ChartData &c, const QList<Event> &events, qsizetype from,
                   QList<ChartMarker> &markers)
{
    std::vector<char> wanted(eventKindNames().size());
    for (const QString &name : c.markerKinds) {
        if (EventKind kind; eventKindFromString(name, &kind))
            wanted[size_t(kind)] = 1;
    }
    for (qsizetype i = std::max<qsizetype>(0, from); i < events.size(); ++i) {
        const Event &e = events[i];
        if (!wanted[size_t(e.kind)] ||
            (!c.markerSubject.isEmpty() && e.subject != c.markerSubject) ||
            (!c.markerNode.isEmpty() && e.node != c.markerNode))
            continue;
        // An alert the monitoring could not deliver at once goes where it was raised: the
        // chart shows when it would have paged, the text when it did.
        const qint64 raised = jsonMs(e.details.value(QStringLiteral("raised_ms")), -1);
        if (raised >= 0 && raised < e.timeMs)
            markers.append({raised,
                            formatUtc(raised).mid(11) + u"  " + e.text + u" — delivered at " +
                                formatUtc(e.timeMs).mid(11),
                            markerKind(e)});
        else
            markers.append({e.timeMs, formatUtc(e.timeMs).mid(11) + u"  " + e.text, markerKind(e)});
    }
}

} // namespace

ChartPanel::ChartPanel(ReplaySession *session, QWidget *parent)
    : QWidget(parent)
    , m_session(session)
{
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    // Shown when the user panned the charts away from the cursor.
    m_backBar = new QWidget;
    auto *back = new QHBoxLayout(m_backBar);
    back->setContentsMargins(4, 2, 4, 2);
    m_backText = new QLabel;
    auto *backButton = new QPushButton(tr("Back to the cursor"));
    backButton->setToolTip(tr("Pan the charts to the cursor again (Ctrl+.)"));
    back->addWidget(m_backText, 1);
    back->addWidget(backButton);
    m_backBar->setVisible(false);
    layout->addWidget(m_backBar);
    auto *box = new QWidget;
    m_list = new QVBoxLayout(box);
    m_list->setContentsMargins(0, 0, 0, 0);
    m_list->setSpacing(2);
    m_list->addStretch(1);
    auto *scroll = new QScrollArea;
    scroll->setWidget(box);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(scroll, 1);
    connect(backButton, &QPushButton::clicked, this, &ChartPanel::followCursor);
}

const MetricChart *ChartPanel::chart(int index) const
{
    return index >= 0 && index < m_charts.size() ? m_charts[index].view : nullptr;
}

QString ChartPanel::title(int index) const
{
    return index >= 0 && index < m_charts.size() ? m_charts[index].data.title : QString();
}

void ChartPanel::add(const ChartData &data, bool ofNode, int position)
{
    auto *view = new MetricChart;
    connect(view, &MetricChart::zoomRequested, this, &ChartPanel::zoom);
    connect(view, &MetricChart::seekRequested, this, &ChartPanel::seekRequested);
    connect(view, &MetricChart::panRequested, this, &ChartPanel::pan);
    connect(view, &MetricChart::timelineEntryRequested, this, &ChartPanel::timelineEntryRequested);
    connect(view, &MetricChart::resetRequested, this, &ChartPanel::resetZoom);
    m_list->insertWidget(position, view);
    Shown shown{data, {}, view, ofNode};
    if (const auto &d = m_session->data())
        appendMarkers(data, d->events, 0, shown.markers);
    m_charts.insert(position, shown);
}

void ChartPanel::reset()
{
    for (const Shown &s : std::as_const(m_charts))
        delete s.view;
    m_charts.clear();
    m_pannedAway = false;
    m_backBar->setVisible(false);
    const auto &data = m_session->data();
    if (!data)
        return;
    for (const ChartData &c : data->charts) {
        if (!c.lines.isEmpty())
            add(c, false, int(m_charts.size()));
    }
    m_outages.clear();
    for (const Outage &o : data->summary.outages)
        m_outages.append({o.startMs, o.endMs});
    m_from = data->startMs;
    m_to = data->endMs;
    m_boundsTo = data->endMs;
    QList<ChartData> charts; // as read with the recording: its whole range
    for (const Shown &s : std::as_const(m_charts))
        charts.append(s.data);
    draw(charts);
}

void ChartPanel::grow(qsizetype newFrom)
{
    const auto &data = m_session->data();
    if (!data)
        return;
    m_outages.clear();
    for (const Outage &o : data->summary.outages)
        m_outages.append({o.startMs, o.endMs});
    for (Shown &s : m_charts) {
        if (newFrom < 0)
            s.markers.clear();
        appendMarkers(s.data, data->events, newFrom < 0 ? 0 : newFrom, s.markers);
    }
    // The recording's own charts, read again over the whole range (a node's stay as they are);
    // a chart whose first series came since is added.
    for (const ChartData &c : data->charts) {
        bool known = false;
        for (Shown &s : m_charts) {
            if (!s.ofNode && s.data.title == c.title) {
                s.data = c;
                known = true;
            }
        }
        if (!known && !c.lines.isEmpty())
            add(c, false, int(m_charts.size()));
    }
    // A short recording shown whole grows whole; a longer window keeps its width (and follows
    // the cursor, refresh()), its lines read again since the end moved.
    const bool whole = m_from <= data->startMs && m_to >= m_boundsTo;
    m_boundsTo = data->endMs;
    if (whole && data->endMs - data->startMs <= kWholeUpToMs)
        setWindow(data->startMs, data->endMs);
    else if (whole) // grown past what reads well whole: the last hours
        setWindow(data->endMs - kOpeningSpanMs, data->endMs);
    else
        load();
}

void ChartPanel::showNode(const QString &node)
{
    // The selected node's charts go first; the previous selection's go away.
    while (!m_charts.isEmpty() && m_charts.first().ofNode)
        delete m_charts.takeFirst().view;
    if (!node.isEmpty()) {
        const QList<ChartData> charts = nodeCharts(node);
        for (int i = 0; i < charts.size(); ++i)
            add(charts[i], true, i);
    }
    load(); // the new charts' lines
}

void ChartPanel::setVisibleRange(qint64 fromMs, qint64 toMs)
{
    setWindow(fromMs, toMs);
    showBackBar();
}

void ChartPanel::setWindow(qint64 fromMs, qint64 toMs)
{
    const auto &data = m_session->data();
    if (!data)
        return;
    TimeScale wanted{data->startMs, data->endMs, 1000.0, data->startMs, data->endMs, kMinSpanMs};
    wanted.fromMs = std::min(fromMs, toMs);
    wanted.toMs = std::max({fromMs, toMs, wanted.fromMs + kMinSpanMs});
    wanted = wanted.panned(0.0); // within the recording
    m_from = wanted.fromMs;
    m_to = wanted.toMs;
    load();
}

void ChartPanel::zoom(double factor, qint64 atMs)
{
    const auto &data = m_session->data();
    if (!data)
        return;
    const TimeScale now{m_from, m_to, 1000.0, data->startMs, data->endMs, kMinSpanMs};
    const TimeScale next = now.zoomed(factor, now.xForTime(atMs));
    setWindow(next.fromMs, next.toMs);
}

void ChartPanel::resetZoom()
{
    if (const auto &data = m_session->data())
        setVisibleRange(data->startMs, data->endMs);
}

void ChartPanel::showAround(qint64 timeMs)
{
    const auto &data = m_session->data();
    if (!data)
        return;
    m_pannedAway = false;
    m_backBar->setVisible(false);
    // Hours around the moment read better than weeks; the cursor a third of the way in.
    if (data->endMs - data->startMs <= kWholeUpToMs)
        setWindow(data->startMs, data->endMs);
    else
        setWindow(timeMs - kOpeningSpanMs / 3, timeMs - kOpeningSpanMs / 3 + kOpeningSpanMs);
}

void ChartPanel::pan(qint64 byMs)
{
    const auto &data = m_session->data();
    if (!data || byMs == 0)
        return;
    const qint64 span = m_to - m_from;
    const qint64 from =
        std::clamp(m_from + byMs, data->startMs, std::max(data->startMs, data->endMs - span));
    setVisibleRange(from, from + span);
}

void ChartPanel::showBackBar()
{
    const qint64 t = m_session->dataTime();
    m_pannedAway = t < m_from || t > m_to;
    if (m_pannedAway) {
        const QString format = m_to - m_from < 3600000 ? QStringLiteral("MMM d HH:mm:ss")
                                                       : QStringLiteral("MMM d HH:mm");
        m_backText->setText(
            tr("The charts show %1 – %2 UTC; the cursor is at %3")
                .arg(formatUtc(m_from, format), formatUtc(m_to, format), formatUtc(t, format)));
    }
    m_backBar->setVisible(m_pannedAway);
}

void ChartPanel::followCursor()
{
    m_pannedAway = false;
    m_backBar->setVisible(false);
    m_drawnCursor = -1;
    refresh();
}

void ChartPanel::refresh()
{
    const auto &data = m_session->data();
    if (!data)
        return;
    const qint64 t = m_session->dataTime(); // following live: the window keeps to the data
    if (t == m_drawnCursor)
        return;
    m_drawnCursor = t;
    if (!m_pannedAway && (t < m_from || t > m_to)) {
        // The cursor left the window: the window goes to it, as wide as it was, the cursor a
        // third of the way in (what comes next matters more than what came before); following
        // a live recording, near the right edge (nothing comes after it yet).
        const qint64 span = m_to - m_from;
        const qint64 before = m_session->following() ? span * 9 / 10 : span / 3;
        setWindow(t - before, t - before + span);
    }
    for (const Shown &s : std::as_const(m_charts))
        s.view->setCursorTime(t);
}

void ChartPanel::load()
{
    const auto &data = m_session->data();
    if (!data)
        return;
    QList<ChartData> charts;
    for (const Shown &s : std::as_const(m_charts))
        charts.append(s.data);
    // The newest window wins: a slower, older answer is dropped.
    m_windows.run(
        [path = data->path, charts, from = m_from, to = m_to, compared = m_comparedPath,
         shift = m_comparedShiftMs](const JobControl &) -> Result<QList<ChartData>> {
            Result<QList<ChartData>> read = loadChartWindows(path, charts, from, to);
            if (!read || compared.isEmpty())
                return read;
            // The other run's lines over the same stretch of its own clock, shifted onto ours.
            const Result<QList<ChartData>> other =
                loadChartWindows(compared, charts, from + shift, to + shift);
            if (!other)
                return read;
            QList<ChartData> out = read.value();
            for (int c = 0; c < out.size() && c < other.value().size(); ++c) {
                for (ChartLine line : other.value()[c].lines) {
                    if (line.points.isEmpty())
                        continue;
                    for (WindowPoint &p : line.points)
                        p.timeMs -= shift;
                    line.name += QStringLiteral(" (B)");
                    line.compared = true;
                    out[c].lines.append(line);
                }
            }
            return out;
        },
        [this](Result<QList<ChartData>> result) {
            if (result)
                draw(result.value());
        });
}

void ChartPanel::setComparedRun(const QString &path, qint64 shiftMs)
{
    if (path == m_comparedPath && shiftMs == m_comparedShiftMs)
        return;
    m_comparedPath = path;
    m_comparedShiftMs = shiftMs;
    load();
}

void ChartPanel::draw(const QList<ChartData> &charts)
{
    // One chart per turn of the event loop (a chart takes a few milliseconds to set up): a
    // pan during a fast replay never holds a frame back by the time of all of them.
    const bool idle = m_nextToDraw >= m_toDraw.size();
    m_toDraw = charts;
    m_nextToDraw = 0;
    if (idle)
        drawNext();
}

void ChartPanel::drawNext()
{
    const int count = int(std::min(m_toDraw.size(), m_charts.size()));
    if (m_nextToDraw < count) {
        const int i = m_nextToDraw++;
        const auto &data = m_session->data();
        if (m_toDraw[i].title == m_charts[i].data.title) { // still the chart it was read for
            m_charts[i].view->setData(m_toDraw[i], m_from, m_to, m_outages, m_charts[i].markers,
                                      data ? std::make_pair(data->startMs, data->endMs)
                                           : std::make_pair(m_from, m_to));
            m_charts[i].view->setCursorTime(m_session->time());
        }
    }
    if (m_nextToDraw < count) {
        QMetaObject::invokeMethod(this, &ChartPanel::drawNext, Qt::QueuedConnection);
        return;
    }
    m_nextToDraw = int(m_toDraw.size()); // done: loading() says so from now on
    Q_EMIT shown();
}

} // namespace warroom
