#pragma once
// The subset of canonical CBOR (RFC 8949 §4.2.1, "core deterministic encoding") that vLLM's
// sha256_cbor_64bit needs: cbor2.dumps(x, canonical=True) of ints >= 0, tuples, str and None
// (vllm.md §1). Heads always take the shortest form, which is what makes the bytes canonical.

#include <cstdint>
#include <string_view>
#include <vector>

namespace kvroute::sim::cbor {

using Bytes = std::vector<std::uint8_t>;

/// Major type 0: an unsigned integer (Python int in [0, 2^64)).
void appendUnsigned(Bytes& out, std::uint64_t value);

/// Major type 4 head: an array of `size` items follows (Python tuple or list).
void appendArrayHead(Bytes& out, std::uint64_t size);

/// Major type 3: a UTF-8 text string (Python str). The caller supplies valid UTF-8.
void appendText(Bytes& out, std::string_view text);

/// Simple value 22: null (Python None), the single byte 0xf6.
void appendNull(Bytes& out);

} // namespace kvroute::sim::cbor
