#include "sim/workload/tokenizer.h"

#include "sim/util/check.h"

#include <array>

namespace kvroute::sim {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<std::int8_t, 256> kReverse = [] {
    std::array<std::int8_t, 256> r{};
    r.fill(-1);
    for (std::size_t i = 0; i < kAlphabet.size(); ++i)
        r[static_cast<unsigned char>(kAlphabet[i])] = static_cast<std::int8_t>(i);
    return r;
}();

} // namespace

void appendTokenText(TokenId token, std::string& out)
{
    KVROUTE_CHECK(token <= kMaxTokenId, "token id out of the tokenizer's range");
    out.push_back(kAlphabet[(token >> 18) & 63U]);
    out.push_back(kAlphabet[(token >> 12) & 63U]);
    out.push_back(kAlphabet[(token >> 6) & 63U]);
    out.push_back(kAlphabet[token & 63U]);
}

void renderTokenText(std::span<const TokenId> tokens, char* out)
{
    for (const TokenId token : tokens) {
        KVROUTE_CHECK(token <= kMaxTokenId, "token id out of the tokenizer's range");
        *out++ = kAlphabet[(token >> 18) & 63U];
        *out++ = kAlphabet[(token >> 12) & 63U];
        *out++ = kAlphabet[(token >> 6) & 63U];
        *out++ = kAlphabet[token & 63U];
    }
}

std::string detokenize(std::span<const TokenId> tokens)
{
    std::string out;
    out.reserve(tokens.size() * kCharsPerToken);
    for (const TokenId t : tokens)
        appendTokenText(t, out);
    return out;
}

std::optional<TokenVector> tokenize(std::string_view text)
{
    if (text.size() % kCharsPerToken != 0)
        return std::nullopt;
    TokenVector tokens;
    tokens.reserve(text.size() / kCharsPerToken);
    for (std::size_t i = 0; i < text.size(); i += kCharsPerToken) {
        TokenId t = 0;
        for (std::size_t k = 0; k < kCharsPerToken; ++k) {
            const auto v = kReverse[static_cast<unsigned char>(text[i + k])];
            if (v < 0)
                return std::nullopt;
            t = (t << 6) | static_cast<TokenId>(v);
        }
        tokens.push_back(t);
    }
    return tokens;
}

} // namespace kvroute::sim
