#include "sim/routing/epp_prefix_scorer.h"

#include "sim/util/check.h"
#include "sim/workload/tokenizer.h"

#include <xxhash.h>

#include <algorithm>

namespace kvroute::sim::routing {

void approximatePrefixHashes(std::span<const TokenId> prompt, std::string_view modelName,
                             const ApproxPrefixConfig& config, std::string& textScratch,
                             std::string& blockScratch, std::vector<std::uint64_t>& out)
{
    out.clear();
    const auto blockChars = static_cast<std::size_t>(config.hashBlockSize);
    const std::size_t totalChars = prompt.size() * kCharsPerToken;
    if (totalChars < blockChars)
        return;
    const std::size_t usableChars =
        std::min(totalChars, static_cast<std::size_t>(config.maxPrefixBlocksToMatch) * blockChars);
    const std::size_t numBlocks = usableChars / blockChars;
    const std::size_t neededChars = numBlocks * blockChars;
    const std::size_t neededTokens = (neededChars + kCharsPerToken - 1) / kCharsPerToken;

    textScratch.clear();
    for (std::size_t t = 0; t < neededTokens; ++t)
        appendTokenText(prompt[t], textScratch);

    const std::string_view text(textScratch);
    blockScratch.assign(modelName);
    blockScratch.append(text.substr(0, blockChars));
    std::uint64_t prev = XXH64(blockScratch.data(), blockScratch.size(), 0);
    out.push_back(prev);
    for (std::size_t b = 1; b < numBlocks; ++b) {
        blockScratch.assign(text.substr(b * blockChars, blockChars));
        for (int k = 0; k < 8; ++k)
            blockScratch.push_back(static_cast<char>((prev >> (8 * k)) & 0xFFU));
        prev = XXH64(blockScratch.data(), blockScratch.size(), 0);
        out.push_back(prev);
    }
}

ApproxPrefixHasher::ApproxPrefixHasher(const ApproxPrefixConfig& config) : m_config(config) {}

void ApproxPrefixHasher::hash(std::span<const TokenId> prompt, std::string_view modelName,
                              std::vector<std::uint64_t>& out)
{
    if (m_config.hashBlockSize % kCharsPerToken != 0) {
        approximatePrefixHashes(prompt, modelName, m_config, m_text, m_block, out);
        return;
    }
    out.clear();
    const auto blockChars = static_cast<std::size_t>(m_config.hashBlockSize);
    const std::size_t tokensPerBlock = blockChars / kCharsPerToken;
    const std::size_t totalChars = prompt.size() * kCharsPerToken;
    if (totalChars < blockChars)
        return;
    const std::size_t numBlocks =
        std::min(totalChars, static_cast<std::size_t>(m_config.maxPrefixBlocksToMatch) * blockChars) / blockChars;

    // Block 0 is the model name and the block's text; every later block is its text and the
    // previous hash, little-endian. Rendered into one buffer that keeps its capacity.
    m_block.assign(modelName);
    for (const TokenId t : prompt.first(tokensPerBlock))
        appendTokenText(t, m_block);
    std::uint64_t prev = XXH64(m_block.data(), m_block.size(), 0);
    out.push_back(prev);
    m_block.resize(blockChars + 8);
    for (std::size_t b = 1; b < numBlocks; ++b) {
        renderTokenText(prompt.subspan(b * tokensPerBlock, tokensPerBlock), m_block.data());
        for (std::size_t k = 0; k < 8; ++k)
            m_block[blockChars + k] = static_cast<char>((prev >> (8 * k)) & 0xFFU);
        prev = XXH64(m_block.data(), m_block.size(), 0);
        out.push_back(prev);
    }
}

std::size_t ApproxPrefixHasher::tokensRead(std::size_t promptTokens) const
{
    const auto capChars = static_cast<std::size_t>(m_config.maxPrefixBlocksToMatch) *
                          static_cast<std::size_t>(m_config.hashBlockSize);
    return std::min(promptTokens, (capChars + kCharsPerToken - 1) / kCharsPerToken);
}

ApproxPrefixIndex::ApproxPrefixIndex(std::size_t lruCapacityPerServer) : m_capacity(lruCapacityPerServer)
{
    KVROUTE_CHECK(lruCapacityPerServer >= 1, "LRU capacity per server must be positive");
}

void ApproxPrefixIndex::dropPod(std::uint64_t hash, int pod)
{
    PodMask* pods = m_hashToPods.find(hash);
    if (!pods)
        return;
    pods->reset(pod);
    if (!pods->any())
        m_hashToPods.erase(hash);
}

void ApproxPrefixIndex::add(std::span<const std::uint64_t> hashes, int pod)
{
    KVROUTE_CHECK(pod >= 0, "bad pod index");
    if (m_podLru.size() <= static_cast<std::size_t>(pod))
        m_podLru.resize(static_cast<std::size_t>(pod) + 1);
    auto& slot = m_podLru[static_cast<std::size_t>(pod)];
    if (!slot)
        slot.emplace(m_capacity);
    LruSet64& lru = *slot;

    // Every hash in the LRU has the pod in its set, so when the request fits in the LRU (no
    // hash of it can be evicted by its own later hashes) only newly inserted hashes need to
    // join their set; otherwise all of them do, as GAIE's second loop does.
    const bool fits = hashes.size() <= m_capacity;
    m_joiners.clear();
    for (const std::uint64_t h : hashes) {
        const auto touched = lru.touch(h);
        if (touched.evicted)
            dropPod(*touched.evicted, pod);
        if (touched.inserted && fits)
            m_joiners.push_back(h);
    }
    const std::span<const std::uint64_t> join = fits ? std::span<const std::uint64_t>(m_joiners) : hashes;
    for (const std::uint64_t h : join)
        m_hashToPods[h].set(pod);
}

void ApproxPrefixIndex::matchLongestPrefix(std::span<const std::uint64_t> hashes, std::span<std::int32_t> matchLen) const
{
    for (const std::uint64_t h : hashes) {
        const PodMask* pods = m_hashToPods.find(h);
        if (!pods || !pods->any())
            break;
        pods->forEach([&](int pod) {
            KVROUTE_CHECK(static_cast<std::size_t>(pod) < matchLen.size(), "match buffer too small");
            ++matchLen[static_cast<std::size_t>(pod)];
        });
    }
}

bool ApproxPrefixIndex::holds(std::uint64_t hash, int pod) const
{
    const PodMask* pods = m_hashToPods.find(hash);
    return pods && pods->test(pod);
}

std::size_t ApproxPrefixIndex::lruSize(int pod) const
{
    const auto i = static_cast<std::size_t>(pod);
    return i < m_podLru.size() && m_podLru[i] ? m_podLru[i]->size() : 0;
}

ApproxPrefixScorer::ApproxPrefixScorer(const ApproxPrefixConfig& config)
    : m_config(config), m_index(static_cast<std::size_t>(config.lruCapacityPerServer)), m_hasher(config)
{
    KVROUTE_CHECK(config.hashBlockSize >= 1 && config.maxPrefixBlocksToMatch >= 1, "bad prefix scorer config");
}

const std::vector<std::uint64_t>& ApproxPrefixScorer::hashesFor(const RoutingContext& ctx)
{
    const void* identity = ctx.request.prompt.identity();
    if (m_hashesOf != ctx.request.id || m_hashesOfPrompt != identity) {
        // Only the capped prefix: a recipe prompt (a trace replay's) is then written only that far.
        const auto& prompt = ctx.request.prompt;
        m_hasher.hash(prompt.tokens(0, m_hasher.tokensRead(prompt.size()), m_promptScratch), ctx.modelName, m_hashes);
        m_hashesOf = ctx.request.id;
        m_hashesOfPrompt = identity;
    }
    return m_hashes;
}

void ApproxPrefixScorer::score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out)
{
    const auto& hashes = hashesFor(ctx);
    if (hashes.empty())
        return;
    m_matchLen.assign(ctx.pods.size(), 0);
    m_index.matchLongestPrefix(hashes, m_matchLen);
    const auto total = static_cast<double>(hashes.size());
    for (std::size_t i = 0; i < candidates.size(); ++i)
        out[i] = static_cast<double>(m_matchLen[static_cast<std::size_t>(candidates[i])]) / total;
}

void ApproxPrefixScorer::onRouted(const RoutingContext& ctx, int pod)
{
    const auto& hashes = hashesFor(ctx);
    m_index.add(hashes, pod);
}

} // namespace kvroute::sim::routing
