#pragma once
// What the Live tab draws, measured beside simulated: three cluster figures (hit rate, TTFT p90,
// stickiness), the hit rate over time, per-pod hit rate and request share, and a per-pod table
// with the queues and KV-cache usage Prometheus reports. Fed a LiveComparison; draws through
// app/gui/charts only.

#include <QtWidgets/QWidget>

class QLabel;
class QTableWidget;

namespace kvroute::app {

class BarChart;
class LineChart;
class LiveComparison;
class LiveFigureCard;

class LiveChartsView final : public QWidget {
    Q_OBJECT

public:
    explicit LiveChartsView(QWidget* parent = nullptr);

    /// Redraws everything from `comparison`; `window` is the rate window ("30s") for captions.
    void showComparison(const LiveComparison& comparison, const QString& window);
    void clear();
    /// What the empty charts say: why nothing is drawn yet (not connected, waiting for the first
    /// refresh, Prometheus unreachable, ...). The owner drives it from its connection state.
    void setNoDataTexts(const QString& hitRate, const QString& pods);

    // For tests.
    [[nodiscard]] LineChart* hitRateChart() const { return m_hitRateChart; }
    [[nodiscard]] BarChart* podHitRateChart() const { return m_podHitRate; }
    [[nodiscard]] BarChart* podShareChart() const { return m_podShare; }
    [[nodiscard]] QTableWidget* podTable() const { return m_table; }
    [[nodiscard]] LiveFigureCard* hitRateCard() const { return m_hitRate; }
    [[nodiscard]] LiveFigureCard* ttftCard() const { return m_ttft; }
    [[nodiscard]] LiveFigureCard* stickinessCard() const { return m_stickiness; }

private:
    void showPods(const LiveComparison& comparison, const QString& window);

    LiveFigureCard* m_hitRate = nullptr;
    LiveFigureCard* m_ttft = nullptr;
    LiveFigureCard* m_stickiness = nullptr;
    LineChart* m_hitRateChart = nullptr;
    BarChart* m_podHitRate = nullptr;
    BarChart* m_podShare = nullptr;
    QTableWidget* m_table = nullptr;
};

} // namespace kvroute::app
