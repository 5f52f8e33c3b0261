#pragma once
// A fixed-capacity set of 64-bit keys with least-recently-used eviction: the shape of
// hashicorp/golang-lru's Cache.Add used by GAIE's prefix indexer (llmd.md §1.3) and of the
// per-endpoint source lists of xt_recent behind kube-proxy's ClientIP affinity.
//
// Recency is kept lazily: every touch appends (key, stamp) to a queue and records the stamp in
// a flat map; a queue entry is live only while its stamp is the key's latest. Eviction pops
// dead entries until it meets a live one, which is exactly the least recently touched key.
// The queue is compacted when it reaches twice the capacity, so a touch is amortised O(1) with
// one hash probe, and the queue's memory stays bounded with no allocation once warm.

#include "sim/util/flat_map64.h"
#include "sim/util/check.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

namespace kvroute::sim::routing {

class LruSet64 {
public:
    explicit LruSet64(std::size_t capacity) : m_capacity(capacity)
    {
        KVROUTE_CHECK(capacity >= 1, "LRU capacity must be at least 1");
    }

    struct Touch {
        bool inserted = false;                 ///< the key was not present before
        std::optional<std::uint64_t> evicted;  ///< the key that had to make room, if any
    };

    /// Makes `key` the most recently used, inserting it (and evicting the least recently used
    /// key when full) if absent. golang-lru's Add inserts first and then evicts the oldest; for
    /// capacity >= 1 that is the same as evicting first.
    Touch touch(std::uint64_t key)
    {
        Touch result;
        const std::uint64_t stamp = ++m_clock;
        auto [slot, inserted] = m_stamps.tryEmplace(key);
        *slot = stamp;
        if (inserted) {
            result.inserted = true;
            if (m_stamps.size() > m_capacity)
                result.evicted = evictOldest(key);
        }
        m_queue.emplace_back(key, stamp);
        // The whole queue, popped entries before m_head included: counting only the entries
        // after m_head let a full set, whose evictions advance m_head, grow the queue forever.
        // A compacted queue holds at most `capacity` live entries, so this stays amortised O(1).
        if (m_queue.size() >= 2 * m_capacity + 64)
            compact();
        return result;
    }

    [[nodiscard]] bool contains(std::uint64_t key) const { return m_stamps.contains(key); }

    bool erase(std::uint64_t key) { return m_stamps.erase(key); }

    [[nodiscard]] std::size_t size() const { return m_stamps.size(); }
    [[nodiscard]] std::size_t capacity() const { return m_capacity; }
    /// Recency entries held, live or dead: the set's memory beside its keys (< 2 × capacity + 64).
    [[nodiscard]] std::size_t queuedEntries() const { return m_queue.size(); }

    /// Keys from least to most recently used (for tests and reports).
    [[nodiscard]] std::vector<std::uint64_t> keysOldestFirst() const
    {
        std::vector<std::uint64_t> keys;
        for (std::size_t i = m_head; i < m_queue.size(); ++i) {
            const std::uint64_t* stamp = m_stamps.find(m_queue[i].first);
            if (stamp && *stamp == m_queue[i].second)
                keys.push_back(m_queue[i].first);
        }
        return keys;
    }

private:
    std::uint64_t evictOldest(std::uint64_t justInserted)
    {
        for (; m_head < m_queue.size(); ++m_head) {
            const auto [key, stamp] = m_queue[m_head];
            const std::uint64_t* latest = m_stamps.find(key);
            if (latest && *latest == stamp && key != justInserted) {
                ++m_head;
                m_stamps.erase(key);
                return key;
            }
        }
        KVROUTE_CHECK(false, "LRU queue lost track of its keys");
        return 0;
    }

    void compact()
    {
        std::size_t out = 0;
        for (std::size_t i = m_head; i < m_queue.size(); ++i) {
            const std::uint64_t* stamp = m_stamps.find(m_queue[i].first);
            if (stamp && *stamp == m_queue[i].second)
                m_queue[out++] = m_queue[i];
        }
        m_queue.resize(out);
        m_head = 0;
    }

    std::size_t m_capacity;
    std::uint64_t m_clock = 0;
    FlatMap64<std::uint64_t> m_stamps;                          ///< key -> stamp of its last touch
    std::vector<std::pair<std::uint64_t, std::uint64_t>> m_queue; ///< (key, stamp), oldest first
    std::size_t m_head = 0;                                     ///< queue entries before it are gone
};

} // namespace kvroute::sim::routing
