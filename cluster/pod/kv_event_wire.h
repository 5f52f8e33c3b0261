#pragma once
// vLLM v0.10.0's KV-event wire format (vllm.md §7): a ZeroMQ PUB multipart message
// (topic, sequence number as 8 big-endian bytes, msgpack payload). The payload is a
// KVEventBatch encoded by msgspec with array_like=True, omit_defaults=True: [ts, [events...]]
// (data_parallel_rank, default None, omitted); each event a tagged array with its class name
// first: ["BlockStored", block_hashes, parent_block_hash, token_ids, block_size, lora_id],
// ["BlockRemoved", block_hashes], ["AllBlocksCleared"].

#include "sim/engine/engine_types.h"
#include "sim/util/result.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace kvroute::cluster {

[[nodiscard]] std::string encodeKvEventBatch(double timestamp, std::span<const sim::KvEvent> events);
[[nodiscard]] Result<std::vector<sim::KvEvent>> decodeKvEventBatch(std::string_view payload);

/// A pod's publisher, as vLLM's --kv-events-config {"publisher": "zmq", "endpoint": ...}.
class KvEventPublisher {
public:
    /// Binds `endpoint` when it is a wildcard (tcp://*:PORT) or local, else connects to it, as vLLM
    /// does; a `*` host is bound as `wildcardHost` when one is given (the pod's --host).
    [[nodiscard]] static Result<std::unique_ptr<KvEventPublisher>> open(const std::string& endpoint, std::string topic,
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
