#pragma once
// A small cluster for router tests: pods as the fleet names them, scraped metrics, in-flight
// counts, and requests with hand-made prompts.

#include "sim/routing/router.h"
#include "sim/workload/workload_request.h"

#include <cstdint>
#include <memory>
#include <numeric>
#include <string>
#include <string_view>
#include <vector>

namespace kvroute::sim::test {

struct TestCluster {
    std::vector<PodInfo> pods;
    std::vector<ScrapedPodMetrics> metrics;
    std::vector<std::int32_t> inFlight;
    std::string modelName = "meta-llama/Llama-3.2-1B";

    explicit TestCluster(int n)
    {
        for (int i = 0; i < n; ++i) {
            PodInfo p;
            p.name = "llama-3-2-1b-decode-" + std::to_string(i);
            p.address = "10.128.0." + std::to_string(10 + i);
            pods.push_back(p);
        }
        metrics.resize(static_cast<std::size_t>(n));
        inFlight.assign(static_cast<std::size_t>(n), 0);
    }

    [[nodiscard]] RoutingContext ctx(const WorkloadRequest& request, SimTime now = 0, Ipv4 source = 0) const
    {
        return RoutingContext{request, source, now, pods, metrics, inFlight, modelName};
    }

    /// pick + onRouted, as the fleet does.
    int route(Router& router, const WorkloadRequest& request, SimTime now = 0, Ipv4 source = 0)
    {
        const RoutingContext c = ctx(request, now, source);
        const int pod = router.pick(c);
        if (pod != kNoPod)
            router.onRouted(c, pod);
        return pod;
    }
};

inline WorkloadRequest makeRequest(RequestId id, TokenVector prompt = {}, std::uint64_t session = 0, Ipv4 client = 0)
{
    WorkloadRequest r;
    r.id = id;
    r.sessionId = session;
    r.clientIp = client;
    r.prompt = std::make_shared<const TokenVector>(std::move(prompt));
    return r;
}

/// Tokens first, first+1, ..., first+count-1.
inline TokenVector tokenRange(TokenId first, std::size_t count)
{
    TokenVector t(count);
    std::iota(t.begin(), t.end(), first);
    return t;
}

inline TokenVector concat(TokenVector a, const TokenVector& b)
{
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

} // namespace kvroute::sim::test
