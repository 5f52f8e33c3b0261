#pragma once
// One editor widget per scenario key, chosen from the key's FieldSpec (type, range, allowed
// values, unit, help). Editors only read values (FieldSpec::get) and report the YAML text the
// user chose; ScenarioEditor applies that text with sim::setField, so every rule and range
// stays in the schema (sim/scenario/scenario_fields.cpp).

#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_schema.h"

#include <QtCore/QList>
#include <QtWidgets/QWidget>

class QHBoxLayout;
class QLabel;
class QTableWidget;

namespace kvroute::app {

class MessageLabel;

/// One key and the setField text for it; an edit may touch several keys at once (choosing an
/// EPP profile clears routing.epp_plugins and routing.epp_config).
struct FieldEdit {
    QString path;
    QString valueText;
};
using FieldEdits = QList<FieldEdit>;

class FieldEditor : public QWidget {
    Q_OBJECT

public:
    /// `spec` must outlive the editor (scenarioFields() entries live for the program).
    explicit FieldEditor(const sim::FieldSpec& spec, QWidget* parent = nullptr);

    [[nodiscard]] const sim::FieldSpec& spec() const { return *m_spec; }
    [[nodiscard]] QString path() const;

    /// Shows the key's value in `scenario` without reporting an edit.
    void showValue(const sim::Scenario& scenario);
    /// What the widget holds, as setField takes it ("32", "null", "[[3, 20]]").
    [[nodiscard]] virtual QString valueText() const = 0;

    /// Frames the input red and shows `message` under it; an empty message clears both.
    void setError(const QString& message);
    [[nodiscard]] QString error() const { return m_error; }
    /// A composite row (a distribution) prints its children's messages itself.
    void setShowsMessage(bool shows);
    /// Shows `note` under the input in a neutral colour (an error, when there is one, is shown
    /// instead); for what is true beside the scenario, e.g. an attached stack that differs.
    void setNote(const QString& note);
    [[nodiscard]] QString note() const { return m_note; }

Q_SIGNALS:
    /// The user changed the value; `valueText` is what valueText() returns.
    void edited(const QString& path, const QString& valueText);
    void errorChanged();

protected:
    virtual void display(const sim::FieldValue& value) = 0;
    /// Where subclasses put their input widgets (inside the frame that turns red).
    [[nodiscard]] QHBoxLayout* inputLayout() const { return m_input; }
    /// Emits edited() unless showValue() is filling the widgets.
    void report();
    [[nodiscard]] bool filling() const { return m_filling; }
    /// Help text plus what the schema allows, for tooltips.
    [[nodiscard]] QString toolTipText() const;
    /// " tokens": the unit as a spin box suffix (empty when unitless).
    [[nodiscard]] QString unitSuffix() const;

private:
    /// The error if any, else the note, in its colour.
    void updateMessage();

    const sim::FieldSpec* m_spec;
    QWidget* m_frame = nullptr; ///< paints the red frame
    QHBoxLayout* m_input = nullptr;
    MessageLabel* m_message = nullptr;
    QString m_error;
    QString m_note;
    bool m_filling = false;
    bool m_showsMessage = true;
};

/// The editor a field's type calls for (StageList included; PluginList and the other EPP keys
/// are edited by EppPluginEditor, which ScenarioEditor builds itself).
/// `showUnit` false leaves the unit out of number boxes (a compact row names it once).
[[nodiscard]] FieldEditor* makeFieldEditor(const sim::FieldSpec& spec, QWidget* parent = nullptr,
                                           bool showUnit = true);
/// A read-only text (the scenario's name and description).
[[nodiscard]] FieldEditor* makeReadOnlyEditor(const sim::FieldSpec& spec, QWidget* parent = nullptr);

/// `value` of `spec` as setField text, written by the schema itself (fieldValueText) so quoting
/// and number formats are never re-implemented here.
[[nodiscard]] QString yamlText(const sim::FieldSpec& spec, const sim::FieldValue& value);
/// A double as the shortest text that reads back as the same number.
[[nodiscard]] QString numberText(double value);

/// "block_size" -> "Block size", with GPU / KV / EPP / IPs spelled as such.
[[nodiscard]] QString keyLabel(const QString& key);

/// The look shared by the editor's small list tables (stages, EPP scorers): fixed row height,
/// whole-row single selection, no horizontal scroll bar, as tall as its rows.
void setUpListTable(QTableWidget* table);

/// Wheel events over `widget` scroll the side panel unless the widget has focus, so scrolling
/// past a spin box never changes a value by accident.
void guardWheel(QWidget* widget);

/// Focusing `cell` (a widget in `table`) selects its row, so "remove" acts on the row being
/// edited: the cell widget takes the click the table would otherwise select with.
void selectRowOnFocus(QTableWidget* table, QWidget* cell);

} // namespace kvroute::app
