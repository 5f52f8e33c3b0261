#pragma once
// The load stages of shared-prefix (workload.shared_prefix.stages): a small table of
// (rate, duration) rows with add and remove.

#include "app/gui/editor/field_widgets.h"

class QTableWidget;
class QToolButton;

namespace kvroute::app {

class StageListEditor final : public FieldEditor {
    Q_OBJECT

public:
    explicit StageListEditor(const sim::FieldSpec& spec, QWidget* parent = nullptr);

    [[nodiscard]] QString valueText() const override;
    [[nodiscard]] QTableWidget* table() const { return m_table; }

protected:
    void display(const sim::FieldValue& value) override;

private:
    [[nodiscard]] sim::StageList stages() const;
    void setStages(const sim::StageList& stages);
    void addRow(const sim::SharedPrefixConfig::Stage& stage);
    void fitHeight();

    QTableWidget* m_table = nullptr;
    QToolButton* m_remove = nullptr;
};

} // namespace kvroute::app
