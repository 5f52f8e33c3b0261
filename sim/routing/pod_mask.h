#pragma once
// A set of pod indices as a bit mask: the first 64 pods live in one inline word (no allocation
// for any cluster this simulator normally runs), more pods spill into extra words. Iteration is
// in ascending pod order, so it never depends on hashing.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace kvroute::sim::routing {

class PodMask {
public:
    void set(int pod)
    {
        word(pod, true) |= bit(pod);
    }

    void reset(int pod)
    {
        const auto w = static_cast<std::size_t>(pod) / 64;
        if (w == 0)
            m_low &= ~bit(pod);
        else if (w - 1 < m_high.size())
            m_high[w - 1] &= ~bit(pod);
    }

    [[nodiscard]] bool test(int pod) const
    {
        const auto w = static_cast<std::size_t>(pod) / 64;
        if (w == 0)
            return (m_low & bit(pod)) != 0;
        return w - 1 < m_high.size() && (m_high[w - 1] & bit(pod)) != 0;
    }

    [[nodiscard]] bool any() const
    {
        return m_low != 0 || std::ranges::any_of(m_high, [](std::uint64_t w) { return w != 0; });
    }

    [[nodiscard]] int count() const
    {
        int n = std::popcount(m_low);
        for (const std::uint64_t w : m_high)
            n += std::popcount(w);
        return n;
    }

    /// this &= other
    void intersect(const PodMask& other)
    {
        m_low &= other.m_low;
        for (std::size_t i = 0; i < m_high.size(); ++i)
            m_high[i] &= i < other.m_high.size() ? other.m_high[i] : 0;
    }

    /// Pods in this set and not in `other`.
    [[nodiscard]] PodMask minus(const PodMask& other) const
    {
        PodMask out = *this;
        out.m_low &= ~other.m_low;
        for (std::size_t i = 0; i < out.m_high.size() && i < other.m_high.size(); ++i)
            out.m_high[i] &= ~other.m_high[i];
        return out;
    }

    void clear()
    {
        m_low = 0;
        m_high.clear();
    }

    /// Calls f(pod) for every member, ascending.
    template <typename F>
    void forEach(F&& f) const
    {
        forEachIn(m_low, 0, f);
        for (std::size_t i = 0; i < m_high.size(); ++i)
            forEachIn(m_high[i], static_cast<int>((i + 1) * 64), f);
    }

    friend bool operator==(const PodMask& a, const PodMask& b)
    {
        if (a.m_low != b.m_low)
            return false;
        const std::size_t n = std::max(a.m_high.size(), b.m_high.size());
        for (std::size_t i = 0; i < n; ++i) {
            const std::uint64_t x = i < a.m_high.size() ? a.m_high[i] : 0;
            const std::uint64_t y = i < b.m_high.size() ? b.m_high[i] : 0;
            if (x != y)
                return false;
        }
        return true;
    }

private:
    static std::uint64_t bit(int pod) { return std::uint64_t{1} << (static_cast<unsigned>(pod) % 64); }

    std::uint64_t& word(int pod, bool grow)
    {
        const auto w = static_cast<std::size_t>(pod) / 64;
        if (w == 0)
            return m_low;
        if (grow && m_high.size() < w)
            m_high.resize(w, 0);
        return m_high[w - 1];
    }

    template <typename F>
    static void forEachIn(std::uint64_t bits, int base, F& f)
    {
        while (bits != 0) {
            f(base + std::countr_zero(bits));
            bits &= bits - 1;
        }
    }

    std::uint64_t m_low = 0;
    std::vector<std::uint64_t> m_high; ///< pods 64.. (words 1..)
};

} // namespace kvroute::sim::routing
