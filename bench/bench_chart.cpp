// One chart frame for a 1,000,000-sample series: the war room's way (the window query from the
// recording's levels, at most 2 points per pixel column, then paint) against handing all the raw
// points to QLineSeries::replace() and painting, in the same run. Offscreen, 1000x300 pixels.
#include "core/store/recording.h"
#include "core/store/recording_sink.h"
#include "core/store/recording_writer.h"
#include "ui/charts/metric_chart.h"

#include <benchmark/benchmark.h>

#include <QChart>
#include <QChartView>
#include <QElapsedTimer>
#include <QImage>
#include <QLineSeries>
#include <QPainter>
#include <QTemporaryDir>
#include <QValueAxis>

#include <cmath>

using namespace warroom;

namespace {

constexpr qint64 kSamples = 1'000'000;
constexpr int kWidth = 1000;
constexpr int kHeight = 300;

float value(qint64 i)
{
    return float(50.0 + 30.0 * std::sin(double(i) / 5000.0) + 10.0 * std::sin(double(i) / 7.0));
}

const Recording &recording()
{
    static QTemporaryDir dir;
    static std::unique_ptr<Recording> r = [] {
        const QString path = dir.filePath(QStringLiteral("chart.warroom"));
        auto writer = RecordingWriter::create(path);
        {
            RecordingSink sink(*writer.value());
            const int s =
                sink.beginSeries({QStringLiteral("s"), {}, QStringLiteral("v"), {}, 0, 1000});
            for (qint64 i = 0; i < kSamples; ++i)
                sink.sample(s, value(i));
            sink.finish();
        }
        writer.value()->close();
        return std::move(Recording::open(path).value());
    }();
    return *r;
}

void paint(QChartView &view)
{
    QImage image(kWidth, kHeight, QImage::Format_ARGB32_Premultiplied);
    QPainter painter(&image);
    view.render(&painter);
}

void report(benchmark::State &state, std::vector<double> &ms)
{
    std::sort(ms.begin(), ms.end());
    state.counters["frame_p50_ms"] = ms[ms.size() / 2];
    state.counters["frame_p95_ms"] = ms[size_t(double(ms.size() - 1) * 0.95)];
}

void BM_ChartFrameFromLevels(benchmark::State &state)
{
    const Recording &r = recording();
    const StoredSeries &s = r.series().first();
    MetricChart chart;
    chart.resize(kWidth, kHeight);
    ChartData data;
    data.title = QStringLiteral("1 M samples");
    data.unit = QStringLiteral("%");
    data.lines.append({QStringLiteral("s"), {}, QStringLiteral("s"), 1.0});
    std::vector<double> ms;
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        data.lines.first().points = r.window(s, 0, kSamples * 1000, kWidth);
        chart.setData(data, 0, kSamples * 1000, {}, {}, {0, kSamples * 1000});
        paint(chart);
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    report(state, ms);
}

void BM_ChartFrameRawReplace(benchmark::State &state)
{
    const Recording &r = recording();
    const std::vector<float> raw = r.samples(r.series().first(), 0, kSamples * 1000);
    QList<QPointF> points;
    points.reserve(qsizetype(raw.size()));
    for (size_t i = 0; i < raw.size(); ++i)
        points.append(QPointF(double(i) * 1000.0, raw[i]));
    auto *series = new QLineSeries;
    auto *chart = new QChart;
    chart->addSeries(series);
    chart->createDefaultAxes();
    QChartView view(chart);
    view.resize(kWidth, kHeight);
    std::vector<double> ms;
    for (auto _ : state) {
        QElapsedTimer timer;
        timer.start();
        series->replace(points);
        paint(view);
        ms.push_back(double(timer.nsecsElapsed()) / 1e6);
    }
    report(state, ms);
}

} // namespace

BENCHMARK(BM_ChartFrameFromLevels)->Unit(benchmark::kMillisecond)->Iterations(40);
BENCHMARK(BM_ChartFrameRawReplace)->Unit(benchmark::kMillisecond)->Iterations(5);
