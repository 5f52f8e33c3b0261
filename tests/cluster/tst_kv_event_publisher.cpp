// A pod's KV-event publisher opens its endpoint as vLLM's ZmqEventPublisher does: it binds a
// wildcard endpoint (`tcp://*:5557`, what the local stack gives each pod) and connects to any
// other — llm-d's precise guide points every vLLM pod at the EPP's Service, and the EPP binds.
// The decoder takes block hashes as vLLM v0.10.0 writes them: with the default `builtin` hash
// they are Python ints that may be negative, so msgpack signed ints, mapped to the same 64-bit
// value as llm-d's kv-cache-manager gives them (two's complement). The encoder writes them so
// too: signed for `builtin`, unsigned for sha256_cbor_64bit, each in msgspec's smallest form.
#include "cluster/pod/kv_event_wire.h"

#include <QtTest/QtTest>

#include <msgpack.hpp>
#include <zmq.hpp>

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <thread>

#include "zmq_test_support.h"

using namespace kvroute;

namespace {

using Packer = msgpack::packer<msgpack::sbuffer>;

/// A one-event batch as msgspec writes it: [ts, [event]]; `event` packs the tagged array.
template <typename Event>
std::string batchOf(Event&& event)
{
    msgpack::sbuffer buffer;
    Packer p(buffer);
    p.pack_array(2);
    p.pack_double(1.5);
    p.pack_array(1);
    event(p);
    return std::string(buffer.data(), buffer.size());
}

/// msgspec writes an int in its smallest msgpack form: unsigned codes for >= 0, signed for < 0.
void packPythonInt(Packer& p, std::int64_t v)
{
    if (v >= 0)
        p.pack_uint64(static_cast<std::uint64_t>(v));
    else
        p.pack_int64(v);
}

} // namespace

class TestKvEventPublisher final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void connectsToASubscriberThatBinds()
    {
        zmq::context_t context{1};
        zmq::socket_t subscriber{context, zmq::socket_type::sub};
        subscriber.set(zmq::sockopt::subscribe, "kv@");
        subscriber.set(zmq::sockopt::rcvtimeo, 50);
        subscriber.bind("tcp://127.0.0.1:*"); // as the EPP binds *:5557
        const std::string endpoint = subscriber.get(zmq::sockopt::last_endpoint);

        auto publisher = cluster::KvEventPublisher::open(endpoint, "kv@10.0.0.7@model", cluster::KvHashSign::Signed);
        QVERIFY2(publisher.has_value(), publisher ? "" : publisher.error().toString().c_str());
        sim::KvEvent stored;
        stored.type = sim::KvEvent::Type::BlockStored;
        stored.blockHashes = {11, 12};
        stored.blockSize = 16;
        // PUB drops what it sends before the connection is up: publish until one arrives.
        std::vector<zmq::message_t> frames;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (frames.empty() && std::chrono::steady_clock::now() < deadline) {
            (*publisher)->publish(1.5, std::span<const sim::KvEvent>(&stored, 1));
            frames = test::receiveMessage(subscriber);
        }
        QCOMPARE(frames.size(), std::size_t{3}); // topic, sequence, payload
        QCOMPARE(frames[0].to_string(), std::string("kv@10.0.0.7@model"));
        auto events = cluster::decodeKvEventBatch(frames[2].to_string_view());
        QVERIFY(events.has_value());
        QCOMPARE(events->size(), std::size_t{1});
        QCOMPARE((*events)[0].blockHashes, (std::vector<sim::BlockHashValue>{11, 12}));
    }

    void signedAndUnsignedHashesDecode_data()
    {
        QTest::addColumn<qint64>("hash");
        const auto min = std::numeric_limits<std::int64_t>::min();
        const auto max = std::numeric_limits<std::int64_t>::max();
        QTest::newRow("-1 (negative fixint)") << qint64{-1};
        QTest::newRow("-32 (negative fixint)") << qint64{-32};
        QTest::newRow("-33 (int8)") << qint64{-33};
        QTest::newRow("-200 (int16)") << qint64{-200};
        QTest::newRow("-70000 (int32)") << qint64{-70000};
        QTest::newRow("-2^40 (int64)") << qint64{-(std::int64_t{1} << 40)};
        QTest::newRow("int64 min") << qint64{min};
        QTest::newRow("0") << qint64{0};
        QTest::newRow("7 (positive fixint)") << qint64{7};
        QTest::newRow("int64 max") << qint64{max};
    }
    void signedAndUnsignedHashesDecode()
    {
        QFETCH(qint64, hash);
        const auto expected = static_cast<sim::BlockHashValue>(static_cast<std::int64_t>(hash));
        const std::int64_t parent = hash == 0 ? -5 : -hash / 2 - 1; // the other sign, or negative
        const std::string stored = batchOf([&](Packer& p) {
            p.pack_array(6);
            p.pack(std::string("BlockStored"));
            p.pack_array(2);
            packPythonInt(p, hash);
            packPythonInt(p, 42);
            packPythonInt(p, parent);
            p.pack_array(1);
            p.pack_uint32(9);
            p.pack_int32(16);
            p.pack_nil();
        });
        auto events = cluster::decodeKvEventBatch(stored);
        QVERIFY2(events.has_value(), events ? "" : events.error().toString().c_str());
        QCOMPARE(events->size(), std::size_t{1});
        QCOMPARE((*events)[0].blockHashes, (std::vector<sim::BlockHashValue>{expected, 42}));
        QVERIFY((*events)[0].parentBlockHash.has_value());
        QCOMPARE(*(*events)[0].parentBlockHash, static_cast<sim::BlockHashValue>(parent));

        const std::string removed = batchOf([&](Packer& p) {
            p.pack_array(2);
            p.pack(std::string("BlockRemoved"));
            p.pack_array(1);
            packPythonInt(p, hash);
        });
        events = cluster::decodeKvEventBatch(removed);
        QVERIFY2(events.has_value(), events ? "" : events.error().toString().c_str());
        QCOMPARE((*events)[0].blockHashes, (std::vector<sim::BlockHashValue>{expected}));
    }

    // Two's complement, spelled out: the bit patterns llm-d's uint64(int64) conversion gives.
    void negativeHashesKeepTheirBitPattern()
    {
        const std::string removed = batchOf([](Packer& p) {
            p.pack_array(2);
            p.pack(std::string("BlockRemoved"));
            p.pack_array(3);
            p.pack_int64(-1);
            p.pack_fix_int64(std::numeric_limits<std::int64_t>::min()); // always the 9-byte int64 form
            p.pack_uint64(0xFFFFFFFFFFFFFFFFULL);                         // uint64 max, unsigned form
        });
        const auto events = cluster::decodeKvEventBatch(removed);
        QVERIFY2(events.has_value(), events ? "" : events.error().toString().c_str());
        QCOMPARE((*events)[0].blockHashes,
                 (std::vector<sim::BlockHashValue>{0xFFFFFFFFFFFFFFFFULL, 0x8000000000000000ULL, 0xFFFFFFFFFFFFFFFFULL}));
        // What the pod's encoder writes reads back unchanged.
        sim::KvEvent e;
        e.type = sim::KvEvent::Type::BlockStored;
        e.blockHashes = {0x8000000000000000ULL, 1};
        e.parentBlockHash = 0xFFFFFFFFFFFFFFFEULL;
        e.blockSize = 16;
        for (const auto sign : {cluster::KvHashSign::Signed, cluster::KvHashSign::Unsigned}) {
            const auto back = cluster::decodeKvEventBatch(cluster::encodeKvEventBatch(2.0, std::span(&e, 1), sign));
            QVERIFY(back.has_value());
            QCOMPARE((*back)[0].blockHashes, e.blockHashes);
            QCOMPARE((*back)[0].parentBlockHash, e.parentBlockHash);
        }
    }

    // vLLM v0.10.0's hash algorithm decides the sign (KVCacheManager.__init__,
    // v1/core/kv_cache_manager.py): sha256_cbor_64bit and sha256 give non-negative ints, anything
    // else Python's hash(), a signed 64-bit value.
    void theHashAlgorithmDecidesTheSign()
    {
        QCOMPARE(cluster::kvHashSignFor("builtin"), cluster::KvHashSign::Signed);
        QCOMPARE(cluster::kvHashSignFor("sha256_cbor_64bit"), cluster::KvHashSign::Unsigned);
        QCOMPARE(cluster::kvHashSignFor("sha256"), cluster::KvHashSign::Unsigned);
    }

    // The exact bytes msgspec gives for the Python ints vLLM holds (mpack_encode_long: signed
    // codes below 0, unsigned codes from 0 up, the smallest that fits).
    void theEncoderWritesWhatMsgspecWrites_data()
    {
        QTest::addColumn<quint64>("hash");
        QTest::addColumn<bool>("isSigned");
        QTest::addColumn<QByteArray>("wire");
        const auto hex = [](const char* h) { return QByteArray::fromHex(h); };
        QTest::newRow("builtin, top bit set: int64") << quint64{0x8000000000000000ULL} << true << hex("d38000000000000000");
        QTest::newRow("builtin, -2^40: int64") << quint64{0xFFFFFF0000000000ULL} << true << hex("d3ffffff0000000000");
        QTest::newRow("builtin, -70000: int32") << quint64{0xFFFFFFFFFFFEEE90ULL} << true << hex("d2fffeee90");
        QTest::newRow("builtin, -200: int16") << quint64{0xFFFFFFFFFFFFFF38ULL} << true << hex("d1ff38");
        QTest::newRow("builtin, -33: int8") << quint64{0xFFFFFFFFFFFFFFDFULL} << true << hex("d0df");
        QTest::newRow("builtin, -2: negative fixint") << quint64{0xFFFFFFFFFFFFFFFEULL} << true << hex("fe");
        QTest::newRow("builtin, 5: positive fixint") << quint64{5} << true << hex("05");
        QTest::newRow("builtin, 2^40: uint64") << quint64{0x0000010000000000ULL} << true << hex("cf0000010000000000");
        QTest::newRow("builtin, int64 max: uint64") << quint64{0x7FFFFFFFFFFFFFFFULL} << true << hex("cf7fffffffffffffff");
        QTest::newRow("sha256_cbor_64bit, top bit set: uint64") << quint64{0x8000000000000000ULL} << false
                                                               << hex("cf8000000000000000");
        QTest::newRow("sha256_cbor_64bit, 2^64-2: uint64") << quint64{0xFFFFFFFFFFFFFFFEULL} << false
                                                          << hex("cffffffffffffffffe");
        QTest::newRow("sha256_cbor_64bit, 200: uint8") << quint64{200} << false << hex("ccc8");
    }
    void theEncoderWritesWhatMsgspecWrites()
    {
        QFETCH(quint64, hash);
        QFETCH(bool, isSigned);
        QFETCH(QByteArray, wire);
        const auto sign = isSigned ? cluster::KvHashSign::Signed : cluster::KvHashSign::Unsigned;
        sim::KvEvent removed;
        removed.type = sim::KvEvent::Type::BlockRemoved;
        removed.blockHashes = {hash};
        const std::string payload = cluster::encodeKvEventBatch(2.0, std::span(&removed, 1), sign);
        // [2.0, [["BlockRemoved", [hash]]], 0]; ts a float64 even when whole, as msgspec writes a
        // float; the publisher's data_parallel_rank 0 last
        const QByteArray expected = QByteArray::fromHex("93cb4000000000000000") + QByteArray::fromHex("9192ac") +
                                    QByteArray("BlockRemoved") + QByteArray::fromHex("91") + wire + QByteArray::fromHex("00");
        QCOMPARE(QByteArray::fromStdString(payload).toHex(), expected.toHex());
        auto back = cluster::decodeKvEventBatch(payload);
        QVERIFY(back.has_value());
        QCOMPARE((*back)[0].blockHashes, (std::vector<sim::BlockHashValue>{hash}));

        // BlockStored: both block_hashes and parent_block_hash take the same form.
        sim::KvEvent stored;
        stored.type = sim::KvEvent::Type::BlockStored;
        stored.blockHashes = {hash};
        stored.parentBlockHash = hash;
        stored.tokenIds = {7};
        stored.blockSize = 16;
        const std::string storedPayload = cluster::encodeKvEventBatch(2.0, std::span(&stored, 1), sign);
        const QByteArray storedExpected = QByteArray::fromHex("93cb4000000000000000") + QByteArray::fromHex("9196ab") +
                                          QByteArray("BlockStored") + QByteArray::fromHex("91") + wire + wire +
                                          QByteArray::fromHex("910710c0") + QByteArray::fromHex("00"); // [7], 16, nil; rank 0
        QCOMPARE(QByteArray::fromStdString(storedPayload).toHex(), storedExpected.toHex());
        back = cluster::decodeKvEventBatch(storedPayload);
        QVERIFY(back.has_value());
        QCOMPARE((*back)[0].blockHashes, (std::vector<sim::BlockHashValue>{hash}));
        QCOMPARE((*back)[0].parentBlockHash, std::optional<sim::BlockHashValue>(hash));
    }

    void nonIntegerHashesAreRefused_data()
    {
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("kind");
        for (const char* where : {"block_hashes", "parent_block_hash", "removed"})
            for (const char* kind : {"string", "float", "bytes", "boolean", "nil", "array"})
                QTest::newRow((std::string(where) + " " + kind).c_str()) << QString::fromLatin1(where) << QString::fromLatin1(kind);
    }
    void nonIntegerHashesAreRefused()
    {
        QFETCH(QString, where);
        QFETCH(QString, kind);
        if (where == QLatin1String("parent_block_hash") && kind == QLatin1String("nil"))
            QSKIP("nil is the first block's parent: valid");
        const auto packBad = [&](Packer& p) {
            if (kind == QLatin1String("string"))
                p.pack(std::string("-12345"));
            else if (kind == QLatin1String("float"))
                p.pack_double(-12345.5); // msgpack-c writes an integral double as an int
            else if (kind == QLatin1String("bytes")) {
                p.pack_bin(8);
                p.pack_bin_body("\x01\x02\x03\x04\x05\x06\x07\x08", 8);
            } else if (kind == QLatin1String("boolean"))
                p.pack_true();
            else if (kind == QLatin1String("nil"))
                p.pack_nil();
            else {
                p.pack_array(1);
                p.pack_int64(-1);
            }
        };
        const std::string payload = batchOf([&](Packer& p) {
            if (where == QLatin1String("removed")) {
                p.pack_array(2);
                p.pack(std::string("BlockRemoved"));
                p.pack_array(2);
                p.pack_int64(-3);
                packBad(p);
                return;
            }
            p.pack_array(6);
            p.pack(std::string("BlockStored"));
            p.pack_array(2);
            p.pack_int64(-3);
            if (where == QLatin1String("block_hashes"))
                packBad(p);
            else
                p.pack_int64(-4);
            if (where == QLatin1String("parent_block_hash"))
                packBad(p);
            else
                p.pack_int64(-2);
            p.pack_array(0);
            p.pack_int32(16);
            p.pack_nil();
        });
        const auto events = cluster::decodeKvEventBatch(payload);
        QVERIFY(!events.has_value());
        const std::string message = events.error().toString();
        QVERIFY2(message.find("a block hash is an integer, got") != std::string::npos, message.c_str());
    }

    void aWildcardEndpointIsBound()
    {
        // Binding the same wildcard port twice fails: proof the publisher bound it.
        zmq::context_t context{1};
        zmq::socket_t probe{context, zmq::socket_type::pub};
        probe.bind("tcp://127.0.0.1:*");
        const std::string taken = probe.get(zmq::sockopt::last_endpoint);
        const std::string port = taken.substr(taken.rfind(':') + 1);
        auto publisher = cluster::KvEventPublisher::open("tcp://*:" + port, "kv", cluster::KvHashSign::Signed);
        QVERIFY(!publisher.has_value());
        QVERIFY2(publisher.error().toString().find("cannot bind") != std::string::npos, publisher.error().toString().c_str());
    }
};

QTEST_GUILESS_MAIN(TestKvEventPublisher)
#include "tst_kv_event_publisher.moc"
