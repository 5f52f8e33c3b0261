#pragma once
// The OpenAI-compatible request bodies a vLLM v0.10.0 server takes (vllm.md §10), parsed into
// what a live pod needs, and the bodies it answers with. Bad input yields vLLM's error shape
// and status with the offending field named.

#include "sim/engine/engine_types.h"
#include "sim/util/result.h"

#include <expected>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kvroute::cluster {

struct GenerationRequest {
    bool chat = false;
    std::string model;           ///< as asked ("" = the served model)
    sim::TokenVector prompt;
    std::optional<std::int32_t> maxTokens; ///< unset: 16 (completions) / up to max_model_len (chat)
    bool stream = false;
    bool includeUsage = false;
    bool ignoreEos = false;
    std::int32_t n = 1;
    std::vector<sim::TokenId> stopTokenIds;
    /// vLLM skips the prefix-cache lookup (and its counters) for these (vllm.md §2).
    bool promptLogprobs = false;
};

struct ApiError {
    int status = 400;
    std::string message;
    std::string param; ///< the field at fault, if any
};

/// Parses a /v1/completions (chat = false) or /v1/chat/completions body.
[[nodiscard]] std::expected<GenerationRequest, ApiError> parseGenerationRequest(const std::string& body, bool chat);

/// {"object":"error","message":...,"type":...,"param":...,"code":status}.
[[nodiscard]] std::string errorBody(const ApiError& error);

/// The chat template: each message as "<|role|>content<|end|>", then "<|assistant|>". A later
/// turn's text starts with an earlier turn's, so its tokens do too (prefix caching works).
[[nodiscard]] std::string renderChat(const std::vector<std::pair<std::string, std::string>>& messages);

struct Usage {
    std::int64_t promptTokens = 0;
    std::int64_t completionTokens = 0;
    std::optional<std::int64_t> cachedTokens; ///< reported only with --enable-prompt-tokens-details
};

struct ResponseContext {
    bool chat = false;
    std::string id;    ///< "cmpl-..." / "chatcmpl-..."
    std::int64_t created = 0;
    std::string model;
};

[[nodiscard]] std::string completionBody(const ResponseContext& c, const std::string& text, const std::string& finishReason,
                                         const Usage& usage);
/// One SSE "data: ...\n\n" event; `finishReason` empty for tokens before the last.
[[nodiscard]] std::string streamChunk(const ResponseContext& c, const std::string& text, const std::string& finishReason);
/// The chat stream's first event (delta.role = assistant).
[[nodiscard]] std::string streamRoleChunk(const ResponseContext& c);
[[nodiscard]] std::string streamUsageChunk(const ResponseContext& c, const Usage& usage);
/// An error raised once a stream has begun, as vLLM v0.10.0 sends it inside the 200 answer
/// (serving_engine.py create_streaming_error_response): `data: {"error": {...}}` written by
/// Python's json.dumps, so with its ", " and ": " separators, and "param" always null. The
/// stream then ends with `data: [DONE]`, which this event does not include.
[[nodiscard]] std::string streamErrorEvent(const ApiError& error);

} // namespace kvroute::cluster
