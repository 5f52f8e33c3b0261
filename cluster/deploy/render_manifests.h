#pragma once
// `kvroute deploy render`: a scenario as Kubernetes / OpenShift manifests — the vLLM pods with the
// scenario's engine flags (or `kvroute pod` emulators, CPU only), the routing it simulates
// (a Service with ClientIP affinity, an Istio consistent-hash DestinationRule behind a Gateway,
// or llm-d's Endpoint Picker with the scenario's EndpointPickerConfig), a PodMonitor, an
// OpenShift Route, and the Tekton cache-hit gate. docs/LIVE.md "Deploying a scenario" lists
// what is rendered and what is approximated.

#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace kvroute::cluster::deploy {

enum class RenderTarget : std::uint8_t { Kubernetes, OpenShift };

inline constexpr std::string_view kDefaultVllmImage = "vllm/vllm-openai:v0.10.0";
/// llm-d-inference-scheduler v0.3.1 is the release whose plugins the simulator's EPP follows
/// (llmd.md header: v0.3.1 pins GAIE v1.0.0, whose EPP serves inference.networking.k8s.io/v1).
inline constexpr std::string_view kDefaultEppImage = "ghcr.io/llm-d/llm-d-inference-scheduler:v0.3.1";
inline constexpr std::string_view kDefaultGatewayClass = "istio";
/// The image the Tekton gate runs kvroute from unless --emulator names one (deploy/Containerfile).
inline constexpr std::string_view kDefaultKvrouteImage = "localhost/kvroute:latest";
/// The file in an output directory that says kvroute rendered it (cluster/deploy/kube_render_marker.h
/// reads it for `deploy apply|status|delete`).
inline constexpr std::string_view kRenderMarker = ".kvroute-render";

struct RenderOptions {
    std::string ns = "default";
    RenderTarget target = RenderTarget::Kubernetes;
    std::string vllmImage{kDefaultVllmImage};
    std::string emulatorImage{}; ///< non-empty: `kvroute pod` in this image instead of vLLM
    std::string gatewayClass{kDefaultGatewayClass};
    std::string eppImage{kDefaultEppImage};
    /// non-empty: `kvroute serve` (the web dashboard) in this image beside the pods
    std::string dashboardImage{};
    /// The Prometheus the gate and the dashboard read; empty = the target's usual one (OpenShift's
    /// Thanos querier, the Prometheus Operator's prometheus-operated Service).
    std::string prometheusUrl{};
    /// How the scenario was given (a name or a file, and the --set overrides), for the headers.
    std::string scenarioArgument{};
    std::vector<std::string> overrides{};
};

/// Checks the options alone; Error::where names the option ("--namespace", ...).
[[nodiscard]] Result<void> checkRenderOptions(const RenderOptions& options);

struct RenderedFile {
    std::string name; ///< e.g. "10-vllm-deployment.yaml"
    std::string text;
    /// False for kinds ../shared/schemas has no schema for (Istio's DestinationRule).
    bool hasSchema = true;
};

struct RenderedManifests {
    std::vector<RenderedFile> files; ///< sorted by name
    /// What the user should know: values rendered that the scenario did not set, settings that
    /// cannot be deployed as simulated, the scenario's own warnings.
    std::vector<std::string> notes;
    std::string scenarioLabel; ///< the pods' kvroute.io/scenario label
};

/// Renders `scenario` (validated and resolved as `kvroute run` does: errors name the scenario key).
[[nodiscard]] Result<RenderedManifests> renderManifests(const sim::Scenario& scenario, const RenderOptions& options);

/// Writes the files into `dir` (created if missing) with the marker. A directory that is not
/// empty and has no marker is refused unless `force`; files a previous render wrote there and
/// this one does not are removed. Returns the paths written. Error::where is "--out".
[[nodiscard]] Result<std::vector<std::string>> writeManifests(const std::string& dir, const RenderedManifests& manifests,
                                                              const RenderOptions& options, bool force);

} // namespace kvroute::cluster::deploy
