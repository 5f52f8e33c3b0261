#pragma once
// The scenario editor side panel, generated from the scenario schema (scenarioFields(),
// scenarioGroups()): one editor per key, grouped in foldable sections (Model & GPU, vLLM
// settings, Cluster, Routing, Workload, Run), showing only the keys the routing policy and
// workload type read.
//
// Every edit is applied with sim::setField to a draft copy of the scenario: a refused value is
// marked at its key with the schema's reason and changes nothing; an accepted one is checked
// with the cross-key rules (scenarioIssues / validateScenario), whose errors are marked at the
// key they name. Only a valid draft is emitted. Warnings (scenarioWarnings) show at the top.

#include "app/gui/editor/field_widgets.h"
#include "sim/scenario/scenario.h"
#include "sim/scenario/scenario_validation.h"

#include <QtCore/QHash>
#include <QtCore/QMetaType>
#include <QtWidgets/QWidget>

#include <vector>

class QFormLayout;
class QLabel;
class QScrollArea;

namespace kvroute::app {

class DistributionRow;
class EditorSection;
class EppPluginEditor;

class ScenarioEditor : public QWidget {
    Q_OBJECT

public:
    explicit ScenarioEditor(QWidget* parent = nullptr);

    /// Fills the widgets; emits nothing.
    void setScenario(const sim::Scenario& scenario);
    /// The last valid scenario (setScenario's, or the last one emitted).
    [[nodiscard]] const sim::Scenario& scenario() const { return m_valid; }
    /// A refused value or a cross-key error is shown.
    [[nodiscard]] bool hasErrors() const;
    /// The editor widget of a key (or of a distribution group), for tests and focus.
    [[nodiscard]] QWidget* fieldWidget(const QString& path) const;
    /// Applies `valueText` to `path` as if typed there (setField text: "32", "null", "[[3, 20]]").
    /// Returns whether the edited scenario is valid (and was emitted).
    bool setFieldText(const QString& path, const QString& valueText);
    /// The error shown at a key (empty when none), for tests.
    [[nodiscard]] QString errorText(const QString& path) const;
    /// A neutral note under a key's input ("" clears it): what is true beside the scenario,
    /// e.g. that an attached live stack runs another pod count. Kept across setScenario.
    void setFieldNote(const QString& path, const QString& note);
    [[nodiscard]] QString fieldNote(const QString& path) const;
    /// The warnings note at the top, for tests.
    [[nodiscard]] QString warningText() const;
    [[nodiscard]] EppPluginEditor* eppEditor() const { return m_epp; }

    [[nodiscard]] QSize sizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;

Q_SIGNALS:
    /// After each valid edit (not after setScenario).
    void scenarioEdited(const kvroute::sim::Scenario& scenario);
    void validityChanged(bool valid);

private:
    struct Row {
        std::string path;     ///< the key or group whose visibility the row follows
        QFormLayout* form;
        QWidget* field;       ///< the row's field widget (QFormLayout::setRowVisible)
    };

    void build();
    void addField(const sim::FieldSpec& field, EditorSection* section);
    void addEppRows(EditorSection* section);
    void addRow(EditorSection* section, const std::string& path, const QString& label, QWidget* field,
                const QString& help, bool wide);
    void alignLabels();
    [[nodiscard]] EditorSection* sectionFor(const std::string& section);
    bool apply(const FieldEdits& edits, const QObject* origin);
    void refresh(const QObject* origin, bool routing);
    void updateVisibility();
    void updateMinimumWidth();
    void updateErrors(const QString& editedPath);
    void updateWarnings();
    void updateValidity(bool announce);

    sim::Scenario m_valid;
    sim::Scenario m_draft; ///< what the widgets show: every accepted value, maybe invalid together
    QHash<QString, QString> m_fieldErrors; ///< values setField refused, by key
    std::vector<sim::ScenarioIssue> m_issues;
    bool m_lastValid = true;

    QWidget* m_content = nullptr;
    QScrollArea* m_scroll = nullptr;
    QLabel* m_warnings = nullptr;
    QLabel* m_hiddenErrors = nullptr;
    QHash<QString, EditorSection*> m_sections;
    QList<EditorSection*> m_sectionOrder;
    QHash<QString, FieldEditor*> m_editors;
    QHash<QString, DistributionRow*> m_distributions;
    EppPluginEditor* m_epp = nullptr;
    QHash<QString, QWidget*> m_widgets;
    std::vector<Row> m_rows;
    QList<QLabel*> m_labels; ///< the label column of every section
    int m_labelTopMargin = 0;
    int m_widestLabel = 0;
    int m_labelWidth = 0;
};

} // namespace kvroute::app

Q_DECLARE_METATYPE(kvroute::sim::Scenario)
