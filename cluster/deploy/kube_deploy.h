#pragma once
// `kvroute deploy apply|status|delete DIR`: a rendered directory applied to, read from and
// removed from a cluster with the user's `oc` or `kubectl`. Every step is one command with an
// argument vector and a deadline; its failure is explained in words (kube_ctl.h).

#include "cluster/deploy/kube_ctl.h"
#include "cluster/deploy/kube_render_marker.h"
#include "cluster/deploy/kube_status.h"
#include "sim/util/result.h"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace kvroute::cluster {

/// One line for the user as a step starts, progresses or ends.
using DeployProgress = std::function<void(const std::string&)>;

/// Where the manifests go: the rendered directory, the tool, the namespace (--namespace, else the
/// marker's; empty = the context's default).
struct DeployTarget {
    const RenderedDir& dir;
    const KubeCtl& kube;
    std::string ns;
};

struct ApplyOptions {
    std::chrono::seconds timeout{600}; ///< for all rollouts together
    bool forceConflicts = false;       ///< server-side apply takes over fields other managers own
};

struct ApplyReport {
    std::vector<std::string> applied;   ///< kubectl's lines ("deployment.apps/x serverside-applied")
    std::vector<std::string> rolledOut; ///< "deployment/x"
};

struct DeleteReport {
    std::vector<std::string> deleted; ///< kubectl's lines ('deployment.apps "x" deleted')
    std::vector<std::string> notes;   ///< kinds the cluster does not know (none of them can exist)
};

/// How long past kubectl's own --timeout we let it run before killing it.
[[nodiscard]] std::chrono::seconds killGrace(std::chrono::seconds timeout);

/// `version --request-timeout=10s`, then `auth can-i create` each workload kind in the namespace.
[[nodiscard]] Result<void> checkClusterAccess(const DeployTarget& target);

/// checkClusterAccess, `apply --server-side --field-manager=kvroute -f DIR`, then the rollout of
/// every rendered Deployment/StatefulSet within `options.timeout`.
[[nodiscard]] Result<ApplyReport> applyRendered(const DeployTarget& target, const ApplyOptions& options,
                                                const DeployProgress& progress);

/// The rendered workloads' replicas and their pods (`nowEpochSeconds` for ages).
[[nodiscard]] Result<DeployStatus> readDeployStatus(const DeployTarget& target, std::int64_t nowEpochSeconds);

/// `delete -f DIR --ignore-not-found --wait=true --timeout=...`.
[[nodiscard]] Result<DeleteReport> deleteRendered(const DeployTarget& target, std::chrono::seconds timeout,
                                                  const DeployProgress& progress);

} // namespace kvroute::cluster
