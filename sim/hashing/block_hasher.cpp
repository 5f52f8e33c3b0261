#include "sim/hashing/block_hasher.h"

#include "sim/hashing/cbor.h"
#include "sim/hashing/python_hash.h"
#include "sim/util/check.h"

#include <openssl/sha.h>
#include <xxhash.h>

#include <array>
#include <bit>
#include <cstddef>
#include <utility>
#include <vector>

namespace kvroute::sim {

namespace {

constexpr std::string_view kFast64Name = "fast64";
constexpr std::string_view kSha256Cbor64Name = "sha256_cbor_64bit";
constexpr std::string_view kPythonBuiltinName = "builtin";

std::uint64_t xxh3(std::string_view text)
{
    return XXH3_64bits(text.data(), text.size());
}

std::uint64_t fast64Block(std::uint64_t parent, std::span<const std::uint32_t> tokens)
{
    if constexpr (std::endian::native == std::endian::little) {
        return XXH3_64bits_withSeed(tokens.data(), tokens.size_bytes(), parent);
    } else {
        std::vector<std::uint8_t> bytes;
        bytes.reserve(tokens.size_bytes());
        for (const std::uint32_t token : tokens) {
            for (int shift = 0; shift < 32; shift += 8) {
                bytes.push_back(static_cast<std::uint8_t>(token >> shift));
            }
        }
        return XXH3_64bits_withSeed(bytes.data(), bytes.size(), parent);
    }
}

// vLLM's sha256_cbor_64bit keeps `int.from_bytes(digest, "big") & (2**64 - 1)`: the LAST eight
// bytes of the digest, read big-endian (vllm.md §1).
std::uint64_t sha256Low64(const cbor::Bytes& bytes)
{
    std::array<unsigned char, SHA256_DIGEST_LENGTH> digest{};
    SHA256(bytes.data(), bytes.size(), digest.data());
    std::uint64_t value = 0;
    for (std::size_t i = digest.size() - 8; i < digest.size(); ++i) {
        value = (value << 8) | digest[i];
    }
    return value;
}

// cbor2.dumps((parent, tuple(tokens), None), canonical=True).
std::uint64_t sha256CborBlock(std::uint64_t parent, std::span<const std::uint32_t> tokens)
{
    constexpr std::size_t kMaxHeadSize = 9;
    constexpr std::size_t kMaxTokenSize = 5; // token ids are < 2^32
    cbor::Bytes bytes;
    bytes.reserve(3 * kMaxHeadSize + tokens.size() * kMaxTokenSize + 1);
    cbor::appendArrayHead(bytes, 3);
    cbor::appendUnsigned(bytes, parent);
    cbor::appendArrayHead(bytes, tokens.size());
    for (const std::uint32_t token : tokens) {
        cbor::appendUnsigned(bytes, token);
    }
    cbor::appendNull(bytes);
    return sha256Low64(bytes);
}

std::uint64_t sha256CborText(std::string_view text)
{
    cbor::Bytes bytes;
    cbor::appendText(bytes, text);
    return sha256Low64(bytes);
}

// hash((parent, tuple(tokens), None)); the parent is a Python int (a previous signed hash).
std::uint64_t pythonBlock(std::uint64_t parent, std::span<const std::uint32_t> tokens)
{
    pyhash::TupleHash tokenTuple;
    for (const std::uint32_t token : tokens) {
        tokenTuple.add(token); // hash(n) == n for 0 <= n < 2^61 - 1
    }
    pyhash::TupleHash key;
    key.add(pyhash::hashInt(static_cast<std::int64_t>(parent)));
    key.add(tokenTuple.value());
    key.add(pyhash::kNoneHash);
    return static_cast<std::uint64_t>(key.value());
}

} // namespace

std::optional<HashAlgo> parseHashAlgo(std::string_view name)
{
    if (name == kFast64Name) {
        return HashAlgo::Fast64;
    }
    if (name == kSha256Cbor64Name) {
        return HashAlgo::Sha256Cbor64;
    }
    if (name == kPythonBuiltinName) {
        return HashAlgo::PythonBuiltin;
    }
    return std::nullopt;
}

std::string_view toString(HashAlgo algo)
{
    switch (algo) {
    case HashAlgo::Fast64:
        return kFast64Name;
    case HashAlgo::Sha256Cbor64:
        return kSha256Cbor64Name;
    case HashAlgo::PythonBuiltin:
        return kPythonBuiltinName;
    }
    KVROUTE_CHECK(false, "unknown HashAlgo");
    return {};
}

BlockHasher::BlockHasher(HashAlgo algo, std::optional<std::string> hashSeed)
    : m_algo(algo)
    , m_hashSeed(std::move(hashSeed))
{
    const std::string_view seedText = m_hashSeed ? std::string_view(*m_hashSeed) : std::string_view();
    m_noneHashIsStandIn = !m_hashSeed.has_value();
    switch (m_algo) {
    case HashAlgo::Fast64:
        m_noneHash = xxh3(seedText);
        break;
    case HashAlgo::Sha256Cbor64:
        m_noneHash = sha256CborText(seedText);
        break;
    case HashAlgo::PythonBuiltin:
        if (const auto seed = pyhash::parseHashSeed(seedText)) {
            m_noneHash = static_cast<std::uint64_t>(pyhash::hashAsciiStr(seedText, *seed));
        } else {
            // hash("") is 0 under any secret, so an empty PYTHONHASHSEED is exact, not a stand-in.
            m_noneHash = 0;
            m_noneHashIsStandIn = !seedText.empty() || !m_hashSeed.has_value();
        }
        break;
    }
}

void BlockHasher::setNoneHash(std::uint64_t noneHash)
{
    m_noneHash = noneHash;
    m_noneHashIsStandIn = false;
}

std::uint64_t BlockHasher::hashBlock(std::uint64_t parent, std::span<const std::uint32_t> tokens) const
{
    switch (m_algo) {
    case HashAlgo::Fast64:
        return fast64Block(parent, tokens);
    case HashAlgo::Sha256Cbor64:
        return sha256CborBlock(parent, tokens);
    case HashAlgo::PythonBuiltin:
        return pythonBlock(parent, tokens);
    }
    KVROUTE_CHECK(false, "unknown HashAlgo");
    return 0;
}

} // namespace kvroute::sim
