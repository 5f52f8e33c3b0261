#pragma once
// Internal to cluster/deploy/render_*.cpp: what every part of a render shares.

#include "cluster/deploy/render_manifests.h"
#include "sim/fleet/cluster_run.h"
#include "sim/routing/routing_factory.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kvroute::cluster::deploy {

using Labels = std::map<std::string, std::string>;

struct RenderContext {
    const sim::RunSetup& setup;
    const RenderOptions& options;
    std::vector<std::string>* notes = nullptr;
    std::string base{};        ///< DNS label from the scenario name; every object's name starts with it
    std::string podsName{};    ///< the vLLM Deployment / emulator StatefulSet
    std::string serviceName{}; ///< the pods' Service (kube-service, round-robin..., header-hash)
    std::string eppName{};     ///< the EPP's Deployment, Service, ServiceAccount, Role
    std::string poolName{};
    std::string gatewayName{};
    Labels common{}; ///< on every object
    Labels pod{};    ///< the pods' labels, which the Service, InferencePool and PodMonitor select
    bool emulator = false;
    bool routerWantsEvents = false; ///< the precise prefix-cache index reads KV events
    std::string kvEventsConfig{};   ///< vLLM's --kv-events-config JSON; empty = none
    std::optional<std::string> pythonHashSeed{}; ///< PYTHONHASHSEED to render

    [[nodiscard]] const sim::Scenario& scenario() const { return setup.scenario; }
    [[nodiscard]] std::string eppServiceHost() const
    {
        return eppName + "." + options.ns + ".svc.cluster.local";
    }
};

/// A template of deploy/templates (compiled in) filled with `values`; "name" and "namespace"
/// and "labels" come from the context when the template has them and `values` does not.
[[nodiscard]] Result<std::string> fillNamed(const RenderContext& ctx, std::string_view templateName,
                                            std::map<std::string, std::string> values);

/// "key: value" lines, values quoted.
[[nodiscard]] std::string labelLines(const Labels& labels);
/// "- value" lines, values quoted.
[[nodiscard]] std::string listLines(const std::vector<std::string>& items);

// render_pods.cpp
[[nodiscard]] std::vector<std::string> vllmArgs(const RenderContext& ctx);
[[nodiscard]] Result<std::vector<RenderedFile>> renderPods(const RenderContext& ctx);
// render_routing.cpp
[[nodiscard]] Result<std::vector<RenderedFile>> renderRouting(const RenderContext& ctx);
// render_epp_config.cpp
[[nodiscard]] std::string eppConfigYaml(const sim::EppConfig& resolved);
/// Whether a scorer weight has a fractional part, which Endpoint Picker releases that read
/// weights as integers refuse (llmd.md §1.1). NaN counts as fractional; infinities do not.
[[nodiscard]] bool isFractionalWeight(double weight);
// render_extras.cpp: PodMonitor, Route, Tekton
[[nodiscard]] Result<std::vector<RenderedFile>> renderExtras(const RenderContext& ctx);
/// The Prometheus the gate and the dashboard read, and the CA that signs it in the cluster.
[[nodiscard]] std::string prometheusUrlOf(const RenderContext& ctx);
[[nodiscard]] std::string prometheusCaOf(const RenderContext& ctx);
// render_pods.cpp: the scenario as a pod in the cluster can load it (an EPP config file inlined)
[[nodiscard]] Result<sim::Scenario> emulatedScenario(const RenderContext& ctx, std::string_view option);
// render_dashboard.cpp: `kvroute serve` beside the pods (--dashboard IMAGE)
[[nodiscard]] Result<std::vector<RenderedFile>> renderDashboard(const RenderContext& ctx);

} // namespace kvroute::cluster::deploy
