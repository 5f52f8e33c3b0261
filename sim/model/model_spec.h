#pragma once
// An LLM as the simulator needs it: the Hugging Face config.json fields that size the KV cache
// and the per-step work (vllm.md §8, sims.md §4.2), plus any measured step-time fits.
// Values come from resources/presets/models.yaml; every number there cites its source.

#include <cstdint>
#include <string>
#include <vector>

namespace kvroute::sim {

/// A published linear step-time fit (sims.md §4.1), valid only for the GPU and TP it was
/// measured on: step_us = beta0 + beta1·prefill tokens + beta2·decode tokens
///                      + beta3·attended context tokens.
struct LinearLatencyFit {
    std::string gpu;          ///< GPU preset name the fit was measured on
    int tensorParallel = 1;
    std::string vllmVersion;  ///< vLLM version of the measurement
    double beta0Us = 0.0;     ///< per step
    double beta1Us = 0.0;     ///< per prefill token
    double beta2Us = 0.0;     ///< per decode token
    double beta3Us = 0.0;     ///< per attended context token
    std::string source;       ///< where the coefficients come from (for a UI)
};

struct ModelSpec {
    std::string name;  ///< preset name, e.g. "Llama-3.2-1B"
    std::string hfId;  ///< Hugging Face repository, e.g. "meta-llama/Llama-3.2-1B"

    int numLayers = 0;          ///< num_hidden_layers
    int hiddenSize = 0;         ///< hidden_size
    int intermediateSize = 0;   ///< intermediate_size
    int numAttentionHeads = 0;  ///< num_attention_heads
    int numKvHeads = 0;         ///< num_key_value_heads
    int headDim = 0;            ///< head_dim
    int vocabSize = 0;          ///< vocab_size
    int maxPositionEmbeddings = 0;
    bool tieWordEmbeddings = false;
    int dtypeBytes = 2;              ///< bytes per weight and KV element (bf16 = 2)
    std::int64_t parameterCount = 0; ///< all parameters, tied embeddings counted once

    std::vector<LinearLatencyFit> linearFits;

    /// vocab_size × hidden_size: one embedding matrix (the lm_head has the same shape).
    [[nodiscard]] std::int64_t embeddingParams() const
    {
        return static_cast<std::int64_t>(vocabSize) * hiddenSize;
    }

    /// Parameters of the transformer layers and norms: what every token multiplies through
    /// (2 FLOPs each). Excludes the input embedding and the lm_head, which the roofline counts
    /// per sampled row instead.
    [[nodiscard]] std::int64_t nonEmbeddingParams() const
    {
        return parameterCount - embeddingParams() * (tieWordEmbeddings ? 1 : 2);
    }

    /// Weights a forward pass streams from HBM: every layer plus the lm_head matrix. An untied
    /// input embedding is only gathered row by row, so it is not read whole.
    [[nodiscard]] std::int64_t streamedParams() const { return nonEmbeddingParams() + embeddingParams(); }
};

} // namespace kvroute::sim
