#include "sim/engine/kv_cache_manager.h"

#include "sim/util/check.h"

#include <algorithm>
#include <utility>

namespace kvroute::sim {

namespace {

std::int32_t cdiv(std::int32_t a, std::int32_t b) { return (a + b - 1) / b; }

BlockHasher makeHasher(const EngineConfig& config)
{
    BlockHasher hasher(config.hashAlgo, config.pythonHashSeed);
    // Only a process without PYTHONHASHSEED draws NONE_HASH at random (vllm.md §1).
    if (config.noneHashOverride && !config.pythonHashSeed)
        hasher.setNoneHash(*config.noneHashOverride);
    return hasher;
}

} // namespace

KvCacheManager::KvCacheManager(const EngineConfig& config)
    : m_blockSize(config.blockSize)
    , m_maxModelLen(config.maxModelLen)
    , m_enableCaching(config.enablePrefixCaching)
    , m_eventTokenIds(config.kvEventTokenIds)
    , m_hasher(makeHasher(config))
    , m_promptHashes(m_hasher, config.blockSize)
    , m_pool(config.numGpuBlocks, config.enablePrefixCaching, config.kvEvents)
{
    KVROUTE_CHECK(m_blockSize > 0, "block size must be positive");
}

std::size_t KvCacheManager::maxBlocks(const Request& request) const
{
    const std::int64_t maxLength =
        std::min<std::int64_t>(std::int64_t{request.numPromptTokens()} + request.maxTokens, m_maxModelLen);
    return static_cast<std::size_t>((maxLength + m_blockSize - 1) / m_blockSize);
}

// hash_request_tokens: full blocks only, chained on the parent hash (vllm.md §1). The prompt's
// blocks come from the memo; blocks past the prompt (a resumed request's outputs) are hashed here.
void KvCacheManager::hashRequestTokens(Request& request)
{
    const std::int32_t numFull = request.numTokens() / m_blockSize;
    // Room for the blocks decode will fill too, so the step loop never grows the list.
    request.blockHashes.reserve(maxBlocks(request));
    const auto promptChain = m_promptHashes.of(request.prompt);
    request.blockHashes.assign(promptChain.begin(), promptChain.end());
    BlockHashValue parent = promptChain.empty() ? m_hasher.noneHash() : promptChain.back();
    for (auto i = static_cast<std::int32_t>(promptChain.size()); i < numFull; ++i) {
        const auto tokens = request.tokens(i * m_blockSize, (i + 1) * m_blockSize, m_scratch);
        parent = m_hasher.hashBlock(parent, tokens);
        request.blockHashes.push_back(parent);
    }
}

std::int32_t KvCacheManager::findComputedBlocks(Request& request, std::vector<BlockId>& hitBlocks)
{
    if (!m_enableCaching || request.skipPrefixCache)
        return 0;
    // Hashes survive preemption, so a resumed request reuses (and may extend) its list.
    if (request.blockHashes.empty())
        hashRequestTokens(request);
    ++m_stats.requests;
    // The last token is always recomputed to get logits (vllm.md §2).
    const std::int32_t maxHitBlocks = (request.numTokens() - 1) / m_blockSize;
    const auto limit = std::min<std::size_t>(static_cast<std::size_t>(maxHitBlocks), request.blockHashes.size());
    const auto before = hitBlocks.size();
    constexpr std::size_t kAhead = 8; // prompts usually hit for many blocks: overlap the misses
    for (std::size_t i = 0; i < kAhead && i < limit; ++i)
        m_pool.prefetchCached(request.blockHashes[i]);
    for (std::size_t i = 0; i < limit; ++i) {
        if (i + kAhead < limit)
            m_pool.prefetchCached(request.blockHashes[i + kAhead]);
        const BlockId block = m_pool.cachedBlock(request.blockHashes[i]);
        if (block < 0)
            break;
        hitBlocks.push_back(block);
    }
    const auto hitTokens = static_cast<std::int32_t>(hitBlocks.size() - before) * m_blockSize;
    m_stats.queries += request.numTokens();
    m_stats.hits += hitTokens;
    return hitTokens;
}

bool KvCacheManager::allocateSlotsGeneral(Request& request, std::int32_t numNewTokens, std::int32_t numNewComputedTokens,
                                   std::span<const BlockId> newComputedBlocks)
{
    KVROUTE_CHECK(numNewTokens > 0, "num_new_tokens must be greater than 0");
    const std::int32_t numComputed = request.numComputedTokens + numNewComputedTokens;
    const std::int32_t needSlots = std::min(numComputed + numNewTokens, m_maxModelLen);
    const std::int32_t numRequired = cdiv(needSlots, m_blockSize);
    const auto held = static_cast<std::int32_t>(request.blocks.size());
    // A hit on a free cached block turns a free block into a used one, so it counts as an
    // allocation (get_num_blocks_to_allocate).
    const auto evictableHits = static_cast<std::int32_t>(std::ranges::count_if(
        newComputedBlocks, [this](BlockId b) { return b != 0 && m_pool.refCount(b) == 0; }));
    const std::int32_t toAllocate =
        numRequired - static_cast<std::int32_t>(newComputedBlocks.size()) - held + evictableHits;
    if (toAllocate > m_pool.numFreeBlocks())
        return false;

    if (m_enableCaching)
        m_pool.touch(newComputedBlocks);
    else
        KVROUTE_CHECK(newComputedBlocks.empty(), "computed blocks must be empty without prefix caching");

    // save_new_computed_blocks
    if (request.numCachedBlocks < 0) {
        KVROUTE_CHECK(request.blocks.empty(), "a new request cannot hold blocks");
        // Reserved when the request starts running (not while it waits), for its whole life.
        request.blocks.reserve(maxBlocks(request));
        request.blocks.assign(newComputedBlocks.begin(), newComputedBlocks.end());
        request.numCachedBlocks = static_cast<std::int32_t>(newComputedBlocks.size());
    } else {
        KVROUTE_CHECK(newComputedBlocks.empty(), "a running request cannot gain prefix hits");
    }

    // allocate_new_blocks
    const auto missing = numRequired - static_cast<std::int32_t>(request.blocks.size());
    if (missing > 0)
        m_pool.allocate(missing, request.blocks);

    if (!m_enableCaching)
        return true;
    // Blocks are cached when scheduled, before the step runs (vllm.md §3).
    cacheFullBlocks(request, std::min(numComputed + numNewTokens, request.numTokens()));
    return true;
}

// BlockPool.cache_full_blocks via SingleTypeKVCacheManager.cache_blocks.
void KvCacheManager::cacheFullBlocks(Request& request, std::int32_t numTokens)
{
    const std::int32_t numCached = request.numCachedBlocks;
    const std::int32_t numFull = numTokens / m_blockSize;
    if (numCached >= numFull)
        return;
    const bool events = m_pool.recordsEvents();
    KvEvent stored;
    if (events)
        stored.blockHashes = m_pool.spareHashList();
    std::optional<BlockHashValue> parent;
    if (numCached > 0) {
        // Every cached block of the request holds its entry of blockHashes (a prefix hit was
        // found under it, an own block inserted with it, and a referenced block is never
        // evicted), so the parent is read from there rather than from the pool's block table.
        const auto last = static_cast<std::size_t>(numCached - 1);
        parent = last < request.blockHashes.size() ? request.blockHashes[last] : m_pool.blockHash(request.blocks[last]);
    }
    BlockHashValue prev = parent.value_or(m_hasher.noneHash());
    // A prefill chunk caches many blocks whose hashes are known (128 per 8,192-token chunk of
    // 64-token blocks), and the block a decode step fills was allocated dozens of steps ago:
    // ask for the block records and map slots now, so the misses hide behind the hashing.
    const auto known = std::min(static_cast<std::size_t>(numFull), request.blockHashes.size());
    for (auto i = static_cast<std::size_t>(numCached); i < static_cast<std::size_t>(numFull); ++i)
        m_pool.prefetchBlock(request.blocks[i]);
    for (auto i = static_cast<std::size_t>(numCached); i < known; ++i)
        m_pool.prefetchCached(request.blockHashes[i]);
    for (std::int32_t i = numCached; i < numFull; ++i) {
        BlockHashValue hash = 0;
        if (static_cast<std::size_t>(i) < request.blockHashes.size()) {
            hash = request.blockHashes[static_cast<std::size_t>(i)];
        } else {
            // A block filled by generated tokens: hash it now and remember it in case the
            // request is preempted (vllm.md §1).
            const auto tokens = request.tokens(i * m_blockSize, (i + 1) * m_blockSize, m_scratch);
            hash = m_hasher.hashBlock(prev, tokens);
            request.blockHashes.push_back(hash);
        }
        m_pool.insertCached(request.blocks[static_cast<std::size_t>(i)], hash);
        if (events)
            stored.blockHashes.push_back(hash);
        prev = hash;
    }
    if (events) {
        stored.type = KvEvent::Type::BlockStored;
        stored.parentBlockHash = parent;
        if (m_eventTokenIds)
            request.copyTokens(numCached * m_blockSize, numFull * m_blockSize, stored.tokenIds);
        stored.blockSize = m_blockSize;
        m_pool.recordStored(std::move(stored));
    }
    request.numCachedBlocks = numFull;
}

void KvCacheManager::free(Request& request)
{
    m_releaseOrder.assign(request.blocks.rbegin(), request.blocks.rend());
    m_pool.release(m_releaseOrder);
    request.blocks.clear();
    request.numCachedBlocks = -1;
}

void KvCacheManager::freeBlockHashes(Request& request)
{
    request.blockHashes.clear();
    request.blockHashes.shrink_to_fit();
}

PrefixCacheStats KvCacheManager::takeStats()
{
    return std::exchange(m_stats, PrefixCacheStats{});
}

} // namespace kvroute::sim
