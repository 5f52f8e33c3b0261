// A Mooncake trace on one pod whose KV cache never fills must hit exactly the trace's ideal
// prefix reuse. The ideal is computed here from hash_ids alone, independently of the simulator.

#include "sim/fleet/cluster_run.h"
#include "sim/scenario/scenario_yaml.h"

#include <QtCore/QFile>
#include <QtCore/QJsonArray>
#include <QtCore/QJsonDocument>
#include <QtCore/QJsonObject>
#include <QtTest/QtTest>

#include <algorithm>
#include <unordered_map>

using namespace kvroute;

namespace {

constexpr int kRequests = 200; // the first 200 prompts are all shorter than 131,072 tokens
constexpr std::int64_t kTraceBlock = 512;
constexpr std::int64_t kEngineBlock = 16;

const char* kTracePath = KVROUTE_SOURCE_DIR "/../shared/traces/synthetic_trace.jsonl";

struct Ideal {
    std::int64_t queries = 0;
    std::int64_t hits = 0;
};

// Requests in file order into one unbounded cache. covered[id] = how many tokens of hash id's
// 512-token block some earlier prompt contained (ids are chained, so a prompt containing id i
// also contains the full blocks before it). A prompt's reusable prefix is the walk over its
// ids while blocks are fully covered, plus the covered part of the first one that is not.
// vLLM then hits whole 16-token blocks, at most num_tokens - 1 tokens (vllm.md §2).
Ideal idealFromHashIds()
{
    QFile file(QString::fromUtf8(kTracePath));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", kTracePath);
    std::unordered_map<qint64, std::int64_t> covered;
    Ideal ideal;
    for (int n = 0; n < kRequests; ++n) {
        const auto record = QJsonDocument::fromJson(file.readLine()).object();
        const std::int64_t length = record.value(QStringLiteral("input_length")).toInteger();
        const auto ids = record.value(QStringLiteral("hash_ids")).toArray();
        std::int64_t reusable = 0;
        for (const auto& id : ids) {
            const auto it = covered.find(id.toInteger());
            const std::int64_t c = it == covered.end() ? 0 : it->second;
            reusable += c;
            if (c < kTraceBlock)
                break;
        }
        const std::int64_t capped = std::min(reusable, length - 1);
        ideal.hits += capped / kEngineBlock * kEngineBlock;
        ideal.queries += length;
        for (qsizetype i = 0; i < ids.size(); ++i) {
            const std::int64_t present = std::min<std::int64_t>(kTraceBlock, length - static_cast<std::int64_t>(i) * kTraceBlock);
            auto& c = covered[ids[i].toInteger()];
            c = std::max(c, present);
        }
    }
    return ideal;
}

} // namespace

class TestMooncakeIdealHit final : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void onePodUnboundedCacheMatchesIdeal()
    {
        auto scenario = sim::builtinScenario("mooncake");
        QVERIFY2(scenario.has_value(), scenario ? "" : scenario.error().toString().c_str());
        const std::vector<std::string> overrides{
            std::string("workload.path=") + kTracePath,
            "workload.max_requests=" + std::to_string(kRequests),
            "cluster.pods=1",
            "routing.policy=round-robin",
            "model.name=Llama-3.2-1B",
            "model.tensor_parallel=1",
            "vllm.block_size=16",
            "vllm.max_model_len=131072",
            // Never full, never blocked, every prompt prefilled in one step: nothing but prefix
            // reuse decides the hits.
            // The first 200 prompts hold about 160,000 distinct blocks; 260,000 fit an H200
            // beside a 1B model (a larger override would not start: CUDA out of memory).
            "model.gpu=H200",
            "vllm.num_gpu_blocks_override=260000",
            "vllm.max_num_seqs=1024",
            "vllm.max_num_batched_tokens=140000",
            "duration=100000",
            "drain_limit=100000",
        };
        const auto applied = sim::applyOverrides(*scenario, overrides);
        QVERIFY2(applied.has_value(), applied ? "" : applied.error().toString().c_str());
        const auto results = sim::runScenario(*scenario);
        QVERIFY2(results.has_value(), results ? "" : results.error().toString().c_str());
        QCOMPARE(results->requestsCompleted, kRequests);
        QCOMPARE(results->preemptions, 0);

        const Ideal ideal = idealFromHashIds();
        QVERIFY(ideal.hits > 0);
        QCOMPARE(results->prefixCacheQueries, ideal.queries);
        QCOMPARE(results->prefixCacheHits, ideal.hits);
    }
};

QTEST_APPLESS_MAIN(TestMooncakeIdealHit)
#include "tst_mooncake_ideal_hit.moc"
