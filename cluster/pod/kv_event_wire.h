#pragma once
// vLLM v0.10.0's KV-event wire format (vllm.md §7): a ZeroMQ PUB multipart message
// (topic, sequence number as 8 big-endian bytes, msgpack payload). The payload is a
// KVEventBatch encoded by msgspec with array_like=True, omit_defaults=True: [ts, [events...], rank].
// data_parallel_rank defaults to None, but ZmqEventPublisher.publish (distributed/kv_events.py)
// sets it to the publisher's rank, 0 for a pod without data parallelism, so it is on the wire
// (a decoder also takes the two-element form); each event a tagged array with its class name
// first: ["BlockStored", block_hashes, parent_block_hash, token_ids, block_size, lora_id],
// ["BlockRemoved", block_hashes], ["AllBlocksCleared"].
//
// Block hashes are Python ints in vLLM v0.10.0 (BlockHash.hash_value, vllm/v1/core/kv_cache_utils.py),
// and msgspec writes an int in its smallest msgpack form: negative fixint/int8..int64 when it is
// below 0, positive fixint/uint8..uint64 otherwise (msgspec's mpack_encode_long). What is below 0
// depends on prefix_caching_hash_algo (vllm.md §1): `builtin` (the default) is Python's hash() of
// a tuple, a signed 64-bit value, so about half the hashes go out negative; sha256_cbor_64bit is
// the low 64 bits of a SHA-256, never negative. (`sha256` gives 256-bit ints that msgspec cannot
// encode at all; a kvroute scenario does not offer it.)

#include "sim/engine/engine_types.h"
#include "sim/util/result.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace kvroute::cluster {

/// How a 64-bit block hash goes on the wire: as the signed int64 its bit pattern spells (a value
/// with the top bit set becomes a negative msgpack int), or as an unsigned uint64.
enum class KvHashSign { Signed, Unsigned };

/// Signed for vLLM's `builtin` prefix_caching_hash_algo, Unsigned for sha256_cbor_64bit.
[[nodiscard]] KvHashSign kvHashSignFor(std::string_view prefixCachingHashAlgo);

[[nodiscard]] std::string encodeKvEventBatch(double timestamp, std::span<const sim::KvEvent> events, KvHashSign sign);
/// Takes hashes of either sign, each as its 64-bit two's complement pattern, so a hash reads
/// back as the same sim::BlockHashValue whichever sign it was written with.
[[nodiscard]] Result<std::vector<sim::KvEvent>> decodeKvEventBatch(std::string_view payload);

/// A pod's publisher, as vLLM's --kv-events-config {"publisher": "zmq", "endpoint": ...}.
class KvEventPublisher {
public:
    /// Binds `endpoint` when it is a wildcard (tcp://*:PORT) or local, else connects to it, as vLLM
    /// does; a `*` host is bound as `wildcardHost` when one is given (the pod's --host). Hashes
    /// are written with `sign` (kvHashSignFor the pod's prefix_caching_hash_algo).
    [[nodiscard]] static Result<std::unique_ptr<KvEventPublisher>> open(const std::string& endpoint, std::string topic,
                                                                        KvHashSign sign,
                                                                        const std::string& wildcardHost = {});
    ~KvEventPublisher();
    KvEventPublisher(const KvEventPublisher&) = delete;
    KvEventPublisher& operator=(const KvEventPublisher&) = delete;

    void publish(double timestamp, std::span<const sim::KvEvent> events);

    struct Impl;

private:
    explicit KvEventPublisher(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

/// The gateway's side: one SUB socket per pod, drained without blocking.
class KvEventSubscriber {
public:
    [[nodiscard]] static Result<std::unique_ptr<KvEventSubscriber>> connect(const std::vector<std::string>& endpoints);
    ~KvEventSubscriber();
    KvEventSubscriber(const KvEventSubscriber&) = delete;
    KvEventSubscriber& operator=(const KvEventSubscriber&) = delete;

    /// Every batch received since the last call, as (pod index, events); malformed ones counted.
    [[nodiscard]] std::vector<std::pair<int, std::vector<sim::KvEvent>>> drain();
    [[nodiscard]] std::int64_t malformed() const;

    struct Impl;

private:
    explicit KvEventSubscriber(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace kvroute::cluster
