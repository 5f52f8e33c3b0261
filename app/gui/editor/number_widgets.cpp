#include "app/gui/editor/number_widgets.h"

#include <QtCore/QRegularExpression>
#include <QtWidgets/QCheckBox>
#include <QtWidgets/QHBoxLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QSlider>
#include <QtWidgets/QSpinBox>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace kvroute::app {

namespace {

constexpr int kMaxDecimals = 6;
// Doubles hold integers exactly up to 2^53; the schema keeps 64-bit keys below it.
constexpr double kMaxExactInt = 9007199254740991.0;
// A slider is worth it when every value of the range is a few pixels of drag apart.
constexpr double kMaxSliderSpan = 512.0;
constexpr int kMinBoxWidth = 48;

struct IntBounds {
    double min;
    double max;
};

// The schema's bounds as a widget range (an exclusive lower bound of an integer is the next
// integer); a missing bound is the widest the widget holds, and the schema still decides.
IntBounds intBounds(const sim::FieldSpec& spec, double widest)
{
    double min = spec.min ? *spec.min : -widest;
    if (spec.min && spec.minExclusive)
        min = std::floor(min) + 1.0;
    const double max = spec.max ? *spec.max : widest;
    return {std::max(std::ceil(min), -widest), std::min(std::floor(max), widest)};
}

bool fitsInt(const IntBounds& bounds)
{
    return bounds.min >= std::numeric_limits<int>::min() && bounds.max <= std::numeric_limits<int>::max();
}

int decimalsFor(double value)
{
    for (int d = 0; d < kMaxDecimals; ++d) {
        const double scale = std::pow(10.0, d);
        if (std::fabs(std::round(value * scale) / scale - value) <= 1e-9 * std::max(1.0, std::fabs(value)))
            return d;
    }
    return kMaxDecimals;
}

void setupBox(QAbstractSpinBox* box)
{
    // Typing commits on Enter or focus loss; arrows, wheel and sliders commit every step.
    box->setKeyboardTracking(false);
    box->setMinimumWidth(kMinBoxWidth);
    box->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    box->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    guardWheel(box);
}

class IntEditor final : public FieldEditor {
public:
    IntEditor(const sim::FieldSpec& spec, QWidget* parent) : FieldEditor(spec, parent)
    {
        const IntBounds bounds = intBounds(spec, std::numeric_limits<int>::max());
        m_box = new QSpinBox;
        m_box->setRange(static_cast<int>(bounds.min), static_cast<int>(bounds.max));
        m_box->setSuffix(unitSuffix());
        m_box->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
        setupBox(m_box);
        inputLayout()->addWidget(m_box, 1);
        setFocusProxy(m_box);
        connect(m_box, &QSpinBox::valueChanged, this, [this] { report(); });
    }

    [[nodiscard]] QString valueText() const override { return QString::number(m_box->value()); }

protected:
    void display(const sim::FieldValue& value) override
    {
        m_box->setValue(static_cast<int>(std::get<std::int64_t>(value)));
    }

private:
    QSpinBox* m_box = nullptr;
};

/// Integers past QSpinBox's 32 bits (seed, max_requests).
class WideIntEditor final : public FieldEditor {
public:
    WideIntEditor(const sim::FieldSpec& spec, QWidget* parent) : FieldEditor(spec, parent)
    {
        const IntBounds bounds = intBounds(spec, kMaxExactInt);
        m_box = new CompactDoubleSpinBox;
        m_box->setIntegerMode(true);
        m_box->setRange(bounds.min, bounds.max);
        m_box->setSuffix(unitSuffix());
        setupBox(m_box);
        inputLayout()->addWidget(m_box, 1);
        setFocusProxy(m_box);
        connect(m_box, &QDoubleSpinBox::valueChanged, this, [this] { report(); });
    }

    [[nodiscard]] QString valueText() const override
    {
        return QString::number(static_cast<qint64>(std::llround(m_box->value())));
    }

protected:
    void display(const sim::FieldValue& value) override
    {
        m_box->setValue(static_cast<double>(std::get<std::int64_t>(value)));
    }

private:
    CompactDoubleSpinBox* m_box = nullptr;
};

/// An integer with a small range: drag the slider or type (cluster.pods).
class SliderIntEditor final : public FieldEditor {
public:
    SliderIntEditor(const sim::FieldSpec& spec, QWidget* parent) : FieldEditor(spec, parent)
    {
        const IntBounds bounds = intBounds(spec, kMaxSliderSpan);
        const int min = static_cast<int>(bounds.min);
        const int max = static_cast<int>(bounds.max);
        m_slider = new QSlider(Qt::Horizontal);
        m_slider->setRange(min, max);
        m_slider->setPageStep(std::max(1, (max - min) / 16));
        guardWheel(m_slider);
        m_box = new QSpinBox;
        m_box->setRange(min, max);
        m_box->setSuffix(unitSuffix());
        setupBox(m_box);
        m_box->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
        inputLayout()->addWidget(m_slider, 1);
        inputLayout()->addWidget(m_box);
        setFocusProxy(m_box);
        connect(m_slider, &QSlider::valueChanged, m_box, &QSpinBox::setValue);
        connect(m_box, &QSpinBox::valueChanged, this, [this](int value) {
            m_slider->setValue(value);
            report();
        });
    }

    [[nodiscard]] QString valueText() const override { return QString::number(m_box->value()); }

protected:
    void display(const sim::FieldValue& value) override
    {
        m_box->setValue(static_cast<int>(std::get<std::int64_t>(value)));
    }

private:
    QSlider* m_slider = nullptr;
    QSpinBox* m_box = nullptr;
};

/// An integer with a list of allowed values (vllm.block_size): a slider that stops only on
/// them, with the value beside it.
class AllowedIntEditor final : public FieldEditor {
public:
    AllowedIntEditor(const sim::FieldSpec& spec, QWidget* parent) : FieldEditor(spec, parent)
    {
        m_slider = new QSlider(Qt::Horizontal);
        m_slider->setRange(0, static_cast<int>(spec.allowed.size()) - 1);
        m_slider->setPageStep(1);
        m_slider->setTickPosition(QSlider::TicksBelow);
        m_slider->setTickInterval(1);
        guardWheel(m_slider);
        m_value = new QLabel;
        m_value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
        // Wide enough for the longest value, so the slider does not jump while dragging.
        int width = 0;
        for (const std::string& allowed : spec.allowed)
            width = std::max(width, m_value->fontMetrics().horizontalAdvance(QString::fromStdString(allowed) +
                                                                              unitSuffix()));
        m_value->setMinimumWidth(width + 4);
        inputLayout()->addWidget(m_slider, 1);
        inputLayout()->addWidget(m_value);
        setFocusProxy(m_slider);
        connect(m_slider, &QSlider::valueChanged, this, [this] {
            m_value->setText(currentText() + unitSuffix());
            report();
        });
        m_value->setText(currentText() + unitSuffix());
    }

    [[nodiscard]] QString valueText() const override { return currentText(); }

protected:
    void display(const sim::FieldValue& value) override
    {
        const std::string text = std::to_string(std::get<std::int64_t>(value));
        const auto& allowed = spec().allowed;
        const auto it = std::find(allowed.begin(), allowed.end(), text);
        if (it != allowed.end())
            m_slider->setValue(static_cast<int>(it - allowed.begin()));
    }

private:
    [[nodiscard]] QString currentText() const
    {
        return QString::fromStdString(spec().allowed.at(static_cast<std::size_t>(m_slider->value())));
    }

    QSlider* m_slider = nullptr;
    QLabel* m_value = nullptr;
};

class DoubleEditor final : public FieldEditor {
public:
    DoubleEditor(const sim::FieldSpec& spec, QWidget* parent, bool showUnit) : FieldEditor(spec, parent)
    {
        constexpr double kWidest = 1e18;
        // Enough decimals for a millisecond and for the bounds themselves (0.001 s).
        m_minDecimals = 3;
        if (spec.min)
            m_minDecimals = std::max(m_minDecimals, decimalsFor(*spec.min));
        m_box = new CompactDoubleSpinBox;
        m_box->setDecimals(m_minDecimals);
        // An exclusive bound stays reachable: the schema, not the widget, says why it is refused.
        m_box->setRange(spec.min ? *spec.min : -kWidest, spec.max ? *spec.max : kWidest);
        m_box->setSuffix(showUnit ? unitSuffix() : QString());
        setupBox(m_box);
        inputLayout()->addWidget(m_box, 1);
        setFocusProxy(m_box);
        connect(m_box, &QDoubleSpinBox::valueChanged, this, [this] { report(); });
    }

    [[nodiscard]] QString valueText() const override { return numberText(m_box->value()); }

protected:
    void display(const sim::FieldValue& value) override
    {
        const double v = std::get<double>(value);
        m_box->fitDecimals(v, m_minDecimals);
        m_box->setValue(v);
    }

private:
    CompactDoubleSpinBox* m_box = nullptr;
    int m_minDecimals = 3;
};

/// An integer or null (vllm.num_gpu_blocks_override): unchecked shows "auto" and means null.
class OptionalIntEditor final : public FieldEditor {
public:
    OptionalIntEditor(const sim::FieldSpec& spec, QWidget* parent) : FieldEditor(spec, parent)
    {
        // One below the minimum is the spin box's "auto" (null) position.
        const IntBounds bounds = intBounds(spec, std::numeric_limits<int>::max() - 1);
        m_min = static_cast<int>(bounds.min);
        m_last = m_min;
        m_set = new QCheckBox(tr("set"));
        m_set->setToolTip(tr("Unchecked: null (auto)"));
        m_box = new QSpinBox;
        m_box->setRange(m_min - 1, static_cast<int>(bounds.max));
        m_box->setSpecialValueText(tr("auto"));
        m_box->setSuffix(unitSuffix());
        m_box->setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
        setupBox(m_box);
        inputLayout()->addWidget(m_set);
        inputLayout()->addWidget(m_box, 1);
        setFocusProxy(m_box);
        connect(m_set, &QCheckBox::toggled, this, [this](bool on) {
            showSet(on);
            report();
        });
        connect(m_box, &QSpinBox::valueChanged, this, [this](int value) {
            if (!m_set->isChecked())
                return;
            m_last = value;
            report();
        });
        showSet(false);
    }

    [[nodiscard]] QString valueText() const override
    {
        return m_set->isChecked() ? QString::number(m_box->value()) : QStringLiteral("null");
    }

protected:
    void display(const sim::FieldValue& value) override
    {
        const auto& v = std::get<std::optional<std::int64_t>>(value);
        if (v)
            m_last = static_cast<int>(*v);
        m_set->setChecked(v.has_value());
        showSet(v.has_value());
    }

private:
    void showSet(bool on)
    {
        const QSignalBlocker blocker(m_box);
        m_box->setMinimum(on ? m_min : m_min - 1);
        m_box->setValue(on ? m_last : m_min - 1);
        m_box->setEnabled(on);
    }

    QCheckBox* m_set = nullptr;
    QSpinBox* m_box = nullptr;
    int m_min = 0;
    int m_last = 0;
};

} // namespace

CompactDoubleSpinBox::CompactDoubleSpinBox(QWidget* parent) : QDoubleSpinBox(parent)
{
    setStepType(QAbstractSpinBox::AdaptiveDecimalStepType);
    setKeyboardTracking(false);
}

void CompactDoubleSpinBox::setIntegerMode(bool integer)
{
    m_integer = integer;
    setDecimals(integer ? 0 : decimals());
}

void CompactDoubleSpinBox::fitDecimals(double value, int minimum)
{
    if (m_integer)
        return;
    setDecimals(std::max(minimum, decimalsFor(value)));
}

QString CompactDoubleSpinBox::textFromValue(double value) const
{
    QLocale locale = this->locale();
    locale.setNumberOptions(locale.numberOptions() | QLocale::OmitGroupSeparator);
    if (m_integer)
        return locale.toString(value, 'f', 0);
    if (std::fabs(value) >= 1e9)
        return locale.toString(value, 'g', QLocale::FloatingPointShortest);
    QString text = locale.toString(value, 'f', decimals());
    if (text.contains(locale.decimalPoint())) {
        while (text.endsWith(QLatin1Char('0')))
            text.chop(1);
        if (text.endsWith(locale.decimalPoint()))
            text.chop(locale.decimalPoint().size());
    }
    return text;
}

QString CompactDoubleSpinBox::core(const QString& text) const
{
    QString out = text;
    if (!prefix().isEmpty() && out.startsWith(prefix()))
        out.remove(0, prefix().size());
    if (!suffix().isEmpty() && out.endsWith(suffix()))
        out.chop(suffix().size());
    return out.trimmed();
}

double CompactDoubleSpinBox::valueFromText(const QString& text) const
{
    const QString number = core(text);
    bool ok = false;
    double value = locale().toDouble(number, &ok);
    if (!ok)
        value = number.toDouble(&ok); // "1e+18" typed in the C locale
    return ok ? value : this->value();
}

QValidator::State CompactDoubleSpinBox::validate(QString& input, int& /*pos*/) const
{
    const QString number = core(input);
    if (number.isEmpty())
        return QValidator::Intermediate;
    bool ok = false;
    double value = locale().toDouble(number, &ok);
    if (!ok)
        value = number.toDouble(&ok);
    if (ok)
        return value >= minimum() && value <= maximum() ? QValidator::Acceptable : QValidator::Intermediate;
    // Half-typed numbers: "-", "0.", "1e", "1e+".
    static const QRegularExpression kPartial(QStringLiteral("^[+-]?[0-9]*[.,]?[0-9]*([eE][+-]?[0-9]*)?$"));
    return kPartial.match(number).hasMatch() ? QValidator::Intermediate : QValidator::Invalid;
}

FieldEditor* makeNumberEditor(const sim::FieldSpec& spec, QWidget* parent, bool showUnit)
{
    switch (spec.type) {
    case sim::FieldType::Int: {
        if (!spec.allowed.empty())
            return new AllowedIntEditor(spec, parent);
        const IntBounds bounds = intBounds(spec, kMaxExactInt);
        if (spec.min && spec.max && bounds.max - bounds.min <= kMaxSliderSpan)
            return new SliderIntEditor(spec, parent);
        if (fitsInt(bounds))
            return new IntEditor(spec, parent);
        return new WideIntEditor(spec, parent);
    }
    case sim::FieldType::Double:
    case sim::FieldType::Seconds:
        return new DoubleEditor(spec, parent, showUnit);
    case sim::FieldType::OptionalInt:
        return new OptionalIntEditor(spec, parent);
    default:
        break;
    }
    return nullptr;
}

} // namespace kvroute::app
