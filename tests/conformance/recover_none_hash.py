#!/usr/bin/env python3
"""Recover the NONE_HASH a vLLM process drew at random, from one KV event it published.

vLLM v0.10.0 with prefix_caching_hash_algo=builtin and PYTHONHASHSEED unset sets
NONE_HASH = int.from_bytes(os.urandom(32)) (vllm.md §1), so a trace recorded that way (e.g.
../shared/conformance/basic.jsonl) depends on a random input that the trace does not record.
The first block's hash is CPython's hash((NONE_HASH, tuple(tokens), None)); the tuple hash is
invertible, so the lane NONE_HASH contributes (its value mod 2**61-1) can be solved for. Every
other hash in the trace is then computed by kvroute, not copied.

The same inversion applied to a *chained* block yields hash(None); the script checks that it
is the same constant (612812 on Debian bookworm's python3) for every chained block, which
verifies the tuple-hash model before the recovered value is trusted.

Usage: recover_none_hash.py EXPECTED.json   -> prints the lane (decimal) on stdout
"""
import json
import sys

M = 2**64
P = 2**61 - 1
XXPRIME_1 = 11400714785074694791
XXPRIME_2 = 14029467366897019727
XXPRIME_5 = 2870177450012600261
HASH_NONE = 612812  # hash(None) of Debian bookworm's /usr/bin/python3 (3.11, address based)


def int_hash(x):
    """CPython hash() of an int."""
    r = abs(x) % P
    r = -r if x < 0 else r
    return -2 if r == -1 else r


def rotr(x, r):
    return ((x >> r) | (x << (64 - r))) % M


def unwind(final, lanes_after):
    """Given a 3-tuple hash and the lanes of items 2..3, return the first item's lane."""
    acc = (final % M - (3 ^ (XXPRIME_5 ^ 3527539))) % M
    inv1 = pow(XXPRIME_1, -1, M)
    inv2 = pow(XXPRIME_2, -1, M)
    for lane in reversed(lanes_after):
        acc = rotr(acc * inv1 % M, 31)
        acc = (acc - (lane % M) * XXPRIME_2) % M
    acc = rotr(acc * inv1 % M, 31)
    return (acc - XXPRIME_5) * inv2 % M


def none_lane_of_chained(parent, tokens, h):
    """Solve for the third item's lane of hash((parent, tokens, X)) == h."""
    acc = XXPRIME_5
    for lane in (int_hash(parent), hash(tuple(tokens))):
        acc = (acc + (lane % M) * XXPRIME_2) % M
        acc = ((acc << 31) | (acc >> 33)) % M
        acc = acc * XXPRIME_1 % M
    final = (h % M - (3 ^ (XXPRIME_5 ^ 3527539))) % M
    a3 = rotr(final * pow(XXPRIME_1, -1, M) % M, 31)
    return (a3 - acc) * pow(XXPRIME_2, -1, M) % M


def main():
    expected = json.load(open(sys.argv[1]))
    if expected["config"].get("hash_algo", "builtin") != "builtin" or expected.get("env", {}).get("PYTHONHASHSEED"):
        sys.exit("this trace does not use a random NONE_HASH")
    for step in expected["steps"]:
        for event in step.get("kv_events", []):
            if event["type"] != "BlockStored" or event["parent_block_hash"] is not None:
                continue
            bs = event["block_size"]
            hashes, tokens = event["block_hashes"], event["token_ids"]
            for i in range(1, len(hashes)):
                lane = none_lane_of_chained(hashes[i - 1], tokens[i * bs:(i + 1) * bs], hashes[i])
                if lane != HASH_NONE:
                    sys.exit(f"block {i}: hash(None) solves to {lane}, not {HASH_NONE}: tuple-hash model wrong")
            lane = unwind(hashes[0], [hash(tuple(tokens[:bs])), HASH_NONE])
            if not 0 <= lane < P:
                sys.exit(f"recovered lane {lane} is not a residue mod 2**61-1")
            print(lane)
            return
    sys.exit("no first-block BlockStored event in this trace")


if __name__ == "__main__":
    main()
