#pragma once
// The Live tab's local stack, driven off the GUI thread: start one for a scenario (stackUp
// blocks for up to a minute while the pods, the gateway and Prometheus come up), attach to one
// already running, stop it, and run the scenario's load through its gateway with progress and
// cancel. Every call returns at once; results arrive by signal on the owner's thread.

#include "cluster/load/load_generator.h"
#include "cluster/stack/stack.h"
#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <QtCore/QFutureWatcher>
#include <QtCore/QMetaType>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QThreadPool>

#include <atomic>
#include <memory>
#include <optional>

namespace kvroute::app {

/// A stack as the GUI sees it: what `stack up` recorded and the scenario its pods run.
struct LiveStack {
    cluster::StackState state;
    sim::Scenario scenario;   ///< the stack's scenario with its overrides
    bool startedHere = false; ///< started from this window (else attached)
};
using LiveStackPtr = std::shared_ptr<const LiveStack>;
using LoadReportPtr = std::shared_ptr<const cluster::LoadReport>;

/// The scenario a stack runs: its built-in name or file, then its --set overrides.
[[nodiscard]] Result<sim::Scenario> loadStackScenario(const cluster::StackState& state);

class LiveStackController final : public QObject {
    Q_OBJECT

public:
    explicit LiveStackController(QObject* parent = nullptr);
    /// Cancels a load and waits for the jobs in flight (a stack start ends within its timeout).
    ~LiveStackController() override;

    /// Where the `kvroute` binary is (pods and the gateway run as `kvroute pod|gateway`).
    void setKvroutePath(const QString& path) { m_kvroutePath = path; }
    [[nodiscard]] QString kvroutePath() const { return m_kvroutePath; }

    /// Starts a stack in `dir` running `scenario` (written there as scenario.yaml, edits and all).
    void startStack(const sim::Scenario& scenario, const QString& dir, double timeScale);
    /// Reads the stack in `dir` (stack.json) and checks that its processes answer.
    void attach(const QString& dir);
    /// Stops the current stack's processes.
    void stopStack();
    /// Forgets the current stack without stopping it.
    void detach();

    /// Runs the stack scenario's load against its gateway on the stack's time scale;
    /// `durationSeconds` (simulated) of arrivals, 0 = the scenario's.
    void runLoad(double durationSeconds);
    void cancelLoad();

    [[nodiscard]] LiveStackPtr stack() const { return m_stack; }
    /// True from the call until its result signal has been emitted (a future that has just
    /// finished is not done yet for the owner: its result is still on the way).
    [[nodiscard]] bool stackBusy() const { return m_stackBusy; }
    [[nodiscard]] bool loadRunning() const { return m_load != nullptr; }

Q_SIGNALS:
    void stackReady(const kvroute::app::LiveStackPtr& stack);
    /// Starting, attaching or stopping failed; `message` says why (and where the logs are).
    void stackFailed(const QString& message);
    void stackStopped();
    /// `unixTime`: when the first request could go out (the time the charts count from).
    void loadStarted(double unixTime, double durationSeconds);
    void loadProgress(double fraction, const QString& label);
    void loadFinished(const kvroute::app::LoadReportPtr& report);
    void loadFailed(const QString& message);

private:
    struct StackJobResult {
        LiveStackPtr stack;
        QString error;
        bool stopped = false;
    };
    struct LoadJob;
    void runStackJob(std::function<StackJobResult()> job);
    void onStackJobFinished();
    void onLoadJobFinished();

    QString m_kvroutePath;
    QThreadPool m_pool; ///< its own: a minute-long stack start must not wait behind simulations
    QFutureWatcher<StackJobResult> m_stackJob;
    QFutureWatcher<void> m_loadJob;
    std::shared_ptr<LoadJob> m_load;
    LiveStackPtr m_stack;
    bool m_stackBusy = false;
};

} // namespace kvroute::app

Q_DECLARE_METATYPE(kvroute::app::LiveStackPtr)
Q_DECLARE_METATYPE(kvroute::app::LoadReportPtr)
