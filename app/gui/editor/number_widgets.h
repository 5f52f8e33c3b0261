#pragma once
// Number editors: spin boxes with the schema's range and unit, a slider that snaps to the
// allowed values of an Int (vllm.block_size), a slider + spin box for small ranges
// (cluster.pods), and the optional integer (null = auto).

#include "app/gui/editor/field_widgets.h"

#include <QtWidgets/QDoubleSpinBox>

namespace kvroute::app {

/// A QDoubleSpinBox that prints no trailing zeros ("0.9 s", not "0.900 s"), prints huge values
/// in exponent form ("1e+18") and reads them back. With integer mode it edits int64 values
/// up to 2^53 (QSpinBox stops at 2^31).
class CompactDoubleSpinBox : public QDoubleSpinBox {
    Q_OBJECT

public:
    explicit CompactDoubleSpinBox(QWidget* parent = nullptr);
    void setIntegerMode(bool integer);
    /// Decimals that show `value` exactly, at least `minimum` and at most 6.
    void fitDecimals(double value, int minimum);

    [[nodiscard]] QString textFromValue(double value) const override;
    [[nodiscard]] double valueFromText(const QString& text) const override;
    QValidator::State validate(QString& input, int& pos) const override;

private:
    [[nodiscard]] QString core(const QString& text) const;
    bool m_integer = false;
};

/// Int, Double, Seconds and OptionalInt editors.
[[nodiscard]] FieldEditor* makeNumberEditor(const sim::FieldSpec& spec, QWidget* parent, bool showUnit);

} // namespace kvroute::app
