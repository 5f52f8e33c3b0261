// The preset catalog: the built-in files parse and hold what the references say, and the strict
// parser rejects unknown keys, wrong types and contradictions with "file:line:column".

#include "sim/model/presets.h"

#include <QTest>

#include <cstdint>
#include <string>
#include <vector>

using namespace kvroute::sim;

namespace {

// A minimal valid pair of files; tests splice faults into copies.
const std::string kGpus = R"(step_overheads:
  per_step_us: 126.0
  per_layer_us: 32.1
  per_request_us: 4.4
gpus:
  - name: H100-80GB
    device_name: NVIDIA H100 80GB HBM3
    memory_gib: 79.19
    peak_bf16_tflops: 989.5
    memory_bandwidth_tbs: 3.35
    mfu_prefill: 0.45
    mfu_decode: 0.30
    bandwidth_efficiency: 1.0
    tp_allreduce_us: 20.0
    vllm_large_gpu_defaults: true
)";

const std::string kModels = R"(models:
  - name: Tiny
    hf_id: test/tiny
    num_hidden_layers: 2
    hidden_size: 64
    intermediate_size: 256
    num_attention_heads: 4
    num_key_value_heads: 2
    head_dim: 16
    vocab_size: 100
    max_position_embeddings: 512
    tie_word_embeddings: true
    dtype_bytes: 2
    parameter_count: 120000
    linear_latency:
      - gpu: H100-80GB
        tensor_parallel: 1
        vllm_version: "0.10.0"
        beta0_us: 100.0
        beta1_us: 1.0
        beta2_us: 2.0
        beta3_us: 0.0
        source: test
)";

std::string replaced(std::string text, const std::string& from, const std::string& to)
{
    const auto pos = text.find(from);
    if (pos == std::string::npos)
        qFatal("fixture text '%s' not found", from.c_str());
    return text.replace(pos, from.size(), to);
}

bool contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

// Parameters of a Llama/Qwen3 decoder from its config, counted independently of the presets.
std::int64_t decoderParams(std::int64_t layers, std::int64_t hidden, std::int64_t ff, std::int64_t heads,
                           std::int64_t kvHeads, std::int64_t headDim, std::int64_t vocab, bool tied, bool qkNorm)
{
    const std::int64_t attention = hidden * (heads + 2 * kvHeads) * headDim + heads * headDim * hidden;
    const std::int64_t mlp = 3 * hidden * ff;
    const std::int64_t norms = 2 * hidden + (qkNorm ? 2 * headDim : 0);
    return vocab * hidden * (tied ? 1 : 2) + layers * (attention + mlp + norms) + hidden;
}

} // namespace

class TestPresets : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void builtinParses()
    {
        const auto catalog = PresetCatalog::builtin();
        QVERIFY2(catalog.has_value(), catalog ? "" : catalog.error().toString().c_str());
        QCOMPARE(catalog->modelNames(),
                 (std::vector<std::string>{"Llama-3.2-1B", "Llama-3.1-8B", "Llama-3.1-70B", "Qwen3-32B"}));
        QCOMPARE(catalog->gpuNames(), (std::vector<std::string>{"H100-80GB", "H200", "A100-80GB", "L40S"}));
        QVERIFY(catalog->findModel("Llama-3.2-1B") != nullptr);
        QVERIFY(catalog->findModel("llama-3.2-1b") == nullptr);
        QVERIFY(catalog->findGpu("L40S") != nullptr);
        QVERIFY(catalog->findGpu("B200") == nullptr);
        QCOMPARE(catalog->stepOverheads().perStepUs, 126.0); // sims.md §1.1 β7
    }

    // vllm.md §8 and sims.md §4.2 quote these; the parameter counts must follow from the
    // config fields (Qwen3 adds a per-head RMSNorm on q and k).
    void builtinModelFields()
    {
        const auto catalog = PresetCatalog::builtin();
        QVERIFY(catalog.has_value());
        const ModelSpec* m1b = catalog->findModel("Llama-3.2-1B");
        QVERIFY(m1b != nullptr);
        QCOMPARE(m1b->numLayers, 16);
        QCOMPARE(m1b->headDim, 64);
        QCOMPARE(m1b->numKvHeads, 8);
        QVERIFY(m1b->tieWordEmbeddings);
        QCOMPARE(m1b->parameterCount, std::int64_t{1'235'814'400});
        QCOMPARE(m1b->nonEmbeddingParams(), std::int64_t{973'146'112}); // sims.md §4.2: 0.973 B

        for (const ModelSpec& m : catalog->models()) {
            const bool qkNorm = m.name.starts_with("Qwen3");
            const std::int64_t counted =
                decoderParams(m.numLayers, m.hiddenSize, m.intermediateSize, m.numAttentionHeads, m.numKvHeads,
                              m.headDim, m.vocabSize, m.tieWordEmbeddings, qkNorm);
            QVERIFY2(counted == m.parameterCount, m.name.c_str());
            QCOMPARE(m.dtypeBytes, 2);
        }
        QCOMPARE(catalog->findModel("Llama-3.1-8B")->nonEmbeddingParams(), std::int64_t{6'979'588'096});
        QCOMPARE(catalog->findModel("Llama-3.1-8B")->linearFits.size(), std::size_t{1});
    }

    void builtinGpuFields()
    {
        const auto catalog = PresetCatalog::builtin();
        QVERIFY(catalog.has_value());
        const GpuSpec* h100 = catalog->findGpu("H100-80GB");
        QVERIFY(h100 != nullptr);
        QCOMPARE(h100->peakBf16Tflops, 989.5);
        QCOMPARE(h100->memoryBandwidthTBs, 3.35);
        QCOMPARE(h100->mfuPrefill, 0.45);
        QVERIFY(h100->vllmLargeGpuDefaults);
        QVERIFY(catalog->findGpu("H200")->vllmLargeGpuDefaults);
        QVERIFY(!catalog->findGpu("A100-80GB")->vllmLargeGpuDefaults);
        QVERIFY(!catalog->findGpu("L40S")->vllmLargeGpuDefaults);
        for (const GpuSpec& g : catalog->gpus()) {
            QVERIFY(g.memoryGib > 40.0 && g.memoryGib < 141.0);
            QVERIFY(g.mfuDecode <= g.mfuPrefill);
        }
    }

    void fixtureParses()
    {
        const auto catalog = PresetCatalog::fromYaml(kModels, kGpus, "t");
        QVERIFY2(catalog.has_value(), catalog ? "" : catalog.error().toString().c_str());
        QCOMPARE(catalog->models().front().linearFits.front().beta2Us, 2.0);
        QCOMPARE(catalog->models().front().linearFits.front().vllmVersion, std::string("0.10.0"));
    }

    void unknownKey()
    {
        // Line 4 (1-based), column 5: where the key starts.
        const std::string models = replaced(kModels, "    num_hidden_layers: 2\n", "    num_layers: 2\n");
        const auto catalog = PresetCatalog::fromYaml(models, kGpus, "t");
        QVERIFY(!catalog.has_value());
        QCOMPARE(catalog.error().where, std::string("t/models.yaml:4:5"));
        const std::string& message = catalog.error().message;
        QVERIFY2(contains(message, "unknown key 'num_layers'"), message.c_str());
        QVERIFY2(contains(message, "allowed keys:"), message.c_str());
        QVERIFY2(contains(message, "num_hidden_layers"), message.c_str());
        QVERIFY2(contains(message, "linear_latency"), message.c_str());
    }

    void unknownKeyInGpus()
    {
        const std::string gpus = replaced(kGpus, "    mfu_decode: 0.30\n", "    mfu_decode: 0.30\n    tdp_w: 700\n");
        const auto catalog = PresetCatalog::fromYaml(kModels, gpus, "dir");
        QVERIFY(!catalog.has_value());
        QCOMPARE(catalog.error().where, std::string("dir/gpus.yaml:13:5"));
        QVERIFY2(contains(catalog.error().message, "'tdp_w'"), catalog.error().message.c_str());
        QVERIFY2(contains(catalog.error().message, "memory_bandwidth_tbs"), catalog.error().message.c_str());
    }

    void wrongType_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("expect");
        QTest::newRow("word for integer") << "hidden_size: 64" << "hidden_size: big" << "t/models.yaml:5:18"
                                          << "'hidden_size' in model must be an integer";
        QTest::newRow("quoted integer") << "hidden_size: 64" << "hidden_size: \"64\"" << "t/models.yaml:5:18"
                                        << "must be an integer, got the string '64'";
        QTest::newRow("fraction for integer") << "head_dim: 16" << "head_dim: 16.5" << "t/models.yaml:9:15"
                                              << "'head_dim' in model must be an integer";
        QTest::newRow("yes for bool") << "tie_word_embeddings: true" << "tie_word_embeddings: yes"
                                      << "t/models.yaml:12:26" << "must be true or false";
        QTest::newRow("list for number") << "beta0_us: 100.0" << "beta0_us: [1, 2]" << "t/models.yaml:19:19"
                                         << "'beta0_us' in linear_latency entry of model 'Tiny' must be a number";
        QTest::newRow("out of range") << "num_key_value_heads: 2" << "num_key_value_heads: 0" << "t/models.yaml:8:26"
                                      << "must be in [1,";
        QTest::newRow("hex is not an integer") << "vocab_size: 100" << "vocab_size: 0x64"
                                                           << "t/models.yaml:10:17" << "must be an integer";
    }

    void wrongType()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, where);
        QFETCH(QString, expect);
        const std::string models = replaced(kModels, from.toStdString(), to.toStdString());
        const auto catalog = PresetCatalog::fromYaml(models, kGpus, "t");
        QVERIFY(!catalog.has_value());
        QCOMPARE(QString::fromStdString(catalog.error().where), where);
        QVERIFY2(contains(catalog.error().message, expect.toStdString()), catalog.error().toString().c_str());
    }

    void wrongTypeInGpus()
    {
        const std::string gpus = replaced(kGpus, "memory_gib: 79.19", "memory_gib: lots");
        const auto catalog = PresetCatalog::fromYaml(kModels, gpus, "t");
        QVERIFY(!catalog.has_value());
        QCOMPARE(catalog.error().where, std::string("t/gpus.yaml:8:17"));
        QVERIFY2(contains(catalog.error().message, "'memory_gib' in gpu must be a number"),
                 catalog.error().message.c_str());
    }

    void missingKey()
    {
        const std::string models = replaced(kModels, "    head_dim: 16\n", "");
        const auto catalog = PresetCatalog::fromYaml(models, kGpus, "t");
        QVERIFY(!catalog.has_value());
        QVERIFY2(contains(catalog.error().message, "missing key 'head_dim'"), catalog.error().message.c_str());
        QCOMPARE(catalog.error().where, std::string("t/models.yaml:2:5")); // the model's map
    }

    void crossChecks()
    {
        // A linear fit naming a GPU that is not in gpus.yaml.
        auto bad = PresetCatalog::fromYaml(replaced(kModels, "gpu: H100-80GB", "gpu: H900"), kGpus, "t");
        QVERIFY(!bad.has_value());
        QCOMPARE(bad.error().where, std::string("t/models.yaml:16:14"));
        QVERIFY(contains(bad.error().message, "unknown gpu 'H900'"));

        // vLLM's large-GPU rule contradicts the flag (vllm.md §8).
        bad = PresetCatalog::fromYaml(
            kModels, replaced(kGpus, "vllm_large_gpu_defaults: true", "vllm_large_gpu_defaults: false"), "t");
        QVERIFY(!bad.has_value());
        QVERIFY(contains(bad.error().message, "must be true"));

        // Duplicate names.
        const std::string twice = kGpus + kGpus.substr(kGpus.find("  - name"));
        bad = PresetCatalog::fromYaml(kModels, twice, "t");
        QVERIFY(!bad.has_value());
        QVERIFY2(contains(bad.error().message, "duplicate gpu name 'H100-80GB'"), bad.error().message.c_str());

        // Duplicate keys.
        bad = PresetCatalog::fromYaml(replaced(kModels, "    head_dim: 16\n", "    head_dim: 16\n    head_dim: 16\n"),
                                      kGpus, "t");
        QVERIFY(!bad.has_value());
        QVERIFY(contains(bad.error().message, "duplicate key 'head_dim'"));

        // Attention heads must be a multiple of KV heads.
        bad = PresetCatalog::fromYaml(replaced(kModels, "num_key_value_heads: 2", "num_key_value_heads: 3"), kGpus,
                                      "t");
        QVERIFY(!bad.has_value());
        QVERIFY(contains(bad.error().message, "multiple of num_key_value_heads"));

        // linear_latency must be a list, even an empty one.
        const std::string noFits = kModels.substr(0, kModels.find("    linear_latency:")) + "    linear_latency: {}\n";
        bad = PresetCatalog::fromYaml(noFits, kGpus, "t");
        QVERIFY(!bad.has_value());
        QCOMPARE(bad.error().where, std::string("t/models.yaml:15:21"));
        QVERIFY(contains(bad.error().message, "'linear_latency' in model must be a list"));
        QVERIFY(PresetCatalog::fromYaml(noFits.substr(0, noFits.size() - 3) + "[]\n", kGpus, "t").has_value());
    }

    void syntaxErrorHasPosition()
    {
        const auto catalog = PresetCatalog::fromYaml("models: [\n  {name: x\n", kGpus, "t");
        QVERIFY(!catalog.has_value());
        QVERIFY2(catalog.error().where.starts_with("t/models.yaml:"), catalog.error().where.c_str());
        QVERIFY(contains(catalog.error().message, "YAML"));
    }

    void topLevelMustBeMap()
    {
        const auto catalog = PresetCatalog::fromYaml("- just\n- a list\n", kGpus, "t");
        QVERIFY(!catalog.has_value());
        QCOMPARE(catalog.error().where, std::string("t/models.yaml:1:1"));
        QVERIFY(contains(catalog.error().message, "allowed keys: models"));
    }
};

QTEST_APPLESS_MAIN(TestPresets)
#include "tst_presets.moc"
