// llm-d's precise-prefix-cache-scorer (v0.3.1, llmd.md §1.5, §2): an index fed by KV events,
// keys from the request's tokens with the index's own token processor, longest consecutive
// prefix, min-max normalisation over the pods in the score map.

#include "routing_test_support.h"
#include "sim/hashing/block_hasher.h"
#include "sim/hashing/hash_domain.h"
#include "sim/routing/epp_precise_scorer.h"

#include <QTest>

#include <cmath>

using namespace kvroute::sim;
using namespace kvroute::sim::routing;
using namespace kvroute::sim::test;

namespace {

/// Block hashes as a pod computes them in cluster runs (fleet: BlockHasher(Fast64) with the
/// surrogate NONE_HASH of its hash algorithm and PYTHONHASHSEED).
std::vector<std::uint64_t> podHashes(const TokenVector& tokens, std::size_t blockSize, std::string_view algo,
                                     std::string_view seed)
{
    BlockHasher hasher(HashAlgo::Fast64, std::nullopt);
    hasher.setNoneHash(surrogateNoneHash(algo, seed, 0));
    std::vector<std::uint64_t> out;
    std::uint64_t parent = hasher.noneHash();
    for (std::size_t start = 0; start + blockSize <= tokens.size(); start += blockSize) {
        parent = hasher.hashBlock(parent, std::span<const std::uint32_t>(tokens).subspan(start, blockSize));
        out.push_back(parent);
    }
    return out;
}

KvEvent stored(std::vector<std::uint64_t> hashes)
{
    KvEvent e;
    e.type = KvEvent::Type::BlockStored;
    e.blockHashes = std::move(hashes);
    e.blockSize = 16;
    return e;
}

KvEvent removed(std::vector<std::uint64_t> hashes)
{
    KvEvent e;
    e.type = KvEvent::Type::BlockRemoved;
    e.blockHashes = std::move(hashes);
    return e;
}

std::vector<std::uint64_t> pick(const std::vector<std::uint64_t>& all, std::initializer_list<std::size_t> indices)
{
    std::vector<std::uint64_t> out;
    for (const std::size_t i : indices)
        out.push_back(all[i]);
    return out;
}

std::vector<double> scores(PreciseKvScorer& scorer, const TestCluster& cluster, const WorkloadRequest& r)
{
    std::vector<int> candidates(cluster.pods.size());
    for (std::size_t i = 0; i < candidates.size(); ++i)
        candidates[i] = static_cast<int>(i);
    std::vector<double> out(candidates.size(), 0.0);
    scorer.score(cluster.ctx(r), candidates, out);
    return out;
}

PreciseScorerConfig config(std::int64_t blockSize, std::string seed, bool absolute = false)
{
    PreciseScorerConfig c;
    c.blockSize = blockSize;
    c.hashSeed = std::move(seed);
    c.absoluteScoring = absolute;
    return c;
}

void feed(PreciseKvScorer& scorer, int pod, KvEvent event)
{
    const std::vector<KvEvent> events{std::move(event)};
    scorer.onKvEvents(pod, events, 0);
}

} // namespace

class TestEppPreciseScorer : public QObject {
    Q_OBJECT

private:
    const TokenVector m_prompt = tokenRange(500, 16 * 5 + 7); // 5 full 16-token blocks + 7
    const std::vector<std::uint64_t> m_blocks = podHashes(m_prompt, 16, "sha256_cbor_64bit", "42");

private Q_SLOTS:
    void keysMatchThePods()
    {
        PreciseKvScorer scorer(config(16, "42"));
        std::vector<std::uint64_t> keys;
        scorer.blockKeys(m_prompt, keys);
        QCOMPARE(keys.size(), std::size_t{5}); // partial block dropped
        QCOMPARE(keys, m_blocks);
        QVERIFY(scorer.wantsKvEvents());
    }

    void minMaxOverPodsInTheScoreMap()
    {
        TestCluster cluster(4);
        PreciseKvScorer scorer(config(16, "42"));
        feed(scorer, 0, stored(pick(m_blocks, {0, 1, 2, 3})));
        feed(scorer, 1, stored(pick(m_blocks, {0, 1})));
        feed(scorer, 2, stored(pick(m_blocks, {0, 1, 2})));
        // counts 4, 2, 3, absent -> (c - 2) / (4 - 2); pod 3 not in the map -> 0
        QCOMPARE(scores(scorer, cluster, makeRequest(1, m_prompt)), (std::vector<double>{1.0, 0.0, 0.5, 0.0}));

        // The map holds every pod the index knows, candidates or not (GetPodScores gets no pod
        // filter, llmd.md §1.5): with pod 0 filtered out, its count 4 still sets the maximum.
        const std::vector<int> candidates{1, 2, 3};
        std::vector<double> out(candidates.size(), -1.0);
        scorer.score(cluster.ctx(makeRequest(2, m_prompt)), candidates, out);
        QCOMPARE(out, (std::vector<double>{0.0, 0.5, 0.0}));
    }

    void consecutivePrefixOnly()
    {
        TestCluster cluster(3);
        PreciseKvScorer scorer(config(16, "42"));
        feed(scorer, 0, stored(pick(m_blocks, {0, 2, 3, 4}))); // gap at block 1: 1 block
        feed(scorer, 1, stored(pick(m_blocks, {1, 2, 3, 4}))); // no block 0: absent
        feed(scorer, 2, stored(pick(m_blocks, {0, 1, 2})));    // 3 blocks
        QCOMPARE(scores(scorer, cluster, makeRequest(1, m_prompt)), (std::vector<double>{0.0, 0.0, 1.0}));
    }

    void allEqualScoreOne()
    {
        TestCluster cluster(3);
        PreciseKvScorer scorer(config(16, "42"));
        feed(scorer, 0, stored(pick(m_blocks, {0, 1})));
        feed(scorer, 2, stored(pick(m_blocks, {0, 1})));
        QCOMPARE(scores(scorer, cluster, makeRequest(1, m_prompt)), (std::vector<double>{1.0, 0.0, 1.0}));
        // A single pod with any hit is min == max as well.
        PreciseKvScorer single(config(16, "42"));
        feed(single, 1, stored(pick(m_blocks, {0})));
        QCOMPARE(scores(single, cluster, makeRequest(1, m_prompt)), (std::vector<double>{0.0, 1.0, 0.0}));
    }

    void removalsAndClears()
    {
        TestCluster cluster(2);
        PreciseKvScorer scorer(config(16, "42"));
        feed(scorer, 0, stored(pick(m_blocks, {0, 1, 2, 3, 4})));
        feed(scorer, 1, stored(pick(m_blocks, {0, 1})));
        QCOMPARE(scores(scorer, cluster, makeRequest(1, m_prompt)), (std::vector<double>{1.0, 0.0}));
        feed(scorer, 0, removed(pick(m_blocks, {1})));
        // pod 0 now holds only block 0 consecutively: counts 1 and 2.
        QCOMPARE(scores(scorer, cluster, makeRequest(1, m_prompt)), (std::vector<double>{0.0, 1.0}));
        KvEvent clear;
        clear.type = KvEvent::Type::AllBlocksCleared;
        feed(scorer, 1, clear); // a no-op in llm-d-kv-cache-manager
        QCOMPARE(scores(scorer, cluster, makeRequest(1, m_prompt)), (std::vector<double>{0.0, 1.0}));
        feed(scorer, 1, removed(pick(m_blocks, {0, 1})));
        feed(scorer, 0, removed(pick(m_blocks, {0})));
        QCOMPARE(scores(scorer, cluster, makeRequest(1, m_prompt)), (std::vector<double>{0.0, 0.0}));
        QCOMPARE(scorer.index().keys(), std::size_t{3}); // blocks 2, 3, 4 of pod 0 remain
    }

    void mismatchedSeedOrAlgorithmNeverHits()
    {
        TestCluster cluster(2);
        // Index with the default hashSeed "" against pods started with PYTHONHASHSEED=42.
        PreciseKvScorer scorer(config(16, ""));
        feed(scorer, 0, stored(m_blocks));
        QCOMPARE(scores(scorer, cluster, makeRequest(1, m_prompt)), (std::vector<double>{0.0, 0.0}));
        // Pods hashing with vLLM's builtin algorithm never match sha256_cbor_64bit keys.
        PreciseKvScorer sha(config(16, "42"));
        feed(sha, 0, stored(podHashes(m_prompt, 16, "builtin", "42")));
        QCOMPARE(scores(sha, cluster, makeRequest(1, m_prompt)), (std::vector<double>{0.0, 0.0}));
    }

    void mismatchedBlockSizeNeverHits()
    {
        TestCluster cluster(2);
        const TokenVector prompt = tokenRange(1, 64 * 3);
        PreciseKvScorer scorer(config(64, "42"));
        feed(scorer, 0, stored(podHashes(prompt, 16, "sha256_cbor_64bit", "42"))); // pods: --block-size 16
        QCOMPARE(scores(scorer, cluster, makeRequest(1, prompt)), (std::vector<double>{0.0, 0.0}));
        feed(scorer, 1, stored(podHashes(prompt, 64, "sha256_cbor_64bit", "42")));
        QCOMPARE(scores(scorer, cluster, makeRequest(1, prompt)), (std::vector<double>{0.0, 1.0}));
    }

    void absoluteScoring()
    {
        TestCluster cluster(3);
        PreciseKvScorer scorer(config(16, "42", true));
        feed(scorer, 0, stored(pick(m_blocks, {0, 1, 2, 3})));
        feed(scorer, 1, stored(pick(m_blocks, {0})));
        QCOMPARE(scores(scorer, cluster, makeRequest(1, m_prompt)), (std::vector<double>{0.8, 0.2, 0.0}));
    }

    void podCacheKeepsTenMostRecentPods()
    {
        PreciseKvIndex index(10);
        for (int pod = 0; pod < 11; ++pod)
            index.add(77, pod);
        const auto pods = index.pods(77);
        QVERIFY(pods);
        QCOMPARE(pods->count(), 10);
        QVERIFY(!pods->test(0));
        QVERIFY(pods->test(10));
        index.add(77, 1); // refresh: 2 is now the least recent
        index.add(77, 11);
        QVERIFY(index.pods(77)->test(1));
        QVERIFY(!index.pods(77)->test(2));
    }
};

QTEST_APPLESS_MAIN(TestEppPreciseScorer)
#include "tst_epp_precise_scorer.moc"
