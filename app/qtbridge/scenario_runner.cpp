#include "app/qtbridge/scenario_runner.h"

#include "sim/fleet/cluster_run.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QElapsedTimer>
#include <QtCore/QPointer>

#include <exception>

namespace kvroute::app {

/// One run in flight: its inputs, its cancel flag and, once done, its outcome.
struct ScenarioRunner::Job {
    sim::Scenario scenario;
    std::uint64_t generation = 0;
    std::atomic<bool> cancel{false};
    std::atomic<qint64> lastProgressMs{0};
    RunOutcomePtr outcome;
    QString error;
};

ScenarioRunner::ScenarioRunner(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<RunOutcomePtr>();
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(120);
    connect(&m_debounce, &QTimer::timeout, this, &ScenarioRunner::startPending);
    connect(&m_watcher, &QFutureWatcher<void>::finished, this, &ScenarioRunner::onJobFinished);
}

ScenarioRunner::~ScenarioRunner()
{
    cancel();
    m_watcher.waitForFinished();
}

void ScenarioRunner::setDebounceMs(int ms) { m_debounce.setInterval(ms); }

void ScenarioRunner::requestRun(const sim::Scenario& scenario)
{
    m_pending = scenario;
    if (m_job)
        m_job->cancel = true;
    m_debounce.start();
}

void ScenarioRunner::runNow(const sim::Scenario& scenario)
{
    m_pending = scenario;
    if (m_job)
        m_job->cancel = true;
    m_debounce.stop();
    startPending();
}

void ScenarioRunner::cancel()
{
    m_debounce.stop();
    m_pending.reset();
    if (m_job)
        m_job->cancel = true;
}

bool ScenarioRunner::isBusy() const { return m_job != nullptr || m_pending.has_value(); }

void ScenarioRunner::startPending()
{
    if (!m_pending)
        return;
    if (m_watcher.isRunning())
        return; // the cancelled job is winding down; onJobFinished starts the pending one
    auto job = std::make_shared<Job>();
    job->scenario = std::move(*m_pending);
    m_pending.reset();
    job->generation = ++m_generation;
    m_job = job;
    Q_EMIT runStarted(job->generation);

    QPointer<ScenarioRunner> self(this);
    m_watcher.setFuture(QtConcurrent::run([job, self] {
        QElapsedTimer clock;
        clock.start();
        sim::RunControl control;
        control.cancel = &job->cancel;
        control.progress = [job, self, &clock](double fraction) {
            const qint64 now = clock.elapsed();
            if (now - job->lastProgressMs.load() < 50)
                return;
            job->lastProgressMs = now;
            if (self)
                QMetaObject::invokeMethod(self, [self, fraction] { if (self) Q_EMIT self->progress(fraction); },
                                          Qt::QueuedConnection);
        };
        // An exception must not escape into the thread pool (and from there terminate the app).
        try {
            auto results = sim::runScenario(job->scenario, control);
            if (!results) {
                job->error = QString::fromStdString(results.error().toString());
                return;
            }
            auto outcome = std::make_shared<RunOutcome>();
            outcome->scenario = job->scenario;
            outcome->results = std::move(*results);
            outcome->wallSeconds = static_cast<double>(clock.nsecsElapsed()) * 1e-9;
            outcome->generation = job->generation;
            job->outcome = std::move(outcome);
        } catch (const std::exception& e) {
            job->error = QStringLiteral("internal error: ") + QString::fromUtf8(e.what());
        }
    }));
}

void ScenarioRunner::onJobFinished()
{
    const auto job = std::exchange(m_job, nullptr);
    if (job && !job->cancel && job->generation == m_generation) {
        if (job->outcome && !job->outcome->results.cancelled)
            Q_EMIT runFinished(job->outcome);
        else if (!job->error.isEmpty())
            Q_EMIT runFailed(job->error);
    }
    if (m_pending && !m_debounce.isActive())
        startPending();
}

} // namespace kvroute::app
