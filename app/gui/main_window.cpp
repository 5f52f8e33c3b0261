#include "app/gui/main_window.h"

#include "app/gui/editor/scenario_editor.h"
#include "app/gui/panels/compare_panel.h"
#include "app/gui/live/live_panel.h"
#include "app/gui/panels/overview_panel.h"
#include "app/gui/panels/pods_panel.h"
#include "app/gui/panels/stages_panel.h"
#include "app/gui/panels/stale_overlay.h"
#include "app/gui/sweep/sweep_panel.h"
#include "app/qtbridge/scenario_runner.h"
#include "sim/report/results_writers.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QFileInfo>
#include <QtCore/QSaveFile>
#include <QtGui/QAction>
#include <QtGui/QCloseEvent>
#include <QtGui/QKeySequence>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QDockWidget>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QLabel>
#include <QtWidgets/QMenu>
#include <QtWidgets/QMenuBar>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QStatusBar>
#include <QtWidgets/QTabWidget>
#include <QtWidgets/QToolBar>
#include <QtWidgets/QVBoxLayout>

#include <exception>

namespace kvroute::app {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

bool writeText(const QString& path, const QByteArray& bytes)
{
    QSaveFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(bytes) == bytes.size() && file.commit();
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("kvroute — KV-cache-aware routing what-if"));
    m_runner = new ScenarioRunner(this);
    buildLayout();
    buildActions();
    connect(m_editor, &ScenarioEditor::scenarioEdited, this, &MainWindow::onScenarioEdited);
    connect(m_editor, &ScenarioEditor::validityChanged, this, [this](bool valid) {
        if (!valid) // a valid edit starts a run, whose results clear the mark
            setResultsStale(true, tr("The scenario has errors: the results below are for the last valid scenario."));
    });
    connect(m_runner, &ScenarioRunner::runFinished, this, &MainWindow::onRunFinished);
    connect(m_runner, &ScenarioRunner::runFailed, this, &MainWindow::onRunFailed);
    connect(m_runner, &ScenarioRunner::runStarted, this, [this] {
        m_progress->setValue(0);
        m_progress->setVisible(true);
        m_runStatus->setText(tr("simulating…"));
    });
    connect(m_runner, &ScenarioRunner::progress, this,
            [this](double fraction) { m_progress->setValue(static_cast<int>(fraction * 100.0)); });
    restoreState();
}

MainWindow::~MainWindow() = default;

void MainWindow::buildLayout()
{
    m_editor = new ScenarioEditor;
    auto* dock = new QDockWidget(tr("Scenario"), this);
    dock->setObjectName(QStringLiteral("scenarioDock"));
    dock->setWidget(m_editor);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);

    m_overview = new OverviewPanel;
    m_pods = new PodsPanel;
    m_stages = new StagesPanel;
    m_compare = new ComparePanel;
    m_sweep = new SweepPanel;
    m_live = new LivePanel;
    m_tabs = new QTabWidget;
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_overview, tr("Overview"));
    m_tabs->addTab(m_pods, tr("Pods"));
    m_tabs->addTab(m_stages, tr("Stages"));
    m_tabs->setTabVisible(m_tabs->indexOf(m_stages), false); // until a run has stages
    m_tabs->addTab(m_compare, tr("Compare"));
    m_tabs->addTab(m_sweep, tr("Sweep"));
    m_tabs->addTab(m_live, tr("Live"));
    // The run results only: the sweep and live tabs keep their own state.
    for (QWidget* panel : std::initializer_list<QWidget*>{m_overview, m_pods, m_stages, m_compare})
        m_staleOverlays.append(new StaleOverlay(panel));

    m_errorBanner = new QLabel;
    m_errorBanner->setWordWrap(true);
    m_errorBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorBanner->setStyleSheet(QStringLiteral(
        "QLabel { background: #fdecea; color: #8a1c14; border: 1px solid #f5c2bd; border-radius: 4px; padding: 6px; }"));
    m_errorBanner->setVisible(false);

    m_staleBanner = new QLabel;
    m_staleBanner->setObjectName(QStringLiteral("staleBanner"));
    m_staleBanner->setWordWrap(true);
    m_staleBanner->setStyleSheet(QStringLiteral(
        "QLabel { background: #fff4ce; color: #5c4400; border: 1px solid #f0d98c; border-radius: 4px; padding: 6px; }"));
    m_staleBanner->setVisible(false);

    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 0);
    layout->addWidget(m_errorBanner);
    layout->addWidget(m_staleBanner);
    layout->addWidget(m_tabs, 1);
    setCentralWidget(central);

    m_runStatus = new QLabel;
    m_progress = new QProgressBar;
    m_progress->setRange(0, 100);
    m_progress->setMaximumWidth(160);
    m_progress->setVisible(false);
    statusBar()->addPermanentWidget(m_runStatus);
    statusBar()->addPermanentWidget(m_progress);
    m_sweep->setBaseScenarioProvider([this] { return m_scenario; });
    m_sweep->setBaseBuiltinProvider([this] { return m_builtinName; });
    m_live->setScenarioProvider([this] { return m_scenario; });
    connect(m_live, &LivePanel::watchedStackChanged, this, &MainWindow::markWatchedStackPods);
}

void MainWindow::buildActions()
{
    auto* fileMenu = menuBar()->addMenu(tr("&File"));
    auto* toolbar = addToolBar(tr("Main"));
    toolbar->setObjectName(QStringLiteral("mainToolbar"));
    toolbar->setMovable(false);

    m_builtins = new QComboBox;
    m_builtins->setToolTip(tr("Built-in scenarios"));
    for (const auto& [name, description] : sim::builtinScenarioList())
        m_builtins->addItem(qs(name), qs(description));
    for (int i = 0; i < m_builtins->count(); ++i)
        m_builtins->setItemData(i, m_builtins->itemData(i), Qt::ToolTipRole);
    connect(m_builtins, &QComboBox::activated, this, [this](int index) { openScenario(m_builtins->itemText(index)); });
    toolbar->addWidget(new QLabel(tr(" Scenario ")));
    toolbar->addWidget(m_builtins);

    auto* open = fileMenu->addAction(tr("&Open scenario…"), this, &MainWindow::openFileDialog);
    open->setShortcut(QKeySequence::Open);
    m_recentMenu = fileMenu->addMenu(tr("Open &recent"));
    auto* save = fileMenu->addAction(tr("&Save scenario"), this, [this] { saveScenario(false); });
    save->setShortcut(QKeySequence::Save);
    fileMenu->addAction(tr("Save scenario &as…"), this, [this] { saveScenario(true); })
        ->setShortcut(QKeySequence::SaveAs);
    fileMenu->addSeparator();
    auto* png = fileMenu->addAction(tr("Export current tab as &PNG…"), this, &MainWindow::exportPng);
    fileMenu->addAction(tr("Export results as &JSON…"), this, &MainWindow::exportJson);
    fileMenu->addAction(tr("Export results as &CSV…"), this, &MainWindow::exportCsv);
    fileMenu->addSeparator();
    fileMenu->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    auto* runMenu = menuBar()->addMenu(tr("&Run"));
    auto* rerun = runMenu->addAction(tr("&Run again"), this, [this] { m_runner->runNow(m_scenario); });
    rerun->setShortcut(Qt::Key_F5);
    auto* pin = runMenu->addAction(tr("&Pin as baseline"), this, &MainWindow::pinBaseline);
    pin->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_B));

    toolbar->addSeparator();
    toolbar->addAction(open);
    toolbar->addAction(save);
    toolbar->addSeparator();
    toolbar->addAction(rerun);
    toolbar->addAction(pin);
    toolbar->addAction(png);
    updateRecentMenu();
}

void MainWindow::restoreState()
{
    restoreGeometry(m_settings.windowGeometry());
    QMainWindow::restoreState(m_settings.windowState());
}

bool MainWindow::openScenario(const QString& nameOrFile, const QStringList& overrides)
{
    const std::string arg = nameOrFile.toStdString();
    const bool isFile = QFileInfo::exists(nameOrFile) || nameOrFile.contains(QLatin1Char('/')) ||
                        nameOrFile.endsWith(QLatin1String(".yaml")) || nameOrFile.endsWith(QLatin1String(".yml"));
    Result<sim::Scenario> scenario = isFile ? sim::loadScenarioFile(arg) : sim::builtinScenario(arg);
    if (!scenario) {
        showError(tr("Could not open the scenario: %1").arg(qs(scenario.error().toString())));
        return false;
    }
    if (!overrides.isEmpty()) {
        std::vector<std::string> assignments;
        for (const QString& assignment : overrides)
            assignments.push_back(assignment.toStdString());
        if (auto applied = sim::applyOverrides(*scenario, assignments); !applied) {
            showError(tr("Could not apply --set: %1").arg(qs(applied.error().toString())));
            return false;
        }
    }
    if (isFile) {
        m_scenarioPath = QFileInfo(nameOrFile).absoluteFilePath();
        m_settings.addRecentFile(m_scenarioPath);
        updateRecentMenu();
    } else {
        m_scenarioPath.clear();
    }
    m_builtinName = isFile ? QString() : nameOrFile;
    setScenario(*scenario, isFile ? m_scenarioPath : nameOrFile);
    return true;
}

void MainWindow::restoreLastSession()
{
    const QString yaml = m_settings.lastScenarioYaml();
    if (!yaml.isEmpty()) {
        auto scenario = sim::parseScenarioYaml(yaml.toStdString(), "the previous session", "");
        if (scenario) {
            const QString source = m_settings.lastScenario();
            const bool builtin = m_builtins->findText(source) >= 0;
            m_builtinName = builtin ? source : QString();
            m_scenarioPath = builtin ? QString() : source;
            setScenario(*scenario, source);
            return;
        }
    }
    if (!openScenario(m_settings.lastScenario()))
        openScenario(QStringLiteral("default"));
}

bool MainWindow::openSweepResults(const QString& path, bool openItsScenario)
{
    if (!m_sweep->loadResults(path))
        return false;
    if (openItsScenario && !m_sweep->resultsMatchScenario() && !m_sweep->resultsBuiltin().isEmpty())
        openScenario(m_sweep->resultsBuiltin());
    return true;
}

void MainWindow::setScenario(const sim::Scenario& scenario, const QString& source)
{
    clearError();
    m_scenario = scenario;
    m_editor->setScenario(scenario);
    m_sweep->refreshScenarioNote();
    markWatchedStackPods();
    m_settings.setLastScenario(source);
    const int builtin = m_builtins->findText(source);
    if (builtin >= 0)
        m_builtins->setCurrentIndex(builtin);
    setWindowTitle(tr("kvroute — %1").arg(QFileInfo(source).fileName()));
    m_sinceEdit.start();
    m_editPending = true;
    m_runner->runNow(scenario);
}

void MainWindow::onScenarioEdited(const sim::Scenario& scenario)
{
    m_scenario = scenario;
    m_sweep->refreshScenarioNote();
    markWatchedStackPods();
    m_sinceEdit.start();
    m_editPending = true;
    m_runner->requestRun(scenario);
}

void MainWindow::markWatchedStackPods()
{
    // The stack keeps running what it was started with: the editor's scenario is not loaded
    // over (that would drop edits), but where the two differ in pods the editor says so.
    const int stackPods = m_live->watchedStackPods();
    const bool differs = stackPods > 0 && stackPods != m_scenario.cluster.pods;
    m_editor->setFieldNote(QStringLiteral("cluster.pods"),
                           differs ? tr("The Live tab's stack runs %1; it shows the stack, not this scenario.")
                                             .arg(stackPods == 1 ? tr("1 pod") : tr("%1 pods").arg(stackPods))
                                   : QString());
}

void MainWindow::onRunFinished(const RunOutcomePtr& outcome)
{
    // A slot is a boundary: nothing may escape into Qt's event loop.
    try {
        clearError();
        setResultsStale(false, {});
        m_lastOutcome = outcome;
        m_overview->showOutcome(outcome);
        m_pods->showOutcome(outcome);
        m_stages->showOutcome(outcome);
        m_tabs->setTabVisible(m_tabs->indexOf(m_stages), m_stages->hasStages());
        m_compare->showOutcome(outcome);
        m_live->showEditorOutcome(outcome);
        m_progress->setVisible(false);
        if (m_editPending) {
            m_lastEditToChartMs = m_sinceEdit.elapsed();
            m_editPending = false;
        }
        const sim::RunResults& results = outcome->results;
        const QString requests = results.requestsSubmitted > results.requestsCompleted
                                     ? tr("%1 of %2 requests completed").arg(results.requestsCompleted).arg(results.requestsSubmitted)
                                     : tr("%1 requests").arg(results.requestsCompleted);
        m_runStatus->setText(tr("%1, simulated in %2 s · edit to chart %3 ms")
                                 .arg(requests)
                                 .arg(outcome->wallSeconds, 0, 'f', 2)
                                 .arg(m_lastEditToChartMs));
        m_settings.setLastScenarioYaml(qs(sim::toYaml(outcome->scenario)));
        Q_EMIT resultsShown(outcome);
    } catch (const std::exception& e) {
        const QString message = tr("Could not show the results: %1").arg(QString::fromUtf8(e.what()));
        showError(message);
        Q_EMIT runErrorShown(message);
    }
}

void MainWindow::onRunFailed(const QString& message)
{
    m_progress->setVisible(false);
    m_runStatus->setText(tr("run failed"));
    setResultsStale(true, tr("The run failed: the results below are for the last scenario that ran."));
    const QString shown = tr("The scenario could not run: %1").arg(message);
    showError(shown);
    Q_EMIT runErrorShown(shown);
}

void MainWindow::showError(const QString& message)
{
    m_errorBanner->setText(message);
    m_errorBanner->setVisible(true);
    // Not echoed in the status bar: a temporary message there outlives the error (it stayed
    // after a good run) and runs into the run status on its right.
}

void MainWindow::clearError() { m_errorBanner->setVisible(false); }

QString MainWindow::errorText() const { return m_errorBanner->isHidden() ? QString() : m_errorBanner->text(); }

QString MainWindow::staleText() const { return m_resultsStale ? m_staleBanner->text() : QString(); }

void MainWindow::setResultsStale(bool stale, const QString& bannerText)
{
    // With nothing shown yet there is nothing older to warn about ("No results yet.").
    const bool marked = stale && m_lastOutcome != nullptr;
    if (marked)
        m_staleBanner->setText(bannerText);
    m_resultsStale = marked;
    m_staleBanner->setVisible(marked);
    for (StaleOverlay* overlay : std::as_const(m_staleOverlays))
        overlay->setStale(marked);
}

void MainWindow::openFileDialog()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Open scenario"), QFileInfo(m_scenarioPath).path(),
                                                      tr("Scenario files (*.yaml *.yml);;All files (*)"));
    if (!path.isEmpty())
        openScenario(path);
}

void MainWindow::saveScenario(bool askForPath)
{
    QString path = m_scenarioPath;
    if (askForPath || path.isEmpty()) {
        const QString suggested = path.isEmpty() && !m_builtinName.isEmpty() ? m_builtinName + QStringLiteral("-custom.yaml") : path;
        path = QFileDialog::getSaveFileName(this, tr("Save scenario"), suggested, tr("Scenario files (*.yaml *.yml)"));
        if (path.isEmpty())
            return;
    }
    saveScenarioTo(path);
}

QString MainWindow::saveScenarioTo(const QString& requestedPath)
{
    QString path = requestedPath;
    if (!path.endsWith(QLatin1String(".yaml"), Qt::CaseInsensitive) && !path.endsWith(QLatin1String(".yml"), Qt::CaseInsensitive))
        path += QStringLiteral(".yaml");

    sim::Scenario saved = m_scenario;
    if (!m_builtinName.isEmpty()) {
        const auto builtin = sim::builtinScenario(m_builtinName.toStdString());
        const bool edited = !builtin || sim::toYaml(*builtin) != sim::toYaml(m_scenario);
        if (edited) {
            // The file must not pass for the built-in it started from.
            const QString base = QFileInfo(path).completeBaseName();
            const QString name = base.isEmpty() || base == m_builtinName ? m_builtinName + QStringLiteral("-custom") : base;
            saved.name = name.toStdString();
            saved.description = tr("Derived from the built-in scenario %1 and edited. The built-in: %2")
                                    .arg(m_builtinName, qs(m_scenario.description))
                                    .toStdString();
        }
    }
    if (!writeText(path, QByteArray::fromStdString(sim::toYaml(saved)))) {
        showError(tr("Could not write %1").arg(path));
        return {};
    }
    if (saved.name != m_scenario.name || saved.description != m_scenario.description) {
        m_scenario = saved;
        m_editor->setScenario(saved); // shows the new name; not an edit, so no re-run
    }
    m_builtinName.clear();
    m_sweep->refreshScenarioNote(); // a file now: picking the built-in in the list would load it again
    m_scenarioPath = QFileInfo(path).absoluteFilePath();
    m_settings.addRecentFile(m_scenarioPath);
    m_settings.setLastScenario(m_scenarioPath);
    m_settings.setLastScenarioYaml(qs(sim::toYaml(m_scenario)));
    updateRecentMenu();
    setWindowTitle(tr("kvroute — %1").arg(QFileInfo(path).fileName()));
    statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    return path;
}

void MainWindow::exportPng()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Export PNG"), QString(), tr("PNG images (*.png)"));
    if (!path.isEmpty() && !m_tabs->currentWidget()->grab().save(path, "PNG"))
        showError(tr("Could not write %1").arg(path));
}

void MainWindow::exportJson()
{
    if (!m_lastOutcome)
        return;
    const QString path = QFileDialog::getSaveFileName(this, tr("Export results"), QString(), tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    const auto json = sim::resultsToJson(m_lastOutcome->results, m_lastOutcome->scenario,
                                         sim::RunInfo{KVROUTE_VERSION, m_lastOutcome->wallSeconds});
    if (!writeText(path, QByteArray::fromStdString(json)))
        showError(tr("Could not write %1").arg(path));
}

void MainWindow::exportCsv()
{
    if (!m_lastOutcome)
        return;
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export CSV files into"));
    if (dir.isEmpty())
        return;
    if (auto r = sim::writeResultsCsv(m_lastOutcome->results, dir.toStdString()); !r)
        showError(qs(r.error().toString()));
}

void MainWindow::pinBaseline()
{
    if (!m_lastOutcome)
        return;
    m_compare->setBaseline(m_lastOutcome);
    m_compare->showOutcome(m_lastOutcome);
    statusBar()->showMessage(tr("Pinned the current run as the baseline"), 5000);
}

void MainWindow::updateRecentMenu()
{
    m_recentMenu->clear();
    const auto files = m_settings.recentFiles();
    for (const auto& file : files)
        m_recentMenu->addAction(file, this, [this, file] { openScenario(file); });
    m_recentMenu->setEnabled(!files.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_settings.setWindowGeometry(saveGeometry());
    m_settings.setWindowState(QMainWindow::saveState());
    m_runner->cancel();
    QMainWindow::closeEvent(event);
}

} // namespace kvroute::app
