// Rng: published reference outputs of the generators, golden values of the derived streams and
// distributions, stream independence, and statistical sanity.
//
// Golden provenance: SplitMix64 (seed 1234567) and xoshiro256** (state {1,2,3,4}) are the published
// reference outputs, re-checked with an independent Python implementation; FNV-1a vectors are from
// the FNV specification. The Rng stream and distribution goldens were produced by a separate
// Python model of the documented algorithms (seeding, Lemire, polar method, the log/exp of
// portable_math) and checked for plausibility (e.g. exponential against -ln(U)/rate with libm).

#include <QTest>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "sim/kernel/rng.h"

using kvroute::sim::fnv1a64;
using kvroute::sim::Rng;
using kvroute::sim::SplitMix64;
using kvroute::sim::Xoshiro256StarStar;

namespace {

constexpr int kSamples = 100'000;

struct Moments {
    double mean;
    double stddev;
};

template <typename Draw>
Moments moments(Draw draw)
{
    double sum = 0.0;
    double sumSq = 0.0;
    for (int i = 0; i < kSamples; ++i) {
        const double x = draw();
        sum += x;
        sumSq += x * x;
    }
    const double mean = sum / kSamples;
    return {mean, std::sqrt((sumSq - kSamples * mean * mean) / (kSamples - 1))};
}

// QCOMPARE on doubles is fuzzy (qFuzzyCompare); goldens must match to the last bit.
std::uint64_t bits(double x)
{
    return std::bit_cast<std::uint64_t>(x);
}

bool relClose(double actual, double expected, double tolerance)
{
    return std::fabs(actual - expected) <= tolerance * std::fabs(expected);
}

} // namespace

class TestRng : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void splitMix64Reference();
    void xoshiro256StarStarReference();
    void fnv1a64Vectors_data();
    void fnv1a64Vectors();
    void goldenStreams();
    void streamNameIsFnvId();
    void sameSeedAndStreamSameSequence_data();
    void sameSeedAndStreamSameSequence();
    void differentStreamsDiffer();
    void goldenUniformInt();
    void goldenUniform01();
    void goldenExponential();
    void goldenNormal();
    void goldenLognormalMeanStd();
    void uniform01Ranges();
    void uniformIntEdgeCases();
    void uniformIntFaces();
    void uniformBelowHugeRange();
    void uniformRealRange();
    void exponentialMean();
    void normalMoments();
    void lognormalMeanStdMoments();
    void bernoulli();
    void shufflePermutes();
    void shuffleUniform();
};

void TestRng::splitMix64Reference()
{
    SplitMix64 sm(1234567);
    QCOMPARE(sm.next(), std::uint64_t{0x599ED017FB08FC85});
    QCOMPARE(sm.next(), std::uint64_t{0x2C73F08458540FA5});
    QCOMPARE(sm.next(), std::uint64_t{0x883EBCE5A3F27C77});
    QCOMPARE(sm.next(), std::uint64_t{0x3FBEF740E9177B3F});
    QCOMPARE(sm.next(), std::uint64_t{0xE3B8346708CB5ECD});
}

void TestRng::xoshiro256StarStarReference()
{
    Xoshiro256StarStar x({1, 2, 3, 4});
    QCOMPARE(x.next(), std::uint64_t{11520});
    QCOMPARE(x.next(), std::uint64_t{0});
    QCOMPARE(x.next(), std::uint64_t{1509978240});
    QCOMPARE(x.next(), std::uint64_t{1215971899390074240});
    QCOMPARE(x.next(), std::uint64_t{1216172134540287360});
    QCOMPARE(x.next(), std::uint64_t{607988272756665600});
}

void TestRng::fnv1a64Vectors_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<quint64>("hash");
    QTest::newRow("empty") << QByteArray() << quint64{0xCBF29CE484222325};
    QTest::newRow("a") << QByteArray("a") << quint64{0xAF63DC4C8601EC8C};
    QTest::newRow("foobar") << QByteArray("foobar") << quint64{0x85944171F73967E8};
    QTest::newRow("arrivals") << QByteArray("arrivals") << quint64{0xB10BC22CA203CC53};
    QTest::newRow("pod/3") << QByteArray("pod/3") << quint64{0x497F17352CEC4F1E};
}

void TestRng::fnv1a64Vectors()
{
    QFETCH(QByteArray, text);
    QFETCH(quint64, hash);
    QCOMPARE(quint64{fnv1a64(std::string_view(text.constData(), static_cast<std::size_t>(text.size())))}, hash);
    static_assert(fnv1a64("a") == 0xAF63DC4C8601EC8CULL, "usable at compile time");
}

void TestRng::goldenStreams()
{
    Rng a(42, 7);
    QCOMPARE(a.nextU64(), std::uint64_t{0x43844CF55FA51806});
    QCOMPARE(a.nextU64(), std::uint64_t{0x6A08373E91A3790B});
    QCOMPARE(a.nextU64(), std::uint64_t{0xC97CB1DBFA39FDAD});

    Rng b = Rng::stream(2024, "arrivals");
    QCOMPARE(b.nextU64(), std::uint64_t{0x241C3CD42B0D77C8});
    QCOMPARE(b.nextU64(), std::uint64_t{0xB148991BAE9E5EAB});
    QCOMPARE(b.nextU64(), std::uint64_t{0x5EB48E5205459A95});
}

void TestRng::streamNameIsFnvId()
{
    Rng named = Rng::stream(9, "pod/3");
    Rng byId(9, 0x497F17352CEC4F1EULL);
    for (int i = 0; i < 16; ++i)
        QCOMPARE(named.nextU64(), byId.nextU64());
}

void TestRng::sameSeedAndStreamSameSequence_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<QByteArray>("name");
    QTest::newRow("0/arrivals") << quint64{0} << QByteArray("arrivals");
    QTest::newRow("1/pod-0") << quint64{1} << QByteArray("pod/0");
    QTest::newRow("max/empty") << std::numeric_limits<quint64>::max() << QByteArray();
}

void TestRng::sameSeedAndStreamSameSequence()
{
    QFETCH(quint64, seed);
    QFETCH(QByteArray, name);
    const std::string_view view(name.constData(), static_cast<std::size_t>(name.size()));
    Rng a = Rng::stream(seed, view);
    Rng b = Rng::stream(seed, view);
    for (int i = 0; i < 1000; ++i)
        QCOMPARE(a.nextU64(), b.nextU64());
    QCOMPARE(bits(a.normal(0.0, 1.0)), bits(b.normal(0.0, 1.0)));
    QCOMPARE(a.uniformInt(-5, 5), b.uniformInt(-5, 5));
    QVERIFY(a.state() == b.state());
}

void TestRng::differentStreamsDiffer()
{
    // First outputs across streams of one seed and seeds of one stream are all distinct,
    // including seed == streamId, where a naive XOR seeding would cancel.
    std::set<std::uint64_t> firsts;
    for (std::uint64_t seed = 0; seed < 32; ++seed) {
        for (std::uint64_t stream = 0; stream < 32; ++stream)
            firsts.insert(Rng(seed, stream).nextU64());
    }
    QCOMPARE(firsts.size(), std::size_t{32 * 32});

    Rng arrivals = Rng::stream(5, "arrivals");
    Rng pod = Rng::stream(5, "pod/3");
    int equalPositions = 0;
    for (int i = 0; i < 1000; ++i)
        equalPositions += arrivals.nextU64() == pod.nextU64() ? 1 : 0;
    QCOMPARE(equalPositions, 0);
}

void TestRng::goldenUniformInt()
{
    // Plausibility: the first raw output 0x43844CF5... / 2^64 = 0.2637, and floor(0.2637 * 6) + 1 = 2.
    Rng dice(42, 7);
    std::vector<std::int64_t> faces;
    for (int i = 0; i < 12; ++i)
        faces.push_back(dice.uniformInt(1, 6));
    QCOMPARE(faces, (std::vector<std::int64_t>{2, 3, 5, 6, 2, 3, 4, 4, 1, 1, 4, 2}));

    Rng wide(42, 7);
    std::vector<std::int64_t> values;
    for (int i = 0; i < 5; ++i)
        values.push_back(wide.uniformInt(-1000, 1000));
    QCOMPARE(values, (std::vector<std::int64_t>{-473, -172, 574, 776, -511}));

    // Full range: lo + raw output (mod 2^64) = 0x43844CF55FA51806 - 2^63.
    Rng full(42, 7);
    QCOMPARE(full.uniformInt(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()),
             std::int64_t{-4358273922632443898});
    QCOMPARE(full.uniformInt(std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max()),
             std::int64_t{-1582954527149819637});
}

void TestRng::goldenUniform01()
{
    Rng rng(42, 7);
    QCOMPARE(bits(rng.uniform01()), bits(0x1.0e1133d57e946p-2)); // (0x43844CF55FA51806 >> 11) / 2^53
    QCOMPARE(bits(rng.uniform01()), bits(0x1.a820dcfa468dep-2));
    QCOMPARE(bits(rng.uniform01()), bits(0x1.92f963b7f473fp-1));
}

void TestRng::goldenExponential()
{
    const std::array<double, 4> golden{0x1.5532723f68451p-1, 0x1.c34b87fd4c89ap-2, 0x1.ea65e231f9bc4p-4,
                                       0x1.e7e26a096e195p-5};
    Rng rng(42, 7);
    Rng check(42, 7);
    for (double expected : golden) {
        QCOMPARE(bits(rng.exponential(2.0)), bits(expected));
        QVERIFY(relClose(expected, -std::log(check.uniformOpen01()) / 2.0, 1e-15));
    }
    Rng byMean(42, 7);
    QVERIFY(relClose(byMean.exponentialMean(0.5), golden[0], 1e-15));
}

void TestRng::goldenNormal()
{
    Rng rng(42, 7);
    QCOMPARE(bits(rng.normal(0.0, 1.0)), bits(-0x1.8f15732ab990bp+0));
    QCOMPARE(bits(rng.normal(0.0, 1.0)), bits(0x1.cd3d51cf85299p-3));
    QCOMPARE(bits(rng.normal(0.0, 1.0)), bits(-0x1.5ad38b53ad9dep+0));
    QCOMPARE(bits(rng.normal(0.0, 1.0)), bits(0x1.6eb3bc5514164p+0));

    // Location/scale apply to the same underlying draw.
    Rng scaled(42, 7);
    QVERIFY(relClose(scaled.normal(10.0, 2.0), 10.0 + 2.0 * -0x1.8f15732ab990bp+0, 1e-15));
}

void TestRng::goldenLognormalMeanStd()
{
    Rng rng(42, 7);
    QCOMPARE(bits(rng.lognormalMeanStd(100.0, 50.0)), bits(0x1.569feca9755e0p+5));
    QCOMPARE(bits(rng.lognormalMeanStd(100.0, 50.0)), bits(0x1.8dee75148730ep+6));
    QCOMPARE(bits(rng.lognormalMeanStd(100.0, 50.0)), bits(0x1.794ef7d64977cp+5));

    // Same draw through the explicit (mu, sigma) form with libm: sigma^2 = ln 1.25.
    const double sigma2 = std::log(1.25);
    Rng explicitForm(42, 7);
    QVERIFY(relClose(explicitForm.lognormal(std::log(100.0) - 0.5 * sigma2, std::sqrt(sigma2)), 0x1.569feca9755e0p+5,
                     1e-13));
}

void TestRng::uniform01Ranges()
{
    Rng rng(1, 1);
    double minOpen = 1.0;
    double maxOpen = 0.0;
    for (int i = 0; i < kSamples; ++i) {
        const double u = rng.uniform01();
        QVERIFY(u >= 0.0 && u < 1.0);
        const double o = rng.uniformOpen01();
        QVERIFY(o > 0.0 && o < 1.0);
        minOpen = std::min(minOpen, o);
        maxOpen = std::max(maxOpen, o);
    }
    QVERIFY(minOpen < 1e-3 && maxOpen > 1.0 - 1e-3);

    // The extreme raw outputs map to the documented end points.
    QCOMPARE(bits(0x1.0p-53 * static_cast<double>(~std::uint64_t{0} >> 11)), bits(1.0 - 0x1.0p-53));
    QCOMPARE(bits((static_cast<double>(~std::uint64_t{0} >> 12) + 0.5) * 0x1.0p-52), bits(1.0 - 0x1.0p-53));
    QCOMPARE(bits((0.0 + 0.5) * 0x1.0p-52), bits(0x1.0p-53));
    QVERIFY(relClose(moments([&] { return rng.uniform01(); }).mean, 0.5, 0.01));
}

void TestRng::uniformIntEdgeCases()
{
    Rng rng(3, 3);
    constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    for (int i = 0; i < 1000; ++i) {
        QCOMPARE(rng.uniformInt(17, 17), std::int64_t{17});
        const std::int64_t neg = rng.uniformInt(-10, -8);
        QVERIFY(neg >= -10 && neg <= -8);
        const std::int64_t top = rng.uniformInt(kMax - 1, kMax);
        QVERIFY(top == kMax - 1 || top == kMax);
        const std::int64_t bottom = rng.uniformInt(kMin, kMin + 1);
        QVERIFY(bottom == kMin || bottom == kMin + 1);
        QCOMPARE(rng.uniformBelow(1), std::uint64_t{0});
    }
}

void TestRng::uniformIntFaces()
{
    Rng rng = Rng::stream(11, "dice");
    std::array<int, 6> counts{};
    for (int i = 0; i < kSamples; ++i) {
        const std::int64_t face = rng.uniformInt(1, 6);
        QVERIFY(face >= 1 && face <= 6);
        ++counts[static_cast<std::size_t>(face - 1)];
    }
    for (int c : counts)
        QVERIFY2(relClose(c, kSamples / 6.0, 0.02), std::to_string(c).c_str());
}

void TestRng::uniformBelowHugeRange()
{
    // n just above 2^63 rejects almost half the raw outputs; results must stay below n and be
    // spread over both halves.
    const std::uint64_t n = (std::uint64_t{1} << 63) + 1;
    Rng rng(4, 4);
    int upperHalf = 0;
    for (int i = 0; i < 10'000; ++i) {
        const std::uint64_t v = rng.uniformBelow(n);
        QVERIFY(v < n);
        upperHalf += v >= n / 2 ? 1 : 0;
    }
    QVERIFY(upperHalf > 4'700 && upperHalf < 5'300);
}

void TestRng::uniformRealRange()
{
    Rng rng(5, 5);
    for (int i = 0; i < 10'000; ++i) {
        const double x = rng.uniformReal(-2.0, 3.0);
        QVERIFY(x >= -2.0 && x <= 3.0);
    }
    QCOMPARE(bits(rng.uniformReal(4.0, 4.0)), bits(4.0));
    QVERIFY(relClose(moments([&] { return rng.uniformReal(10.0, 20.0); }).mean, 15.0, 0.01));
}

void TestRng::exponentialMean()
{
    Rng rng = Rng::stream(12, "exp");
    const Moments byRate = moments([&] { return rng.exponential(2.0); });
    QVERIFY2(relClose(byRate.mean, 0.5, 0.01), std::to_string(byRate.mean).c_str());
    QVERIFY(relClose(byRate.stddev, 0.5, 0.02));
    const Moments byMean = moments([&] { return rng.exponentialMean(0.5); });
    QVERIFY2(relClose(byMean.mean, 0.5, 0.01), std::to_string(byMean.mean).c_str());
}

void TestRng::normalMoments()
{
    Rng rng = Rng::stream(13, "normal");
    const Moments m = moments([&] { return rng.normal(5.0, 2.0); });
    QVERIFY2(relClose(m.mean, 5.0, 0.01), std::to_string(m.mean).c_str());
    QVERIFY2(relClose(m.stddev, 2.0, 0.01), std::to_string(m.stddev).c_str());

    // Symmetry: about half the standard draws are negative.
    int negative = 0;
    for (int i = 0; i < kSamples; ++i)
        negative += rng.normal(0.0, 1.0) < 0.0 ? 1 : 0;
    QVERIFY(relClose(negative, kSamples / 2.0, 0.02));
    QCOMPARE(bits(rng.normal(3.0, 0.0)), bits(3.0));
}

void TestRng::lognormalMeanStdMoments()
{
    Rng rng = Rng::stream(14, "lognormal");
    const Moments m = moments([&] { return rng.lognormalMeanStd(100.0, 50.0); });
    QVERIFY2(relClose(m.mean, 100.0, 0.02), std::to_string(m.mean).c_str());
    QVERIFY2(relClose(m.stddev, 50.0, 0.05), std::to_string(m.stddev).c_str());
    for (int i = 0; i < 1000; ++i)
        QVERIFY(rng.lognormalMeanStd(100.0, 50.0) > 0.0);
    QVERIFY(relClose(rng.lognormalMeanStd(7.0, 0.0), 7.0, 1e-15));
}

void TestRng::bernoulli()
{
    Rng rng = Rng::stream(15, "coin");
    int hits = 0;
    for (int i = 0; i < kSamples; ++i) {
        QVERIFY(!rng.bernoulli(0.0));
        QVERIFY(rng.bernoulli(1.0));
        hits += rng.bernoulli(0.3) ? 1 : 0;
    }
    QVERIFY2(relClose(hits, 0.3 * kSamples, 0.02), std::to_string(hits).c_str());
}

void TestRng::shufflePermutes()
{
    std::vector<int> items(50);
    std::iota(items.begin(), items.end(), 0);
    std::vector<int> again = items;

    Rng a(16, 16);
    Rng b(16, 16);
    a.shuffle(std::span<int>(items));
    b.shuffle(std::span<int>(again));
    QCOMPARE(items, again); // deterministic
    QVERIFY(!std::is_sorted(items.begin(), items.end()));
    std::vector<int> sorted = items;
    std::sort(sorted.begin(), sorted.end());
    std::vector<int> identity(50);
    std::iota(identity.begin(), identity.end(), 0);
    QCOMPARE(sorted, identity); // a permutation

    std::vector<int> empty;
    a.shuffle(std::span<int>(empty));
    std::vector<int> one{9};
    a.shuffle(std::span<int>(one));
    QCOMPARE(one, std::vector<int>{9});
}

void TestRng::shuffleUniform()
{
    // All 6 orders of 3 items appear equally often (Fisher-Yates is exact, not approximately so).
    Rng rng = Rng::stream(17, "shuffle");
    std::map<std::array<int, 3>, int> counts;
    for (int i = 0; i < 60'000; ++i) {
        std::array<int, 3> items{0, 1, 2};
        rng.shuffle(std::span<int>(items));
        ++counts[items];
    }
    QCOMPARE(counts.size(), std::size_t{6});
    for (const auto& [order, count] : counts)
        QVERIFY2(relClose(count, 10'000.0, 0.04), std::to_string(count).c_str());
}

QTEST_APPLESS_MAIN(TestRng)
#include "tst_rng.moc"
