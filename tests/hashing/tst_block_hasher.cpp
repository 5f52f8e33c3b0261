// BlockHasher against values computed outside this code: Debian bookworm's /usr/bin/python3
// (3.11.2) for PythonBuiltin, sha256sum and vLLM's own KV events for Sha256Cbor64, published
// XXH3 test vectors for Fast64.

#include "sim/hashing/block_hasher.h"
#include "sim/hashing/python_hash.h"

#include <nlohmann/json.hpp>
#include <xxhash.h>

#include <QTest>

#include <cstdint>
#include <fstream>
#include <limits>
#include <numeric>
#include <optional>
#include <span>
#include <string>
#include <vector>

using namespace kvroute::sim;

namespace {

constexpr std::size_t kConformanceBlockSize = 16;

std::vector<std::uint32_t> iota(std::uint32_t first, std::uint32_t count)
{
    std::vector<std::uint32_t> tokens(count);
    std::iota(tokens.begin(), tokens.end(), first);
    return tokens;
}

std::uint64_t fromSigned(std::int64_t value)
{
    return static_cast<std::uint64_t>(value);
}

nlohmann::json readConformance(const char* name)
{
    const std::string path = std::string(KVROUTE_SOURCE_DIR "/../shared/conformance/") + name;
    std::ifstream in(path);
    if (!in) {
        return {};
    }
    return nlohmann::json::parse(in);
}

struct ChainCheck {
    int checked = 0;
    int firstBlocks = 0;
    int mismatches = 0;
    std::string firstMismatch;
};

// Recompute every block of every BlockStored event: block i of an event chains to block i-1,
// block 0 to parent_block_hash (NONE_HASH when null). With skipFirstBlocks, blocks whose parent
// is NONE_HASH are not checked (vLLM drew NONE_HASH at random for that run).
template <typename HashReader>
ChainCheck checkChains(const nlohmann::json& expected, const BlockHasher& hasher, HashReader readHash,
                       bool skipFirstBlocks)
{
    ChainCheck result;
    for (const auto& step : expected.at("steps")) {
        if (!step.contains("kv_events")) {
            continue;
        }
        for (const auto& event : step.at("kv_events")) {
            if (event.at("type") != "BlockStored") {
                continue;
            }
            const auto tokens = event.at("token_ids").get<std::vector<std::uint32_t>>();
            const auto& hashes = event.at("block_hashes");
            std::optional<std::uint64_t> parent;
            if (!event.at("parent_block_hash").is_null()) {
                parent = readHash(event.at("parent_block_hash"));
            }
            for (std::size_t i = 0; i < hashes.size(); ++i) {
                const std::uint64_t expectedHash = readHash(hashes[i]);
                if (parent || !skipFirstBlocks) {
                    const std::span<const std::uint32_t> block(tokens.data() + i * kConformanceBlockSize,
                                                                kConformanceBlockSize);
                    const std::uint64_t actual = hasher.hashBlock(parent.value_or(hasher.noneHash()), block);
                    ++result.checked;
                    result.firstBlocks += parent ? 0 : 1;
                    if (actual != expectedHash && result.mismatches++ == 0) {
                        result.firstMismatch = "step " + step.at("step").dump() + " block " + std::to_string(i)
                            + ": got " + std::to_string(actual) + ", want " + std::to_string(expectedHash);
                    }
                }
                parent = expectedHash;
            }
        }
    }
    return result;
}

} // namespace

class TestBlockHasher : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void algoNames();

    void pythonIntHash_data();
    void pythonIntHash();
    void pythonTupleHash();
    void pythonHashSeedParsing();
    void pythonStrHash_data();
    void pythonStrHash();
    void pythonBuiltinChain_data();
    void pythonBuiltinChain();
    void pythonBuiltinExplicitParents();
    void pythonBuiltinUnsetSeed();
    void pythonBuiltinMatchesBasicConformance();

    void sha256Cbor64NoneHash();
    void sha256Cbor64MatchesKvEventsConformance();

    void fast64PublishedVectors();
    void fast64SeedsWithParent();
};

void TestBlockHasher::algoNames()
{
    for (const auto algo : {HashAlgo::Fast64, HashAlgo::Sha256Cbor64, HashAlgo::PythonBuiltin}) {
        QCOMPARE(parseHashAlgo(toString(algo)), std::optional(algo));
    }
    QCOMPARE(toString(HashAlgo::Fast64), std::string_view("fast64"));
    QCOMPARE(toString(HashAlgo::Sha256Cbor64), std::string_view("sha256_cbor_64bit"));
    QCOMPARE(toString(HashAlgo::PythonBuiltin), std::string_view("builtin"));
    QVERIFY(!parseHashAlgo("sha256").has_value());
    QVERIFY(!parseHashAlgo("").has_value());
    QVERIFY(BlockHasher(HashAlgo::PythonBuiltin, "0").hashesAreSigned());
    QVERIFY(!BlockHasher(HashAlgo::Sha256Cbor64, "0").hashesAreSigned());
    QVERIFY(!BlockHasher(HashAlgo::Fast64, "0").hashesAreSigned());
}

void TestBlockHasher::pythonIntHash_data()
{
    QTest::addColumn<qint64>("value");
    QTest::addColumn<qint64>("hash");
    // /usr/bin/python3 -c 'print([hash(x) for x in (0, 1, -1, -2, 2**61-2, 2**61-1, 2**61,
    //     -(2**61-1), 2**63-1, -2**63, 200000)])'
    // -> [0, 1, -2, -2, 2305843009213693950, 0, 1, 0, 3, -4, 200000]
    QTest::newRow("0") << qint64{0} << qint64{0};
    QTest::newRow("1") << qint64{1} << qint64{1};
    QTest::newRow("-1") << qint64{-1} << qint64{-2};
    QTest::newRow("-2") << qint64{-2} << qint64{-2};
    QTest::newRow("2^61-2") << qint64{2305843009213693950} << qint64{2305843009213693950};
    QTest::newRow("2^61-1") << qint64{2305843009213693951} << qint64{0};
    QTest::newRow("2^61") << qint64{2305843009213693952} << qint64{1};
    QTest::newRow("-(2^61-1)") << qint64{-2305843009213693951} << qint64{0};
    QTest::newRow("2^63-1") << std::numeric_limits<qint64>::max() << qint64{3};
    QTest::newRow("-2^63") << std::numeric_limits<qint64>::min() << qint64{-4};
    QTest::newRow("200000") << qint64{200000} << qint64{200000};
}

void TestBlockHasher::pythonIntHash()
{
    QFETCH(qint64, value);
    QFETCH(qint64, hash);
    QCOMPARE(pyhash::hashInt(value), hash);
}

void TestBlockHasher::pythonTupleHash()
{
    // /usr/bin/python3 -c 'print(hash(()), hash((1,2,3)), hash((None,)), hash((-1,)))'
    // -> 5740354900026072187 529344067295497451 -8665998223283436777 8078679518589016365
    QCOMPARE(pyhash::TupleHash().value(), 5740354900026072187);

    pyhash::TupleHash oneTwoThree;
    for (const std::int64_t item : {1, 2, 3}) {
        oneTwoThree.add(pyhash::hashInt(item));
    }
    QCOMPARE(oneTwoThree.value(), 529344067295497451);

    pyhash::TupleHash none;
    none.add(pyhash::kNoneHash);
    QCOMPARE(none.value(), -8665998223283436777);

    pyhash::TupleHash minusOne;
    minusOne.add(pyhash::hashInt(-1));
    QCOMPARE(minusOne.value(), 8078679518589016365);
}

void TestBlockHasher::pythonHashSeedParsing()
{
    QCOMPARE(pyhash::parseHashSeed("0"), std::optional<std::uint32_t>(0));
    QCOMPARE(pyhash::parseHashSeed("42"), std::optional<std::uint32_t>(42));
    QCOMPARE(pyhash::parseHashSeed("4294967295"), std::optional<std::uint32_t>(4294967295U));
    QVERIFY(!pyhash::parseHashSeed("4294967296").has_value());
    QVERIFY(!pyhash::parseHashSeed("random").has_value());
    QVERIFY(!pyhash::parseHashSeed("").has_value());
    QVERIFY(!pyhash::parseHashSeed("-1").has_value());
    QVERIFY(!pyhash::parseHashSeed("4 2").has_value());
}

void TestBlockHasher::pythonStrHash_data()
{
    QTest::addColumn<QString>("seed");
    QTest::addColumn<qint64>("seedHash");
    QTest::addColumn<qint64>("longHash");
    // for s in 0 1 2 5 42 4294967295; do PYTHONHASHSEED=$s /usr/bin/python3 -c
    //   "import os; print(hash(os.environ['PYTHONHASHSEED']), hash('abcdefghijklmnopq'))"; done
    // (one shell line)
    // ('abcdefghijklmnopq' is 17 bytes: two full SipHash words plus a tail.)
    QTest::newRow("0") << QStringLiteral("0") << qint64{5313149338359954478} << qint64{7044894726457044172};
    QTest::newRow("1") << QStringLiteral("1") << qint64{-3509053104883717537} << qint64{7300304297962845018};
    QTest::newRow("2") << QStringLiteral("2") << qint64{231698371757596885} << qint64{1561780066099666610};
    QTest::newRow("5") << QStringLiteral("5") << qint64{7768651353439633626} << qint64{6503572945722111121};
    QTest::newRow("42") << QStringLiteral("42") << qint64{866561823186450123} << qint64{-890762421242897774};
    QTest::newRow("4294967295") << QStringLiteral("4294967295") << qint64{8891781246207573802}
                                << qint64{-3460654184156011089};
}

void TestBlockHasher::pythonStrHash()
{
    QFETCH(QString, seed);
    QFETCH(qint64, seedHash);
    QFETCH(qint64, longHash);
    const std::string seedText = seed.toStdString();
    const auto numericSeed = pyhash::parseHashSeed(seedText);
    QVERIFY(numericSeed.has_value());
    QCOMPARE(pyhash::hashAsciiStr(seedText, *numericSeed), seedHash);
    QCOMPARE(pyhash::hashAsciiStr("abcdefghijklmnopq", *numericSeed), longHash);
    QCOMPARE(pyhash::hashAsciiStr("", *numericSeed), qint64{0});
    // NONE_HASH is hash(PYTHONHASHSEED string).
    QCOMPARE(BlockHasher(HashAlgo::PythonBuiltin, seedText).noneHash(), fromSigned(seedHash));
}

void TestBlockHasher::pythonBuiltinChain_data()
{
    QTest::addColumn<QString>("seed");
    QTest::addColumn<qint64>("noneHash");
    QTest::addColumn<qint64>("block1");
    QTest::addColumn<qint64>("block2");
    QTest::addColumn<qint64>("block3");
    // cat > gold.py <<'X'
    // import os
    // seed = os.environ.get("PYTHONHASHSEED")
    // n = hash(seed)
    // b1 = hash((n, tuple(range(16)), None))
    // b2 = hash((b1, tuple(range(199985, 200001)), None))
    // b3 = hash((b2, tuple(range(100000, 100016)), None))
    // print(seed, n, b1, b2, b3)
    // X
    // for s in 0 42; do PYTHONHASHSEED=$s /usr/bin/python3 gold.py; done
    // Both chains have a negative parent (seed 0: block1, seed 42: block2).
    QTest::newRow("seed 0") << QStringLiteral("0") << qint64{5313149338359954478} << qint64{-6609943237195179875}
                            << qint64{8869198113833267140} << qint64{-572904360655320330};
    QTest::newRow("seed 42") << QStringLiteral("42") << qint64{866561823186450123} << qint64{1027144238689573119}
                             << qint64{-3205620670258210046} << qint64{5781912170413786712};
}

void TestBlockHasher::pythonBuiltinChain()
{
    QFETCH(QString, seed);
    QFETCH(qint64, noneHash);
    QFETCH(qint64, block1);
    QFETCH(qint64, block2);
    QFETCH(qint64, block3);
    const BlockHasher hasher(HashAlgo::PythonBuiltin, seed.toStdString());
    QVERIFY(!hasher.noneHashIsStandIn());
    QCOMPARE(hasher.noneHash(), fromSigned(noneHash));
    const std::uint64_t hash1 = hasher.hashFirstBlock(iota(0, 16));
    QCOMPARE(hash1, fromSigned(block1));
    const std::uint64_t hash2 = hasher.hashBlock(hash1, iota(199985, 16));
    QCOMPARE(hash2, fromSigned(block2));
    QCOMPARE(hasher.hashBlock(hash2, iota(100000, 16)), fromSigned(block3));
}

void TestBlockHasher::pythonBuiltinExplicitParents()
{
    // /usr/bin/python3 -c 'print(hash((-4947415940790445552, tuple(range(16)), None)),
    //     hash((-1, (7,), None)), hash((-2**63, (0, 199999, 200000), None)))'
    // -> 5596284988621264651 1091253667669444880 3617454086616789925
    const BlockHasher hasher(HashAlgo::PythonBuiltin, "0");
    QCOMPARE(hasher.hashBlock(fromSigned(-4947415940790445552), iota(0, 16)), fromSigned(5596284988621264651));
    const std::vector<std::uint32_t> seven{7};
    QCOMPARE(hasher.hashBlock(fromSigned(-1), seven), fromSigned(1091253667669444880));
    const std::vector<std::uint32_t> large{0, 199999, 200000};
    QCOMPARE(hasher.hashBlock(fromSigned(std::numeric_limits<std::int64_t>::min()), large),
             fromSigned(3617454086616789925));
}

void TestBlockHasher::pythonBuiltinUnsetSeed()
{
    // Unset or "random": vLLM's NONE_HASH is random; 0 (= hash("")) stands in until overridden.
    BlockHasher unset(HashAlgo::PythonBuiltin, std::nullopt);
    QVERIFY(unset.noneHashIsStandIn());
    QCOMPARE(unset.noneHash(), std::uint64_t{0});
    QVERIFY(BlockHasher(HashAlgo::PythonBuiltin, "random").noneHashIsStandIn());
    // PYTHONHASHSEED="" is exact: vLLM hashes the empty string, and hash("") == 0 always.
    QVERIFY(!BlockHasher(HashAlgo::PythonBuiltin, "").noneHashIsStandIn());

    // A caller-provided NONE_HASH is what the first block chains to. Golden value from the seed
    // 42 chain above: hash((866561823186450123, tuple(range(16)), None)) == 1027144238689573119.
    unset.setNoneHash(866561823186450123);
    QVERIFY(!unset.noneHashIsStandIn());
    QCOMPARE(unset.hashFirstBlock(iota(0, 16)), fromSigned(1027144238689573119));
}

void TestBlockHasher::pythonBuiltinMatchesBasicConformance()
{
    // basic.expected.json ran with PYTHONHASHSEED unset, so its NONE_HASH is unknown; every block
    // whose parent is a listed hash is checked (13 in the step-0 event alone).
    const nlohmann::json expected = readConformance("basic.expected.json");
    QVERIFY2(!expected.is_null(), "cannot read ../shared/conformance/basic.expected.json");
    QCOMPARE(expected.at("config").at("hash_algo").get<std::string>(), std::string("builtin"));
    QVERIFY(!expected.at("env").contains("PYTHONHASHSEED"));

    const BlockHasher hasher(HashAlgo::PythonBuiltin, std::nullopt);
    const auto result = checkChains(
        expected, hasher, [](const nlohmann::json& value) { return fromSigned(value.get<std::int64_t>()); }, true);
    QVERIFY2(result.mismatches == 0, result.firstMismatch.c_str());
    QCOMPARE(result.checked, 20);
}

void TestBlockHasher::sha256Cbor64NoneHash()
{
    // printf '\x62\x34\x32' | sha256sum   (CBOR of the str "42")
    // -> 9fa6eb00...29c7bfa74ffcc4f31c1780: the last 8 bytes a74ffcc4f31c1780 = 12056132650316601216.
    const BlockHasher seeded(HashAlgo::Sha256Cbor64, "42");
    QCOMPARE(seeded.noneHash(), std::uint64_t{12056132650316601216U});
    QVERIFY(!seeded.noneHashIsStandIn());

    // printf '\x60' | sha256sum   (CBOR of "") -> 8d33f5...0ad38662763f13d3 = 780114917913990099.
    BlockHasher unset(HashAlgo::Sha256Cbor64, std::nullopt);
    QCOMPARE(unset.noneHash(), std::uint64_t{780114917913990099});
    QVERIFY(unset.noneHashIsStandIn());
    unset.setNoneHash(12056132650316601216U);
    QCOMPARE(unset.hashFirstBlock(iota(0, 16)), seeded.hashFirstBlock(iota(0, 16)));
}

void TestBlockHasher::sha256Cbor64MatchesKvEventsConformance()
{
    // vLLM's own BlockStored events (PYTHONHASHSEED=42): every block, first blocks included.
    const nlohmann::json expected = readConformance("kv_events_cbor.expected.json");
    QVERIFY2(!expected.is_null(), "cannot read ../shared/conformance/kv_events_cbor.expected.json");
    QCOMPARE(expected.at("config").at("hash_algo").get<std::string>(), std::string("sha256_cbor_64bit"));
    QCOMPARE(expected.at("config").at("block_size").get<std::size_t>(), kConformanceBlockSize);
    const auto seed = expected.at("env").at("PYTHONHASHSEED").get<std::string>();
    QCOMPARE(seed, std::string("42"));

    const BlockHasher hasher(HashAlgo::Sha256Cbor64, seed);
    const auto result = checkChains(
        expected, hasher, [](const nlohmann::json& value) { return value.get<std::uint64_t>(); }, false);
    QVERIFY2(result.mismatches == 0, result.firstMismatch.c_str());
    QCOMPARE(result.checked, 120);
    QCOMPARE(result.firstBlocks, 4);
}

void TestBlockHasher::fast64PublishedVectors()
{
    // XXH3_64bits of "", "a", "abc" (xxHash's published sanity values) as NONE_HASH.
    QCOMPARE(BlockHasher(HashAlgo::Fast64, std::nullopt).noneHash(), std::uint64_t{0x2D06800538D394C2});
    QVERIFY(BlockHasher(HashAlgo::Fast64, std::nullopt).noneHashIsStandIn());
    QCOMPARE(BlockHasher(HashAlgo::Fast64, "a").noneHash(), std::uint64_t{0xE6C632B61E964E1F});
    QCOMPARE(BlockHasher(HashAlgo::Fast64, "abc").noneHash(), std::uint64_t{0x78AF5F94892F3950});

    // LLVM's xxhashTest.cpp (xxh3 case): a xorshift byte buffer and XXH3_64bits (seed 0) of its
    // prefixes. Tokens are those bytes read as little-endian uint32, and parent 0 is seed 0.
    std::vector<std::uint8_t> bytes(128);
    std::uint64_t x = 1;
    for (auto& byte : bytes) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        byte = static_cast<std::uint8_t>(x);
    }
    std::vector<std::uint32_t> tokens(bytes.size() / 4);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        tokens[i] = std::uint32_t{bytes[4 * i]} | std::uint32_t{bytes[4 * i + 1]} << 8
            | std::uint32_t{bytes[4 * i + 2]} << 16 | std::uint32_t{bytes[4 * i + 3]} << 24;
    }
    const BlockHasher hasher(HashAlgo::Fast64, std::nullopt);
    const std::span<const std::uint32_t> all(tokens);
    QCOMPARE(hasher.hashBlock(0, all.first(1)), std::uint64_t{0xbf65290914e80242});
    QCOMPARE(hasher.hashBlock(0, all.first(2)), std::uint64_t{0xabc1413da6cd0209});
    QCOMPARE(hasher.hashBlock(0, all.first(4)), std::uint64_t{0x7e46916754d7c9b8});
    QCOMPARE(hasher.hashBlock(0, all.first(8)), std::uint64_t{0xf59b59b58c304fd1});
    QCOMPARE(hasher.hashBlock(0, all.first(16)), std::uint64_t{0xfa5271fcce0db1c3});
    QCOMPARE(hasher.hashBlock(0, all.first(24)), std::uint64_t{0x591ee0ddf9c9ccd1});
    QCOMPARE(hasher.hashBlock(0, all.first(32)), std::uint64_t{0x06a146ee9a2da378});
}

void TestBlockHasher::fast64SeedsWithParent()
{
    const BlockHasher hasher(HashAlgo::Fast64, "42");
    QCOMPARE(hasher.noneHash(), XXH3_64bits("42", 2));
    const auto tokens = iota(199990, 16);
    // The parent is XXH3's seed; the bytes are the tokens' little-endian uint32s, built here by hand.
    std::vector<unsigned char> bytes;
    for (const std::uint32_t token : tokens) {
        for (int shift = 0; shift < 32; shift += 8) {
            bytes.push_back(static_cast<unsigned char>(token >> shift));
        }
    }
    const std::uint64_t first = hasher.hashFirstBlock(tokens);
    QCOMPARE(first, XXH3_64bits_withSeed(bytes.data(), bytes.size(), hasher.noneHash()));
    QVERIFY(hasher.hashBlock(first, tokens) != first);
    QVERIFY(hasher.hashBlock(first + 1, tokens) != hasher.hashBlock(first, tokens));
}

QTEST_APPLESS_MAIN(TestBlockHasher)
#include "tst_block_hasher.moc"
