#include "cluster/pod/kv_event_wire.h"

#include <msgpack.hpp>
#include <zmq.hpp>

#include <cstring>
#include <stdexcept>

namespace kvroute::cluster {

namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;

/// One hash as msgspec writes the Python int vLLM holds (see kv_event_wire.h). msgpack-c picks
/// the smallest form as msgspec does: pack_int64 gives negative fixint/int8..int64 below 0 and
/// positive fixint/uint8..uint64 from 0 up, pack_uint64 the latter.
void packHash(Packer& p, sim::BlockHashValue h, KvHashSign sign)
{
    if (sign == KvHashSign::Signed)
        p.pack_int64(static_cast<std::int64_t>(h));
    else
        p.pack_uint64(h);
}

void packHashes(Packer& p, const std::vector<sim::BlockHashValue>& hashes, KvHashSign sign)
{
    p.pack_array(static_cast<std::uint32_t>(hashes.size()));
    for (const auto h : hashes)
        packHash(p, h, sign);
}

/// A Python float as msgspec writes it: always float64 (0xcb). msgpack-c's pack_double would
/// write an integral value (a timestamp on a whole second) as an integer instead.
void packFloat64(msgpack::sbuffer& buffer, double value)
{
    std::uint64_t bits = 0;
    std::memcpy(&bits, &value, sizeof bits);
    char bytes[9];
    bytes[0] = static_cast<char>(0xcb);
    for (int i = 0; i < 8; ++i)
        bytes[1 + i] = static_cast<char>((bits >> (8 * (7 - i))) & 0xFF);
    buffer.write(bytes, sizeof bytes);
}

/// Thrown for a block hash that is not an integer, with what it was instead.
struct NotAHash : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// A block hash as the project's 64-bit value. vLLM v0.10.0's default `builtin` algorithm gives
/// Python's hash(), a signed 64-bit int, so msgspec writes negative hashes as msgpack signed ints
/// (vllm.md §1, §7); sha256_cbor_64bit gives unsigned ones. A signed value is taken as its two's
/// complement bit pattern, which is what llm-d's kv-cache-manager does: v0.3.1 decodes
/// block_hashes into []uint64 (vmihailenco/msgpack reinterprets int8..int64 codes as uint64),
/// and later versions' getHashAsUint64 (pkg/kvcache/kvevents/pool.go) map an int64 with
/// uint64(v). The same hash thus has the same key here and in the EPP's index.
sim::BlockHashValue hashOf(const msgpack::object& o)
{
    switch (o.type) {
    case msgpack::type::POSITIVE_INTEGER:
        return o.via.u64;
    case msgpack::type::NEGATIVE_INTEGER:
        return static_cast<sim::BlockHashValue>(o.via.i64);
    case msgpack::type::NIL: throw NotAHash("a block hash is an integer, got nil");
    case msgpack::type::BOOLEAN: throw NotAHash("a block hash is an integer, got a boolean");
    case msgpack::type::FLOAT32:
    case msgpack::type::FLOAT64: throw NotAHash("a block hash is an integer, got a float");
    case msgpack::type::STR: throw NotAHash("a block hash is an integer, got a string");
    case msgpack::type::BIN: throw NotAHash("a block hash is an integer, got bytes");
    default: break;
    }
    throw NotAHash("a block hash is an integer, got a container or extension");
}

std::vector<sim::BlockHashValue> hashesOf(const msgpack::object& o)
{
    if (o.type != msgpack::type::ARRAY)
        throw NotAHash("block_hashes is an array of integers");
    std::vector<sim::BlockHashValue> out;
    out.reserve(o.via.array.size);
    for (std::uint32_t i = 0; i < o.via.array.size; ++i)
        out.push_back(hashOf(o.via.array.ptr[i]));
    return out;
}

} // namespace

KvHashSign kvHashSignFor(std::string_view prefixCachingHashAlgo)
{
    // KVCacheManager.__init__ (vllm/v1/core/kv_cache_manager.py): sha256_cbor_64bit | sha256 |
    // otherwise Python's builtin hash, whose values are signed.
    return prefixCachingHashAlgo == "sha256_cbor_64bit" || prefixCachingHashAlgo == "sha256" ? KvHashSign::Unsigned
                                                                                               : KvHashSign::Signed;
}

std::string encodeKvEventBatch(double timestamp, std::span<const sim::KvEvent> events, KvHashSign sign)
{
    msgpack::sbuffer buffer;
    Packer p(buffer);
    p.pack_array(3);
    packFloat64(buffer, timestamp);
    p.pack_array(static_cast<std::uint32_t>(events.size()));
    for (const auto& e : events) {
        switch (e.type) {
        case sim::KvEvent::Type::BlockStored:
            p.pack_array(6);
            p.pack(std::string("BlockStored"));
            packHashes(p, e.blockHashes, sign);
            if (e.parentBlockHash)
                packHash(p, *e.parentBlockHash, sign);
            else
                p.pack_nil();
            p.pack_array(static_cast<std::uint32_t>(e.tokenIds.size()));
            for (const auto t : e.tokenIds)
                p.pack_uint32(t);
            p.pack_int32(e.blockSize);
            p.pack_nil(); // lora_id
            break;
        case sim::KvEvent::Type::BlockRemoved:
            p.pack_array(2);
            p.pack(std::string("BlockRemoved"));
            packHashes(p, e.blockHashes, sign);
            break;
        case sim::KvEvent::Type::AllBlocksCleared:
            p.pack_array(1);
            p.pack(std::string("AllBlocksCleared"));
            break;
        }
    }
    p.pack_uint32(0); // data_parallel_rank, set by the publisher (header comment)
    return std::string(buffer.data(), buffer.size());
}

Result<std::vector<sim::KvEvent>> decodeKvEventBatch(std::string_view payload)
{
    try {
        const auto handle = msgpack::unpack(payload.data(), payload.size());
        const msgpack::object& batch = handle.get();
        if (batch.type != msgpack::type::ARRAY || batch.via.array.size < 2 ||
            batch.via.array.ptr[1].type != msgpack::type::ARRAY)
            return fail("a KV event batch is [ts, [events...]]");
        std::vector<sim::KvEvent> out;
        const auto& events = batch.via.array.ptr[1].via.array;
        for (std::uint32_t i = 0; i < events.size; ++i) {
            const msgpack::object& e = events.ptr[i];
            if (e.type != msgpack::type::ARRAY || e.via.array.size < 1)
                return fail("a KV event is a tagged array");
            const auto tag = e.via.array.ptr[0].as<std::string>();
            sim::KvEvent event;
            if (tag == "BlockStored" && e.via.array.size >= 5) {
                event.type = sim::KvEvent::Type::BlockStored;
                event.blockHashes = hashesOf(e.via.array.ptr[1]);
                if (e.via.array.ptr[2].type != msgpack::type::NIL)
                    event.parentBlockHash = hashOf(e.via.array.ptr[2]);
                event.tokenIds = e.via.array.ptr[3].as<std::vector<sim::TokenId>>();
                event.blockSize = e.via.array.ptr[4].as<std::int32_t>();
            } else if (tag == "BlockRemoved" && e.via.array.size >= 2) {
                event.type = sim::KvEvent::Type::BlockRemoved;
                event.blockHashes = hashesOf(e.via.array.ptr[1]);
            } else if (tag == "AllBlocksCleared") {
                event.type = sim::KvEvent::Type::AllBlocksCleared;
            } else {
                return fail("unknown KV event \"" + tag + "\"");
            }
            out.push_back(std::move(event));
        }
        return out;
    } catch (const std::exception& e) {
        return fail(std::string("malformed KV event batch: ") + e.what());
    }
}

struct KvEventPublisher::Impl {
    zmq::context_t context{1};
    zmq::socket_t socket{context, zmq::socket_type::pub};
    std::string topic;
    KvHashSign sign = KvHashSign::Signed;
    std::uint64_t sequence = 0;
};

Result<std::unique_ptr<KvEventPublisher>> KvEventPublisher::open(const std::string& endpointIn, std::string topic,
                                                                KvHashSign sign, const std::string& wildcardHost)
{
    std::string endpoint = endpointIn;
    // vLLM's ZmqEventPublisher: bind when the endpoint is a wildcard (`tcp://*:5557`, `::`) or a
    // local transport, else connect — llm-d's precise guide points every pod at the EPP, which
    // binds (`tcp://<epp>.<ns>.svc:5557`).
    const bool bindIt = endpoint.find('*') != std::string::npos || endpoint.find("::") != std::string::npos ||
                        endpoint.starts_with("ipc://") || endpoint.starts_with("inproc://");
    if (const auto star = endpoint.find("://*"); bindIt && star != std::string::npos && !wildcardHost.empty())
        endpoint.replace(star + 3, 1, wildcardHost);
    auto impl = std::make_unique<Impl>();
    impl->topic = std::move(topic);
    impl->sign = sign;
    try {
        impl->socket.set(zmq::sockopt::sndhwm, 100000); // vLLM's hwm default
        impl->socket.set(zmq::sockopt::linger, 0);
        if (bindIt)
            impl->socket.bind(endpoint);
        else
            impl->socket.connect(endpoint);
    } catch (const zmq::error_t& e) {
        return fail(std::string(bindIt ? "cannot bind the KV event endpoint: " : "cannot connect to the KV event endpoint: ") +
                        e.what(),
                    endpoint);
    }
    return std::unique_ptr<KvEventPublisher>(new KvEventPublisher(std::move(impl)));
}

KvEventPublisher::KvEventPublisher(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
KvEventPublisher::~KvEventPublisher() = default;

void KvEventPublisher::publish(double timestamp, std::span<const sim::KvEvent> events)
{
    const std::uint64_t seq = d->sequence++;
    char seqBytes[8];
    for (int i = 0; i < 8; ++i)
        seqBytes[i] = static_cast<char>((seq >> (8 * (7 - i))) & 0xFF);
    const std::string payload = encodeKvEventBatch(timestamp, events, d->sign);
    // A subscriber that falls behind loses batches (PUB drops at the high-water mark), as with vLLM.
    d->socket.send(zmq::buffer(d->topic), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    d->socket.send(zmq::buffer(seqBytes, 8), zmq::send_flags::sndmore | zmq::send_flags::dontwait);
    d->socket.send(zmq::buffer(payload), zmq::send_flags::dontwait);
}

struct KvEventSubscriber::Impl {
    zmq::context_t context{1};
    std::vector<zmq::socket_t> sockets;
    std::int64_t malformed = 0;
};

Result<std::unique_ptr<KvEventSubscriber>> KvEventSubscriber::connect(const std::vector<std::string>& endpoints)
{
    auto impl = std::make_unique<Impl>();
    for (const auto& endpoint : endpoints) {
        try {
            zmq::socket_t socket(impl->context, zmq::socket_type::sub);
            socket.set(zmq::sockopt::subscribe, "");
            socket.set(zmq::sockopt::linger, 0);
            socket.connect(endpoint);
            impl->sockets.push_back(std::move(socket));
        } catch (const zmq::error_t& e) {
            return fail(std::string("cannot subscribe to KV events: ") + e.what(), endpoint);
        }
    }
    return std::unique_ptr<KvEventSubscriber>(new KvEventSubscriber(std::move(impl)));
}

KvEventSubscriber::KvEventSubscriber(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
KvEventSubscriber::~KvEventSubscriber() = default;

std::vector<std::pair<int, std::vector<sim::KvEvent>>> KvEventSubscriber::drain()
{
    std::vector<std::pair<int, std::vector<sim::KvEvent>>> out;
    for (std::size_t i = 0; i < d->sockets.size(); ++i) {
        while (true) {
            std::vector<zmq::message_t> parts;
            zmq::message_t part;
            if (!d->sockets[i].recv(part, zmq::recv_flags::dontwait))
                break;
            parts.push_back(std::move(part));
            while (parts.back().more()) {
                zmq::message_t next;
                if (!d->sockets[i].recv(next, zmq::recv_flags::none))
                    break;
                parts.push_back(std::move(next));
            }
            if (parts.size() != 3) {
                ++d->malformed;
                continue;
            }
            auto events = decodeKvEventBatch(parts[2].to_string_view());
            if (!events) {
                ++d->malformed;
                continue;
            }
            out.emplace_back(static_cast<int>(i), std::move(*events));
        }
    }
    return out;
}

std::int64_t KvEventSubscriber::malformed() const
{
    return d->malformed;
}

} // namespace kvroute::cluster
