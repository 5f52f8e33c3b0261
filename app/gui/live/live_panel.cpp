#include "app/gui/live/live_panel.h"

#include "app/gui/live/live_charts_view.h"
#include "app/gui/live/live_deploy_form.h"
#include "app/gui/live/live_target_form.h"
#include "app/gui/panels/panel_style.h"
#include "app/qtbridge/scenario_runner.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QDateTime>
#include <QtCore/QDir>
#include <QtCore/QSaveFile>
#include <QtWidgets/QDoubleSpinBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <exception>

namespace kvroute::app {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

constexpr double kMsPerSecond = 1000.0;

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit();
}

/// The stack's Prometheus labels each pod target with `pod` = the pod's name: the default
/// selector (no matchers, pods by `pod`) reads exactly the stack's pods.
LiveTarget stackTarget(const cluster::StackState& state, const std::string& window)
{
    LiveTarget target;
    target.endpoint.url = state.prometheusUrl;
    target.window = window;
    return target;
}

} // namespace

LivePanel::LivePanel(QWidget* parent) : QWidget(parent)
{
    m_monitor = new LiveMonitor(this);
    m_stack = new LiveStackController(this);
    m_stack->setKvroutePath(QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("kvroute")));
    m_runner = new ScenarioRunner(this);
    m_runner->setDebounceMs(0);
    buildLayout();

    connect(m_form, &LiveTargetForm::startStackRequested, this, &LivePanel::startStack);
    connect(m_form, &LiveTargetForm::attachRequested, this, &LivePanel::attachStack);
    connect(m_form, &LiveTargetForm::stopStackRequested, this, &LivePanel::stopStack);
    connect(m_form, &LiveTargetForm::detachRequested, this, &LivePanel::detachStack);
    connect(m_form, &LiveTargetForm::connectRequested, this, [this] { connectPrometheus({}); });
    connect(m_form, &LiveTargetForm::disconnectRequested, this, &LivePanel::disconnectPrometheus);
    connect(m_form, &LiveTargetForm::modeChanged, this, &LivePanel::onModeChanged);
    connect(m_form->deployForm(), &LiveDeployForm::detailsWanted, this, [this] {
        if (const int index = m_views->indexOf(m_deployDetails); index >= 0)
            m_views->setCurrentIndex(index);
    });

    connect(m_monitor, &LiveMonitor::refreshed, this, &LivePanel::onRefreshed);
    connect(m_monitor, &LiveMonitor::pollFailed, this, &LivePanel::onPollFailed);
    connect(m_monitor, &LiveMonitor::historyFetched, this, [this](const QList<QPointF>& points) {
        m_comparison.addHistory(points);
        redraw();
    });

    connect(m_stack, &LiveStackController::stackReady, this, &LivePanel::onStackReady);
    connect(m_stack, &LiveStackController::stackFailed, this, [this](const QString& message) {
        m_stackMessage.clear();
        showError(message, !m_stack->stack());
        updateState();
    });
    connect(m_stack, &LiveStackController::stackStopped, this, [this] {
        m_monitor->stop();
        m_stackMessage = tr("Stack stopped.");
        m_watchedStack.reset();
        updateState();
        Q_EMIT watchedStackChanged();
    });
    connect(m_stack, &LiveStackController::loadStarted, this, &LivePanel::onLoadStarted);
    connect(m_stack, &LiveStackController::loadProgress, this, [this](double fraction, const QString& label) {
        m_loadProgress->setValue(static_cast<int>(fraction * 100.0));
        m_loadStatus->setText(label);
    });
    connect(m_stack, &LiveStackController::loadFinished, this, &LivePanel::onLoadFinished);
    connect(m_stack, &LiveStackController::loadFailed, this, [this](const QString& message) {
        m_loadStatus->setText(tr("Load failed."));
        showError(tr("The load failed: %1").arg(message));
        updateState();
    });

    connect(m_runner, &ScenarioRunner::runFinished, this, &LivePanel::onSimulated);
    connect(m_runner, &ScenarioRunner::runFailed, this,
            [this](const QString& message) { showError(tr("The simulation failed: %1").arg(message)); });
    updateState();
}

// Members stop in reverse order: the runner, the stack controller (a load is cancelled) and
// the monitor (its poll ends within a query timeout) each wait for their own work.
LivePanel::~LivePanel() = default;

void LivePanel::buildLayout()
{
    m_form = new LiveTargetForm(this);

    m_state = new QLabel(this);
    // "liveNote": the tab's word-wrapped note (tst_layout_fit checks it is never cut off).
    m_state->setObjectName(QStringLiteral("liveNote"));
    m_state->setTextFormat(Qt::PlainText);
    m_state->setWordWrap(true);
    m_state->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_state->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("liveError"));
    panel::styleAsError(m_error);
    m_error->hide();

    m_notes = new QLabel(this);
    m_notes->setObjectName(QStringLiteral("liveNotes"));
    panel::styleAsWarning(m_notes);

    m_loadDuration = new QDoubleSpinBox(this);
    m_loadDuration->setObjectName(QStringLiteral("liveLoadDuration"));
    m_loadDuration->setRange(0.0, 86400.0);
    m_loadDuration->setDecimals(0);
    m_loadDuration->setValue(60.0);
    m_loadDuration->setSuffix(tr(" s"));
    m_loadDuration->setSpecialValueText(tr("scenario's"));
    m_loadDuration->setToolTip(tr("Simulated seconds of arrivals; the scenario's own duration at 0"));
    m_runLoad = new QPushButton(tr("Run load"), this);
    m_runLoad->setObjectName(QStringLiteral("liveRunLoad"));
    m_runLoad->setToolTip(tr("Replay the stack scenario's workload through its gateway on the stack's time scale; "
                             "the simulation restarts with the same arrivals, its time 0 at the load's start"));
    m_cancelLoad = new QPushButton(tr("Cancel"), this);
    m_cancelLoad->setObjectName(QStringLiteral("liveCancelLoad"));
    m_loadProgress = new QProgressBar(this);
    m_loadProgress->setRange(0, 100);
    m_loadProgress->setMaximumWidth(160);
    m_loadStatus = new QLabel(this);
    m_loadStatus->setObjectName(QStringLiteral("liveLoadStatus"));
    m_loadStatus->setStyleSheet(QStringLiteral("color: #555555;"));
    m_loadStatus->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    connect(m_runLoad, &QPushButton::clicked, this, [this] { runLoad(m_loadDuration->value()); });
    connect(m_cancelLoad, &QPushButton::clicked, this, &LivePanel::cancelLoad);

    m_exportPng = new QPushButton(tr("Export PNG…"), this);
    m_exportCsv = new QPushButton(tr("Export CSV…"), this);
    connect(m_exportPng, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the live charts"), QString(),
                                                          tr("PNG images (*.png)"));
        if (!path.isEmpty() && !exportPng(path))
            showError(tr("Could not write %1").arg(path));
    });
    connect(m_exportCsv, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Export the live series into"));
        if (!dir.isEmpty() && !exportCsv(dir))
            showError(tr("Could not write the CSV files into %1").arg(dir));
    });

    auto* loadRow = new QHBoxLayout();
    loadRow->addWidget(new QLabel(tr("Load"), this));
    loadRow->addWidget(m_loadDuration);
    loadRow->addWidget(m_runLoad);
    loadRow->addWidget(m_cancelLoad);
    loadRow->addWidget(m_loadProgress);
    loadRow->addWidget(m_loadStatus, 1);
    loadRow->addWidget(m_exportPng);
    loadRow->addWidget(m_exportCsv);

    m_charts = new LiveChartsView(this);
    m_views = new QTabWidget(this);
    m_views->setObjectName(QStringLiteral("liveViews"));
    m_views->setDocumentMode(true);
    m_views->setTabBarAutoHide(true);
    m_views->addTab(m_charts, tr("Live charts"));
    // Out of the form (it would stack above the charts); a tab while the target is OpenShift.
    m_deployDetails = m_form->deployForm()->detailsView();
    m_deployDetails->setParent(m_views);
    m_deployDetails->hide();

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    layout->addWidget(m_form);
    layout->addLayout(loadRow);
    layout->addWidget(m_state);
    layout->addWidget(m_error);
    layout->addWidget(m_notes);
    layout->addWidget(m_views, 1);
}

void LivePanel::onModeChanged()
{
    const bool cluster = m_form->mode() == LiveTargetForm::Mode::OpenShift;
    const int index = m_views->indexOf(m_deployDetails);
    if (cluster && index < 0)
        m_views->setCurrentIndex(m_views->insertTab(0, m_deployDetails, tr("Manifests && pods")));
    else if (!cluster && index >= 0)
        m_views->removeTab(index);
    updateState();
}

void LivePanel::setScenarioProvider(std::function<sim::Scenario()> provider)
{
    m_form->deployForm()->setScenarioProvider(provider);
    m_scenarioProvider = std::move(provider);
}

void LivePanel::setKvroutePath(const QString& path) { m_stack->setKvroutePath(path); }

void LivePanel::showEditorOutcome(const RunOutcomePtr& outcome)
{
    m_editorOutcome = outcome;
    if (m_watchingPrometheusUrl && outcome) {
        m_comparison.setSimulation(std::shared_ptr<const sim::RunResults>(outcome, &outcome->results));
        redraw();
        maybeReady();
    }
}

void LivePanel::startStack(const QString& dir, double timeScale)
{
    if (!m_scenarioProvider) {
        showError(tr("No scenario to start a stack for."), true);
        return;
    }
    clearError();
    disconnectPrometheus();
    m_stackMessage = tr("Starting a stack in %1 (pods, gateway, Prometheus)…").arg(dir);
    m_stack->startStack(m_scenarioProvider(), dir, timeScale);
    updateState();
}

void LivePanel::attachStack(const QString& dir)
{
    clearError();
    disconnectPrometheus();
    m_form->setMode(LiveTargetForm::Mode::LocalStack);
    m_form->setStackDir(dir);
    m_stackMessage = tr("Attaching to the stack in %1…").arg(dir);
    m_stack->attach(dir);
    updateState();
}

void LivePanel::stopStack()
{
    m_stackMessage = tr("Stopping the stack…");
    m_stack->stopStack();
    updateState();
}

void LivePanel::detachStack()
{
    m_stack->detach();
    m_monitor->stop();
    m_stackMessage.clear();
    m_watchedStack.reset();
    updateState();
    Q_EMIT watchedStackChanged();
}

int LivePanel::watchedStackPods() const
{
    if (!m_watchedStack)
        return 0;
    const auto pods = std::ranges::count_if(m_watchedStack->state.processes,
                                            [](const cluster::StackProcess& p) { return p.role == "pod"; });
    return pods > 0 ? static_cast<int>(pods) : m_watchedStack->scenario.cluster.pods;
}

bool LivePanel::connectPrometheus(const QString& url, const QString& selector, const QString& podLabel)
{
    // A cluster deployed from the OpenShift target is watched through the same fields.
    if (!url.isEmpty() || m_form->mode() != LiveTargetForm::Mode::OpenShift)
        m_form->setMode(LiveTargetForm::Mode::Prometheus);
    if (!url.isEmpty())
        m_form->setPrometheus(url, selector, podLabel);
    auto target = m_form->prometheusTarget();
    if (!target) {
        showError(tr("Cannot connect: %1").arg(qs(target.error().toString())));
        return false;
    }
    clearError();
    m_watchingPrometheusUrl = true;
    m_views->setCurrentWidget(m_charts);
    watch(*target, 1.0);
    if (m_editorOutcome)
        showEditorOutcome(m_editorOutcome);
    else if (m_scenarioProvider)
        simulate(m_scenarioProvider());
    return true;
}

void LivePanel::disconnectPrometheus()
{
    if (!m_watchingPrometheusUrl)
        return;
    m_watchingPrometheusUrl = false;
    m_monitor->stop();
    updateState();
}

void LivePanel::watch(const LiveTarget& target, double timeScale)
{
    m_comparison.reset(timeScale);
    m_comparison.setSimulation(nullptr);
    m_readyEmitted = false;
    m_notes->hide();
    m_charts->clear();
    m_monitor->start(target);
    updateState();
}

void LivePanel::simulate(sim::Scenario scenario)
{
    m_runner->runNow(scenario);
}

void LivePanel::onStackReady(const LiveStackPtr& stack)
{
    m_stackMessage = stack->startedHere ? tr("Stack started in %1.").arg(qs(stack->state.dir))
                                        : tr("Attached to the stack in %1.").arg(qs(stack->state.dir));
    m_form->setTimeScale(stack->state.timeScale);
    m_watchedStack = stack;
    Q_EMIT watchedStackChanged();
    auto window = cluster::checkWindow(windowText().toStdString());
    if (!window) {
        showError(tr("Window: %1").arg(qs(window.error().toString())));
        return;
    }
    watch(stackTarget(stack->state, *window), stack->state.timeScale);
    simulate(stack->scenario);
}

void LivePanel::onRefreshed(const LiveRefreshPtr& refresh)
{
    if (m_errorIsPoll)
        clearError();
    m_comparison.addRefresh(refresh);
    QStringList notes;
    for (const auto& note : refresh->snapshot.notes)
        notes.append(qs(note));
    panel::setWarnings(m_notes, notes);
    redraw();
    updateState();
    maybeReady();
}

void LivePanel::onPollFailed(const QString& message)
{
    showError(message);
    m_errorIsPoll = true;
    updateState();
}

void LivePanel::onSimulated(const RunOutcomePtr& outcome)
{
    // Aliasing: the results live as long as the outcome that holds them.
    m_comparison.setSimulation(std::shared_ptr<const sim::RunResults>(outcome, &outcome->results));
    redraw();
    maybeReady();
}

void LivePanel::runLoad(double durationSeconds)
{
    clearError();
    m_stack->runLoad(durationSeconds);
    updateState();
}

void LivePanel::cancelLoad()
{
    m_stack->cancelLoad();
    m_loadStatus->setText(tr("Cancelling…"));
}

void LivePanel::onLoadStarted(double unixTime, double durationSeconds)
{
    m_comparison.startLoad(unixTime);
    m_monitor->setBaseline(unixTime);
    m_loadProgress->setValue(0);
    m_loadStatus->setText(tr("Load running…"));
    // The simulation replays the same arrivals: the scenario cut to the load's duration.
    if (const LiveStackPtr stack = m_stack->stack()) {
        sim::Scenario scenario = stack->scenario;
        if (durationSeconds > 0) {
            const std::vector<std::string> duration{"duration=" + std::to_string(durationSeconds)};
            if (auto r = sim::applyOverrides(scenario, duration); !r)
                showError(tr("Cannot simulate the load's duration: %1").arg(qs(r.error().toString())));
        }
        m_comparison.setSimulation(nullptr);
        simulate(scenario);
    }
    redraw();
    updateState();
}

void LivePanel::onLoadFinished(const LoadReportPtr& report)
{
    std::int64_t errors = 0;
    for (const auto& [kind, count] : report->errors)
        errors += count;
    QString text = report->cancelled ? tr("Load cancelled: ") : tr("Load done: ");
    text += tr("%1 requests sent, %2 completed, %3 errors in %4 s")
                .arg(report->requestsSent)
                .arg(report->requestsCompleted)
                .arg(errors)
                .arg(report->wallSeconds, 0, 'f', 1);
    m_loadStatus->setText(text);
    m_loadProgress->setValue(report->cancelled ? m_loadProgress->value() : 100);
    if (!report->firstError.empty())
        showError(tr("The load saw errors; the first: %1").arg(qs(report->firstError)));
    updateState();
}

void LivePanel::showError(const QString& message, bool fatal)
{
    m_errorIsPoll = false;
    m_error->setText(message);
    m_error->show();
    Q_EMIT liveErrorShown(message, fatal);
}

void LivePanel::clearError()
{
    m_errorIsPoll = false;
    m_error->clear();
    m_error->hide();
}

void LivePanel::redraw()
{
    // A slot is a boundary: nothing may escape into Qt's event loop.
    try {
        m_charts->showComparison(m_comparison, windowText());
    } catch (const std::exception& e) {
        showError(tr("Could not draw the live view: %1").arg(QString::fromUtf8(e.what())));
    }
}

void LivePanel::maybeReady()
{
    if (m_readyEmitted || !m_comparison.latest() || !m_comparison.simulation())
        return;
    m_readyEmitted = true;
    Q_EMIT liveViewReady();
}

QString LivePanel::windowText() const { return m_form->window(); }

void LivePanel::updateState()
{
    const bool stackBusy = m_stack->stackBusy();
    const bool attached = m_stack->stack() != nullptr;
    const bool loading = m_stack->loadRunning();
    m_form->setState(stackBusy, attached, m_watchingPrometheusUrl);
    m_runLoad->setEnabled(attached && !stackBusy && !loading);
    m_cancelLoad->setEnabled(loading);
    m_loadDuration->setEnabled(attached && !loading);
    m_loadProgress->setVisible(loading || m_loadProgress->value() > 0);

    QString state;
    QString colour = QStringLiteral("#555555");
    // What the empty charts say follows the same state as the line above them: a chart waits
    // for a refresh only while one can come.
    QString noHitRate = tr("No live data: not connected");
    QString noPods = noHitRate;
    if (m_monitor->isPolling()) {
        const int retrySeconds = static_cast<int>(LiveMonitor::kDefaultIntervalMs / kMsPerSecond);
        noPods = tr("No pods reported yet");
        if (m_monitor->isConnected()) {
            state = tr("\u25CF Connected to %1, last refresh %2")
                        .arg(m_monitor->url(), m_monitor->lastRefresh().toString(QStringLiteral("hh:mm:ss")));
            colour = QStringLiteral("#1a7f37");
            noHitRate = tr("Connected: no hit rate measured yet");
        } else if (!m_monitor->lastError().isEmpty()) {
            state = tr("\u25CF Prometheus unreachable: %1 \u2014 retrying every %2 s")
                        .arg(m_monitor->lastError())
                        .arg(retrySeconds);
            colour = QStringLiteral("#b3261e");
            noHitRate = tr("No live data: Prometheus unreachable, retrying every %1 s").arg(retrySeconds);
            noPods = noHitRate;
        } else {
            state = tr("\u25CB Connecting to %1…").arg(m_monitor->url());
            noHitRate = tr("Waiting for the first refresh…");
        }
    } else if (stackBusy) {
        state = tr("\u25CB Not connected yet: waiting for the stack.");
        noHitRate = tr("No live data yet: waiting for the stack");
        noPods = noHitRate;
    } else if (m_form->mode() == LiveTargetForm::Mode::OpenShift) {
        state = tr("\u25CB Not connected: render and apply the scenario, then connect to the cluster's Prometheus.");
    } else {
        state = tr("\u25CB Not connected: start a stack for the editor's scenario, attach to a running one, or "
                   "connect to a Prometheus.");
    }
    m_charts->setNoDataTexts(noHitRate, noPods);
    if (!m_stackMessage.isEmpty())
        state = m_stackMessage + QStringLiteral("  ") + state;
    m_state->setText(state);
    m_state->setStyleSheet(QStringLiteral("color: %1;").arg(colour));
}

QString LivePanel::connectionText() const { return m_state->text(); }

QString LivePanel::errorText() const { return m_error->isHidden() ? QString() : m_error->text(); }

QString LivePanel::loadText() const { return m_loadStatus->text(); }

bool LivePanel::isConnected() const { return m_monitor->isConnected(); }

bool LivePanel::loadRunning() const { return m_stack->loadRunning(); }

bool LivePanel::exportCsv(const QString& dir)
{
    const QDir out(dir);
    return writeFile(out.filePath(QStringLiteral("live_hit_rate.csv")), m_comparison.hitRateCsv()) &&
           writeFile(out.filePath(QStringLiteral("live_pods.csv")), m_comparison.podsCsv()) &&
           writeFile(out.filePath(QStringLiteral("live_figures.csv")), m_comparison.figuresCsv());
}

bool LivePanel::exportPng(const QString& path) { return m_charts->grab().save(path, "PNG"); }

} // namespace kvroute::app
