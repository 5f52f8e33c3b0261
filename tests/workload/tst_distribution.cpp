// Distribution: sample means of every kind, clamping (bounds and the analytic mean of a clamped
// variate), the discrete uniform of sampleInt, parameter problems and report text.
//
// Golden means are analytic: E[min(X, 1)] = 1 - e^-1 for X ~ Exp(1); E[max(Z, 0)] = 1/sqrt(2π)
// for Z ~ N(0, 1); a lognormal with mean m has mean m. Tolerances are about 5 standard errors at
// 200,000 samples.

#include <QTest>

#include "sim/kernel/rng.h"
#include "sim/workload/distribution.h"

#include <cmath>
#include <map>
#include <numbers>
#include <string>

using kvroute::sim::Distribution;
using kvroute::sim::Rng;

namespace {

constexpr int kSamples = 200'000;

double sampleMean(const Distribution& d, Rng& rng, double* lo = nullptr, double* hi = nullptr)
{
    double sum = 0.0;
    double minSeen = 1e300;
    double maxSeen = -1e300;
    for (int i = 0; i < kSamples; ++i) {
        const double x = d.sample(rng);
        sum += x;
        minSeen = std::min(minSeen, x);
        maxSeen = std::max(maxSeen, x);
    }
    if (lo)
        *lo = minSeen;
    if (hi)
        *hi = maxSeen;
    return sum / kSamples;
}

} // namespace

Q_DECLARE_METATYPE(Distribution)

class TestDistribution : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void means_data();
    void means();
    void clampedSamplesStayInBounds();
    void uniformIntIsDiscreteUniform();
    void sampleIntRoundsAfterClamping();
    void constantIgnoresRng();
    void problems_data();
    void problems();
    void text();
};

void TestDistribution::means_data()
{
    QTest::addColumn<Distribution>("distribution");
    QTest::addColumn<double>("expected");
    QTest::addColumn<double>("tolerance");
    QTest::newRow("constant") << Distribution::constant(42.0) << 42.0 << 0.0;
    QTest::newRow("uniform [2,10]") << Distribution::uniform(2.0, 10.0) << 6.0 << 0.03;
    QTest::newRow("normal(100,15)") << Distribution{Distribution::Kind::Normal, 100.0, 15.0, -1e18, 1e18} << 100.0
                                    << 0.17;
    QTest::newRow("lognormal(120,80)") << Distribution{Distribution::Kind::Lognormal, 120.0, 80.0, 0.0, 1e18}
                                       << 120.0 << 1.0;
    QTest::newRow("exponential(8)") << Distribution::exponential(8.0) << 8.0 << 0.09;
    QTest::newRow("exponential(1) clamped to [0,1]") << Distribution::exponential(1.0, 0.0, 1.0)
                                                     << 1.0 - std::exp(-1.0) << 0.005;
    QTest::newRow("normal(0,1) clamped to [0,inf)") << Distribution{Distribution::Kind::Normal, 0.0, 1.0, 0.0, 1e18}
                                                    << 1.0 / std::sqrt(2.0 * std::numbers::pi) << 0.007;
}

void TestDistribution::means()
{
    QFETCH(Distribution, distribution);
    QFETCH(double, expected);
    QFETCH(double, tolerance);
    Rng rng = Rng::stream(1, "test/distribution");
    const double mean = sampleMean(distribution, rng);
    QVERIFY2(std::fabs(mean - expected) <= tolerance,
             qPrintable(QStringLiteral("mean %1, expected %2 ± %3").arg(mean).arg(expected).arg(tolerance)));
}

void TestDistribution::clampedSamplesStayInBounds()
{
    Rng rng = Rng::stream(2, "test/distribution");
    const Distribution lognormal{Distribution::Kind::Lognormal, 120.0, 80.0, 8.0, 200.0};
    double lo = 0.0;
    double hi = 0.0;
    (void)sampleMean(lognormal, rng, &lo, &hi);
    QCOMPARE(lo, 8.0);   // some samples fall below 8 and are clamped to it
    QCOMPARE(hi, 200.0); // and many above 200
    const Distribution normal{Distribution::Kind::Normal, 0.0, 10.0, -1.0, 1.0};
    (void)sampleMean(normal, rng, &lo, &hi);
    QCOMPARE(lo, -1.0);
    QCOMPARE(hi, 1.0);
    for (int i = 0; i < 10000; ++i) {
        const auto n = lognormal.sampleInt(rng);
        QVERIFY(n >= 8 && n <= 200);
    }
}

void TestDistribution::uniformIntIsDiscreteUniform()
{
    // "2 to 8 turns": each of the 7 counts with probability 1/7, ends included.
    Rng rng = Rng::stream(3, "test/distribution");
    const Distribution turns = Distribution::uniform(2.0, 8.0);
    std::map<std::int64_t, int> counts;
    constexpr int kDraws = 70'000;
    for (int i = 0; i < kDraws; ++i)
        ++counts[turns.sampleInt(rng)];
    QCOMPARE(counts.size(), std::size_t{7});
    QCOMPARE(counts.begin()->first, std::int64_t{2});
    QCOMPARE(counts.rbegin()->first, std::int64_t{8});
    for (const auto& [value, count] : counts) // expected 10000, sd ≈ 93
        QVERIFY2(std::abs(count - 10000) < 500, qPrintable(QStringLiteral("%1: %2").arg(value).arg(count)));
    // Non-integer bounds: [1.5, 3.2] holds the integers 2 and 3 only.
    const Distribution narrow = Distribution::uniform(1.5, 3.2);
    for (int i = 0; i < 1000; ++i) {
        const auto n = narrow.sampleInt(rng);
        QVERIFY(n == 2 || n == 3);
    }
}

void TestDistribution::sampleIntRoundsAfterClamping()
{
    Rng rng = Rng::stream(4, "test/distribution");
    QCOMPARE(Distribution::constant(2.5).sampleInt(rng), std::int64_t{3}); // half away from zero
    QCOMPARE(Distribution::constant(2.49).sampleInt(rng), std::int64_t{2});
    const Distribution clamped{Distribution::Kind::Constant, 1000.0, 0.0, 0.0, 7.4};
    QCOMPARE(clamped.sampleInt(rng), std::int64_t{7});
}

void TestDistribution::constantIgnoresRng()
{
    Rng a = Rng::stream(5, "x");
    const Rng before = a;
    QCOMPARE(Distribution::constant(3.0).sample(a), 3.0);
    QVERIFY(a.state() == before.state());
}

void TestDistribution::problems_data()
{
    QTest::addColumn<Distribution>("distribution");
    QTest::addColumn<bool>("valid");
    QTest::newRow("default") << Distribution{} << true;
    QTest::newRow("min > max") << Distribution::uniform(5.0, 1.0) << false;
    QTest::newRow("lognormal mean 0") << Distribution{Distribution::Kind::Lognormal, 0.0, 1.0, 0.0, 10.0} << false;
    QTest::newRow("exponential mean -1") << Distribution::exponential(-1.0) << false;
    QTest::newRow("negative sd") << Distribution{Distribution::Kind::Normal, 1.0, -1.0, 0.0, 10.0} << false;
    QTest::newRow("nan") << Distribution{Distribution::Kind::Normal, std::nan(""), 1.0, 0.0, 10.0} << false;
    QTest::newRow("normal, negative mean") << Distribution{Distribution::Kind::Normal, -5.0, 1.0, -10.0, 10.0} << true;
}

void TestDistribution::problems()
{
    QFETCH(Distribution, distribution);
    QFETCH(bool, valid);
    QCOMPARE(!distribution.problem().has_value(), valid);
}

void TestDistribution::text()
{
    using kvroute::sim::toString;
    QCOMPARE(QString::fromStdString(toString(Distribution::constant(400))), QStringLiteral("constant 400"));
    QCOMPARE(QString::fromStdString(toString(Distribution::uniform(2, 8))), QStringLiteral("uniform [2, 8]"));
    QCOMPARE(QString::fromStdString(toString(Distribution{Distribution::Kind::Lognormal, 120, 80, 8, 2000})),
             QStringLiteral("lognormal(mean 120, sd 80) in [8, 2000]"));
    QCOMPARE(QString::fromStdString(toString(Distribution::exponential(0.5))), QStringLiteral("exponential(mean 0.5)"));
    QCOMPARE(QString::fromStdString(std::string(toString(Distribution::Kind::Normal))), QStringLiteral("normal"));
}

QTEST_APPLESS_MAIN(TestDistribution)
#include "tst_distribution.moc"
