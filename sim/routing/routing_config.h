#pragma once
// What a scenario file says about routing (docs/SCENARIOS.md lists every key).

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace kvroute::sim {

enum class RoutingPolicy : std::uint8_t { RoundRobin, Random, LeastRequest, KubeService, HeaderHash, Epp };

/// A Kubernetes Service in front of the pods (kube-proxy), llmd.md §5.
struct KubeServiceConfig {
    bool clientIpAffinity = true;        ///< sessionAffinity: ClientIP (false = None)
    std::int32_t timeoutSeconds = 10800; ///< sessionAffinityConfig.clientIP.timeoutSeconds (k8s default 3 h)
    /// True when traffic reaches the Service straight from clients; false when it passes a
    /// gateway or NAT, so every request shows the gateway's address.
    bool seesClientIp = true;
    /// An Istio/Envoy gateway balances the Service's endpoints itself, so Service affinity never
    /// applies; Istio's default LB is LEAST_REQUEST (since Istio changed it from ROUND_ROBIN),
    /// modelled as Envoy least-request.
    bool meshBypassesAffinity = false;
};

/// Envoy/Istio consistent hashing on a header (ring hash), like the demo's DestinationRule.
struct HeaderHashConfig {
    std::string header = "x-session-id";
    std::int32_t minimumRingSize = 1024; ///< Envoy's default
};

/// One plugin of an EndpointPickerConfig (llmd.md §1.8).
struct EppPluginConfig {
    std::string name;  ///< defaults to the type
    std::string type;  ///< e.g. "prefix-cache-scorer", "max-score-picker"
    double weight = 1.0;                         ///< scorers only
    std::map<std::string, std::string> parameters; ///< flattened "a.b" -> scalar text
};

/// llm-d's Endpoint Picker, from a built-in profile or an EndpointPickerConfig file.
struct EppConfig {
    /// Built-in profile name (precise, approximate, load, random, default); ignored when
    /// `plugins` is non-empty.
    std::string profile = "approximate";
    /// Path of an EndpointPickerConfig YAML file (optional).
    std::string configFile;
    /// The profile's plugins in order (filters, scorers with weights, picker), once resolved.
    std::vector<EppPluginConfig> plugins;
    double scrapeIntervalSeconds = 0.05; ///< EPP metrics refresh (GAIE default 50 ms)
    double kvEventDelaySeconds = 0.01;   ///< pod -> ZMQ -> index delivery delay
};

struct RoutingConfig {
    RoutingPolicy policy = RoutingPolicy::KubeService;
    KubeServiceConfig kubeService;
    HeaderHashConfig headerHash;
    EppConfig epp;
    double gatewayDelaySeconds = 0.001; ///< one-way network + proxy delay client -> pod
};

} // namespace kvroute::sim
