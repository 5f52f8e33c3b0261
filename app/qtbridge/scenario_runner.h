#pragma once
// Runs scenarios off the GUI thread. Every request supersedes the previous one: the running
// simulation is told to stop (atomic flag, checked between slices of simulated time) and its
// result, if it still arrives, is dropped. Requests are debounced so that dragging a slider runs
// once when the hand stops, not on every tick. Results arrive by signal on the owner's thread.

#include "app/qtbridge/run_outcome.h"

#include <QtCore/QFutureWatcher>
#include <QtCore/QObject>
#include <QtCore/QTimer>

#include <atomic>
#include <memory>

namespace kvroute::app {

class ScenarioRunner final : public QObject {
    Q_OBJECT

public:
    explicit ScenarioRunner(QObject* parent = nullptr);
    ~ScenarioRunner() override;

    /// Debounce delay between the last request and the start of the run (default 120 ms).
    void setDebounceMs(int ms);

    /// Runs `scenario` after the debounce delay, cancelling whatever runs now.
    void requestRun(const sim::Scenario& scenario);
    /// Runs at once (no debounce), cancelling whatever runs now.
    void runNow(const sim::Scenario& scenario);
    /// Stops the current run and forgets a pending one.
    void cancel();

    [[nodiscard]] bool isBusy() const;
    [[nodiscard]] std::uint64_t generation() const { return m_generation; }

Q_SIGNALS:
    void runStarted(quint64 generation);
    /// Fraction of simulated time done, at most ~20 times a second.
    void progress(double fraction);
    void runFinished(kvroute::app::RunOutcomePtr outcome);
    /// The scenario could not run (message names the key or file at fault).
    void runFailed(const QString& message);

private:
    struct Job;
    void startPending();
    void onJobFinished();

    QTimer m_debounce;
    std::optional<sim::Scenario> m_pending;
    std::shared_ptr<Job> m_job;
    QFutureWatcher<void> m_watcher;
    std::uint64_t m_generation = 0;
};

} // namespace kvroute::app
