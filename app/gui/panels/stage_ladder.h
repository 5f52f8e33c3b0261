#pragma once
// How a staged workload's stages are drawn against their offered rate: consecutive stages of
// rising rate form one line (a QPS ladder); a stage that breaks the rise (a warm-up at a rate the
// ladder repeats later, a step down) starts a new piece. The longest piece is "the ladder"; the
// others are drawn apart so that two points at the same rate are never joined by a line that
// goes back on itself. Pure logic, no widgets.

#include <cstddef>
#include <vector>

namespace kvroute::app::stages {

/// Stages [first, first + count) in the workload's order, each at a higher rate than the last.
struct RisingRun {
    std::size_t first = 0;
    std::size_t count = 0;
};

/// The stages split into maximal runs of strictly rising rate, in order (none when no rates).
[[nodiscard]] std::vector<RisingRun> risingRuns(const std::vector<double>& rates);

/// Which run is the ladder: the longest one, the last of equally long ones (a ladder follows
/// its warm-up). Requires a non-empty `runs`.
[[nodiscard]] std::size_t ladderIndex(const std::vector<RisingRun>& runs);

} // namespace kvroute::app::stages
