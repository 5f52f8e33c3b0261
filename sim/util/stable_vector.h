#pragma once
// A growable array whose elements never move: fixed chunks of 2^ChunkBits elements, so a
// reference stays valid while more are appended (std::deque's guarantee), and an index is found
// with a shift and a mask. (The timed pod reads a record per generated token; a deque of its
// 72-byte records divides by 7 on each access.)

#include <cstddef>
#include <memory>
#include <vector>

namespace kvroute::sim {

template <typename T, unsigned ChunkBits = 6>
class StableVector {
public:
    [[nodiscard]] std::size_t size() const { return m_size; }
    [[nodiscard]] bool empty() const { return m_size == 0; }

    T& operator[](std::size_t i) { return m_chunks[i >> ChunkBits][i & kMask]; }
    const T& operator[](std::size_t i) const { return m_chunks[i >> ChunkBits][i & kMask]; }

    /// Appends `value`; no element already in the array moves.
    T& push_back(const T& value)
    {
        if ((m_size >> ChunkBits) == m_chunks.size())
            m_chunks.push_back(std::make_unique<T[]>(kChunk));
        T& slot = (*this)[m_size];
        slot = value;
        ++m_size;
        return slot;
    }

private:
    static constexpr std::size_t kChunk = std::size_t{1} << ChunkBits;
    static constexpr std::size_t kMask = kChunk - 1;
    std::vector<std::unique_ptr<T[]>> m_chunks;
    std::size_t m_size = 0;
};

} // namespace kvroute::sim
