#include "sim/kernel/portable_math.h"

#include <cmath>
#include <limits>

namespace kvroute::sim {

namespace {
// ln 2 split so that k * kLn2Hi is exact for |k| < 2^21 (kLn2Hi has 32 significant bits);
// kLn2Lo = ln 2 - kLn2Hi rounded to double. Computed from a 60-digit ln 2.
constexpr double kLn2Hi = 0x1.62e42fee00000p-1;
constexpr double kLn2Lo = 0x1.a39ef35793c76p-33;
constexpr double kInvLn2 = 0x1.71547652b82fep+0;
constexpr double kSqrtHalf = 0.70710678118654752440;
// Above ln(DBL_MAX) exp overflows; below ln(2^-1075) it rounds to zero.
constexpr double kExpOverflow = 709.782712893384;
constexpr double kExpUnderflow = -745.2;
} // namespace

double portableLog(double x) noexcept
{
    if (std::isnan(x))
        return x;
    if (x < 0.0)
        return std::numeric_limits<double>::quiet_NaN();
    if (x == 0.0)
        return -std::numeric_limits<double>::infinity();
    if (std::isinf(x))
        return x;

    // x = m * 2^e with m in [sqrt(1/2), sqrt(2)), so f = m - 1 is exact (Sterbenz) and small.
    int e = 0;
    double m = std::frexp(x, &e);
    if (m < kSqrtHalf) {
        m *= 2.0;
        --e;
    }
    const double f = m - 1.0;
    // log(1+f) = 2 atanh(s) with s = f/(2+f), |s| <= 0.1716:
    //   2 atanh(s) = 2s + s*R(z), z = s^2, R(z) = sum_k 2 z^k / (2k+1);
    // and 2s = f - s*f, so log(1+f) = f - s*(f - R), which keeps the exact f as the leading term.
    // Twelve terms leave a truncation error below 2^-60 relative.
    const double s = f / (2.0 + f);
    const double z = s * s;
    double r = 2.0 / 25.0;
    r = 2.0 / 23.0 + z * r;
    r = 2.0 / 21.0 + z * r;
    r = 2.0 / 19.0 + z * r;
    r = 2.0 / 17.0 + z * r;
    r = 2.0 / 15.0 + z * r;
    r = 2.0 / 13.0 + z * r;
    r = 2.0 / 11.0 + z * r;
    r = 2.0 / 9.0 + z * r;
    r = 2.0 / 7.0 + z * r;
    r = 2.0 / 5.0 + z * r;
    r = 2.0 / 3.0 + z * r;
    r = z * r;
    const double logM = f - s * (f - r);
    const double de = static_cast<double>(e);
    return de * kLn2Hi + (logM + de * kLn2Lo);
}

double portableExp(double x) noexcept
{
    if (std::isnan(x))
        return x;
    if (x > kExpOverflow)
        return std::numeric_limits<double>::infinity();
    if (x < kExpUnderflow)
        return 0.0;

    // x = k ln2 + r with |r| <= ln2/2; the two-part subtraction keeps r accurate to ~2^-60.
    const double k = std::floor(x * kInvLn2 + 0.5);
    const double r = (x - k * kLn2Hi) - k * kLn2Lo;
    // Taylor series of e^r through r^14: the first omitted term is below 4e-18 for |r| <= 0.347.
    double p = 1.0 / 87178291200.0; // 1/14!
    p = 1.0 / 6227020800.0 + r * p;
    p = 1.0 / 479001600.0 + r * p;
    p = 1.0 / 39916800.0 + r * p;
    p = 1.0 / 3628800.0 + r * p;
    p = 1.0 / 362880.0 + r * p;
    p = 1.0 / 40320.0 + r * p;
    p = 1.0 / 5040.0 + r * p;
    p = 1.0 / 720.0 + r * p;
    p = 1.0 / 120.0 + r * p;
    p = 1.0 / 24.0 + r * p;
    p = 1.0 / 6.0 + r * p;
    p = 1.0 / 2.0 + r * p;
    p = 1.0 + r * p;
    p = 1.0 + r * p;
    return std::ldexp(p, static_cast<int>(k));
}

} // namespace kvroute::sim
