#pragma once
// How many KV-cache blocks vLLM v0.10.0 allocates on one GPU (vllm.md §8):
//
//   requested  = total GPU memory × gpu_memory_utilization
//   available  = requested − weights per shard − activation reserve
//   num_blocks = floor(available / (block_size × KV bytes per token per shard))
//
// unless num_gpu_blocks_override is set. Every intermediate quantity is returned so a UI can
// explain the number.
//
// The activation reserve stands in for what vLLM measures in its profile run (one dummy forward
// of max_num_batched_tokens tokens, then a dummy sampler over min(max_num_seqs,
// max_num_batched_tokens) rows, vllm.md §8) plus memory allocated outside torch. We cannot run
// that profile, so it is an estimate, documented in kv_capacity.cpp and checked against the
// H100 estimate of vllm.md §8 and the llm-d capacity reports (llmd.md §4.1).

#include "sim/model/gpu_spec.h"
#include "sim/model/model_spec.h"
#include "sim/util/result.h"

#include <cstdint>
#include <optional>

namespace kvroute::sim {

struct KvCapacityConfig {
    int tensorParallel = 1;
    double gpuMemoryUtilization = 0.9; ///< vLLM default (vllm.md §8)
    std::int32_t blockSize = 16;       ///< vLLM default on CUDA (vllm.md §8)
    /// 0 = the `vllm serve` default for the GPU (vllmServeDefaults, vllm.md §8).
    std::int64_t maxNumBatchedTokens = 0;
    /// 0 = the `vllm serve` default for the GPU.
    std::int64_t maxNumSeqs = 0;
    /// 0 = the model's max_position_embeddings (vLLM's default max_model_len).
    std::int64_t maxModelLen = 0;
    /// --num-gpu-blocks-override: wins over the computed count (vllm.md §8).
    std::optional<std::int64_t> numGpuBlocksOverride;
    /// Replaces the profile-run estimate (torch peak + non-torch) with a measured value, e.g.
    /// taken from a real vLLM startup log.
    std::optional<std::int64_t> activationReserveOverrideBytes;
};

/// The profile-run estimate, split the way vLLM's memory profiler reports it.
struct ActivationEstimate {
    std::int64_t forwardPeakBytes = 0; ///< dummy forward of max_num_batched_tokens tokens
    std::int64_t samplerPeakBytes = 0; ///< dummy sampler, plus the hidden states it keeps alive
    std::int64_t torchPeakBytes = 0;   ///< max of the two: they do not overlap
    std::int64_t nonTorchBytes = 0;    ///< cuBLAS/NCCL and other allocations outside torch
    std::int64_t reserveBytes = 0;     ///< torchPeak + nonTorch
};

struct KvCapacity {
    // Inputs as resolved (defaults filled in).
    int tensorParallel = 1;
    double gpuMemoryUtilization = 0.0;
    std::int32_t blockSize = 0;
    std::int64_t maxNumBatchedTokens = 0;
    std::int64_t maxNumSeqs = 0;
    std::int64_t maxModelLen = 0;

    std::int64_t totalBytes = 0;      ///< GPU memory as torch reports it
    std::int64_t requestedBytes = 0;  ///< total × gpu_memory_utilization
    std::int64_t weightBytes = 0;     ///< per tensor-parallel shard
    ActivationEstimate activation;    ///< reserve for the profile run (estimate or override)
    bool activationOverridden = false;
    std::int64_t availableBytes = 0;  ///< requested − weights − activation reserve
    std::int64_t bytesPerToken = 0;   ///< KV bytes per token on one shard
    std::int64_t bytesPerBlock = 0;   ///< block_size × bytesPerToken
    std::int64_t computedBlocks = 0;  ///< floor(available / bytesPerBlock)
    std::int64_t numBlocks = 0;       ///< computedBlocks, or the override
    std::int64_t numTokens = 0;       ///< numBlocks × block_size ("GPU KV cache size")
    bool overridden = false;
};

/// vLLM's constraints on the TP degree: attention heads divisible by it, KV heads divisible by
/// it or (replication) it divisible by the KV heads, and the MLP width divisible by it.
[[nodiscard]] Result<void> validateTensorParallel(const ModelSpec& model, int tensorParallel);

/// KV heads held by one shard: kvHeads / tp, at least 1 (heads replicate when tp > kvHeads).
[[nodiscard]] int kvHeadsPerShard(const ModelSpec& model, int tensorParallel);

/// 2 (K and V) × layers × KV heads per shard × head_dim × dtype bytes (vllm.md §8).
/// Precondition: validateTensorParallel passed.
[[nodiscard]] std::int64_t kvBytesPerToken(const ModelSpec& model, int tensorParallel);

/// vLLM's get_num_blocks: available // page_size // num_layers, which for integers equals
/// floor(available / (block_size × bytes per token)); never negative.
[[nodiscard]] std::int64_t kvBlocksFromAvailable(std::int64_t availableBytes, std::int64_t bytesPerToken,
                                                 std::int32_t blockSize);

/// Weights resident on one shard: parameters × dtype / tp, plus the K/V projections that
/// replicate when tp > KV heads, plus the rotary cos/sin cache every shard holds.
[[nodiscard]] std::int64_t weightBytesPerShard(const ModelSpec& model, int tensorParallel);

/// The profile-run estimate for resolved token/sequence budgets (see kv_capacity.cpp).
[[nodiscard]] ActivationEstimate estimateActivationReserve(const ModelSpec& model, int tensorParallel,
                                                           std::int64_t maxNumBatchedTokens,
                                                           std::int64_t maxNumSeqs);

/// The whole computation. Errors: invalid TP, utilization outside (0, 1], weights or the
/// reserve not fitting, no room for one max_model_len request (vLLM refuses to start then).
[[nodiscard]] Result<KvCapacity> computeKvCapacity(const ModelSpec& model, const GpuSpec& gpu,
                                                   const KvCapacityConfig& config);

} // namespace kvroute::sim
