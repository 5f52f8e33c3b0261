#pragma once
// The llm-d Endpoint Picker of policy epp: a profile combo (the built-in profiles + custom), the
// EndpointPickerConfig file, and the resolved plugin list as a table of scorers with weights, a
// picker and the filters. Edits the keys routing.profile, routing.epp_config and
// routing.epp_plugins, always through setField text (FieldEdits), never the Scenario.
//
// A built-in profile or a file is shown resolved (italic, "edit to customize"); the first edit
// of the table or the picker writes the whole list to routing.epp_plugins, and the profile
// combo then says "custom".

#include "app/gui/editor/field_widgets.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_schema.h"

#include <QtCore/QHash>
#include <QtWidgets/QWidget>

#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableWidget;
class QToolButton;

namespace kvroute::app {

class EppPluginEditor final : public QWidget {
    Q_OBJECT

public:
    explicit EppPluginEditor(QWidget* parent = nullptr);

    /// The keys this editor owns (routing.profile, routing.epp_config, routing.epp_plugins).
    [[nodiscard]] static QStringList keys();
    /// The widget that edits `key` (the plugin list is this editor itself).
    [[nodiscard]] QWidget* widgetFor(const QString& key);
    /// The widget to put in a form row for `key` (the widget with its margins).
    [[nodiscard]] QWidget* rowFor(const QString& key);

    /// Shows the EPP keys of `scenario` and its resolved plugins; reports nothing.
    void showScenario(const sim::Scenario& scenario);
    /// Marks `key` invalid with `message` (empty clears); shown under the plugin table.
    void setError(const QString& key, const QString& message);
    [[nodiscard]] QString error(const QString& key) const { return m_keyErrors.value(key); }

    /// Reads an EndpointPickerConfig file into routing.epp_plugins (what "Load
    /// EndpointPickerConfig…" does after its file dialog). Errors show inline with
    /// file:line:column; returns false then.
    bool loadConfigFile(const QString& fileName);
    /// Drops the message of a failed load (a new scenario was opened).
    void clearLoadError();

    [[nodiscard]] QComboBox* profileCombo() const { return m_profile; }
    [[nodiscard]] QTableWidget* scorerTable() const { return m_table; }
    [[nodiscard]] QComboBox* pickerCombo() const { return m_picker; }
    /// The plugins the editor shows, in the order it writes them.
    [[nodiscard]] sim::PluginList plugins() const;

Q_SIGNALS:
    void editsRequested(const kvroute::app::FieldEdits& edits);

private:
    void buildProfileRow();
    void buildConfigRow();
    void buildPluginBlock();
    void setPlugins(const sim::PluginList& plugins);
    void addScorerRow(int row);
    void showSource();
    void updateMessage();
    void onProfileChosen();
    void onConfigChosen(const QString& fileName);
    void onPickerChosen();
    void requestPlugins(const sim::PluginList& plugins);
    [[nodiscard]] int rowOf(const QWidget* cell, int column) const;
    [[nodiscard]] std::string uniqueName(const std::string& type, int skipRow) const;

    const sim::FieldSpec* m_profileSpec = nullptr;
    const sim::FieldSpec* m_configSpec = nullptr;
    const sim::FieldSpec* m_pluginsSpec = nullptr;

    QWidget* m_profileRow = nullptr;
    QComboBox* m_profile = nullptr;
    QWidget* m_configRow = nullptr;
    QLineEdit* m_config = nullptr;
    QTableWidget* m_table = nullptr;
    QToolButton* m_remove = nullptr;
    QLabel* m_source = nullptr;
    QComboBox* m_picker = nullptr;
    QLabel* m_filters = nullptr;
    QLabel* m_message = nullptr;

    /// The resolved list split the way it is edited: scorers are table rows (parameters kept),
    /// everything else keeps its place before them, the picker comes last.
    std::vector<sim::EppPluginConfig> m_others;
    std::vector<sim::EppPluginConfig> m_scorers;
    std::vector<sim::EppPluginConfig> m_pickers;

    QString m_profileName;   ///< routing.profile as the scenario has it
    QString m_configFile;    ///< routing.epp_config as the scenario has it
    bool m_inline = false;   ///< routing.epp_plugins is set (else a profile or file is shown)
    bool m_filling = false;
    QString m_resolveError;  ///< the profile or file could not be read
    QString m_loadError;     ///< the last "Load EndpointPickerConfig…" failed
    QHash<QString, QString> m_keyErrors;
};

} // namespace kvroute::app
