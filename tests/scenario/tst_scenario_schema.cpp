// The schema table: the keys the rest of the project relies on exist, every key round-trips
// through its own text, and ranges/allowed values are what vLLM and Kubernetes accept.

#include "sim/scenario/scenario_yaml.h"

#include <QDir>
#include <QFile>
#include <QTest>

#include <set>
#include <string>

using namespace kvroute::sim;

class TestScenarioSchema : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void requiredKeysExist_data()
    {
        QTest::addColumn<QString>("path");
        for (const char* path :
             {"seed", "cluster.pods", "vllm.block_size", "vllm.num_gpu_blocks_override", "routing.profile",
              "workload.path", "workload.max_requests", "name", "description", "duration", "drain_limit",
              "sample_interval", "model.name", "model.gpu", "model.tensor_parallel", "model.latency_model",
              "vllm.gpu_memory_utilization", "vllm.max_model_len", "vllm.max_num_seqs", "vllm.max_num_batched_tokens",
              "vllm.enable_prefix_caching", "vllm.enable_chunked_prefill", "vllm.long_prefill_token_threshold",
              "vllm.prefix_caching_hash_algo", "vllm.python_hash_seed", "vllm.kv_events", "routing.policy",
              "routing.epp_config", "routing.epp_plugins", "routing.scrape_interval", "routing.kv_event_delay",
              "routing.gateway_delay", "routing.service.session_affinity", "routing.service.timeout_seconds",
              "routing.service.sees_client_ip", "routing.service.mesh_bypass", "routing.header_hash.header",
              "routing.header_hash.minimum_ring_size", "workload.type", "workload.time_scale", "workload.client_ips",
              "workload.chat.users_per_second", "workload.chat.turns.type", "workload.chat.think_time.mean",
              "workload.chat.message_tokens.stddev", "workload.chat.answer_tokens.max", "workload.chat.system_prompts",
              "workload.chat.system_prompt_tokens", "workload.shared_prefix.num_groups",
              "workload.shared_prefix.prompts_per_group", "workload.shared_prefix.system_prompt_len",
              "workload.shared_prefix.question_len", "workload.shared_prefix.output_len",
              "workload.shared_prefix.stages", "workload.repeat.count", "workload.repeat.gap",
              "workload.repeat.prompt_tokens", "workload.repeat.max_tokens", "workload.mooncake_block_tokens",
              "workload.chat.max_prompt_tokens", "workload.shared_prefix.drain_between_stages",
              "workload.shared_prefix.stage_gap", "workload.repeat.wait_for_completion"})
            QTest::newRow(path) << QString::fromLatin1(path);
    }

    void requiredKeysExist()
    {
        QFETCH(QString, path);
        const FieldSpec* field = findField(path.toStdString());
        QVERIFY(field != nullptr);
        QVERIFY(!field->help.empty());
        QVERIFY(field->get && field->set);
    }

    void pathsAreUniqueAndGroupsDeclared()
    {
        std::set<std::string> seen;
        for (const FieldSpec& field : scenarioFields()) {
            QVERIFY2(seen.insert(field.path).second, field.path.c_str());
            for (auto dot = field.path.find('.'); dot != std::string::npos; dot = field.path.find('.', dot + 1))
                QVERIFY2(findGroup(field.path.substr(0, dot)) != nullptr, field.path.c_str());
        }
        for (const GroupSpec& group : scenarioGroups())
            QVERIFY2(!group.help.empty(), group.path.c_str());
    }

    // vLLM's CUDA block sizes (config.py BlockSize), the TP degrees, and the enums' values.
    void allowedValues()
    {
        QCOMPARE(findField("vllm.block_size")->allowed,
                 (std::vector<std::string>{"1", "8", "16", "32", "64", "128"}));
        QCOMPARE(findField("model.tensor_parallel")->allowed, (std::vector<std::string>{"1", "2", "4", "8"}));
        QCOMPARE(findField("routing.policy")->allowed,
                 (std::vector<std::string>{"round-robin", "random", "least-request", "kube-service", "header-hash",
                                           "epp"}));
        QCOMPARE(findField("routing.profile")->allowed,
                 (std::vector<std::string>{"precise", "approximate", "load", "random", "default"}));
        QCOMPARE(findField("workload.type")->allowed,
                 (std::vector<std::string>{"chat-sessions", "shared-prefix", "repeat-prompt", "mooncake", "azure",
                                           "inference-perf"}));
        QCOMPARE(findField("vllm.prefix_caching_hash_algo")->allowed,
                 (std::vector<std::string>{"builtin", "sha256_cbor_64bit"}));
        QCOMPARE(findField("routing.service.session_affinity")->allowed,
                 (std::vector<std::string>{"ClientIP", "None"}));
        QCOMPARE(allowedText(*findField("vllm.gpu_memory_utilization")), std::string("in (0, 1]"));
        QCOMPARE(allowedText(*findField("cluster.pods")), std::string("in [1, 256]"));
        QCOMPARE(allowedText(*findField("routing.service.timeout_seconds")), std::string("in [1, 86400]"));
    }

    // setField(s, p, fieldValueText(s, p)) changes nothing, for every key of every built-in.
    void everyKeyRoundTripsThroughItsText()
    {
        for (const auto& [name, description] : builtinScenarioList()) {
            auto scenario = builtinScenario(name);
            QVERIFY(scenario.has_value());
            const std::string before = toYaml(*scenario);
            for (const FieldSpec& field : scenarioFields()) {
                const std::string text = fieldValueText(*scenario, field.path);
                const auto set = setField(*scenario, field.path, text, "test");
                QVERIFY2(set.has_value(), (field.path + " = " + text + ": " + (set ? "" : set.error().toString())).c_str());
            }
            QCOMPARE(QString::fromStdString(toYaml(*scenario)), QString::fromStdString(before));
        }
    }

    void groupText()
    {
        Scenario s;
        s.workload.chat.turnsPerSession = Distribution{Distribution::Kind::Uniform, 0, 0, 2, 8};
        QCOMPARE(fieldValueText(s, "workload.chat.turns"),
                 std::string("{type: uniform, mean: 0, stddev: 0, min: 2, max: 8}"));
        QCOMPARE(fieldValueText(s, "no.such.key"), std::string());
    }

    void stringsThatLookLikeOtherTypesAreQuoted()
    {
        Scenario s;
        for (const char* text : {"42", "null", "true", "", "a: b", "-x", "# c", "[x]", "../p"}) {
            s.description = text;
            const std::string yaml = toYaml(s);
            const auto back = parseScenarioYaml(yaml, "q.yaml", "");
            QVERIFY2(back.has_value(), (std::string(text) + ": " + (back ? "" : back.error().toString())).c_str());
            QCOMPARE(back->description, std::string(text));
        }
    }

    void relativePathsResolveAgainstTheFile()
    {
        const auto s = parseScenarioYaml("routing:\n  epp_config: conf/epp.yaml\nworkload:\n  path: /abs/t.jsonl\n",
                                         "dir/s.yaml", "/base/dir");
        QVERIFY2(s.has_value(), s ? "" : s.error().toString().c_str());
        QCOMPARE(s->routing.epp.configFile, std::string("/base/dir/conf/epp.yaml"));
        QCOMPARE(s->workload.trace.path, std::string("/abs/t.jsonl"));
    }

    void loadsAFile()
    {
        const QString dir = QDir::tempPath() + QStringLiteral("/kvroute-tst-scenario-schema");
        QVERIFY(QDir().mkpath(dir));
        const QString file = dir + QStringLiteral("/my-run.yaml");
        {
            QFile out(file);
            QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
            out.write("workload:\n  type: mooncake\n  path: ../traces/t.jsonl\n");
        }
        const auto s = loadScenarioFile(file.toStdString());
        QVERIFY2(s.has_value(), s ? "" : s.error().toString().c_str());
        QCOMPARE(s->name, std::string("my-run"));
        QCOMPARE(QString::fromStdString(s->workload.trace.path),
                 QDir::cleanPath(QDir::tempPath() + QStringLiteral("/traces/t.jsonl")));
        QFile::remove(file);

        const auto missing = loadScenarioFile((dir + QStringLiteral("/nope.yaml")).toStdString());
        QVERIFY(!missing);
        QVERIFY(missing.error().where.ends_with("nope.yaml"));
    }
};

QTEST_APPLESS_MAIN(TestScenarioSchema)
#include "tst_scenario_schema.moc"
