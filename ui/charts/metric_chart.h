#pragma once

#include "core/replay/replay_data.h"

#include <QChartView>

class QLineSeries;
class QDateTimeAxis;
class QValueAxis;

namespace warroom {

// One chart of the war room (QtCharts): the lines of a ChartData as min/max per pixel column,
// its thresholds dashed, outage bands shaded, and a cursor line at the replay time.
class MetricChart : public QChartView
{
    Q_OBJECT

public:
    explicit MetricChart(QWidget *parent = nullptr);

    void setData(const ChartData &data, qint64 fromMs, qint64 toMs,
                 const QList<std::pair<qint64, qint64>> &outages);
    void setCursorTime(qint64 timeMs);
    int lineCount() const;

private:
    QDateTimeAxis *m_time;
    QValueAxis *m_value;
    QLineSeries *m_cursor = nullptr;
    double m_top = 1.0;
};

} // namespace warroom
