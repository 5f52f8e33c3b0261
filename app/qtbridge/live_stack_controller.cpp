#include "app/qtbridge/live_stack_controller.h"

#include "sim/scenario/scenario_yaml.h"

#include <QtConcurrent/QtConcurrentRun>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QPointer>
#include <QtCore/QSaveFile>

#include <exception>
#include <filesystem>

namespace kvroute::app {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

constexpr qint64 kProgressIntervalMs = 100;
constexpr int kMaxInflight = 4096;

/// Runs `job` and turns an escaping exception into an error: nothing may leave a pool thread.
template <typename Fn>
auto guarded(Fn&& job, QString& error) -> decltype(job())
{
    try {
        return job();
    } catch (const std::exception& e) {
        error = QStringLiteral("internal error: ") + QString::fromUtf8(e.what());
    } catch (...) {
        error = QStringLiteral("internal error");
    }
    return {};
}

} // namespace

Result<sim::Scenario> loadStackScenario(const cluster::StackState& state)
{
    const std::string& name = state.scenario;
    const bool looksLikeFile = name.find('/') != std::string::npos || name.ends_with(".yaml") || name.ends_with(".yml");
    Result<sim::Scenario> scenario = (looksLikeFile || std::filesystem::exists(name)) ? sim::loadScenarioFile(name)
                                                                                     : sim::builtinScenario(name);
    if (!scenario)
        return scenario;
    if (auto r = sim::applyOverrides(*scenario, state.overrides); !r)
        return std::unexpected(r.error());
    return scenario;
}

/// One load run in flight: its cancel flag and, once done, its report.
struct LiveStackController::LoadJob {
    std::atomic<bool> cancel{false};
    Result<cluster::LoadReport> result = fail("the load did not run");
    QString error;
};

LiveStackController::LiveStackController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<LiveStackPtr>();
    qRegisterMetaType<LoadReportPtr>();
    // One stack job and one load at a time; the two may overlap (stop while loading).
    m_pool.setMaxThreadCount(2);
    connect(&m_stackJob, &QFutureWatcher<StackJobResult>::finished, this, &LiveStackController::onStackJobFinished);
    connect(&m_loadJob, &QFutureWatcher<void>::finished, this, &LiveStackController::onLoadJobFinished);
}

LiveStackController::~LiveStackController()
{
    cancelLoad();
    m_pool.waitForDone();
}

void LiveStackController::runStackJob(std::function<StackJobResult()> job)
{
    if (m_stackBusy) {
        Q_EMIT stackFailed(tr("The stack is busy starting or stopping; try again when it is done."));
        return;
    }
    m_stackBusy = true;
    m_stackJob.setFuture(QtConcurrent::run(&m_pool, [job = std::move(job)] {
        QString error;
        StackJobResult result = guarded(job, error);
        if (!error.isEmpty())
            result.error = error;
        return result;
    }));
}

void LiveStackController::startStack(const sim::Scenario& scenario, const QString& dir, double timeScale)
{
    const std::string kvroute = m_kvroutePath.toStdString();
    runStackJob([scenario, dir, timeScale, kvroute]() -> StackJobResult {
        if (!std::filesystem::exists(kvroute))
            return {nullptr, tr("The kvroute binary is not at %1: the stack's pods and gateway run as `kvroute pod` "
                                "and `kvroute gateway`. Build it (cmake --build build --target kvroute).")
                                 .arg(qs(kvroute)), false};
        if (!QDir().mkpath(dir))
            return {nullptr, tr("Cannot create the stack folder %1").arg(dir), false};
        // The editor's scenario may be an edited built-in: the pods run exactly what it shows.
        const QString file = QDir(dir).absoluteFilePath(QStringLiteral("scenario.yaml"));
        QSaveFile out(file);
        const QByteArray yaml = QByteArray::fromStdString(sim::toYaml(scenario));
        if (!out.open(QIODevice::WriteOnly) || out.write(yaml) != yaml.size() || !out.commit())
            return {nullptr, tr("Cannot write %1").arg(file), false};
        cluster::StackUpOptions options;
        options.scenario = file.toStdString();
        options.dir = dir.toStdString();
        options.timeScale = timeScale;
        auto state = cluster::stackUp(options, scenario, kvroute);
        if (!state)
            return {nullptr, qs(state.error().toString()), false};
        auto stack = std::make_shared<LiveStack>();
        stack->state = std::move(*state);
        stack->scenario = scenario;
        stack->startedHere = true;
        return {stack, {}, false};
    });
}

void LiveStackController::attach(const QString& dir)
{
    runStackJob([dir]() -> StackJobResult {
        auto state = cluster::stackStatus(dir.toStdString());
        if (!state)
            return {nullptr, qs(state.error().toString()), false};
        QStringList down;
        for (const auto& p : state->processes)
            if (!p.healthy)
                down.append(qs(p.name));
        if (!down.isEmpty())
            return {nullptr,
                    tr("The stack in %1 is not all up: %2 do not answer. Stop it (kvroute stack down --dir %1) and "
                       "start it again.")
                        .arg(dir, down.join(QStringLiteral(", "))),
                    false};
        auto scenario = loadStackScenario(*state);
        if (!scenario)
            return {nullptr, tr("The stack's scenario cannot be loaded: %1").arg(qs(scenario.error().toString())), false};
        auto stack = std::make_shared<LiveStack>();
        stack->state = std::move(*state);
        stack->scenario = std::move(*scenario);
        return {stack, {}, false};
    });
}

void LiveStackController::stopStack()
{
    if (!m_stack)
        return;
    cancelLoad();
    const std::string dir = m_stack->state.dir;
    runStackJob([dir]() -> StackJobResult {
        auto state = cluster::stackDown(dir);
        if (!state)
            return {nullptr, qs(state.error().toString()), false};
        QStringList left;
        for (const auto& p : state->processes)
            if (p.running)
                left.append(QStringLiteral("%1 (pid %2)").arg(qs(p.name)).arg(p.pid));
        if (!left.isEmpty())
            return {nullptr, tr("Still running after stop: %1").arg(left.join(QStringLiteral(", "))), true};
        return {nullptr, {}, true};
    });
}

void LiveStackController::detach()
{
    cancelLoad();
    m_stack.reset();
}

void LiveStackController::onStackJobFinished()
{
    m_stackBusy = false;
    const StackJobResult result = m_stackJob.result();
    if (result.stopped) {
        m_stack.reset();
        Q_EMIT stackStopped();
    }
    if (!result.error.isEmpty()) {
        Q_EMIT stackFailed(result.error);
        return;
    }
    if (result.stack) {
        m_stack = result.stack;
        Q_EMIT stackReady(m_stack);
    }
}

void LiveStackController::runLoad(double durationSeconds)
{
    if (!m_stack) {
        Q_EMIT loadFailed(tr("No stack: start one or attach to one first."));
        return;
    }
    if (m_load) {
        Q_EMIT loadFailed(tr("A load is running already."));
        return;
    }
    auto job = std::make_shared<LoadJob>();
    m_load = job;
    const LiveStackPtr stack = m_stack;
    QPointer<LiveStackController> self(this);
    Q_EMIT loadStarted(static_cast<double>(QDateTime::currentMSecsSinceEpoch()) / 1000.0, durationSeconds);
    m_loadJob.setFuture(QtConcurrent::run(&m_pool, [job, stack, durationSeconds, self] {
        QElapsedTimer throttle;
        throttle.start();
        qint64 lastPost = -kProgressIntervalMs;
        cluster::LoadOptions options;
        options.url = stack->state.gatewayUrl;
        options.timeScale = stack->state.timeScale;
        options.durationSeconds = durationSeconds;
        // The simulator's clients never wait for a free slot: neither may the load it is compared with.
        options.maxInflight = kMaxInflight;
        options.cancel = &job->cancel;
        // Called on this thread, maybe thousands of times a second: posted at most 10 times a
        // second (the last one always, so the bar reaches its end).
        options.progress = [&](double fraction, const std::string& label) {
            const qint64 now = throttle.elapsed();
            if (now - lastPost < kProgressIntervalMs && fraction < 1.0)
                return;
            lastPost = now;
            if (self)
                QMetaObject::invokeMethod(
                    self, [self, fraction, text = qs(label)] { if (self) Q_EMIT self->loadProgress(fraction, text); },
                    Qt::QueuedConnection);
        };
        QString error;
        job->result = guarded([&] { return cluster::runLoad(stack->scenario, options); }, error);
        if (!error.isEmpty())
            job->result = fail(error.toStdString());
    }));
}

void LiveStackController::cancelLoad()
{
    if (m_load)
        m_load->cancel = true;
}

void LiveStackController::onLoadJobFinished()
{
    const auto job = std::exchange(m_load, nullptr);
    if (!job)
        return;
    if (!job->result) {
        Q_EMIT loadFailed(qs(job->result.error().toString()));
        return;
    }
    Q_EMIT loadFinished(std::make_shared<const cluster::LoadReport>(std::move(*job->result)));
}

} // namespace kvroute::app
