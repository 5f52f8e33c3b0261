#pragma once
// The main window: composes the scenario editor (left) and the result tabs (Overview, Pods,
// Stages, Compare, Sweep, Live; Stages only for a staged workload); owns no simulation logic. Every edit re-runs the scenario in the
// background (debounced, the previous run cancelled) and the panels update in place.

#include "app/qtbridge/run_outcome.h"
#include "app/qtbridge/settings.h"
#include "sim/scenario/scenario.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QList>
#include <QtWidgets/QMainWindow>

#include <optional>

class QAction;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QTabWidget;

namespace kvroute::app {

class ComparePanel;
class LivePanel;
class OverviewPanel;
class PodsPanel;
class ScenarioEditor;
class ScenarioRunner;
class StaleOverlay;
class StagesPanel;
class SweepPanel;

class MainWindow final : public QMainWindow {
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Shows a built-in scenario or a scenario file and runs it. On error the message is shown
    /// and the current scenario is kept; returns false then.
    /// `overrides` are `--set` assignments ("workload.max_requests=200") applied on top.
    bool openScenario(const QString& nameOrFile, const QStringList& overrides = {});
    /// Reopens what the previous session showed, unsaved edits included; else `default`.
    void restoreLastSession();
    /// Shows a results file of `kvroute sweep` in the Sweep tab; false (the reason in its status
    /// line) when it cannot. The file records only a fingerprint of the scenario it varied: with
    /// `openItsScenario`, a side panel showing another scenario switches to the built-in with
    /// that fingerprint, if any. Whenever the side panel shows another scenario than the
    /// sweep's, the Sweep tab says so.
    bool openSweepResults(const QString& path, bool openItsScenario);
    /// Keeps the user's settings as they are (the screenshot mode): nothing this window shows
    /// or does is remembered for the next start.
    void setSettingsReadOnly(bool readOnly) { m_settings.setReadOnly(readOnly); }

    // For tests and the screenshot mode.
    [[nodiscard]] const sim::Scenario& currentScenario() const { return m_scenario; }
    [[nodiscard]] RunOutcomePtr lastOutcome() const { return m_lastOutcome; }
    [[nodiscard]] ScenarioEditor* editor() const { return m_editor; }
    [[nodiscard]] ScenarioRunner* runner() const { return m_runner; }
    [[nodiscard]] SweepPanel* sweepPanel() const { return m_sweep; }
    [[nodiscard]] OverviewPanel* overviewPanel() const { return m_overview; }
    [[nodiscard]] StagesPanel* stagesPanel() const { return m_stages; }
    [[nodiscard]] LivePanel* livePanel() const { return m_live; }
    [[nodiscard]] QTabWidget* tabs() const { return m_tabs; }
    [[nodiscard]] QString errorText() const;
    /// Whether the result tabs show an older scenario than the editor (after an invalid edit or
    /// a failed run): a banner says so and the results are greyed until the next good run.
    [[nodiscard]] bool resultsStale() const { return m_resultsStale; }
    [[nodiscard]] QString staleText() const;
    /// Writes the scenario as YAML to `path` (".yaml" added when it has no YAML extension); an
    /// edited built-in is renamed after the file and described as derived from the built-in.
    /// Returns the path written, or "" on an I/O error (shown in the banner).
    QString saveScenarioTo(const QString& path);
    /// Milliseconds from the last edit to the charts showing its results (-1 before any edit).
    [[nodiscard]] qint64 lastEditToChartMs() const { return m_lastEditToChartMs; }

Q_SIGNALS:
    /// The panels now show `outcome` (emitted after they were updated).
    void resultsShown(kvroute::app::RunOutcomePtr outcome);
    /// A run could not start, failed or its results could not be shown; the error banner now
    /// says `message` (emitted after it was updated).
    void runErrorShown(const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void buildActions();
    void buildLayout();
    void restoreState();
    void onScenarioEdited(const sim::Scenario& scenario);
    void onRunFinished(const RunOutcomePtr& outcome);
    void onRunFailed(const QString& message);
    void showError(const QString& message);
    void clearError();
    /// Marks the results as an older scenario's, the banner saying `bannerText`; only when
    /// there are results to mark.
    void setResultsStale(bool stale, const QString& bannerText);
    void setScenario(const sim::Scenario& scenario, const QString& source);
    /// Marks the editor's cluster.pods when the Live tab watches a stack running another count.
    void markWatchedStackPods();
    void openFileDialog();
    void saveScenario(bool askForPath);
    void exportPng();
    void exportJson();
    void exportCsv();
    void pinBaseline();
    void updateRecentMenu();

    Settings m_settings;
    sim::Scenario m_scenario;
    QString m_scenarioPath; ///< file the scenario came from / was saved to ("" for built-ins)
    QString m_builtinName;  ///< the built-in the scenario came from ("" for files)
    RunOutcomePtr m_lastOutcome;

    ScenarioRunner* m_runner = nullptr;
    ScenarioEditor* m_editor = nullptr;
    QTabWidget* m_tabs = nullptr;
    OverviewPanel* m_overview = nullptr;
    PodsPanel* m_pods = nullptr;
    StagesPanel* m_stages = nullptr;
    ComparePanel* m_compare = nullptr;
    SweepPanel* m_sweep = nullptr;
    LivePanel* m_live = nullptr;
    QComboBox* m_builtins = nullptr;
    QLabel* m_errorBanner = nullptr;
    QLabel* m_staleBanner = nullptr;
    bool m_resultsStale = false;
    QList<StaleOverlay*> m_staleOverlays;
    QLabel* m_runStatus = nullptr;
    QProgressBar* m_progress = nullptr;
    QMenu* m_recentMenu = nullptr;

    QElapsedTimer m_sinceEdit;
    bool m_editPending = false;
    qint64 m_lastEditToChartMs = -1;
};

} // namespace kvroute::app
