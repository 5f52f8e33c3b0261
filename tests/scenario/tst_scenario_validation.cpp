// Cross-field validation as vLLM v0.10.0 and the routers check at startup, and the warnings for
// settings that are accepted but have no effect (vllm.md §8, llmd.md §2 and §5).

#include "sim/scenario/scenario_validation.h"
#include "sim/scenario/scenario_yaml.h"

#include <QTest>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

using namespace kvroute::sim;

namespace {

kvroute::Result<Scenario> parse(const std::string& yaml)
{
    return parseScenarioYaml(yaml, "v.yaml", "");
}

bool anyContains(const std::vector<std::string>& texts, const std::string& fragment)
{
    return std::ranges::any_of(texts, [&](const std::string& t) { return t.find(fragment) != std::string::npos; });
}

} // namespace

class TestScenarioValidation : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void rejects_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("fragment");

        // SchedulerConfig._verify_args: max_num_batched_tokens >= max_num_seqs.
        QTest::newRow("batched tokens below seqs")
            << "vllm:\n  max_num_seqs: 300\n  max_num_batched_tokens: 299\n"
            << "vllm.max_num_batched_tokens (299) must be at least vllm.max_num_seqs (300)";
        // SchedulerConfig._verify_args: long_prefill_token_threshold <= max_model_len.
        QTest::newRow("threshold above max_model_len")
            << "vllm:\n  max_model_len: 1024\n  long_prefill_token_threshold: 1025\n"
            << "vllm.long_prefill_token_threshold (1025) cannot be greater than vllm.max_model_len (1024)";
        // Qwen3-32B's max_position_embeddings is 40960 (HF config, resources/presets/models.yaml).
        QTest::newRow("max_model_len above the model's")
            << "model:\n  name: Qwen3-32B\n  tensor_parallel: 2\nvllm:\n  max_model_len: 40961\n"
            << "vllm.max_model_len (40961) is greater than the 40960 max_position_embeddings of Qwen3-32B";
        // 32.76 B parameters × 2 bytes = 61.0 GiB of weights on one 44.39 GiB L40S.
        QTest::newRow("weights do not fit")
            << "model:\n  name: Qwen3-32B\n  gpu: L40S\n" << "vLLM would not start: the weights of Qwen3-32B";
        QTest::newRow("trace without a path")
            << "workload:\n  type: azure\n" << "workload.path is required for workload.type mooncake and azure";
        QTest::newRow("shared-prefix without stages")
            << "workload:\n  type: shared-prefix\n  shared_prefix:\n    stages: []\n"
            << "workload.shared_prefix.stages needs at least one stage";
        QTest::newRow("epp config and inline plugins")
            << "routing:\n  epp_config: /etc/epp.yaml\n  epp_plugins: [{type: random-picker}]\n"
            << "routing.epp_config and routing.epp_plugins both define the EPP plugins";
        QTest::newRow("distribution min above max")
            << "workload:\n  chat:\n    think_time: {type: exponential, mean: 3, min: 5, max: 4}\n"
            << "workload.chat.think_time.min (5) must not exceed workload.chat.think_time.max (4)";
        QTest::newRow("lognormal needs a positive mean")
            << "workload:\n  chat:\n    message_tokens: {type: lognormal, mean: 0, stddev: 3}\n"
            << "workload.chat.message_tokens.mean must be positive for a lognormal distribution";
        QTest::newRow("sessions need a turn")
            << "workload:\n  chat:\n    turns: {type: exponential, mean: 3}\n"
            << "workload.chat.turns.min must be at least 1, got 0";
        QTest::newRow("a hash seed Python refuses") << "vllm:\n  python_hash_seed: abc\n"
                                                    << "vllm.python_hash_seed \"abc\" is not a PYTHONHASHSEED Python starts with";
        QTest::newRow("a hash seed past 32 bits") << "vllm:\n  python_hash_seed: \"4294967296\"\n"
                                                  << "\"random\" or an integer from 0 to 4294967295";
        QTest::newRow("empty header") << "routing:\n  header_hash:\n    header: \"\"\n"
                                      << "routing.header_hash.header must name an HTTP header";
    }

    void rejects()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, fragment);
        const auto parsed = parse(yaml.toStdString());
        QVERIFY2(!parsed, "must be rejected");
        QVERIFY2(parsed.error().message.find(fragment.toStdString()) != std::string::npos,
                 parsed.error().message.c_str());
    }

    void acceptsTheBoundaries()
    {
        // Equal is allowed on both vLLM rules.
        const auto parsed = parse("vllm:\n  max_num_seqs: 2048\n  max_num_batched_tokens: 2048\n"
                                  "  long_prefill_token_threshold: 4096\n  max_model_len: 4096\n");
        QVERIFY2(parsed.has_value(), parsed ? "" : parsed.error().toString().c_str());
        // Every PYTHONHASHSEED Python starts with.
        for (const char* seed : {"random", "0", "4294967295", "+7", "\"\""}) {
            const auto withSeed = parse(std::string("vllm:\n  python_hash_seed: ") + seed + "\n");
            QVERIFY2(withSeed.has_value(), withSeed ? seed : withSeed.error().toString().c_str());
        }
    }

    void validateScenarioChecksCodeBuiltScenarios()
    {
        Scenario s;
        QVERIFY(validateScenario(s));
        s.vllm.blockSize = 17;
        auto result = validateScenario(s);
        QVERIFY(!result);
        QCOMPARE(result.error().where, std::string("vllm.block_size"));
        s.vllm.blockSize = 16;
        s.model.model = "no-such-model";
        result = validateScenario(s);
        QVERIFY(!result);
        QCOMPARE(result.error().where, std::string("model.name"));
    }

    // vLLM v0.10.0's V1 engine forces chunked prefill on (arg_utils.py _set_default_args_v1):
    // false is accepted and recorded, with a warning.
    void chunkedPrefillOffWarns()
    {
        const auto off = parse("vllm:\n  enable_chunked_prefill: false\n  max_num_batched_tokens: 2048\n"
                               "  max_model_len: 4096\n");
        QVERIFY2(off.has_value(), off ? "" : off.error().toString().c_str());
        QVERIFY(!off->vllm.enableChunkedPrefill);
        QVERIFY(anyContains(off->warnings, "vllm.enable_chunked_prefill: false has no effect"));
        // V0 would have required max_num_batched_tokens >= max_model_len: 2048 < 4096.
        QVERIFY(anyContains(off->warnings, "max_num_batched_tokens 2048 < max_model_len 4096"));
        QCOMPARE(scenarioWarnings(*off), off->warnings);
        QVERIFY(toYaml(*off).find("# warning: vllm.enable_chunked_prefill") != std::string::npos);

        const auto on = parse("vllm:\n  enable_chunked_prefill: true\n");
        QVERIFY(on.has_value());
        QVERIFY(on->warnings.empty());
    }

    void preciseRoutingWarnings()
    {
        const auto s = parse("routing:\n  policy: epp\n  profile: precise\n");
        QVERIFY(s.has_value());
        QVERIFY(anyContains(s->warnings, "vllm.kv_events is false"));
        QVERIFY(anyContains(s->warnings, "vllm.python_hash_seed is null"));
        QVERIFY(anyContains(s->warnings, "vllm.prefix_caching_hash_algo is builtin"));

        // The built-in precise profile's index: blockSize 64, hashSeed "42" (llmd.md §1.8).
        QVERIFY(anyContains(s->warnings, "hashes 64-token blocks (tokenProcessorConfig.blockSize) but vllm.block_size is 16"));

        const auto ok = parse("routing:\n  policy: epp\n  profile: precise\nvllm:\n  kv_events: true\n"
                              "  python_hash_seed: \"42\"\n  prefix_caching_hash_algo: sha256_cbor_64bit\n"
                              "  block_size: 64\n");
        QVERIFY(ok.has_value());
        QVERIFY2(ok->warnings.empty(), ok->warnings.empty() ? "" : ok->warnings.front().c_str());

        const auto otherSeed = parse("routing:\n  policy: epp\n  profile: precise\nvllm:\n  kv_events: true\n"
                                     "  python_hash_seed: \"7\"\n  prefix_caching_hash_algo: sha256_cbor_64bit\n"
                                     "  block_size: 64\n");
        QVERIFY(otherSeed.has_value());
        QCOMPARE(otherSeed->warnings.size(), std::size_t{1});
        QVERIFY(anyContains(otherSeed->warnings, "hashSeed is \"42\" but vllm.python_hash_seed is \"7\""));

        // The same scorer named as a plugin.
        const auto plugin = parse("routing:\n  policy: epp\n  epp_plugins:\n    - type: precise-prefix-cache-scorer\n");
        QVERIFY(plugin.has_value());
        QVERIFY(anyContains(plugin->warnings, "vllm.kv_events is false"));
    }

    void settingsTheChoiceNeverReadsWarn()
    {
        const auto s = parse("routing:\n  policy: round-robin\n  epp_plugins:\n    - type: queue-scorer\n"
                             "workload:\n  type: repeat-prompt\n  path: trace.jsonl\n");
        QVERIFY2(s.has_value(), s ? "" : s.error().toString().c_str());
        QVERIFY(anyContains(s->warnings, "routing.epp_plugins is set but routing.policy is round-robin"));
        QVERIFY(anyContains(s->warnings, "workload.path is set but workload.type is repeat-prompt"));
        const auto used = parse("routing:\n  policy: epp\n  epp_plugins:\n    - type: queue-scorer\n");
        QVERIFY(used.has_value());
        QVERIFY(!anyContains(used->warnings, "is not used"));
    }

    // inference-perf takes its load from its config file: the keys of the other workload types are
    // accepted (a resolved scenario lists them all) but, set, they warn where they were given.
    void keysInferencePerfNeverReadsWarnWhereGiven()
    {
        const std::string head = "workload:\n  type: inference-perf\n  path: ip.yaml\n";
        const auto s = parse(head + "  shared_prefix:\n    num_groups: 10\n    stages: [[3, 20]]\n");
        QVERIFY2(s.has_value(), s ? "" : s.error().toString().c_str());
        QVERIFY2(anyContains(s->warnings, "v.yaml:5:17: workload.shared_prefix.num_groups, workload.shared_prefix.stages "
                                          "are set but workload.type is inference-perf"),
                 s->warnings.empty() ? "" : s->warnings.back().c_str());
        QVERIFY(anyContains(s->warnings, "reads only type, path, max_requests, client_ips and client.*"));
        QCOMPARE(unreadWorkloadKeysWarning(*s), std::optional<std::string>(s->warnings.back()));

        // The keys inference-perf reads, and the others at their defaults (as a resolved scenario
        // gives them), say nothing.
        const auto clean = parse(head + "  max_requests: 10\n  client_ips: per-group\n  client: {max_in_flight: 4}\n"
                                        "  shared_prefix: {num_groups: 150}\n  time_scale: 1\n");
        QVERIFY2(clean.has_value(), clean ? "" : clean.error().toString().c_str());
        QVERIFY(!unreadWorkloadKeysWarning(*clean));
        const auto resolved = parseScenarioYaml(toYaml(*clean), "resolved.yaml", "");
        QVERIFY2(resolved.has_value(), resolved ? "" : resolved.error().toString().c_str());
        QVERIFY(!unreadWorkloadKeysWarning(*resolved));

        // --set is named like a file position; another workload type reads the keys.
        Scenario set = *clean;
        QVERIFY(applyOverrides(set, std::vector<std::string>{"workload.repeat.count=5"}).has_value());
        QVERIFY2(anyContains(set.warnings, "--set workload.repeat.count=5: workload.repeat.count is set but "
                                           "workload.type is inference-perf"),
                 set.warnings.empty() ? "" : set.warnings.back().c_str());
        QVERIFY(applyOverrides(set, std::vector<std::string>{"workload.type=repeat-prompt"}).has_value());
        QVERIFY(!unreadWorkloadKeysWarning(set));
        QVERIFY(!anyContains(set.warnings, "workload.repeat.count is set"));

        // A distribution is one key, however many of its fields differ from the defaults.
        const auto distribution =
            parse(head + "  chat:\n    turns: {type: normal, mean: 3, stddev: 1, min: 1, max: 9}\n    users_per_second: 2\n");
        QVERIFY2(distribution.has_value(), distribution ? "" : distribution.error().toString().c_str());
        QVERIFY2(anyContains(distribution->warnings, "workload.chat.users_per_second, workload.chat.turns are set but"),
                 distribution->warnings.empty() ? "" : distribution->warnings.back().c_str());
        QVERIFY(!anyContains(distribution->warnings, "turns."));
    }

    // Accepted so no working llm-d config is refused, but not simulated: the notes say so.
    void unmodelledEppParametersWarn()
    {
        const auto s = parse("routing:\n  policy: epp\n  epp_plugins:\n    - type: prefix-cache-scorer\n"
                             "      parameters: {blockSizeTokens: 32, hashBlockSize: 64}\n"
                             "    - type: kv-cache-utilization-scorer\n      parameters: {normalizeScore: true}\n");
        QVERIFY2(s.has_value(), s ? "" : s.error().toString().c_str());
        QVERIFY(anyContains(s->warnings, "parameter blockSizeTokens is read by newer llm-d releases but not simulated"));
        QVERIFY(anyContains(s->warnings, "parameter normalizeScore is read by newer llm-d releases"));
        QVERIFY(!anyContains(s->warnings, "parameter hashBlockSize"));
        // Policy other than epp: the plugins are not used at all, said once by another note.
        const auto unused = parse("routing:\n  policy: random\n  epp_plugins:\n    - type: prefix-cache-scorer\n"
                                  "      parameters: {blockSizeTokens: 32}\n");
        QVERIFY(unused.has_value());
        QVERIFY(!anyContains(unused->warnings, "not simulated"));
    }
};

QTEST_APPLESS_MAIN(TestScenarioValidation)
#include "tst_scenario_validation.moc"
