#pragma once
// A directory written by `kvroute deploy render`: its marker file and the workloads in its YAML.
//
// The marker `.kvroute-render` is a small YAML (or JSON) mapping:
//
//     scenario: prefix-heavy        # the value of the pods' kvroute.io/scenario label
//     namespace: llm-d              # where the manifests go (overridden by --namespace)
//     target: openshift             # or kubernetes: picks `oc` over `kubectl`
//     files:                        # the manifests this render wrote (all must be there)
//     - "10-vllm-deployment.yaml"
//     workloads:                    # optional: "Kind/name" strings or {kind, name} mappings
//       - Deployment/prefix-heavy-vllm
//
// (cluster/deploy/render_output.cpp writes it.)
// The workloads whose rollouts `apply` waits for and whose replicas `status` reads are the
// Deployments and StatefulSets found in the YAML files themselves (what is applied is what is
// waited for); the marker's list is used only for those the YAML scan did not find.

#include "sim/util/result.h"

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace kvroute::cluster {

inline constexpr const char* kRenderMarkerFile = ".kvroute-render";
inline constexpr const char* kScenarioLabel = "kvroute.io/scenario";

struct RenderMarker {
    std::string scenario;
    std::string ns;
    std::string target; ///< "openshift", "kubernetes" (free text; only "openshift" matters)
    std::vector<std::string> workloads; ///< "Kind/name"
    std::vector<std::string> files;     ///< file names relative to the directory

    [[nodiscard]] bool openshift() const;
};

/// A Deployment or StatefulSet of the rendered manifests.
struct RenderedWorkload {
    std::string kind; ///< "Deployment" or "StatefulSet"
    std::string name;
    std::string ns;   ///< metadata.namespace; empty = the target namespace
    std::map<std::string, std::string> selector;       ///< spec.selector.matchLabels
    std::map<std::string, std::string> templateLabels; ///< spec.template.metadata.labels

    /// "deployment/name", as kubectl names it.
    [[nodiscard]] std::string resource() const;
};

struct RenderedDir {
    std::filesystem::path dir;
    RenderMarker marker;
    std::vector<std::filesystem::path> yamlFiles; ///< sorted
    bool nested = false;                          ///< YAML below subdirectories: kubectl needs -R
    std::vector<RenderedWorkload> workloads;      ///< in file order
    std::set<std::string> kinds;                  ///< "Kind (apiVersion)" of every object
};

/// Parses the marker's text; `where` names it in errors.
[[nodiscard]] Result<RenderMarker> parseRenderMarker(const std::string& text, const std::string& where);

/// Reads DIR: refuses one without the marker (not rendered by kvroute), without YAML, or whose
/// YAML does not parse.
[[nodiscard]] Result<RenderedDir> readRenderedDir(const std::filesystem::path& dir);

} // namespace kvroute::cluster
