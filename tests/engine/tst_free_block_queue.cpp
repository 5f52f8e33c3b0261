// vLLM's free-block queue order: pop the head, append to the tail, unlink from the middle.

#include "sim/engine/free_block_queue.h"

#include <QtTest/QtTest>

using kvroute::sim::BlockId;
using kvroute::sim::FreeBlockQueue;

class TestFreeBlockQueue final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void startsInIdOrder()
    {
        FreeBlockQueue q(4);
        QCOMPARE(q.size(), 4);
        QCOMPARE(q.toVector(), (std::vector<BlockId>{0, 1, 2, 3}));
    }

    void popsHeadAppendsTail()
    {
        FreeBlockQueue q(4);
        QCOMPARE(q.popFront(), 0);
        QCOMPARE(q.popFront(), 1);
        q.pushBack(0);
        QCOMPARE(q.toVector(), (std::vector<BlockId>{2, 3, 0}));
        QVERIFY(!q.contains(1));
        QVERIFY(q.contains(0));
    }

    void removesFromMiddleAndEnds()
    {
        FreeBlockQueue q(5);
        q.remove(2);
        QCOMPARE(q.toVector(), (std::vector<BlockId>{0, 1, 3, 4}));
        q.remove(0);
        q.remove(4);
        QCOMPARE(q.toVector(), (std::vector<BlockId>{1, 3}));
        QCOMPARE(q.front(), 1);
        q.pushBack(2);
        QCOMPARE(q.toVector(), (std::vector<BlockId>{1, 3, 2}));
        QCOMPARE(q.size(), 3);
    }

    void drainsToEmpty()
    {
        FreeBlockQueue q(2);
        q.popFront();
        q.popFront();
        QCOMPARE(q.size(), 0);
        QCOMPARE(q.front(), -1);
        q.pushBack(1);
        QCOMPARE(q.toVector(), (std::vector<BlockId>{1}));
    }
};

QTEST_APPLESS_MAIN(TestFreeBlockQueue)
#include "tst_free_block_queue.moc"
