#include "sim/routing/ring_hash_router.h"

#include "sim/util/check.h"

#include <xxhash.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace kvroute::sim::routing {

namespace {

bool equalsIgnoreCase(std::string_view a, std::string_view b)
{
    return std::ranges::equal(a, b, [](char x, char y) {
        const auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
        return lower(x) == lower(y);
    });
}

} // namespace

HashRing::HashRing(const std::vector<std::string>& hostKeys, std::int64_t minimumRingSize,
                   std::int64_t maximumRingSize)
{
    KVROUTE_CHECK(minimumRingSize >= 1 && minimumRingSize <= maximumRingSize, "bad ring size bounds");
    if (hostKeys.empty())
        return;
    // normalizeHostWeights: weight = host weight (1) * locality weight (1.0) / sum of weights.
    const double normalized = 1.0 / static_cast<double>(hostKeys.size());
    const double minNormalized = normalized;
    const double scale = std::min(std::ceil(minNormalized * static_cast<double>(minimumRingSize)) / minNormalized,
                                  static_cast<double>(maximumRingSize));
    m_ring.reserve(static_cast<std::size_t>(std::ceil(scale)));

    std::string key;
    double currentHashes = 0.0;
    double targetHashes = 0.0;
    for (std::size_t host = 0; host < hostKeys.size(); ++host) {
        key = hostKeys[host];
        key.push_back('_');
        const std::size_t prefix = key.size();
        targetHashes += scale * normalized;
        std::uint64_t i = 0;
        while (currentHashes < targetHashes) {
            key.resize(prefix);
            char digits[24];
            const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, i);
            KVROUTE_CHECK(ec == std::errc{}, "to_chars failed");
            key.append(digits, end);
            m_ring.push_back(Entry{XXH64(key.data(), key.size(), 0), static_cast<std::int32_t>(host)});
            ++i;
            currentHashes += 1.0;
        }
    }
    std::ranges::stable_sort(m_ring, {}, &Entry::hash);
}

int HashRing::chooseHost(std::uint64_t h) const
{
    KVROUTE_CHECK(!m_ring.empty(), "empty hash ring");
    // ketama_get_server as ported by Envoy: the first entry with hash >= h, else entry 0.
    const auto it = std::ranges::lower_bound(m_ring, h, {}, &Entry::hash);
    return it == m_ring.end() ? m_ring.front().host : it->host;
}

std::vector<std::size_t> HashRing::entriesPerHost(std::size_t numHosts) const
{
    std::vector<std::size_t> counts(numHosts, 0);
    for (const Entry& e : m_ring)
        ++counts[static_cast<std::size_t>(e.host)];
    return counts;
}

HeaderHashRouter::HeaderHashRouter(Rng rng, const HeaderHashConfig& config)
    : m_rng(rng)
    , m_config(config)
    // The workload's requests carry exactly one hashable header, x-session-id (the demo's Lua
    // filter copies session-id into it); a ring keyed on any other header sees none.
    , m_requestsCarryHeader(equalsIgnoreCase(config.header, "x-session-id"))
{
    KVROUTE_CHECK(config.minimumRingSize >= 1 && config.minimumRingSize <= kEnvoyMaxRingSize,
                  "minimumRingSize out of Envoy's range");
}

std::uint64_t HeaderHashRouter::headerHash(std::string_view value)
{
    return XXH64(value.data(), value.size(), 0);
}

void HeaderHashRouter::rebuildIfNeeded(const RoutingContext& ctx)
{
    bool same = !m_ring.empty() && m_hostKeys.size() == ctx.pods.size();
    for (std::size_t i = 0; same && i < ctx.pods.size(); ++i) {
        const std::string& k = m_hostKeys[i];
        const std::string& a = ctx.pods[i].address;
        same = k.size() > a.size() && k.compare(0, a.size(), a) == 0 && k[a.size()] == ':';
    }
    if (same)
        return;
    m_hostKeys.clear();
    for (const PodInfo& pod : ctx.pods)
        m_hostKeys.push_back(pod.address + ":" + std::to_string(kEndpointPort));
    m_ring.clear();
    m_ring.emplace_back(m_hostKeys, m_config.minimumRingSize);
}

int HeaderHashRouter::pick(const RoutingContext& ctx)
{
    KVROUTE_CHECK(!ctx.pods.empty(), "no pods to route to");
    rebuildIfNeeded(ctx);
    std::uint64_t h = 0;
    if (m_requestsCarryHeader) {
        char digits[24];
        const auto [end, ec] = std::to_chars(digits, digits + sizeof digits, ctx.request.sessionId);
        KVROUTE_CHECK(ec == std::errc{}, "to_chars failed");
        h = headerHash(std::string_view(digits, static_cast<std::size_t>(end - digits)));
    } else {
        h = m_rng.nextU64(); // ThreadAwareLoadBalancer: no hash -> random_.random()
    }
    return m_ring.front().chooseHost(h);
}

std::string HeaderHashRouter::describe() const
{
    return "header-hash: Envoy ring hash on " + m_config.header + ", minimumRingSize " +
           std::to_string(m_config.minimumRingSize);
}

} // namespace kvroute::sim::routing
