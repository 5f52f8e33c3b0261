#include "app/gui/charts/nice_scale.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace kvroute::app::charts {

namespace {

/// Inputs are clamped to this so that hi - lo stays finite (1e300 - -1e300 is not).
constexpr double kLargest = 1e307;

int decimalsFor(double step)
{
    for (int d = 0; d < 8; ++d) {
        const double scaled = step * std::pow(10.0, d);
        if (std::abs(scaled - std::round(scaled)) < 1e-6 * std::max(1.0, scaled))
            return d;
    }
    return 8;
}

} // namespace

NiceScale niceScale(double lo, double hi, int targetTicks, bool integers)
{
    if (!std::isfinite(lo) || !std::isfinite(hi)) {
        lo = 0.0;
        hi = 1.0;
    }
    if (lo > hi)
        std::swap(lo, hi);
    lo = std::clamp(lo, -kLargest, kLargest);
    hi = std::clamp(hi, -kLargest, kLargest);
    if (hi - lo <= 1e-12 * std::max(1.0, std::abs(hi))) {
        if (hi == 0.0) {
            hi = 1.0;
        } else {
            const double pad = std::abs(hi) * 0.1;
            const bool nonNegative = lo >= 0.0;
            lo -= pad;
            hi += pad;
            if (nonNegative && lo < 0.0)
                lo = 0.0;
        }
    }
    const double raw = (hi - lo) / std::max(1, targetTicks);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    const double normalized = raw / magnitude;
    double factor = 10.0;
    if (normalized <= 1.0)
        factor = 1.0;
    else if (normalized <= 2.0)
        factor = 2.0;
    else if (normalized <= 2.5 && !(integers && magnitude < 10.0))
        factor = 2.5; // 2.5 is not an integer step below 10
    else if (normalized <= 5.0)
        factor = 5.0;
    double step = factor * magnitude;
    if (integers)
        step = std::max(1.0, std::round(step));

    NiceScale scale;
    scale.step = step;
    // The epsilon keeps a bound that is already on a tick from growing by a whole step.
    scale.min = std::floor(lo / step + 1e-9) * step + 0.0;
    scale.max = std::ceil(hi / step - 1e-9) * step + 0.0;
    if (scale.max <= scale.min)
        scale.max = scale.min + step;
    scale.decimals = decimalsFor(step);
    if (!std::isfinite(scale.min) || !std::isfinite(scale.max) || !(scale.step > 0.0) || !std::isfinite(scale.step))
        return NiceScale{}; // subnormal spans: nothing sensible to draw, 0..1 at least draws
    return scale;
}

} // namespace kvroute::app::charts
