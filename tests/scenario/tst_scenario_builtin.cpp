// The built-in scenarios: each parses, round-trips through toYaml, and holds the numbers of its
// source (llmd.md §4.1 and §5, vllm.md §8), written out here from those notes.

#include "sim/scenario/scenario_yaml.h"

#include <QTest>

#include <algorithm>
#include <numeric>
#include <string>

using namespace kvroute::sim;

namespace {

Scenario builtin(const std::string& name)
{
    auto scenario = builtinScenario(name);
    if (!scenario)
        qFatal("built-in %s: %s", name.c_str(), scenario.error().toString().c_str());
    return *scenario;
}

bool hasWarningContaining(const Scenario& scenario, const std::string& text)
{
    return std::ranges::any_of(scenario.warnings,
                               [&](const std::string& w) { return w.find(text) != std::string::npos; });
}

} // namespace

class TestScenarioBuiltin : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void listsEveryFile()
    {
        const auto list = builtinScenarioList();
        QStringList names;
        for (const auto& [name, description] : list) {
            names << QString::fromStdString(name);
            QVERIFY2(!description.empty() && !description.starts_with("(invalid"), description.c_str());
        }
        for (const char* expected : {"default", "seed-cache-test", "llmd-shared-prefix", "mooncake"})
            QVERIFY2(names.contains(QString::fromLatin1(expected)), expected);
        QVERIFY(std::ranges::is_sorted(list));
    }

    void roundTrips_data()
    {
        QTest::addColumn<QString>("name");
        for (const auto& [name, description] : builtinScenarioList())
            QTest::newRow(name.c_str()) << QString::fromStdString(name);
    }

    // parse(toYaml(s)) == s: every key's value is the same, and writing it again gives the same text.
    void roundTrips()
    {
        QFETCH(QString, name);
        const Scenario original = builtin(name.toStdString());
        const std::string yaml = toYaml(original);
        const auto reparsed = parseScenarioYaml(yaml, "roundtrip.yaml", "");
        QVERIFY2(reparsed.has_value(), reparsed ? "" : (reparsed.error().toString() + "\n" + yaml).c_str());
        for (const FieldSpec& field : scenarioFields())
            QCOMPARE(QString::fromStdString(fieldValueText(*reparsed, field.path)),
                     QString::fromStdString(fieldValueText(original, field.path)));
        QCOMPARE(reparsed->warnings, original.warnings);
        QCOMPARE(QString::fromStdString(toYaml(*reparsed)), QString::fromStdString(yaml));
        // The same through the raw members, for the types text could blur.
        QCOMPARE(reparsed->run.duration, original.run.duration);
        QCOMPARE(reparsed->vllm.numGpuBlocksOverride, original.vllm.numGpuBlocksOverride);
        QCOMPARE(reparsed->vllm.pythonHashSeed, original.vllm.pythonHashSeed);
        QCOMPARE(reparsed->workload.sharedPrefix.stages.size(), original.workload.sharedPrefix.stages.size());
        QCOMPARE(reparsed->workload.chat.thinkTimeSeconds.max, original.workload.chat.thinkTimeSeconds.max);
    }

    void defaultIsTheDemo()
    {
        const Scenario s = builtin("default");
        // hybrid-cache-configmap.yaml decode args and model-service.yaml (llmd.md §5).
        QCOMPARE(s.model.model, std::string("Llama-3.2-1B"));
        QCOMPARE(s.model.gpu, std::string("H100-80GB"));
        QCOMPARE(s.cluster.pods, 3);
        QCOMPARE(s.vllm.blockSize, 16);
        QCOMPARE(s.vllm.gpuMemoryUtilization, 0.7);
        QCOMPARE(s.vllm.maxModelLen, 4096);
        QCOMPARE(s.vllm.maxNumSeqs, 256);
        QCOMPARE(s.vllm.maxNumBatchedTokens, 2048);
        QVERIFY(s.vllm.enablePrefixCaching);
        QVERIFY(!s.vllm.enableChunkedPrefill);
        QCOMPARE(s.vllm.prefixCachingHashAlgo, std::string("builtin"));
        QCOMPARE(s.vllm.pythonHashSeed, std::optional<std::string>("42"));
        QVERIFY(!s.vllm.kvEvents);
        // cache-aware-service.yaml: ClientIP affinity, 7200 s.
        QVERIFY(s.routing.policy == RoutingPolicy::KubeService);
        QVERIFY(s.routing.kubeService.clientIpAffinity);
        QCOMPARE(s.routing.kubeService.timeoutSeconds, 7200);
        QVERIFY(s.workload.kind == WorkloadKind::ChatSessions);
        QVERIFY(s.workload.chat.clientIps == ClientIpMode::PerSession);
        // Runs in a blink: users/s × duration × mean turns ((3 + 7) / 2) is a few thousand.
        const double expectedRequests = s.workload.chat.usersPerSecond * toSeconds(s.run.duration) *
                                        (s.workload.chat.turnsPerSession.min + s.workload.chat.turnsPerSession.max) /
                                        2.0;
        QVERIFY2(expectedRequests >= 1000 && expectedRequests <= 5000, std::to_string(expectedRequests).c_str());
        QVERIFY(hasWarningContaining(s, "vllm.enable_chunked_prefill: false has no effect"));
    }

    void seedCacheTestIsTheScript()
    {
        const Scenario s = builtin("seed-cache-test");
        QVERIFY(s.workload.kind == WorkloadKind::RepeatPrompt);
        QCOMPARE(s.workload.repeat.count, 20);
        QCOMPARE(s.workload.repeat.gapSeconds, 0.5);
        QCOMPARE(s.workload.repeat.maxTokens, 20);
        QVERIFY(s.workload.repeat.waitForCompletion); // blocking curl, then sleep 0.5
        // The 20th request leaves after 19 gaps of 0.5 s plus 19 answers, inside the window.
        QVERIFY(s.run.duration > fromSeconds(19 * 0.5));
        QCOMPARE(s.cluster.pods, 3);
        QCOMPARE(s.vllm.blockSize, 16);
        QCOMPARE(s.vllm.gpuMemoryUtilization, 0.7);
    }

    void llmdSharedPrefixIsTheBenchmark()
    {
        const Scenario s = builtin("llmd-shared-prefix");
        QCOMPARE(s.cluster.pods, 8);
        QCOMPARE(s.model.model, std::string("Qwen3-32B"));
        QCOMPARE(s.model.tensorParallel, 2);
        QCOMPARE(s.vllm.blockSize, 64);
        // 307,328 tokens per pod = 4,802 blocks of 64, the logged count including the null block.
        QCOMPARE(s.vllm.numGpuBlocksOverride, std::optional<std::int32_t>(4802));
        QCOMPARE(std::int64_t{*s.vllm.numGpuBlocksOverride} * s.vllm.blockSize, std::int64_t{307328});
        QCOMPARE(s.vllm.prefixCachingHashAlgo, std::string("sha256_cbor_64bit"));
        QCOMPARE(s.vllm.pythonHashSeed, std::optional<std::string>("42"));
        QVERIFY(s.vllm.kvEvents);
        QCOMPARE(s.vllm.maxNumBatchedTokens, 8192);
        QCOMPARE(s.vllm.maxNumSeqs, 1024);
        QVERIFY(s.vllm.maxModelLen >= 6000 + 1200 + 1000);
        QVERIFY(s.routing.policy == RoutingPolicy::Epp);
        QCOMPARE(s.routing.epp.profile, std::string("precise"));
        const auto& sp = s.workload.sharedPrefix;
        QVERIFY(s.workload.kind == WorkloadKind::SharedPrefix);
        QCOMPARE(sp.numGroups, 150);
        QCOMPARE(sp.promptsPerGroup, 5);
        QCOMPARE(sp.systemPromptLen, 6000);
        QCOMPARE(sp.questionLen, 1200);
        QCOMPARE(sp.outputLen, 1000);
        QVERIFY(sp.clientIps == ClientIpMode::Single);
        // Warm-up 15 QPS × 50 s, then the ladder of llmd.md §4.1.
        const std::vector<std::pair<double, double>> expected{
            {15, 50}, {3, 20},  {10, 20}, {15, 20}, {20, 38}, {22, 34}, {25, 30}, {30, 25}, {35, 21},
            {40, 38}, {43, 36}, {46, 33}, {49, 30}, {52, 29}, {55, 27}, {57, 26}, {60, 25}};
        QCOMPARE(sp.stages.size(), expected.size());
        for (std::size_t i = 0; i < expected.size(); ++i) {
            QCOMPARE(sp.stages[i].rate, expected[i].first);
            QCOMPARE(sp.stages[i].durationSeconds, expected[i].second);
        }
        // The arrival window holds every stage (50 + 452 s) even before the drains between them.
        double stageSeconds = 0.0;
        for (const auto& stage : sp.stages)
            stageSeconds += stage.durationSeconds;
        QCOMPARE(stageSeconds, 502.0);
        QVERIFY(sp.drainBetweenStages);
        QVERIFY(s.run.duration >= 502 * kSecond);
        QVERIFY(s.warnings.empty());
    }

    void mooncakeReplaysTheTrace()
    {
        const Scenario s = builtin("mooncake");
        QVERIFY(s.workload.kind == WorkloadKind::Mooncake);
        QCOMPARE(s.workload.trace.path, std::string("builtin:mooncake-sample.jsonl")); // runs from any folder
        QCOMPARE(s.workload.trace.mooncakeBlockTokens, 512);
        QVERIFY(s.routing.policy == RoutingPolicy::Epp);
        QCOMPARE(s.routing.epp.profile, std::string("approximate"));
        QVERIFY(s.cluster.pods >= 2 && s.cluster.pods <= 8);
        // The trace's longest request (126,527 tokens, computed from the file) fits.
        QVERIFY(s.vllm.maxModelLen >= 126527);
    }

    void unknownNameSuggests()
    {
        const auto missing = builtinScenario("defualt");
        QVERIFY(!missing);
        QVERIFY2(missing.error().message.find("did you mean 'default'?") != std::string::npos,
                 missing.error().message.c_str());
        QVERIFY(missing.error().message.find("built-in scenarios: default, ") != std::string::npos);
        QVERIFY(!builtinScenarioText("defualt"));
        QVERIFY(builtinScenarioText("default").has_value());
    }
};

QTEST_APPLESS_MAIN(TestScenarioBuiltin)
#include "tst_scenario_builtin.moc"
