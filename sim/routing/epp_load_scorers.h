#pragma once
// The EPP's load and affinity scorers (llmd.md §1.6). Metrics are the pods' /metrics as the EPP
// last scraped them (ctx.metrics).

#include "sim/routing/epp_plugin.h"
#include "sim/util/flat_map64.h"

#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

namespace kvroute::sim::routing {

/// kv-cache-utilization-scorer (GAIE ≥ v1.0; kv-cache-scorer in v0.5): 1 − KVCacheUsagePercent.
class KvCacheUtilizationScorer final : public EppScorer {
public:
    void score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out) override;
};

/// queue-scorer (GAIE scorer/queue.go): (maxQ − q)/(maxQ − minQ) over the candidates, 1.0 when
/// all queues are equal; q = num_requests_waiting.
class QueueScorer final : public EppScorer {
public:
    void score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out) override;
};

/// load-aware-scorer (llm-d v0.3.1 load_aware.go): an empty queue scores 0.5, otherwise
/// 0.5·(1 − min(q, T)/T). A threshold <= 0 falls back to 128, as in the factory.
class LoadAwareScorer final : public EppScorer {
public:
    explicit LoadAwareScorer(std::int64_t threshold);
    void score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out) override;

private:
    double m_threshold;
};

/// active-request-scorer (llm-d v0.3.1 active_request.go): the EPP's own count of requests it
/// sent to each pod that have not completed. PreRequest adds the request to a TTL cache
/// (requestTimeout, default 2m) and increments the pod's count; ResponseComplete removes it.
/// score = (maxCount − count)/maxCount with maxCount over all pods; 0 or unknown → 1.0.
/// Expired requests are dropped by `DeleteExpired`, which a ticker runs every requestTimeout;
/// the model runs those ticks at multiples of requestTimeout from time 0.
class ActiveRequestScorer final : public EppScorer {
public:
    explicit ActiveRequestScorer(SimTime requestTimeout);
    void score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out) override;
    void onRouted(const RoutingContext& ctx, int pod) override;
    void onCompleted(const WorkloadRequest& request, int pod, SimTime now) override;

    [[nodiscard]] std::int32_t count(int pod) const;

private:
    void expire(SimTime now);

    SimTime m_timeout;
    std::vector<std::int32_t> m_counts;
    FlatMap64<std::int32_t> m_active;                  ///< request id -> pod
    std::deque<std::pair<RequestId, SimTime>> m_order; ///< (request id, routed at), routing order
};

/// session-affinity-scorer (llm-d v0.3.1 session_affinity.go): the pod named by the
/// x-session-token header scores 1, all others 0. The EPP sets that header on the response
/// (PostResponse) to the pod that served it; the model assumes the client echoes it, so it
/// remembers, per session (x-session-id), the pod of the session's last *answered* request.
/// A request sent while the session's previous one is still in flight carries the older token
/// (or none), as a real client's would: nothing is learnt at routing time.
class SessionAffinityScorer final : public EppScorer {
public:
    void score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out) override;
    void onCompleted(const WorkloadRequest& request, int pod, SimTime now) override;

private:
    FlatMap64<std::int32_t> m_sessionPod;
};

} // namespace kvroute::sim::routing
