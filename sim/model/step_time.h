#pragma once
// The duration of one engine step, from the composition of its batch (sims.md §4).
//
// Two models share one interface; stepTime() runs once per simulated step, so both precompute
// their constants and do a handful of multiply-adds per call.
//
// - Linear: β0 + β1·prefill tokens + β2·decode tokens + β3·attended context tokens (µs). The
//   coefficients are a published fit where one exists for the model, GPU and TP (BLIS blackbox,
//   sims.md §4.1), otherwise the roofline linearized (deriveLinearFromRoofline).
// - Roofline: max(compute, memory) + overheads, with compute and bytes per TP shard, the GPU's
//   peak FLOPs and HBM bandwidth scaled by efficiency priors, and BLIS trained-physics
//   overhead magnitudes as priors (sims.md §1.1, §4.2).

#include "sim/kernel/sim_time.h"
#include "sim/model/batch_shape.h"
#include "sim/model/gpu_spec.h"
#include "sim/model/model_spec.h"
#include "sim/util/result.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>

namespace kvroute::sim {

class StepTimeModel {
public:
    virtual ~StepTimeModel() = default;
    /// Integer nanoseconds; 0 for an empty batch.
    [[nodiscard]] virtual SimTime stepTime(const BatchShape& batch) const = 0;
    /// stepTime() of a run of steps, out[i] for `first` with i × numRequests more attended
    /// context tokens (a run of quiet decode steps), the same values; the models override it to
    /// compute the terms that do not change once.
    virtual void runStepTimes(const BatchShape& first, std::span<SimTime> out) const;
    /// One line for logs and UIs, e.g. "roofline Llama-3.2-1B on H100-80GB TP1".
    [[nodiscard]] virtual std::string describe() const = 0;

protected:
    StepTimeModel() = default;
    StepTimeModel(const StepTimeModel&) = default;
    StepTimeModel& operator=(const StepTimeModel&) = default;
};

// --- Linear ---------------------------------------------------------------------------------

struct LinearCoefficients {
    double beta0Us = 0.0; ///< per step
    double beta1Us = 0.0; ///< per prefill token
    double beta2Us = 0.0; ///< per decode token
    double beta3Us = 0.0; ///< per attended context token
    bool measured = false; ///< a published fit, not derived from the roofline
    std::string source;
};

class LinearStepTime final : public StepTimeModel {
public:
    explicit LinearStepTime(LinearCoefficients coefficients);

    [[nodiscard]] SimTime stepTime(const BatchShape& batch) const override;
    void runStepTimes(const BatchShape& first, std::span<SimTime> out) const override;
    [[nodiscard]] std::string describe() const override;
    [[nodiscard]] const LinearCoefficients& coefficients() const { return m_coefficients; }

private:
    LinearCoefficients m_coefficients;
    double m_ns0, m_ns1, m_ns2, m_ns3; // the coefficients in ns
};

// --- Roofline -------------------------------------------------------------------------------

struct RooflineParams {
    double peakFlops = 0.0;          ///< dense bf16 FLOP/s of one GPU
    double memoryBandwidth = 0.0;    ///< B/s of one GPU
    double mfuPrefill = 0.0;
    double mfuDecode = 0.0;
    double bandwidthEfficiency = 1.0;
    double tpAllReduceUs = 0.0;      ///< one all-reduce; a step does 2 per layer when tp > 1
    double overheadPerStepUs = 0.0;
    double overheadPerLayerUs = 0.0;
    double overheadPerRequestUs = 0.0;

    /// The GPU preset's peaks and priors with the catalog's step overheads.
    [[nodiscard]] static RooflineParams fromPresets(const GpuSpec& gpu, const StepOverheads& overheads);
};

/// The terms of one step, in ns, for explaining a number.
struct RooflineBreakdown {
    double prefillComputeNs = 0.0;
    double decodeComputeNs = 0.0; ///< decode tokens, decode attention and the lm_head rows
    double weightReadNs = 0.0;
    double kvTrafficNs = 0.0;     ///< KV read (attended context) + KV written (new tokens)
    double fixedNs = 0.0;         ///< per step + per layer + TP all-reduces
    double perRequestNs = 0.0;
    [[nodiscard]] double computeNs() const { return prefillComputeNs + decodeComputeNs; }
    [[nodiscard]] double memoryNs() const { return weightReadNs + kvTrafficNs; }
    [[nodiscard]] double totalNs() const;
};

class RooflineStepTime final : public StepTimeModel {
public:
    /// Fails on an invalid TP degree (see validateTensorParallel) or non-positive peaks.
    [[nodiscard]] static Result<RooflineStepTime> create(const ModelSpec& model, const RooflineParams& params,
                                                         int tensorParallel, std::string gpuName = {});

    [[nodiscard]] SimTime stepTime(const BatchShape& batch) const override;
    void runStepTimes(const BatchShape& first, std::span<SimTime> out) const override;
    [[nodiscard]] std::string describe() const override;
    [[nodiscard]] RooflineBreakdown breakdown(const BatchShape& batch) const;

    /// FLOPs per token through the layers, per shard: 2 × non-embedding params / tp.
    [[nodiscard]] double linearFlopsPerToken() const { return m_linearFlopsPerToken; }
    /// 4 × heads × head_dim × layers / tp per (query, context) pair.
    [[nodiscard]] double attentionFlopsPerPair() const { return m_attentionFlopsPerPair; }
    /// 2 × hidden × vocab / tp per sampled row.
    [[nodiscard]] double lmHeadFlopsPerRow() const { return m_lmHeadFlopsPerRow; }

private:
    RooflineStepTime() = default;

    std::string m_description;
    double m_linearFlopsPerToken = 0.0;
    double m_attentionFlopsPerPair = 0.0;
    double m_lmHeadFlopsPerRow = 0.0;
    double m_nsPerPrefillFlop = 0.0;
    double m_nsPerDecodeFlop = 0.0;
    double m_weightReadNs = 0.0;
    double m_kvNsPerToken = 0.0; ///< one token's K and V on one shard, read or written
    double m_fixedNs = 0.0;
    double m_perRequestNs = 0.0;
};

// --- Choosing coefficients and models --------------------------------------------------------

/// The roofline linearized in its usual regime (memory-bound decode, compute-bound prefill):
///   β0 = per-step + per-layer·L + TP all-reduces + weights per shard / effective bandwidth
///   β1 = 2 × non-embedding params / tp / (peak × mfuPrefill)
///   β2 = per-request overhead + one token's KV write / effective bandwidth
///   β3 = one token's KV read / effective bandwidth
/// Prefill attention (quadratic) and compute-bound decode batches are what it leaves out.
/// Precondition: validateTensorParallel passed.
[[nodiscard]] LinearCoefficients deriveLinearFromRoofline(const ModelSpec& model, const RooflineParams& params,
                                                          int tensorParallel);

/// The published fit for this model, GPU and TP if the preset has one, otherwise the roofline
/// linearized with the GPU's priors. Several fits for one GPU and TP (different vLLM versions):
/// the newest measured on the simulated vLLM v0.10.0 or older, else the oldest newer one
/// (selectLinearFit in presets.h). Fails on an invalid TP degree.
[[nodiscard]] Result<LinearCoefficients> linearCoefficientsFor(const ModelSpec& model, const GpuSpec& gpu,
                                                               int tensorParallel, const StepOverheads& overheads);

enum class StepTimeKind { Linear, Roofline };

[[nodiscard]] Result<std::unique_ptr<StepTimeModel>> makeStepTimeModel(StepTimeKind kind, const ModelSpec& model,
                                                                       const GpuSpec& gpu, int tensorParallel,
                                                                       const StepOverheads& overheads);

} // namespace kvroute::sim
