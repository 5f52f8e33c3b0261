// The timed pod's record store: indexes across chunk boundaries, and references that survive
// later appends (a listener may submit requests while the pod holds a record).

#include "sim/util/stable_vector.h"

#include <QTest>

#include <vector>

using kvroute::sim::StableVector;

class TestStableVector : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void indexesAcrossChunks()
    {
        StableVector<int, 2> v; // chunks of 4, so 10 elements span three
        QVERIFY(v.empty());
        for (int i = 0; i < 10; ++i)
            QCOMPARE(v.push_back(i * 7), i * 7);
        QCOMPARE(v.size(), std::size_t{10});
        for (std::size_t i = 0; i < v.size(); ++i)
            QCOMPARE(v[i], static_cast<int>(i) * 7);
        v[5] = -1;
        const auto& constView = v;
        QCOMPARE(constView[5], -1);
        QCOMPARE(constView[4], 28);
    }

    void elementsNeverMove()
    {
        StableVector<long, 3> v;
        std::vector<const long*> addresses;
        for (long i = 0; i < 1000; ++i)
            addresses.push_back(&v.push_back(i));
        for (std::size_t i = 0; i < addresses.size(); ++i) {
            QCOMPARE(&v[i], addresses[i]);
            QCOMPARE(*addresses[i], static_cast<long>(i));
        }
    }
};

QTEST_APPLESS_MAIN(TestStableVector)
#include "tst_stable_vector.moc"
