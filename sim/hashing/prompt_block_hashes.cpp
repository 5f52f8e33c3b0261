#include "sim/hashing/prompt_block_hashes.h"

#include "sim/util/check.h"

#include <algorithm>
#include <utility>

namespace kvroute::sim {

namespace {
/// Below this many entries the memo never sweeps.
constexpr std::size_t kMinSweep = 1024;
} // namespace

PromptBlockHashes::PromptBlockHashes(BlockHasher hasher, std::int32_t blockSize)
    : m_hasher(std::move(hasher))
    , m_blockSize(blockSize)
    , m_sweepAt(kMinSweep)
{
    KVROUTE_CHECK(blockSize > 0, "block size must be positive");
}

std::span<const std::uint64_t> PromptBlockHashes::of(const PromptRef& prompt)
{
    KVROUTE_CHECK(static_cast<bool>(prompt), "no prompt to hash");
    auto [it, inserted] = m_entries.try_emplace(prompt.identity());
    Entry& entry = it->second;
    if (!inserted && !entry.prompt.expired())
        return entry.hashes;
    // New, or a dead prompt's entry whose address a new prompt now has.
    entry.prompt = prompt.watch();
    entry.hashes.clear();
    const auto block = static_cast<std::size_t>(m_blockSize);
    const std::span<const TokenId> tokens = prompt.tokens(m_scratch);
    entry.hashes.reserve(tokens.size() / block);
    std::uint64_t parent = m_hasher.noneHash();
    for (std::size_t start = 0; start + block <= tokens.size(); start += block) {
        parent = m_hasher.hashBlock(parent, tokens.subspan(start, block));
        entry.hashes.push_back(parent);
    }
    const std::span<const std::uint64_t> hashes(entry.hashes);
    if (m_entries.size() >= m_sweepAt)
        sweep(); // keeps `entry`: its prompt is alive
    return hashes;
}

void PromptBlockHashes::sweep()
{
    std::erase_if(m_entries, [](const auto& item) { return item.second.prompt.expired(); });
    m_sweepAt = std::max(kMinSweep, 2 * m_entries.size());
}

} // namespace kvroute::sim
