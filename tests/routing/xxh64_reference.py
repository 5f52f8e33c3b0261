#!/usr/bin/env python3
"""Independent reference values for the routing tests (pure-Python XXH64, no libxxhash).

Prints the xxHash64 values pinned in tst_epp_prefix_scorer.cpp and tst_header_hash_router.cpp:
GAIE's approximate prefix-cache hash chain (llmd.md 1.3) and Envoy's ring-hash keys.
Run: python3 tests/routing/xxh64_reference.py
"""

P1 = 0x9E3779B185EBCA87
P2 = 0xC2B2AE3D27D4EB4F
P3 = 0x165667B19E3779F9
P4 = 0x85EBCA77C2B2AE63
P5 = 0x27D4EB2F165667C5
M = (1 << 64) - 1


def rotl(x, r):
    return ((x << r) | (x >> (64 - r))) & M


def round_(acc, lane):
    acc = (acc + lane * P2) & M
    acc = rotl(acc, 31)
    return (acc * P1) & M


def merge(acc, val):
    acc ^= round_(0, val)
    return (acc * P1 + P4) & M


def xxh64(data: bytes, seed: int = 0) -> int:
    n = len(data)
    i = 0
    if n >= 32:
        v1 = (seed + P1 + P2) & M
        v2 = (seed + P2) & M
        v3 = seed & M
        v4 = (seed - P1) & M
        while i + 32 <= n:
            v1 = round_(v1, int.from_bytes(data[i:i + 8], "little"))
            v2 = round_(v2, int.from_bytes(data[i + 8:i + 16], "little"))
            v3 = round_(v3, int.from_bytes(data[i + 16:i + 24], "little"))
            v4 = round_(v4, int.from_bytes(data[i + 24:i + 32], "little"))
            i += 32
        h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) & M
        for v in (v1, v2, v3, v4):
            h = merge(h, v)
    else:
        h = (seed + P5) & M
    h = (h + n) & M
    while i + 8 <= n:
        h ^= round_(0, int.from_bytes(data[i:i + 8], "little"))
        h = (rotl(h, 27) * P1 + P4) & M
        i += 8
    if i + 4 <= n:
        h ^= (int.from_bytes(data[i:i + 4], "little") * P1) & M
        h = (rotl(h, 23) * P2 + P3) & M
        i += 4
    while i < n:
        h ^= (data[i] * P5) & M
        h = (rotl(h, 11) * P1) & M
        i += 1
    h ^= h >> 33
    h = (h * P2) & M
    h ^= h >> 29
    h = (h * P3) & M
    h ^= h >> 32
    return h


# Published test vectors (xxHash's sanity checks).
assert xxh64(b"") == 0xEF46DB3751D8E999
assert xxh64(b"abc") == 0x44BC2CF5AD770999

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def token_text(t: int) -> str:
    """sim/workload/tokenizer.h: 4 base-64 characters, most significant first."""
    return "".join(ALPHABET[(t >> s) & 63] for s in (18, 12, 6, 0))


def gaie_chain(model: str, text: str, block: int = 64, max_blocks: int = 256):
    """GAIE v1.0.1 hashPrompt (llmd.md 1.3)."""
    if len(text) < block:
        return []
    text = text[:block * max_blocks]
    out = [xxh64(model.encode() + text[:block].encode())]
    for i in range(1, len(text) // block):
        out.append(xxh64(text[i * block:(i + 1) * block].encode() + out[-1].to_bytes(8, "little")))
    return out


def envoy_ring(host_keys, minimum_ring_size, maximum_ring_size=8 * 1024 * 1024):
    """Envoy's RingHashLoadBalancer::Ring with equal weights: each host contributes entries
    "<host>_<i>" until the running count reaches its share of the scaled ring size; the ring is
    sorted by hash (stable, so equal hashes keep insertion order)."""
    import math
    normalized = 1.0 / len(host_keys)
    scale = min(math.ceil(normalized * minimum_ring_size) / normalized, maximum_ring_size)
    ring, current, target = [], 0.0, 0.0
    for host, key in enumerate(host_keys):
        target += scale * normalized
        i = 0
        while current < target:
            ring.append((xxh64(f"{key}_{i}".encode()), host))
            i += 1
            current += 1.0
    ring.sort(key=lambda entry: entry[0])
    return ring


def envoy_choose(ring, h):
    """The first entry with hash >= h, wrapping to the first entry."""
    import bisect
    i = bisect.bisect_left([entry[0] for entry in ring], h)
    return ring[i % len(ring)][1]


if __name__ == "__main__":
    text = "".join(token_text(t) for t in range(1000, 1000 + 40))  # 160 chars: 2 blocks + partial
    chain = gaie_chain("meta-llama/Llama-3.2-1B", text)
    print("text[0:64] =", text[:64])
    for i, h in enumerate(chain):
        print(f"prefix h{i} = 0x{h:016X}")
    for key in ("10.128.0.10:8000_0", "10.128.0.11:8000_341", "12345"):
        print(f"xxh64({key!r}) = 0x{xxh64(key.encode()):016X}")
    hosts = [f"10.128.0.{10 + i}:8000" for i in range(3)]
    for n, minimum in ((3, 1024), (3, 4096), (8, 1024), (1, 1024), (7, 1000)):
        ring = envoy_ring([f"10.128.0.{10 + i}:8000" for i in range(n)], minimum)
        print(f"ring: {n} hosts, minimumRingSize {minimum}: {len(ring)} entries")
    ring = envoy_ring(hosts, 1024)
    sessions = list(range(10)) + [12345, 2**64 - 1]
    print("x-session-id -> pod on the 3-host, 1024 ring:",
          {s: envoy_choose(ring, xxh64(str(s).encode())) for s in sessions})
