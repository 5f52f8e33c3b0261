#include "sim/routing/epp_filters.h"

#include <algorithm>
#include <string_view>

namespace kvroute::sim::routing {

void DecodeFilter::filter(const RoutingContext& ctx, std::vector<int>& candidates)
{
    // Once per pod per request: compared as views (a length check, then a few bytes), not
    // through std::string's comparison with a C string.
    using namespace std::string_view_literals;
    std::erase_if(candidates, [&](int pod) {
        const std::string_view role = ctx.pods[static_cast<std::size_t>(pod)].role;
        return !(role.empty() || role == "decode"sv || role == "both"sv);
    });
}

void PrefillFilter::filter(const RoutingContext& ctx, std::vector<int>& candidates)
{
    std::erase_if(candidates, [&](int pod) { return ctx.pods[static_cast<std::size_t>(pod)].role != "prefill"; });
}

} // namespace kvroute::sim::routing
