#pragma once
// A routing policy: picks the decode pod for each request, as a Kubernetes Service, an Envoy
// load balancer or llm-d's Endpoint Picker would (llmd.md §1, §5). Routers see pods only the
// way the real ones do: metrics as last scraped, KV events after a delay, their own history.

#include "sim/engine/engine_types.h"
#include "sim/kernel/rng.h"
#include "sim/kernel/sim_time.h"
#include "sim/workload/workload_request.h"

#include <memory>
#include <span>
#include <string>

namespace kvroute::sim {

/// A pod as the router knows it (Kubernetes object metadata).
struct PodInfo {
    std::string name;     ///< e.g. "llama-3-2-1b-decode-0"
    std::string address;  ///< pod IP, e.g. "10.128.0.10" (the precise index keys pods by it)
    std::string role = "decode"; ///< label llm-d.ai/role ("" = unlabelled)
};

/// The pod's /metrics as of the router's last scrape (vllm.md §6 names).
struct ScrapedPodMetrics {
    std::int32_t numRequestsWaiting = 0; ///< vllm:num_requests_waiting
    std::int32_t numRequestsRunning = 0; ///< vllm:num_requests_running
    double kvCacheUsage = 0.0;           ///< vllm:kv_cache_usage_perc (0..1)
    SimTime scrapedAt = 0;
};

struct RoutingContext {
    const WorkloadRequest& request;
    /// Source address as the Service sees it: the client's, or the gateway's when a proxy or
    /// NAT sits in between (RoutingConfig decides).
    Ipv4 sourceIp = 0;
    SimTime now = 0;
    std::span<const PodInfo> pods;
    std::span<const ScrapedPodMetrics> metrics;
    /// Requests this router sent to each pod whose response has not yet come back through the
    /// gateway (Envoy's active requests).
    std::span<const std::int32_t> inFlight;
    std::string_view modelName;  ///< served model name (the approximate scorer hashes it)
};

/// pick()'s answer when the router refuses the request: the EPP with no pod left after its
/// filters fails it ("no pods available", llmd.md §1.1) and the gateway answers with an error.
inline constexpr int kNoPod = -1;

class Router {
public:
    virtual ~Router() = default;

    /// The chosen pod's index into ctx.pods, or kNoPod.
    [[nodiscard]] virtual int pick(const RoutingContext& ctx) = 0;
    /// After the decision (EPP PreRequest): e.g. the approximate prefix index records it.
    virtual void onRouted(const RoutingContext& /*ctx*/, int /*pod*/) {}
    /// The response completed (EPP PostResponse).
    virtual void onCompleted(const WorkloadRequest& /*request*/, int /*pod*/, SimTime /*now*/) {}
    /// KV events published by `pod`, delivered after the configured delay.
    virtual void onKvEvents(int /*pod*/, std::span<const KvEvent> /*events*/, SimTime /*now*/) {}
    /// Whether onKvEvents should be fed (pods record events only when someone listens).
    [[nodiscard]] virtual bool wantsKvEvents() const { return false; }
    /// One line for reports, e.g. "epp: precise-prefix-cache-scorer×3, kv-cache×2, queue×2".
    [[nodiscard]] virtual std::string describe() const = 0;

protected:
    Router() = default;
    Router(const Router&) = default;
    Router& operator=(const Router&) = default;
};

} // namespace kvroute::sim
