#include "sim/report/results_writers.h"

#include "sim/scenario/scenario_schema.h"

#include <nlohmann/json.hpp>

namespace kvroute::sim {

namespace {

using nlohmann::ordered_json;

ordered_json latencyJson(const LatencySummary& s)
{
    return ordered_json{{"mean", s.mean}, {"p50", s.p50}, {"p90", s.p90}, {"p99", s.p99}, {"count", s.count}};
}

ordered_json valueJson(const FieldValue& value)
{
    return std::visit(
        [](const auto& v) -> ordered_json {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::optional<std::int64_t>> || std::is_same_v<T, std::optional<std::string>>) {
                return v ? ordered_json(*v) : ordered_json();
            } else if constexpr (std::is_same_v<T, StageList>) {
                ordered_json a = ordered_json::array();
                for (const auto& s : v)
                    a.push_back(ordered_json{{"rate", s.rate}, {"duration", s.durationSeconds}});
                return a;
            } else if constexpr (std::is_same_v<T, PluginList>) {
                ordered_json a = ordered_json::array();
                for (const auto& p : v) {
                    ordered_json params = ordered_json::object();
                    for (const auto& [k, val] : p.parameters)
                        params[k] = val;
                    a.push_back(ordered_json{{"type", p.type}, {"name", p.name}, {"weight", p.weight}, {"parameters", params}});
                }
                return a;
            } else {
                return ordered_json(v);
            }
        },
        value);
}

/// The resolved scenario as nested objects following the key paths of the schema.
ordered_json scenarioJson(const Scenario& scenario)
{
    ordered_json root = ordered_json::object();
    for (const auto& field : scenarioFields()) {
        ordered_json* node = &root;
        std::string_view path = field.path;
        for (auto dot = path.find('.'); dot != std::string_view::npos; dot = path.find('.')) {
            node = &(*node)[std::string(path.substr(0, dot))];
            path.remove_prefix(dot + 1);
        }
        (*node)[std::string(path)] = valueJson(field.get(scenario));
    }
    return root;
}

} // namespace

std::string resultsToJson(const RunResults& r, const Scenario& scenario, const RunInfo& info, bool pretty)
{
    ordered_json pods = ordered_json::array();
    for (const auto& p : r.pods) {
        pods.push_back(ordered_json{{"name", p.name},
                                    {"hit_rate", p.hitRate},
                                    {"prefix_cache_queries", p.prefixCacheQueries},
                                    {"prefix_cache_hits", p.prefixCacheHits},
                                    {"prefix_cache_requests", p.prefixCacheRequests},
                                    {"requests", p.requests},
                                    {"completed", p.completed},
                                    {"preemptions", p.preemptions},
                                    {"generation_tokens", p.generationTokens},
                                    {"mean_kv_cache_usage", p.meanKvCacheUsage},
                                    {"max_kv_cache_usage", p.maxKvCacheUsage},
                                    {"busy_fraction", p.busyFraction},
                                    {"steps", p.steps}});
    }
    ordered_json series = ordered_json::array();
    for (const auto& t : r.timeseries) {
        series.push_back(ordered_json{{"t", t.t},
                                      {"hit_rate", t.hitRate},
                                      {"cumulative_hit_rate", t.cumulativeHitRate},
                                      {"first_tokens", t.firstTokens},
                                      {"ttft_mean", t.ttftMean},
                                      {"ttft_p90", t.ttftP90},
                                      {"requests_per_s", t.requestsPerS},
                                      {"output_tokens_per_s", t.outputTokensPerS},
                                      {"pod_hit_rate", t.podHitRate},
                                      {"pod_kv_cache_usage", t.podKvCacheUsage},
                                      {"pod_waiting", t.podWaiting},
                                      {"pod_running", t.podRunning}});
    }
    ordered_json stages = ordered_json::array();
    for (const auto& st : r.stages) {
        stages.push_back(ordered_json{{"index", st.index},
                                      {"rate", st.rate},
                                      {"duration_s", st.durationSeconds},
                                      {"requests", st.requests},
                                      {"completed", st.completed},
                                      {"failed", st.failed},
                                      {"unfinished", st.unfinished},
                                      {"start_s", st.startSeconds},
                                      {"last_send_s", st.lastSendSeconds},
                                      {"end_s", st.endSeconds},
                                      {"output_tokens", st.outputTokens},
                                      {"requests_per_s", st.requestsPerS},
                                      {"output_tokens_per_s", st.outputTokensPerS},
                                      {"achieved_rate", st.achievedRate},
                                      {"ttft_s", latencyJson(st.ttft)},
                                      {"e2e_s", latencyJson(st.e2e)},
                                      {"itl_mean_s", st.itlMean},
                                      {"cached_prompt_fraction", st.cachedPromptFraction},
                                      {"queue_depth", {{"mean", st.queueDepthMean}, {"max", st.queueDepthMax}}},
                                      {"client_waiting_mean", st.clientWaitingMean}});
    }
    const auto& ss = r.stageSummary;
    const ordered_json stageSummary{{"stages", ss.stages},
                                    {"requests_per_s", ss.requestsPerS},
                                    {"achieved_rate", ss.achievedRate},
                                    {"output_tokens_per_s", ss.outputTokensPerS},
                                    {"ttft_mean_s", ss.ttftMean},
                                    {"ttft_p90_s", ss.ttftP90},
                                    {"itl_mean_s", ss.itlMean}};
    const ordered_json doc{
        {"hit_rate", r.hitRate},
        {"prefix_cache_queries", r.prefixCacheQueries},
        {"prefix_cache_hits", r.prefixCacheHits},
        {"cached_prompt_fraction", r.cachedPromptFraction},
        {"cached_prompt_tokens", r.cachedPromptTokens},
        {"completed_prompt_tokens", r.completedPromptTokens},
        {"stickiness", r.stickiness},
        {"follow_up_requests", r.followUpRequests},
        {"requests_submitted", r.requestsSubmitted},
        {"requests_completed", r.requestsCompleted},
        {"requests_rejected", r.requestsRejected},
        {"requests_unroutable", r.requestsUnroutable},
        {"requests_unfinished", r.requestsUnfinished},
        {"ttft_s", latencyJson(r.ttft)},
        {"itl_s", latencyJson(r.itl)},
        {"e2e_s", latencyJson(r.e2e)},
        {"queue_s", latencyJson(r.queue)},
        {"throughput",
         {{"requests_per_s", r.requestsPerS}, {"output_tokens_per_s", r.outputTokensPerS}, {"output_tokens", r.outputTokens}}},
        {"prompt_tokens", r.promptTokens},
        {"preemptions", r.preemptions},
        {"engine_steps", r.engineSteps},
        {"simulated_seconds", r.simulatedSeconds},
        {"capacity",
         {{"num_gpu_blocks", r.capacity.numGpuBlocks},
          {"kv_tokens_per_pod", r.capacity.kvTokensPerPod},
          {"kv_bytes_per_token", r.capacity.kvBytesPerToken},
          {"overridden", r.capacity.overridden}}},
        {"router", r.router},
        {"workload", r.workload},
        {"latency_model", r.latencyModel},
        {"warnings", r.warnings},
        {"cancelled", r.cancelled},
        {"pods", pods},
        {"stages", stages},
        {"stage_summary", stageSummary},
        {"timeseries", {{"interval_s", r.sampleIntervalSeconds}, {"points", series}}},
        {"scenario", scenarioJson(scenario)},
        {"seed", scenario.seed},
        {"run_info", {{"version", info.version}, {"wall_time_s", info.wallTimeSeconds}}},
    };
    return doc.dump(pretty ? 2 : -1);
}

} // namespace kvroute::sim
