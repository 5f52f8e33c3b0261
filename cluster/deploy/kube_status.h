#pragma once
// What `kvroute deploy status` shows: the rendered workloads' replicas and their pods, read from
// `kubectl get ... -o json`.

#include "cluster/deploy/kube_render_marker.h"
#include "sim/util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kvroute::cluster {

struct PodStatusRow {
    std::string name;
    std::string ns;
    std::string workload; ///< "deployment/x" whose selector matches the pod's labels; empty when none
    std::string phase;    ///< status.phase
    std::string reason;   ///< a container's waiting/terminated reason (CrashLoopBackOff...), else empty
    int readyContainers = 0;
    int containers = 0;
    int restarts = 0;
    std::int64_t ageSeconds = -1; ///< -1 when unknown
    std::string node;
    std::map<std::string, std::string> labels;

    [[nodiscard]] bool ready() const { return containers > 0 && readyContainers == containers && phase == "Running"; }
};

struct WorkloadStatusRow {
    std::string kind;
    std::string name;
    std::string ns;
    bool found = false;
    int desired = 0;
    int ready = 0;
    int updated = 0;
    int available = 0;

    [[nodiscard]] bool isReady() const { return found && ready >= desired && updated >= desired; }
};

struct DeployStatus {
    std::string scenario;
    std::string ns;
    std::vector<WorkloadStatusRow> workloads;
    std::vector<PodStatusRow> pods;

    [[nodiscard]] bool allReady() const;
};

/// The pods of a `kubectl get pods -o json` answer (a List or one Pod); `nowEpochSeconds` for ages.
[[nodiscard]] Result<std::vector<PodStatusRow>> parsePodList(const std::string& json, std::int64_t nowEpochSeconds);

/// Fills `rows` (one per rendered workload, in order) from a `kubectl get deployment/a ... -o json
/// --ignore-not-found` answer: a List, one object, or nothing (none found).
[[nodiscard]] Result<void> applyWorkloadList(const std::string& json, std::vector<WorkloadStatusRow>& rows);

/// Sets each pod's workload: the one whose selector its labels match.
void assignPodsToWorkloads(std::vector<PodStatusRow>& pods, const std::vector<RenderedWorkload>& workloads,
                           const std::string& defaultNs);

/// kubectl's AGE column: 45s, 5m30s, 42m, 3h20m, 26h, 3d4h, 12d.
[[nodiscard]] std::string formatAge(std::int64_t seconds);

[[nodiscard]] std::string statusTable(const DeployStatus& status);
[[nodiscard]] std::string statusJson(const DeployStatus& status);

} // namespace kvroute::cluster
