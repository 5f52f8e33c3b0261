#include "sim/hashing/python_hash.h"

#include <array>
#include <cstddef>

namespace kvroute::sim::pyhash {

namespace {

constexpr std::size_t kSecretSize = 24; // sizeof(_Py_HashSecret_t)

// Python/bootstrap_hash.c lcg_urandom: how a numeric PYTHONHASHSEED becomes the hash secret.
std::array<std::uint8_t, kSecretSize> hashSecret(std::uint32_t seed)
{
    std::array<std::uint8_t, kSecretSize> secret{};
    if (seed == 0) {
        return secret; // PYTHONHASHSEED=0 disables randomization: the secret is zeroed.
    }
    std::uint32_t x = seed;
    for (auto& byte : secret) {
        x = x * 214013U + 2531011U;
        byte = static_cast<std::uint8_t>((x >> 16) & 0xffU);
    }
    return secret;
}

std::uint64_t loadLittleEndian(const std::uint8_t* bytes, std::size_t count)
{
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < count; ++i) {
        value |= std::uint64_t{bytes[i]} << (8 * i);
    }
    return value;
}

constexpr std::uint64_t rotl(std::uint64_t x, int bits)
{
    return (x << bits) | (x >> (64 - bits));
}

struct SipState {
    std::uint64_t v0;
    std::uint64_t v1;
    std::uint64_t v2;
    std::uint64_t v3;

    void round()
    {
        v0 += v1;
        v2 += v3;
        v1 = rotl(v1, 13) ^ v0;
        v3 = rotl(v3, 16) ^ v2;
        v0 = rotl(v0, 32);
        v2 += v1;
        v0 += v3;
        v1 = rotl(v1, 17) ^ v2;
        v3 = rotl(v3, 21) ^ v0;
        v2 = rotl(v2, 32);
    }

    void compress(std::uint64_t message)
    {
        v3 ^= message;
        round(); // SipHash-1-3: one compression round per 8-byte word...
        v0 ^= message;
    }
};

// Python/pyhash.c siphash13, CPython 3.11's default string hash (Py_HASH_SIPHASH13).
std::uint64_t sipHash13(std::uint64_t k0, std::uint64_t k1, std::string_view data)
{
    SipState state{k0 ^ 0x736f6d6570736575U, k1 ^ 0x646f72616e646f6dU, k0 ^ 0x6c7967656e657261U,
                   k1 ^ 0x7465646279746573U};
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
    std::size_t remaining = data.size();
    while (remaining >= 8) {
        state.compress(loadLittleEndian(bytes, 8));
        bytes += 8;
        remaining -= 8;
    }
    const std::uint64_t last = (std::uint64_t{data.size()} << 56) | loadLittleEndian(bytes, remaining);
    state.compress(last);
    state.v2 ^= 0xffU;
    for (int i = 0; i < 3; ++i) {
        state.round(); // ...and three finalization rounds.
    }
    return state.v0 ^ state.v1 ^ state.v2 ^ state.v3;
}

} // namespace

std::optional<std::uint32_t> parseHashSeed(std::string_view text)
{
    if (text.empty()) {
        return std::nullopt;
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
        if (value > 0xffffffffU) {
            return std::nullopt;
        }
    }
    return static_cast<std::uint32_t>(value);
}

std::int64_t hashAsciiStr(std::string_view text, std::uint32_t hashSeed)
{
    if (text.empty()) {
        return 0; // _Py_HashBytes short-cuts len == 0 whatever the secret.
    }
    const auto secret = hashSecret(hashSeed);
    const std::uint64_t k0 = loadLittleEndian(secret.data(), 8);
    const std::uint64_t k1 = loadLittleEndian(secret.data() + 8, 8);
    const auto hash = static_cast<std::int64_t>(sipHash13(k0, k1, text));
    return hash == -1 ? -2 : hash;
}

} // namespace kvroute::sim::pyhash
