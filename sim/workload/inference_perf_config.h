#pragma once
// An inference-perf config file (kubernetes-sigs/inference-perf v0.2.0, inference_perf/config.py),
// read strictly: the parts that shape the load are parsed and checked, the rest (server,
// tokenizer, report, storage, metrics) is accepted and ignored. Unknown keys at the top level and
// in load and data are errors naming file:line:column, the key and the allowed keys. Defaults
// are inference-perf's own.

#include "sim/util/result.h"
#include "sim/workload/random_prompts.h"
#include "sim/workload/workload_config.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kvroute::sim {

enum class InferencePerfData : std::uint8_t { SharedPrefix, Random };

/// What inference-perf v0.2.0 sends as max_tokens for a request whose data set gave 0: its
/// OpenAI client's max_completion_tokens (client/modelserver/openai_client.py), substituted in
/// CompletionAPIData.to_payload (apis/completion.py).
inline constexpr std::int32_t kInferencePerfDefaultMaxTokens = 30;

struct InferencePerfConfig {
    std::string file; ///< as read (for messages)

    // load (LoadConfig, config.py 110-117)
    ArrivalProcess loadType = ArrivalProcess::Constant; ///< `constant` is inference-perf's default
    std::vector<LoadStage> stages;
    double intervalSeconds = 1.0;
    std::optional<std::int64_t> numWorkers; ///< default cpu_count() of the benchmark machine
    std::int64_t workerMaxConcurrency = 100;

    // data (DataConfig 63-72)
    InferencePerfData data = InferencePerfData::SharedPrefix;
    std::int32_t numGroups = 10; ///< SharedPrefix (55-60)
    std::int32_t promptsPerGroup = 10;
    std::int32_t systemPromptLen = 100;
    std::int32_t questionLen = 50;
    std::int32_t outputLen = 50;
    LengthDistribution input;  ///< Random; totalCount 0 = not given
    LengthDistribution output;

    // api (APIConfig 28-31)
    bool streaming = false;
};

/// Parses the text of a config file; `file` names it in errors ("file:line:column: ...").
[[nodiscard]] Result<InferencePerfConfig> parseInferencePerfConfig(std::string_view text, const std::string& file);

/// Reads and parses the file at `path`.
[[nodiscard]] Result<InferencePerfConfig> loadInferencePerfConfig(const std::string& path);

} // namespace kvroute::sim
