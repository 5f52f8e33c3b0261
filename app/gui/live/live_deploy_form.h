#pragma once
// The Live tab's "OpenShift / Kubernetes" target: the editor's scenario rendered as manifests
// (a read-only preview of every file), applied with the user's own `oc` or `kubectl` (progress
// and Cancel), its pods' state refreshed every few seconds while this target is on screen, and
// deleted. The cluster work runs in LiveDeployController, off the GUI thread; cluster errors
// show inline beside the buttons, never in a dialog. The Prometheus that feeds the live charts
// is LiveTargetForm's (the same fields and charts as the "Prometheus URL" target).
// The form is its fields and buttons; detailsView() (progress, manifests, pods) sits below them
// unless the owner shows it elsewhere: LivePanel gives it a tab beside the live charts, so that
// neither has to share the tab's height with the other.

#include "app/qtbridge/live_deploy_controller.h"
#include "sim/scenario/scenario.h"

#include <QtWidgets/QWidget>

#include <functional>

class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace kvroute::app {

class LiveDeployForm final : public QWidget {
    Q_OBJECT

public:
    explicit LiveDeployForm(QWidget* parent = nullptr);

    /// Where Render takes the editor's scenario from.
    void setScenarioProvider(std::function<sim::Scenario()> provider);
    [[nodiscard]] LiveDeployController* controller() const { return m_controller; }
    /// The fields as a request (what every button sends).
    [[nodiscard]] DeployRequest request() const;
    [[nodiscard]] QString ns() const;
    /// The rollout progress, the rendered files and the pod table.
    [[nodiscard]] QWidget* detailsView() const { return m_details; }

    // What the buttons do, callable from tests.
    void renderScenario();
    void applyRendered();
    void cancelOperation();
    void readStatus();
    void deleteRendered();
    void refreshContexts();

    // State, for tests and the screenshot.
    [[nodiscard]] QString errorText() const;
    [[nodiscard]] QString progressText() const;
    [[nodiscard]] QStringList progressLog() const { return m_log; }
    [[nodiscard]] QString statusText() const;

Q_SIGNALS:
    void namespaceChanged(const QString& ns);
    /// A button was pressed whose outcome detailsView() shows.
    void detailsWanted();

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void buildLayout();
    QWidget* buildPreview();
    QWidget* buildStatusView();
    void onRendered(const RenderPreviewPtr& preview);
    void onRenderFailed(const QString& field, const QString& message);
    void onProgress(const QString& line, int done, int total);
    void onOperationFinished(LiveDeployController::Operation operation, bool ok, const QString& message);
    void onStatusRead(const DeployStatusPtr& status);
    void onStatusFailed(const QString& message);
    void onContextsListed(const QStringList& contexts, const QString& current, const QString& tool);
    void showFile(int row);
    void startOperation(const QString& what);
    void showError(const QString& message);
    void clearError();
    void updateButtons();

    std::function<sim::Scenario()> m_scenarioProvider;
    LiveDeployController* m_controller = nullptr;
    RenderPreviewPtr m_preview;
    QStringList m_log; ///< the current operation's progress lines
    QString m_vllmImage;
    QString m_emulatorImage;
    bool m_contextsListedOnce = false;

    QComboBox* m_context = nullptr;
    QLineEdit* m_namespace = nullptr;
    QComboBox* m_target = nullptr;
    QComboBox* m_podsKind = nullptr;
    QLineEdit* m_image = nullptr;
    QLineEdit* m_outDir = nullptr;
    QSpinBox* m_rolloutTimeout = nullptr;
    QPushButton* m_render = nullptr;
    QPushButton* m_apply = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_status = nullptr;
    QPushButton* m_delete = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_progressText = nullptr;
    QLabel* m_error = nullptr;
    QWidget* m_details = nullptr;
    QLabel* m_previewCaption = nullptr;
    QListWidget* m_files = nullptr;
    QPlainTextEdit* m_yaml = nullptr;
    QLabel* m_statusCaption = nullptr;
    QLabel* m_workloads = nullptr;
    QTableWidget* m_pods = nullptr;
};

} // namespace kvroute::app
