#pragma once
// Per-stage results of a staged workload (a QPS ladder, as llm-d's benchmarks run with
// inference-perf): TTFT and output throughput against the offered rate, one point per stage,
// and a table of every stage. The main window shows the tab only when the run has stages.

#include "app/qtbridge/run_outcome.h"

#include <QtWidgets/QWidget>

#include <vector>

QT_BEGIN_NAMESPACE
class QLabel;
class QTableWidget;
QT_END_NAMESPACE

namespace kvroute::app {

class LineChart;

class StagesPanel final : public QWidget {
    Q_OBJECT

public:
    enum Column {
        Stage,
        Rate,
        Requests,
        RequestsPerS,
        OutputTokensPerS,
        TtftMean,
        TtftP50,
        TtftP90,
        ItlMean,
        Cached,
        Queue,
        ClientWaiting,
        ColumnCount
    };

    explicit StagesPanel(QWidget* parent = nullptr);
    ~StagesPanel() override;

    void showOutcome(const RunOutcomePtr& outcome);
    void clear();
    /// Whether the shown run has stages (the tab is hidden otherwise).
    [[nodiscard]] bool hasStages() const;

    [[nodiscard]] QTableWidget* table() const { return m_table; }
    [[nodiscard]] LineChart* ttftChart() const { return m_ttftChart; }
    [[nodiscard]] LineChart* throughputChart() const { return m_throughputChart; }
    [[nodiscard]] QLabel* summaryLabel() const { return m_summary; }

private:
    void updateTable(const std::vector<bool>& onLadder);
    void updateCharts();
    void updateSummary();

    RunOutcomePtr m_outcome;
    QLabel* m_summary = nullptr;
    LineChart* m_ttftChart = nullptr;
    LineChart* m_throughputChart = nullptr;
    QTableWidget* m_table = nullptr;
};

} // namespace kvroute::app
