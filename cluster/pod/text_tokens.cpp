#include "cluster/pod/text_tokens.h"

#include "sim/workload/tokenizer.h"

namespace kvroute::cluster {

namespace {

/// FNV-1a of a group of up to 4 bytes, folded to a token id.
sim::TokenId hashGroup(std::string_view group)
{
    std::uint32_t h = 2166136261U;
    for (const char c : group) {
        h ^= static_cast<unsigned char>(c);
        h *= 16777619U;
    }
    h ^= static_cast<std::uint32_t>(group.size()) * 0x9E3779B9U; // "a" and "a\0" differ
    return static_cast<sim::TokenId>(h & sim::kMaxTokenId);
}

} // namespace

sim::TokenVector textToTokens(std::string_view text)
{
    sim::TokenVector out;
    out.reserve(text.size() / sim::kCharsPerToken + 1);
    for (std::size_t i = 0; i < text.size(); i += sim::kCharsPerToken) {
        const std::string_view group = text.substr(i, sim::kCharsPerToken);
        if (group.size() == sim::kCharsPerToken) {
            if (const auto exact = sim::tokenize(group); exact && exact->size() == 1) {
                out.push_back(exact->front());
                continue;
            }
        }
        out.push_back(hashGroup(group));
    }
    return out;
}

std::string tokensToText(std::span<const sim::TokenId> tokens)
{
    return sim::detokenize(tokens);
}

} // namespace kvroute::cluster
