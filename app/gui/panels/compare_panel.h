#pragma once
// A run against a pinned baseline: headline figures side by side with their differences
// (green better, red worse), hit rate and TTFT p90 over time overlaid (baseline dashed), and
// which scenario keys differ. Without a baseline it shows the current run alone.

#include "app/qtbridge/run_outcome.h"

#include <QtWidgets/QWidget>

QT_BEGIN_NAMESPACE
class QLabel;
class QTableWidget;
QT_END_NAMESPACE

namespace kvroute::app {

class LineChart;

class ComparePanel final : public QWidget {
    Q_OBJECT

public:
    enum Column { Metric, Baseline, Current, Difference, Relative, ColumnCount };
    enum Row {
        HitRate,
        Stickiness,
        TtftP50,
        TtftP90,
        TtftP99,
        ItlP50,
        ItlP90,
        E2eP90,
        OutputTokensPerS,
        RequestsPerS,
        Preemptions,
        RequestsCompleted,
        RowCount
    };

    explicit ComparePanel(QWidget* parent = nullptr);
    ~ComparePanel() override;

    void setBaseline(const RunOutcomePtr& baseline);
    void showOutcome(const RunOutcomePtr& current);
    void clearBaseline();
    /// Forgets both runs.
    void clear();
    [[nodiscard]] bool hasBaseline() const { return m_baseline != nullptr; }
    [[nodiscard]] const RunOutcomePtr& baseline() const { return m_baseline; }
    [[nodiscard]] const RunOutcomePtr& current() const { return m_current; }

    [[nodiscard]] QTableWidget* table() const { return m_table; }
    [[nodiscard]] LineChart* hitRateChart() const { return m_hitRateChart; }
    [[nodiscard]] LineChart* ttftChart() const { return m_ttftChart; }
    [[nodiscard]] QString differencesText() const;
    [[nodiscard]] QString headerText() const;

    /// The colours of a better and a worse difference.
    [[nodiscard]] static QColor betterColor();
    [[nodiscard]] static QColor worseColor();

private:
    void refresh();
    void refreshTable();
    void refreshCharts();
    void refreshLabels();

    RunOutcomePtr m_baseline;
    RunOutcomePtr m_current;
    QLabel* m_header = nullptr;
    QLabel* m_differences = nullptr;
    QTableWidget* m_table = nullptr;
    LineChart* m_hitRateChart = nullptr;
    LineChart* m_ttftChart = nullptr;
};

} // namespace kvroute::app
