#pragma once
// Emulation of CPython 3.11's builtin hash() for the few types vLLM's "builtin" prefix-caching
// hash feeds it (vllm.md §1): int, tuple, None and str. Target: Debian bookworm's
// /usr/bin/python3 (3.11.2, 64-bit), the interpreter the conformance traces were produced with.

#include <cstdint>
#include <optional>
#include <string_view>

namespace kvroute::sim::pyhash {

/// hash(None). In 3.11 None has no hash of its own: it is object.__hash__, i.e. the address of
/// the static _Py_NoneStruct rotated right by 4 bits. Debian's python3.11 is a non-PIE
/// executable, so that address is fixed and `/usr/bin/python3 -c 'print(hash(None))'` prints
/// 612812 in every process (a PIE build, e.g. pyenv's, prints something else per run).
/// 3.12 replaced this with a constant, so the value is tied to this exact interpreter build.
inline constexpr std::int64_t kNoneHash = 612812;

/// hash(n) for an int n that fits in 64 bits: |n| mod (2^61 - 1) with n's sign, -1 -> -2
/// (Python/pyhash.c, Objects/longobject.c long_hash).
[[nodiscard]] constexpr std::int64_t hashInt(std::int64_t value)
{
    constexpr std::uint64_t kModulus = (std::uint64_t{1} << 61) - 1;
    // Magnitude in unsigned arithmetic so INT64_MIN does not overflow.
    const std::uint64_t magnitude =
        value < 0 ? std::uint64_t{0} - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    const auto reduced = static_cast<std::int64_t>(magnitude % kModulus);
    const std::int64_t hash = value < 0 ? -reduced : reduced;
    return hash == -1 ? -2 : hash;
}

/// tuplehash of CPython >= 3.8 (Objects/tupleobject.c), an xxHash-style accumulator over the
/// items' hashes. Feed each item's hash in order, then read value().
class TupleHash {
public:
    constexpr void add(std::int64_t itemHash)
    {
        m_acc += static_cast<std::uint64_t>(itemHash) * kPrime2;
        m_acc = (m_acc << 31) | (m_acc >> 33);
        m_acc *= kPrime1;
        ++m_length;
    }

    [[nodiscard]] constexpr std::int64_t value() const
    {
        const std::uint64_t acc = m_acc + (m_length ^ (kPrime5 ^ 3527539U));
        // -1 means "error" to CPython, so tuplehash substitutes this constant.
        return acc == ~std::uint64_t{0} ? 1546275796 : static_cast<std::int64_t>(acc);
    }

private:
    static constexpr std::uint64_t kPrime1 = 11400714785074694791U;
    static constexpr std::uint64_t kPrime2 = 14029467366897019727U;
    static constexpr std::uint64_t kPrime5 = 2870177450012600261U;

    std::uint64_t m_acc = kPrime5;
    std::uint64_t m_length = 0;
};

/// PYTHONHASHSEED as CPython reads it: a decimal integer in [0, 4294967295]. std::nullopt for
/// anything else, including "random" (CPython itself refuses to start on garbage; we accept
/// digits only, no sign or blanks).
[[nodiscard]] std::optional<std::uint32_t> parseHashSeed(std::string_view text);

/// hash(s) for an ASCII str under PYTHONHASHSEED=hashSeed: SipHash-1-3 keyed with the first
/// 16 bytes of the hash secret CPython derives from the seed (all zeros for seed 0), -1 -> -2,
/// and 0 for the empty string. Non-ASCII text would be hashed in CPython's internal UCS-2/4
/// form, which this does not model.
[[nodiscard]] std::int64_t hashAsciiStr(std::string_view text, std::uint32_t hashSeed);

} // namespace kvroute::sim::pyhash
