#pragma once
// The Live tab: a real cluster's prefix-cache hit rate, stickiness and TTFT, measured by
// Prometheus, beside the simulation of the same scenario. The target is a local stack (started
// here for the editor's scenario, or attached to) or any Prometheus. Polling, stack start/stop
// and load all run off the GUI thread (app/qtbridge); this widget only composes and draws.
// Network trouble shows inline and the tab keeps retrying; it never opens a dialog for it.

#include "app/qtbridge/live_comparison.h"
#include "app/qtbridge/live_monitor.h"
#include "app/qtbridge/live_stack_controller.h"
#include "app/qtbridge/run_outcome.h"
#include "sim/scenario/scenario.h"

#include <QtWidgets/QWidget>

#include <functional>

class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTabWidget;

namespace kvroute::app {

class LiveChartsView;
class LiveTargetForm;
class ScenarioRunner;

class LivePanel final : public QWidget {
    Q_OBJECT

public:
    explicit LivePanel(QWidget* parent = nullptr);
    ~LivePanel() override;

    /// Where the editor's scenario comes from (for a stack started here, and the simulation
    /// beside a Prometheus URL).
    void setScenarioProvider(std::function<sim::Scenario()> provider);
    /// The main window's latest run of the editor's scenario: the simulation shown beside a
    /// Prometheus URL (a stack's simulation runs its own scenario here).
    void showEditorOutcome(const RunOutcomePtr& outcome);
    /// The `kvroute` binary a stack started here runs (default: next to this program).
    void setKvroutePath(const QString& path);

    // What the buttons do, callable from tests and the screenshot mode.
    void startStack(const QString& dir, double timeScale);
    void attachStack(const QString& dir);
    void stopStack();
    void detachStack();
    /// Watches the Prometheus at `url`; false (and the reason shown) if the fields are invalid.
    bool connectPrometheus(const QString& url, const QString& selector = {}, const QString& podLabel = {});
    void disconnectPrometheus();
    /// Runs the stack scenario's load, `durationSeconds` simulated seconds of arrivals (0: the
    /// scenario's duration).
    void runLoad(double durationSeconds);
    void cancelLoad();
    /// Writes live_hit_rate.csv, live_pods.csv and live_figures.csv into `dir`.
    bool exportCsv(const QString& dir);
    /// The cards and charts as a PNG.
    bool exportPng(const QString& path);

    // State, for tests and the screenshot mode.
    [[nodiscard]] QString connectionText() const;
    [[nodiscard]] QString errorText() const;
    [[nodiscard]] QString loadText() const;
    [[nodiscard]] bool isConnected() const;
    [[nodiscard]] bool loadRunning() const;
    [[nodiscard]] const LiveComparison& comparison() const { return m_comparison; }
    [[nodiscard]] LiveChartsView* charts() const { return m_charts; }
    [[nodiscard]] LiveMonitor* monitor() const { return m_monitor; }
    [[nodiscard]] LiveStackController* stackController() const { return m_stack; }
    /// The stack the tab watches (started here or attached), null when none.
    [[nodiscard]] LiveStackPtr watchedStack() const { return m_watchedStack; }
    /// How many pods the watched stack runs: its pod processes as recorded (the scenario's
    /// cluster.pods when none are); 0 when no stack is watched.
    [[nodiscard]] int watchedStackPods() const;

Q_SIGNALS:
    /// The view shows a live refresh and a simulation of the same target (once per target).
    void liveViewReady();
    /// An error is shown inline (stack, load or Prometheus); `fatal` when nothing will retry it
    /// (a stack that would not start or attach).
    void liveErrorShown(const QString& message, bool fatal);
    /// A stack is watched now, or no longer (stopped or detached): watchedStack() changed.
    void watchedStackChanged();

private:
    void buildLayout();
    void onModeChanged();
    void onStackReady(const LiveStackPtr& stack);
    void onRefreshed(const LiveRefreshPtr& refresh);
    void onPollFailed(const QString& message);
    void onSimulated(const RunOutcomePtr& outcome);
    void onLoadStarted(double unixTime, double durationSeconds);
    void onLoadFinished(const LoadReportPtr& report);
    void watch(const LiveTarget& target, double timeScale);
    void simulate(sim::Scenario scenario);
    void showError(const QString& message, bool fatal = false);
    void clearError();
    void redraw();
    void updateState();
    void maybeReady();
    [[nodiscard]] QString windowText() const;

    std::function<sim::Scenario()> m_scenarioProvider;
    LiveMonitor* m_monitor = nullptr;
    LiveStackController* m_stack = nullptr;
    ScenarioRunner* m_runner = nullptr;
    LiveComparison m_comparison;
    RunOutcomePtr m_editorOutcome;
    LiveStackPtr m_watchedStack;
    bool m_watchingPrometheusUrl = false; ///< the target is a Prometheus URL (else a stack or nothing)
    bool m_readyEmitted = false;
    bool m_errorIsPoll = false; ///< the error shown is a failed poll (cleared by the next refresh)
    QString m_stackMessage;     ///< "starting a stack in …", "stack stopped", ...

    LiveTargetForm* m_form = nullptr;
    QLabel* m_state = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_notes = nullptr;
    QDoubleSpinBox* m_loadDuration = nullptr;
    QPushButton* m_runLoad = nullptr;
    QPushButton* m_cancelLoad = nullptr;
    QProgressBar* m_loadProgress = nullptr;
    QLabel* m_loadStatus = nullptr;
    QPushButton* m_exportPng = nullptr;
    QPushButton* m_exportCsv = nullptr;
    LiveChartsView* m_charts = nullptr;
    /// The charts, and for the OpenShift target the deployment's progress, manifests and pods
    /// in a tab beside them (each needs the height; the tab bar hides with one tab).
    QTabWidget* m_views = nullptr;
    QWidget* m_deployDetails = nullptr;
};

} // namespace kvroute::app
