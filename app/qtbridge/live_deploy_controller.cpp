#include "app/qtbridge/live_deploy_controller.h"

#include "cluster/deploy/kube_deploy.h"

#include <QtCore/QDir>

#include <chrono>
#include <exception>

namespace kvroute::app {

namespace {

using namespace std::chrono_literals;
using cluster::deploy::RenderOptions;
using cluster::deploy::RenderTarget;

QString qs(const std::string& s) { return QString::fromStdString(s); }

/// `config` commands read only the local kubeconfig: they answer at once or not at all.
constexpr auto kConfigCommandTimeout = 10s;

/// Runs `job`, turning an escaping exception into an error: nothing may leave a pool thread.
template <typename T>
T guarded(const std::function<T()>& job)
{
    try {
        return job();
    } catch (const std::exception& e) {
        return T(std::unexpect, Error{std::string("internal error: ") + e.what(), {}});
    } catch (...) {
        return T(std::unexpect, Error{"internal error", {}});
    }
}

/// The rendered folder and the tool to run against it, as `kvroute deploy apply DIR` opens them:
/// the namespace and the target are the marker's (what was rendered is what is applied).
struct Session {
    cluster::RenderedDir dir;
    std::unique_ptr<cluster::KubeCtl> kube;
    std::string toolNote;
};

Result<Session> openSession(const std::string& outDir, const std::string& context, const std::string& pathVariable)
{
    auto dir = cluster::readRenderedDir(outDir);
    if (!dir)
        return std::unexpected(dir.error());
    auto tool = cluster::chooseKubeTool({}, dir->marker.openshift(), pathVariable);
    if (!tool)
        return std::unexpected(tool.error());
    std::string note = tool->note;
    return Session{std::move(*dir), std::make_unique<cluster::KubeCtl>(std::move(*tool), context), std::move(note)};
}

std::int64_t nowEpochSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

/// Read on the GUI thread when a request is made: the job must not call getenv while another
/// thread might change the environment (the tests do, between requests).
std::string pathVariable() { return qEnvironmentVariable("PATH").toStdString(); }

RenderOptions renderOptions(const sim::Scenario& scenario, const DeployRequest& request)
{
    RenderOptions options;
    options.ns = request.ns.trimmed().toStdString();
    options.target = request.openshift ? RenderTarget::OpenShift : RenderTarget::Kubernetes;
    if (!request.vllmImage.trimmed().isEmpty())
        options.vllmImage = request.vllmImage.trimmed().toStdString();
    options.emulatorImage = request.emulatorImage.trimmed().toStdString();
    // The files' header names the command that would render them again.
    options.scenarioArgument = scenario.name;
    return options;
}

struct OperationOutcome {
    QString summary;
};

} // namespace

LiveDeployController::LiveDeployController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<RenderPreviewPtr>();
    qRegisterMetaType<DeployStatusPtr>();
    // An operation, a status read, a render and a context listing can all be under way at once.
    m_pool.setMaxThreadCount(4);
    m_statusTimer.setSingleShot(true);
    m_statusTimer.setInterval(kDefaultStatusIntervalMs);
    connect(&m_statusTimer, &QTimer::timeout, this, [this] {
        if (!m_statusReading)
            readStatusNow();
    });
}

LiveDeployController::~LiveDeployController()
{
    if (m_operationCancel)
        *m_operationCancel = true;
    m_statusTimer.stop();
    m_pool.waitForDone();
}

template <typename T>
void LiveDeployController::runJob(std::function<T()> job, std::function<void(T)> done)
{
    // The destructor waits for the pool, so `this` outlives every job; a result posted after it
    // is gone is dropped with the controller's pending events.
    ++m_jobsInFlight;
    m_pool.start([this, job = std::move(job), done = std::move(done)] {
        T result = guarded(job);
        QMetaObject::invokeMethod(
            this,
            [this, done, result] {
                --m_jobsInFlight;
                done(result);
            },
            Qt::QueuedConnection);
    });
}

void LiveDeployController::listContexts(const DeployRequest& request)
{
    if (m_contextsRunning)
        return;
    m_contextsRunning = true;
    struct Contexts {
        QStringList names;
        QString current;
        QString tool;
    };
    const std::string path = pathVariable();
    const bool openshift = request.openshift;
    runJob<Result<Contexts>>(
        [path, openshift]() -> Result<Contexts> {
            auto tool = cluster::chooseKubeTool({}, openshift, path);
            if (!tool)
                return std::unexpected(tool.error());
            // No --context: these read the kubeconfig itself.
            const cluster::KubeCtl kube(*tool, {});
            const auto list = kube.run({"config", "get-contexts", "-o", "name"}, {}, kConfigCommandTimeout);
            if (!list.ok())
                return fail(tool->name + " config get-contexts failed: " +
                            cluster::quoteToolOutput(list.err.empty() ? list.startError : list.err));
            Contexts out;
            for (const QString& line : qs(list.out).split(QLatin1Char('\n'), Qt::SkipEmptyParts))
                if (!line.trimmed().isEmpty())
                    out.names.append(line.trimmed());
            // Fails when no context is current; that only leaves the field's hint empty.
            const auto current = kube.run({"config", "current-context"}, {}, kConfigCommandTimeout);
            if (current.ok())
                out.current = qs(current.out).trimmed();
            out.tool = qs(tool->name + " (" + tool->path + ")" + (tool->note.empty() ? "" : "; " + tool->note));
            return out;
        },
        [this](Result<Contexts> result) {
            m_contextsRunning = false;
            if (!result)
                Q_EMIT contextsFailed(qs(result.error().toString()));
            else
                Q_EMIT contextsListed(result->names, result->current, result->tool);
        });
}

void LiveDeployController::render(const sim::Scenario& scenario, const DeployRequest& request)
{
    const RenderOptions options = renderOptions(scenario, request);
    if (auto ok = cluster::deploy::checkRenderOptions(options); !ok) {
        Q_EMIT renderFailed(qs(ok.error().where), qs(ok.error().message));
        return;
    }
    const QString dir = request.outDir.trimmed();
    if (dir.isEmpty()) {
        Q_EMIT renderFailed(QStringLiteral("--out"), tr("choose the folder the manifests are written to"));
        return;
    }
    if (m_renderRunning)
        return;
    m_renderRunning = true;
    Q_EMIT stateChanged();
    runJob<Result<RenderPreviewPtr>>(
        [scenario, options, dir]() -> Result<RenderPreviewPtr> {
            auto manifests = cluster::deploy::renderManifests(scenario, options);
            if (!manifests)
                return std::unexpected(manifests.error());
            // force = false: a folder of the user's own files is refused, never overwritten.
            auto written = cluster::deploy::writeManifests(dir.toStdString(), *manifests, options, false);
            if (!written)
                return std::unexpected(written.error());
            auto preview = std::make_shared<RenderPreview>();
            preview->dir = QDir(dir).absolutePath();
            preview->files = std::move(manifests->files);
            for (const auto& note : manifests->notes)
                preview->notes.append(qs(note));
            preview->scenarioLabel = qs(manifests->scenarioLabel);
            return RenderPreviewPtr(preview);
        },
        [this](Result<RenderPreviewPtr> result) {
            m_renderRunning = false;
            if (!result)
                Q_EMIT renderFailed(qs(result.error().where), qs(result.error().message));
            else
                Q_EMIT rendered(*result);
            Q_EMIT stateChanged();
        });
}

void LiveDeployController::apply(const DeployRequest& request) { startOperation(Operation::Apply, request); }

void LiveDeployController::remove(const DeployRequest& request) { startOperation(Operation::Delete, request); }

void LiveDeployController::startOperation(Operation operation, const DeployRequest& request)
{
    if (m_operation || m_operationJobs > 0) {
        Q_EMIT operationFinished(operation, false,
                                 m_operation ? tr("Another apply or delete is running; wait for it or cancel it.")
                                             : tr("The cancelled command is still stopping; try again in a moment."));
        return;
    }
    m_operation = operation;
    ++m_operationJobs;
    const quint64 generation = ++m_operationGeneration;
    const auto cancelFlag = m_operationCancel = std::make_shared<std::atomic<bool>>(false);
    Q_EMIT stateChanged();

    // Called on the pool thread for every line: posted to this thread, dropped once cancelled.
    const auto post = [this, generation](const QString& line, int done, int total) {
        QMetaObject::invokeMethod(
            this,
            [this, generation, line, done, total] {
                if (generation == m_operationGeneration && m_operation)
                    Q_EMIT operationProgress(line, done, total);
            },
            Qt::QueuedConnection);
    };
    const std::string dir = request.outDir.trimmed().toStdString();
    const std::string context = request.context.trimmed().toStdString();
    const std::string path = pathVariable();
    const auto timeout = std::chrono::seconds(std::max(1, request.rolloutTimeoutSeconds));

    std::function<Result<OperationOutcome>()> job;
    if (operation == Operation::Apply) {
        job = [dir, context, path, timeout, post, cancelFlag]() -> Result<OperationOutcome> {
            auto session = openSession(dir, context, path);
            if (!session)
                return std::unexpected(session.error());
            session->kube->setCancel(cancelFlag.get());
            if (!session->toolNote.empty())
                post(qs(session->toolNote), 0, 0);
            const cluster::DeployTarget target{session->dir, *session->kube, session->dir.marker.ns};
            // Steps: access, apply, then one per workload. The library reports them in words
            // only, so a step is counted when its workload's "waiting for" line names it.
            const auto& workloads = session->dir.workloads;
            const int total = 2 + static_cast<int>(workloads.size());
            int done = 0;
            cluster::ApplyOptions options;
            options.timeout = timeout;
            auto report = cluster::applyRendered(target, options, [&](const std::string& line) {
                if (line.starts_with("applying "))
                    done = 1;
                for (std::size_t i = 0; i < workloads.size(); ++i)
                    if (line.starts_with("waiting for " + workloads[i].resource() + " "))
                        done = 2 + static_cast<int>(i);
                post(qs(line), done, total);
            });
            if (!report)
                return std::unexpected(report.error());
            post(tr("all %1 workload(s) ready").arg(report->rolledOut.size()), total, total);
            return OperationOutcome{tr("Applied %1 object(s); %2 workload(s) rolled out.")
                                        .arg(report->applied.size())
                                        .arg(report->rolledOut.size())};
        };
    } else {
        job = [dir, context, path, timeout, post, cancelFlag]() -> Result<OperationOutcome> {
            auto session = openSession(dir, context, path);
            if (!session)
                return std::unexpected(session.error());
            session->kube->setCancel(cancelFlag.get());
            const cluster::DeployTarget target{session->dir, *session->kube, session->dir.marker.ns};
            auto report = cluster::deleteRendered(target, timeout, [&](const std::string& line) { post(qs(line), 0, 0); });
            if (!report)
                return std::unexpected(report.error());
            QString summary = report->deleted.empty() ? tr("Nothing to delete: none of the rendered objects was there.")
                                                      : tr("Deleted %1 object(s).").arg(report->deleted.size());
            for (const auto& note : report->notes)
                summary += QLatin1Char('\n') + qs(note);
            return OperationOutcome{summary};
        };
    }
    runJob<Result<OperationOutcome>>(std::move(job), [this, operation, generation](Result<OperationOutcome> result) {
        --m_operationJobs;
        if (generation == m_operationGeneration && m_operation) {
            m_operation.reset();
            if (result)
                Q_EMIT operationFinished(operation, true, result->summary);
            else
                Q_EMIT operationFinished(operation, false, qs(result.error().toString()));
        }
        Q_EMIT stateChanged();
    });
}

void LiveDeployController::cancel()
{
    if (!m_operation)
        return;
    const Operation operation = *m_operation;
    m_operation.reset();
    ++m_operationGeneration;
    *m_operationCancel = true;
    Q_EMIT operationFinished(operation, false,
                             tr("Cancelled. The kubectl command in flight was stopped; what it had already applied or "
                                "deleted stays so (Status shows it)."));
    Q_EMIT stateChanged();
}

void LiveDeployController::watchStatus(const DeployRequest& request)
{
    m_statusRequest = request;
    ++m_statusGeneration;
    m_statusTimer.stop();
    readStatusNow();
}

void LiveDeployController::stopStatusWatch()
{
    m_statusRequest.reset();
    ++m_statusGeneration;
    m_statusReading = false; // a read in flight belongs to the old generation: its result is dropped
    m_statusTimer.stop();
    Q_EMIT stateChanged();
}

void LiveDeployController::setStatusWatchPaused(bool paused)
{
    if (m_statusPaused == paused)
        return;
    m_statusPaused = paused;
    if (paused)
        m_statusTimer.stop();
    else if (m_statusRequest && !m_statusReading)
        readStatusNow();
}

void LiveDeployController::setStatusIntervalMs(int ms) { m_statusTimer.setInterval(std::max(100, ms)); }

void LiveDeployController::readStatusNow()
{
    if (!m_statusRequest || m_statusPaused)
        return;
    m_statusReading = true;
    Q_EMIT stateChanged();
    const quint64 generation = m_statusGeneration;
    const std::string dir = m_statusRequest->outDir.trimmed().toStdString();
    const std::string context = m_statusRequest->context.trimmed().toStdString();
    const std::string path = pathVariable();
    runJob<Result<DeployStatusPtr>>(
        [dir, context, path]() -> Result<DeployStatusPtr> {
            auto session = openSession(dir, context, path);
            if (!session)
                return std::unexpected(session.error());
            const cluster::DeployTarget target{session->dir, *session->kube, session->dir.marker.ns};
            auto status = cluster::readDeployStatus(target, nowEpochSeconds());
            if (!status)
                return std::unexpected(status.error());
            return DeployStatusPtr(std::make_shared<const cluster::DeployStatus>(std::move(*status)));
        },
        [this, generation](Result<DeployStatusPtr> result) {
            if (generation != m_statusGeneration)
                return; // a read for a folder or context no longer watched (its successor runs)
            m_statusReading = false;
            if (result)
                Q_EMIT statusRead(*result);
            else
                Q_EMIT statusFailed(qs(result.error().toString()));
            // The next read is timed from this one's end: a slow cluster is never asked twice at once.
            if (m_statusRequest && !m_statusPaused)
                m_statusTimer.start();
            Q_EMIT stateChanged();
        });
}

} // namespace kvroute::app
