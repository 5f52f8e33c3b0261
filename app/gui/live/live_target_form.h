#pragma once
// The Live tab's target chooser: a local stack (start one for the editor's scenario, attach to
// one running, stop it), any Prometheus (URL, bearer-token file, CA file, label selector, the
// label naming a pod), or an OpenShift / Kubernetes cluster (LiveDeployForm below the row: render,
// apply, status, delete; the same Prometheus fields feed its charts, the selector defaulting to
// its namespace), and the window rates are taken over. Checks what it can before asking
// (selector and window syntax) and says what is wrong beside the fields, never in a dialog.

#include "app/qtbridge/live_monitor.h"

#include <QtWidgets/QWidget>

#include <optional>

class QComboBox;
class QDoubleSpinBox;
class QLineEdit;
class QPushButton;
class QStackedWidget;

namespace kvroute::app {

class LiveDeployForm;

class LiveTargetForm final : public QWidget {
    Q_OBJECT

public:
    enum class Mode { LocalStack, Prometheus, OpenShift };

    explicit LiveTargetForm(QWidget* parent = nullptr);

    [[nodiscard]] Mode mode() const;
    void setMode(Mode mode);
    [[nodiscard]] QString stackDir() const;
    void setStackDir(const QString& dir);
    [[nodiscard]] double timeScale() const;
    /// Shows the time scale of the stack attached to (it runs on its own, whatever the field said).
    void setTimeScale(double timeScale);
    [[nodiscard]] QString window() const;
    void setPrometheus(const QString& url, const QString& selector = {}, const QString& podLabel = {});
    /// The OpenShift / Kubernetes target's deploy controls (shown in that mode only).
    [[nodiscard]] LiveDeployForm* deployForm() const { return m_deploy; }
    /// The Prometheus target the fields describe (the Prometheus URL and OpenShift modes share
    /// them), or the reason it is not one.
    [[nodiscard]] Result<LiveTarget> prometheusTarget() const;

    /// Greys what cannot be pressed now: `stackBusy` while a stack starts or stops, `attached`
    /// when a stack is current (Stop and Detach enabled), `polling` when a Prometheus is watched.
    void setState(bool stackBusy, bool attached, bool polling);

Q_SIGNALS:
    void startStackRequested(const QString& dir, double timeScale);
    void attachRequested(const QString& dir);
    void stopStackRequested();
    /// Stop watching the stack; it keeps running.
    void detachRequested();
    void connectRequested();
    void disconnectRequested();
    void modeChanged(kvroute::app::LiveTargetForm::Mode mode);

private:
    QWidget* buildStackPage();
    QWidget* buildPrometheusPage();
    QLineEdit* fileField(const QString& placeholder, QWidget* parent);
    void onModeChanged();
    void followNamespace(const QString& ns);

    QComboBox* m_mode = nullptr;
    QLineEdit* m_window = nullptr;
    QStackedWidget* m_pages = nullptr;
    QLineEdit* m_stackDir = nullptr;
    QDoubleSpinBox* m_timeScale = nullptr;
    QPushButton* m_start = nullptr;
    QPushButton* m_attach = nullptr;
    QPushButton* m_stop = nullptr;
    QLineEdit* m_url = nullptr;
    QLineEdit* m_tokenFile = nullptr;
    QLineEdit* m_caFile = nullptr;
    QLineEdit* m_selector = nullptr;
    QLineEdit* m_podLabel = nullptr;
    QPushButton* m_connect = nullptr;
    LiveDeployForm* m_deploy = nullptr;
    /// The selector last filled in from the namespace: replaced as the namespace changes, until
    /// the user types a selector of their own.
    QString m_namespaceSelector;
    bool m_polling = false;
    bool m_attached = false;
};

} // namespace kvroute::app
