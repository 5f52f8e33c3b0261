#pragma once
// log and exp built only from IEEE-754 basic operations (+ - * / and the exact frexp/ldexp), so
// random variates are bit-identical on every libm. std::log/std::exp are only "close" to correctly
// rounded and differ by an ulp between glibc, musl, macOS and MSVC (and between releases); one ulp
// in an inter-arrival time can flip an event order and change a whole run.
//
// Accuracy: within 1 ulp of glibc over the full range (checked in tests/kernel/tst_portable_math).
// rng.cpp and portable_math.cpp are compiled with -ffp-contract=off so FMA contraction cannot
// change the rounding on targets that have FMA.

namespace kvroute::sim {

/// Natural logarithm. log(0) = -inf, log(x<0) = NaN, log(+inf) = +inf, NaN propagates.
[[nodiscard]] double portableLog(double x) noexcept;

/// e^x. Overflows to +inf, underflows to 0, NaN propagates.
[[nodiscard]] double portableExp(double x) noexcept;

} // namespace kvroute::sim
