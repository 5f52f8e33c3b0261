#pragma once
// Where workload token ids come from. Prompts and answers use vocabulary-like ids in
// [0, kVocabSize) (a Llama-3 vocabulary is 128,256), far inside the tokenizer's 24-bit range, so
// every prompt and answer is also printable text (tokenizer.h).

#include "sim/engine/engine_types.h"
#include "sim/kernel/rng.h"

#include <cstdint>

namespace kvroute::sim {

inline constexpr TokenId kVocabSize = 128000;

/// Appends `count` tokens drawn uniformly from [0, kVocabSize).
void appendRandomTokens(Rng& rng, std::int64_t count, TokenVector& out);

/// Token `index` of the trace block `blockId` (a Mooncake hash id): a fixed mix of the two into
/// [0, kVocabSize), independent of the seed, so equal ids always give equal blocks and
/// different ids practically never share even one 16-token block.
[[nodiscard]] TokenId traceBlockToken(std::uint64_t blockId, std::uint64_t index) noexcept;
/// Appends traceBlockToken(blockId, 0 .. count-1) to `out`, mixing the block id once.
void appendTraceBlockTokens(std::uint64_t blockId, std::size_t count, TokenVector& out);
/// Appends traceBlockToken(blockId, from .. from+count-1) to `out`.
void appendTraceBlockTokens(std::uint64_t blockId, std::size_t from, std::size_t count, TokenVector& out);

/// The answer stream of a request: offset, offset + 1, ... modulo kVocabSize. A different offset
/// per request makes answers differ.
[[nodiscard]] OutputTokenSource answerSource(std::uint32_t offset);

/// A fresh answer offset in [0, kVocabSize).
[[nodiscard]] std::uint32_t drawAnswerOffset(Rng& rng);

} // namespace kvroute::sim
