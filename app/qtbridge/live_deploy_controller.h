#pragma once
// The Live tab's OpenShift / Kubernetes target, driven off the GUI thread: render the editor's
// scenario into a folder (cluster/deploy/render_manifests.h), apply it, read its status and
// delete it with the user's own `oc` or `kubectl` (cluster/deploy/kube_deploy.h), and list the
// kubeconfig's contexts. Every call returns at once; results arrive by signal on the owner's
// thread. Apply, Status and Delete work on the folder as rendered (its .kvroute-render marker
// names the namespace and target), exactly as `kvroute deploy apply|status|delete DIR` does.
//
// Cancel: the GUI is free at once and the operation's result is dropped; its cancel flag stops the
// kubectl command in flight (SIGTERM, then SIGKILL after cluster::kCancelGrace) and refuses the
// steps after it. Apply and Delete stay refused until the job has ended, so two of them never
// race on the cluster. Destroying the controller cancels the operation and waits for it.

#include "cluster/deploy/kube_status.h"
#include "cluster/deploy/render_manifests.h"
#include "sim/scenario/scenario.h"

#include <QtCore/QMetaType>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QThreadPool>
#include <QtCore/QTimer>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace kvroute::app {

/// Where the manifests go and how to reach the cluster, as the form's fields say.
struct DeployRequest {
    QString context;      ///< the kubeconfig context; empty = its current one
    QString ns;           ///< the namespace rendered into
    bool openshift = true; ///< render for OpenShift (a Route; `oc` preferred over `kubectl`)
    QString outDir;       ///< the rendered folder
    QString vllmImage;    ///< used unless emulatorImage is set
    QString emulatorImage; ///< non-empty: `kvroute pod` in this image (CPU-only clusters)
    int rolloutTimeoutSeconds = 300;
};

/// What a render wrote, for the read-only preview.
struct RenderPreview {
    QString dir;
    std::vector<cluster::deploy::RenderedFile> files;
    QStringList notes;
    QString scenarioLabel;
};
using RenderPreviewPtr = std::shared_ptr<const RenderPreview>;
using DeployStatusPtr = std::shared_ptr<const cluster::DeployStatus>;

class LiveDeployController final : public QObject {
    Q_OBJECT

public:
    enum class Operation { Apply, Delete };
    Q_ENUM(Operation)

    static constexpr int kDefaultStatusIntervalMs = 5000;

    explicit LiveDeployController(QObject* parent = nullptr);
    /// Cancels the Apply or Delete in flight and waits for the commands in flight.
    ~LiveDeployController() override;

    /// `config get-contexts -o name` and `config current-context` with the tool the target picks.
    void listContexts(const DeployRequest& request);
    /// Renders `scenario` into request.outDir and reads the files back for the preview.
    void render(const sim::Scenario& scenario, const DeployRequest& request);
    /// Server-side apply of request.outDir, then the rollouts (progress by operationProgress).
    void apply(const DeployRequest& request);
    /// Deletes the objects of request.outDir, waiting up to the rollout timeout.
    void remove(const DeployRequest& request);
    /// Stops the Apply or Delete in flight and its kubectl command (see the header).
    void cancel();

    /// Reads the status now, then every statusIntervalMs while the watch is on and not paused.
    void watchStatus(const DeployRequest& request);
    void stopStatusWatch();
    /// Paused while the target is not on screen: nobody reads the table then.
    void setStatusWatchPaused(bool paused);
    void setStatusIntervalMs(int ms);

    [[nodiscard]] bool operationRunning() const { return m_operation.has_value(); }
    /// Apply/Delete jobs still running, including a cancelled one that is stopping its command.
    [[nodiscard]] bool commandsInFlight() const { return m_operationJobs > 0; }
    [[nodiscard]] bool renderRunning() const { return m_renderRunning; }
    [[nodiscard]] bool statusWatched() const { return m_statusRequest.has_value(); }
    [[nodiscard]] bool statusReading() const { return m_statusReading; }
    /// No job of any kind on the pool (nothing runs kubectl or touches the environment).
    [[nodiscard]] bool idle() const { return m_jobsInFlight == 0; }

Q_SIGNALS:
    /// `tool`: which executable answered, and why it was chosen when that is not obvious.
    void contextsListed(const QStringList& contexts, const QString& current, const QString& tool);
    void contextsFailed(const QString& message);
    void rendered(const kvroute::app::RenderPreviewPtr& preview);
    /// `field`: the option the library named ("--namespace", "--out", ...), empty when none.
    void renderFailed(const QString& field, const QString& message);
    /// `total` 0: no measure of how far (a busy indicator).
    void operationProgress(const QString& line, int done, int total);
    void operationFinished(kvroute::app::LiveDeployController::Operation operation, bool ok, const QString& message);
    void statusRead(const kvroute::app::DeployStatusPtr& status);
    void statusFailed(const QString& message);
    /// Something that enables or disables a button changed.
    void stateChanged();

private:
    template <typename T>
    void runJob(std::function<T()> job, std::function<void(T)> done);
    void startOperation(Operation operation, const DeployRequest& request);
    void readStatusNow();

    QThreadPool m_pool; ///< its own: a rollout wait must not hold up simulations
    std::optional<Operation> m_operation;
    quint64 m_operationGeneration = 0; ///< results of an older (cancelled) operation are dropped
    std::shared_ptr<std::atomic<bool>> m_operationCancel; ///< the running operation's; shared with its job
    int m_operationJobs = 0;
    bool m_renderRunning = false;
    bool m_contextsRunning = false;
    int m_jobsInFlight = 0;

    QTimer m_statusTimer;
    std::optional<DeployRequest> m_statusRequest;
    quint64 m_statusGeneration = 0;
    bool m_statusReading = false;
    bool m_statusPaused = false;
};

} // namespace kvroute::app

Q_DECLARE_METATYPE(kvroute::app::RenderPreviewPtr)
Q_DECLARE_METATYPE(kvroute::app::DeployStatusPtr)
