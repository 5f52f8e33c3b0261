#include "app/gui/charts/value_axis_scale.h"

#include <QtCharts/QValueAxis>

#include <algorithm>
#include <cmath>
#include <limits>

namespace kvroute::app::charts {

namespace {

/// More ticks than this cannot be read anyway; nice scales have about five.
constexpr double kMaxDynamicTicks = 100.0;
/// The tick count used when the step cannot be trusted.
constexpr int kFallbackTickCount = 5;
/// A step smaller than this share of the values it is added to is lost in rounding: Qt's tick
/// loop (value += interval) would never reach the end of the axis.
constexpr double kMinRelativeStep = 1e-9;

bool usableStep(double step, double min, double max)
{
    if (!(step > 0.0) || !std::isfinite(step))
        return false;
    const double magnitude = std::max(std::abs(min), std::abs(max));
    return step > magnitude * kMinRelativeStep && (max - min) / step <= kMaxDynamicTicks;
}

/// Fixed decimals read best ("0.25", "120"); very small or very large values need exponents.
QString labelFormatFor(const NiceScale& scale, double min, double max)
{
    const double magnitude = std::max(std::abs(min), std::abs(max));
    if (magnitude >= 1e9 || scale.decimals >= 6)
        return QStringLiteral("%.3g");
    return QStringLiteral("%.") + QString::number(scale.decimals) + QStringLiteral("f");
}

} // namespace

void applyValueAxisScale(QValueAxis* axis, const NiceScale& scale, double min, double max)
{
    if (!std::isfinite(min) || !std::isfinite(max) || !(max > min)) {
        min = scale.min;
        max = scale.max;
    }
    if (!std::isfinite(min) || !std::isfinite(max) || !(max > min)) {
        min = 0.0;
        max = 1.0;
    }
    // Fixed ticks while range and interval change: no mix of the old interval and the new
    // range (or the reverse) is ever laid out.
    axis->setTickType(QValueAxis::TicksFixed);
    axis->setTickCount(kFallbackTickCount);
    axis->setRange(min, max);
    if (usableStep(scale.step, min, max) && std::isfinite(scale.min) && scale.min <= min) {
        axis->setTickAnchor(scale.min);
        axis->setTickInterval(scale.step);
        axis->setTickType(QValueAxis::TicksDynamic);
    }
    axis->setLabelFormat(labelFormatFor(scale, min, max));
}

double valueAxisTickCount(const QValueAxis* axis)
{
    if (axis->tickType() != QValueAxis::TicksDynamic)
        return axis->tickCount();
    const double interval = axis->tickInterval();
    if (!(interval > 0.0))
        return std::numeric_limits<double>::infinity();
    return std::floor((axis->max() - axis->min()) / interval) + 1.0;
}

} // namespace kvroute::app::charts
