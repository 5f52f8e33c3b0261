// GAIE's approximate prefix-cache-scorer (v1.0.1, llmd.md §1.3): character blocks of the prompt
// text, the xxhash64 chain, the scheduling-history index with per-pod LRUs.

#include "routing_test_support.h"
#include "sim/routing/epp_prefix_scorer.h"
#include "sim/workload/tokenizer.h"

#include <QTest>

#include <cmath>

using namespace kvroute::sim;
using namespace kvroute::sim::routing;
using namespace kvroute::sim::test;

namespace {

constexpr std::size_t kTokensPerBlock = 16; // 64 chars / 4 chars per token

/// `blocks` full 64-char blocks whose tokens start at `first`.
TokenVector blocksFrom(TokenId first, std::size_t blocks)
{
    return tokenRange(first, blocks * kTokensPerBlock);
}

double scoreOf(ApproxPrefixScorer& scorer, const TestCluster& cluster, const WorkloadRequest& r, int pod)
{
    std::vector<int> candidates(cluster.pods.size());
    for (std::size_t i = 0; i < candidates.size(); ++i)
        candidates[i] = static_cast<int>(i);
    std::vector<double> out(candidates.size(), 0.0);
    scorer.score(cluster.ctx(r), candidates, out);
    return out[static_cast<std::size_t>(pod)];
}

} // namespace

class TestEppPrefixScorer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void hashChainMatchesIndependentXxh64()
    {
        // Tokens 1000..1039 render as 160 characters ("AAPoAAPpAAPq..."): two full 64-char
        // blocks and a 32-char partial block, which is ignored. Expected values from
        // tests/routing/xxh64_reference.py (pure-Python XXH64):
        //   h0 = XXH64("meta-llama/Llama-3.2-1B" ++ text[0:64]),
        //   h1 = XXH64(text[64:128] ++ LE64(h0)).
        std::string text;
        std::string block;
        std::vector<std::uint64_t> hashes;
        approximatePrefixHashes(tokenRange(1000, 40), "meta-llama/Llama-3.2-1B", ApproxPrefixConfig{}, text, block,
                                hashes);
        QCOMPARE(text.substr(0, 8), std::string("AAPoAAPp"));
        QCOMPARE(hashes.size(), std::size_t{2});
        QCOMPARE(hashes[0], std::uint64_t{0x69CFE8E3B95F88FAULL});
        QCOMPARE(hashes[1], std::uint64_t{0xD34A0A7F2041D38BULL});
        // Only the characters of full blocks are rendered.
        QCOMPARE(text.size(), std::size_t{128});
    }

    void modelNameSaltsTheChain()
    {
        std::string text;
        std::string block;
        std::vector<std::uint64_t> a;
        std::vector<std::uint64_t> b;
        approximatePrefixHashes(blocksFrom(5, 3), "model-a", ApproxPrefixConfig{}, text, block, a);
        approximatePrefixHashes(blocksFrom(5, 3), "model-b", ApproxPrefixConfig{}, text, block, b);
        QCOMPARE(a.size(), std::size_t{3});
        for (std::size_t i = 0; i < a.size(); ++i)
            QVERIFY(a[i] != b[i]);
    }

    void truncatesToMaxPrefixBlocks()
    {
        std::string text;
        std::string block;
        std::vector<std::uint64_t> hashes;
        approximatePrefixHashes(blocksFrom(0, 300), "m", ApproxPrefixConfig{}, text, block, hashes);
        QCOMPARE(hashes.size(), std::size_t{256});
        QCOMPARE(text.size(), std::size_t{256 * 64});
        ApproxPrefixConfig small;
        small.maxPrefixBlocksToMatch = 4;
        approximatePrefixHashes(blocksFrom(0, 300), "m", small, text, block, hashes);
        QCOMPARE(hashes.size(), std::size_t{4});
    }

    void memoisedHasherMatchesTheReference()
    {
        // The scorer's memoised hasher must give exactly the reference chain, for prompts that
        // share prefixes, different models, a memo that keeps being emptied (limit 40), and
        // block sizes that are not whole tokens (no memo).
        Rng rng = Rng::stream(3, "prompts");
        for (const std::int64_t blockSize : {64, 32, 5}) {
            ApproxPrefixConfig config;
            config.hashBlockSize = blockSize;
            config.maxPrefixBlocksToMatch = 50;
            ApproxPrefixHasher memo(config);
            std::string text;
            std::string block;
            std::vector<std::uint64_t> expected;
            std::vector<std::uint64_t> actual;
            for (int i = 0; i < 300; ++i) {
                const auto shared = static_cast<std::size_t>(rng.uniformBelow(200));
                TokenVector prompt = tokenRange(static_cast<TokenId>(rng.uniformBelow(3)), shared);
                const auto tail = static_cast<std::size_t>(rng.uniformBelow(120));
                for (std::size_t t = 0; t < tail; ++t)
                    prompt.push_back(static_cast<TokenId>(rng.uniformBelow(kMaxTokenId + 1)));
                const std::string model = rng.bernoulli(0.5) ? "model-a" : "model-b";
                approximatePrefixHashes(prompt, model, config, text, block, expected);
                memo.hash(prompt, model, actual);
                QCOMPARE(actual, expected);
            }
        }
    }

    void sharedPrefixScoresThreeFifths()
    {
        // A and B share their first 3 of 5 blocks; A was routed to pod 1.
        TestCluster cluster(3);
        ApproxPrefixScorer scorer(ApproxPrefixConfig{});
        const TokenVector shared = blocksFrom(100, 3);
        const auto a = makeRequest(1, concat(shared, blocksFrom(5000, 2)));
        const auto b = makeRequest(2, concat(shared, blocksFrom(9000, 2)));
        QCOMPARE(scoreOf(scorer, cluster, a, 1), 0.0); // nothing learnt before PreRequest
        scorer.onRouted(cluster.ctx(a), 1);
        QCOMPARE(scoreOf(scorer, cluster, b, 1), 3.0 / 5);
        QCOMPARE(scoreOf(scorer, cluster, b, 0), 0.0);
        QCOMPARE(scoreOf(scorer, cluster, b, 2), 0.0);
        QCOMPARE(scoreOf(scorer, cluster, a, 1), 1.0);
        // B on pod 2: A's first three blocks are now on both pods.
        scorer.onRouted(cluster.ctx(b), 2);
        QCOMPARE(scoreOf(scorer, cluster, a, 2), 3.0 / 5);
        QCOMPARE(scoreOf(scorer, cluster, a, 1), 1.0);
    }

    void partialBlockIsIgnored()
    {
        TestCluster cluster(2);
        ApproxPrefixScorer scorer(ApproxPrefixConfig{});
        const TokenVector five = blocksFrom(100, 5);
        scorer.onRouted(cluster.ctx(makeRequest(1, five)), 0);
        // 5 blocks + 10 tokens (40 chars): still 5 hashes, all held by pod 0.
        QCOMPARE(scoreOf(scorer, cluster, makeRequest(2, concat(five, tokenRange(7, 10))), 0), 1.0);
    }

    void shortPromptScoresZero()
    {
        TestCluster cluster(2);
        ApproxPrefixScorer scorer(ApproxPrefixConfig{});
        const auto tiny = makeRequest(1, tokenRange(100, 15)); // 60 characters < 64
        scorer.onRouted(cluster.ctx(tiny), 0);
        QCOMPARE(scorer.index().lruSize(0), std::size_t{0});
        QCOMPARE(scoreOf(scorer, cluster, tiny, 0), 0.0);
    }

    void lruEvictsLeastRecentlyAdded()
    {
        // lruCapacityPerServer 2: X = (x0, x1) then Y = one block: x0 is the least recent and
        // goes, which breaks X's prefix walk at its first hash.
        TestCluster cluster(2);
        ApproxPrefixConfig config;
        config.lruCapacityPerServer = 2;
        ApproxPrefixScorer scorer(config);
        const auto x = makeRequest(1, blocksFrom(100, 2));
        const auto y = makeRequest(2, blocksFrom(900, 1));
        scorer.onRouted(cluster.ctx(x), 0);
        QCOMPARE(scoreOf(scorer, cluster, x, 0), 1.0);
        scorer.onRouted(cluster.ctx(y), 0);
        QCOMPARE(scorer.index().lruSize(0), std::size_t{2});
        QCOMPARE(scoreOf(scorer, cluster, x, 0), 0.0);
        QCOMPARE(scoreOf(scorer, cluster, y, 0), 1.0);
        // Re-adding X refreshes/inserts x0, x1 and evicts y.
        scorer.onRouted(cluster.ctx(x), 0);
        QCOMPARE(scoreOf(scorer, cluster, x, 0), 1.0);
        QCOMPARE(scoreOf(scorer, cluster, y, 0), 0.0);
        // Eviction is per pod: pod 1's copy is untouched by pod 0's LRU.
        scorer.onRouted(cluster.ctx(y), 1);
        scorer.onRouted(cluster.ctx(x), 0);
        QCOMPARE(scoreOf(scorer, cluster, y, 1), 1.0);
    }

    void addRefreshesRecency()
    {
        // Capacity 2: add a, b; re-add a (refresh); add c -> b (not a) is evicted.
        ApproxPrefixIndex index(2);
        const std::vector<std::uint64_t> a{11};
        const std::vector<std::uint64_t> b{22};
        const std::vector<std::uint64_t> c{33};
        index.add(a, 0);
        index.add(b, 0);
        index.add(a, 0);
        index.add(c, 0);
        QVERIFY(index.holds(11, 0));
        QVERIFY(!index.holds(22, 0));
        QVERIFY(index.holds(33, 0));
    }

    void requestLongerThanLruKeepsGaieQuirk()
    {
        // GAIE indexer.Add runs every hash through the LRU first (evicting the request's own
        // early hashes when it has more hashes than the LRU holds) and only then adds the pod
        // to every hash's set, so the sets keep all of them.
        ApproxPrefixIndex index(2);
        const std::vector<std::uint64_t> hashes{1, 2, 3};
        index.add(hashes, 0);
        QCOMPARE(index.lruSize(0), std::size_t{2});
        std::vector<std::int32_t> matchLen(1, 0);
        index.matchLongestPrefix(hashes, matchLen);
        QCOMPARE(matchLen[0], 3);
    }

    void matchStopsAtFirstHashNoPodHolds()
    {
        ApproxPrefixIndex index(100);
        index.add(std::vector<std::uint64_t>{1, 2}, 0);
        index.add(std::vector<std::uint64_t>{1, 2, 3, 4}, 1);
        index.add(std::vector<std::uint64_t>{5, 6}, 2);
        std::vector<std::int32_t> matchLen(3, 0);
        // Walk 1,2,3,4,6: every hash is held by someone, so the walk never stops, and each
        // holder gets +1 per hash whether or not it held the earlier ones (pod 2 gets 1 for 6).
        index.matchLongestPrefix(std::vector<std::uint64_t>{1, 2, 3, 4, 6}, matchLen);
        QCOMPARE(matchLen, (std::vector<std::int32_t>{2, 4, 1}));
        std::fill(matchLen.begin(), matchLen.end(), 0);
        index.matchLongestPrefix(std::vector<std::uint64_t>{1, 7, 2}, matchLen);
        QCOMPARE(matchLen, (std::vector<std::int32_t>{1, 1, 0}));
    }
};

QTEST_APPLESS_MAIN(TestEppPrefixScorer)
#include "tst_epp_prefix_scorer.moc"
