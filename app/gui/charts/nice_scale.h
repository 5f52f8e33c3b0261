#pragma once
// Axis ranges with round ticks (1, 2, 2.5, 5 × 10^k), as a person would draw them.

namespace kvroute::app::charts {

struct NiceScale {
    double min = 0.0;
    double max = 1.0;
    double step = 0.2;
    int decimals = 1; ///< digits after the point that the tick labels need
};

/// A range covering [lo, hi] with about `targetTicks` intervals. A degenerate range (lo == hi)
/// is widened; `integers` keeps the step at 1 or more (counts).
[[nodiscard]] NiceScale niceScale(double lo, double hi, int targetTicks = 5, bool integers = false);

} // namespace kvroute::app::charts
