#pragma once
// The Sweep tab: pick a scenario key and values (or a range), optionally a second key drawn as
// separate series (e.g. block size × routing profile); the grid runs in the background with
// progress and cancel; hit rate, TTFT p90 and throughput are charted against the first key,
// and for a staged workload TTFT and throughput per stage, one line per point.

#include "app/gui/sweep/sweep_results_base.h"
#include "sim/scenario/scenario.h"
#include "sim/sweep/sweep_records.h"

#include <QtWidgets/QWidget>

#include <functional>
#include <string>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace kvroute::app {

class BarChart;
class LineChart;
class SweepPointCharts;
class SweepRunTable;
class SweepRunner;
class SweepStageCharts;

class SweepPanel final : public QWidget {
    Q_OBJECT

public:
    explicit SweepPanel(QWidget* parent = nullptr);

    /// Where the base scenario of a sweep comes from (the main window's current scenario).
    void setBaseScenarioProvider(std::function<sim::Scenario()> provider);
    /// The built-in scenario the base scenario was opened from, as the Scenario list shows it
    /// ("" for a scenario file): the note asks to pick the results' built-in only when it is another.
    void setBaseBuiltinProvider(std::function<QString()> provider);

    /// Starts a sweep as if the controls had been set so; false if the input is invalid (the
    /// reason is shown in the panel) or a sweep runs.
    bool startSweep(const QString& parameter, const QString& values, const QString& seriesParameter,
                    const QString& seriesValues, int repeats);
    void cancelSweep();
    [[nodiscard]] SweepRunner* runner() const { return m_runner; }
    [[nodiscard]] QString statusText() const;
    /// Shows a results file (`kvroute sweep --out`, or `sweep merge` of a sharded sweep) as if
    /// the sweep had run here; false (the reason in the status line) when it cannot.
    bool loadResults(const QString& path);
    /// The built-in scenario whose fingerprint is the shown results file's `base` ("" when no
    /// results file is shown or none matches: the file records only the fingerprint).
    [[nodiscard]] QString resultsBuiltin() const { return m_resultsBase.builtin(); }
    /// Whether the base scenario (the side panel's) is the one the shown results file varied,
    /// its values of the swept keys aside (every point sets them); true when no results file
    /// is shown.
    [[nodiscard]] bool resultsMatchScenario() const;
    /// Checks the base scenario against the shown results file again (call when it changes):
    /// a note above the charts says when the side panel shows another scenario, naming the
    /// keys it differs in when the varied scenario is known.
    void refreshScenarioNote();
    /// The note's text, "" when it is hidden.
    [[nodiscard]] QString scenarioNoteText() const;
    /// Writes the finished points as CSV to `path` and, when they have stages (a staged
    /// workload), one row per point and stage to stagesCsvPath(path); false on an I/O error.
    bool exportCsv(const QString& path) const;
    /// "sweep.csv" -> "sweep-stages.csv", beside it.
    [[nodiscard]] static QString stagesCsvPath(const QString& path);

    // For tests: the charts of a numeric key and the table of finished runs (in grid order).
    [[nodiscard]] LineChart* hitRateLineChart() const;
    [[nodiscard]] LineChart* ttftLineChart() const;
    [[nodiscard]] LineChart* throughputLineChart() const;
    [[nodiscard]] BarChart* ttftBarChart() const;
    [[nodiscard]] QTableWidget* table() const;
    /// Shown only when the records have stages.
    [[nodiscard]] SweepStageCharts* stageCharts() const { return m_stageCharts; }

private:
    void onParameterChanged(QComboBox* combo, QLineEdit* values);
    /// Sets the Vary and Series rows (and the repeats when known, `repeats` > 0) to a grid shown
    /// from a results file, so that Run sweep would run it again; nothing is started.
    void showGridInControls(const std::vector<sim::SweepParameter>& parameters, int repeats);
    void onRunClicked();
    void onPointFinished();
    void resetView();
    void onFinished(bool cancelled);
    void redraw();
    void setRunning(bool running);
    [[nodiscard]] std::vector<sim::SweepRecord> recordsInGridOrder() const;

    std::function<sim::Scenario()> m_baseProvider;
    std::function<QString()> m_baseBuiltinProvider;
    SweepRunner* m_runner = nullptr;
    QComboBox* m_parameter = nullptr;
    QLineEdit* m_values = nullptr;
    QComboBox* m_seriesParameter = nullptr;
    QLineEdit* m_seriesValues = nullptr;
    QSpinBox* m_repeats = nullptr;
    QSpinBox* m_jobs = nullptr;
    QPushButton* m_run = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_open = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_scenarioNote = nullptr;
    SweepPointCharts* m_pointCharts = nullptr;
    SweepStageCharts* m_stageCharts = nullptr;
    SweepRunTable* m_table = nullptr;
    std::vector<sim::SweepParameter> m_parameters;
    SweepResultsBase m_resultsBase; ///< the scenario a results file shown here varied
};

} // namespace kvroute::app
