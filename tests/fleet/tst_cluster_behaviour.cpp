// Whole-cluster behaviour a user relies on, checked against numbers worked out by hand.

#include "builtin_run_support.h"
#include "sim/fleet/cluster_run.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QFile>
#include <QtCore/QTemporaryDir>
#include <QtTest/QtTest>

#include <algorithm>

using namespace kvroute;

namespace {

sim::RunResults run(const std::string& name, const std::vector<std::string>& overrides)
{
    return test::runBuiltin(name, overrides);
}

double maxShare(const sim::RunResults& r)
{
    std::int64_t total = 0;
    std::int64_t top = 0;
    for (const auto& p : r.pods) {
        total += p.requests;
        top = std::max(top, p.requests);
    }
    return total ? static_cast<double>(top) / static_cast<double>(total) : 0.0;
}

} // namespace

class TestClusterBehaviour final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // The demo's cache test: 20 identical 24-token prompts from one client. All land on one pod;
    // each repeat hits floor((24-1)/16) = 1 block = 16 tokens (vllm.md §2).
    void seedCacheTestHitsWhatVllmCounts()
    {
        const auto r = run("seed-cache-test", {"workload.repeat.prompt_tokens=24", "workload.repeat.count=20"});
        QCOMPARE(r.requestsCompleted, 20);
        QCOMPARE(r.followUpRequests, 19);
        QCOMPARE(r.stickiness, 1.0);
        QCOMPARE(maxShare(r), 1.0);
        QCOMPARE(r.prefixCacheQueries, 20 * 24);
        QCOMPARE(r.prefixCacheHits, 19 * 16);
        QCOMPARE(r.cachedPromptTokens, r.prefixCacheHits); // no re-queries: each request counted once
        QCOMPARE(r.completedPromptTokens, 20 * 24);
        // Each request runs alone: a prefill step that samples its first token, 19 decode steps
        // and one empty step that reports the finish (vLLM's has_requests()).
        QCOMPARE(r.engineSteps, 20 * 21);
        std::int64_t podSteps = 0;
        for (const auto& p : r.pods)
            podSteps += p.steps;
        QCOMPARE(podSteps, r.engineSteps);
    }

    // Two identical 32-token prompts at once on 4 usable blocks: the second finds block 0 of the
    // first cached (16 tokens) when first scheduled; then both need more blocks than exist, so
    // preemptions re-query them with their outputs (vllm.md §2) and inflate vLLM's counters,
    // while the per-request figure counts each prompt once.
    void cachedPromptFractionCountsEachRequestOnce()
    {
        const auto r = run("seed-cache-test", {"cluster.pods=1", "vllm.num_gpu_blocks_override=5", "vllm.max_model_len=64",
                                               "workload.repeat.prompt_tokens=32", "workload.repeat.count=2",
                                               "workload.repeat.gap=0", "workload.repeat.wait_for_completion=false"});
        QCOMPARE(r.requestsCompleted, 2);
        QCOMPARE(r.completedPromptTokens, 64);
        QCOMPARE(r.cachedPromptTokens, 16);
        QCOMPARE(r.cachedPromptFraction, 0.25);
        QVERIFY(r.preemptions > 0);
        QVERIFY2(r.prefixCacheQueries > 64, qPrintable(QString::number(r.prefixCacheQueries)));
    }

    // A trace longer than the run, with prompts past max_model_len: both are said in the notes.
    void traceCutAndRejectionsAreReported()
    {
        const std::string trace = KVROUTE_SOURCE_DIR "/../shared/traces/conversation_trace.jsonl";
        const auto r = run("default", {"workload.type=mooncake", "workload.path=" + trace, "duration=30"});
        QVERIFY(r.requestsRejected > 0);
        const auto noted = [&](const char* part) {
            return std::ranges::any_of(r.warnings, [&](const std::string& w) { return w.find(part) != std::string::npos; });
        };
        QVERIFY(noted((std::to_string(r.requestsRejected) + " of " + std::to_string(r.requestsSubmitted) +
                       " requests were rejected").c_str()));
        QVERIFY(noted("not shorter than vllm.max_model_len (4096 tokens)"));
        // Two records fit alone but not with their output: vLLM's serving layer refuses those too.
        QVERIFY(noted("asked for more tokens than vllm.max_model_len (4096) holds, prompt plus max_tokens"));
        QVERIFY(noted((std::to_string(r.requestsSubmitted) + " records were sent and more follow from").c_str()));
        // A three-record trace at 0, 1 and 2 s: cut by a 1.5 s run after two records, whole in a
        // 10 s one.
        QTemporaryDir dir;
        const QString small = dir.filePath(QStringLiteral("small.jsonl"));
        {
            QFile f(small);
            QVERIFY(f.open(QIODevice::WriteOnly));
            for (int i = 0; i < 3; ++i)
                f.write(QStringLiteral(R"({"timestamp": %1, "input_length": 100, "output_length": 5, "hash_ids": [%2]})"
                                       "\n")
                            .arg(i * 1000)
                            .arg(i)
                            .toUtf8());
        }
        const auto cut = run("default", {"workload.type=mooncake", "workload.path=" + small.toStdString(), "duration=1.5"});
        QCOMPARE(cut.requestsSubmitted, 2);
        QVERIFY(std::ranges::any_of(cut.warnings, [&](const std::string& w) {
            return w.find("2 records were sent and more follow from " + small.toStdString() + ":3 on") !=
                   std::string::npos;
        }));
        const auto whole = run("default", {"workload.type=mooncake", "workload.path=" + small.toStdString(), "duration=10"});
        QCOMPARE(whole.requestsSubmitted, 3);
        QVERIFY(std::ranges::none_of(whole.warnings, [](const std::string& w) {
            return w.find("records were sent") != std::string::npos || w.find("rejected") != std::string::npos;
        }));
    }

    // An EPP whose filters leave no decode pod fails every request, as llm-d does (llmd.md §1.1).
    // A chat answer that would not fit beside its prompt is cut by the context window, as a
    // client leaving max_tokens to vLLM's default gets, not refused for prompt + max_tokens.
    void chatAnswersAreCutToTheContextWindow()
    {
        const auto r = run("default", {"vllm.max_model_len=600", "workload.chat.system_prompt_tokens=400",
                                       "workload.chat.message_tokens=100", "workload.chat.answer_tokens=500",
                                       "duration=20"});
        QVERIFY(r.requestsSubmitted > 0);
        QCOMPARE(r.requestsRejected, std::int64_t{0});
        QCOMPARE(r.requestsCompleted + r.requestsUnfinished, r.requestsSubmitted);
        // 400 + 100 prompt tokens leave room for 100 of the 500 answer tokens; the next turn
        // would not fit and ends the session.
        QCOMPARE(r.outputTokens, 100 * r.requestsCompleted);
    }

    void eppWithNoCandidateFailsRequests()
    {
        const auto r = run("default", {"duration=20", "routing.policy=epp", "routing.epp_plugins=[{type: prefill-filter}]"});
        QVERIFY(r.requestsSubmitted > 0);
        QCOMPARE(r.requestsUnroutable, r.requestsSubmitted);
        QCOMPARE(r.requestsCompleted, 0);
        for (const auto& pod : r.pods)
            QCOMPARE(pod.requests, 0);
        QVERIFY(std::ranges::any_of(r.warnings, [&](const std::string& w) {
            return w.find(std::to_string(r.requestsSubmitted) + " of " + std::to_string(r.requestsSubmitted) +
                          " requests failed at the router") != std::string::npos;
        }));
    }

    // Behind a gateway or NAT the Service sees one source address: ClientIP affinity pins every
    // user to one pod.
    void serviceBehindGatewayPinsEverythingToOnePod()
    {
        const auto r = run("default", {"duration=30", "routing.service.sees_client_ip=false"});
        QVERIFY(r.requestsCompleted > 50);
        QCOMPARE(maxShare(r), 1.0);
        QCOMPARE(r.stickiness, 1.0);
    }

    void roundRobinSpreadsAndBreaksStickiness()
    {
        const auto r = run("default", {"duration=60", "routing.policy=round-robin"});
        QVERIFY(maxShare(r) < 0.34);
        // Each follow-up lands on the previous pod only by coincidence: about 1/3 with 3 pods.
        QVERIFY2(r.stickiness > 0.2 && r.stickiness < 0.47, std::to_string(r.stickiness).c_str());
        const auto sticky = run("default", {"duration=60"});
        QVERIFY(sticky.hitRate > r.hitRate + 0.1);
    }

    void headerHashKeepsSessionsTogether()
    {
        const auto r = run("default", {"duration=60", "routing.policy=header-hash"});
        QCOMPARE(r.stickiness, 1.0);
        QVERIFY(maxShare(r) < 0.6);
    }

    // llm-d's precise scorer only matches pods that hash with its algorithm and seed: without
    // PYTHONHASHSEED every vLLM draws its own NONE_HASH (vllm.md §1) and the index never hits.
    void preciseScorerNeedsMatchingHashSeed()
    {
        const std::vector<std::string> base{"workload.max_requests=1500"};
        auto withSeed = base;
        const auto good = run("llmd-shared-prefix", withSeed);
        auto noSeed = base;
        noSeed.emplace_back("vllm.python_hash_seed=null");
        const auto bad = run("llmd-shared-prefix", noSeed);
        auto noEvents = base;
        noEvents.emplace_back("vllm.kv_events=false");
        const auto deaf = run("llmd-shared-prefix", noEvents);
        QVERIFY2(good.hitRate > bad.hitRate + 0.1,
                 (std::to_string(good.hitRate) + " vs " + std::to_string(bad.hitRate)).c_str());
        QVERIFY(good.hitRate > deaf.hitRate + 0.1);
    }

    // More KV memory can only help hit rates on the same request sequence, within noise.
    void largerCacheDoesNotLowerHitRate()
    {
        const auto small = run("llmd-shared-prefix", {"workload.max_requests=1500", "vllm.num_gpu_blocks_override=1500"});
        const auto large = run("llmd-shared-prefix", {"workload.max_requests=1500", "vllm.num_gpu_blocks_override=5600"}); // 5,705 fit a GPU
        QVERIFY2(large.hitRate >= small.hitRate,
                 (std::to_string(large.hitRate) + " vs " + std::to_string(small.hitRate)).c_str());
        QVERIFY(small.preemptions > large.preemptions);
    }

    // `duration` only bounds a run: progress also counts the requests sent against
    // workload.max_requests and the load stages begun, and a run that ends reports 100 %.
    void progressFollowsRequestsAndStages_data()
    {
        QTest::addColumn<QString>("override");
        QTest::addColumn<double>("reachedBeforeTheEnd");
        QTest::addColumn<bool>("belowOneBeforeTheEnd");
        // 3,000 requests take ~200 of the 14,400 s of `duration`; all are sent before the end.
        QTest::newRow("max_requests") << QStringLiteral("workload.max_requests=3000") << 0.5 << false;
        // The ladder's 17 stages end ~1,780 s in: the last one begun is 16/17 of the way.
        QTest::newRow("whole ladder") << QString() << 0.9 << true;
    }

    void progressFollowsRequestsAndStages()
    {
        QFETCH(QString, override);
        QFETCH(double, reachedBeforeTheEnd);
        QFETCH(bool, belowOneBeforeTheEnd);
        auto scenario = sim::builtinScenario("llmd-shared-prefix");
        QVERIFY(scenario);
        if (!override.isEmpty())
            QVERIFY(sim::applyOverrides(*scenario, std::vector<std::string>{override.toStdString()}));
        std::vector<double> reported;
        sim::RunControl control;
        control.progress = [&reported](double f) { reported.push_back(f); };
        const auto results = sim::runScenario(*scenario, control);
        QVERIFY(results && !results->cancelled);
        QVERIFY(reported.size() >= 2);
        QVERIFY(std::ranges::is_sorted(reported));
        QCOMPARE(reported.back(), 1.0);
        const double beforeTheEnd = reported[reported.size() - 2];
        QVERIFY2(beforeTheEnd >= reachedBeforeTheEnd, qPrintable(QString::number(beforeTheEnd)));
        if (belowOneBeforeTheEnd)
            QVERIFY2(beforeTheEnd < 1.0, qPrintable(QString::number(beforeTheEnd)));
    }
};

QTEST_APPLESS_MAIN(TestClusterBehaviour)
#include "tst_cluster_behaviour.moc"
