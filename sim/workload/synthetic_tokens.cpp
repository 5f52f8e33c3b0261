#include "sim/workload/synthetic_tokens.h"

#include "sim/kernel/rng.h"

#include "sim/util/check.h"

namespace kvroute::sim {

void appendRandomTokens(Rng& rng, std::int64_t count, TokenVector& out)
{
    KVROUTE_CHECK(count >= 0, "negative token count");
    out.reserve(out.size() + static_cast<std::size_t>(count));
    for (std::int64_t i = 0; i < count; ++i)
        out.push_back(static_cast<TokenId>(rng.uniformBelow(kVocabSize)));
}

namespace {

std::uint64_t traceBlockMix(std::uint64_t blockId) noexcept { return fmix64(blockId ^ 0x6A09E667F3BCC909ULL); }

TokenId traceBlockTokenOfMix(std::uint64_t blockMix, std::uint64_t index) noexcept
{
    const std::uint64_t b = fmix64(blockMix + (index + 1) * 0x9E3779B97F4A7C15ULL);
    return static_cast<TokenId>(b % kVocabSize);
}

} // namespace

TokenId traceBlockToken(std::uint64_t blockId, std::uint64_t index) noexcept
{
    // Two rounds so that (id, index) pairs cannot cancel linearly; the modulo bias of 2^64 mod
    // 128000 is ~1e-14 and irrelevant.
    return traceBlockTokenOfMix(traceBlockMix(blockId), index);
}

void appendTraceBlockTokens(std::uint64_t blockId, std::size_t count, TokenVector& out)
{
    appendTraceBlockTokens(blockId, 0, count, out);
}

void appendTraceBlockTokens(std::uint64_t blockId, std::size_t from, std::size_t count, TokenVector& out)
{
    const std::uint64_t mix = traceBlockMix(blockId);
    const std::size_t base = out.size();
    out.resize(base + count);
    TokenId* dst = out.data() + base;
    for (std::size_t j = 0; j < count; ++j)
        dst[j] = traceBlockTokenOfMix(mix, from + j);
}

OutputTokenSource answerSource(std::uint32_t offset)
{
    OutputTokenSource source;
    source.base = 0;
    source.offset = offset % kVocabSize;
    source.modulus = kVocabSize;
    return source;
}

std::uint32_t drawAnswerOffset(Rng& rng)
{
    return static_cast<std::uint32_t>(rng.uniformBelow(kVocabSize));
}

} // namespace kvroute::sim
