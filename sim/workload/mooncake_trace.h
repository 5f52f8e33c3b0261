#pragma once
// Mooncake traces (sims.md §2.1): JSONL, one request per line,
//   {"timestamp": ms, "input_length": n, "output_length": m, "hash_ids": [id, ...]}
// where hash_ids[i] names prompt block i (mooncakeBlockTokens = 512 tokens) together with every
// block before it, so equal ids mean a reusable prefix. Read one line at a time: a trace is never
// held in memory.

#include "sim/engine/engine_types.h"
#include "sim/engine/prompt.h"
#include "sim/util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace kvroute::sim {

/// The largest timestamp a trace may hold, in ms (104 days): the replay multiplies it by
/// workload.time_scale (at most 1000) into int64 nanoseconds, and 1000 x 9e9 ms x 1e6 still
/// fits. Published Mooncake traces cover about an hour.
inline constexpr double kMaxMooncakeTimestampMs = 9e9;

struct MooncakeRecord {
    std::int64_t line = 0;        ///< 1-based line in the file
    double timestampMs = 0.0;     ///< in [0, kMaxMooncakeTimestampMs], never below the previous record's
    std::int64_t inputLength = 0; ///< >= 1
    std::int64_t outputLength = 0; ///< >= 0 (a replay asks for at least 1)
    /// Exactly ceil(inputLength / blockTokens) ids: ids past the prompt are dropped.
    std::vector<std::int64_t> hashIds;
    /// kvroute's request logs (`kvroute gateway --request-log`) add who sent it: the session id
    /// and the client's IPv4 address; a published trace has neither.
    std::optional<std::uint64_t> session;
    std::optional<std::uint32_t> clientIp;
};

class MooncakeTraceReader {
public:
    /// Opens `path`; records need ceil(input_length / blockTokens) hash ids at least.
    [[nodiscard]] static Result<MooncakeTraceReader> open(const std::string& path, std::int32_t blockTokens = 512);

    MooncakeTraceReader(MooncakeTraceReader&&) noexcept;
    MooncakeTraceReader& operator=(MooncakeTraceReader&&) noexcept;
    ~MooncakeTraceReader();

    /// The next record, nullopt at the end of the file (blank lines are skipped). An error's
    /// `where` is "path:line" and its message names the field.
    [[nodiscard]] Result<std::optional<MooncakeRecord>> next();

    [[nodiscard]] const std::string& path() const noexcept;

private:
    struct Impl;
    explicit MooncakeTraceReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

/// The prompt of a record: blocks of `blockTokens` tokens, block i made of
/// traceBlockToken(hashIds[i], j) for j = 0.., cut to inputLength tokens.
[[nodiscard]] TokenVector mooncakePrompt(const MooncakeRecord& record, std::int32_t blockTokens = 512);
/// The same tokens as a recipe (the record's hash ids), written on demand: a replay's queued
/// requests then hold 8 bytes per block instead of 4 per token.
[[nodiscard]] PromptRef mooncakePromptRecipe(const MooncakeRecord& record, std::int32_t blockTokens = 512);

/// Prefix-cache hits of a trace replayed in file order into one unbounded global cache, with no
/// compute and no concurrency: every request sees everything every earlier request stored.
///
/// For request r with L_r tokens and ids h_0..h_{n-1}, let k(q, r) be the number of leading ids
/// it shares with an earlier request q (same id at every position 0..k-1; Mooncake ids are
/// chained, so this is "the first k ids have all been seen before").
///  - engineBlockTokens == 0 (Mooncake's convention, sims.md §3.1): a hit counts whole trace
///    blocks: hit_r = min(k_r × B, L_r), k_r = max_q k(q, r), B = blockTokens.
///  - engineBlockTokens = b > 0: what vLLM with block size b would hit on one pod with unlimited
///    KV: q stored the full b-blocks of its own prompt, so the shared token prefix with q is
///    min(k(q, r) × B, L_q); vLLM looks up at most L_r - 1 tokens and counts whole blocks:
///    hit_r = floor(min(max_q min(k(q, r) × B, L_q), L_r - 1) / b) × b.
/// The ratio is Σ hit_r / Σ L_r over the requests (token-level).
class MooncakeIdealCache {
public:
    explicit MooncakeIdealCache(std::int32_t blockTokens = 512, std::int32_t engineBlockTokens = 0);

    /// Hit tokens of this request; then stores it. `hashIds` holds ceil(L / B) ids.
    std::int64_t add(std::span<const std::int64_t> hashIds, std::int64_t inputLength);

    [[nodiscard]] std::int64_t requests() const noexcept { return m_requests; }
    [[nodiscard]] std::int64_t promptTokens() const noexcept { return m_promptTokens; }
    [[nodiscard]] std::int64_t hitTokens() const noexcept { return m_hitTokens; }
    [[nodiscard]] double hitRatio() const noexcept;

private:
    struct Key {
        std::int64_t parent;
        std::int64_t id;
        friend bool operator==(const Key&, const Key&) = default;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const noexcept;
    };

    std::int32_t m_blockTokens;
    std::int32_t m_engineBlockTokens;
    // A trie of id paths (lookups only, never iterated): (parent node, id) -> node, and per node
    // the longest prompt that passed through it.
    std::unordered_map<Key, std::int64_t, KeyHash> m_nodes;
    std::vector<std::int64_t> m_longestPrompt;
    std::int64_t m_requests = 0;
    std::int64_t m_promptTokens = 0;
    std::int64_t m_hitTokens = 0;
};

struct MooncakeIdealHit {
    std::int64_t requests = 0;
    std::int64_t promptTokens = 0;
    std::int64_t hitTokens = 0;
    [[nodiscard]] double ratio() const noexcept
    {
        return promptTokens > 0 ? static_cast<double>(hitTokens) / static_cast<double>(promptTokens) : 0.0;
    }
};

/// MooncakeIdealCache over the first `maxRequests` records of the file (0 = all).
[[nodiscard]] Result<MooncakeIdealHit> mooncakeIdealHit(const std::string& path, std::int32_t blockTokens = 512,
                                                       std::int32_t engineBlockTokens = 0,
                                                       std::int64_t maxRequests = 0);

} // namespace kvroute::sim
