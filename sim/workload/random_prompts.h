#pragma once
// inference-perf's `random` data set (kubernetes-sigs/inference-perf v0.2.0,
// inference_perf/datagen/random_datagen.py): prompt and answer lengths are drawn once, when the
// data generator is made, by utils/distribution.py generate_distribution (normal, clipped to
// [min, max], rounded half to even, clipped again); the request numbered n of a stage (n
// restarts at 0 each stage) takes input_lengths[n] random token ids and max_tokens =
// output_lengths[n]. Upstream indexes the arrays directly, so n >= total_count fails there;
// here n wraps modulo each array's length (the planner warns when a stage is that long).
//
// Every request draws fresh token ids (upstream decodes np.random.randint ids to text), so two
// requests share no prefix. Randomness: "workload/random/input-lengths",
// "workload/random/output-lengths" and "workload/random/prompts" (the ids, drawn in send order).

#include "sim/kernel/rng.h"
#include "sim/workload/stage_prompts.h"
#include "sim/workload/workload_config.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kvroute::sim {

/// inference-perf's `Distribution` (config.py): lengths in tokens.
struct LengthDistribution {
    std::int64_t min = 10;
    std::int64_t max = 1024;
    double mean = 512.0;
    double stdDev = 200.0;
    std::int64_t totalCount = 0; ///< how many lengths are drawn (> 0)
};

/// generate_distribution: `d.totalCount` lengths ~ Normal(mean, stdDev), clipped to [min, max]
/// and rounded half to even (numpy's round). `d` must be valid (min <= mean <= max, ...).
[[nodiscard]] std::vector<std::int32_t> drawLengths(const LengthDistribution& d, Rng& rng);

class RandomPrompts final : public StagePrompts {
public:
    RandomPrompts(const LengthDistribution& input, const LengthDistribution& output, ClientIpMode clientIps,
                  std::uint64_t seed);

    void fill(std::int64_t k, WorkloadRequest& request) override;
    [[nodiscard]] std::string describe() const override;

    [[nodiscard]] const std::vector<std::int32_t>& inputLengths() const noexcept { return m_input; }
    [[nodiscard]] const std::vector<std::int32_t>& outputLengths() const noexcept { return m_output; }

private:
    LengthDistribution m_inputSpec;
    LengthDistribution m_outputSpec;
    ClientIpMode m_clientIps;
    std::vector<std::int32_t> m_input;
    std::vector<std::int32_t> m_output;
    Rng m_tokens;
    std::uint64_t m_sent = 0; ///< each request is its own session
};

} // namespace kvroute::sim
