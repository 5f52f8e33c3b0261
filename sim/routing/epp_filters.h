#pragma once
// llm-d's P/D role filters (llm-d-inference-scheduler v0.3.1 pkg/plugins/filter/pd_role.go,
// llmd.md §1.7) on the pod label llm-d.ai/role (PodInfo::role).

#include "sim/routing/epp_plugin.h"

namespace kvroute::sim::routing {

/// decode-filter: keeps role "decode" or "both", and pods without the label ("").
class DecodeFilter final : public EppFilter {
public:
    void filter(const RoutingContext& ctx, std::vector<int>& candidates) override;
};

/// prefill-filter: keeps role "prefill" only.
class PrefillFilter final : public EppFilter {
public:
    void filter(const RoutingContext& ctx, std::vector<int>& candidates) override;
};

} // namespace kvroute::sim::routing
