#include "sim/workload/random_prompts.h"

#include "sim/util/check.h"
#include "sim/workload/client_ip.h"
#include "sim/workload/distribution.h"
#include "sim/workload/inference_perf_config.h"
#include "sim/workload/synthetic_tokens.h"

#include <algorithm>
#include <cmath>
#include <memory>

namespace kvroute::sim {

std::vector<std::int32_t> drawLengths(const LengthDistribution& d, Rng& rng)
{
    KVROUTE_CHECK(d.totalCount > 0 && d.min <= d.max && d.stdDev >= 0.0, "invalid length distribution");
    std::vector<std::int32_t> out;
    out.reserve(static_cast<std::size_t>(d.totalCount));
    const auto lo = static_cast<double>(d.min);
    const auto hi = static_cast<double>(d.max);
    for (std::int64_t i = 0; i < d.totalCount; ++i) {
        // np.clip, then np.round (half to even: nearbyint in the default rounding mode), then
        // np.clip again; the second clip cannot bind for integer bounds but is kept as upstream.
        const double clipped = std::clamp(rng.normal(d.mean, d.stdDev), lo, hi);
        const double rounded = std::clamp(std::nearbyint(clipped), lo, hi);
        out.push_back(static_cast<std::int32_t>(rounded));
    }
    return out;
}

RandomPrompts::RandomPrompts(const LengthDistribution& input, const LengthDistribution& output,
                             ClientIpMode clientIps, std::uint64_t seed)
    : m_inputSpec(input),
      m_outputSpec(output),
      m_clientIps(clientIps),
      m_tokens(Rng::stream(seed, "workload/random/prompts"))
{
    // An output length of 0 is sent as inference-perf's default max_tokens; an input length of 0
    // is refused when the config is read (inference_perf_config.cpp, readDistribution).
    KVROUTE_CHECK(input.min >= 1 && output.min >= 0, "random prompts need input lengths of at least one token");
    Rng inputRng = Rng::stream(seed, "workload/random/input-lengths");
    m_input = drawLengths(input, inputRng);
    Rng outputRng = Rng::stream(seed, "workload/random/output-lengths");
    m_output = drawLengths(output, outputRng);
}

void RandomPrompts::fill(std::int64_t k, WorkloadRequest& request)
{
    KVROUTE_CHECK(k >= 0, "negative request index");
    const auto inputLength = m_input[static_cast<std::size_t>(k % static_cast<std::int64_t>(m_input.size()))];
    const auto outputLength = m_output[static_cast<std::size_t>(k % static_cast<std::int64_t>(m_output.size()))];
    const std::uint64_t session = m_sent++;
    auto tokens = std::make_shared<TokenVector>();
    tokens->reserve(static_cast<std::size_t>(inputLength));
    appendRandomTokens(m_tokens, inputLength, *tokens);
    request.sessionId = session;
    request.clientIp = clientIpFor(m_clientIps, session, session);
    request.prompt = std::move(tokens);
    request.maxTokens = outputLength == 0 ? kInferencePerfDefaultMaxTokens : outputLength;
}

std::string RandomPrompts::describe() const
{
    const auto spec = [](const LengthDistribution& d) {
        return "normal(mean " + formatNumber(d.mean) + ", sd " + formatNumber(d.stdDev) + ") in [" +
               std::to_string(d.min) + ", " + std::to_string(d.max) + "], " + std::to_string(d.totalCount) +
               " drawn";
    };
    return "random: input " + spec(m_inputSpec) + ", output " + spec(m_outputSpec);
}

} // namespace kvroute::sim
