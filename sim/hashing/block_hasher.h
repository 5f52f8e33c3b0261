#pragma once
// Prefix-cache block hashes (vllm.md §1): hash_i = H(parent, tokens of block i, extra_keys=None),
// with parent = hash_{i-1}, or NONE_HASH for the first block. Every algorithm yields 64 bits;
// PythonBuiltin values are really signed (Python prints them as int64), the others unsigned.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace kvroute::sim {

enum class HashAlgo {
    /// The simulator's default and not a vLLM algorithm: XXH3-64 over the block's tokens as
    /// little-endian uint32 bytes, seeded with the parent hash. Cheap enough for 10^8 tokens.
    Fast64,
    /// vLLM `sha256_cbor_64bit`, bit-exact.
    Sha256Cbor64,
    /// vLLM `builtin` (its v0.10.0 default): CPython 3.11's hash(), bit-exact for Debian
    /// bookworm's /usr/bin/python3 (see sim/hashing/python_hash.h).
    PythonBuiltin,
};

/// "fast64", "sha256_cbor_64bit" or "builtin" (the names of vLLM's prefix_caching_hash_algo
/// where one exists). vLLM's pickle-based "sha256" (256-bit hashes) is not supported.
[[nodiscard]] std::optional<HashAlgo> parseHashAlgo(std::string_view name);
[[nodiscard]] std::string_view toString(HashAlgo algo);

class BlockHasher {
public:
    /// hashSeed is the PYTHONHASHSEED string, std::nullopt when the variable is unset.
    ///
    /// NONE_HASH (vllm.md §1) is H(seed string) when a seed is set: XXH3-64 of its bytes for
    /// Fast64, sha256_cbor_64bit of the CBOR text string for Sha256Cbor64, Python's hash(str)
    /// for PythonBuiltin. Without a seed vLLM draws NONE_HASH from os.urandom(32), a fresh value
    /// per process (so pods disagree on every hash). We cannot reproduce that, so the hasher
    /// then uses a fixed stand-in, "H of the empty string" (XXH3(""), sha256_cbor_64bit(""),
    /// hash("") = 0), and noneHashIsStandIn() says so; a caller modelling per-pod randomness
    /// overrides it with setNoneHash(). PythonBuiltin treats a seed that is not a decimal in
    /// [0, 2^32) ("random", garbage) the same way, since Python's hash(str) is then random.
    BlockHasher(HashAlgo algo, std::optional<std::string> hashSeed);

    /// The parent of the first block.
    [[nodiscard]] std::uint64_t noneHash() const { return m_noneHash; }

    /// Replace NONE_HASH, e.g. with a per-pod random draw when the seed is unset. For
    /// PythonBuiltin the value is read as an int64 (a Python int); vLLM's 256-bit random int
    /// enters the tuple hash only as its residue mod 2^61-1, so a uniform draw in [0, 2^61-1)
    /// is the exact equivalent.
    void setNoneHash(std::uint64_t noneHash);

    /// True while noneHash() is the fixed stand-in for a value vLLM would draw at random.
    [[nodiscard]] bool noneHashIsStandIn() const { return m_noneHashIsStandIn; }

    /// Hash of one full block whose predecessor hashed to `parent`. vLLM substitutes NONE_HASH
    /// for a parent of 0 (`if not parent_block_hash`); callers pass noneHash() explicitly
    /// instead, and a real hash of 0 is a 2^-61 event we do not special-case.
    [[nodiscard]] std::uint64_t hashBlock(std::uint64_t parent, std::span<const std::uint32_t> tokens) const;

    [[nodiscard]] std::uint64_t hashFirstBlock(std::span<const std::uint32_t> tokens) const
    {
        return hashBlock(noneHash(), tokens);
    }

    /// True for PythonBuiltin: the values are int64 bit patterns and must be printed signed.
    [[nodiscard]] bool hashesAreSigned() const { return m_algo == HashAlgo::PythonBuiltin; }

    [[nodiscard]] HashAlgo algo() const { return m_algo; }
    [[nodiscard]] const std::optional<std::string>& hashSeed() const { return m_hashSeed; }

private:
    HashAlgo m_algo;
    std::optional<std::string> m_hashSeed;
    std::uint64_t m_noneHash = 0;
    bool m_noneHashIsStandIn = false;
};

} // namespace kvroute::sim
