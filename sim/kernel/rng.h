#pragma once
// Reproducible random streams.
//
// Why not <random>: the engines are specified exactly, but every std::*_distribution is
// implementation-defined (libstdc++, libc++ and MSVC map the same engine output to different
// variates, and have changed their algorithms between releases), and std::random_device is not
// reproducible at all. A simulation result must be a pure function of (scenario, seed), so the
// generator, the seeding and every distribution below are fixed algorithms written here, and the
// floating-point ones use portableLog/portableExp (sim/kernel/portable_math.h) instead of libm.
// Changing any of them changes every result: treat the bit pattern as a file format.
//
// Streams: each consumer draws from its own Rng, derived from the run seed and a stream name
// (`Rng::stream(seed, "arrivals")`, `Rng::stream(seed, "pod/3")`), so adding draws in one
// component never shifts the numbers another component sees.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "sim/util/check.h"

namespace kvroute::sim {

/// SplitMix64 (Steele, Lea & Flood 2014; Vigna's reference splitmix64.c). Used to expand seeds.
class SplitMix64 {
public:
    explicit constexpr SplitMix64(std::uint64_t state) noexcept : m_state(state) {}

    constexpr std::uint64_t next() noexcept
    {
        std::uint64_t z = (m_state += 0x9E3779B97F4A7C15ULL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
        return z ^ (z >> 31);
    }

private:
    std::uint64_t m_state;
};

/// xoshiro256** 1.0 (Blackman & Vigna 2018). The state must not be all zero.
class Xoshiro256StarStar {
public:
    using State = std::array<std::uint64_t, 4>;

    explicit constexpr Xoshiro256StarStar(const State& state) : m_s(state)
    {
        KVROUTE_CHECK((state[0] | state[1] | state[2] | state[3]) != 0, "xoshiro256** state is all zero");
    }

    constexpr std::uint64_t next() noexcept
    {
        const std::uint64_t result = rotl(m_s[1] * 5, 7) * 9;
        const std::uint64_t t = m_s[1] << 17;
        m_s[2] ^= m_s[0];
        m_s[3] ^= m_s[1];
        m_s[1] ^= m_s[2];
        m_s[0] ^= m_s[3];
        m_s[2] ^= t;
        m_s[3] = rotl(m_s[3], 45);
        return result;
    }

    [[nodiscard]] constexpr const State& state() const noexcept { return m_s; }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) noexcept { return (x << k) | (x >> (64 - k)); }

    State m_s;
};

/// MurmurHash3's fmix64 finaliser: a bijection on 64 bits with full avalanche. Its constants
/// differ from SplitMix64's mixer, so seed and stream parts of a state cannot cancel out.
[[nodiscard]] constexpr std::uint64_t fmix64(std::uint64_t k) noexcept
{
    k ^= k >> 33;
    k *= 0xFF51AFD7ED558CCDULL;
    k ^= k >> 33;
    k *= 0xC4CEB9FE1A85EC53ULL;
    k ^= k >> 33;
    return k;
}

/// FNV-1a 64-bit hash; stable stream ids from names.
[[nodiscard]] constexpr std::uint64_t fnv1a64(std::string_view text) noexcept
{
    std::uint64_t h = 0xCBF29CE484222325ULL;
    for (const char c : text) {
        h ^= static_cast<std::uint8_t>(c);
        h *= 0x100000001B3ULL;
    }
    return h;
}

/// One reproducible random stream. Its entire state is the 256-bit xoshiro256** state: no
/// distribution caches values (normal() discards the polar method's second variate), so the
/// sequence of calls alone determines the results.
class Rng {
public:
    /// The stream for (seed, streamId). Distinct pairs give distinct generator states.
    Rng(std::uint64_t seed, std::uint64_t streamId);

    /// The stream named `streamName` (streamId = fnv1a64(streamName)).
    [[nodiscard]] static Rng stream(std::uint64_t seed, std::string_view streamName)
    {
        return Rng(seed, fnv1a64(streamName));
    }

    std::uint64_t nextU64() noexcept { return m_gen.next(); }

    /// Multiple of 2^-53 in [0, 1).
    double uniform01() noexcept;
    /// Odd multiple of 2^-53 in (0, 1): never 0 or 1, so log() of it is finite.
    double uniformOpen01() noexcept;
    /// Uniform in [0, n), unbiased (Lemire's multiply-shift with rejection). Requires n > 0.
    /// Inline: synthetic prompts draw a token at a time, millions per run.
    std::uint64_t uniformBelow(std::uint64_t n)
    {
        KVROUTE_CHECK(n > 0, "uniformBelow(0)");
        // Lemire, "Fast Random Integer Generation in an Interval" (2019): take the high word of
        // x * n; reject the 2^64 mod n low words that would otherwise over-represent some results.
        const Wide m = multiply(nextU64(), n);
        if (m.lo < n) [[unlikely]]
            return uniformBelowRejecting(n, m);
        return m.hi;
    }
    /// Uniform in [lo, hi] inclusive, unbiased; the full int64 range is allowed.
    std::int64_t uniformInt(std::int64_t lo, std::int64_t hi);
    /// a + (b - a) * uniform01(); requires a <= b. Rounding can make the result equal b.
    double uniformReal(double a, double b);

    /// Exponential with the given rate (> 0): -log(U) / rate, U in (0, 1).
    double exponential(double rate);
    /// Exponential with the given mean (> 0): -log(U) * mean.
    double exponentialMean(double mean);
    /// Normal via the Marsaglia polar method; stddev >= 0.
    double normal(double mean, double stddev);
    /// exp(normal(mu, sigma)).
    double lognormal(double mu, double sigma);
    /// Lognormal with the given mean (> 0) and standard deviation (>= 0) of the variate itself:
    /// sigma^2 = log(1 + stddev^2/mean^2), mu = log(mean) - sigma^2/2.
    double lognormalMeanStd(double mean, double stddev);
    /// True with probability p in [0, 1] (uniform01() < p).
    bool bernoulli(double p);

    /// Fisher-Yates shuffle (from the back, j = uniformBelow(i + 1)).
    template <typename T>
    void shuffle(std::span<T> items)
    {
        for (std::size_t i = items.size(); i > 1; --i) {
            const auto j = static_cast<std::size_t>(uniformBelow(i));
            using std::swap;
            swap(items[i - 1], items[j]);
        }
    }

    [[nodiscard]] const Xoshiro256StarStar::State& state() const noexcept { return m_gen.state(); }

private:
    struct Wide {
        std::uint64_t hi;
        std::uint64_t lo;
    };
    static Wide multiply(std::uint64_t a, std::uint64_t b) noexcept
    {
        __extension__ typedef unsigned __int128 U128; // GCC and Clang; __extension__ for -Wpedantic
        const U128 product = static_cast<U128>(a) * b;
        return Wide{static_cast<std::uint64_t>(product >> 64), static_cast<std::uint64_t>(product)};
    }
    /// uniformBelow() when the first draw's low word fell below n: maybe inside the biased zone.
    std::uint64_t uniformBelowRejecting(std::uint64_t n, Wide first);

    Xoshiro256StarStar m_gen;
};

} // namespace kvroute::sim
