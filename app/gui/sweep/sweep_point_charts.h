#pragma once
// The Sweep tab's charts of whole points: hit rate, TTFT p90 and output throughput against the
// first swept key, a line (or bar set) per value of the second, repeats of a point averaged.
// Lines when the first key is numeric, on a log2 axis when its values double from one to the
// next; bars when its values are categories (a routing profile, a policy).

#include "sim/sweep/sweep_records.h"

#include <QtWidgets/QStackedWidget>

#include <vector>

namespace kvroute::app {

class BarChart;
class LineChart;

class SweepPointCharts final : public QStackedWidget {
    Q_OBJECT

public:
    explicit SweepPointCharts(QWidget* parent = nullptr);

    /// Empties the charts and shows the kind that suits a sweep of `parameters` (not empty),
    /// before any of its points has finished.
    void reset(const std::vector<sim::SweepParameter>& parameters);
    /// Draws the mean of `records` per point of the grid `parameters` (not empty; the one
    /// reset() was given).
    void setRecords(const std::vector<sim::SweepRecord>& records, const std::vector<sim::SweepParameter>& parameters);

    [[nodiscard]] LineChart* hitRateLineChart() const { return m_hitLine; }
    [[nodiscard]] LineChart* ttftLineChart() const { return m_ttftLine; }
    [[nodiscard]] LineChart* throughputLineChart() const { return m_throughputLine; }
    [[nodiscard]] BarChart* ttftBarChart() const { return m_ttftBars; }

private:
    LineChart* m_hitLine = nullptr;
    LineChart* m_ttftLine = nullptr;
    LineChart* m_throughputLine = nullptr;
    BarChart* m_hitBars = nullptr;
    BarChart* m_ttftBars = nullptr;
    BarChart* m_throughputBars = nullptr;
};

} // namespace kvroute::app
