#pragma once
// A GPU as the simulator needs it: memory as torch reports it (what vLLM multiplies by
// gpu_memory_utilization, vllm.md §8), dense bf16 peak, HBM bandwidth and the roofline's
// efficiency priors (sims.md §1.1). Values come from resources/presets/gpus.yaml.

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

namespace kvroute::sim {

inline constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

struct GpuSpec {
    std::string name;        ///< preset name, e.g. "H100-80GB"
    std::string deviceName;  ///< torch.cuda.get_device_name(), e.g. "NVIDIA H100 80GB HBM3"
    double memoryGib = 0.0;  ///< total memory as torch / vLLM report it, GiB

    double peakBf16Tflops = 0.0;     ///< dense (no sparsity), 1e12 FLOP/s
    double memoryBandwidthTBs = 0.0; ///< HBM, 1e12 B/s

    double mfuPrefill = 0.0;          ///< fraction of peak reached by prefill GEMMs
    double mfuDecode = 0.0;           ///< fraction of peak reached by decode GEMMs
    double bandwidthEfficiency = 1.0; ///< fraction of peak HBM bandwidth reached
    double tpAllReduceUs = 0.0;       ///< latency of one tensor-parallel all-reduce

    /// vLLM v0.10.0 picks its larger scheduler defaults on this GPU (vllm.md §8).
    bool vllmLargeGpuDefaults = false;

    [[nodiscard]] std::int64_t memoryBytes() const
    {
        return static_cast<std::int64_t>(std::llround(memoryGib * kGiB));
    }
};

/// Engine-level per-step overheads that do not depend on the GPU's roofline: BLIS
/// trained-physics magnitudes used as priors (sims.md §1.1, §4.2).
struct StepOverheads {
    double perStepUs = 0.0;
    double perLayerUs = 0.0;
    double perRequestUs = 0.0;
};

/// max_num_batched_tokens / max_num_seqs that `vllm serve` v0.10.0 picks when the user sets
/// neither (vllm.md §8).
struct SchedulerDefaults {
    std::int64_t maxNumBatchedTokens = 0;
    std::int64_t maxNumSeqs = 0;
};

/// vLLM's rule (arg_utils.py, vllm.md §8): total memory ≥ 70 GiB and the device name does not
/// contain "a100" (case-insensitive) ⇒ the H100/H200-class defaults.
[[nodiscard]] bool vllmLargeGpuRule(double memoryGib, std::string_view deviceName);

/// `vllm serve` defaults: 8192 / 1024 on large GPUs, 2048 / 256 elsewhere (vllm.md §8).
[[nodiscard]] SchedulerDefaults vllmServeDefaults(const GpuSpec& gpu);

} // namespace kvroute::sim
