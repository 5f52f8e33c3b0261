#pragma once
// The first thing a run shows: headline figures as cards, what ran, warnings, and four charts
// (hit rate over time, per-pod hit rate and request share, TTFT percentiles, TTFT over time).
// Widgets are built once; showOutcome only replaces their data.

#include "app/qtbridge/run_outcome.h"

#include <QtWidgets/QWidget>

QT_BEGIN_NAMESPACE
class QGridLayout;
class QLabel;
QT_END_NAMESPACE

namespace kvroute::app {

class BarChart;
class ElidedLabel;
class LineChart;
class StatCard;

class OverviewPanel final : public QWidget {
    Q_OBJECT

public:
    explicit OverviewPanel(QWidget* parent = nullptr);
    ~OverviewPanel() override;

    void showOutcome(const RunOutcomePtr& outcome);
    void clear();
    [[nodiscard]] const RunOutcomePtr& outcome() const { return m_outcome; }

    // The parts, for tests and image export.
    [[nodiscard]] StatCard* hitRateCard() const { return m_hitRate; }
    [[nodiscard]] StatCard* stickinessCard() const { return m_stickiness; }
    [[nodiscard]] StatCard* ttftP50Card() const { return m_ttftP50; }
    [[nodiscard]] StatCard* ttftP90Card() const { return m_ttftP90; }
    [[nodiscard]] StatCard* throughputCard() const { return m_throughput; }
    [[nodiscard]] StatCard* preemptionsCard() const { return m_preemptions; }
    [[nodiscard]] LineChart* hitRateChart() const { return m_hitRateChart; }
    [[nodiscard]] BarChart* podChart() const { return m_podChart; }
    [[nodiscard]] BarChart* ttftPercentileChart() const { return m_ttftBars; }
    [[nodiscard]] LineChart* ttftChart() const { return m_ttftChart; }
    /// What ran (scenario, pods, requests) and, wrapped below, the router and the workload.
    [[nodiscard]] QString summaryText() const;
    /// Whether the summary is cut short at the panel's size.
    [[nodiscard]] bool summaryElided() const;
    [[nodiscard]] QString warningText() const;
    [[nodiscard]] bool warningShown() const;

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    /// Six cards in a row when there is room, else two rows of three.
    void arrangeCards(int columns);
    /// Whether the pods' names would be elided on the per-pod chart's axis at this width.
    [[nodiscard]] bool podNamesNeedCompacting(int panelWidth) const;
    void updatePodChart(int panelWidth);

    RunOutcomePtr m_outcome;
    ElidedLabel* m_summary = nullptr;
    QLabel* m_details = nullptr;
    QLabel* m_warnings = nullptr;
    StatCard* m_hitRate = nullptr;
    StatCard* m_stickiness = nullptr;
    StatCard* m_ttftP50 = nullptr;
    StatCard* m_ttftP90 = nullptr;
    StatCard* m_throughput = nullptr;
    StatCard* m_preemptions = nullptr;
    LineChart* m_hitRateChart = nullptr;
    BarChart* m_podChart = nullptr;
    BarChart* m_ttftBars = nullptr;
    LineChart* m_ttftChart = nullptr;
    QGridLayout* m_cards = nullptr;
    int m_cardColumns = 0;
    bool m_podNamesCompact = false;
};

} // namespace kvroute::app
