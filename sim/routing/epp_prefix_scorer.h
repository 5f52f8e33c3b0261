#pragma once
// GAIE's approximate prefix-cache-scorer, v1.0.1 semantics (llmd.md §1.3; llm-d v0.2.x's
// prefix-cache-scorer in its default `mode: estimate` delegates to it).
//
// The prompt TEXT is cut into hashBlockSize-character blocks (64 = 16 tokens × 4 chars, which
// is exactly our tokenizer's ratio), truncated to maxPrefixBlocksToMatch blocks, a trailing
// partial block ignored, nothing at all for a prompt shorter than one block:
//   h0 = XXH64(modelName ++ text[0:B]),  h_i = XXH64(text[iB:(i+1)B] ++ littleEndian64(h_{i-1})).
// The index maps hash -> set of pods plus one LRU (hashicorp/golang-lru) of
// lruCapacityPerServer hashes per pod; LRU eviction removes the pod from the hash's set. It
// learns only from its own decisions: PreRequest adds all of a request's hashes to the pod it
// was sent to. Score(pod) = matchLen(pod) / #hashes, where matchLongestPrefix walks the hashes,
// adds 1 to every pod holding each, and stops at the first hash no pod holds.
//
// Not modelled: the index update racing the next request (the simulator applies PreRequest
// before anything else happens); later GAIE versions' chain, which starts from
// XXH64(model [+ cache_salt]) as a step of its own and hashes a trailing partial block
// (llmd.md §1.4).

#include "sim/routing/epp_plugin.h"
#include "sim/util/flat_map64.h"
#include "sim/routing/lru_set64.h"
#include "sim/routing/pod_mask.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kvroute::sim::routing {

struct ApproxPrefixConfig {
    std::int64_t hashBlockSize = 64;
    std::int64_t maxPrefixBlocksToMatch = 256;
    std::int64_t lruCapacityPerServer = 31250;
};

/// The block hashes of `prompt` (rendered with the 4-chars-per-token tokenizer). Only the
/// characters that full blocks within the cap need are materialised, in `textScratch`.
void approximatePrefixHashes(std::span<const TokenId> prompt, std::string_view modelName,
                             const ApproxPrefixConfig& config, std::string& textScratch,
                             std::string& blockScratch, std::vector<std::uint64_t>& out);

/// GAIE prefix/indexer.go.
class ApproxPrefixIndex {
public:
    explicit ApproxPrefixIndex(std::size_t lruCapacityPerServer);

    /// indexer.Add: first every hash goes through the pod's LRU (evictions drop the pod from
    /// the evicted hash's set), then the pod joins every hash's set. As in GAIE, a request with
    /// more hashes than the LRU holds thus leaves its early hashes in the sets although the
    /// LRU no longer tracks them.
    void add(std::span<const std::uint64_t> hashes, int pod);

    /// matchLongestPrefix: `matchLen[pod]` += 1 for every leading hash the pod holds, until a
    /// hash no pod holds. `matchLen` must be large enough for every pod index.
    void matchLongestPrefix(std::span<const std::uint64_t> hashes, std::span<std::int32_t> matchLen) const;

    [[nodiscard]] bool holds(std::uint64_t hash, int pod) const;
    /// Entries in the pod's LRU.
    [[nodiscard]] std::size_t lruSize(int pod) const;

private:
    void dropPod(std::uint64_t hash, int pod);

    std::size_t m_capacity;
    FlatMap64<PodMask> m_hashToPods;
    std::vector<std::optional<LruSet64>> m_podLru;
    std::vector<std::uint64_t> m_joiners;
};

/// approximatePrefixHashes for the scorer's hot path: when blocks are whole tokens
/// (hashBlockSize a multiple of 4) each block's text is rendered straight into one reused buffer
/// beside the previous hash, so a block costs 16 table look-ups and one XXH64 of 72 bytes, with
/// no prompt-sized text and no allocation. (A memo of block hashes under a digest of the token
/// chain used to stand here; its lookups missed the cache and cost more than hashing.)
class ApproxPrefixHasher {
public:
    explicit ApproxPrefixHasher(const ApproxPrefixConfig& config);
    void hash(std::span<const TokenId> prompt, std::string_view modelName, std::vector<std::uint64_t>& out);
    /// How many leading tokens of a `promptTokens`-token prompt hash() reads (maxPrefixBlocksToMatch
    /// caps it): hashing just those gives the same hashes.
    [[nodiscard]] std::size_t tokensRead(std::size_t promptTokens) const;

private:
    ApproxPrefixConfig m_config;
    std::string m_text;
    std::string m_block;
};

class ApproxPrefixScorer final : public EppScorer {
public:
    explicit ApproxPrefixScorer(const ApproxPrefixConfig& config);

    void score(const RoutingContext& ctx, std::span<const int> candidates, std::span<double> out) override;
    void onRouted(const RoutingContext& ctx, int pod) override;

    [[nodiscard]] const ApproxPrefixIndex& index() const { return m_index; }

private:
    const std::vector<std::uint64_t>& hashesFor(const RoutingContext& ctx);

    ApproxPrefixConfig m_config;
    ApproxPrefixIndex m_index;
    ApproxPrefixHasher m_hasher;
    std::vector<std::uint64_t> m_hashes;
    std::optional<RequestId> m_hashesOf; ///< the request m_hashes belong to (score, then onRouted)
    const void* m_hashesOfPrompt = nullptr; ///< its prompt's identity()
    TokenVector m_promptScratch;            ///< a generated prompt's tokens while they are hashed
    std::vector<std::int32_t> m_matchLen;
};

} // namespace kvroute::sim::routing
