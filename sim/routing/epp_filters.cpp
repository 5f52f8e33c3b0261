#include "sim/routing/epp_filters.h"

#include <algorithm>

namespace kvroute::sim::routing {

void DecodeFilter::filter(const RoutingContext& ctx, std::vector<int>& candidates)
{
    std::erase_if(candidates, [&](int pod) {
        const std::string& role = ctx.pods[static_cast<std::size_t>(pod)].role;
        return !(role.empty() || role == "decode" || role == "both");
    });
}

void PrefillFilter::filter(const RoutingContext& ctx, std::vector<int>& candidates)
{
    std::erase_if(candidates, [&](int pod) { return ctx.pods[static_cast<std::size_t>(pod)].role != "prefill"; });
}

} // namespace kvroute::sim::routing
