#include "sim/kernel/rng.h"

#include <cmath>

#include "sim/kernel/portable_math.h"

namespace kvroute::sim {

namespace {

constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;


// (seed, streamId) -> 256-bit state. Words 0 and 2 are bijections of the seed and of the stream id
// alone, so distinct pairs always yield distinct states; words 1 and 3 mix both, so even the first
// output (which reads only word 1) differs between streams of one seed and seeds of one stream.
Xoshiro256StarStar::State deriveState(std::uint64_t seed, std::uint64_t streamId) noexcept
{
    SplitMix64 seedMix(seed);
    const std::uint64_t a0 = seedMix.next();
    const std::uint64_t a1 = seedMix.next();
    const std::uint64_t a2 = seedMix.next();
    const std::uint64_t b0 = fmix64(streamId + 1 * kGoldenGamma);
    const std::uint64_t b1 = fmix64(streamId + 2 * kGoldenGamma);
    const std::uint64_t b2 = fmix64(streamId + 3 * kGoldenGamma);
    Xoshiro256StarStar::State s{a0, a1 ^ b1, b0, a2 ^ b2};
    if ((s[0] | s[1] | s[2] | s[3]) == 0)
        s[0] = kGoldenGamma; // all-zero is xoshiro's one fixed point; unreachable in practice
    return s;
}

} // namespace

Rng::Rng(std::uint64_t seed, std::uint64_t streamId) : m_gen(deriveState(seed, streamId)) {}

double Rng::uniform01() noexcept
{
    return static_cast<double>(nextU64() >> 11) * 0x1.0p-53;
}

double Rng::uniformOpen01() noexcept
{
    // (k + 1/2) / 2^52 with k < 2^52: symmetric around 1/2, min 2^-53, max 1 - 2^-53 (exact).
    return (static_cast<double>(nextU64() >> 12) + 0.5) * 0x1.0p-52;
}

std::uint64_t Rng::uniformBelowRejecting(std::uint64_t n, Wide first)
{
    const std::uint64_t threshold = (0 - n) % n; // == 2^64 mod n
    Wide m = first;
    while (m.lo < threshold)
        m = multiply(nextU64(), n);
    return m.hi;
}

std::int64_t Rng::uniformInt(std::int64_t lo, std::int64_t hi)
{
    KVROUTE_CHECK(lo <= hi, "uniformInt() with lo > hi");
    // Unsigned arithmetic wraps, so the span and the offset are exact even for the full range.
    const std::uint64_t span = static_cast<std::uint64_t>(hi) - static_cast<std::uint64_t>(lo);
    const std::uint64_t offset = span == ~std::uint64_t{0} ? nextU64() : uniformBelow(span + 1);
    return static_cast<std::int64_t>(static_cast<std::uint64_t>(lo) + offset);
}

double Rng::uniformReal(double a, double b)
{
    KVROUTE_CHECK(a <= b, "uniformReal() with a > b");
    return a + (b - a) * uniform01();
}

double Rng::exponential(double rate)
{
    KVROUTE_CHECK(rate > 0.0 && std::isfinite(rate), "exponential() rate must be positive");
    return -portableLog(uniformOpen01()) / rate;
}

double Rng::exponentialMean(double mean)
{
    KVROUTE_CHECK(mean > 0.0 && std::isfinite(mean), "exponentialMean() mean must be positive");
    return -portableLog(uniformOpen01()) * mean;
}

double Rng::normal(double mean, double stddev)
{
    KVROUTE_CHECK(stddev >= 0.0, "normal() stddev must be non-negative");
    // Marsaglia polar method: needs only log and sqrt (sqrt is exactly rounded by IEEE-754), no
    // trigonometry. 2u - 1 is exact for u = k / 2^53.
    for (;;) {
        const double u = 2.0 * uniform01() - 1.0;
        const double v = 2.0 * uniform01() - 1.0;
        const double s = u * u + v * v;
        if (s < 1.0 && s > 0.0)
            return mean + stddev * (u * std::sqrt(-2.0 * portableLog(s) / s));
    }
}

double Rng::lognormal(double mu, double sigma)
{
    return portableExp(normal(mu, sigma));
}

double Rng::lognormalMeanStd(double mean, double stddev)
{
    KVROUTE_CHECK(mean > 0.0, "lognormalMeanStd() mean must be positive");
    KVROUTE_CHECK(stddev >= 0.0, "lognormalMeanStd() stddev must be non-negative");
    const double cv = stddev / mean;
    const double sigma2 = portableLog(1.0 + cv * cv);
    const double mu = portableLog(mean) - 0.5 * sigma2;
    return lognormal(mu, std::sqrt(sigma2));
}

bool Rng::bernoulli(double p)
{
    KVROUTE_CHECK(p >= 0.0 && p <= 1.0, "bernoulli() p must be in [0, 1]");
    return uniform01() < p;
}

} // namespace kvroute::sim
