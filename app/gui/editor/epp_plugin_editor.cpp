#include "app/gui/editor/epp_plugin_editor.h"

#include "app/gui/editor/field_widgets.h"

#include "app/gui/editor/number_widgets.h"
#include "sim/routing/epp_plugin_factory.h"
#include "sim/routing/routing_factory.h"
#include "sim/util/check.h"

#include <QtCore/QFileInfo>
#include <QtWidgets/QComboBox>
#include <QtWidgets/QFileDialog>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QLabel>
#include <QtWidgets/QLineEdit>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>
#include <optional>
#include <string>

namespace kvroute::app {

namespace {

const QString kProfileKey = QStringLiteral("routing.profile");
const QString kConfigKey = QStringLiteral("routing.epp_config");
const QString kPluginsKey = QStringLiteral("routing.epp_plugins");
const QString kCustom = QStringLiteral("custom");

enum Column { kType = 0, kWeight = 1 };

// Widget limit only: the schema's weight bound decides (and is explained when exceeded).
constexpr double kWidgetMaxWeight = 1e9;
constexpr int kVisibleRows = 5;

/// The plugin types of one kind the router accepts (sim/routing/epp_plugin_factory).
QStringList typesOfKind(sim::routing::EppPluginKind kind)
{
    QStringList out;
    const QString all = QString::fromStdString(sim::routing::eppPluginTypeList());
    for (const QString& type : all.split(QStringLiteral(", "), Qt::SkipEmptyParts)) {
        if (sim::routing::eppPluginKind(type.toStdString()) == kind)
            out.append(type);
    }
    return out;
}

std::optional<sim::routing::EppPluginKind> kindOf(const sim::EppPluginConfig& plugin)
{
    return sim::routing::eppPluginKind(plugin.type);
}

bool samePlugins(const sim::PluginList& a, const sim::PluginList& b)
{
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](const auto& x, const auto& y) {
        return x.type == y.type && x.name == y.name && x.weight == y.weight && x.parameters == y.parameters;
    });
}

QString parametersText(const sim::EppPluginConfig& plugin)
{
    QStringList lines;
    for (const auto& [key, value] : plugin.parameters)
        lines.append(QString::fromStdString(key) + QStringLiteral(": ") + QString::fromStdString(value));
    return lines.join(QLatin1Char('\n'));
}

const sim::FieldSpec* fieldOf(const QString& key)
{
    const sim::FieldSpec* spec = sim::findField(key.toStdString());
    KVROUTE_CHECK(spec != nullptr, "an EPP key the editor edits is missing from the scenario schema");
    return spec;
}

QLabel* messageLabel()
{
    auto* label = new QLabel;
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = label->palette();
    palette.setColor(QPalette::WindowText, QColor(0xc5, 0x22, 0x1f));
    label->setPalette(palette);
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * 0.9);
    label->setFont(font);
    label->setVisible(false);
    return label;
}

} // namespace

EppPluginEditor::EppPluginEditor(QWidget* parent)
    : QWidget(parent), m_profileSpec(fieldOf(kProfileKey)), m_configSpec(fieldOf(kConfigKey)),
      m_pluginsSpec(fieldOf(kPluginsKey))
{
    buildProfileRow();
    buildConfigRow();
    buildPluginBlock();
}

QStringList EppPluginEditor::keys()
{
    return {kProfileKey, kConfigKey, kPluginsKey};
}

QWidget* EppPluginEditor::widgetFor(const QString& key)
{
    if (key == kProfileKey)
        return m_profile;
    if (key == kConfigKey)
        return m_config;
    if (key == kPluginsKey)
        return this;
    return nullptr;
}

QWidget* EppPluginEditor::rowFor(const QString& key)
{
    if (key == kProfileKey)
        return m_profileRow;
    if (key == kConfigKey)
        return m_configRow;
    return widgetFor(key);
}

void EppPluginEditor::buildProfileRow()
{
    m_profile = new QComboBox;
    m_profile->setObjectName(QStringLiteral("eppProfile"));
    for (const std::string& name : sim::builtinEppProfileNames())
        m_profile->addItem(QString::fromStdString(name));
    m_profile->addItem(kCustom);
    m_profile->setToolTip(QString::fromStdString(m_profileSpec->help) +
                          tr("\n“custom”: the plugin list below, stored in routing.epp_plugins"));
    m_profile->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    guardWheel(m_profile);
    m_profileRow = new QWidget;
    auto* layout = new QHBoxLayout(m_profileRow);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(m_profile);
    m_profileRow->setFocusProxy(m_profile);
    connect(m_profile, &QComboBox::currentIndexChanged, this, &EppPluginEditor::onProfileChosen);
}

void EppPluginEditor::buildConfigRow()
{
    m_configRow = new QWidget;
    auto* layout = new QHBoxLayout(m_configRow);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(4);
    m_config = new QLineEdit;
    m_config->setObjectName(QStringLiteral("eppConfigFile"));
    m_config->setPlaceholderText(tr("none"));
    m_config->setClearButtonEnabled(true);
    m_configRow->setToolTip(QString::fromStdString(m_configSpec->help));
    auto* browse = new QToolButton;
    browse->setText(QStringLiteral("…"));
    browse->setToolTip(tr("Use an EndpointPickerConfig file (read at every run)"));
    layout->addWidget(m_config, 1);
    layout->addWidget(browse);
    m_configRow->setFocusProxy(m_config);
    connect(m_config, &QLineEdit::editingFinished, this, [this] {
        if (m_config->text() != m_configFile)
            onConfigChosen(m_config->text());
    });
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("EndpointPickerConfig file"), QString(),
                                                          tr("YAML (*.yaml *.yml);;All files (*)"));
        if (!file.isEmpty())
            onConfigChosen(file);
    });
}

void EppPluginEditor::buildPluginBlock()
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(3);
    setToolTip(QString::fromStdString(m_pluginsSpec->help) + QStringLiteral("\nAllowed: ") +
               QString::fromStdString(sim::allowedText(*m_pluginsSpec)));

    m_table = new QTableWidget(0, 2);
    m_table->setObjectName(QStringLiteral("scorerTable"));
    m_table->setHorizontalHeaderLabels({tr("Scorer"), tr("Weight")});
    m_table->horizontalHeader()->setSectionResizeMode(kType, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(kWeight, QHeaderView::Fixed);
    const int weightWidth = m_table->fontMetrics().horizontalAdvance(QStringLiteral("0000.00")) + 16;
    m_table->horizontalHeader()->resizeSection(kWeight, weightWidth);
    m_table->verticalHeader()->setVisible(false);
    setUpListTable(m_table);
    layout->addWidget(m_table);

    auto* rowButtons = new QHBoxLayout;
    rowButtons->setSpacing(2);
    auto* add = new QToolButton;
    add->setText(QStringLiteral("+"));
    add->setToolTip(tr("Add a scorer"));
    m_remove = new QToolButton;
    m_remove->setText(QStringLiteral("−"));
    m_remove->setToolTip(tr("Remove the selected scorer (else the last)"));
    m_source = new QLabel;
    m_source->setWordWrap(true);
    QFont small = m_source->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    m_source->setFont(small);
    rowButtons->addWidget(add);
    rowButtons->addWidget(m_remove);
    rowButtons->addWidget(m_source, 1);
    layout->addLayout(rowButtons);

    auto* grid = new QGridLayout;
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setHorizontalSpacing(6);
    grid->setVerticalSpacing(3);
    m_picker = new QComboBox;
    m_picker->setObjectName(QStringLiteral("eppPicker"));
    m_picker->addItems(typesOfKind(sim::routing::EppPluginKind::Picker));
    m_picker->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    guardWheel(m_picker);
    m_filters = new QLabel;
    m_filters->setWordWrap(true);
    grid->addWidget(new QLabel(tr("Picker")), 0, 0);
    grid->addWidget(m_picker, 0, 1);
    grid->addWidget(new QLabel(tr("Filters")), 1, 0);
    grid->addWidget(m_filters, 1, 1);
    grid->setColumnStretch(1, 1);
    layout->addLayout(grid);

    auto* load = new QPushButton(tr("Load EndpointPickerConfig…"));
    load->setToolTip(tr("Copy the plugins of an EndpointPickerConfig file into routing.epp_plugins"));
    layout->addWidget(load, 0, Qt::AlignLeft);

    m_message = messageLabel();
    m_message->setObjectName(QStringLiteral("eppMessage"));
    layout->addWidget(m_message);

    connect(add, &QToolButton::clicked, this, [this] {
        const QStringList types = typesOfKind(sim::routing::EppPluginKind::Scorer);
        QString type = types.value(0);
        for (const QString& candidate : types) {
            const std::string name = candidate.toStdString();
            const bool used = std::ranges::any_of(m_scorers, [&](const auto& s) { return s.type == name; });
            if (!used) {
                type = candidate;
                break;
            }
        }
        sim::EppPluginConfig scorer;
        scorer.type = type.toStdString();
        scorer.name = uniqueName(scorer.type, -1);
        m_scorers.push_back(scorer);
        requestPlugins(plugins());
    });
    connect(m_remove, &QToolButton::clicked, this, [this] {
        if (m_scorers.empty())
            return;
        const int row = m_table->currentRow() >= 0 ? m_table->currentRow() : static_cast<int>(m_scorers.size()) - 1;
        m_scorers.erase(m_scorers.begin() + row);
        requestPlugins(plugins());
    });
    connect(m_picker, &QComboBox::currentIndexChanged, this, &EppPluginEditor::onPickerChosen);
    connect(load, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Load EndpointPickerConfig"), QString(),
                                                          tr("YAML (*.yaml *.yml);;All files (*)"));
        if (!file.isEmpty())
            loadConfigFile(file);
    });
}

sim::PluginList EppPluginEditor::plugins() const
{
    sim::PluginList out = m_others;
    out.insert(out.end(), m_scorers.begin(), m_scorers.end());
    out.insert(out.end(), m_pickers.begin(), m_pickers.end());
    return out;
}

void EppPluginEditor::showScenario(const sim::Scenario& scenario)
{
    m_filling = true;
    const auto profile = std::get<std::string>(m_profileSpec->get(scenario));
    const auto config = std::get<std::string>(m_configSpec->get(scenario));
    const auto inlinePlugins = std::get<sim::PluginList>(m_pluginsSpec->get(scenario));
    m_profileName = QString::fromStdString(profile);
    m_configFile = QString::fromStdString(config);
    m_inline = !inlinePlugins.empty();
    const bool custom = m_inline || !config.empty();
    m_profile->setCurrentIndex(m_profile->findText(custom ? kCustom : m_profileName));
    m_config->setText(m_configFile);

    sim::EppConfig epp;
    epp.profile = profile;
    epp.configFile = config;
    epp.plugins = inlinePlugins;
    const auto resolved = sim::resolveEppConfig(epp);
    m_resolveError = resolved ? QString() : QString::fromStdString(resolved.error().toString());
    setPlugins(resolved ? resolved->plugins : sim::PluginList{});
    showSource();
    updateMessage();
    m_filling = false;
}

void EppPluginEditor::setPlugins(const sim::PluginList& plugins)
{
    if (samePlugins(plugins, this->plugins()) && m_table->rowCount() == static_cast<int>(m_scorers.size()))
        return; // keep the cell being edited alive
    m_others.clear();
    m_scorers.clear();
    m_pickers.clear();
    for (const sim::EppPluginConfig& plugin : plugins) {
        const auto kind = kindOf(plugin);
        if (kind == sim::routing::EppPluginKind::Scorer)
            m_scorers.push_back(plugin);
        else if (kind == sim::routing::EppPluginKind::Picker)
            m_pickers.push_back(plugin);
        else
            m_others.push_back(plugin);
    }

    const QSignalBlocker blocker(m_table);
    m_table->setRowCount(0);
    m_table->setRowCount(static_cast<int>(m_scorers.size()));
    for (int row = 0; row < m_table->rowCount(); ++row)
        addScorerRow(row);
    const int rows = std::clamp(m_table->rowCount(), 1, kVisibleRows);
    m_table->setFixedHeight(m_table->horizontalHeader()->sizeHint().height() +
                            rows * m_table->verticalHeader()->defaultSectionSize() + 2 * m_table->frameWidth());
    m_remove->setEnabled(!m_scorers.empty());

    {
        const QSignalBlocker pickerBlocker(m_picker);
        // No picker means max-score-picker (llmd.md §1.1), the first of the list.
        const QString picker = m_pickers.empty() ? QString() : QString::fromStdString(m_pickers.front().type);
        m_picker->setCurrentIndex(picker.isEmpty() ? 0 : m_picker->findText(picker));
    }
    QStringList others;
    for (const auto& plugin : m_others)
        others.append(QString::fromStdString(plugin.name.empty() ? plugin.type : plugin.name));
    m_filters->setText(others.isEmpty() ? tr("none") : others.join(QStringLiteral(", ")));
}

void EppPluginEditor::addScorerRow(int row)
{
    const auto index = static_cast<std::size_t>(row);
    const sim::EppPluginConfig& scorer = m_scorers[index];
    auto* type = new QComboBox;
    type->setFrame(false);
    type->addItems(typesOfKind(sim::routing::EppPluginKind::Scorer));
    type->setCurrentIndex(type->findText(QString::fromStdString(scorer.type)));
    type->setToolTip(scorer.parameters.empty() ? QString()
                                               : tr("Parameters (kept):\n") + parametersText(scorer));
    guardWheel(type);
    auto* weight = new CompactDoubleSpinBox;
    weight->setFrame(false);
    weight->setRange(0.0, kWidgetMaxWeight);
    weight->fitDecimals(scorer.weight, 2);
    weight->setValue(scorer.weight);
    weight->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    guardWheel(weight);
    selectRowOnFocus(m_table, type);
    selectRowOnFocus(m_table, weight);
    m_table->setCellWidget(row, kType, type);
    m_table->setCellWidget(row, kWeight, weight);

    connect(type, &QComboBox::currentIndexChanged, this, [this, type] {
        const int r = rowOf(type, kType);
        if (r < 0)
            return;
        auto& edited = m_scorers[static_cast<std::size_t>(r)];
        const std::string previous = edited.type;
        edited.type = type->currentText().toStdString();
        if (edited.name.empty() || edited.name == previous)
            edited.name = uniqueName(edited.type, r);
        edited.parameters.clear(); // another scorer's parameters do not apply
        requestPlugins(plugins());
    });
    connect(weight, &QDoubleSpinBox::valueChanged, this, [this, weight](double value) {
        const int r = rowOf(weight, kWeight);
        if (r < 0)
            return;
        m_scorers[static_cast<std::size_t>(r)].weight = value;
        requestPlugins(plugins());
    });
}

int EppPluginEditor::rowOf(const QWidget* cell, int column) const
{
    for (int row = 0; row < m_table->rowCount() && row < static_cast<int>(m_scorers.size()); ++row) {
        if (m_table->cellWidget(row, column) == cell)
            return row;
    }
    return -1;
}

std::string EppPluginEditor::uniqueName(const std::string& type, int skipRow) const
{
    const auto taken = [&](const std::string& name) {
        for (std::size_t i = 0; i < m_scorers.size(); ++i) {
            if (static_cast<int>(i) != skipRow && m_scorers[i].name == name)
                return true;
        }
        return false;
    };
    std::string name = type;
    for (int n = 2; taken(name); ++n)
        name = type + "-" + std::to_string(n);
    return name;
}

void EppPluginEditor::showSource()
{
    QString source;
    if (!m_inline && !m_configFile.isEmpty())
        source = tr("From %1: edit to customize").arg(QFileInfo(m_configFile).fileName());
    else if (!m_inline)
        source = tr("Profile “%1”: edit to customize").arg(m_profileName);
    m_source->setText(source);
    // A resolved profile or file reads as a preview until it is edited.
    QFont font = m_table->font();
    font.setItalic(!m_inline);
    m_table->setFont(font);
    m_picker->setFont(font);
}

void EppPluginEditor::setError(const QString& key, const QString& message)
{
    if (message.isEmpty())
        m_keyErrors.remove(key);
    else
        m_keyErrors.insert(key, message);
    updateMessage();
}

void EppPluginEditor::updateMessage()
{
    QStringList lines;
    for (const QString& key : keys()) {
        if (const QString error = m_keyErrors.value(key); !error.isEmpty() && !lines.contains(error))
            lines.append(error);
    }
    if (!m_resolveError.isEmpty())
        lines.append(m_resolveError);
    if (!m_loadError.isEmpty())
        lines.append(m_loadError);
    m_message->setText(lines.join(QLatin1Char('\n')));
    m_message->setVisible(!lines.isEmpty());
}

bool EppPluginEditor::loadConfigFile(const QString& fileName)
{
    const auto config = sim::loadEndpointPickerConfigFile(fileName.toStdString());
    if (!config) {
        m_loadError = QString::fromStdString(config.error().toString());
        updateMessage();
        return false;
    }
    m_loadError.clear();
    updateMessage();
    requestPlugins(config->plugins);
    return true;
}

void EppPluginEditor::clearLoadError()
{
    m_loadError.clear();
    updateMessage();
}

void EppPluginEditor::onProfileChosen()
{
    if (m_filling)
        return;
    const QString name = m_profile->currentText();
    if (name == kCustom) {
        if (!m_inline)
            requestPlugins(plugins()); // the shown profile becomes an editable copy
        return;
    }
    Q_EMIT editsRequested({{kProfileKey, yamlText(*m_profileSpec, name.toStdString())},
                           {kConfigKey, yamlText(*m_configSpec, std::string())},
                           {kPluginsKey, yamlText(*m_pluginsSpec, sim::PluginList{})}});
}

void EppPluginEditor::onConfigChosen(const QString& fileName)
{
    m_loadError.clear();
    FieldEdits edits{{kConfigKey, yamlText(*m_configSpec, fileName.toStdString())}};
    // The file and inline plugins exclude each other; an emptied path keeps what is inline.
    if (!fileName.isEmpty())
        edits.append({kPluginsKey, yamlText(*m_pluginsSpec, sim::PluginList{})});
    Q_EMIT editsRequested(edits);
}

void EppPluginEditor::onPickerChosen()
{
    if (m_filling)
        return;
    const std::string type = m_picker->currentText().toStdString();
    if (!m_pickers.empty() && m_pickers.front().type == type)
        return;
    sim::EppPluginConfig picker;
    picker.type = type;
    picker.name = type;
    m_pickers.assign(1, picker);
    requestPlugins(plugins());
}

void EppPluginEditor::requestPlugins(const sim::PluginList& plugins)
{
    if (m_filling)
        return;
    Q_EMIT editsRequested({{kConfigKey, yamlText(*m_configSpec, std::string())},
                           {kPluginsKey, yamlText(*m_pluginsSpec, plugins)}});
}

} // namespace kvroute::app
