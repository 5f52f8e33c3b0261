// BlockPool: null block, reference counts, lazy eviction in free-queue order, no de-duplication
// (vllm.md §4).

#include "sim/engine/block_pool.h"

#include <QtTest/QtTest>

using kvroute::sim::BlockId;
using kvroute::sim::BlockPool;
using kvroute::sim::KvEvent;

class TestBlockPool final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reservesNullBlock()
    {
        BlockPool pool(5, true, false);
        QCOMPARE(pool.numFreeBlocks(), 4);
        // The null block counts as used: idle usage is 1/num_gpu_blocks.
        QCOMPARE(pool.usage(), 0.2);
        std::vector<BlockId> got;
        pool.allocate(4, got);
        QCOMPARE(got, (std::vector<BlockId>{1, 2, 3, 4}));
        QCOMPARE(pool.usage(), 1.0);
    }

    // Blocks never allocated have no record yet; they read as fresh blocks do.
    void unusedBlocksReadAsFresh()
    {
        BlockPool pool(6, true, false);
        std::vector<BlockId> got;
        pool.allocate(2, got); // blocks 1, 2
        pool.insertCached(2, 0xB2);
        for (const BlockId unused : {3, 4, 5}) {
            QCOMPARE(pool.refCount(unused), 0);
            QVERIFY(!pool.isCached(unused));
            QCOMPARE(pool.blockHash(unused), kvroute::sim::BlockHashValue{0});
            QVERIFY(pool.freeQueue().contains(unused));
        }
        QCOMPARE(pool.refCount(2), 1);
        QVERIFY(pool.isCached(2));
        QCOMPARE(pool.numGpuBlocks(), 6);
        QCOMPARE(pool.numFreeBlocks(), 3);
    }

    void freedTailIsEvictedFirst()
    {
        BlockPool pool(5, true, true);
        std::vector<BlockId> request;
        pool.allocate(2, request); // blocks 1, 2
        pool.insertCached(1, 0xA1);
        pool.insertCached(2, 0xA2);
        // A finished request releases its blocks in reverse order.
        const std::vector<BlockId> reversed{2, 1};
        pool.release(reversed);
        QCOMPARE(pool.freeQueue().toVector(), (std::vector<BlockId>{3, 4, 2, 1}));
        // Freed blocks keep their hash and stay hit-able.
        QCOMPARE(pool.cachedBlock(0xA1), 1);
        QCOMPARE(pool.cachedBlock(0xA2), 2);

        std::vector<BlockId> next;
        pool.allocate(3, next); // 3, 4, then 2: the request's tail block goes first
        QCOMPARE(next, (std::vector<BlockId>{3, 4, 2}));
        QCOMPARE(pool.cachedBlock(0xA2), -1);
        QCOMPARE(pool.cachedBlock(0xA1), 1);
        const auto events = pool.takeEvents();
        QCOMPARE(events.size(), std::size_t{1});
        QCOMPARE(events[0].type, KvEvent::Type::BlockRemoved);
        QCOMPARE(events[0].blockHashes, (std::vector<std::uint64_t>{0xA2}));
    }

    void touchTakesFreeBlockOutOfQueue()
    {
        BlockPool pool(4, true, false);
        std::vector<BlockId> a;
        pool.allocate(1, a); // block 1
        pool.insertCached(1, 7);
        pool.release(a);
        QVERIFY(pool.freeQueue().contains(1));
        const std::vector<BlockId> hit{1};
        pool.touch(hit);
        QVERIFY(!pool.freeQueue().contains(1));
        QCOMPARE(pool.refCount(1), 1);
        pool.touch(hit); // a second request sharing the block
        QCOMPARE(pool.refCount(1), 2);
        pool.release(hit);
        QVERIFY(!pool.freeQueue().contains(1));
        pool.release(hit);
        // Released again: back at the tail (most recently used).
        QCOMPARE(pool.freeQueue().toVector(), (std::vector<BlockId>{2, 3, 1}));
    }

    void sameHashTwiceIsNotDeduplicated()
    {
        BlockPool pool(4, true, false);
        std::vector<BlockId> blocks;
        pool.allocate(2, blocks);
        pool.insertCached(1, 42);
        pool.insertCached(2, 42);
        QCOMPARE(pool.numCachedHashes(), std::size_t{1});
        QCOMPARE(pool.cachedBlock(42), 1); // the first inserted wins
        pool.release(std::vector<BlockId>{1});
        std::vector<BlockId> reuse;
        pool.allocate(2, reuse); // 3, then 1 (evicting it)
        QCOMPARE(reuse, (std::vector<BlockId>{3, 1}));
        QCOMPARE(pool.cachedBlock(42), 2);
    }

    // One allocation evicting several cached blocks: BlockRemoved events in free-queue order,
    // and a hash shared with a block still in use keeps that block as its entry.
    void oneAllocationEvictsInQueueOrder()
    {
        BlockPool pool(6, true, true);
        std::vector<BlockId> blocks;
        pool.allocate(4, blocks); // 1..4
        pool.insertCached(1, 0xB1);
        pool.insertCached(2, 0xB2);
        pool.insertCached(3, 0xB1); // same hash as block 1, inserted later
        pool.insertCached(4, 0xB4);
        pool.release(std::vector<BlockId>{4, 1, 2}); // block 3 stays referenced
        (void)pool.takeEvents();
        std::vector<BlockId> next;
        pool.allocate(4, next); // 5, then 4, 1, 2: three evictions in one call
        QCOMPARE(next, (std::vector<BlockId>{5, 4, 1, 2}));
        const auto events = pool.takeEvents();
        QCOMPARE(events.size(), std::size_t{3});
        for (const auto& event : events)
            QCOMPARE(event.type, KvEvent::Type::BlockRemoved);
        QCOMPARE(events[0].blockHashes, (std::vector<std::uint64_t>{0xB4}));
        QCOMPARE(events[1].blockHashes, (std::vector<std::uint64_t>{0xB1}));
        QCOMPARE(events[2].blockHashes, (std::vector<std::uint64_t>{0xB2}));
        QCOMPARE(pool.cachedBlock(0xB1), 3);
        QCOMPARE(pool.cachedBlock(0xB2), -1);
        QCOMPARE(pool.cachedBlock(0xB4), -1);
        for (const BlockId b : next)
            QCOMPARE(pool.refCount(b), 1);
        QCOMPARE(pool.numFreeBlocks(), 0);
    }

    void noEvictionWithoutCaching()
    {
        BlockPool pool(3, false, true);
        std::vector<BlockId> blocks;
        pool.allocate(2, blocks);
        pool.release(blocks);
        pool.allocate(2, blocks);
        QVERIFY(pool.takeEvents().empty());
    }
};

QTEST_APPLESS_MAIN(TestBlockPool)
#include "tst_block_pool.moc"
