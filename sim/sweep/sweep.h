#pragma once
// Parameter sweeps: a grid of scenario overrides × repeats (different seeds), run in parallel
// threads, each point an independent simulation. Used by `kvroute sweep` and the GUI.

#include "sim/metrics/run_results.h"
#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace kvroute::sim {

struct SweepParameter {
    std::string path;                ///< scenario key, e.g. "vllm.block_size"
    std::vector<std::string> values; ///< as --set would take them
};

/// "path=v1,v2,..." or "path=start:stop:step" (inclusive numeric range).
[[nodiscard]] Result<SweepParameter> parseSweepParameter(std::string_view text);

/// Fails when a --set override names a key that is also swept: each point's value would
/// silently replace it.
[[nodiscard]] Result<void> checkSweepOverrides(const std::vector<SweepParameter>& parameters,
                                               const std::vector<std::string>& overrides);

/// Most points one sweep may have (all values multiplied, times the repeats): each is a whole
/// simulation, and the grid is built in memory before the first one runs.
inline constexpr std::int64_t kMaxSweepPoints = 100'000;

/// Each key may be swept once (a second --param for the same key would silently win), and the
/// grid, `repeats` times over, may have at most kMaxSweepPoints points.
[[nodiscard]] Result<void> checkSweepParameters(const std::vector<SweepParameter>& parameters, int repeats = 1);

/// Identity of the base scenario a sweep varies: every resolved key (the seed included, after
/// --set) and the contents of the EndpointPickerConfig and trace files it names; 16 hex digits.
/// Records of a results file are reused only under the same base.
[[nodiscard]] std::string sweepBaseId(const Scenario& base);

struct SweepPoint {
    std::vector<std::pair<std::string, std::string>> assignments; ///< (path, value) in parameter order
    int repeat = 0;
    std::uint64_t seed = 0; ///< base seed + repeat

    /// Stable identity for resuming: "path=value;path=value;#repeat", paths in alphabetical
    /// order so that listing the parameters in another order names the same points.
    [[nodiscard]] std::string key() const;
};

/// The cartesian product of the parameters (first parameter varies slowest) × repeats.
[[nodiscard]] std::vector<SweepPoint> expandSweepGrid(const std::vector<SweepParameter>& parameters, int repeats,
                                                      std::uint64_t baseSeed);

/// What a sweep varies: its parameters and repeats. Every record carries it, so shards of one
/// sweep written on different machines can be recognised, merged and checked for gaps.
struct SweepGrid {
    std::vector<SweepParameter> parameters;
    int repeats = 1;
};

/// 16 hex digits over the parameters (paths and values, in order) and the repeats.
[[nodiscard]] std::string sweepGridId(const SweepGrid& grid);

/// One of `count` disjoint slices of a sweep (Kubernetes Indexed Jobs number them 0..count-1).
struct SweepShard {
    int index = 0;
    int count = 1;
};

/// "I/N" with 0 ≤ I < N ≤ 100000.
[[nodiscard]] Result<SweepShard> parseSweepShard(std::string_view text);

/// Fails when two values of one key resolve to the same scenario (01 and 1, 1 and 1.0): every
/// point would run twice under two keys. Values that do not apply are left to validateSweep.
[[nodiscard]] Result<void> checkSweepValuesDistinct(const Scenario& base, const std::vector<SweepParameter>& parameters);

/// The points of `grid` (in grid order) that belong to `shard`: point i goes to shard i mod N,
/// so shards differ by at most one point and a slow region of the grid (many pods, say) is
/// spread over all of them. Every point is in exactly one shard.
[[nodiscard]] std::vector<SweepPoint> shardPoints(const std::vector<SweepPoint>& grid, SweepShard shard);

/// Checks every assignment of every point against `base` before anything runs.
[[nodiscard]] Result<void> validateSweep(const Scenario& base, const std::vector<SweepPoint>& points);

struct SweepOutcome {
    SweepPoint point;
    Result<RunResults> results;
    double wallSeconds = 0.0;
};

/// Runs `points` on `jobs` threads; `onDone` is called (serialised) as each finishes, in
/// completion order. Stops starting new points once `cancel` is set. Deterministic per point.
void runSweep(const Scenario& base, const std::vector<SweepPoint>& points, int jobs,
              const std::function<void(const SweepOutcome&)>& onDone, const std::atomic<bool>* cancel = nullptr);

} // namespace kvroute::sim
