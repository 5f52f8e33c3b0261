#pragma once
// `kvroute sweep merge`: the records of a sweep's shards (run on other machines, or as the pods
// of a Kubernetes Indexed Job) put back together into one results file, checked: one base
// scenario, one grid, every point once.

#include "sim/sweep/sweep_records.h"

#include <string>
#include <vector>

namespace kvroute::sim {

struct SweepMergeInput {
    std::string path;
    SweepFile file;
};

struct SweepMerge {
    SweepGrid grid;
    std::string base;
    std::string gridId;
    std::vector<SweepPoint> points;   ///< the whole grid, in grid order
    std::vector<SweepRecord> records; ///< one per point found, in grid order
    std::vector<std::string> missing;    ///< keys of points no file holds
    std::vector<std::string> duplicates; ///< keys found more than once with the same results
};

/// Fails on records without grid information (a sweep older than sharding), records of another
/// base scenario or grid than the first record's, keys outside the grid, or a point found twice
/// with different results; each error names the file and line.
[[nodiscard]] Result<SweepMerge> mergeSweepRecords(const std::vector<SweepMergeInput>& inputs);

} // namespace kvroute::sim
