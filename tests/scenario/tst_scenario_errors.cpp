// Strict parsing: every malformed scenario is rejected with the exact 1-based line:column of the
// offending node, the full key path and what is allowed. Positions are counted by hand from the
// documents below (yaml-cpp marks are 0-based; the parser must add one).

#include "sim/scenario/scenario_schema.h"
#include "sim/scenario/scenario_yaml.h"

#include <QTest>

#include <string>

using namespace kvroute::sim;

namespace {

const char* const kTopLevelKeys =
    "allowed top-level keys: name, description, seed, duration, drain_limit, sample_interval, model, vllm, "
    "cluster, routing, workload";
const char* const kVllmKeys =
    "allowed keys in 'vllm': block_size, gpu_memory_utilization, max_model_len, max_num_seqs, "
    "max_num_batched_tokens, enable_prefix_caching, enable_chunked_prefill, long_prefill_token_threshold, "
    "num_gpu_blocks_override, prefix_caching_hash_algo, python_hash_seed, kv_events";

// `levels` maps, each holding the previous one twice: 2^levels values once the aliases are
// expanded, from a few hundred bytes. Inside plugin parameters, where the reader flattens them.
QString aliasBomb(int levels)
{
    QString yaml = "routing:\n  epp_plugins:\n  - type: queue-scorer\n    parameters:\n      l0: &l0 {v: 1}\n";
    for (int i = 1; i < levels; ++i)
        yaml += QString("      l%1: &l%1 {x: *l%2, y: *l%2}\n").arg(i).arg(i - 1);
    return yaml;
}

} // namespace

class TestScenarioErrors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rejects_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("where");
        QTest::addColumn<QStringList>("fragments");

        QTest::newRow("unknown top-level key, misspelled")
            << "seed: 1\nnmae: x\n" << "t.yaml:2:1"
            << QStringList{"unknown key 'nmae'", "did you mean 'name'?", kTopLevelKeys};
        QTest::newRow("unknown nested key")
            << "vllm:\n  block_size: 16\n  foo: 1\n" << "t.yaml:3:3"
            << QStringList{"unknown key 'vllm.foo'", kVllmKeys};
        QTest::newRow("misspelled nested key")
            << "vllm:\n  blok_size: 16\n" << "t.yaml:2:3"
            << QStringList{"unknown key 'vllm.blok_size'", "did you mean 'vllm.block_size'?", kVllmKeys};
        QTest::newRow("key at the wrong level")
            << "block_size: 16\n" << "t.yaml:1:1"
            << QStringList{"unknown key 'block_size'", "did you mean 'vllm.block_size'?", kTopLevelKeys};
        QTest::newRow("unknown key two levels down")
            << "routing:\n  service:\n    affinity: ClientIP\n" << "t.yaml:3:5"
            << QStringList{"unknown key 'routing.service.affinity'",
                           "allowed keys in 'routing.service': session_affinity, timeout_seconds, sees_client_ip, "
                           "mesh_bypass"};
        QTest::newRow("unknown key in a distribution")
            << "workload:\n  chat:\n    turns: {type: uniform, mn: 2, max: 8}\n" << "t.yaml:3:28"
            << QStringList{"unknown key 'workload.chat.turns.mn'", "did you mean 'workload.chat.turns.min'?",
                           "allowed keys in 'workload.chat.turns': type, mean, stddev, min, max"};
        QTest::newRow("string for an integer")
            << "cluster:\n  pods: three\n" << "t.yaml:2:9"
            << QStringList{"'cluster.pods' must be an integer (in [1, 256]), got 'three'"};
        QTest::newRow("quoted number for an integer")
            << "cluster:\n  pods: \"3\"\n" << "t.yaml:2:9"
            << QStringList{"'cluster.pods' must be an integer (in [1, 256]), got the string \"3\""};
        QTest::newRow("float for an integer")
            << "vllm:\n  max_model_len: 4096.5\n" << "t.yaml:2:18"
            << QStringList{"'vllm.max_model_len' must be an integer (in [2, 2147483647]), got '4096.5'"};
        QTest::newRow("integer beyond 64 bits")
            << "cluster:\n  pods: 99999999999999999999999\n" << "t.yaml:2:9"
            << QStringList{"'cluster.pods' must be in [1, 256], got 99999999999999999999999"};
        QTest::newRow("negative integer beyond 64 bits")
            << "vllm:\n  max_model_len: -99999999999999999999999\n" << "t.yaml:2:18"
            << QStringList{"'vllm.max_model_len' must be in [2, 2147483647], got -99999999999999999999999"};
        QTest::newRow("list for a scalar")
            << "vllm:\n  block_size: [16]\n" << "t.yaml:2:15"
            << QStringList{"'vllm.block_size' must be an integer (one of 1, 8, 16, 32, 64, 128), got a list"};
        QTest::newRow("mapping for a string")
            << "name: {a: 1}\n" << "t.yaml:1:7" << QStringList{"'name' must be a string, got a mapping"};
        QTest::newRow("null for an integer (points at the key)")
            << "vllm:\n  max_model_len:\n  block_size: 16\n" << "t.yaml:2:3"
            << QStringList{"'vllm.max_model_len' must be an integer", "got nothing (null)"};
        QTest::newRow("yes is not a boolean")
            << "vllm:\n  kv_events: yes\n" << "t.yaml:2:14"
            << QStringList{"'vllm.kv_events' must be true or false, got 'yes'"};
        QTest::newRow("block_size 17")
            << "vllm:\n  block_size: 17\n" << "t.yaml:2:15"
            << QStringList{"'vllm.block_size' must be one of 1, 8, 16, 32, 64, 128, got 17"};
        QTest::newRow("gpu_memory_utilization 1.5")
            << "vllm:\n  gpu_memory_utilization: 1.5\n" << "t.yaml:2:27"
            << QStringList{"'vllm.gpu_memory_utilization' must be in (0, 1], got 1.5"};
        QTest::newRow("gpu_memory_utilization 0 (exclusive bound)")
            << "vllm:\n  gpu_memory_utilization: 0\n" << "t.yaml:2:27"
            << QStringList{"'vllm.gpu_memory_utilization' must be in (0, 1], got 0"};
        QTest::newRow("pods 0")
            << "cluster:\n  pods: 0\n" << "t.yaml:2:9" << QStringList{"'cluster.pods' must be in [1, 256], got 0"};
        QTest::newRow("tensor_parallel 3")
            << "model:\n  tensor_parallel: 3\n" << "t.yaml:2:20"
            << QStringList{"'model.tensor_parallel' must be one of 1, 2, 4, 8, got 3"};
        QTest::newRow("bad enum value with suggestion")
            << "routing:\n  policy: roundrobin\n" << "t.yaml:2:11"
            << QStringList{"'routing.policy' must be one of round-robin, random, least-request, kube-service, "
                           "header-hash, epp, got \"roundrobin\"",
                           "did you mean 'round-robin'?"};
        QTest::newRow("unknown model")
            << "model:\n  name: Llama-3-1B\n" << "t.yaml:2:9"
            << QStringList{"'model.name' must be one of Llama-3.2-1B,", "Qwen3-32B", "got \"Llama-3-1B\""};
        QTest::newRow("bad distribution type")
            << "workload:\n  chat:\n    turns: {type: poisson}\n" << "t.yaml:3:19"
            << QStringList{"'workload.chat.turns.type' must be one of constant, uniform, normal, lognormal, "
                           "exponential, got \"poisson\""};
        QTest::newRow("distribution neither number nor mapping")
            << "workload:\n  chat:\n    turns: many\n" << "t.yaml:3:12"
            << QStringList{"'workload.chat.turns' must be a number (a constant) or a mapping with keys type, mean, "
                           "stddev, min, max, got 'many'"};
        QTest::newRow("duplicate top-level key")
            << "seed: 1\nseed: 2\n" << "t.yaml:2:1"
            << QStringList{"duplicate key 'seed' (first given at line 1, column 1)"};
        QTest::newRow("duplicate nested key")
            << "vllm:\n  block_size: 16\n  block_size: 32\n" << "t.yaml:3:3"
            << QStringList{"duplicate key 'vllm.block_size' (first given at line 2, column 3)"};
        QTest::newRow("scalar where a mapping is expected")
            << "vllm: 16\n" << "t.yaml:1:7"
            << QStringList{"'vllm' must be a mapping with keys block_size, gpu_memory_utilization,", "got '16'"};
        QTest::newRow("list as the whole document")
            << "- a\n- b\n" << "t.yaml:1:1"
            << QStringList{"a scenario must be a mapping with keys name, description, seed,", "got a list"};
        QTest::newRow("bad stage shape")
            << "workload:\n  shared_prefix:\n    stages: [[3, 20], [10]]\n" << "t.yaml:3:23"
            << QStringList{"'workload.shared_prefix.stages[1]' must be a {rate, duration} map or a [rate, duration] "
                           "pair, got a list"};
        QTest::newRow("stage with an unknown key")
            << "workload:\n  shared_prefix:\n    stages:\n      - {rate: 3, time: 20}\n" << "t.yaml:4:19"
            << QStringList{"unknown key 'workload.shared_prefix.stages[0].time'; allowed keys: rate, duration"};
        QTest::newRow("negative stage rate")
            << "workload:\n  shared_prefix:\n    stages: [[-3, 20]]\n" << "t.yaml:3:13"
            << QStringList{"'workload.shared_prefix.stages[0].rate' must be in ", ", 1000000], got -3"};
        // Go's json.Unmarshal drops unknown plugin parameters; kvroute names them.
        QTest::newRow("unknown plugin parameter")
            << "routing:\n  policy: epp\n  epp_plugins:\n  - type: prefix-cache-scorer\n"
               "    parameters: {hashBlockSize: 64, hashBlockSise: 64}\n"
            << "t.yaml:5:37"
            << QStringList{"'routing.epp_plugins[0].parameters.hashBlockSise': unknown parameter 'hashBlockSise' of "
                           "plugin type 'prefix-cache-scorer'; allowed parameters: hashBlockSize, "
                           "maxPrefixBlocksToMatch, lruCapacityPerServer, mode,"};
        QTest::newRow("parameter of a plugin that has none")
            << "routing:\n  policy: epp\n  epp_plugins:\n  - type: queue-scorer\n    parameters:\n"
               "      threshold: 3\n"
            << "t.yaml:6:7"
            << QStringList{"unknown parameter 'threshold' of plugin type 'queue-scorer'; allowed parameters: none"};
        QTest::newRow("plugin with an unknown key")
            << "routing:\n  epp_plugins:\n    - type: queue-scorer\n      wieght: 2\n" << "t.yaml:4:7"
            << QStringList{"unknown key 'routing.epp_plugins[0].wieght'; allowed keys: type, name, weight, parameters"};
        QTest::newRow("plugin without a type")
            << "routing:\n  epp_plugins:\n    - name: q\n" << "t.yaml:3:7"
            << QStringList{"'routing.epp_plugins[0]' needs a type"};
        QTest::newRow("plugin of an unknown type")
            << "routing:\n  epp_plugins:\n    - type: queue-scorer\n    - type: bogus-scorer\n" << "t.yaml:4:13"
            << QStringList{"'routing.epp_plugins[1].type': unknown plugin type 'bogus-scorer'; allowed types: decode-filter,"};
        QTest::newRow("plugin parameter out of range")
            << "routing:\n  epp_plugins:\n    - type: prefix-cache-scorer\n      parameters:\n        hashBlockSize: 0\n"
            << "t.yaml:5:9"
            << QStringList{"'routing.epp_plugins[0].parameters.hashBlockSize'"};
        QTest::newRow("YAML syntax error")
            << "name: a: b\n" << "t.yaml:1:8" << QStringList{"YAML syntax error: illegal map value"};
        QTest::newRow("YAML syntax error, bad indentation")
            << "seed: 1\n  pods: 3\n" << "t.yaml:2:7" << QStringList{"YAML syntax error: illegal map value"};
        // yaml-cpp 0.7's LoadAll looped forever on these (upstream issue 1040), growing by gigabytes.
        QTest::newRow("a lone comma")
            << "," << "t.yaml:1:1" << QStringList{"YAML syntax error: unexpected ','"};
        QTest::newRow("a stray comma after a flow map")
            << "{seed: 1}\n,\n" << "t.yaml:2:1" << QStringList{"YAML syntax error: unexpected ','"};
        QTest::newRow("a stray comma in a later document")
            << "---\nseed: 1\n---\n," << "t.yaml:4:1" << QStringList{"YAML syntax error: unexpected ','"};
        // A cycle through an alias recursed without end (segfault) in the plugin-parameter reader.
        QTest::newRow("self-referencing alias")
            << "routing:\n  epp_plugins:\n  - type: queue-scorer\n    parameters: &a {x: *a}\n" << "t.yaml:4:24"
            << QStringList{"alias '*a' refers to a node that contains it"};
        QTest::newRow("alias expansion too large")
            << aliasBomb(25) << "t.yaml:19:21" << QStringList{"more than 100000 values (with aliases expanded)"};
        QTest::newRow("nesting too deep")
            << QString(70, '[') + QString(70, ']') << "t.yaml:1:65"
            << QStringList{"YAML nesting deeper than 64 levels"};
        QTest::newRow("nesting too deep through an alias")
            << "a: &a " + QString(40, '[') + QString(40, ']') + "\nb: " + QString(30, '[') + "*a" + QString(30, ']')
            << "t.yaml:2:34" << QStringList{"YAML nesting deeper than 64 levels (with aliases expanded)"};
    }

    void rejects()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, where);
        QFETCH(QStringList, fragments);

        const auto parsed = parseScenarioYaml(yaml.toStdString(), "t.yaml", "");
        QVERIFY2(!parsed, "the document must be rejected");
        const std::string message = parsed.error().message;
        QCOMPARE(QString::fromStdString(parsed.error().where), where);
        for (const QString& fragment : fragments)
            QVERIFY2(message.find(fragment.toStdString()) != std::string::npos,
                     ("missing '" + fragment.toStdString() + "' in: " + message).c_str());
    }

    // Cross-field errors land on the key the file gave.
    void crossFieldErrorsPointAtTheGivenKey_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("fragment");

        QTest::newRow("max_num_seqs above the token budget")
            << "vllm:\n  max_num_seqs: 4096\n" << "t.yaml:2:17"
            << "vllm.max_num_batched_tokens (2048) must be at least vllm.max_num_seqs (4096)";
        QTest::newRow("long prefill threshold above max_model_len")
            << "vllm:\n  long_prefill_token_threshold: 5000\n" << "t.yaml:2:33"
            << "vllm.long_prefill_token_threshold (5000) cannot be greater than vllm.max_model_len (4096)";
        QTest::newRow("trace without a path: points at the type")
            << "workload:\n  type: mooncake\n" << "t.yaml:2:9" << "workload.path is required";
        QTest::newRow("constant distribution outside its clamp")
            << "workload:\n  chat:\n    turns: {type: constant, mean: 5, min: 1, max: 3}\n" << "t.yaml:3:35"
            << "workload.chat.turns is constant 5, outside its [min, max] = [1, 3]";
    }

    void crossFieldErrorsPointAtTheGivenKey()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, where);
        QFETCH(QString, fragment);
        const auto parsed = parseScenarioYaml(yaml.toStdString(), "t.yaml", "");
        QVERIFY(!parsed);
        QCOMPARE(QString::fromStdString(parsed.error().where), where);
        QVERIFY2(parsed.error().message.find(fragment.toStdString()) != std::string::npos,
                 parsed.error().message.c_str());
    }

    void anEmptyDocumentIsAnError()
    {
        // An empty file is far more often a wrong or truncated file than a wish for defaults.
        const auto empty = parseScenarioYaml("# nothing but a comment\n", "t.yaml", "");
        QVERIFY(!empty);
        QCOMPARE(empty.error().toString(), std::string("t.yaml:1:1: the scenario is empty; start from a built-in one "
                                                       "(kvroute scenarios show default)"));
    }

    // --set values go through the same guarded parser as files.
    void setValuesAreGuardedLikeFiles_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("fragment");
        QTest::newRow("lone comma") << "vllm.block_size" << "," << "unexpected ','";
        QTest::newRow("self-referencing alias")
            << "routing.epp_plugins" << "[{type: queue-scorer, parameters: &a {x: *a}}]"
            << "alias '*a' refers to a node that contains it";
    }

    void setValuesAreGuardedLikeFiles()
    {
        QFETCH(QString, path);
        QFETCH(QString, value);
        QFETCH(QString, fragment);
        Scenario scenario;
        const auto set = setField(scenario, path.toStdString(), value.toStdString(), "--set");
        QVERIFY(!set);
        QCOMPARE(set.error().where, std::string("--set"));
        QVERIFY2(set.error().message.find(fragment.toStdString()) != std::string::npos, set.error().message.c_str());
    }

    void anEmptyMapIsAllDefaults()
    {
        const auto parsed = parseScenarioYaml("{}\n", "t.yaml", "");
        QVERIFY2(parsed.has_value(), parsed ? "" : parsed.error().toString().c_str());
        QCOMPARE(parsed->vllm.blockSize, 16);
        QCOMPARE(parsed->cluster.pods, 3);
    }
};

QTEST_APPLESS_MAIN(TestScenarioErrors)
#include "tst_scenario_errors.moc"
