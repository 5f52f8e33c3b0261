// portableLog / portableExp: special values, accuracy against the platform libm, and bit-exact
// goldens (from an independent Python model of the same algorithm; each also matches CPython's
// math.log / math.exp exactly, so they are the correctly rounded values).

#include <QTest>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include "sim/kernel/portable_math.h"
#include "sim/kernel/rng.h"

using kvroute::sim::portableExp;
using kvroute::sim::portableLog;
using kvroute::sim::Rng;

namespace {

// Distance in units in the last place between two finite doubles.
std::uint64_t ulpDistance(double a, double b)
{
    auto ordered = [](double x) {
        const auto bits = std::bit_cast<std::int64_t>(x);
        // Map the sign-magnitude encoding onto a monotonic integer line.
        return bits < 0 ? std::numeric_limits<std::int64_t>::min() - bits : bits;
    };
    const std::int64_t ia = ordered(a);
    const std::int64_t ib = ordered(b);
    return ia > ib ? static_cast<std::uint64_t>(ia) - static_cast<std::uint64_t>(ib)
                   : static_cast<std::uint64_t>(ib) - static_cast<std::uint64_t>(ia);
}

// Measured worst case against glibc is 1 ulp; 2 leaves room for a less accurate libm.
constexpr std::uint64_t kMaxUlps = 2;

// QCOMPARE on doubles is fuzzy (qFuzzyCompare); these checks must be exact.
std::uint64_t bits(double x)
{
    return std::bit_cast<std::uint64_t>(x);
}

std::string describe(double x, double mine, double libm)
{
    return std::to_string(x) + ": " + std::to_string(mine) + " vs libm " + std::to_string(libm) + " ("
           + std::to_string(ulpDistance(mine, libm)) + " ulp)";
}

} // namespace

class TestPortableMath : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void specialValues();
    void goldenBits_data();
    void goldenBits();
    void logMatchesLibm();
    void expMatchesLibm();
    void roundTrip();
};

void TestPortableMath::specialValues()
{
    constexpr double kInf = std::numeric_limits<double>::infinity();
    constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
    QCOMPARE(bits(portableLog(1.0)), bits(0.0));
    QCOMPARE(bits(portableLog(0.0)), bits(-kInf));
    QCOMPARE(bits(portableLog(kInf)), bits(kInf));
    QVERIFY(std::isnan(portableLog(-1.0)));
    QVERIFY(std::isnan(portableLog(kNaN)));
    QCOMPARE(bits(portableLog(2.0)), bits(std::log(2.0)));

    QCOMPARE(bits(portableExp(0.0)), bits(1.0));
    QCOMPARE(bits(portableExp(kInf)), bits(kInf));
    QCOMPARE(bits(portableExp(-kInf)), bits(0.0));
    QCOMPARE(bits(portableExp(1000.0)), bits(kInf));
    QCOMPARE(bits(portableExp(-1000.0)), bits(0.0));
    QVERIFY(std::isnan(portableExp(kNaN)));
}

void TestPortableMath::goldenBits_data()
{
    QTest::addColumn<bool>("isLog");
    QTest::addColumn<double>("x");
    QTest::addColumn<double>("expected");
    QTest::newRow("log 0.1") << true << 0.1 << -0x1.26bb1bbb55515p+1;
    QTest::newRow("log 1e-300") << true << 1e-300 << -0x1.5963447f87fb5p+9;
    QTest::newRow("log 123456.789") << true << 123456.789 << 0x1.77281cad8a844p+3;
    QTest::newRow("log sqrt(1/2)") << true << 0.7071067811865476 << -0x1.62e42fefa39eep-2;
    QTest::newRow("log min subnormal") << true << 0x1.0p-1074 << -0x1.74385446d71c3p+9;
    QTest::newRow("exp -2.5") << false << -2.5 << 0x1.50385c094f425p-4;
    QTest::newRow("exp 0.5") << false << 0.5 << 0x1.a61298e1e069cp+0;
    QTest::newRow("exp 700") << false << 700.0 << 0x1.d945df4f8ec8ep+1009;
    QTest::newRow("exp -740 (subnormal)") << false << -740.0 << 0x0.0000000000055p-1022;
    QTest::newRow("exp 1e-10") << false << 1e-10 << 0x1.000000006df38p+0;
}

void TestPortableMath::goldenBits()
{
    QFETCH(bool, isLog);
    QFETCH(double, x);
    QFETCH(double, expected);
    const double actual = isLog ? portableLog(x) : portableExp(x);
    QCOMPARE(bits(actual), bits(expected));
}

void TestPortableMath::logMatchesLibm()
{
    Rng rng = Rng::stream(1, "tst_portable_math/log");
    for (int i = 0; i < 200'000; ++i) {
        // Alternate the regions the RNG and the simulator use: (0,1), near 1, and the full range.
        double x = 0.0;
        switch (i % 3) {
        case 0:
            x = rng.uniformOpen01();
            break;
        case 1:
            x = 1.0 + rng.uniformReal(-1e-3, 1e-3);
            break;
        default:
            x = std::ldexp(1.0 + rng.uniform01(), static_cast<int>(rng.uniformInt(-1074, 1023)));
            break;
        }
        const double mine = portableLog(x);
        const double libm = std::log(x);
        QVERIFY2(ulpDistance(mine, libm) <= kMaxUlps, describe(x, mine, libm).c_str());
    }
}

void TestPortableMath::expMatchesLibm()
{
    Rng rng = Rng::stream(1, "tst_portable_math/exp");
    for (int i = 0; i < 200'000; ++i) {
        const double x = i % 2 == 0 ? rng.uniformReal(-708.0, 709.7) : rng.uniformReal(-1.0, 1.0);
        const double mine = portableExp(x);
        const double libm = std::exp(x);
        QVERIFY2(ulpDistance(mine, libm) <= kMaxUlps, describe(x, mine, libm).c_str());
    }
}

void TestPortableMath::roundTrip()
{
    Rng rng = Rng::stream(2, "tst_portable_math/roundtrip");
    for (int i = 0; i < 10'000; ++i) {
        const double x = rng.uniformReal(-700.0, 700.0);
        const double back = portableLog(portableExp(x));
        QVERIFY2(std::fabs(back - x) <= 4e-16 * std::fmax(1.0, std::fabs(x)), std::to_string(x).c_str());
    }
}

QTEST_APPLESS_MAIN(TestPortableMath)
#include "tst_portable_math.moc"
