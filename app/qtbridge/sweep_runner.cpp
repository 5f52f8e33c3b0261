#include "app/qtbridge/sweep_runner.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QPointer>

namespace kvroute::app {

struct SweepRunner::State {
    std::atomic<bool> cancel{false};
};

SweepRunner::SweepRunner(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<sim::SweepRecord>();
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, [this] {
        const bool cancelled = m_state && m_state->cancel;
        Q_EMIT sweepFinished(cancelled);
    });
}

SweepRunner::~SweepRunner()
{
    cancel();
    m_watcher.waitForFinished();
}

bool SweepRunner::showRecords(std::vector<sim::SweepRecord> records)
{
    if (m_watcher.isRunning())
        return false;
    m_records = std::move(records);
    return true;
}

bool SweepRunner::start(const sim::Scenario& base, const std::vector<sim::SweepParameter>& parameters, int repeats,
                        int jobs)
{
    if (m_watcher.isRunning()) {
        Q_EMIT sweepFailed(tr("A sweep is already running."));
        return false;
    }
    if (auto distinct = sim::checkSweepParameters(parameters, repeats); !distinct) {
        Q_EMIT sweepFailed(QString::fromStdString(distinct.error().toString()));
        return false;
    }
    if (auto distinct = sim::checkSweepValuesDistinct(base, parameters); !distinct) {
        Q_EMIT sweepFailed(QString::fromStdString(distinct.error().toString()));
        return false;
    }
    auto points = sim::expandSweepGrid(parameters, repeats, base.seed);
    if (auto valid = sim::validateSweep(base, points); !valid) {
        Q_EMIT sweepFailed(QString::fromStdString(valid.error().toString()));
        return false;
    }
    m_records.clear();
    m_state = std::make_shared<State>();
    auto state = m_state;
    const int total = static_cast<int>(points.size());
    QPointer<SweepRunner> self(this);
    Q_EMIT progress(0, total);
    m_watcher.setFuture(QtConcurrent::run([base, points = std::move(points), grid = sim::SweepGrid{parameters, repeats}, jobs,
                                           state, self, total] {
        int done = 0;
        sim::runSweep(
            base, points, jobs,
            [&](const sim::SweepOutcome& outcome) {
                ++done;
                if (!outcome.results || outcome.results->cancelled || !self)
                    return;
                // The GUI keeps records in memory and never resumes from them: no base id (which
                // would read the scenario's trace and EPP files) is needed.
                auto record = sim::makeSweepRecord(outcome.point, *outcome.results, outcome.wallSeconds, {}, grid);
                QMetaObject::invokeMethod(
                    self,
                    [self, record, done, total] {
                        SweepRunner* runner = self.data();
                        if (runner == nullptr)
                            return;
                        runner->m_records.push_back(record);
                        Q_EMIT runner->pointFinished(record);
                        Q_EMIT runner->progress(done, total);
                    },
                    Qt::QueuedConnection);
            },
            &state->cancel);
    }));
    return true;
}

void SweepRunner::cancel()
{
    if (m_state)
        m_state->cancel = true;
}

} // namespace kvroute::app
