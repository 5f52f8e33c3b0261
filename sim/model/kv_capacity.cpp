#include "sim/model/kv_capacity.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace kvroute::sim {

namespace {

// --- The profile-run estimate -------------------------------------------------------------
//
// vLLM measures, during one dummy forward of T = max_num_batched_tokens tokens followed by a
// dummy sampler run on R = min(max_num_seqs, T) rows (vllm.md §8), the peak of torch's
// allocator and the growth of memory allocated outside torch. We estimate both:
//
// forward peak = T × dtype × (2·hidden + 3·intermediate/tp)
//   The widest moment of a layer is the MLP: the residual stream and the normed input
//   (hidden each) are alive while gate_up (2·intermediate/tp) is turned into the activation
//   (intermediate/tp). Attention's transients are narrower for every preset. Layers reuse
//   the same blocks of torch's caching allocator, so one layer's worth is the peak.
//   For Meta-Llama-3-8B at T = 8192 this gives 0.78 GiB where vLLM v0 (eager, no
//   torch.compile) logged 1.26 GiB (vllm-project/vllm PR #10511); we do not pad for that.
//
// sampler peak = R × vocab × (dtype + 3 × 4) + T × hidden × dtype
//   compute_logits yields R × vocab logits in the model dtype; every TP rank holds the full
//   vocabulary (vLLM v1 all-gathers logits). The v0.10 sampler copies them to fp32, takes
//   fp32 probabilities, and top-k/top-p (set in the dummy run) or the exponential noise of
//   random sampling holds one more fp32 tensor of that shape: three fp32 copies live at once.
//   The forward's final hidden states (T × hidden) are still referenced.
//
// torch peak = max(forward, sampler): the forward's transients are freed before sampling.
//
// non-torch = 0.2 GiB (+ 1.79 GiB when tp > 1)
//   Public vLLM 0.7–0.8 logs show non_torch_memory of 0.08–0.36 GiB at TP=1 (e.g. 0.16 GiB in
//   vllm-project/vllm PR #12126, 0.08/0.34/0.36 GiB on L40S); we take 0.2 GiB. NCCL and custom
//   all-reduce buffers add to it under tensor parallelism: on H100 the same model went from
//   1.79 GiB at TP=1 to 3.58 GiB at TP=2 (PR #10511), so tp > 1 adds that 1.79 GiB.
//
// Checks (tests/model/tst_kv_capacity.cpp): Llama-3.2-1B on H100 at 0.9 with 8192 / 1024 lands
// inside vllm.md §8's 136k–138k blocks; Qwen3-32B TP=2 and Llama-3.1-70B TP=4 on H100 land
// within 3 % of the llm-d reports' 307,328 and 461,376 tokens per pod (llmd.md §4.1).
constexpr std::int64_t kFp32Bytes = 4;
constexpr std::int64_t kSamplerFp32Copies = 3;
constexpr double kNonTorchGib = 0.2;
constexpr double kNonTorchTensorParallelGib = 1.79;

/// 0.9 rather than std::to_string's 0.900000.
std::string shortNumber(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.6g", v);
    return buf;
}

std::string gib(double bytes)
{
    char text[32];
    std::snprintf(text, sizeof text, "%.2f GiB", bytes / kGiB);
    return text;
}

std::int64_t ceilDiv(std::int64_t a, std::int64_t b)
{
    return (a + b - 1) / b;
}

} // namespace

Result<void> validateTensorParallel(const ModelSpec& model, int tensorParallel)
{
    const std::string tp = std::to_string(tensorParallel);
    if (tensorParallel < 1)
        return fail("tensor parallel size must be at least 1, got " + tp);
    if (model.numAttentionHeads % tensorParallel != 0)
        return fail("tensor parallel size " + tp + " does not divide the " + std::to_string(model.numAttentionHeads) +
                    " attention heads of " + model.name);
    const bool kvSplits = tensorParallel <= model.numKvHeads;
    if (kvSplits ? model.numKvHeads % tensorParallel != 0 : tensorParallel % model.numKvHeads != 0)
        return fail("tensor parallel size " + tp + " neither divides nor is a multiple of the " +
                    std::to_string(model.numKvHeads) + " KV heads of " + model.name);
    if (model.intermediateSize % tensorParallel != 0)
        return fail("tensor parallel size " + tp + " does not divide intermediate_size " +
                    std::to_string(model.intermediateSize) + " of " + model.name);
    return {};
}

int kvHeadsPerShard(const ModelSpec& model, int tensorParallel)
{
    return std::max(1, model.numKvHeads / tensorParallel);
}

std::int64_t kvBytesPerToken(const ModelSpec& model, int tensorParallel)
{
    return std::int64_t{2} * model.numLayers * kvHeadsPerShard(model, tensorParallel) * model.headDim *
           model.dtypeBytes;
}

std::int64_t kvBlocksFromAvailable(std::int64_t availableBytes, std::int64_t bytesPerToken, std::int32_t blockSize)
{
    if (availableBytes <= 0)
        return 0;
    return availableBytes / (bytesPerToken * blockSize);
}

std::int64_t weightBytesPerShard(const ModelSpec& model, int tensorParallel)
{
    const std::int64_t tp = tensorParallel;
    std::int64_t bytes = ceilDiv(model.parameterCount * model.dtypeBytes, tp);
    if (tensorParallel > model.numKvHeads) {
        // Each shard holds a whole KV head instead of kvHeads/tp of one.
        const std::int64_t kvProjection = std::int64_t{2} * model.numLayers * model.hiddenSize * model.headDim;
        bytes += kvProjection * model.dtypeBytes * (tp - model.numKvHeads) / tp;
    }
    // RotaryEmbedding's cos/sin cache: max_position_embeddings × head_dim in the model dtype.
    // With it, Llama-3.2-1B comes to 2.3175 GiB against the 2.3185 GiB vLLM logs (vllm.md §8)
    // and Llama-3.1-8B to 14.98878 GiB against "Model loading took 14.9889 GiB" (vLLM PR #17122
    // log): the rest is under 0.1 MiB of small buffers.
    bytes += std::int64_t{model.maxPositionEmbeddings} * model.headDim * model.dtypeBytes;
    return bytes;
}

ActivationEstimate estimateActivationReserve(const ModelSpec& model, int tensorParallel,
                                             std::int64_t maxNumBatchedTokens, std::int64_t maxNumSeqs)
{
    const std::int64_t tokens = maxNumBatchedTokens;
    const std::int64_t rows = std::min(maxNumSeqs, maxNumBatchedTokens);
    const std::int64_t dtype = model.dtypeBytes;

    ActivationEstimate estimate;
    estimate.forwardPeakBytes =
        tokens * dtype * (std::int64_t{2} * model.hiddenSize + std::int64_t{3} * model.intermediateSize / tensorParallel);
    estimate.samplerPeakBytes = rows * model.vocabSize * (dtype + kSamplerFp32Copies * kFp32Bytes) +
                                tokens * model.hiddenSize * dtype;
    estimate.torchPeakBytes = std::max(estimate.forwardPeakBytes, estimate.samplerPeakBytes);
    const double nonTorchGib = kNonTorchGib + (tensorParallel > 1 ? kNonTorchTensorParallelGib : 0.0);
    estimate.nonTorchBytes = static_cast<std::int64_t>(std::llround(nonTorchGib * kGiB));
    estimate.reserveBytes = estimate.torchPeakBytes + estimate.nonTorchBytes;
    return estimate;
}

Result<KvCapacity> computeKvCapacity(const ModelSpec& model, const GpuSpec& gpu, const KvCapacityConfig& config)
{
    if (auto valid = validateTensorParallel(model, config.tensorParallel); !valid)
        return std::unexpected(valid.error());
    if (!(config.gpuMemoryUtilization > 0.0 && config.gpuMemoryUtilization <= 1.0))
        return fail("gpu_memory_utilization must be in (0, 1], got " + shortNumber(config.gpuMemoryUtilization));
    if (config.blockSize < 1)
        return fail("block_size must be positive, got " + std::to_string(config.blockSize));
    if (config.maxNumBatchedTokens < 0 || config.maxNumSeqs < 0 || config.maxModelLen < 0)
        return fail("max_num_batched_tokens, max_num_seqs and max_model_len must not be negative");
    if (config.numGpuBlocksOverride && *config.numGpuBlocksOverride < 1)
        return fail("num_gpu_blocks_override must be positive, got " + std::to_string(*config.numGpuBlocksOverride));
    if (config.activationReserveOverrideBytes && *config.activationReserveOverrideBytes < 0)
        return fail("the activation reserve override must not be negative");

    const SchedulerDefaults defaults = vllmServeDefaults(gpu);
    KvCapacity cap;
    cap.tensorParallel = config.tensorParallel;
    cap.gpuMemoryUtilization = config.gpuMemoryUtilization;
    cap.blockSize = config.blockSize;
    cap.maxNumBatchedTokens = config.maxNumBatchedTokens > 0 ? config.maxNumBatchedTokens : defaults.maxNumBatchedTokens;
    cap.maxNumSeqs = config.maxNumSeqs > 0 ? config.maxNumSeqs : defaults.maxNumSeqs;
    cap.maxModelLen = config.maxModelLen > 0 ? config.maxModelLen : model.maxPositionEmbeddings;

    cap.totalBytes = gpu.memoryBytes();
    const double requested = static_cast<double>(cap.totalBytes) * config.gpuMemoryUtilization;
    cap.requestedBytes = static_cast<std::int64_t>(std::floor(requested));
    cap.weightBytes = weightBytesPerShard(model, config.tensorParallel);
    if (config.activationReserveOverrideBytes) {
        cap.activation.reserveBytes = *config.activationReserveOverrideBytes;
        cap.activationOverridden = true;
    } else {
        cap.activation =
            estimateActivationReserve(model, config.tensorParallel, cap.maxNumBatchedTokens, cap.maxNumSeqs);
    }
    cap.bytesPerToken = kvBytesPerToken(model, config.tensorParallel);
    cap.bytesPerBlock = cap.bytesPerToken * cap.blockSize;

    const std::string setup = model.name + " on " + gpu.name + " (TP " + std::to_string(config.tensorParallel) + ")";
    if (static_cast<double>(cap.weightBytes) >= requested)
        return fail("the weights of " + setup + " need " + gib(static_cast<double>(cap.weightBytes)) +
                    " per GPU, more than the " + gib(requested) + " that gpu_memory_utilization " +
                    shortNumber(config.gpuMemoryUtilization) + " allows of " +
                    gib(static_cast<double>(cap.totalBytes)) + "; raise the tensor parallel size or the utilization");

    const double available =
        requested - static_cast<double>(cap.weightBytes) - static_cast<double>(cap.activation.reserveBytes);
    if (available <= 0.0)
        return fail("no memory left for the KV cache of " + setup + ": " + gib(requested) + " requested - " +
                    gib(static_cast<double>(cap.weightBytes)) + " weights - " +
                    gib(static_cast<double>(cap.activation.reserveBytes)) +
                    " activation reserve; increase gpu_memory_utilization or lower max_num_batched_tokens");
    cap.availableBytes = static_cast<std::int64_t>(std::floor(available));

    // vLLM checks that one max_model_len request fits the available KV memory at start-up,
    // whatever the override.
    const std::int64_t neededForOneRequest = ceilDiv(cap.maxModelLen, cap.blockSize) * cap.bytesPerBlock;
    if (neededForOneRequest > cap.availableBytes)
        return fail("to serve one request of max_model_len " + std::to_string(cap.maxModelLen) + ", " + setup +
                    " needs " + gib(static_cast<double>(neededForOneRequest)) + " of KV cache, more than the " +
                    gib(static_cast<double>(cap.availableBytes)) +
                    " available; increase gpu_memory_utilization or decrease max_model_len");

    cap.computedBlocks = kvBlocksFromAvailable(cap.availableBytes, cap.bytesPerToken, cap.blockSize);
    if (config.numGpuBlocksOverride) {
        // vLLM takes the override as it is (vllm.md §8 names the flag) and allocates the KV tensors
        // from it. Our own model, not a reference rule: more than the GPU holds beside the weights
        // and the activation peak would fail with CUDA out of memory at start-up. The requested
        // share (gpu_memory_utilization) is no bound here: the llm-d benchmark's override of 4,802
        // blocks exceeds our estimate of it.
        const double physical = static_cast<double>(cap.totalBytes) - static_cast<double>(cap.weightBytes) -
                                static_cast<double>(cap.activation.reserveBytes);
        const double wanted = static_cast<double>(*config.numGpuBlocksOverride) * static_cast<double>(cap.bytesPerBlock);
        if (wanted > physical)
            return fail(std::to_string(*config.numGpuBlocksOverride) + " blocks of " + std::to_string(cap.blockSize) +
                            " tokens need " + gib(wanted) + " of KV cache per GPU; " + setup + " has " +
                            gib(static_cast<double>(cap.totalBytes)) + " - " + gib(static_cast<double>(cap.weightBytes)) +
                            " weights - " + gib(static_cast<double>(cap.activation.reserveBytes)) +
                            " activation reserve = " + gib(std::max(0.0, physical)) +
                            ", so vLLM would fail with CUDA out of memory; at most " +
                            std::to_string(static_cast<std::int64_t>(std::max(0.0, physical) /
                                                                     static_cast<double>(cap.bytesPerBlock))) +
                            " blocks fit (the computed capacity is " + std::to_string(cap.computedBlocks) + ")",
                        "num_gpu_blocks_override");
    }
    cap.overridden = config.numGpuBlocksOverride.has_value();
    cap.numBlocks = cap.overridden ? *config.numGpuBlocksOverride : cap.computedBlocks;
    cap.numTokens = cap.numBlocks * cap.blockSize;
    return cap;
}

} // namespace kvroute::sim
