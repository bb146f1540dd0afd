#include "window_state.h"

#include "chart_panel.h"
#include "compare_panel.h"
#include "details_pane.h"
#include "event_log_panel.h"
#include "header_bar.h"

#include "ui/map/map_view.h"
#include "ui/models/event_log_model.h"
#include "ui/recording_window.h"

#include "core/replay/replay_session.h"
#include "core/util/duration.h"

#include <QJsonArray>
#include <QTableView>

namespace warroom {

namespace {

QJsonValue moment(qint64 ms)
{
    return ms < 0 ? QJsonValue()
                  : QJsonValue(formatUtc(ms, QStringLiteral("yyyy-MM-ddTHH:mm:ssZ")));
}

// The last row in view: the last row when the rows end before the view does.
int lastVisibleRow(const QTableView &view)
{
    const int row = view.rowAt(view.viewport()->height() - 1);
    return row >= 0 ? row : view.model()->rowCount() - 1;
}

QJsonArray strings(const QStringList &list)
{
    return QJsonArray::fromStringList(list);
}

} // namespace

QJsonObject windowState(const RecordingWindow &window)
{
    const ReplaySession &session = *window.session();
    const qint64 t = session.time();
    QJsonObject state;
    state.insert(QStringLiteral("file"), session.data() ? session.data()->path : QString());
    state.insert(QStringLiteral("cursor"), moment(t));
    state.insert(QStringLiteral("cursorMs"), t);
    state.insert(QStringLiteral("playing"), session.playing());
    state.insert(QStringLiteral("speed"), session.speed());
    state.insert(QStringLiteral("following"), session.following());

    const HeaderBar &header = *window.header();
    state.insert(QStringLiteral("service"),
                 QJsonObject{{QStringLiteral("state"), toString(header.status().state)},
                             {QStringLiteral("since"), moment(header.status().sinceMs)},
                             {QStringLiteral("why"), header.status().why}});
    state.insert(QStringLiteral("header"),
                 QJsonObject{{QStringLiteral("text"), header.text()},
                             {QStringLiteral("state"), header.stateText()},
                             {QStringLiteral("live"), header.liveText()},
                             {QStringLiteral("liveWarning"), header.liveWarning()},
                             {QStringLiteral("monitoring"), header.monitoringText()},
                             {QStringLiteral("file"), header.fileText()},
                             {QStringLiteral("height"), header.height()}});

    state.insert(QStringLiteral("damage"), QJsonArray::fromStringList(window.session()->damage()));
    QJsonArray charts;
    const ChartPanel &panel = *window.chartPanel();
    for (int i = 0; i < panel.count(); ++i) {
        const MetricChart *c = panel.chart(i);
        const auto [from, to] = c->visibleRange();
        charts.append(QJsonObject{
            {QStringLiteral("title"), c->title()},
            {QStringLiteral("from"), moment(from)},
            {QStringLiteral("to"), moment(to)},
            {QStringLiteral("containsCursor"), t >= from && t <= to},
            {QStringLiteral("timeAxis"), c->timeAxisTitle()},
            {QStringLiteral("timeLabels"), strings(c->timeLabels())},
            {QStringLiteral("valueAxis"), c->valueAxisTitle()},
            {QStringLiteral("valueLabels"), strings(c->valueLabels())},
            {QStringLiteral("markers"), c->markerCount()},
            {QStringLiteral("rect"), QJsonArray{c->x(), c->y(), c->width(), c->height()}}});
    }
    state.insert(QStringLiteral("charts"),
                 QJsonObject{{QStringLiteral("list"), charts},
                             {QStringLiteral("pannedAway"), panel.pannedAway()}});

    const EventLogPanel &log = *window.eventLogPanel();
    QJsonObject row;
    if (log.highlightedRow() >= 0) {
        const QModelIndex index = log.filter()->index(log.highlightedRow(), 0);
        const Event &e = log.model()->eventAt(log.filter()->mapToSource(index).row());
        row = {{QStringLiteral("time"), moment(e.timeMs)},
               {QStringLiteral("kind"), toString(e.kind)},
               {QStringLiteral("text"), e.text}};
    }
    state.insert(QStringLiteral("log"),
                 QJsonObject{{QStringLiteral("rows"), log.filter()->rowCount()},
                             {QStringLiteral("highlightedRow"), log.highlightedRow()},
                             {QStringLiteral("visibleRows"),
                              QJsonArray{log.view()->rowAt(0), lastVisibleRow(*log.view())}},
                             {QStringLiteral("selectedRows"),
                              int(log.view()->selectionModel()->selectedRows().size())},
                             {QStringLiteral("highlighted"), row},
                             {QStringLiteral("kinds"), strings(log.kindGroups())},
                             {QStringLiteral("site"), log.filter()->site()},
                             {QStringLiteral("node"), log.filter()->node()},
                             {QStringLiteral("text"), log.filter()->text()}});
    state.insert(QStringLiteral("focus"), window.focusedPanel());
    state.insert(QStringLiteral("details"), strings(window.details()->rows()));
    state.insert(QStringLiteral("map"), window.mapView()->geometryJson());
    if (const ComparePanel *compare = window.comparePanel()) {
        QJsonArray differences;
        for (const VerdictDifference &d : compare->differences())
            differences.append(QJsonObject{{QStringLiteral("from"), d.from},
                                           {QStringLiteral("to"), d.to},
                                           {QStringLiteral("dependency"), d.dependency},
                                           {QStringLiteral("a"), toString(d.a)},
                                           {QStringLiteral("b"), toString(d.b)},
                                           {QStringLiteral("aWhy"), d.aWhy},
                                           {QStringLiteral("bWhy"), d.bWhy}});
        state.insert(QStringLiteral("compare"),
                     QJsonObject{{QStringLiteral("file"), compare->path()},
                                 {QStringLiteral("state"), compare->stateText()},
                                 {QStringLiteral("differences"), differences}});
    }
    return state;
}

} // namespace warroom
