// The inter-token histogram: a mean that is exact and independent of the order samples arrive in
// (coalesced pods report their tokens late and interleaved differently), and counted samples.

#include "sim/kernel/rng.h"
#include "sim/metrics/latency_summary.h"

#include <QtTest/QtTest>

#include <algorithm>
#include <numeric>

using namespace kvroute::sim;

class TestLogHistogram : public QObject {
    Q_OBJECT
private slots:
    void meanIsExact();
    void orderDoesNotMatter();
    void countedSamplesEqualRepeatedOnes_data();
    void countedSamplesEqualRepeatedOnes();
    void quantilesWithinABucket();
};

void TestLogHistogram::meanIsExact()
{
    LogHistogram h;
    std::int64_t sum = 0;
    for (std::int64_t v = 1; v <= 100000; v += 7) {
        h.add(v * 1000);
        sum += v * 1000;
    }
    QCOMPARE(h.mean(), static_cast<double>(sum) * 1e-9 / static_cast<double>(h.count()));
}

void TestLogHistogram::orderDoesNotMatter()
{
    auto rng = Rng::stream(7, "gaps");
    std::vector<std::int64_t> gaps;
    for (int i = 0; i < 20000; ++i)
        gaps.push_back(static_cast<std::int64_t>(rng.uniformInt(1, 80'000'000)));
    LogHistogram forward;
    for (const auto g : gaps)
        forward.add(g);
    std::ranges::reverse(gaps);
    std::ranges::rotate(gaps, gaps.begin() + 777);
    LogHistogram shuffled;
    for (const auto g : gaps)
        shuffled.add(g);
    // Bit-identical, not merely close: a double running sum would differ in the last bits.
    QCOMPARE(std::bit_cast<std::uint64_t>(shuffled.mean()), std::bit_cast<std::uint64_t>(forward.mean()));
    for (const double q : {0.5, 0.9, 0.99})
        QCOMPARE(shuffled.quantile(q), forward.quantile(q));
}

void TestLogHistogram::countedSamplesEqualRepeatedOnes_data()
{
    QTest::addColumn<std::int64_t>("value");
    QTest::addColumn<std::int64_t>("count");
    QTest::newRow("linear range") << std::int64_t{200} << std::int64_t{3};
    QTest::newRow("a step time") << std::int64_t{21'345'678} << std::int64_t{57};
    QTest::newRow("one") << std::int64_t{1'000'000} << std::int64_t{1};
    QTest::newRow("none") << std::int64_t{5'000} << std::int64_t{0};
}

void TestLogHistogram::countedSamplesEqualRepeatedOnes()
{
    QFETCH(std::int64_t, value);
    QFETCH(std::int64_t, count);
    LogHistogram counted;
    LogHistogram repeated;
    counted.add(1234);
    repeated.add(1234);
    counted.add(value, count);
    for (std::int64_t i = 0; i < count; ++i)
        repeated.add(value);
    QCOMPARE(counted.count(), repeated.count());
    QCOMPARE(counted.mean(), repeated.mean());
    for (const double q : {0.5, 0.9, 0.99})
        QCOMPARE(counted.quantile(q), repeated.quantile(q));
}

void TestLogHistogram::quantilesWithinABucket()
{
    LogHistogram h;
    for (std::int64_t v = 1; v <= 1000; ++v)
        h.add(v * 10'000); // 10 µs .. 10 ms
    const double p50 = h.quantile(0.5);
    QVERIFY2(std::abs(p50 - 5.0e-3) <= 5.0e-3 * 0.004, qPrintable(QString::number(p50)));
    LogHistogram small;
    small.add(17);
    QCOMPARE(small.quantile(0.5), 17e-9); // exact below 256 ns
}

QTEST_APPLESS_MAIN(TestLogHistogram)
#include "tst_log_histogram.moc"
