#pragma once
// The PromQL live mode asks, in one place and by name, so the CLI, the GUI and the web
// dashboard read the same numbers. Metric names are vLLM v0.10.0's (shared/reference/vllm.md):
// the pods' `vllm:*` series, and the kvroute gateway's `kvroute_gateway_*` for stickiness.
//
// A real cluster serves more than one model and more than one namespace, so every query carries
// the user's label selector (`namespace="llm-d",model_name="Qwen/Qwen3-0.6B"`); per-pod queries
// group by the label that names the pod (`pod` on Kubernetes and in the local stack).

#include "sim/util/result.h"

#include <string>
#include <utility>
#include <vector>

namespace kvroute::cluster {

struct LabelMatcher {
    std::string label;
    std::string op; ///< "=", "!=", "=~", "!~"
    std::string value;
};

struct LiveSelector {
    std::vector<LabelMatcher> matchers;
    std::string podLabel = "pod"; ///< the label that names a pod; per-pod queries group by it
};

/// Parses `namespace=llm-d,model_name="Qwen/Qwen3-0.6B",pod=~"decode-.*"` (braces optional,
/// values quoted or bare). Errors name the offending matcher and the allowed form.
[[nodiscard]] Result<LiveSelector> parseSelector(const std::string& text);
/// `{namespace="llm-d",model_name="..."}`, or "" when there are no matchers.
[[nodiscard]] std::string selectorText(const LiveSelector& selector);
/// A Prometheus duration ("30s", "5m", "1h30m"); an error names the allowed units otherwise.
[[nodiscard]] Result<std::string> checkWindow(const std::string& window);

namespace promql {

/// Σ rate(hits[W]) / Σ rate(queries[W]): the cluster's token hit rate over the window.
[[nodiscard]] std::string clusterHitRate(const LiveSelector& s, const std::string& window);
/// The same per pod.
[[nodiscard]] std::string podHitRate(const LiveSelector& s, const std::string& window);
/// Finished requests per second, per pod (share = one pod's over the sum).
[[nodiscard]] std::string podRequestRate(const LiveSelector& s, const std::string& window);
/// Generated tokens per second, cluster.
[[nodiscard]] std::string outputTokenRate(const LiveSelector& s, const std::string& window);
/// Gauges per pod.
[[nodiscard]] std::string podWaiting(const LiveSelector& s);
[[nodiscard]] std::string podRunning(const LiveSelector& s);
[[nodiscard]] std::string podKvCacheUsage(const LiveSelector& s);
/// A quantile of time to first token over the window, from the pods' histogram (cluster).
[[nodiscard]] std::string ttftQuantile(const LiveSelector& s, double quantile, const std::string& window);
/// Preemptions in the window, cluster.
[[nodiscard]] std::string preemptions(const LiveSelector& s, const std::string& window);
/// Raw counters per pod (for exact differences between two instants): prefix-cache hits and
/// queries, finished requests, preemptions.
[[nodiscard]] std::string podCounter(const LiveSelector& s, const std::string& counter);
/// The gateway's stickiness over the window: follow-ups routed to their session's previous pod
/// over all follow-ups. Not filtered by the pods' selector (the gateway is its own job).
[[nodiscard]] std::string gatewayStickiness(const std::string& window);

inline constexpr const char* kHitsCounter = "vllm:prefix_cache_hits_total";
inline constexpr const char* kQueriesCounter = "vllm:prefix_cache_queries_total";
inline constexpr const char* kRequestsCounter = "vllm:request_success_total";
inline constexpr const char* kPreemptionsCounter = "vllm:num_preemptions_total";
inline constexpr const char* kGenerationTokensCounter = "vllm:generation_tokens_total";

} // namespace promql
} // namespace kvroute::cluster
