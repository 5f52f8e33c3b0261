#pragma once
// Prompt text <-> token ids for live pods. The simulator's tokenizer (sim/workload/tokenizer.h)
// writes every token as 4 characters of a 64-letter alphabet; text in that form (what
// `kvroute load` sends for a simulated workload) maps back to exactly those token ids, so a
// live pod sees the prompts the simulation sees. Any other text is cut into 4-byte groups from
// the start, each group hashed to a token id (the last group may be shorter): prefix-stable, as
// a real tokenizer is on text that only grows at the end (a chat history), and ~4 bytes a token.

#include "sim/engine/engine_types.h"

#include <span>
#include <string>
#include <string_view>

namespace kvroute::cluster {

[[nodiscard]] sim::TokenVector textToTokens(std::string_view text);
[[nodiscard]] std::string tokensToText(std::span<const sim::TokenId> tokens);

} // namespace kvroute::cluster
