#pragma once
// The one deterministic tokenizer used everywhere: every token is exactly 4 characters of text
// (kCharsPerToken), so llm-d's character-based prefix scorer (64-char blocks, llmd.md §1.3)
// sees 16-token blocks, as its authors assume. Token t < 2^24 is written as four characters of
// a 64-letter alphabet (base 64, most significant first); detokenize/tokenize are inverses.
// Real tokenizers average ~4 characters per token on English text; the simulator needs the
// ratio, not the words.

#include "sim/engine/engine_types.h"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kvroute::sim {

inline constexpr int kCharsPerToken = 4;
inline constexpr TokenId kMaxTokenId = (1U << 24) - 1;

/// Appends the 4 characters of `token` to `out`.
void appendTokenText(TokenId token, std::string& out);
/// Writes the 4 × tokens.size() characters of `tokens` to `out` (hot paths: no string).
void renderTokenText(std::span<const TokenId> tokens, char* out);
/// The text of `tokens` (4 characters each).
[[nodiscard]] std::string detokenize(std::span<const TokenId> tokens);
/// The tokens of `text`; nullopt if its length is not a multiple of 4 or it has a character
/// outside the alphabet.
[[nodiscard]] std::optional<TokenVector> tokenize(std::string_view text);

} // namespace kvroute::sim
