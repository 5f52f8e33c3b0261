// GAIE pickers (llmd.md §1.2): max-score with a random tie-break, random, and A-Res weighted
// random sampling.

#include "sim/routing/epp_pickers.h"

#include <QTest>

#include <array>
#include <cmath>
#include <vector>

using namespace kvroute::sim;
using namespace kvroute::sim::routing;

namespace {

std::vector<ScoredPod> scored(std::initializer_list<double> scores)
{
    std::vector<ScoredPod> out;
    int pod = 0;
    for (const double s : scores)
        out.push_back(ScoredPod{pod++, s});
    return out;
}

template <typename Picker>
std::vector<int> frequencies(std::initializer_list<double> scores, int draws, std::uint64_t seed)
{
    Picker picker;
    Rng rng = Rng::stream(seed, "picker");
    std::vector<int> counts(scores.size(), 0);
    for (int i = 0; i < draws; ++i) {
        auto candidates = scored(scores);
        ++counts[static_cast<std::size_t>(picker.pick(candidates, rng))];
    }
    return counts;
}

} // namespace

class TestEppPickers : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void maxScoreTakesTheBest()
    {
        const auto counts = frequencies<MaxScorePicker>({0.5, 2.5, 1.0, 2.4999}, 200, 1);
        QCOMPARE(counts[1], 200);
    }

    void maxScoreBreaksTiesAtRandom()
    {
        const auto counts = frequencies<MaxScorePicker>({1.0, 3.0, 3.0, 2.0, 3.0}, 3000, 2);
        QCOMPARE(counts[0] + counts[3], 0);
        for (const int pod : {1, 2, 4})
            QVERIFY2(counts[static_cast<std::size_t>(pod)] > 850 && counts[static_cast<std::size_t>(pod)] < 1150,
                     qPrintable(QString::number(counts[static_cast<std::size_t>(pod)])));
    }

    void maxScoreIsDeterministicPerSeed()
    {
        MaxScorePicker picker;
        Rng a = Rng::stream(42, "picker");
        Rng b = Rng::stream(42, "picker");
        Rng c = Rng::stream(43, "picker");
        int differences = 0;
        for (int i = 0; i < 200; ++i) {
            auto x = scored({1.0, 1.0, 1.0, 1.0});
            auto y = scored({1.0, 1.0, 1.0, 1.0});
            auto z = scored({1.0, 1.0, 1.0, 1.0});
            const int pa = picker.pick(x, a);
            QCOMPARE(picker.pick(y, b), pa);
            differences += picker.pick(z, c) != pa ? 1 : 0;
        }
        QVERIFY(differences > 50);
    }

    void randomPickerIgnoresScores()
    {
        const auto counts = frequencies<RandomPicker>({100.0, 0.0, 0.0, 0.0}, 8000, 3);
        for (const int c : counts)
            QVERIFY2(c > 1800 && c < 2200, qPrintable(QString::number(c)));
    }

    void weightedRandomIsProportional()
    {
        // A-Res with one sample picks pod i with probability w_i / sum(w).
        const int n = 10000;
        const auto counts = frequencies<WeightedRandomPicker>({1.0, 2.0, 3.0, 4.0}, n, 4);
        for (std::size_t i = 0; i < counts.size(); ++i) {
            const double expected = static_cast<double>(i + 1) / 10.0;
            QVERIFY2(std::abs(counts[i] / double(n) - expected) < 0.015,
                     qPrintable(QString("pod %1: %2").arg(i).arg(counts[i])));
        }
    }

    void weightedRandomNeverPicksNonPositiveScores()
    {
        const auto counts = frequencies<WeightedRandomPicker>({0.0, 1.0, -2.0, 1.0}, 2000, 5);
        QCOMPARE(counts[0] + counts[2], 0);
        QVERIFY(counts[1] > 800 && counts[3] > 800);
    }

    void weightedRandomAllZeroFallsBackToRandom()
    {
        const auto counts = frequencies<WeightedRandomPicker>({0.0, 0.0, 0.0}, 3000, 6);
        for (const int c : counts)
            QVERIFY2(c > 850 && c < 1150, qPrintable(QString::number(c)));
    }
};

QTEST_APPLESS_MAIN(TestEppPickers)
#include "tst_epp_pickers.moc"
