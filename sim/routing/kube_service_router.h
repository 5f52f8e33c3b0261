#pragma once
// A Kubernetes Service in front of the pods, as kube-proxy in iptables mode implements it
// (llmd.md §5: the demo's Service has sessionAffinity: ClientIP, timeoutSeconds 7200).
//
// kube-proxy (pkg/proxy/iptables/proxier.go) writes, per Service, one rule per endpoint
//   -m recent --name <endpoint chain> --rcheck --seconds <timeoutSeconds> --reap -j <endpoint>
// ahead of the random balancing rules (`-m statistic --mode random --probability 1/(n-i)`, i.e.
// uniform), and in every endpoint chain `-m recent --name <endpoint chain> --set` before the
// DNAT. The nat table sees only the first packet of a connection, so:
//   * a source whose last new connection to endpoint E is at most timeoutSeconds old goes to E
//     (xt_recent recent_mt: a stamp misses iff time_after(now - seconds, stamp), i.e. a hit iff
//     idle <= timeout);
//   * otherwise it is balanced uniformly at random;
//   * every new connection re-stamps the source in the chosen endpoint's list (`--set`), so the
//     timer measures idleness, not age. The simulator opens one connection per request, so every
//     request refreshes it.
// xt_recent keeps at most ip_list_tot = 100 sources per list (module default, kube-proxy does
// not change it) and evicts the least recently stamped one when a new source arrives
// (xt_recent.c recent_entry_init). So a pod with more than 100 active sources loses the
// affinity of the idlest ones, which then land anywhere. Stale entries (sources that moved on)
// are always older than live ones and go first, and --reap only removes stale entries; the
// model therefore keeps only each source's current entry, which evicts the same live sources.
//
// meshBypassesAffinity: an Istio/Envoy proxy balances the Service's endpoints itself and never
// goes through the ClusterIP, so affinity does not apply. Istio's default for a DestinationRule
// without loadBalancer settings is LEAST_REQUEST (istio pilot/pkg/networking/core/
// cluster_traffic_policy.go `defaultLBAlgorithm()`; release note new_lb_algorithm_default.yaml:
// "Updated Istio's default load balancing algorithm from ROUND_ROBIN to LEAST_REQUEST"), so the
// bypass is modelled as Envoy least-request, not round robin.

#include "sim/kernel/rng.h"
#include "sim/util/flat_map64.h"
#include "sim/routing/lru_set64.h"
#include "sim/routing/router.h"
#include "sim/routing/routing_config.h"

#include <vector>

namespace kvroute::sim::routing {

/// xt_recent's default ip_list_tot.
inline constexpr std::size_t kXtRecentListCapacity = 100;

/// sessionAffinity: ClientIP.
class ClientIpAffinityRouter final : public Router {
public:
    ClientIpAffinityRouter(Rng rng, int numPods, std::int32_t timeoutSeconds,
                           std::size_t listCapacity = kXtRecentListCapacity);

    [[nodiscard]] int pick(const RoutingContext& ctx) override;
    void onRouted(const RoutingContext& ctx, int pod) override;
    [[nodiscard]] std::string describe() const override;

    /// The pod `source` is currently stuck to at `now`, or -1.
    [[nodiscard]] int stickyPod(Ipv4 source, SimTime now) const;

private:
    struct Affinity {
        std::int32_t pod = -1;
        SimTime lastSeen = 0;
    };

    Rng m_rng;
    SimTime m_timeout;
    std::vector<LruSet64> m_lists;     ///< per pod: the sources it has stamped (xt_recent list)
    FlatMap64<Affinity> m_affinity;    ///< source -> its current list and last stamp
};

} // namespace kvroute::sim::routing
