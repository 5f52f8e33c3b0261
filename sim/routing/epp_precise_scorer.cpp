#include "sim/routing/epp_precise_scorer.h"

#include "sim/hashing/hash_domain.h"
#include "sim/util/check.h"

#include <algorithm>
#include <limits>

namespace kvroute::sim::routing {

PreciseKvIndex::PreciseKvIndex(std::size_t podCacheSize) : m_podCacheSize(podCacheSize)
{
    KVROUTE_CHECK(podCacheSize >= 1 && podCacheSize <= static_cast<std::size_t>(kMaxPodCacheSize),
                  "podCacheSize out of range");
}

std::span<const std::uint16_t> PreciseKvIndex::podsOf(std::uint64_t key, const Entry& entry) const
{
    const auto count = static_cast<std::size_t>(entry.count);
    if (count <= kInlinePods)
        return std::span<const std::uint16_t>(entry.pods).first(count);
    const PodList* spilled = m_spilled.find(key);
    KVROUTE_CHECK(spilled != nullptr, "a long pod list must be spilled");
    return std::span<const std::uint16_t>(*spilled).first(count);
}

void PreciseKvIndex::store(std::uint64_t key, Entry& entry, const PodList& list, std::uint16_t count)
{
    if (count <= kInlinePods) {
        if (entry.count > kInlinePods)
            m_spilled.erase(key);
        std::copy_n(list.begin(), count, entry.pods.begin());
    } else {
        m_spilled[key] = list;
    }
    entry.count = count;
}

void PreciseKvIndex::add(std::uint64_t key, int pod)
{
    KVROUTE_CHECK(pod >= 0 && pod <= std::numeric_limits<std::uint16_t>::max(), "pod index out of range");
    const auto id = static_cast<std::uint16_t>(pod);
    Entry& e = m_entries[key];
    PodList list{};
    std::ranges::copy(podsOf(key, e), list.begin());
    auto count = e.count;
    const auto begin = list.begin();
    const auto end = begin + count;
    const auto it = std::find(begin, end, id);
    if (it != end) {
        std::rotate(it, it + 1, end); // most recent last
    } else {
        if (static_cast<std::size_t>(count) == m_podCacheSize) {
            std::rotate(begin, begin + 1, end);
            --count;
        }
        list[count++] = id;
    }
    store(key, e, list, count);
}

void PreciseKvIndex::evict(std::uint64_t key, int pod)
{
    Entry* e = m_entries.find(key);
    if (!e)
        return;
    PodList list{};
    std::ranges::copy(podsOf(key, *e), list.begin());
    const auto begin = list.begin();
    const auto end = begin + e->count;
    const auto it = std::find(begin, end, static_cast<std::uint16_t>(pod));
    if (it == end)
        return;
    std::rotate(it, it + 1, end);
    const auto count = static_cast<std::uint16_t>(e->count - 1);
    store(key, *e, list, count);
    if (count == 0)
        m_entries.erase(key);
}

std::optional<PodMask> PreciseKvIndex::pods(std::uint64_t key) const
{
    const Entry* e = m_entries.find(key);
    if (!e || e->count == 0)
        return std::nullopt;
    PodMask mask;
    for (const std::uint16_t pod : podsOf(key, *e))
        mask.set(pod);
    return mask;
}

void PreciseKvIndex::longestPrefix(std::span<const std::uint64_t> keys,
                                   std::vector<std::pair<int, std::int32_t>>& hits) const
{
    hits.clear();
    if (keys.empty())
        return;
    const Entry* first = m_entries.find(keys[0]);
    if (!first || first->count == 0)
        return;
    // The pods still in the race are a subset of key 0's holders, so at most podCacheSize of
    // them: a short list intersected in place, with no allocation whatever the pod count.
    PodList active{};
    const auto firstPods = podsOf(keys[0], *first);
    std::size_t numActive = firstPods.size();
    std::ranges::copy(firstPods, active.begin());
    // Most prompts match for many keys, each probably a cache miss: load a few ahead.
    constexpr std::size_t kAhead = 8;
    for (std::size_t i = 1; i <= kAhead && i < keys.size(); ++i)
        prefetch(keys[i]);
    std::int32_t step = 1;
    for (; step < static_cast<std::int32_t>(keys.size()); ++step) {
        if (static_cast<std::size_t>(step) + kAhead < keys.size())
            prefetch(keys[static_cast<std::size_t>(step) + kAhead]);
        const Entry* holders = m_entries.find(keys[static_cast<std::size_t>(step)]);
        const std::span<const std::uint16_t> held =
            holders ? podsOf(keys[static_cast<std::size_t>(step)], *holders) : std::span<const std::uint16_t>();
        std::size_t kept = 0;
        for (std::size_t i = 0; i < numActive; ++i) {
            if (std::ranges::find(held, active[i]) != held.end())
                active[kept++] = active[i];
            else // held exactly `step` consecutive keys
                hits.emplace_back(active[i], step);
        }
        numActive = kept;
        if (numActive == 0)
            break;
    }
    for (std::size_t i = 0; i < numActive; ++i)
        hits.emplace_back(active[i], step);
    std::ranges::sort(hits);
}

namespace {

/// The token processor's chain: the surrogate of sha256_cbor_64bit with the indexer's hashSeed.
BlockHasher tokenProcessorHasher(const PreciseScorerConfig& config)
{
    BlockHasher hasher(HashAlgo::Fast64, std::nullopt);
    hasher.setNoneHash(surrogateNoneHash("sha256_cbor_64bit", std::string_view(config.hashSeed), 0));
    return hasher;
}

std::int32_t checkedBlockSize(const PreciseScorerConfig& config)
{
    KVROUTE_CHECK(config.blockSize >= 1 && config.blockSize <= std::numeric_limits<std::int32_t>::max(),
                  "blockSize must be positive");
    return static_cast<std::int32_t>(config.blockSize);
}

} // namespace

PreciseKvScorer::PreciseKvScorer(const PreciseScorerConfig& config)
    : m_config(config)
    , m_hasher(tokenProcessorHasher(config))
    , m_promptKeys(m_hasher, checkedBlockSize(config))
    , m_index(static_cast<std::size_t>(config.podCacheSize))
{
}

void PreciseKvScorer::blockKeys(std::span<const TokenId> prompt, std::vector<std::uint64_t>& out) const
{
    out.clear();
    const auto block = static_cast<std::size_t>(m_config.blockSize);
    std::uint64_t parent = m_hasher.noneHash();
    for (std::size_t start = 0; start + block <= prompt.size(); start += block) {
        parent = m_hasher.hashBlock(parent, prompt.subspan(start, block));
        out.push_back(parent);
    }
}

void PreciseKvScorer::score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out)
{
    const std::span<const std::uint64_t> keys =
        ctx.request.prompt ? m_promptKeys.of(ctx.request.prompt) : std::span<const std::uint64_t>();
    m_index.longestPrefix(keys, m_hits);
    if (m_hits.empty())
        return; // every pod absent from the score map: 0
    m_podScore.assign(std::max(ctx.pods.size(), static_cast<std::size_t>(m_hits.back().first) + 1), 0.0);
    if (m_config.absoluteScoring) {
        const auto total = static_cast<double>(keys.size());
        for (const auto& [pod, count] : m_hits)
            m_podScore[static_cast<std::size_t>(pod)] = std::min(static_cast<double>(count) / total, 1.0);
    } else {
        std::int32_t minCount = m_hits.front().second;
        std::int32_t maxCount = minCount;
        for (const auto& hit : m_hits) {
            minCount = std::min(minCount, hit.second);
            maxCount = std::max(maxCount, hit.second);
        }
        for (const auto& [pod, count] : m_hits) {
            m_podScore[static_cast<std::size_t>(pod)] =
                minCount == maxCount ? 1.0
                                     : static_cast<double>(count - minCount) / static_cast<double>(maxCount - minCount);
        }
    }
    for (std::size_t i = 0; i < candidates.size(); ++i)
        out[i] = m_podScore[static_cast<std::size_t>(candidates[i])];
}

void PreciseKvScorer::onKvEvents(int pod, std::span<const KvEvent> events, SimTime /*now*/)
{
    // A step's batch holds one prefill chunk's keys (max_num_batched_tokens / block_size) and a
    // key per filled decode block: ask for all their slots first, so the misses overlap instead
    // of coming one after another.
    for (const KvEvent& event : events) {
        for (const BlockHashValue h : event.blockHashes)
            m_index.prefetch(h);
    }
    for (const KvEvent& event : events) {
        switch (event.type) {
        case KvEvent::Type::BlockStored:
            for (const BlockHashValue h : event.blockHashes)
                m_index.add(h, pod);
            break;
        case KvEvent::Type::BlockRemoved:
            for (const BlockHashValue h : event.blockHashes)
                m_index.evict(h, pod);
            break;
        case KvEvent::Type::AllBlocksCleared:
            break; // a no-op in kvevents/pool.go (llmd.md §2)
        }
    }
}

} // namespace kvroute::sim::routing
