// Canonical CBOR encoder against RFC 8949 Appendix A and the shortest-head boundaries of §4.2.1.

#include "sim/hashing/cbor.h"

#include <QByteArray>
#include <QTest>

#include <cstdint>

using namespace kvroute::sim;

namespace {

QByteArray toQByteArray(const cbor::Bytes& bytes)
{
    return QByteArray(reinterpret_cast<const char*>(bytes.data()), static_cast<qsizetype>(bytes.size()));
}

} // namespace

class TestCbor : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void unsignedIntegers_data();
    void unsignedIntegers();
    void textStrings_data();
    void textStrings();
    void arrays();
    void null();
    void blockHashKey();
};

void TestCbor::unsignedIntegers_data()
{
    QTest::addColumn<quint64>("value");
    QTest::addColumn<QByteArray>("hex");
    // RFC 8949 Appendix A.
    QTest::newRow("0") << quint64{0} << QByteArray("00");
    QTest::newRow("1") << quint64{1} << QByteArray("01");
    QTest::newRow("10") << quint64{10} << QByteArray("0a");
    QTest::newRow("23") << quint64{23} << QByteArray("17");
    QTest::newRow("24") << quint64{24} << QByteArray("1818");
    QTest::newRow("25") << quint64{25} << QByteArray("1819");
    QTest::newRow("100") << quint64{100} << QByteArray("1864");
    QTest::newRow("1000") << quint64{1000} << QByteArray("1903e8");
    QTest::newRow("1000000") << quint64{1000000} << QByteArray("1a000f4240");
    QTest::newRow("1000000000000") << quint64{1000000000000} << QByteArray("1b000000e8d4a51000");
    QTest::newRow("2^64-1") << quint64{18446744073709551615U} << QByteArray("1bffffffffffffffff");
    // Each width's upper edge and the next value (§4.2.1: the shortest head that holds it).
    QTest::newRow("255") << quint64{255} << QByteArray("18ff");
    QTest::newRow("256") << quint64{256} << QByteArray("190100");
    QTest::newRow("65535") << quint64{65535} << QByteArray("19ffff");
    QTest::newRow("65536") << quint64{65536} << QByteArray("1a00010000");
    QTest::newRow("2^32-1") << quint64{4294967295U} << QByteArray("1affffffff");
    QTest::newRow("2^32") << quint64{4294967296U} << QByteArray("1b0000000100000000");
}

void TestCbor::unsignedIntegers()
{
    QFETCH(quint64, value);
    QFETCH(QByteArray, hex);
    cbor::Bytes out;
    cbor::appendUnsigned(out, value);
    QCOMPARE(toQByteArray(out).toHex(), hex);
}

void TestCbor::textStrings_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("hex");
    // RFC 8949 Appendix A.
    QTest::newRow("empty") << QByteArray("") << QByteArray("60");
    QTest::newRow("a") << QByteArray("a") << QByteArray("6161");
    QTest::newRow("IETF") << QByteArray("IETF") << QByteArray("6449455446");
    QTest::newRow("quote-backslash") << QByteArray("\"\\") << QByteArray("62225c");
    QTest::newRow("u00fc") << QByteArray("\xc3\xbc") << QByteArray("62c3bc");
    // 24 bytes: the length moves out of the initial byte.
    QTest::newRow("24 chars") << QByteArray(24, 'x') << QByteArray("7818") + QByteArray(24, 'x').toHex();
}

void TestCbor::textStrings()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, hex);
    cbor::Bytes out;
    cbor::appendText(out, std::string_view(text.constData(), static_cast<std::size_t>(text.size())));
    QCOMPARE(toQByteArray(out).toHex(), hex);
}

void TestCbor::arrays()
{
    // RFC 8949 Appendix A: [] -> 80, [1, 2, 3] -> 83010203, [1, [2, 3], [4, 5]] -> 8301820203820405.
    cbor::Bytes empty;
    cbor::appendArrayHead(empty, 0);
    QCOMPARE(toQByteArray(empty).toHex(), QByteArray("80"));

    cbor::Bytes flat;
    cbor::appendArrayHead(flat, 3);
    for (std::uint64_t i = 1; i <= 3; ++i) {
        cbor::appendUnsigned(flat, i);
    }
    QCOMPARE(toQByteArray(flat).toHex(), QByteArray("83010203"));

    cbor::Bytes nested;
    cbor::appendArrayHead(nested, 3);
    cbor::appendUnsigned(nested, 1);
    cbor::appendArrayHead(nested, 2);
    cbor::appendUnsigned(nested, 2);
    cbor::appendUnsigned(nested, 3);
    cbor::appendArrayHead(nested, 2);
    cbor::appendUnsigned(nested, 4);
    cbor::appendUnsigned(nested, 5);
    QCOMPARE(toQByteArray(nested).toHex(), QByteArray("8301820203820405"));

    // RFC 8949 Appendix A: [1, 2, ..., 25] needs a one-byte length.
    cbor::Bytes long25;
    cbor::appendArrayHead(long25, 25);
    for (std::uint64_t i = 1; i <= 25; ++i) {
        cbor::appendUnsigned(long25, i);
    }
    QCOMPARE(toQByteArray(long25).toHex(),
             QByteArray("98190102030405060708090a0b0c0d0e0f101112131415161718181819"));
}

void TestCbor::null()
{
    cbor::Bytes out;
    cbor::appendNull(out);
    QCOMPARE(toQByteArray(out).toHex(), QByteArray("f6"));
}

void TestCbor::blockHashKey()
{
    // The shape sha256_cbor_64bit hashes: (parent, (tokens...), None), encoded by hand.
    cbor::Bytes out;
    cbor::appendArrayHead(out, 3);
    cbor::appendUnsigned(out, 12056132650316601216U);
    cbor::appendArrayHead(out, 2);
    cbor::appendUnsigned(out, 7);
    cbor::appendUnsigned(out, 199999);
    cbor::appendNull(out);
    // 83 | 1b a74ffcc4f31c1780 | 82 07 1a 00030d3f | f6
    QCOMPARE(toQByteArray(out).toHex(), QByteArray("831ba74ffcc4f31c178082071a00030d3ff6"));
}

QTEST_APPLESS_MAIN(TestCbor)
#include "tst_cbor.moc"
