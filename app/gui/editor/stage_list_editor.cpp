#include "app/gui/editor/stage_list_editor.h"

#include "app/gui/editor/field_widgets.h"

#include "app/gui/editor/number_widgets.h"

#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QHeaderView>
#include <QtWidgets/QTableWidget>
#include <QtWidgets/QToolButton>
#include <QtWidgets/QVBoxLayout>

#include <algorithm>

namespace kvroute::app {

namespace {

enum Column { kRate = 0, kDuration = 1 };

// Widget limits only: the schema's item bounds (shown in the tooltip) decide what is valid,
// and a refused value is explained under the table.
constexpr double kWidgetMax = 1e9;
constexpr int kVisibleRows = 6;

} // namespace

StageListEditor::StageListEditor(const sim::FieldSpec& spec, QWidget* parent) : FieldEditor(spec, parent)
{
    auto* box = new QWidget;
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);

    m_table = new QTableWidget(0, 2);
    m_table->setObjectName(QStringLiteral("stageTable"));
    m_table->setHorizontalHeaderLabels({tr("Rate"), tr("Duration")});
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    setUpListTable(m_table);
    layout->addWidget(m_table);

    auto* buttons = new QHBoxLayout;
    buttons->setSpacing(2);
    auto* add = new QToolButton;
    add->setText(QStringLiteral("+"));
    add->setToolTip(tr("Add a stage (a copy of the last one)"));
    m_remove = new QToolButton;
    m_remove->setText(QStringLiteral("−"));
    m_remove->setToolTip(tr("Remove the selected stage (else the last)"));
    buttons->addWidget(add);
    buttons->addWidget(m_remove);
    buttons->addStretch(1);
    layout->addLayout(buttons);
    inputLayout()->addWidget(box, 1);
    setFocusProxy(m_table);

    connect(add, &QToolButton::clicked, this, [this] {
        const sim::StageList current = stages();
        addRow(current.empty() ? sim::SharedPrefixConfig::Stage{} : current.back());
        fitHeight();
        report();
    });
    connect(m_remove, &QToolButton::clicked, this, [this] {
        if (m_table->rowCount() == 0)
            return;
        const int row = m_table->currentRow() >= 0 ? m_table->currentRow() : m_table->rowCount() - 1;
        m_table->removeRow(row);
        fitHeight();
        report();
    });
    fitHeight();
}

QString StageListEditor::valueText() const
{
    return yamlText(spec(), stages());
}

void StageListEditor::display(const sim::FieldValue& value)
{
    setStages(std::get<sim::StageList>(value));
}

sim::StageList StageListEditor::stages() const
{
    sim::StageList out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const auto* rate = qobject_cast<QDoubleSpinBox*>(m_table->cellWidget(row, kRate));
        const auto* duration = qobject_cast<QDoubleSpinBox*>(m_table->cellWidget(row, kDuration));
        if (rate != nullptr && duration != nullptr)
            out.push_back({rate->value(), duration->value()});
    }
    return out;
}

void StageListEditor::setStages(const sim::StageList& stages)
{
    const sim::StageList current = this->stages();
    const bool same = std::equal(current.begin(), current.end(), stages.begin(), stages.end(),
                                 [](const auto& a, const auto& b) {
                                     return a.rate == b.rate && a.durationSeconds == b.durationSeconds;
                                 });
    if (same)
        return; // keep the cell being edited alive
    m_table->setRowCount(0);
    for (const auto& stage : stages)
        addRow(stage);
    fitHeight();
}

void StageListEditor::addRow(const sim::SharedPrefixConfig::Stage& stage)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    const auto cell = [this](double value, const QString& suffix) {
        auto* box = new CompactDoubleSpinBox;
        box->setFrame(false);
        box->setDecimals(3);
        box->setRange(0.0, kWidgetMax);
        box->fitDecimals(value, 3);
        box->setValue(value);
        box->setSuffix(suffix);
        box->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        box->setButtonSymbols(QAbstractSpinBox::NoButtons);
        guardWheel(box);
        selectRowOnFocus(m_table, box);
        connect(box, &QDoubleSpinBox::valueChanged, this, [this] { report(); });
        return box;
    };
    m_table->setCellWidget(row, kRate, cell(stage.rate, tr(" req/s")));
    m_table->setCellWidget(row, kDuration, cell(stage.durationSeconds, QStringLiteral(" s")));
}

// The table shows its rows without scrolling up to a handful, so the side panel scrolls instead.
void StageListEditor::fitHeight()
{
    const int rows = std::clamp(m_table->rowCount(), 1, kVisibleRows);
    const int height = m_table->horizontalHeader()->sizeHint().height() +
                       rows * m_table->verticalHeader()->defaultSectionSize() + 2 * m_table->frameWidth();
    m_table->setFixedHeight(height);
    m_remove->setEnabled(m_table->rowCount() > 0);
}

} // namespace kvroute::app
