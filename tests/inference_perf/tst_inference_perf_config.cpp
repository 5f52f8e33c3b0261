// Reading inference-perf config files (sim/workload/inference_perf_config.h): every field the
// simulation uses, inference-perf v0.2.0's defaults (inference_perf/config.py), the llm-d
// 73-capacity config, and bad input named by file:line:column and key.

#include "sim/workload/inference_perf_config.h"

#include <QtTest/QtTest>

#include <string>

using namespace kvroute::sim;

class TestInferencePerfConfig final : public QObject {
    Q_OBJECT

private slots:
    void llmdConfig();
    void defaults();
    void everyField();
    void randomData();
    void upstreamEdgeValues();
    void ignoredSectionsAreAccepted();
    void badInput_data();
    void badInput();
    void missingFile();
};

void TestInferencePerfConfig::llmdConfig()
{
    auto c = loadInferencePerfConfig(KVROUTE_SOURCE_DIR "/resources/inference-perf/llmd-73-capacity.yaml");
    QVERIFY2(c.has_value(), c ? "" : c.error().toString().c_str());
    QVERIFY(c->loadType == ArrivalProcess::Poisson);
    // README lines 31-80: the 15 × 50 warm-up and a 16-rung ladder from 3 to 60 req/s.
    QCOMPARE(c->stages.size(), std::size_t{17});
    QCOMPARE(c->stages.front().rate, 15.0);
    QCOMPARE(c->stages.front().durationSeconds, 50.0);
    QCOMPARE(c->stages[4].rate, 20.0);
    QCOMPARE(c->stages[4].durationSeconds, 38.0);
    QCOMPARE(c->stages.back().rate, 60.0);
    QCOMPARE(c->stages.back().durationSeconds, 25.0);
    double requests = 0;
    for (const auto& s : c->stages)
        requests += static_cast<double>(static_cast<long long>(s.rate * s.durationSeconds));
    QCOMPARE(requests, 17084.0); // 750 warm-up + 16,334 (llmd73 report addendum)
    QCOMPARE(c->intervalSeconds, 1.0);
    QVERIFY(!c->numWorkers);
    QCOMPARE(c->workerMaxConcurrency, std::int64_t{100});
    QVERIFY(c->data == InferencePerfData::SharedPrefix);
    QCOMPARE(c->numGroups, 150);
    QCOMPARE(c->promptsPerGroup, 5);
    QCOMPARE(c->systemPromptLen, 6000);
    QCOMPARE(c->questionLen, 1200);
    QCOMPARE(c->outputLen, 1000);
    QVERIFY(c->streaming);
}

void TestInferencePerfConfig::defaults()
{
    auto c = parseInferencePerfConfig("load:\n  stages:\n    - rate: 2\n      duration: 5\n"
                                      "data:\n  type: shared_prefix\n  shared_prefix: {}\n",
                                      "min.yaml");
    QVERIFY2(c.has_value(), c ? "" : c.error().toString().c_str());
    QVERIFY(c->loadType == ArrivalProcess::Constant); // LoadConfig.type = CONSTANT
    QCOMPARE(c->intervalSeconds, 1.0);
    QVERIFY(!c->numWorkers);
    QCOMPARE(c->workerMaxConcurrency, std::int64_t{100});
    QCOMPARE(c->numGroups, 10); // SharedPrefix defaults 10, 10, 100, 50, 50
    QCOMPARE(c->promptsPerGroup, 10);
    QCOMPARE(c->systemPromptLen, 100);
    QCOMPARE(c->questionLen, 50);
    QCOMPARE(c->outputLen, 50);
    QVERIFY(!c->streaming); // APIConfig.streaming = False
    QCOMPARE(c->file, std::string("min.yaml"));
}

void TestInferencePerfConfig::everyField()
{
    auto c = parseInferencePerfConfig(R"(api:
  type: completion
  streaming: true
  headers: {x-test: "1"}
load:
  type: poisson
  interval: 2.5
  num_workers: 4
  worker_max_concurrency: 25
  worker_max_tcp_connections: 100
  stages:
    - {rate: 1.5, duration: 10}
    - {rate: 7, duration: 3}
data:
  type: shared_prefix
  shared_prefix:
    num_groups: 3
    num_prompts_per_group: 4
    system_prompt_len: 0
    question_len: 9
    output_len: 11
)",
                                      "all.yaml");
    QVERIFY2(c.has_value(), c ? "" : c.error().toString().c_str());
    QVERIFY(c->streaming);
    QVERIFY(c->loadType == ArrivalProcess::Poisson);
    QCOMPARE(c->intervalSeconds, 2.5);
    QCOMPARE(*c->numWorkers, std::int64_t{4});
    QCOMPARE(c->workerMaxConcurrency, std::int64_t{25});
    QCOMPARE(c->stages.size(), std::size_t{2});
    QCOMPARE(c->stages[0].rate, 1.5);
    QCOMPARE(c->stages[1].durationSeconds, 3.0);
    QCOMPARE(c->numGroups, 3);
    QCOMPARE(c->promptsPerGroup, 4);
    QCOMPARE(c->systemPromptLen, 0);
    QCOMPARE(c->questionLen, 9);
    QCOMPARE(c->outputLen, 11);
}

void TestInferencePerfConfig::randomData()
{
    auto c = parseInferencePerfConfig(R"(load:
  type: constant
  stages: [{rate: 4, duration: 10}]
data:
  type: random
  input_distribution: {min: 20, max: 400, mean: 200, std_dev: 50, total_count: 30}
  output_distribution: {mean: 100, std_dev: 0, min: 100, max: 100}
)",
                                      "random.yaml");
    QVERIFY2(c.has_value(), c ? "" : c.error().toString().c_str());
    QVERIFY(c->data == InferencePerfData::Random);
    QCOMPARE(c->input.min, std::int64_t{20});
    QCOMPARE(c->input.max, std::int64_t{400});
    QCOMPARE(c->input.mean, 200.0);
    QCOMPARE(c->input.stdDev, 50.0);
    QCOMPARE(c->input.totalCount, std::int64_t{30});
    QCOMPARE(c->output.totalCount, std::int64_t{0}); // not given: the planner fills it
    QCOMPARE(c->output.mean, 100.0);
}

void TestInferencePerfConfig::upstreamEdgeValues()
{
    // pydantic 2 reads 30.0 into LoadStage.duration (an int) as 30; the output distribution's
    // min may be 0 (a 0 is sent as max_tokens 30), and so may shared_prefix.output_len.
    auto c = parseInferencePerfConfig(R"(load:
  stages: [{rate: 2, duration: 30.0}]
  num_workers: 1
data:
  type: random
  input_distribution: {min: 1, max: 40, mean: 5, std_dev: 10}
  output_distribution: {min: 0, max: 8, mean: 1, std_dev: 2}
)",
                                      "edges.yaml");
    QVERIFY2(c.has_value(), c ? "" : c.error().toString().c_str());
    QCOMPARE(c->stages.size(), std::size_t{1});
    QCOMPARE(c->stages[0].durationSeconds, 30.0);
    QCOMPARE(c->input.min, std::int64_t{1});
    QCOMPARE(c->output.min, std::int64_t{0});
    QCOMPARE(c->numWorkers.value_or(0), std::int64_t{1});

    auto sp = parseInferencePerfConfig("load: {stages: [{rate: 1, duration: 10}]}\n"
                                       "data: {type: shared_prefix, shared_prefix: {output_len: 0}}\n",
                                       "sp.yaml");
    QVERIFY2(sp.has_value(), sp ? "" : sp.error().toString().c_str());
    QCOMPARE(sp->outputLen, kInferencePerfDefaultMaxTokens);
    QCOMPARE(kInferencePerfDefaultMaxTokens, 30);
}

void TestInferencePerfConfig::ignoredSectionsAreAccepted()
{
    // server, tokenizer, report, storage and metrics only address real services and files.
    auto c = parseInferencePerfConfig(R"(server: {type: vllm, model_name: m, base_url: http://x, ignore_eos: true, anything: 1}
tokenizer: {pretrained_model_name_or_path: m}
report: {request_lifecycle: {summary: true, per_stage: true, per_request: false}}
storage: {local_storage: {path: /tmp}}
metrics: null
load: {stages: [{rate: 1, duration: 1}]}
data: {type: shared_prefix, shared_prefix: {num_groups: 1}}
)",
                                      "ignored.yaml");
    QVERIFY2(c.has_value(), c ? "" : c.error().toString().c_str());
    QCOMPARE(c->numGroups, 1);
}

void TestInferencePerfConfig::badInput_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("where");   // file:line:column
    QTest::addColumn<QString>("message"); // a part of the message

    const QString data = QStringLiteral("data: {type: shared_prefix, shared_prefix: {}}\n");
    const QString load = QStringLiteral("load: {stages: [{rate: 1, duration: 1}]}\n");
    QTest::newRow("unknown top-level key") << QStringLiteral("lod: 1\n") + load + data << "f.yaml:1:1"
                                           << "unknown key 'lod' in the top level of an inference-perf config; "
                                              "allowed keys: api, data, load, metrics, report, storage, server, "
                                              "tokenizer";
    QTest::newRow("unknown load key") << data + QStringLiteral("load:\n  stages: [{rate: 1, duration: 1}]\n  rates: 3\n")
                                      << "f.yaml:4:3" << "unknown key 'rates' in load; allowed keys: type, interval";
    QTest::newRow("unknown data key") << load + QStringLiteral("data:\n  type: shared_prefix\n  shared: {}\n")
                                      << "f.yaml:4:3" << "unknown key 'shared' in data; allowed keys: type, path";
    QTest::newRow("unknown shared_prefix key")
        << load + QStringLiteral("data:\n  type: shared_prefix\n  shared_prefix:\n    num_group: 3\n") << "f.yaml:5:5"
        << "unknown key 'num_group' in data.shared_prefix";
    QTest::newRow("unknown stage key") << data + QStringLiteral("load:\n  stages:\n    - {rate: 1, duration: 1, num_requests: 3}\n")
                                       << "f.yaml:4:30" << "unknown key 'num_requests' in load.stages[0]";
    QTest::newRow("data type shareGPT") << load + QStringLiteral("data:\n  type: shareGPT\n") << "f.yaml:3:9"
                                        << "data.type 'shareGPT' is not supported; allowed: shared_prefix, random";
    QTest::newRow("data type missing") << load + QStringLiteral("data: {shared_prefix: {}}\n") << "f.yaml:2:7"
                                       << "data.type is missing (inference-perf's default is mock)";
    QTest::newRow("no data") << load << "f.yaml" << "no data section";
    QTest::newRow("load type sweep") << data + QStringLiteral("load:\n  type: sweep\n  stages: [{rate: 1, duration: 1}]\n")
                                     << "f.yaml:3:9" << "load.type 'sweep' is not supported; allowed: constant, poisson";
    QTest::newRow("load type concurrent") << data + QStringLiteral("load:\n  type: concurrent\n  stages: []\n")
                                          << "f.yaml:3:9" << "allowed: constant, poisson";
    QTest::newRow("load sweep section") << data + QStringLiteral("load:\n  sweep: {type: linear}\n  stages: [{rate: 1, duration: 1}]\n")
                                        << "f.yaml:3:10" << "load.sweep is not supported";
    QTest::newRow("no stages") << data + QStringLiteral("load:\n  type: poisson\n") << "f.yaml:3:3"
                               << "load.stages is missing";
    QTest::newRow("empty stages") << data + QStringLiteral("load:\n  stages: []\n") << "f.yaml:3:11"
                                  << "load.stages needs at least one";
    QTest::newRow("zero rate") << data + QStringLiteral("load:\n  stages:\n    - rate: 0\n      duration: 5\n")
                               << "f.yaml:4:13" << "key 'rate' in load.stages[0] must be more than 0";
    QTest::newRow("negative rate") << data + QStringLiteral("load:\n  stages:\n    - rate: -2\n      duration: 5\n")
                                   << "f.yaml:4:13" << "key 'rate' in load.stages[0] must be more than 0 and at most 1e+06, got -2";
    QTest::newRow("text rate") << data + QStringLiteral("load:\n  stages:\n    - rate: fast\n      duration: 5\n")
                               << "f.yaml:4:13" << "key 'rate' in load.stages[0] must be a number, got 'fast'";
    QTest::newRow("no workers") << data + QStringLiteral("load:\n  num_workers: 0\n  stages: [{rate: 1, duration: 1}]\n")
                                << "f.yaml:3:16" << "load.num_workers 0 runs inference-perf v0.2.0 in a single process";
    QTest::newRow("negative workers") << data + QStringLiteral("load:\n  num_workers: -1\n  stages: [{rate: 1, duration: 1}]\n")
                                      << "f.yaml:3:16" << "key 'num_workers' in load must be in [0, 100000], got -1";
    QTest::newRow("fractional duration")
        << data + QStringLiteral("load:\n  stages:\n    - {rate: 2, duration: 1.5}\n") << "f.yaml:4:27"
        << "load.stages[0]: duration must be a whole number of seconds (inference-perf v0.2.0's LoadStage.duration is an "
           "int, so it refuses 1.5)";
    QTest::newRow("input distribution min 0")
        << load + QStringLiteral("data:\n  type: random\n  input_distribution: {min: 0, max: 10, mean: 5}\n"
                                 "  output_distribution: {}\n")
        << "f.yaml:4:29" << "data.input_distribution: min 0 lets a request send an empty text prompt";
    QTest::newRow("negative distribution min")
        << load + QStringLiteral("data:\n  type: random\n  input_distribution: {min: -1, max: 10, mean: 5}\n"
                                 "  output_distribution: {}\n")
        << "f.yaml:4:29" << "key 'min' in data.input_distribution must be in [0, ";
    QTest::newRow("random without distributions") << load + QStringLiteral("data:\n  type: random\n") << "f.yaml:3:9"
                                                  << "data.type random needs data.input_distribution";
    QTest::newRow("distribution min > max")
        << load + QStringLiteral("data:\n  type: random\n  input_distribution: {min: 50, max: 10, mean: 20}\n"
                                 "  output_distribution: {}\n")
        << "f.yaml:4:29" << "data.input_distribution: min (50) is more than max (10)";
    QTest::newRow("distribution mean outside")
        << load + QStringLiteral("data:\n  type: random\n  input_distribution: {}\n"
                                 "  output_distribution: {min: 1, max: 10, mean: 20}\n")
        << "f.yaml:5:48" << "data.output_distribution: mean must lie within [min, max]";
    QTest::newRow("unknown distribution key")
        << load + QStringLiteral("data:\n  type: random\n  input_distribution: {stddev: 3}\n  output_distribution: {}\n")
        << "f.yaml:4:24" << "unknown key 'stddev' in data.input_distribution; allowed keys: min, max, mean, std_dev";
    QTest::newRow("chat api") << load + data + QStringLiteral("api: {type: chat}\n") << "f.yaml:3:13"
                              << "support only the completion API";
    QTest::newRow("streaming not a bool") << load + data + QStringLiteral("api: {streaming: yes}\n") << "f.yaml:3:18"
                                          << "key 'streaming' in api must be true or false";
    QTest::newRow("not a map") << QStringLiteral("- 1\n- 2\n") << "f.yaml:1:1"
                               << "the top level of an inference-perf config must be a map";
    QTest::newRow("syntax error") << QStringLiteral("load: [1, 2\n") << "f.yaml:" << "YAML syntax error";
    QTest::newRow("empty") << QString() << "f.yaml" << "the inference-perf config is empty";
}

void TestInferencePerfConfig::badInput()
{
    QFETCH(QString, text);
    QFETCH(QString, where);
    QFETCH(QString, message);
    const auto c = parseInferencePerfConfig(text.toStdString(), "f.yaml");
    QVERIFY(!c.has_value());
    const QString got = QString::fromStdString(c.error().toString());
    QVERIFY2(QString::fromStdString(c.error().where).startsWith(where), qPrintable(got));
    QVERIFY2(got.contains(message), qPrintable(got));
}

void TestInferencePerfConfig::missingFile()
{
    const auto c = loadInferencePerfConfig("/nonexistent/ip.yaml");
    QVERIFY(!c.has_value());
    QCOMPARE(c.error().where, std::string("/nonexistent/ip.yaml"));
}

QTEST_APPLESS_MAIN(TestInferencePerfConfig)
#include "tst_inference_perf_config.moc"
