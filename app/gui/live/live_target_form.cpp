#include "app/gui/live/live_target_form.h"

#include "app/gui/live/live_deploy_form.h"

#include <QtCore/QDir>
#include <QtGui/QAction>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QStackedWidget>
#include <QtWidgets/QStyle>
#include <QtWidgets/QVBoxLayout>

namespace kvroute::app {

namespace {

QString defaultStackDir() { return QDir(QDir::tempPath()).filePath(QStringLiteral("kvroute-stack")); }

constexpr int kStackPage = 0;
constexpr int kPrometheusPage = 1;
/// OpenShift's user-workload Prometheus scrapes every 30 s: a 30 s window holds one sample at
/// most (docs/LIVE.md "On OpenShift").
const QString kDefaultWindow = QStringLiteral("30s");
const QString kClusterWindow = QStringLiteral("2m");

} // namespace

LiveTargetForm::LiveTargetForm(QWidget* parent) : QWidget(parent)
{
    m_mode = new QComboBox(this);
    m_mode->setObjectName(QStringLiteral("liveTargetMode"));
    m_mode->addItem(tr("Local stack"));
    m_mode->addItem(tr("Prometheus URL"));
    // "K8s", not "Kubernetes": the combo is as wide as its longest item, and the window's minimum
    // width (tst_main_window's 1200 px) has no 23 px to spare for the long form.
    m_mode->addItem(tr("OpenShift / K8s"));
    m_mode->setItemData(2, tr("OpenShift or any Kubernetes cluster, with your oc or kubectl"), Qt::ToolTipRole);
    m_mode->setToolTip(tr("Measure a stack of kvroute pods on this machine, any Prometheus that scrapes vLLM pods, "
                          "or the editor's scenario deployed to a cluster with your oc or kubectl"));

    m_window = new QLineEdit(kDefaultWindow, this);
    m_window->setObjectName(QStringLiteral("liveWindow"));
    m_window->setMaximumWidth(70);
    m_window->setToolTip(tr("The window rates and quantiles are taken over, in wall-clock time (30s, 5m, 1h)"));

    m_pages = new QStackedWidget(this);
    m_pages->addWidget(buildStackPage());
    m_pages->addWidget(buildPrometheusPage());
    m_deploy = new LiveDeployForm(this);
    m_deploy->hide();
    connect(m_deploy, &LiveDeployForm::namespaceChanged, this, &LiveTargetForm::followNamespace);
    connect(m_mode, &QComboBox::currentIndexChanged, this, &LiveTargetForm::onModeChanged);

    auto* top = new QHBoxLayout();
    top->setContentsMargins(0, 0, 0, 0);
    top->addWidget(new QLabel(tr("Target"), this));
    top->addWidget(m_mode);
    top->addSpacing(12);
    top->addWidget(new QLabel(tr("Window"), this));
    top->addWidget(m_window);
    top->addSpacing(12);
    top->addWidget(m_pages, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addLayout(top);
    layout->addWidget(m_deploy);
    onModeChanged();
    setState(false, false, false);
}

void LiveTargetForm::onModeChanged()
{
    const Mode current = mode();
    m_pages->setCurrentIndex(current == Mode::LocalStack ? kStackPage : kPrometheusPage);
    // A stacked widget is as wide as its widest page; only the page shown should count, or the
    // window could not be as narrow as the current target allows.
    for (int page = 0; page < m_pages->count(); ++page)
        m_pages->widget(page)->setSizePolicy(page == m_pages->currentIndex() ? QSizePolicy::Preferred
                                                                            : QSizePolicy::Ignored,
                                             QSizePolicy::Preferred);
    m_deploy->setVisible(current == Mode::OpenShift);
    if (current == Mode::OpenShift) {
        if (m_window->text().trimmed() == kDefaultWindow)
            m_window->setText(kClusterWindow);
        followNamespace(m_deploy->ns());
    }
    Q_EMIT modeChanged(current);
}

void LiveTargetForm::followNamespace(const QString& ns)
{
    const QString typed = m_selector->text().trimmed();
    if (!typed.isEmpty() && typed != m_namespaceSelector)
        return; // the user's own selector
    m_namespaceSelector = ns.isEmpty() ? QString() : QStringLiteral("namespace=%1").arg(ns);
    m_selector->setText(m_namespaceSelector);
}

QWidget* LiveTargetForm::buildStackPage()
{
    auto* page = new QWidget(this);
    m_stackDir = new QLineEdit(defaultStackDir(), page);
    m_stackDir->setObjectName(QStringLiteral("liveStackDir"));
    m_stackDir->setToolTip(tr("The stack's folder: stack.json, the processes' logs, Prometheus' data"));
    auto* browse = m_stackDir->addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), QLineEdit::TrailingPosition);
    browse->setToolTip(tr("Choose the folder"));
    connect(browse, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Stack folder"), m_stackDir->text());
        if (!dir.isEmpty())
            m_stackDir->setText(dir);
    });

    m_timeScale = new QDoubleSpinBox(page);
    m_timeScale->setObjectName(QStringLiteral("liveTimeScale"));
    m_timeScale->setRange(0.01, 10.0);
    m_timeScale->setDecimals(2);
    m_timeScale->setSingleStep(0.05);
    m_timeScale->setValue(0.1);
    m_timeScale->setToolTip(tr("Wall-clock seconds per simulated second for a stack started here: 0.1 runs the "
                               "pods ten times faster than real GPUs would"));

    m_start = new QPushButton(tr("Start stack"), page);
    m_start->setObjectName(QStringLiteral("liveStartStack"));
    m_start->setToolTip(tr("Start pods, a gateway and Prometheus for the scenario in the editor (takes a few seconds)"));
    m_attach = new QPushButton(tr("Attach"), page);
    m_attach->setObjectName(QStringLiteral("liveAttachStack"));
    m_attach->setToolTip(tr("Watch a stack already running in this folder (kvroute stack up --dir …)"));
    m_stop = new QPushButton(tr("Stop stack"), page);
    m_stop->setObjectName(QStringLiteral("liveStopStack"));
    m_stop->setToolTip(tr("Stop the stack's processes (a stack keeps running after kvroute-gui quits otherwise)"));
    connect(m_start, &QPushButton::clicked, this, [this] { Q_EMIT startStackRequested(stackDir(), timeScale()); });
    connect(m_attach, &QPushButton::clicked, this, [this] {
        if (m_attached)
            Q_EMIT detachRequested();
        else
            Q_EMIT attachRequested(stackDir());
    });
    connect(m_stop, &QPushButton::clicked, this, &LiveTargetForm::stopStackRequested);

    auto* row = new QHBoxLayout(page);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(new QLabel(tr("Folder"), page));
    row->addWidget(m_stackDir, 1);
    row->addWidget(new QLabel(tr("Time scale"), page));
    row->addWidget(m_timeScale);
    row->addWidget(m_start);
    row->addWidget(m_attach);
    row->addWidget(m_stop);
    return page;
}

QLineEdit* LiveTargetForm::fileField(const QString& placeholder, QWidget* parent)
{
    auto* field = new QLineEdit(parent);
    field->setPlaceholderText(placeholder);
    auto* browse = field->addAction(style()->standardIcon(QStyle::SP_FileIcon), QLineEdit::TrailingPosition);
    browse->setToolTip(tr("Choose the file"));
    connect(browse, &QAction::triggered, this, [this, field] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Choose a file"), field->text());
        if (!file.isEmpty())
            field->setText(file);
    });
    return field;
}

QWidget* LiveTargetForm::buildPrometheusPage()
{
    auto* page = new QWidget(this);
    m_url = new QLineEdit(QStringLiteral("http://127.0.0.1:9090"), page);
    m_url->setObjectName(QStringLiteral("livePrometheusUrl"));
    m_url->setToolTip(tr("Prometheus or Thanos querier base URL"));
    m_tokenFile = fileField(tr("bearer token file (optional)"), page);
    m_tokenFile->setObjectName(QStringLiteral("liveTokenFile"));
    m_tokenFile->setToolTip(tr("A file holding the bearer token (e.g. `oc whoami -t > token`); read on every request"));
    m_caFile = fileField(tr("CA file (optional)"), page);
    m_caFile->setObjectName(QStringLiteral("liveCaFile"));
    m_selector = new QLineEdit(page);
    m_selector->setObjectName(QStringLiteral("liveSelector"));
    m_selector->setPlaceholderText(tr("label selector, e.g. namespace=llm-d"));
    m_selector->setToolTip(tr("Which pods' series to read: namespace=llm-d,model_name=\"Qwen/Qwen3-0.6B\""));
    m_podLabel = new QLineEdit(QStringLiteral("pod"), page);
    m_podLabel->setObjectName(QStringLiteral("livePodLabel"));
    m_podLabel->setMaximumWidth(80);
    m_podLabel->setToolTip(tr("The label that names a pod"));
    m_connect = new QPushButton(tr("Connect"), page);
    m_connect->setObjectName(QStringLiteral("liveConnect"));
    connect(m_connect, &QPushButton::clicked, this, [this] {
        if (m_polling)
            Q_EMIT disconnectRequested();
        else
            Q_EMIT connectRequested();
    });

    auto* first = new QHBoxLayout();
    first->addWidget(new QLabel(tr("URL"), page));
    first->addWidget(m_url, 2);
    first->addWidget(m_tokenFile, 1);
    first->addWidget(m_caFile, 1);
    auto* second = new QHBoxLayout();
    second->addWidget(new QLabel(tr("Selector"), page));
    second->addWidget(m_selector, 2);
    second->addWidget(new QLabel(tr("Pod label"), page));
    second->addWidget(m_podLabel);
    second->addWidget(m_connect);
    auto* layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(first);
    layout->addLayout(second);
    return page;
}

LiveTargetForm::Mode LiveTargetForm::mode() const
{
    switch (m_mode->currentIndex()) {
    case 0:
        return Mode::LocalStack;
    case 1:
        return Mode::Prometheus;
    default:
        return Mode::OpenShift;
    }
}

void LiveTargetForm::setMode(Mode mode)
{
    m_mode->setCurrentIndex(mode == Mode::LocalStack ? 0 : mode == Mode::Prometheus ? 1 : 2);
}

QString LiveTargetForm::stackDir() const { return m_stackDir->text().trimmed(); }

void LiveTargetForm::setStackDir(const QString& dir) { m_stackDir->setText(dir); }

double LiveTargetForm::timeScale() const { return m_timeScale->value(); }

void LiveTargetForm::setTimeScale(double timeScale) { m_timeScale->setValue(timeScale); }

QString LiveTargetForm::window() const { return m_window->text().trimmed(); }

void LiveTargetForm::setPrometheus(const QString& url, const QString& selector, const QString& podLabel)
{
    m_url->setText(url);
    m_selector->setText(selector);
    if (!podLabel.isEmpty())
        m_podLabel->setText(podLabel);
}

Result<LiveTarget> LiveTargetForm::prometheusTarget() const
{
    LiveTarget target;
    target.endpoint.url = m_url->text().trimmed().toStdString();
    if (target.endpoint.url.empty())
        return fail("enter the Prometheus URL (e.g. http://127.0.0.1:9090)");
    target.endpoint.tokenFile = m_tokenFile->text().trimmed().toStdString();
    target.endpoint.caFile = m_caFile->text().trimmed().toStdString();
    auto selector = cluster::parseSelector(m_selector->text().trimmed().toStdString());
    if (!selector)
        return std::unexpected(selector.error());
    target.selector = std::move(*selector);
    if (const QString label = m_podLabel->text().trimmed(); !label.isEmpty())
        target.selector.podLabel = label.toStdString();
    auto checkedWindow = cluster::checkWindow(window().toStdString());
    if (!checkedWindow)
        return std::unexpected(checkedWindow.error());
    target.window = *checkedWindow;
    return target;
}

void LiveTargetForm::setState(bool stackBusy, bool attached, bool polling)
{
    m_polling = polling;
    m_attached = attached;
    m_start->setEnabled(!stackBusy && !attached);
    m_attach->setEnabled(!stackBusy);
    m_attach->setText(attached ? tr("Detach") : tr("Attach"));
    m_stop->setEnabled(!stackBusy && attached);
    m_stackDir->setEnabled(!stackBusy && !attached);
    m_timeScale->setEnabled(!stackBusy && !attached);
    m_mode->setEnabled(!stackBusy && !attached && !polling);
    m_connect->setText(polling ? tr("Disconnect") : tr("Connect"));
}

} // namespace kvroute::app
