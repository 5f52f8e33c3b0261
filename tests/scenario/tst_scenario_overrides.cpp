// --set overrides: "key=value" with the value read as YAML, errors at "--set key=value", and
// nothing applied when anything fails.

#include "sim/scenario/scenario_yaml.h"

#include <QTest>

#include <string>
#include <vector>

using namespace kvroute::sim;

namespace {

Scenario defaults()
{
    auto scenario = builtinScenario("default");
    if (!scenario)
        qFatal("%s", scenario.error().toString().c_str());
    return *scenario;
}

} // namespace

class TestScenarioOverrides : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void scalar()
    {
        Scenario s = defaults();
        QVERIFY(applyOverride(s, "vllm.block_size=32"));
        QCOMPARE(s.vllm.blockSize, 32);
        QVERIFY(applyOverride(s, "seed=7"));
        QCOMPARE(s.seed, std::uint64_t{7});
        QVERIFY(applyOverride(s, "duration=12.5"));
        QCOMPARE(s.run.duration, 12'500 * kMillisecond);
        QVERIFY(applyOverride(s, "routing.policy=epp"));
        QVERIFY(s.routing.policy == RoutingPolicy::Epp);
        QVERIFY(applyOverride(s, "vllm.kv_events=true"));
        QVERIFY(s.vllm.kvEvents);
    }

    void nested()
    {
        Scenario s = defaults();
        QVERIFY(applyOverride(s, "routing.service.timeout_seconds=60"));
        QCOMPARE(s.routing.kubeService.timeoutSeconds, 60);
        QVERIFY(applyOverride(s, "routing.service.session_affinity=None"));
        QVERIFY(!s.routing.kubeService.clientIpAffinity);
        // A group takes a flow map; keys not named keep their values.
        QVERIFY(applyOverride(s, "routing.service={session_affinity: ClientIP, mesh_bypass: true}"));
        QVERIFY(s.routing.kubeService.clientIpAffinity);
        QVERIFY(s.routing.kubeService.meshBypassesAffinity);
        QCOMPARE(s.routing.kubeService.timeoutSeconds, 60);
    }

    void nullForOptional()
    {
        Scenario s = defaults();
        QVERIFY(applyOverride(s, "vllm.num_gpu_blocks_override=1000"));
        QCOMPARE(s.vllm.numGpuBlocksOverride, std::optional<std::int32_t>(1000));
        QVERIFY(applyOverride(s, "vllm.num_gpu_blocks_override=null"));
        QVERIFY(!s.vllm.numGpuBlocksOverride);
        QVERIFY(applyOverride(s, "vllm.python_hash_seed=~"));
        QVERIFY(!s.vllm.pythonHashSeed);
        // PYTHONHASHSEED is text: an unquoted 42 is the string "42", a quoted null is a string.
        QVERIFY(applyOverride(s, "vllm.python_hash_seed=42"));
        QCOMPARE(s.vllm.pythonHashSeed, std::optional<std::string>("42"));
        QVERIFY(applyOverride(s, "vllm.python_hash_seed=\"null\""));
        QCOMPARE(s.vllm.pythonHashSeed, std::optional<std::string>("null"));
        QCOMPARE(fieldValueText(s, "vllm.python_hash_seed"), std::string("\"null\""));
    }

    void stageList()
    {
        Scenario s = defaults();
        QVERIFY(applyOverride(s, "workload.shared_prefix.stages=[[3,20],[10,20]]"));
        const auto& stages = s.workload.sharedPrefix.stages;
        QCOMPARE(stages.size(), std::size_t{2});
        QCOMPARE(stages[0].rate, 3.0);
        QCOMPARE(stages[0].durationSeconds, 20.0);
        QCOMPARE(stages[1].rate, 10.0);
        QCOMPARE(stages[1].durationSeconds, 20.0);
        QVERIFY(applyOverride(s, "workload.shared_prefix.stages=[{rate: 0.5, duration: 4}]"));
        QCOMPARE(stages.size(), std::size_t{1});
        QCOMPARE(stages[0].rate, 0.5);
        QCOMPARE(fieldValueText(s, "workload.shared_prefix.stages"), std::string("[{rate: 0.5, duration: 4}]"));
    }

    void pluginList()
    {
        Scenario s = defaults();
        QVERIFY(applyOverride(s, "routing.epp_plugins=[{type: decode-filter}, {type: prefix-cache-scorer, weight: 2, "
                                 "parameters: {hashBlockSize: 64, indexerConfig: {tokenProcessorConfig: {blockSize: 64}}}}, "
                                 "{type: max-score-picker}]"));
        const auto& plugins = s.routing.epp.plugins;
        QCOMPARE(plugins.size(), std::size_t{3});
        QCOMPARE(plugins[0].name, std::string("decode-filter")); // the name defaults to the type
        QCOMPARE(plugins[1].weight, 2.0);
        QCOMPARE(plugins[1].parameters.at("hashBlockSize"), std::string("64"));
        // Nested maps flatten to dotted keys.
        QCOMPARE(plugins[1].parameters.at("indexerConfig.tokenProcessorConfig.blockSize"), std::string("64"));
        // And back through toYaml.
        const auto reparsed = parseScenarioYaml(toYaml(s), "t.yaml", "");
        QVERIFY2(reparsed.has_value(), reparsed ? "" : reparsed.error().toString().c_str());
        QCOMPARE(reparsed->routing.epp.plugins.size(), std::size_t{3});
        QCOMPARE(reparsed->routing.epp.plugins[1].parameters, plugins[1].parameters);
    }

    void distributionShorthand()
    {
        Scenario s = defaults();
        QVERIFY(applyOverride(s, "workload.chat.turns=4"));
        const Distribution& turns = s.workload.chat.turnsPerSession;
        QVERIFY(turns.kind == Distribution::Kind::Constant);
        QCOMPARE(turns.mean, 4.0);
        QCOMPARE(turns.min, 4.0);
        QCOMPARE(turns.max, 4.0);
        QVERIFY(applyOverride(s, "workload.chat.turns.max=9"));
        QCOMPARE(turns.max, 9.0);
        QCOMPARE(turns.mean, 4.0);
    }

    void relativePathStaysRelative()
    {
        Scenario s = defaults();
        QVERIFY(applyOverride(s, "workload.path=../traces/t.jsonl"));
        QCOMPARE(s.workload.trace.path, std::string("../traces/t.jsonl"));
    }

    void errors_data()
    {
        QTest::addColumn<QString>("assignment");
        QTest::addColumn<QString>("fragment");

        QTest::newRow("unknown path")
            << "vllm.blok_size=32" << "unknown key 'vllm.blok_size' (did you mean 'vllm.block_size'?)";
        QTest::newRow("unknown group") << "vlm.block_size=32" << "unknown key 'vlm.block_size' (did you mean 'vllm.block_size'?)";
        QTest::newRow("below a value") << "cluster.pods.max=3" << "'cluster.pods' is a single value; it has no key 'max'";
        QTest::newRow("type error") << "cluster.pods=abc" << "'cluster.pods' must be an integer (in [1, 256]), got 'abc'";
        QTest::newRow("list for a scalar") << "cluster.pods=[1, 2]" << "'cluster.pods' must be an integer (in [1, 256]), got a list";
        QTest::newRow("range") << "vllm.block_size=17" << "'vllm.block_size' must be one of 1, 8, 16, 32, 64, 128, got 17";
        QTest::newRow("null for a required value") << "vllm.max_model_len=null" << "got nothing (null)";
        QTest::newRow("enum") << "routing.policy=eep" << "did you mean 'epp'?";
        QTest::newRow("no equals sign") << "vllm.block_size" << "expected key=value";
        QTest::newRow("value syntax error") << "workload.shared_prefix.stages=[[3,20]" << "YAML syntax error";
        QTest::newRow("text with a colon") << "description=hi: there"
                                           << "got a mapping (the value reads as YAML, where \": \" makes a mapping; "
                                              "quote it: --set 'description=\"hi: there\"')";
        QTest::newRow("a YAML comment") << "description=a #c"
                                        << "an unquoted '#' starts a YAML comment, which would cut the value to 'a'; "
                                           "quote it: --set 'description=\"a #c\"'";
        QTest::newRow("only a comment") << "description=#x" << "starts a YAML comment, which would leave no value";
        // The hint survives the shell ('\'' for ') and YAML (\" and \\ inside double quotes).
        QTest::newRow("an apostrophe is not a quote") << "description=it's #1"
                                                      << "quote it: --set 'description=\"it'\\''s #1\"'";
        QTest::newRow("quotes and backslashes in the hint") << "description=say \"hi\" \\o #1"
                                                            << "quote it: --set 'description=\"say \\\"hi\\\" \\\\o #1\"'";
        QTest::newRow("right after a quoted scalar") << "description=\"a\"#c" << "would cut the value to '\"a\"'";
        QTest::newRow("right after a list") << "workload.shared_prefix.stages=[[3,20]]#x" << "would cut the value to '[[3,20]]'";
        QTest::newRow("after a tab") << "description=a\t#c" << "starts a YAML comment";
        QTest::newRow("after a list") << "workload.shared_prefix.stages=[[3,20]] #x"
                                      << "would cut the value to '[[3,20]]'; leave the comment out";
        QTest::newRow("a quoted '#' in a list is text")
            << "workload.shared_prefix.stages=[['#',1]]" << "rate' must be a number, got the string \"#\"";
        QTest::newRow("a quote after a colon in a word") << "description=a:'b #c'" << "starts a YAML comment";
        QTest::newRow("a quote after a comma outside a list") << "description=a,'b #c'" << "starts a YAML comment";
        QTest::newRow("a YAML directive") << "description=%x" << "reads as a directive in YAML, which would drop or change it; quote it";
        QTest::newRow("an anchor") << "description=&a b" << "reads as an anchor in YAML";
        QTest::newRow("a tag") << "description=!urgent run" << "reads as a tag in YAML";
        QTest::newRow("a block scalar") << "description=|" << "reads as a block scalar in YAML";
        QTest::newRow("a folded block scalar") << "description=> x" << "reads as a block scalar in YAML";
        QTest::newRow("a document start") << "description=--- x" << "reads as a document start in YAML";
        QTest::newRow("a document end") << "description=..." << "reads as a document end in YAML";
        QTest::newRow("a number key") << "cluster.pods=!!int 4" << "a tag in YAML, which would drop or change it; give the value alone";
        QTest::newRow("seconds out of range") << "duration=-1" << "'duration' must be in (0, 1000000] seconds, got -1";
        QTest::newRow("seconds of a number field") << "workload.chat.think_time.mean=-2" << "] seconds, got -2";
        QTest::newRow("a stage's seconds") << "workload.shared_prefix.stages=[[3,-20]]" << "] seconds, got -20";
        QTest::newRow("an empty name") << "name=" << "'name' must not be empty";
        QTest::newRow("a blank name") << "name=  " << "'name' must not be empty";
        QTest::newRow("an empty quoted name") << "name=\"\"" << "'name' must not be empty";
        QTest::newRow("a blank quoted name") << "name='  '" << "'name' must not be empty";
        QTest::newRow("a null name") << "name=~" << "'name' must not be empty";
    }

    void errors()
    {
        QFETCH(QString, assignment);
        QFETCH(QString, fragment);
        Scenario s = defaults();
        const std::string before = toYaml(s);
        const auto applied = applyOverride(s, assignment.toStdString());
        QVERIFY(!applied);
        QCOMPARE(QString::fromStdString(applied.error().where), "--set " + assignment);
        QVERIFY2(applied.error().message.find(fragment.toStdString()) != std::string::npos,
                 applied.error().message.c_str());
        QCOMPARE(QString::fromStdString(toYaml(s)), QString::fromStdString(before)); // nothing applied
    }

    // A combination is checked after the last override, so order does not matter...
    void quotedTextWithAColon()
    {
        Scenario s = defaults();
        QVERIFY(applyOverride(s, R"(description="hi: there")"));
        QCOMPARE(QString::fromStdString(s.description), QStringLiteral("hi: there"));
    }

    // '#' inside quotes, or not after a blank, is text to YAML.
    void hashesThatAreNotComments_data()
    {
        QTest::addColumn<QString>("assignment");
        QTest::addColumn<QString>("description");
        QTest::newRow("double-quoted") << R"(description="a #c")" << "a #c";
        QTest::newRow("single-quoted") << "description='a #c'" << "a #c";
        // (Not a raw string: moc reads \" in one as an escape and loses the class.)
        QTest::newRow("escaped quote before it") << "description=\"say \\\" #1\"" << "say \" #1";
        QTest::newRow("inside a word") << "description=issue#12" << "issue#12";
        QTest::newRow("an apostrophe in a word") << "description=don't" << "don't";
        QTest::newRow("dashes in a word") << "description=---x" << "---x";
        QTest::newRow("an ampersand later") << "description=R&D" << "R&D";
        QTest::newRow("a doubled quote inside single quotes") << "description='it''s #1'" << "it's #1";
    }

    void hashesThatAreNotComments()
    {
        QFETCH(QString, assignment);
        QFETCH(QString, description);
        Scenario s = defaults();
        const auto applied = applyOverride(s, assignment.toStdString());
        QVERIFY2(applied, applied ? "" : applied.error().message.c_str());
        QCOMPARE(QString::fromStdString(s.description), description);
    }

    void overridesAreValidatedTogether()
    {
        Scenario s = defaults();
        const std::vector<std::string> both{"vllm.max_num_seqs=4096", "vllm.max_num_batched_tokens=8192"};
        QVERIFY(applyOverrides(s, both));
        QCOMPARE(s.vllm.maxNumSeqs, 4096);
        QCOMPARE(s.vllm.maxNumBatchedTokens, 8192);
    }

    // ...and an invalid result applies none of them, blaming the override that set a culprit.
    void invalidCombinationAppliesNothing()
    {
        Scenario s = defaults();
        const std::string before = toYaml(s);
        const std::vector<std::string> assignments{"cluster.pods=5", "vllm.max_num_seqs=4096"};
        const auto applied = applyOverrides(s, assignments);
        QVERIFY(!applied);
        QCOMPARE(applied.error().where, std::string("--set vllm.max_num_seqs=4096"));
        QVERIFY(applied.error().message.find("vllm.max_num_batched_tokens (2048) must be at least "
                                             "vllm.max_num_seqs (4096)") != std::string::npos);
        QCOMPARE(toYaml(s), before);
        QCOMPARE(s.cluster.pods, 3);
    }

    void warningsFollowOverrides()
    {
        Scenario s = defaults();
        QVERIFY(!s.warnings.empty());
        QVERIFY(applyOverride(s, "vllm.enable_chunked_prefill=true"));
        QVERIFY(s.warnings.empty());
    }
};

QTEST_APPLESS_MAIN(TestScenarioOverrides)
#include "tst_scenario_overrides.moc"
