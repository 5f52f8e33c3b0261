// The preset catalog: the built-in files parse and hold what the references say, and the strict
// parser rejects unknown keys, wrong types and contradictions with "file:line:column".

#include "sim/model/kv_capacity.h"
#include "sim/model/presets.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

// A fit for the selection tests.
LinearLatencyFit fitOn(std::string gpu, int tp, std::string version, double beta0)
{
    LinearLatencyFit fit;
    fit.gpu = std::move(gpu);
    fit.tensorParallel = tp;
    fit.vllmVersion = std::move(version);
    fit.beta0Us = beta0;
    fit.source = "test";
    return fit;
}

// The Tiny fixture's fit, for splicing a second entry into linear_latency.
const std::string kTinyFit = R"(      - gpu: H100-80GB
        tensor_parallel: 1
        vllm_version: "0.10.0"
        beta0_us: 100.0
        beta1_us: 1.0
        beta2_us: 2.0
        beta3_us: 0.0
        source: test
)";

bool contains(const std::string& haystack, const std::string& needle)
{
    return haystack.find(needle) != std::string::npos;
}

// Parameters of a Llama/Qwen2/Qwen3 decoder from its config, counted independently of the
// presets. Qwen2 adds biases to the q, k and v projections; Qwen3 a per-head RMSNorm on q and k.
std::int64_t decoderParams(std::int64_t layers, std::int64_t hidden, std::int64_t ff, std::int64_t heads,
                           std::int64_t kvHeads, std::int64_t headDim, std::int64_t vocab, bool tied, bool qkNorm,
                           bool qkvBias)
{
    const std::int64_t attention = hidden * (heads + 2 * kvHeads) * headDim + heads * headDim * hidden +
                                   (qkvBias ? (heads + 2 * kvHeads) * headDim : 0);
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
                 (std::vector<std::string>{"Llama-3.2-1B", "Llama-3.1-8B", "Llama-3.1-70B", "Qwen3-32B", "Qwen2.5-7B",
                                           "Qwen3-14B"}));
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
            const bool qkvBias = m.name.starts_with("Qwen2");
            const std::int64_t counted =
                decoderParams(m.numLayers, m.hiddenSize, m.intermediateSize, m.numAttentionHeads, m.numKvHeads,
                              m.headDim, m.vocabSize, m.tieWordEmbeddings, qkNorm, qkvBias);
            QVERIFY2(counted == m.parameterCount, m.name.c_str());
            QCOMPARE(m.dtypeBytes, 2);
        }
        QCOMPARE(catalog->findModel("Llama-3.1-8B")->nonEmbeddingParams(), std::int64_t{6'979'588'096});
        // Model cards: Qwen2.5-7B-Instruct 7.61 B (6.53 B non-embedding), Qwen3-14B 14.8 B (13.2 B).
        QCOMPARE(catalog->findModel("Qwen2.5-7B")->nonEmbeddingParams(), std::int64_t{6'525'621'760});
        QCOMPARE(catalog->findModel("Qwen3-14B")->nonEmbeddingParams(), std::int64_t{13'212'482'560});
        // The BLIS fits that pass the physics bounds (models.yaml header).
        QCOMPARE(catalog->findModel("Llama-3.1-8B")->linearFits.size(), std::size_t{4});
        QCOMPARE(catalog->findModel("Qwen2.5-7B")->linearFits.size(), std::size_t{3});
        QCOMPARE(catalog->findModel("Qwen3-14B")->linearFits.size(), std::size_t{1});
        QVERIFY(catalog->findModel("Llama-3.2-1B")->linearFits.empty());
        QVERIFY(catalog->findModel("Llama-3.1-70B")->linearFits.empty());
        QVERIFY(catalog->findModel("Qwen3-32B")->linearFits.empty());
    }

    // Every built-in linear_latency entry, one row each: it names a GPU preset and a TP degree
    // the model supports, its version parses, its coefficients are finite and non-negative, it
    // has a source, and it is physically possible (the exclusion rule of the models.yaml header):
    // beta2 at most 100 µs per decode token, a one-decode step no faster than streaming the
    // weights per GPU at peak bandwidth, and a prefill token no cheaper than its FLOPs per GPU
    // at peak compute. Finally, selectLinearFit picks a fit for its own GPU and TP.
    void builtinLinearFits_data()
    {
        QTest::addColumn<QString>("modelName");
        QTest::addColumn<int>("index");
        const auto catalog = PresetCatalog::builtin();
        if (!catalog)
            qFatal("%s", catalog.error().toString().c_str());
        int rows = 0;
        for (const ModelSpec& m : catalog->models()) {
            for (std::size_t i = 0; i < m.linearFits.size(); ++i) {
                const LinearLatencyFit& f = m.linearFits[i];
                const std::string row = m.name + " " + f.gpu + " TP" + std::to_string(f.tensorParallel) + " vLLM " +
                                        f.vllmVersion;
                QTest::newRow(row.c_str()) << QString::fromStdString(m.name) << static_cast<int>(i);
                ++rows;
            }
        }
        QCOMPARE(rows, 8);
    }

    void builtinLinearFits()
    {
        QFETCH(QString, modelName);
        QFETCH(int, index);
        const auto catalog = PresetCatalog::builtin();
        QVERIFY(catalog.has_value());
        const ModelSpec& m = *catalog->findModel(modelName.toStdString());
        const LinearLatencyFit& f = m.linearFits.at(static_cast<std::size_t>(index));

        const GpuSpec* gpu = catalog->findGpu(f.gpu);
        QVERIFY2(gpu != nullptr, f.gpu.c_str());
        QVERIFY2(validateTensorParallel(m, f.tensorParallel).has_value(), "TP does not fit the model");
        QVERIFY(parseVllmVersion(f.vllmVersion).has_value());
        QVERIFY(!f.source.empty());
        for (const double beta : {f.beta0Us, f.beta1Us, f.beta2Us, f.beta3Us})
            QVERIFY(std::isfinite(beta) && beta >= 0.0);

        const double tp = f.tensorParallel;
        const double weightReadUs = static_cast<double>(m.streamedParams()) * m.dtypeBytes / tp /
                                    (gpu->memoryBandwidthTBs * 1e12) * 1e6;
        const double prefillFlopsUs = 2.0 * static_cast<double>(m.nonEmbeddingParams()) / tp /
                                      (gpu->peakBf16Tflops * 1e12) * 1e6;
        QVERIFY2(f.beta2Us <= 100.0, std::to_string(f.beta2Us).c_str());
        QVERIFY2(f.beta0Us + f.beta2Us >= weightReadUs,
                 (std::to_string(f.beta0Us + f.beta2Us) + " < " + std::to_string(weightReadUs)).c_str());
        QVERIFY2(f.beta1Us >= prefillFlopsUs,
                 (std::to_string(f.beta1Us) + " < " + std::to_string(prefillFlopsUs)).c_str());

        const LinearLatencyFit* chosen = selectLinearFit(m, f.gpu, f.tensorParallel);
        QVERIFY(chosen != nullptr);
        QCOMPARE(chosen->gpu, f.gpu);
        QCOMPARE(chosen->tensorParallel, f.tensorParallel);
        const auto sameKey = std::ranges::count_if(m.linearFits, [&](const LinearLatencyFit& other) {
            return other.gpu == f.gpu && other.tensorParallel == f.tensorParallel &&
                   compareVllmVersions(other.vllmVersion, f.vllmVersion) == 0;
        });
        QCOMPARE(sameKey, std::ptrdiff_t{1});
    }

    void vllmVersions()
    {
        QVERIFY(parseVllmVersion("0.10.1.1") == (std::vector<int>{0, 10, 1, 1}));
        QVERIFY(parseVllmVersion("0.8.4") == (std::vector<int>{0, 8, 4}));
        for (const char* bad :
             {"", "v0.8.4", "0..1", "0.8.", ".8", "-1.0", "+1.0", "0.8.4rc1", "0.8 .4", "vllm/vllm-openai:v0.8.4"})
            QVERIFY2(!parseVllmVersion(bad).has_value(), bad);
        QVERIFY(compareVllmVersions("0.9.2", "0.10.0") < 0); // numbers, not text
        QVERIFY(compareVllmVersions("0.10.1.1", "0.10.0") > 0);
        QVERIFY(compareVllmVersions("0.11.0", "0.10.1.1") > 0);
        QCOMPARE(compareVllmVersions("0.8", "0.8.0"), 0);
        QCOMPARE(compareVllmVersions(kSimulatedVllmVersion, "0.10.0"), 0);
    }

    // Several fits for one GPU and TP: the newest measured on the simulated version or older,
    // else the oldest newer one; other GPUs and TPs never; file order never matters.
    void linearFitSelection()
    {
        ModelSpec m;
        m.name = "Tiny";
        m.linearFits = {fitOn("H100-80GB", 1, "0.11.0", 11.0), fitOn("H100-80GB", 1, "0.8.4", 8.0),
                        fitOn("H100-80GB", 1, "0.10.1.1", 101.0), fitOn("H100-80GB", 1, "0.9.2", 9.0),
                        fitOn("A100-80GB", 1, "0.10.0", 1.0), fitOn("H100-80GB", 2, "0.10.0", 2.0)};
        const auto chosenBeta0 = [&](std::string_view gpu, int tp, std::string_view version) {
            const LinearLatencyFit* fit = selectLinearFit(m, gpu, tp, version);
            return fit == nullptr ? -1.0 : fit->beta0Us;
        };
        for (int pass = 0; pass < 2; ++pass) {
            QCOMPARE(chosenBeta0("H100-80GB", 1, "0.10.0"), 9.0);   // newest not newer than 0.10.0
            QCOMPARE(chosenBeta0("H100-80GB", 1, "0.8.4"), 8.0);    // the same version
            QCOMPARE(chosenBeta0("H100-80GB", 1, "0.8.0"), 8.0);    // all newer: the oldest of them
            QCOMPARE(chosenBeta0("H100-80GB", 1, "0.10.2"), 101.0);
            QCOMPARE(chosenBeta0("H100-80GB", 1, "1.0"), 11.0);
            QCOMPARE(chosenBeta0("H100-80GB", 2, "0.8.4"), 2.0);    // only its own TP
            QCOMPARE(chosenBeta0("A100-80GB", 1, "0.12"), 1.0);     // only its own GPU
            QCOMPARE(chosenBeta0("H100-80GB", 4, "0.10.0"), -1.0);
            QCOMPARE(chosenBeta0("L40S", 1, "0.10.0"), -1.0);
            // The default is the simulated version.
            QCOMPARE(selectLinearFit(m, "H100-80GB", 1)->beta0Us, 9.0);
            std::ranges::reverse(m.linearFits);
        }
    }

    void linearFitLoaderChecks()
    {
        // An exact duplicate, and the same version written differently, are rejected.
        auto bad = PresetCatalog::fromYaml(kModels + kTinyFit, kGpus, "t");
        QVERIFY(!bad.has_value());
        QVERIFY2(contains(bad.error().message, "duplicate linear_latency entry of model 'Tiny' for gpu 'H100-80GB', "
                                               "TP 1, vLLM 0.10.0"),
                 bad.error().message.c_str());
        QCOMPARE(bad.error().where, std::string("t/models.yaml:24:9"));
        bad = PresetCatalog::fromYaml(kModels + replaced(kTinyFit, "\"0.10.0\"", "\"0.10\""), kGpus, "t");
        QVERIFY(!bad.has_value());
        QVERIFY(contains(bad.error().message, "duplicate linear_latency entry"));

        // Another version, TP or GPU of the same model is a separate fit.
        auto good = PresetCatalog::fromYaml(kModels + replaced(kTinyFit, "\"0.10.0\"", "\"0.8.4\""), kGpus, "t");
        QVERIFY2(good.has_value(), good ? "" : good.error().toString().c_str());
        QCOMPARE(good->models().front().linearFits.size(), std::size_t{2});
        good = PresetCatalog::fromYaml(kModels + replaced(kTinyFit, "tensor_parallel: 1", "tensor_parallel: 2"),
                                       kGpus, "t");
        QVERIFY2(good.has_value(), good ? "" : good.error().toString().c_str());

        // The version must be a release number; BLIS's image tag is not one.
        bad = PresetCatalog::fromYaml(
            replaced(kModels, "vllm_version: \"0.10.0\"", "vllm_version: vllm/vllm-openai:v0.10.0"), kGpus, "t");
        QVERIFY(!bad.has_value());
        QCOMPARE(bad.error().where, std::string("t/models.yaml:18:23"));
        QVERIFY2(contains(bad.error().message, "must be a release number"), bad.error().message.c_str());

        // The TP degree must suit the model (4 heads, 2 KV heads).
        bad = PresetCatalog::fromYaml(replaced(kModels, "tensor_parallel: 1", "tensor_parallel: 3"), kGpus, "t");
        QVERIFY(!bad.has_value());
        QVERIFY2(contains(bad.error().message, "does not divide the 4 attention heads"), bad.error().message.c_str());

        // Negative coefficients are out of range.
        bad = PresetCatalog::fromYaml(replaced(kModels, "beta2_us: 2.0", "beta2_us: -2.0"), kGpus, "t");
        QVERIFY(!bad.has_value());
        QVERIFY2(contains(bad.error().message, "'beta2_us'"), bad.error().message.c_str());
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
        QTest::newRow("beyond 64 bits is out of range")
            << "num_key_value_heads: 2" << "num_key_value_heads: 99999999999999999999999" << "t/models.yaml:8:26"
            << "], got 99999999999999999999999";
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
