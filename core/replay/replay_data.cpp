#include "replay_data.h"

#include "core/model/topology_json.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace warroom {

namespace {

void addLine(ChartData &chart, const Recording &r, const QString &key, const QString &name,
             int columns, double scale = 1.0)
{
    const StoredSeries *series = r.seriesByKey(key);
    if (!series)
        return;
    ChartLine line{name, r.window(*series, r.startMs(), r.endMs(), columns)};
    if (scale != 1.0) {
        for (WindowPoint &p : line.points) {
            p.min = float(p.min * scale);
            p.max = float(p.max * scale);
        }
    }
    chart.lines.append(std::move(line));
}

QList<ChartData> chartsOf(const Recording &r, const Topology &start, int columns)
{
    QList<ChartData> charts;
    ChartData failing{QStringLiteral("Requests failing"), QStringLiteral("%"), {}, {}};
    addLine(failing, r, QStringLiteral("service/failure_ratio"), QStringLiteral("failing"),
            columns);
    failing.thresholds.append(
        {QStringLiteral("outage"), r.meta(QStringLiteral("outage_above")).toDouble() * 100.0});
    charts.append(failing);

    for (const ScalingGroup &g : start.groups) {
        ChartData cpu{g.id + u" CPU (average)", QStringLiteral("%"), {}, {}};
        addLine(cpu, r, u"group/" + g.id + u'/' + g.metric, g.id, columns);
        cpu.thresholds = {{QStringLiteral("scale out"), g.scaleOutAbove},
                          {QStringLiteral("scale in"), g.scaleInBelow}};
        charts.append(cpu);
    }

    ChartData errors{QStringLiteral("Errors where they surface"), QStringLiteral("err/s"), {}, {}};
    for (const Node &n : start.nodes) {
        if (n.hasRole(QStringLiteral("load_balancer")) && n.state != ElementState::Down)
            addLine(errors, r, u"node/" + n.id + u"/errors", n.id, columns);
    }
    addLine(errors, r, QStringLiteral("service/failed"), QStringLiteral("users see"), columns);
    charts.append(errors);

    const QJsonArray queues =
        QJsonDocument::fromJson(r.meta(QStringLiteral("queues")).toUtf8()).array();
    for (const QJsonValue &v : queues) {
        const QString id = v.toObject().value(QStringLiteral("id")).toString();
        const double targetMin =
            v.toObject().value(QStringLiteral("target_ms")).toDouble() / 60000.0;
        ChartData backlog{id + u" backlog", QStringLiteral("items"), {}, {}};
        addLine(backlog, r, u"queue/" + id + u"/backlog", QStringLiteral("in the queue"), columns);
        addLine(backlog, r, QStringLiteral("upstream/backlog"), QStringLiteral("waiting outside"),
                columns);
        charts.append(backlog);
        ChartData latency{id + u" delivery latency", QStringLiteral("min"), {}, {}};
        addLine(latency, r, u"queue/" + id + u"/delivery_latency", QStringLiteral("slowest"),
                columns, 1.0 / 60000.0);
        if (targetMin > 0)
            latency.thresholds.append({QStringLiteral("target"), targetMin});
        charts.append(latency);
    }
    return charts;
}

} // namespace

Result<std::shared_ptr<const ReplayData>> loadReplayData(const QString &path, int columns)
{
    auto opened = Recording::open(path);
    if (!opened)
        return opened.errors();
    const Recording &r = *opened.value();
    auto data = std::make_shared<ReplayData>();
    data->path = path;
    data->name = r.meta(QStringLiteral("scenario_name"));
    data->title = r.meta(QStringLiteral("scenario_title"));
    data->startMs = r.startMs();
    data->endMs = std::max(r.endMs(), r.startMs() + 1);
    for (const TopologyVersion &v : r.topologyVersions())
        data->versions.append(
            {v.timeMs, topologyFromJson(QJsonDocument::fromJson(r.topologyJson(v.id)).object())});
    if (data->versions.isEmpty())
        return Error{QStringLiteral("the recording holds no topology"), path, 0, 0};
    data->events = r.events();
    data->summary = summarize(r);
    data->charts = chartsOf(r, data->versions.first().second, columns);
    return std::shared_ptr<const ReplayData>(std::move(data));
}

} // namespace warroom
