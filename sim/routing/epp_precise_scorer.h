#pragma once
// llm-d's precise-prefix-cache-scorer (llm-d-inference-scheduler v0.3.1
// pkg/plugins/scorer/precise_prefix_cache.go over llm-d-kv-cache-manager v0.3.1; llmd.md §1.5,
// §2). v0.2.x spelled it `prefix-cache-scorer` with `mode: cache_tracking`.
//
// Index (kvblock in-memory index): block key -> small LRU of the pods that reported storing it
// (podCacheSize, default 10), fed by the pods' KV events: BlockStored adds the pod under each
// hash, BlockRemoved removes it (and the key once no pod is left), AllBlocksCleared is a no-op.
// The index keys pods by pod index here (the real one by pod IP from the ZMQ topic).
//
// Lookup: the request's prompt tokens are cut into blockSize-token blocks (partial last block
// dropped) and chained into keys by the index's own token processor, which must produce what
// the pods' vLLM produced: in cluster runs pods hash with the surrogate scheme of
// sim/hashing/hash_domain.h, so the keys are BlockHasher(Fast64) with NONE_HASH =
// surrogateNoneHash("sha256_cbor_64bit", hashSeed) — equal to the pods' hashes exactly when a
// real sha256_cbor_64bit vLLM with PYTHONHASHSEED = hashSeed and the same block size would be.
// LongestPrefixScorer: pods holding key 0 score 1, and each further key keeps only the pods
// still holding it (+1 each); it stops when none is left.
//
// Normalisation (scorer/utils.go indexedScoresToNormalizedScoredPods): min-max over the pods in
// the score map (pods with at least one block); a pod not in the map scores 0; if every pod in
// the map has the same count they all score 1.0. `scoring: absolute` (a kvroute extension,
// mirroring llm-d-router PR #1107) scores min(matched/totalBlocks, 1) instead.
//
// Not modelled: the index's global key LRU (1e8 keys), device tiers, LoRA ids, the tokenizer
// (the simulator hands the scorer the prompt's tokens).

#include "sim/hashing/block_hasher.h"
#include "sim/hashing/prompt_block_hashes.h"
#include "sim/routing/epp_plugin.h"
#include "sim/util/flat_map64.h"
#include "sim/routing/pod_mask.h"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace kvroute::sim::routing {

inline constexpr std::int64_t kMaxPodCacheSize = 16;

struct PreciseScorerConfig {
    std::int64_t blockSize = 16;  ///< indexerConfig.tokenProcessorConfig.blockSize
    std::string hashSeed;         ///< indexerConfig.tokenProcessorConfig.hashSeed
    std::int64_t podCacheSize = 10;
    bool absoluteScoring = false; ///< scoring: absolute
};

class PreciseKvIndex {
public:
    explicit PreciseKvIndex(std::size_t podCacheSize = 10);

    void add(std::uint64_t key, int pod);
    void evict(std::uint64_t key, int pod);
    /// Pods holding `key` (nullopt when none).
    [[nodiscard]] std::optional<PodMask> pods(std::uint64_t key) const;
    [[nodiscard]] std::size_t keys() const { return m_entries.size(); }
    /// A hint that `key` is looked up soon (the index outgrows the caches at 100+ pods).
    void prefetch(std::uint64_t key) const noexcept { m_entries.prefetch(key); }

    /// LongestPrefixScorer over `keys`: per pod, the number of consecutive leading keys it
    /// holds; `hits` gets one (pod, count) per pod with count >= 1, ascending pod order.
    void longestPrefix(std::span<const std::uint64_t> keys, std::vector<std::pair<int, std::int32_t>>& hits) const;

private:
    /// A key's pods, least recently stored first.
    using PodList = std::array<std::uint16_t, kMaxPodCacheSize>;
    /// The index holds a key per cached block of every pod (over half a million at 128 pods),
    /// and most blocks sit on one pod: up to kInlinePods pods live in the entry itself (16 bytes
    /// with the key), a longer list in m_spilled under the same key.
    static constexpr std::size_t kInlinePods = 3;
    struct Entry {
        std::array<std::uint16_t, kInlinePods> pods{};
        std::uint16_t count = 0;
    };

    [[nodiscard]] std::span<const std::uint16_t> podsOf(std::uint64_t key, const Entry& entry) const;
    /// Writes `list` (its first `count` pods) back for `key`, moving it in or out of m_spilled.
    void store(std::uint64_t key, Entry& entry, const PodList& list, std::uint16_t count);

    std::size_t m_podCacheSize;
    FlatMap64<Entry> m_entries;
    FlatMap64<PodList> m_spilled;
};

class PreciseKvScorer final : public EppScorer {
public:
    explicit PreciseKvScorer(const PreciseScorerConfig& config);

    void score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out) override;
    void onKvEvents(int pod, std::span<const KvEvent> events, SimTime now) override;
    [[nodiscard]] bool wantsKvEvents() const override { return true; }

    [[nodiscard]] const PreciseKvIndex& index() const { return m_index; }
    /// The block keys the token processor computes for `prompt`.
    void blockKeys(std::span<const TokenId> prompt, std::vector<std::uint64_t>& out) const;

private:
    PreciseScorerConfig m_config;
    BlockHasher m_hasher;
    /// Each distinct prompt's keys, computed once for all the requests that send it.
    PromptBlockHashes m_promptKeys;
    PreciseKvIndex m_index;
    std::vector<std::pair<int, std::int32_t>> m_hits;
    std::vector<double> m_podScore;
};

} // namespace kvroute::sim::routing
