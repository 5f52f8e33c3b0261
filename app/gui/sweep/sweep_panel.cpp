#include "app/gui/sweep/sweep_panel.h"

#include "app/gui/sweep/sweep_point_charts.h"
#include "app/gui/sweep/sweep_run_table.h"
#include "app/gui/sweep/sweep_stage_charts.h"
#include "app/qtbridge/sweep_runner.h"
#include "sim/scenario/scenario_schema.h"
#include "sim/scenario/scenario_yaml.h"
#include "sim/sweep/sweep_csv.h"

#include <QtCore/QDir>
#include <QtCore/QFileInfo>
#include <QtCore/QSaveFile>
#include <QtCore/QThread>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QFormLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QSpinBox>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace kvroute::app {

namespace {

QString qs(const std::string& s) { return QString::fromStdString(s); }

/// Keys a sweep can vary: scalars a user would compare (not names, paths or lists).
bool sweepable(const sim::FieldSpec& f)
{
    using T = sim::FieldType;
    if (f.isPath || f.path == "name" || f.path == "description")
        return false;
    return f.type == T::Int || f.type == T::Double || f.type == T::Seconds || f.type == T::Enum ||
           f.type == T::Bool || f.type == T::OptionalInt;
}

/// A starting list of values for `path` around the scenario's current value.
QString suggestedValues(const sim::FieldSpec& f, const sim::Scenario& s)
{
    if (!f.allowed.empty()) {
        QStringList values;
        for (const auto& a : f.allowed)
            values << qs(a);
        return values.join(QLatin1Char(','));
    }
    if (f.type == sim::FieldType::Bool)
        return QStringLiteral("false,true");
    bool ok = false;
    const double current = qs(sim::fieldValueText(s, f.path)).toDouble(&ok);
    if (!ok || current <= 0)
        return qs(sim::fieldValueText(s, f.path));
    const bool integer = f.type == sim::FieldType::Int || f.type == sim::FieldType::OptionalInt;
    QStringList values;
    for (const double factor : {0.5, 1.0, 2.0, 4.0}) {
        double v = current * factor;
        if (f.max)
            v = std::min(v, *f.max);
        if (f.min)
            v = std::max(v, *f.min);
        const QString text = integer ? QString::number(std::llround(v)) : QString::number(v, 'g', 4);
        if (!values.contains(text))
            values << text;
    }
    return values.join(QLatin1Char(','));
}

} // namespace

SweepPanel::SweepPanel(QWidget* parent) : QWidget(parent)
{
    m_runner = new SweepRunner(this);
    m_parameter = new QComboBox;
    m_seriesParameter = new QComboBox;
    m_seriesParameter->addItem(tr("(none)"));
    for (const auto& f : sim::scenarioFields()) {
        if (!sweepable(f))
            continue;
        m_parameter->addItem(qs(f.path));
        m_seriesParameter->addItem(qs(f.path));
        const int i = m_parameter->count() - 1;
        m_parameter->setItemData(i, qs(f.help), Qt::ToolTipRole);
        m_seriesParameter->setItemData(i + 1, qs(f.help), Qt::ToolTipRole);
    }
    m_values = new QLineEdit;
    m_values->setPlaceholderText(tr("v1,v2,... or start:stop:step"));
    m_seriesValues = new QLineEdit;
    m_seriesValues->setPlaceholderText(tr("values of the series key"));
    m_repeats = new QSpinBox;
    m_parameter->setObjectName(QStringLiteral("sweepParameter"));
    m_values->setObjectName(QStringLiteral("sweepValues"));
    m_seriesParameter->setObjectName(QStringLiteral("sweepSeriesParameter"));
    m_seriesValues->setObjectName(QStringLiteral("sweepSeriesValues"));
    m_repeats->setObjectName(QStringLiteral("sweepRepeats"));
    m_repeats->setRange(1, 50);
    m_repeats->setToolTip(tr("Runs per point with seeds seed, seed+1, ...; the charts show their mean"));
    m_jobs = new QSpinBox;
    m_jobs->setRange(1, std::max(1, QThread::idealThreadCount()));
    m_jobs->setValue(std::max(1, QThread::idealThreadCount()));
    m_run = new QPushButton(tr("Run sweep"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_export = new QPushButton(tr("Export CSV…"));
    m_open = new QPushButton(tr("Open results…"));
    m_open->setToolTip(tr("Chart a results file: kvroute sweep --out, or sweep merge of a sharded sweep"));
    m_progress = new QProgressBar;
    m_progress->setFormat(tr("%v / %m runs"));
    m_status = new QLabel(tr("Pick a scenario key and its values; a second key draws one line per value."));
    m_status->setStyleSheet(QStringLiteral("QLabel { color: #555; }"));
    m_status->setWordWrap(true);
    m_scenarioNote = new QLabel;
    m_scenarioNote->setObjectName(QStringLiteral("sweepScenarioNote"));
    m_scenarioNote->setWordWrap(true);
    m_scenarioNote->setStyleSheet(QStringLiteral(
        "QLabel { background: #fff4ce; color: #5c4400; border: 1px solid #f0d98c; border-radius: 4px; padding: 6px; }"));
    m_scenarioNote->setVisible(false);

    auto* form = new QFormLayout;
    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(m_parameter, 1);
    keyRow->addWidget(m_values, 2);
    form->addRow(tr("Vary"), keyRow);
    auto* seriesRow = new QHBoxLayout;
    seriesRow->addWidget(m_seriesParameter, 1);
    seriesRow->addWidget(m_seriesValues, 2);
    form->addRow(tr("Series"), seriesRow);
    auto* runRow = new QHBoxLayout;
    runRow->addWidget(new QLabel(tr("Repeats")));
    runRow->addWidget(m_repeats);
    runRow->addWidget(new QLabel(tr("Parallel runs")));
    runRow->addWidget(m_jobs);
    runRow->addStretch(1);
    runRow->addWidget(m_run);
    runRow->addWidget(m_cancel);
    runRow->addWidget(m_export);
    runRow->addWidget(m_open);
    form->addRow(runRow);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_progress, 1);
    statusRow->addWidget(m_status, 2);
    form->addRow(statusRow);
    m_pointCharts = new SweepPointCharts;

    m_stageCharts = new SweepStageCharts;
    m_stageCharts->setVisible(false);

    m_table = new SweepRunTable;

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_scenarioNote);
    layout->addWidget(m_pointCharts, 3);
    layout->addWidget(m_stageCharts, 3);
    layout->addWidget(m_table, 2);

    connect(m_parameter, &QComboBox::currentIndexChanged, this, [this] { onParameterChanged(m_parameter, m_values); });
    connect(m_seriesParameter, &QComboBox::currentIndexChanged, this,
            [this] { onParameterChanged(m_seriesParameter, m_seriesValues); });
    connect(m_run, &QPushButton::clicked, this, &SweepPanel::onRunClicked);
    connect(m_cancel, &QPushButton::clicked, this, &SweepPanel::cancelSweep);
    connect(m_export, &QPushButton::clicked, this, [this] {
        QString path = QFileDialog::getSaveFileName(this, tr("Export sweep"), QString(), tr("CSV (*.csv)"));
        if (path.isEmpty())
            return;
        if (QFileInfo(path).suffix().isEmpty())
            path += QStringLiteral(".csv");
        const QString stagesPath = stagesCsvPath(path);
        const bool hadStagesFile = QFileInfo::exists(stagesPath);
        const bool staged =
            std::ranges::any_of(m_runner->records(), [](const sim::SweepRecord& r) { return !r.stages.empty(); });
        if (!exportCsv(path))
            m_status->setText(tr("Could not write %1").arg(path));
        else if (staged)
            m_status->setText(hadStagesFile ? tr("Wrote %1 and, per stage, %2 (replacing the one there).").arg(path, stagesPath)
                                            : tr("Wrote %1 and, per stage, %2.").arg(path, stagesPath));
        else if (hadStagesFile)
            // Left alone: it may be the user's. Said, so it is not read as this sweep's.
            m_status->setText(tr("Wrote %1. These points have no stages: %2 beside it is from an earlier export.")
                                  .arg(path, stagesPath));
        else
            m_status->setText(tr("Wrote %1.").arg(path));
    });
    connect(m_open, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open sweep results"), QString(), tr("Sweep results (*.jsonl *.json);;All files (*)"));
        if (!path.isEmpty())
            loadResults(path);
    });
    connect(m_runner, &SweepRunner::progress, this, [this](int done, int total) {
        m_progress->setRange(0, total);
        m_progress->setValue(done);
        m_status->setText(tr("%1 of %2 runs done").arg(done).arg(total));
    });
    connect(m_runner, &SweepRunner::pointFinished, this, &SweepPanel::onPointFinished);
    connect(m_runner, &SweepRunner::sweepFinished, this, &SweepPanel::onFinished);
    connect(m_runner, &SweepRunner::sweepFailed, this, [this](const QString& message) {
        m_status->setText(message);
        setRunning(false);
    });

    const int blockSize = m_parameter->findText(QStringLiteral("vllm.block_size"));
    m_parameter->setCurrentIndex(std::max(0, blockSize));
    setRunning(false);
}

void SweepPanel::setBaseScenarioProvider(std::function<sim::Scenario()> provider)
{
    m_baseProvider = std::move(provider);
    onParameterChanged(m_parameter, m_values);
    refreshScenarioNote();
}

void SweepPanel::setBaseBuiltinProvider(std::function<QString()> provider)
{
    m_baseBuiltinProvider = std::move(provider);
    refreshScenarioNote();
}

void SweepPanel::onParameterChanged(QComboBox* combo, QLineEdit* values)
{
    const auto* field = sim::findField(combo->currentText().toStdString());
    if (!field) {
        values->clear();
        values->setEnabled(false);
        return;
    }
    values->setEnabled(true);
    values->setText(suggestedValues(*field, m_baseProvider ? m_baseProvider() : sim::Scenario{}));
}

void SweepPanel::showGridInControls(const std::vector<sim::SweepParameter>& parameters, int repeats)
{
    const auto show = [](QComboBox* combo, QLineEdit* values, const sim::SweepParameter* parameter) {
        if (!parameter) {
            combo->setCurrentIndex(0); // the series' "(none)": its values empty and disabled
            return;
        }
        const QString key = qs(parameter->path);
        int index = combo->findText(key);
        if (index < 0) { // a key `kvroute sweep --param` takes that the list does not offer
            combo->addItem(key);
            index = combo->count() - 1;
        }
        combo->setCurrentIndex(index); // suggests values around the side panel's: replaced below
        QStringList list;
        for (const auto& value : parameter->values)
            list << qs(value);
        values->setEnabled(true);
        values->setText(list.join(QLatin1Char(',')));
    };
    show(m_parameter, m_values, parameters.empty() ? nullptr : &parameters[0]);
    show(m_seriesParameter, m_seriesValues, parameters.size() > 1 ? &parameters[1] : nullptr);
    if (repeats > 0)
        m_repeats->setValue(repeats);
}

void SweepPanel::onRunClicked()
{
    startSweep(m_parameter->currentText(), m_values->text(),
               m_seriesParameter->currentIndex() > 0 ? m_seriesParameter->currentText() : QString(),
               m_seriesValues->text(), m_repeats->value());
}

bool SweepPanel::startSweep(const QString& parameter, const QString& values, const QString& seriesParameter,
                            const QString& seriesValues, int repeats)
{
    if (m_runner->isRunning()) {
        m_status->setText(tr("A sweep is already running."));
        return false;
    }
    std::vector<sim::SweepParameter> parameters;
    for (const auto& [key, list] : {std::pair{parameter, values}, std::pair{seriesParameter, seriesValues}}) {
        if (key.isEmpty())
            continue;
        auto p = sim::parseSweepParameter(QString(key + QLatin1Char('=') + list).toStdString());
        if (!p) {
            m_status->setText(qs(p.error().toString()));
            return false;
        }
        parameters.push_back(std::move(*p));
    }
    if (parameters.empty()) {
        m_status->setText(tr("Pick a key to vary."));
        return false;
    }
    const sim::Scenario base = m_baseProvider ? m_baseProvider() : sim::Scenario{};
    if (!m_runner->start(base, parameters, repeats, m_jobs->value()))
        return false;
    m_parameters = parameters;
    m_resultsBase.clear();
    refreshScenarioNote();
    resetView();
    setRunning(true);
    return true;
}

void SweepPanel::resetView()
{
    m_table->reset(m_parameters);
    m_pointCharts->reset(m_parameters);
    m_stageCharts->clear();
    m_stageCharts->setVisible(false);
}

bool SweepPanel::loadResults(const QString& path)
{
    if (m_runner->isRunning()) {
        m_status->setText(tr("A sweep is running; open the file when it is done."));
        return false;
    }
    if (!QFileInfo::exists(path)) {
        m_status->setText(tr("%1 does not exist.").arg(path));
        return false;
    }
    auto file = sim::readSweepRecords(path.toStdString());
    if (!file) {
        m_status->setText(qs(file.error().toString()));
        return false;
    }
    if (file->records.empty()) {
        m_status->setText(tr("%1 holds no sweep records.").arg(path));
        return false;
    }
    // A results file can hold several sweeps (resumed with other --param lists): show the last one.
    const sim::SweepRecord& last = file->records.back();
    const std::string base = last.base; // `last` is moved from below
    const int gridRepeats = last.grid ? last.grid->repeats : 0;
    std::vector<sim::SweepParameter> parameters;
    std::vector<sim::SweepRecord> records;
    if (last.grid) {
        parameters = last.grid->parameters;
        for (auto& r : file->records)
            if (r.gridId == last.gridId && r.base == last.base)
                records.push_back(std::move(r));
    } else {
        // Records of a kvroute before sharding carry no grid: rebuild it from their values.
        for (const auto& [key, value] : last.assignments)
            parameters.push_back({key, {}});
        for (auto& r : file->records) {
            bool same = r.base == last.base && r.assignments.size() == parameters.size();
            for (std::size_t i = 0; same && i < parameters.size(); ++i)
                same = r.assignments[i].first == parameters[i].path;
            if (!same)
                continue;
            for (std::size_t i = 0; i < parameters.size(); ++i)
                if (std::ranges::find(parameters[i].values, r.assignments[i].second) == parameters[i].values.end())
                    parameters[i].values.push_back(r.assignments[i].second);
            records.push_back(std::move(r));
        }
    }
    const std::size_t skipped = file->records.size() - records.size();
    if (parameters.empty()) {
        m_status->setText(tr("%1: the records vary no scenario key.").arg(path));
        return false;
    }
    m_parameters = parameters;
    showGridInControls(parameters, gridRepeats);
    m_resultsBase.setResults(base, parameters);
    refreshScenarioNote();
    resetView();
    m_runner->showRecords(std::move(records));
    for (const auto& r : m_runner->records())
        m_table->addRecord(r);
    redraw();
    setRunning(false);
    std::size_t points = last.grid ? static_cast<std::size_t>(std::max(1, last.grid->repeats)) : 1;
    for (const auto& p : parameters)
        points *= p.values.size();
    QString status = tr("%1 runs from %2").arg(m_runner->records().size()).arg(QFileInfo(path).fileName());
    if (last.grid && m_runner->records().size() < points)
        status += tr(" — %1 of the grid's %2 points are missing").arg(points - m_runner->records().size()).arg(points);
    if (skipped > 0)
        status += tr(" (%1 records of other sweeps in the file not shown)").arg(skipped);
    if (parameters.size() > 2)
        status += tr("; charts show %1 and %2, averaged over the other keys (the Vary and Series rows hold these two)")
                      .arg(qs(parameters[0].path), qs(parameters[1].path));
    m_status->setText(status + QLatin1Char('.'));
    return true;
}

void SweepPanel::cancelSweep()
{
    m_runner->cancel();
    m_status->setText(tr("Cancelling…"));
}

QString SweepPanel::statusText() const { return m_status->text(); }

LineChart* SweepPanel::hitRateLineChart() const { return m_pointCharts->hitRateLineChart(); }

LineChart* SweepPanel::ttftLineChart() const { return m_pointCharts->ttftLineChart(); }

LineChart* SweepPanel::throughputLineChart() const { return m_pointCharts->throughputLineChart(); }

BarChart* SweepPanel::ttftBarChart() const { return m_pointCharts->ttftBarChart(); }

QTableWidget* SweepPanel::table() const { return m_table; }

bool SweepPanel::resultsMatchScenario() const
{
    if (!m_resultsBase.fromFile())
        return true;
    return m_baseProvider && m_resultsBase.matches(m_baseProvider());
}

void SweepPanel::refreshScenarioNote()
{
    const sim::Scenario shown = m_baseProvider ? m_baseProvider() : sim::Scenario{};
    if (m_baseProvider)
        m_resultsBase.rememberIfVaried(shown);
    const QString builtin = m_baseBuiltinProvider ? m_baseBuiltinProvider() : QString();
    const QString note = resultsMatchScenario() ? QString() : m_resultsBase.note(shown, builtin);
    m_scenarioNote->setText(note);
    m_scenarioNote->setVisible(!note.isEmpty());
}

QString SweepPanel::scenarioNoteText() const { return m_scenarioNote->isHidden() ? QString() : m_scenarioNote->text(); }

void SweepPanel::setRunning(bool running)
{
    m_progress->setVisible(running);
    m_table->setVisible(!m_runner->records().empty() || running);
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_export->setEnabled(!running && !m_runner->records().empty());
}

void SweepPanel::onPointFinished()
{
    m_table->addRecord(m_runner->records().back());
    redraw();
}

std::vector<sim::SweepRecord> SweepPanel::recordsInGridOrder() const
{
    std::vector<sim::SweepRecord> records = m_runner->records();
    std::ranges::stable_sort(records, std::less<>{},
                             [this](const sim::SweepRecord& r) { return SweepRunTable::gridPosition(r, m_parameters); });
    return records;
}

void SweepPanel::onFinished(bool cancelled)
{
    setRunning(false);
    const auto done = m_runner->records().size();
    m_status->setText(cancelled ? tr("Cancelled after %1 runs.").arg(done) : tr("Done: %1 runs.").arg(done));
}

void SweepPanel::redraw()
{
    if (m_parameters.empty())
        return;
    m_stageCharts->setVisible(m_stageCharts->setRecords(recordsInGridOrder(), m_parameters));
    m_pointCharts->setRecords(m_runner->records(), m_parameters);
}

QString SweepPanel::stagesCsvPath(const QString& path)
{
    const QFileInfo info(path);
    const QString suffix = info.suffix().isEmpty() ? QString() : QLatin1Char('.') + info.suffix();
    return info.dir().filePath(info.completeBaseName() + QStringLiteral("-stages") + suffix);
}

bool SweepPanel::exportCsv(const QString& path) const
{
    const auto write = [](const QString& to, const std::string& text) {
        const QByteArray csv = QByteArray::fromStdString(text);
        QSaveFile file(to);
        return file.open(QIODevice::WriteOnly) && file.write(csv) == csv.size() && file.commit();
    };
    const std::vector<sim::SweepRecord> records = recordsInGridOrder();
    if (!write(path, sim::sweepPointsCsv(m_parameters, records)))
        return false;
    const std::string stages = sim::sweepStagesCsv(m_parameters, records);
    return stages.empty() || write(stagesCsvPath(path), stages);
}

} // namespace kvroute::app
