// Built-in EPP profiles, each a real EndpointPickerConfig (llmd.md §1.8, §4.1).

#include "sim/routing/routing_factory.h"

#include <array>

namespace kvroute::sim {

namespace {

struct BuiltinProfile {
    std::string_view name;
    std::string_view yaml;
};

// The llm-d blog benchmark "KV-Cache Wins You Can See" (llmd.md §4.1), precise configuration:
// v0.2.x's prefix-cache-scorer mode cache_tracking, written with the v0.3.x names.
constexpr std::string_view kPrecise = R"(apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: single-profile-handler
- type: decode-filter
- type: precise-prefix-cache-scorer
  parameters:
    indexerConfig:
      tokenProcessorConfig:
        blockSize: 64
        hashSeed: "42"
- type: kv-cache-utilization-scorer
- type: queue-scorer
- type: max-score-picker
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: decode-filter
  - pluginRef: precise-prefix-cache-scorer
    weight: 3
  - pluginRef: kv-cache-utilization-scorer
    weight: 2
  - pluginRef: queue-scorer
    weight: 2
  - pluginRef: max-score-picker
)";

// The same benchmark's "estimated"/approximate configuration (GAIE defaults 64/256/31250).
constexpr std::string_view kApproximate = R"(apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: single-profile-handler
- type: prefix-cache-scorer
  parameters:
    hashBlockSize: 64
    maxPrefixBlocksToMatch: 256
    lruCapacityPerServer: 31250
- type: kv-cache-utilization-scorer
- type: queue-scorer
- type: max-score-picker
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: prefix-cache-scorer
    weight: 1
  - pluginRef: kv-cache-utilization-scorer
    weight: 1
  - pluginRef: queue-scorer
    weight: 1
  - pluginRef: max-score-picker
)";

// The benchmark's load-only configuration.
constexpr std::string_view kLoad = R"(apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: single-profile-handler
- type: queue-scorer
- type: kv-cache-utilization-scorer
- type: max-score-picker
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: queue-scorer
    weight: 1
  - pluginRef: kv-cache-utilization-scorer
    weight: 1
  - pluginRef: max-score-picker
)";

// The benchmark's random baseline.
constexpr std::string_view kRandom = R"(apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: single-profile-handler
- type: random-picker
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: random-picker
)";

// GAIE v1.2+ chart defaults and the current llm-d inference-scheduling guide: queue 2,
// kv-cache-utilization 2, prefix-cache 3.
constexpr std::string_view kDefault = R"(apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: single-profile-handler
- type: queue-scorer
- type: kv-cache-utilization-scorer
- type: prefix-cache-scorer
- type: max-score-picker
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: queue-scorer
    weight: 2
  - pluginRef: kv-cache-utilization-scorer
    weight: 2
  - pluginRef: prefix-cache-scorer
    weight: 3
  - pluginRef: max-score-picker
)";

constexpr std::array kProfiles{
    BuiltinProfile{"precise", kPrecise},   BuiltinProfile{"approximate", kApproximate},
    BuiltinProfile{"load", kLoad},         BuiltinProfile{"random", kRandom},
    BuiltinProfile{"default", kDefault},
};

} // namespace

std::string_view builtinEppProfileYaml(std::string_view name)
{
    for (const BuiltinProfile& p : kProfiles) {
        if (p.name == name)
            return p.yaml;
    }
    return {};
}

std::vector<std::string> builtinEppProfileNames()
{
    std::vector<std::string> names;
    for (const BuiltinProfile& p : kProfiles)
        names.emplace_back(p.name);
    return names;
}

Result<EppConfig> builtinEppProfile(std::string_view name)
{
    const std::string_view yaml = builtinEppProfileYaml(name);
    if (yaml.empty()) {
        std::string list;
        for (const BuiltinProfile& p : kProfiles)
            list += (list.empty() ? "" : ", ") + std::string(p.name);
        return fail("unknown EPP profile '" + std::string(name) + "'; built-in profiles: " + list, "routing.epp.profile");
    }
    auto config = loadEndpointPickerConfig(yaml, "built-in EPP profile '" + std::string(name) + "'");
    if (!config)
        return config;
    config->profile = std::string(name);
    config->configFile.clear();
    return config;
}

} // namespace kvroute::sim
