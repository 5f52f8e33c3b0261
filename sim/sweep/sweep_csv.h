#pragma once
// A sweep's finished points as CSV (the Sweep tab's export, docs/RESULTS.md): one row per point,
// and for a staged workload a second, long-format file with one row per point and stage.

#include "sim/sweep/sweep_records.h"

#include <string>
#include <vector>

namespace kvroute::sim {

/// One row per record, in the order given: the values of the swept keys (`parameters`, in
/// order), then repeat, seed and the point's figures.
[[nodiscard]] std::string sweepPointsCsv(const std::vector<SweepParameter>& parameters,
                                         const std::vector<SweepRecord>& records);

/// One row per record and stage, records in the order given and their stages in workload order:
/// the swept keys' values, repeat, seed, stage (its position among the point's stages, 0 first),
/// then the stage's figures. Empty when no record has stages.
[[nodiscard]] std::string sweepStagesCsv(const std::vector<SweepParameter>& parameters,
                                         const std::vector<SweepRecord>& records);

} // namespace kvroute::sim
