#pragma once
// Per-pod results: a table (requests, share, hit rate, KV-cache usage, busy time, preemptions)
// and two charts over time, KV-cache usage and queue depth per pod, for all pods or the one picked.
// Rows and lines share colours.

#include "app/qtbridge/run_outcome.h"

#include <QtWidgets/QWidget>

QT_BEGIN_NAMESPACE
class QComboBox;
class QTableWidget;
QT_END_NAMESPACE

namespace kvroute::app {

class LineChart;

class PodsPanel final : public QWidget {
    Q_OBJECT

public:
    enum Column { Name, Requests, Share, HitRate, MeanKv, MaxKv, Busy, Preemptions, ColumnCount };

    explicit PodsPanel(QWidget* parent = nullptr);
    ~PodsPanel() override;

    void showOutcome(const RunOutcomePtr& outcome);
    void clear();
    [[nodiscard]] const RunOutcomePtr& outcome() const { return m_outcome; }

    [[nodiscard]] QTableWidget* table() const { return m_table; }
    [[nodiscard]] LineChart* kvUsageChart() const { return m_kvChart; }
    [[nodiscard]] LineChart* waitingChart() const { return m_waitingChart; }
    /// Which pods the charts draw: "All pods" (index 0) or one pod (index 1 + pod). Eight
    /// overlapping lines are a tangle; one pod at a time reads.
    [[nodiscard]] QComboBox* podSelector() const { return m_podSelector; }

private:
    void updatePodSelector(const QStringList& podNames);
    void updateCharts();

    RunOutcomePtr m_outcome;
    QComboBox* m_podSelector = nullptr;
    QTableWidget* m_table = nullptr;
    LineChart* m_kvChart = nullptr;
    LineChart* m_waitingChart = nullptr;
};

} // namespace kvroute::app
