#include "sim/model/step_time.h"

#include "sim/model/kv_capacity.h"
#include "sim/model/presets.h"
#include "sim/util/check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <utility>

namespace kvroute::sim {

namespace {

constexpr double kNsPerUs = 1e3;
constexpr double kNsPerS = 1e9;

SimTime roundToNanos(double ns)
{
    KVROUTE_CHECK(std::isfinite(ns) && ns >= 0.0 && ns < 9.2e18, "step time out of SimTime range");
    // std::llround, without the library call (one per simulated step): for 0 <= ns < 2^63 the
    // integer part is exact, and so is ns minus it, so this rounds half away from zero exactly.
    const auto whole = static_cast<SimTime>(ns);
    return whole + static_cast<SimTime>(ns - static_cast<double>(whole) >= 0.5);
}

void checkShape(const BatchShape& b)
{
    KVROUTE_CHECK(b.numRequests >= 0 && b.prefillTokens >= 0 && b.decodeTokens >= 0 &&
                      b.attendedContextTokens >= 0 && b.prefillAttentionPairs >= 0,
                  "BatchShape has a negative field");
}

std::string formatNumber(double value)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

// Two all-reduces per layer (after attention, after the MLP) when the model is sharded.
double tpAllReduceUsPerStep(const ModelSpec& model, const RooflineParams& params, int tensorParallel)
{
    return tensorParallel > 1 ? 2.0 * model.numLayers * params.tpAllReduceUs : 0.0;
}

} // namespace

void StepTimeModel::runStepTimes(const BatchShape& first, std::span<SimTime> out) const
{
    BatchShape shape = first;
    for (SimTime& time : out) {
        time = stepTime(shape);
        shape.attendedContextTokens += shape.numRequests;
    }
}

// --- Linear ---------------------------------------------------------------------------------

LinearStepTime::LinearStepTime(LinearCoefficients coefficients)
    : m_coefficients(std::move(coefficients)),
      m_ns0(m_coefficients.beta0Us * kNsPerUs),
      m_ns1(m_coefficients.beta1Us * kNsPerUs),
      m_ns2(m_coefficients.beta2Us * kNsPerUs),
      m_ns3(m_coefficients.beta3Us * kNsPerUs)
{
}

SimTime LinearStepTime::stepTime(const BatchShape& batch) const
{
    checkShape(batch);
    if (batch.numRequests == 0)
        return 0;
    return roundToNanos(m_ns0 + m_ns1 * static_cast<double>(batch.prefillTokens) +
                        m_ns2 * static_cast<double>(batch.decodeTokens) +
                        m_ns3 * static_cast<double>(batch.attendedContextTokens));
}

void LinearStepTime::runStepTimes(const BatchShape& first, std::span<SimTime> out) const
{
    checkShape(first);
    if (first.numRequests == 0) {
        std::ranges::fill(out, SimTime{0});
        return;
    }
    // stepTime()'s sum, left to right: its first three terms do not change along the run.
    const double fixed = m_ns0 + m_ns1 * static_cast<double>(first.prefillTokens) +
                         m_ns2 * static_cast<double>(first.decodeTokens);
    std::int64_t attended = first.attendedContextTokens;
    for (SimTime& time : out) {
        time = roundToNanos(fixed + m_ns3 * static_cast<double>(attended));
        attended += first.numRequests;
    }
}

std::string LinearStepTime::describe() const
{
    const LinearCoefficients& c = m_coefficients;
    return "linear step time: " + formatNumber(c.beta0Us) + " us + " + formatNumber(c.beta1Us) +
           " us/prefill token + " + formatNumber(c.beta2Us) + " us/decode token + " + formatNumber(c.beta3Us) +
           " us/context token (" + c.source + ")";
}

// --- Roofline -------------------------------------------------------------------------------

RooflineParams RooflineParams::fromPresets(const GpuSpec& gpu, const StepOverheads& overheads)
{
    return RooflineParams{
        .peakFlops = gpu.peakBf16Tflops * 1e12,
        .memoryBandwidth = gpu.memoryBandwidthTBs * 1e12,
        .mfuPrefill = gpu.mfuPrefill,
        .mfuDecode = gpu.mfuDecode,
        .bandwidthEfficiency = gpu.bandwidthEfficiency,
        .tpAllReduceUs = gpu.tpAllReduceUs,
        .overheadPerStepUs = overheads.perStepUs,
        .overheadPerLayerUs = overheads.perLayerUs,
        .overheadPerRequestUs = overheads.perRequestUs,
    };
}

double RooflineBreakdown::totalNs() const
{
    return std::max(computeNs(), memoryNs()) + fixedNs + perRequestNs;
}

Result<RooflineStepTime> RooflineStepTime::create(const ModelSpec& model, const RooflineParams& params,
                                                  int tensorParallel, std::string gpuName)
{
    if (auto valid = validateTensorParallel(model, tensorParallel); !valid)
        return std::unexpected(valid.error());
    if (!(params.peakFlops > 0.0 && params.memoryBandwidth > 0.0 && params.mfuPrefill > 0.0 &&
          params.mfuDecode > 0.0 && params.bandwidthEfficiency > 0.0))
        return fail("roofline needs positive peak FLOPs, bandwidth, MFUs and bandwidth efficiency");
    if (params.overheadPerStepUs < 0.0 || params.overheadPerLayerUs < 0.0 || params.overheadPerRequestUs < 0.0 ||
        params.tpAllReduceUs < 0.0)
        return fail("roofline overheads must not be negative");

    const double tp = tensorParallel;
    RooflineStepTime m;
    m.m_description = "roofline step time: " + model.name + (gpuName.empty() ? "" : " on " + gpuName) + " TP" +
                      std::to_string(tensorParallel);
    m.m_linearFlopsPerToken = 2.0 * static_cast<double>(model.nonEmbeddingParams()) / tp;
    // QK^T and PV: 2 FLOPs per multiply-add, each heads × head_dim per layer (sims.md §4.2).
    m.m_attentionFlopsPerPair = 4.0 * model.numAttentionHeads * model.headDim * model.numLayers / tp;
    // The lm_head is vocab-parallel: each shard computes vocab/tp logits per row.
    m.m_lmHeadFlopsPerRow = 2.0 * model.hiddenSize * static_cast<double>(model.vocabSize) / tp;
    m.m_nsPerPrefillFlop = kNsPerS / (params.peakFlops * params.mfuPrefill);
    m.m_nsPerDecodeFlop = kNsPerS / (params.peakFlops * params.mfuDecode);

    const double nsPerByte = kNsPerS / (params.memoryBandwidth * params.bandwidthEfficiency);
    m.m_weightReadNs = static_cast<double>(model.streamedParams()) * model.dtypeBytes / tp * nsPerByte;
    m.m_kvNsPerToken = static_cast<double>(kvBytesPerToken(model, tensorParallel)) * nsPerByte;
    m.m_fixedNs = (params.overheadPerStepUs + params.overheadPerLayerUs * model.numLayers +
                   tpAllReduceUsPerStep(model, params, tensorParallel)) *
                  kNsPerUs;
    m.m_perRequestNs = params.overheadPerRequestUs * kNsPerUs;
    return m;
}

RooflineBreakdown RooflineStepTime::breakdown(const BatchShape& batch) const
{
    checkShape(batch);
    RooflineBreakdown b;
    if (batch.numRequests == 0)
        return b;
    const double prefill = static_cast<double>(batch.prefillTokens);
    const double decode = static_cast<double>(batch.decodeTokens);
    const double attended = static_cast<double>(batch.attendedContextTokens);
    // A decode attends to its c + 1 tokens, one pair each. The shape does not split the attended
    // context between prefills and decodes, so the decodes get all of it except the prefill
    // chunks themselves: exact without prefix-cached prefills, an upper bound otherwise.
    const double decodePairs = batch.decodeTokens > 0 ? std::max(0.0, attended - prefill) : 0.0;

    b.prefillComputeNs = (m_linearFlopsPerToken * prefill +
                          m_attentionFlopsPerPair * static_cast<double>(batch.prefillAttentionPairs)) *
                         m_nsPerPrefillFlop;
    // vLLM v1 computes logits for every scheduled request (one row each), a skinny GEMM that
    // runs at decode efficiency.
    b.decodeComputeNs = (m_linearFlopsPerToken * decode + m_attentionFlopsPerPair * decodePairs +
                         m_lmHeadFlopsPerRow * batch.numRequests) *
                        m_nsPerDecodeFlop;
    b.weightReadNs = m_weightReadNs;
    b.kvTrafficNs = m_kvNsPerToken * (attended + prefill + decode);
    b.fixedNs = m_fixedNs;
    b.perRequestNs = m_perRequestNs * batch.numRequests;
    return b;
}

SimTime RooflineStepTime::stepTime(const BatchShape& batch) const
{
    if (batch.numRequests == 0) {
        checkShape(batch);
        return 0;
    }
    return roundToNanos(breakdown(batch).totalNs());
}

void RooflineStepTime::runStepTimes(const BatchShape& first, std::span<SimTime> out) const
{
    checkShape(first);
    if (first.numRequests == 0) {
        std::ranges::fill(out, SimTime{0});
        return;
    }
    // breakdown() and totalNs() term by term, in their order; the products that do not depend
    // on the attended context are computed once.
    const double prefill = static_cast<double>(first.prefillTokens);
    const double decode = static_cast<double>(first.decodeTokens);
    const double prefillComputeNs = (m_linearFlopsPerToken * prefill +
                                     m_attentionFlopsPerPair * static_cast<double>(first.prefillAttentionPairs)) *
                                    m_nsPerPrefillFlop;
    const double linearDecode = m_linearFlopsPerToken * decode;
    const double lmHead = m_lmHeadFlopsPerRow * first.numRequests;
    const double perRequestNs = m_perRequestNs * first.numRequests;
    std::int64_t attendedTokens = first.attendedContextTokens;
    for (SimTime& time : out) {
        const double attended = static_cast<double>(attendedTokens);
        const double decodePairs = first.decodeTokens > 0 ? std::max(0.0, attended - prefill) : 0.0;
        const double decodeComputeNs = (linearDecode + m_attentionFlopsPerPair * decodePairs + lmHead) * m_nsPerDecodeFlop;
        const double kvTrafficNs = m_kvNsPerToken * (attended + prefill + decode);
        const double totalNs =
            std::max(prefillComputeNs + decodeComputeNs, m_weightReadNs + kvTrafficNs) + m_fixedNs + perRequestNs;
        time = roundToNanos(totalNs);
        attendedTokens += first.numRequests;
    }
}

std::string RooflineStepTime::describe() const
{
    return m_description;
}

// --- Choosing coefficients and models --------------------------------------------------------

LinearCoefficients deriveLinearFromRoofline(const ModelSpec& model, const RooflineParams& params, int tensorParallel)
{
    const double tp = tensorParallel;
    const double usPerByte = 1e6 / (params.memoryBandwidth * params.bandwidthEfficiency);
    const double kvUs = static_cast<double>(kvBytesPerToken(model, tensorParallel)) * usPerByte;
    LinearCoefficients c;
    c.beta0Us = params.overheadPerStepUs + params.overheadPerLayerUs * model.numLayers +
                tpAllReduceUsPerStep(model, params, tensorParallel) +
                static_cast<double>(model.streamedParams()) * model.dtypeBytes / tp * usPerByte;
    c.beta1Us = 2.0 * static_cast<double>(model.nonEmbeddingParams()) / tp * 1e6 / (params.peakFlops * params.mfuPrefill);
    c.beta2Us = params.overheadPerRequestUs + kvUs;
    c.beta3Us = kvUs;
    c.measured = false;
    c.source = "derived from the roofline (no published fit for this model, GPU and TP)";
    return c;
}

Result<LinearCoefficients> linearCoefficientsFor(const ModelSpec& model, const GpuSpec& gpu, int tensorParallel,
                                                 const StepOverheads& overheads)
{
    if (auto valid = validateTensorParallel(model, tensorParallel); !valid)
        return std::unexpected(valid.error());
    // Only fits measured on this GPU and TP apply. Of those, the simulated engine is vLLM
    // v0.10.0, so the newest fit measured on v0.10.0 or older wins, else the oldest newer one
    // (selectLinearFit; the catalog allows one fit per GPU, TP and version).
    if (const LinearLatencyFit* fit = selectLinearFit(model, gpu.name, tensorParallel, kSimulatedVllmVersion))
        return LinearCoefficients{
            .beta0Us = fit->beta0Us,
            .beta1Us = fit->beta1Us,
            .beta2Us = fit->beta2Us,
            .beta3Us = fit->beta3Us,
            .measured = true,
            .source = fit->source,
        };
    auto c = deriveLinearFromRoofline(model, RooflineParams::fromPresets(gpu, overheads), tensorParallel);
    c.source += " on " + gpu.name;
    return c;
}

Result<std::unique_ptr<StepTimeModel>> makeStepTimeModel(StepTimeKind kind, const ModelSpec& model,
                                                         const GpuSpec& gpu, int tensorParallel,
                                                         const StepOverheads& overheads)
{
    if (kind == StepTimeKind::Linear) {
        auto coefficients = linearCoefficientsFor(model, gpu, tensorParallel, overheads);
        if (!coefficients)
            return std::unexpected(coefficients.error());
        return std::make_unique<LinearStepTime>(std::move(*coefficients));
    }
    auto roofline =
        RooflineStepTime::create(model, RooflineParams::fromPresets(gpu, overheads), tensorParallel, gpu.name);
    if (!roofline)
        return std::unexpected(roofline.error());
    return std::make_unique<RooflineStepTime>(std::move(*roofline));
}

} // namespace kvroute::sim
