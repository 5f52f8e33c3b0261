#pragma once
// `kvroute sweep emit-job`: a sweep as a Kubernetes Indexed Job. kvroute grows no distributed
// runner of its own: each of the Job's completions runs `kvroute sweep --shard I/N` (I from the
// pod's completion index) and writes its records to a volume; `kvroute sweep merge` joins them.
// The scenario, with its --set overrides applied, travels in a ConfigMap, and so do the files it
// reads (an EndpointPickerConfig, a trace), since the Job's pods cannot see this machine's.

#include "sim/scenario/scenario.h"
#include "sim/sweep/sweep.h"
#include "sim/util/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kvroute::cluster {

struct SweepJobOptions {
    std::string name;       ///< Job and ConfigMap name (RFC 1123); empty = kvroute-sweep-<grid id>
    std::string ns;         ///< namespace; empty = none written (kubectl's current)
    std::string image;      ///< an image with kvroute on PATH (deploy/Containerfile)
    int shards = 1;         ///< completions
    int parallelism = 1;    ///< pods at once
    int threadsPerPod = 1;  ///< `sweep -j` in each pod, and its CPU request
    std::string pvc;        ///< results volume; empty = an emptyDir (lost with the pods; said in a comment)
    // Per pod, as Kubernetes quantities ("500m", "2", "1536Mi"); empty = the default beside each.
    // A default limit below a request given is raised to it. CPUs lie in [1m, 4096], memory in
    // [64Mi × threadsPerPod, 64Ti] (each thread runs a point, a simulation of its own).
    std::string cpuRequest;    ///< threadsPerPod
    std::string cpuLimit;      ///< threadsPerPod
    std::string memoryRequest; ///< kSweepMemoryRequestPerThreadMi × threadsPerPod, (as Mi or Gi)
    std::string memoryLimit;   ///< kSweepMemoryLimitPerThreadMi × threadsPerPod, (as Mi or Gi)
    /// The pod's fsGroup: the results volume is made writable by this group (plain Kubernetes
    /// with a new root-owned claim). Unset: none written, which OpenShift's SCCs fill in.
    std::optional<std::int64_t> fsGroup;
};

/// Memory per sweep thread, in MiB: one point of the built-in scenarios peaks below 100 MiB (64
/// pods of llmd-shared-prefix: 80 MiB); a long real trace needs more, and the limit leaves room.
inline constexpr int kSweepMemoryRequestPerThreadMi = 512;
inline constexpr int kSweepMemoryLimitPerThreadMi = 2048;

/// The ConfigMap and the Job, as one YAML stream. Errors name the option at fault.
[[nodiscard]] Result<std::string> renderSweepJob(const sim::Scenario& scenario, const sim::SweepGrid& grid,
                                                 const SweepJobOptions& options);

/// The value of a Kubernetes resource quantity ("250m" = 0.25, "1Gi" = 2^30, "1e3"); nullopt when
/// `text` is not one or is not positive.
[[nodiscard]] std::optional<double> resourceQuantity(const std::string& text);

/// Whether `name` is a valid Kubernetes object name / label value of at most `limit` characters
/// (lower-case alphanumerics and '-', starting and ending alphanumeric).
[[nodiscard]] bool isRfc1123Label(const std::string& name, std::size_t limit = 63);

} // namespace kvroute::cluster
