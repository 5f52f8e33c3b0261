#pragma once
// The Sweep tab's per-stage view, for sweeps of a staged workload (a QPS ladder): TTFT p90 and
// output throughput against the offered rate, one line per sweep point. Sweeping
// routing.profile over precise, approximate, load and random draws the four lines of llm-d's
// benchmark report.

#include "sim/sweep/sweep_records.h"

#include <QtWidgets/QWidget>

#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
QT_END_NAMESPACE

namespace kvroute::app {

class LineChart;

class SweepStageCharts final : public QWidget {
    Q_OBJECT

public:
    explicit SweepStageCharts(QWidget* parent = nullptr);

    /// Draws the stages of `records` (in the order their lines should take), repeats of a point
    /// averaged stage by stage; returns whether any record has stages (nothing is drawn then).
    bool setRecords(const std::vector<sim::SweepRecord>& records, const std::vector<sim::SweepParameter>& parameters);
    void clear();

    [[nodiscard]] LineChart* ttftChart() const { return m_ttft; }
    [[nodiscard]] LineChart* throughputChart() const { return m_throughput; }
    [[nodiscard]] QString captionText() const;

private:
    QLabel* m_caption = nullptr;
    LineChart* m_ttft = nullptr;
    LineChart* m_throughput = nullptr;
};

} // namespace kvroute::app
