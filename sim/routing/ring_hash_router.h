#pragma once
// Envoy's RING_HASH load balancer with a header hash policy, as an Istio DestinationRule
// `consistentHash.httpHeaderName: x-session-id` configures it (llmd.md §5, the demo's
// destinationrule-decode.yaml with minimumRingSize 4096).
//
// Replicated from envoy source/extensions/load_balancing_policies/ring_hash/ring_hash_lb.cc:
//   * every host has weight 1, so its normalised weight is 1/n and
//     scale = min(ceil(min_w * minimum_ring_size) / min_w, maximum_ring_size) (doubles);
//     walking the hosts in order, target += scale * w and entries are added while
//     current < target, so each host gets about ceil(minimum/n) entries;
//   * entry i of a host hashes "<host address>_<i>" with xxHash64 (XXH64, seed 0; Envoy's
//     default hash_function XX_HASH), the address being Address::asString(), "ip:port";
//   * the ring is sorted by hash and a request hash h picks the first entry with hash >= h,
//     wrapping to entry 0 (the ketama binary search in Ring::chooseHost).
// The request hash is HeaderHashMethod's: xxHash64 of the header value (seed 0); with no such
// header the hash policy yields nothing and Envoy hashes a random 64-bit number onto the ring.
//
// Differences: the pods' port is not part of PodInfo, so every host is "<address>:8000" (the
// demo Service's port); entries with equal hashes are ordered by insertion (Envoy's std::sort
// leaves their order unspecified; a 64-bit collision inside one ring is a ~n²/2^65 event).

#include "sim/kernel/rng.h"
#include "sim/routing/router.h"
#include "sim/routing/routing_config.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kvroute::sim::routing {

inline constexpr std::int64_t kEnvoyDefaultMinRingSize = 1024;
inline constexpr std::int64_t kEnvoyMaxRingSize = 8 * 1024 * 1024;
/// Port appended to pod addresses in ring keys ("10.128.0.10:8000").
inline constexpr int kEndpointPort = 8000;

/// A built ring: sorted (hash, host index) pairs.
class HashRing {
public:
    /// `hostKeys` are the strings Envoy hashes per host ("ip:port").
    HashRing(const std::vector<std::string>& hostKeys, std::int64_t minimumRingSize,
             std::int64_t maximumRingSize = kEnvoyMaxRingSize);

    /// The host for request hash `h`.
    [[nodiscard]] int chooseHost(std::uint64_t h) const;
    [[nodiscard]] std::size_t size() const { return m_ring.size(); }
    /// Entries per host (Envoy's min/max_hashes_per_host stats).
    [[nodiscard]] std::vector<std::size_t> entriesPerHost(std::size_t numHosts) const;

private:
    struct Entry {
        std::uint64_t hash;
        std::int32_t host;
    };
    std::vector<Entry> m_ring;
};

class HeaderHashRouter final : public Router {
public:
    HeaderHashRouter(Rng rng, const HeaderHashConfig& config);

    [[nodiscard]] int pick(const RoutingContext& ctx) override;
    [[nodiscard]] std::string describe() const override;

    /// The ring as last built (empty before the first pick).
    [[nodiscard]] const HashRing* ring() const { return m_ring.empty() ? nullptr : &m_ring.front(); }
    /// Envoy's request hash for a header value.
    [[nodiscard]] static std::uint64_t headerHash(std::string_view value);

private:
    void rebuildIfNeeded(const RoutingContext& ctx);

    Rng m_rng;
    HeaderHashConfig m_config;
    bool m_requestsCarryHeader;
    std::vector<std::string> m_hostKeys;
    std::vector<HashRing> m_ring; ///< zero or one
};

} // namespace kvroute::sim::routing
