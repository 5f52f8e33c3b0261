#include "app/gui/live/live_deploy_form.h"

#include "app/gui/panels/panel_style.h"

#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtGui/QAction>
#include <QtGui/QFontDatabase>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QListWidget>
#include <QtWidgets/QPlainTextEdit>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QSplitter>
#include <QtWidgets/QStyle>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

namespace kvroute::app {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

const QColor kGood(0x1a, 0x7f, 0x37);
const QColor kBad(0xb3, 0x26, 0x1e);
const QColor kPending(0x9a, 0x67, 0x00);

constexpr int kDetailsMinimumHeight = 150;
constexpr int kStatusMinimumWidth = 510;
constexpr int kPodColumns = 5;

QString defaultOutDir() { return QDir(QDir::tempPath()).filePath(QStringLiteral("kvroute-deploy")); }

/// The library names a bad input by its CLI option; the user here sees fields.
QString fieldName(const QString& where)
{
    if (where == QLatin1String("--namespace"))
        return QObject::tr("Namespace");
    if (where == QLatin1String("--out"))
        return QObject::tr("Folder");
    if (where == QLatin1String("--vllm-image"))
        return QObject::tr("vLLM image");
    if (where == QLatin1String("--emulator"))
        return QObject::tr("Emulator image");
    if (where.isEmpty())
        return {};
    return where.startsWith(QLatin1String("--")) ? where : QObject::tr("Scenario %1").arg(where);
}

QLabel* caption(const QString& text, QWidget* parent)
{
    auto* label = new QLabel(text, parent);
    panel::styleAsCaption(label);
    label->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    return label;
}

} // namespace

LiveDeployForm::LiveDeployForm(QWidget* parent)
    : QWidget(parent)
    , m_vllmImage(qs(std::string(cluster::deploy::kDefaultVllmImage)))
    , m_emulatorImage(qs(std::string(cluster::deploy::kDefaultKvrouteImage)))
{
    m_controller = new LiveDeployController(this);
    buildLayout();

    connect(m_controller, &LiveDeployController::rendered, this, &LiveDeployForm::onRendered);
    connect(m_controller, &LiveDeployController::renderFailed, this, &LiveDeployForm::onRenderFailed);
    connect(m_controller, &LiveDeployController::operationProgress, this, &LiveDeployForm::onProgress);
    connect(m_controller, &LiveDeployController::operationFinished, this, &LiveDeployForm::onOperationFinished);
    connect(m_controller, &LiveDeployController::statusRead, this, &LiveDeployForm::onStatusRead);
    connect(m_controller, &LiveDeployController::statusFailed, this, &LiveDeployForm::onStatusFailed);
    connect(m_controller, &LiveDeployController::contextsListed, this, &LiveDeployForm::onContextsListed);
    connect(m_controller, &LiveDeployController::contextsFailed, this, &LiveDeployForm::showError);
    connect(m_controller, &LiveDeployController::stateChanged, this, &LiveDeployForm::updateButtons);
    updateButtons();
}

void LiveDeployForm::buildLayout()
{
    m_context = new QComboBox(this);
    m_context->setObjectName(QStringLiteral("deployContext"));
    m_context->setEditable(true);
    m_context->setInsertPolicy(QComboBox::NoInsert);
    m_context->setMinimumContentsLength(18);
    m_context->lineEdit()->setPlaceholderText(tr("current context"));
    m_context->setToolTip(tr("The kubeconfig context (--context); empty: the current one. Log in with oc login first."));
    auto* reloadContexts = new QToolButton(this);
    reloadContexts->setObjectName(QStringLiteral("deployReloadContexts"));
    reloadContexts->setIcon(style()->standardIcon(QStyle::SP_BrowserReload));
    reloadContexts->setToolTip(tr("List the kubeconfig's contexts again (config get-contexts)"));
    connect(reloadContexts, &QToolButton::clicked, this, &LiveDeployForm::refreshContexts);

    m_namespace = new QLineEdit(QStringLiteral("llm-d"), this);
    m_namespace->setObjectName(QStringLiteral("deployNamespace"));
    m_namespace->setMaximumWidth(140);
    m_namespace->setToolTip(tr("The namespace the manifests are rendered for and applied to (it must exist: "
                               "oc new-project NS)"));
    connect(m_namespace, &QLineEdit::textChanged, this, [this] { Q_EMIT namespaceChanged(ns()); });

    m_target = new QComboBox(this);
    m_target->setObjectName(QStringLiteral("deployTarget"));
    m_target->addItem(QStringLiteral("openshift"));
    m_target->addItem(QStringLiteral("kubernetes"));
    m_target->setToolTip(tr("openshift adds a Route and runs oc when it is on PATH; kubernetes runs kubectl"));
    connect(m_target, &QComboBox::currentIndexChanged, this, [this] {
        if (isVisible())
            refreshContexts();
    });

    m_podsKind = new QComboBox(this);
    m_podsKind->setObjectName(QStringLiteral("deployPodsKind"));
    m_podsKind->addItem(tr("vLLM image"));
    m_podsKind->addItem(tr("Emulator image (CPU only)"));
    m_podsKind->setToolTip(tr("vLLM on GPUs, or `kvroute pod` emulating the scenario's pods on CPUs "
                              "(deploy/Containerfile builds that image)"));
    m_image = new QLineEdit(m_vllmImage, this);
    m_image->setObjectName(QStringLiteral("deployImage"));
    m_image->setMinimumWidth(160);
    connect(m_podsKind, &QComboBox::currentIndexChanged, this, [this](int index) {
        // Each choice keeps its own image: switching back restores what was typed.
        (index == 0 ? m_emulatorImage : m_vllmImage) = m_image->text();
        m_image->setText(index == 0 ? m_vllmImage : m_emulatorImage);
    });

    m_outDir = new QLineEdit(defaultOutDir(), this);
    m_outDir->setObjectName(QStringLiteral("deployOutDir"));
    m_outDir->setToolTip(tr("Render writes the manifests here; Apply, Status and Delete act on what is here"));
    auto* browse = m_outDir->addAction(style()->standardIcon(QStyle::SP_DirOpenIcon), QLineEdit::TrailingPosition);
    browse->setToolTip(tr("Choose the folder"));
    connect(browse, &QAction::triggered, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Manifests folder"), m_outDir->text());
        if (!dir.isEmpty())
            m_outDir->setText(dir);
    });

    m_rolloutTimeout = new QSpinBox(this);
    m_rolloutTimeout->setObjectName(QStringLiteral("deployRolloutTimeout"));
    m_rolloutTimeout->setRange(10, 3600);
    m_rolloutTimeout->setValue(300);
    m_rolloutTimeout->setSuffix(tr(" s"));
    m_rolloutTimeout->setToolTip(tr("How long Apply waits for all rollouts together (and Delete for the objects to go)"));

    const auto button = [this](const QString& text, const char* name, const QString& tip) {
        auto* b = new QPushButton(text, this);
        b->setObjectName(QLatin1String(name));
        b->setToolTip(tip);
        return b;
    };
    m_render = button(tr("Render"), "deployRender", tr("Write the editor's scenario as manifests into the folder and preview them"));
    m_apply = button(tr("Apply"), "deployApply",
                     tr("Server-side apply of the folder, then wait for the rollouts (kvroute deploy apply)"));
    m_cancel = button(tr("Cancel"), "deployCancel", tr("Stop the running kubectl command (apply or delete)"));
    m_status = button(tr("Status"), "deployStatus", tr("Read the pods now and every few seconds while this target shows"));
    m_delete = button(tr("Delete"), "deployDelete", tr("Delete the folder's objects from the cluster"));
    connect(m_render, &QPushButton::clicked, this, &LiveDeployForm::renderScenario);
    connect(m_apply, &QPushButton::clicked, this, &LiveDeployForm::applyRendered);
    connect(m_cancel, &QPushButton::clicked, this, &LiveDeployForm::cancelOperation);
    connect(m_status, &QPushButton::clicked, this, &LiveDeployForm::readStatus);
    connect(m_delete, &QPushButton::clicked, this, &LiveDeployForm::deleteRendered);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("deployProgress"));
    m_progress->setMaximumWidth(140);
    m_progress->setTextVisible(false);
    m_progress->hide();
    m_progressText = new QLabel(this);
    m_progressText->setObjectName(QStringLiteral("deployProgressText"));
    m_progressText->setTextFormat(Qt::PlainText);
    m_progressText->setStyleSheet(QStringLiteral("color: #555555;"));
    m_progressText->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_progressText->setText(tr("Render the editor's scenario, then Apply it with your oc or kubectl."));

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("deployError"));
    panel::styleAsError(m_error);
    m_error->hide();

    auto* cluster = new QHBoxLayout();
    cluster->addWidget(new QLabel(tr("Context"), this));
    cluster->addWidget(m_context, 2);
    cluster->addWidget(reloadContexts);
    cluster->addSpacing(8);
    cluster->addWidget(new QLabel(tr("Namespace"), this));
    cluster->addWidget(m_namespace, 1);
    cluster->addWidget(m_target);
    cluster->addSpacing(8);
    cluster->addWidget(m_podsKind);
    cluster->addWidget(m_image, 2);

    auto* actions = new QHBoxLayout();
    actions->addWidget(new QLabel(tr("Folder"), this));
    actions->addWidget(m_outDir, 3);
    actions->addWidget(new QLabel(tr("Rollout timeout"), this));
    actions->addWidget(m_rolloutTimeout);
    actions->addSpacing(8);
    for (QPushButton* b : {m_render, m_apply, m_cancel, m_status, m_delete})
        actions->addWidget(b);

    auto* progressRow = new QHBoxLayout();
    progressRow->addWidget(m_progress);
    progressRow->addWidget(m_progressText, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("deploySplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(buildPreview());
    splitter->addWidget(buildStatusView());
    // The pods get the width their five columns need (kStatusMinimumWidth); the manifests, whose
    // lines scroll anyway, get the rest.
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 0);

    m_details = new QWidget(this);
    m_details->setObjectName(QStringLiteral("deployDetails"));
    m_details->setMinimumHeight(kDetailsMinimumHeight);
    auto* details = new QVBoxLayout(m_details);
    details->setContentsMargins(0, 4, 0, 0);
    details->setSpacing(4);
    details->addLayout(progressRow);
    details->addWidget(splitter, 1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(cluster);
    layout->addLayout(actions);
    layout->addWidget(m_error);
    layout->addWidget(m_details, 1);
}

QWidget* LiveDeployForm::buildPreview()
{
    auto* box = new QWidget(this);
    m_previewCaption = caption(tr("Nothing rendered yet."), box);
    m_previewCaption->setObjectName(QStringLiteral("deployPreviewCaption"));
    m_files = new QListWidget(box);
    m_files->setObjectName(QStringLiteral("deployFiles"));
    m_files->setMaximumWidth(190);
    connect(m_files, &QListWidget::currentRowChanged, this, &LiveDeployForm::showFile);
    m_yaml = new QPlainTextEdit(box);
    m_yaml->setObjectName(QStringLiteral("deployYaml"));
    m_yaml->setReadOnly(true);
    m_yaml->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_yaml->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_yaml->setPlaceholderText(tr("Render shows the manifests here (read-only: edit the scenario, not the files)."));

    auto* files = new QHBoxLayout();
    files->setContentsMargins(0, 0, 0, 0);
    files->setSpacing(4);
    files->addWidget(m_files, 1);
    files->addWidget(m_yaml, 3);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 4, 0);
    layout->setSpacing(2);
    layout->addWidget(m_previewCaption);
    layout->addLayout(files, 1);
    return box;
}

QWidget* LiveDeployForm::buildStatusView()
{
    auto* box = new QWidget(this);
    m_statusCaption = caption(tr("Status: press Status (or Apply) to read the pods."), box);
    m_statusCaption->setObjectName(QStringLiteral("deployStatusCaption"));
    m_workloads = new QLabel(box);
    m_workloads->setObjectName(QStringLiteral("deployWorkloads"));
    m_workloads->setTextFormat(Qt::RichText);
    m_workloads->setWordWrap(true);
    m_workloads->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_workloads->hide();
    m_pods = new QTableWidget(box);
    m_pods->setObjectName(QStringLiteral("deployPods"));
    // The workload is the pod name's tooltip: the lines above name the workloads already.
    // kubectl's columns: STATUS is a container's reason (CrashLoopBackOff) when there is one.
    panel::styleTable(m_pods, {tr("Pod"), tr("Status"), tr("Ready"), tr("Restarts"), tr("Age")});
    m_pods->horizontalHeaderItem(1)->setTextAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    // Status takes what is left; the numbers are as wide as their headers.
    for (int column : {2, 3, 4})
        m_pods->horizontalHeader()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    m_pods->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    // Its size hint (the sum of its columns) would take the splitter's width from the manifests.
    m_pods->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Expanding);
    // Five columns of a pod named like a Deployment's (name-hash-suffix) without scrolling.
    box->setMinimumWidth(kStatusMinimumWidth);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_statusCaption);
    layout->addWidget(m_workloads);
    layout->addWidget(m_pods, 1);
    return box;
}

void LiveDeployForm::setScenarioProvider(std::function<sim::Scenario()> provider)
{
    m_scenarioProvider = std::move(provider);
    updateButtons();
}

QString LiveDeployForm::ns() const { return m_namespace->text().trimmed(); }

DeployRequest LiveDeployForm::request() const
{
    DeployRequest r;
    r.context = m_context->currentText().trimmed();
    r.ns = ns();
    r.openshift = m_target->currentIndex() == 0;
    r.outDir = m_outDir->text().trimmed();
    (m_podsKind->currentIndex() == 0 ? r.vllmImage : r.emulatorImage) = m_image->text().trimmed();
    r.rolloutTimeoutSeconds = m_rolloutTimeout->value();
    return r;
}

void LiveDeployForm::renderScenario()
{
    if (!m_scenarioProvider) {
        showError(tr("No scenario to render."));
        return;
    }
    clearError();
    m_progressText->setText(tr("Rendering the editor's scenario into %1…").arg(request().outDir));
    Q_EMIT detailsWanted();
    m_controller->render(m_scenarioProvider(), request());
}

void LiveDeployForm::applyRendered()
{
    startOperation(tr("Applying %1…").arg(request().outDir));
    m_controller->apply(request());
}

void LiveDeployForm::cancelOperation() { m_controller->cancel(); }

void LiveDeployForm::readStatus()
{
    m_statusCaption->setText(tr("Reading the pods…"));
    Q_EMIT detailsWanted();
    m_controller->watchStatus(request());
}

void LiveDeployForm::deleteRendered()
{
    startOperation(tr("Deleting the objects of %1…").arg(request().outDir));
    m_controller->remove(request());
}

void LiveDeployForm::refreshContexts() { m_controller->listContexts(request()); }

void LiveDeployForm::startOperation(const QString& what)
{
    clearError();
    m_log = {what};
    m_progressText->setText(what);
    m_progressText->setToolTip({});
    m_progress->setRange(0, 0);
    m_progress->show();
    Q_EMIT detailsWanted();
}

void LiveDeployForm::onRendered(const RenderPreviewPtr& preview)
{
    m_preview = preview;
    m_previewCaption->setText(tr("%n file(s) in %1", nullptr, static_cast<int>(preview->files.size())).arg(preview->dir) +
                              (preview->notes.isEmpty() ? QString() : tr(" · %n note(s) at the end of the list", nullptr,
                                                                         static_cast<int>(preview->notes.size()))));
    m_files->clear();
    for (const auto& file : preview->files)
        m_files->addItem(qs(file.name));
    if (!preview->notes.isEmpty()) {
        auto* notes = new QListWidgetItem(tr("\u26A0 Notes (%1)").arg(preview->notes.size()), m_files);
        notes->setForeground(kPending);
    }
    m_files->setCurrentRow(0);
    // Every name whole: the YAML beside it scrolls, the names should not.
    m_files->setMinimumWidth(m_files->sizeHintForColumn(0) + 2 * m_files->frameWidth() + 4);
    m_files->setMaximumWidth(m_files->minimumWidth());
    m_progressText->setText(tr("Rendered %1 for namespace %2. Apply sends it to the cluster.")
                                .arg(preview->scenarioLabel, ns()));
}

void LiveDeployForm::onRenderFailed(const QString& field, const QString& message)
{
    const QString name = fieldName(field);
    m_progressText->setText(tr("Render failed."));
    showError(name.isEmpty() ? tr("Render failed: %1").arg(message) : tr("%1: %2").arg(name, message));
}

void LiveDeployForm::showFile(int row)
{
    if (!m_preview || row < 0) {
        m_yaml->clear();
        return;
    }
    const auto index = static_cast<std::size_t>(row);
    if (index < m_preview->files.size())
        m_yaml->setPlainText(qs(m_preview->files[index].text));
    else
        m_yaml->setPlainText(QStringLiteral("# ") + m_preview->notes.join(QStringLiteral("\n\n# ")));
}

void LiveDeployForm::onProgress(const QString& line, int done, int total)
{
    m_log.append(line);
    m_progressText->setText(line.trimmed());
    m_progressText->setToolTip(m_log.join(QLatin1Char('\n')));
    m_progress->setRange(0, total);
    if (total > 0)
        m_progress->setValue(done);
}

void LiveDeployForm::onOperationFinished(LiveDeployController::Operation operation, bool ok, const QString& message)
{
    m_log.append(message);
    m_progressText->setToolTip(m_log.join(QLatin1Char('\n')));
    if (m_progress->maximum() == 0)
        m_progress->setRange(0, 1);
    if (ok) {
        m_progress->setValue(m_progress->maximum());
        m_progressText->setText(message);
        // What was just applied is what the table should show; after a delete it shows it gone.
        m_controller->watchStatus(request());
    } else {
        m_progress->hide();
        m_progressText->setText(operation == LiveDeployController::Operation::Apply ? tr("Apply stopped.")
                                                                                    : tr("Delete stopped."));
        showError(message);
    }
}

void LiveDeployForm::onStatusRead(const DeployStatusPtr& status)
{
    QStringList lines;
    for (const auto& w : status->workloads) {
        const QString name = QStringLiteral("%1/%2").arg(qs(w.kind).toLower(), qs(w.name)).toHtmlEscaped();
        if (!w.found) {
            lines.append(QStringLiteral("<span style='color:%1'>\u25CB %2 not found</span>").arg(kPending.name(), name));
            continue;
        }
        lines.append(tr("<span style='color:%1'>\u25CF %2</span> %3/%4 ready · %5 up to date · %6 available")
                         .arg(w.isReady() ? kGood.name() : kBad.name(), name)
                         .arg(w.ready)
                         .arg(w.desired)
                         .arg(w.updated)
                         .arg(w.available));
    }
    m_workloads->setText(lines.join(QStringLiteral("<br>")));
    m_workloads->setVisible(!lines.isEmpty());

    m_pods->setRowCount(static_cast<int>(status->pods.size()));
    for (int row = 0; row < m_pods->rowCount(); ++row) {
        const auto& pod = status->pods[static_cast<std::size_t>(row)];
        const QString phase = pod.reason.empty() ? qs(pod.phase) : qs(pod.reason);
        const QColor phaseColor = pod.ready() ? kGood : (pod.reason.empty() && pod.phase != "Failed" ? kPending : kBad);
        const auto left = Qt::AlignLeft | Qt::AlignVCenter;
        panel::setCell(m_pods, row, 0, qs(pod.name), left);
        m_pods->item(row, 0)->setToolTip(pod.workload.empty() ? tr("no rendered workload selects this pod")
                                                              : tr("%1, on node %2").arg(qs(pod.workload), qs(pod.node)));
        panel::setCell(m_pods, row, 1, phase, left, phaseColor);
        m_pods->item(row, 1)->setToolTip(tr("phase %1").arg(qs(pod.phase)) +
                                         (pod.reason.empty() ? QString() : tr(", container %1").arg(qs(pod.reason))));
        panel::setCell(m_pods, row, 2, QStringLiteral("%1/%2").arg(pod.readyContainers).arg(pod.containers));
        panel::setCell(m_pods, row, 3, QString::number(pod.restarts), Qt::AlignRight | Qt::AlignVCenter,
                       pod.restarts > 0 ? kBad : QColor());
        panel::setCell(m_pods, row, 4, pod.ageSeconds < 0 ? QStringLiteral("?") : qs(cluster::formatAge(pod.ageSeconds)));
    }
    static_assert(kPodColumns == 5);
    m_statusCaption->setStyleSheet(QStringLiteral("color: #666666;"));
    m_statusCaption->setText(tr("%n pod(s) in %1 · %2, every %3 s while shown", nullptr, m_pods->rowCount())
                                 .arg(status->ns.empty() ? tr("the default namespace") : qs(status->ns),
                                      QDateTime::currentDateTime().toString(QStringLiteral("hh:mm:ss")))
                                 .arg(LiveDeployController::kDefaultStatusIntervalMs / 1000));
}

void LiveDeployForm::onStatusFailed(const QString& message)
{
    m_statusCaption->setStyleSheet(QStringLiteral("color: #8a1c14;"));
    m_statusCaption->setText(tr("Status failed at %1 (retrying): %2")
                                 .arg(QDateTime::currentDateTime().toString(QStringLiteral("hh:mm:ss")), message));
}

void LiveDeployForm::onContextsListed(const QStringList& contexts, const QString& current, const QString& tool)
{
    m_contextsListedOnce = true;
    const QString typed = m_context->currentText();
    m_context->clear();
    m_context->addItems(contexts);
    // Keep what the user chose; empty stays empty (the current context, shown as the hint).
    m_context->setEditText(typed);
    m_context->lineEdit()->setPlaceholderText(current.isEmpty() ? tr("current context") : tr("current: %1").arg(current));
    m_context->setToolTip(tr("The kubeconfig context (--context); empty: the current one. Listed with %1.").arg(tool));
}

QString LiveDeployForm::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

QString LiveDeployForm::progressText() const { return m_progressText->text(); }

QString LiveDeployForm::statusText() const { return m_statusCaption->text(); }

void LiveDeployForm::showError(const QString& message)
{
    m_error->setText(message);
    m_error->show();
}

void LiveDeployForm::clearError()
{
    m_error->clear();
    m_error->hide();
}

void LiveDeployForm::updateButtons()
{
    const bool operation = m_controller->operationRunning();
    const bool blocked = operation || m_controller->commandsInFlight();
    m_render->setEnabled(m_scenarioProvider && !m_controller->renderRunning());
    m_apply->setEnabled(!blocked);
    m_delete->setEnabled(!blocked);
    m_cancel->setEnabled(operation);
    m_outDir->setEnabled(!operation);
}

void LiveDeployForm::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_controller->setStatusWatchPaused(false);
    if (!m_contextsListedOnce)
        refreshContexts();
}

void LiveDeployForm::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_controller->setStatusWatchPaused(true);
}

} // namespace kvroute::app
