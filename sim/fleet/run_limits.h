#pragma once
// How big one run may get. A scenario is estimated before it runs, so a typo (a rate of 1e6,
// a sample interval of a millisecond over days) fails at once with the key to change instead
// of eating the machine's memory; and a run whose pods fall behind for good is stopped with a
// clear error. The numbers are documented in docs/SCENARIOS.md ("Limits").

#include "sim/kernel/sim_time.h"
#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kvroute::sim {

struct RunLimits {
    /// Requests one run may send (about 100 bytes of results and 100 µs of CPU each).
    static constexpr double kMaxRequests = 20'000'000;
    /// KV blocks over all pods: the engine keeps about 60 bytes per block (block table, free
    /// queue, hash index), so this is about 2 GB.
    static constexpr std::int64_t kMaxKvBlocks = 32'000'000;
    /// Time-series points × pods kept in the results (each a few numbers per pod).
    static constexpr std::int64_t kMaxSeriesCells = 4'000'000;
    static constexpr std::int64_t kMaxSeriesPoints = 100'000;
    /// Prompt tokens a workload generates and keeps (system prompts, questions): 4 bytes each.
    static constexpr double kMaxWorkloadTokens = 100'000'000;
    /// Requests in flight at once (arrived, not yet answered); each holds its prompt's token ids.
    static constexpr std::int64_t kMaxInFlight = 1'000'000;
};

/// The number of requests the scenario's workload is expected to send (an estimate from its
/// rates and durations; exact for repeat-prompt; nullopt for traces, whose length is the file's).
[[nodiscard]] std::optional<double> expectedRequests(const Scenario& scenario);

/// Fails when the expected requests or the KV blocks over all pods pass the limits, naming the
/// key to change.
[[nodiscard]] Result<void> checkRunSize(const Scenario& scenario, std::int64_t kvBlocksPerPod);

/// The sample interval a run uses: the scenario's, or coarser when the run would keep more
/// time-series points than the limits allow (then `note` says so).
[[nodiscard]] SimTime boundedSampleInterval(const Scenario& scenario, std::string* note);

} // namespace kvroute::sim
