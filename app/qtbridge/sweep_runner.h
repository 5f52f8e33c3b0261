#pragma once
// Runs a parameter sweep in the background (sim::runSweep on its own threads), reporting each
// finished point and the overall progress by signal; cancellable.

#include "sim/scenario/scenario.h"
#include "sim/sweep/sweep.h"
#include "sim/sweep/sweep_records.h"

#include <QtCore/QFutureWatcher>
#include <QtCore/QMetaType>
#include <QtCore/QObject>

#include <atomic>
#include <memory>
#include <vector>

namespace kvroute::app {

class SweepRunner final : public QObject {
    Q_OBJECT

public:
    explicit SweepRunner(QObject* parent = nullptr);
    ~SweepRunner() override;

    /// Validates the grid, then starts it; false (and sweepFailed) when a point is invalid or
    /// a sweep is already running.
    bool start(const sim::Scenario& base, const std::vector<sim::SweepParameter>& parameters, int repeats, int jobs);
    void cancel();
    [[nodiscard]] bool isRunning() const { return m_watcher.isRunning(); }
    [[nodiscard]] const std::vector<sim::SweepRecord>& records() const { return m_records; }
    /// Takes records read from a results file (a merged sharded sweep, say) as if run here;
    /// false while a sweep runs.
    bool showRecords(std::vector<sim::SweepRecord> records);

Q_SIGNALS:
    void pointFinished(const kvroute::sim::SweepRecord& record);
    void progress(int done, int total);
    void sweepFinished(bool cancelled);
    void sweepFailed(const QString& message);

private:
    struct State;
    std::shared_ptr<State> m_state;
    QFutureWatcher<void> m_watcher;
    std::vector<sim::SweepRecord> m_records;
};

} // namespace kvroute::app

Q_DECLARE_METATYPE(kvroute::sim::SweepRecord)
