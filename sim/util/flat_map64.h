#pragma once
// An open-addressing hash map from 64-bit keys (block hashes, IPv4 addresses) to small values,
// for hot paths (block-hash maps, routers): key and value side by side in one flat array (a lookup is usually
// one cache miss), linear probing at most half full, backward-shift deletion (no tombstones).
// The map deliberately has no iteration API, so no result can depend on its layout.

#include "sim/util/check.h"

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace kvroute::sim {

template <typename V>
class FlatMap64 {
public:
    FlatMap64() { allocate(16); }

    [[nodiscard]] std::size_t size() const { return m_size + (m_hasZero ? 1 : 0); }
    [[nodiscard]] bool empty() const { return size() == 0; }

    [[nodiscard]] V* find(std::uint64_t key)
    {
        if (key == kEmpty)
            return m_hasZero ? &m_zeroValue : nullptr;
        for (std::size_t i = home(key);; i = (i + 1) & m_mask) {
            if (m_slots[i].key == key)
                return &m_slots[i].value;
            if (m_slots[i].key == kEmpty)
                return nullptr;
        }
    }

    [[nodiscard]] const V* find(std::uint64_t key) const { return const_cast<FlatMap64*>(this)->find(key); }

    [[nodiscard]] bool contains(std::uint64_t key) const { return find(key) != nullptr; }

    /// Starts loading `key`'s home slot into the cache. A large map costs a cache miss per
    /// lookup; callers that know their next keys hide it behind the work on earlier ones.
    void prefetch(std::uint64_t key) const noexcept { __builtin_prefetch(m_slots.data() + home(key)); }

    /// The value for `key`, default-constructed and inserted if absent; `.second` says whether
    /// it was inserted. The pointer is valid until the next insertion or erase.
    std::pair<V*, bool> tryEmplace(std::uint64_t key)
    {
        if (key == kEmpty) {
            const bool inserted = !m_hasZero;
            if (inserted) {
                m_hasZero = true;
                m_zeroValue = V{};
            }
            return {&m_zeroValue, inserted};
        }
        std::size_t i = home(key);
        for (; m_slots[i].key != kEmpty; i = (i + 1) & m_mask) {
            if (m_slots[i].key == key)
                return {&m_slots[i].value, false};
        }
        if ((m_size + 1) * 2 > m_mask + 1) {
            allocate((m_mask + 1) * 2);
            for (i = home(key); m_slots[i].key != kEmpty; i = (i + 1) & m_mask) {
            }
        }
        m_slots[i].key = key;
        m_slots[i].value = V{};
        ++m_size;
        return {&m_slots[i].value, true};
    }

    V& operator[](std::uint64_t key) { return *tryEmplace(key).first; }

    bool erase(std::uint64_t key)
    {
        if (key == kEmpty) {
            const bool had = m_hasZero;
            m_hasZero = false;
            m_zeroValue = V{};
            return had;
        }
        std::size_t i = home(key);
        for (;; i = (i + 1) & m_mask) {
            if (m_slots[i].key == kEmpty)
                return false;
            if (m_slots[i].key == key)
                break;
        }
        // Backward-shift deletion: pull later members of the probe run into the hole unless
        // their home slot lies cyclically in (hole, their slot].
        std::size_t hole = i;
        for (std::size_t j = (i + 1) & m_mask; m_slots[j].key != kEmpty; j = (j + 1) & m_mask) {
            const std::size_t k = home(m_slots[j].key);
            const bool stays = hole <= j ? (hole < k && k <= j) : (hole < k || k <= j);
            if (stays)
                continue;
            m_slots[hole] = std::move(m_slots[j]);
            hole = j;
        }
        m_slots[hole].key = kEmpty;
        m_slots[hole].value = V{};
        --m_size;
        return true;
    }

    void clear()
    {
        m_hasZero = false;
        m_zeroValue = V{};
        m_slots.clear(); // nothing for allocate() to carry over
        allocate(16);
    }

private:
    static constexpr std::uint64_t kEmpty = 0; // key 0 lives in m_zeroValue

    [[nodiscard]] std::size_t home(std::uint64_t key) const
    {
        // Fibonacci hashing: keys that are already hashes stay uniform, sequential ones
        // (addresses, session ids) are spread.
        return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ULL) >> m_shift);
    }

    struct Slot {
        std::uint64_t key = kEmpty;
        V value{};
    };

    void allocate(std::size_t capacity)
    {
        KVROUTE_CHECK(std::has_single_bit(capacity), "flat map capacity must be a power of two");
        std::vector<Slot> old = std::move(m_slots);
        m_slots.clear();
        m_slots.resize(capacity);
        m_mask = capacity - 1;
        m_shift = 64 - std::countr_zero(capacity);
        m_size = 0;
        for (Slot& slot : old) {
            if (slot.key == kEmpty)
                continue;
            std::size_t j = home(slot.key);
            while (m_slots[j].key != kEmpty)
                j = (j + 1) & m_mask;
            m_slots[j] = std::move(slot);
            ++m_size;
        }
    }

    std::vector<Slot> m_slots;
    std::size_t m_mask = 0;
    int m_shift = 60;
    std::size_t m_size = 0;
    bool m_hasZero = false;
    V m_zeroValue{};
};

} // namespace kvroute::sim
