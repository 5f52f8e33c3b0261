// vLLM's free-block queue order: pop the head, append to the tail, unlink from the middle.

#include "sim/engine/free_block_queue.h"

#include <QtTest/QtTest>

using kvroute::sim::BlockId;
using FreeBlockQueue = kvroute::sim::FreeBlockQueue<kvroute::sim::FreeLinks>;

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

    // Blocks never popped have no record until their first pop; a block taken out of order
    // from among them gives them all one, in the same queue order.
    void unpoppedBlocksKeepTheirPlace()
    {
        FreeBlockQueue q(6);
        QVERIFY(!q.hasRecord(0));
        QCOMPARE(q.popFront(), 0);
        QCOMPARE(q.popFront(), 1);
        QVERIFY(q.hasRecord(1));
        QVERIFY(!q.hasRecord(2));
        q.pushBack(1);
        q.pushBack(0);
        QCOMPARE(q.toVector(), (std::vector<BlockId>{2, 3, 4, 5, 1, 0}));
        QVERIFY(q.contains(4));
        QCOMPARE(q.front(), 2);
        q.remove(4);
        QVERIFY(q.hasRecord(5));
        QVERIFY(!q.contains(4));
        QCOMPARE(q.toVector(), (std::vector<BlockId>{2, 3, 5, 1, 0}));
        QCOMPARE(q.size(), 5);
        QCOMPARE(q.popFront(), 2);
        q.remove(0);
        QCOMPARE(q.toVector(), (std::vector<BlockId>{3, 5, 1}));
        q.pushBack(4);
        QCOMPARE(q.toVector(), (std::vector<BlockId>{3, 5, 1, 4}));
    }

    void removingTheLastUnpoppedBlockOfAnEmptyTail()
    {
        FreeBlockQueue q(3);
        q.remove(2);
        QCOMPARE(q.toVector(), (std::vector<BlockId>{0, 1}));
        QCOMPARE(q.popFront(), 0);
        QCOMPARE(q.popFront(), 1);
        QCOMPARE(q.size(), 0);
        QCOMPARE(q.front(), -1);
        q.pushBack(2);
        q.pushBack(0);
        QCOMPARE(q.toVector(), (std::vector<BlockId>{2, 0}));
    }
};

QTEST_APPLESS_MAIN(TestFreeBlockQueue)
#include "tst_free_block_queue.moc"
