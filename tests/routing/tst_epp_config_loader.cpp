// EndpointPickerConfig loading (llmd.md §1.8): the two sample configs of the reference notes,
// v0.2.x names, GAIE defaults, profile choice, built-in profiles, and errors with positions.

#include "routing_test_support.h"
#include "sim/hashing/block_hasher.h"
#include "sim/hashing/hash_domain.h"
#include "sim/routing/routing_factory.h"

#include <QTemporaryDir>
#include <QTest>

#include <fstream>
#include <set>

using namespace kvroute::sim;
using namespace kvroute::sim::test;

namespace {

// llm-d-inference-scheduler@v0.3.1 deploy/config/epp-estimate-prefix-cache-config.yaml
constexpr const char* kEstimateSample = R"(apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: single-profile-handler
- type: decode-filter
- type: prefix-cache-scorer
- type: load-aware-scorer
- type: max-score-picker
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: decode-filter
  - pluginRef: prefix-cache-scorer
    weight: 1.0
  - pluginRef: load-aware-scorer
    weight: 1.0
  - pluginRef: max-score-picker
)";

// llm-d-inference-scheduler@v0.3.1 deploy/config/epp-precise-prefix-cache-config.yaml
constexpr const char* kPreciseSample = R"(plugins:
  - type: single-profile-handler
  - type: decode-filter
  - type: precise-prefix-cache-scorer
    parameters:
      indexerConfig:
        tokenProcessorConfig: {blockSize: 64, hashSeed: "42"}   # must match vLLM --block-size / PYTHONHASHSEED
        kvBlockIndexConfig: {enableMetrics: true}
  - type: kv-cache-scorer
  - type: queue-scorer
  - type: max-score-picker
schedulingProfiles:
  - name: default
    plugins:
      - {pluginRef: decode-filter}
      - {pluginRef: precise-prefix-cache-scorer, weight: 2.0}
      - {pluginRef: kv-cache-scorer, weight: 1.0}
      - {pluginRef: queue-scorer, weight: 1.0}
      - {pluginRef: max-score-picker}
)";

// The demo's HEAD assets/llm-d/epp.yaml shape (llmd.md §5): v0.2.x cache_tracking with the
// token processor at the top level of the parameters.
constexpr const char* kDemoHead = R"(apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: prefix-cache-scorer
  parameters:
    mode: cache_tracking
    hashBlockSize: 16
    tokenProcessorConfig:
      blockSize: 16
      hashSeed: "42"
    kvBlockIndexConfig:
      enableMetrics: true
- type: decode-filter
- type: max-score-picker
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: decode-filter
  - pluginRef: prefix-cache-scorer
    weight: 90
  - pluginRef: max-score-picker
)";

// Every parameter name llmd.md §1 gives, on the plugin types that read it.
constexpr const char* kEveryParameter = R"(plugins:
- type: prefix-cache-scorer
  parameters: {hashBlockSize: 64, maxPrefixBlocksToMatch: 256, lruCapacityPerServer: 31250, autoTune: true,
               blockSizeTokens: 16, maxPrefixTokensToMatch: 0}
- type: precise-prefix-cache-scorer
  parameters:
    tokenProcessorConfig: {blockSize: 64, hashSeed: "42"}
    kvEventsConfig: {topicFilter: "kv@", concurrency: 4, discoverPods: true}
    podDiscoveryConfig: {socketPort: 5556}
    speculativeIndexing: false
    speculativeTTL: 2s
- type: kv-cache-utilization-scorer
  parameters: {normalizeScore: true}
- type: load-aware-scorer
  parameters: {threshold: 128}
- type: active-request-scorer
  parameters: {requestTimeout: 2m, idleThreshold: 0, maxBusyScore: 1.0}
- type: pd-profile-handler
  parameters: {threshold: 0, hashBlockSize: 64, decodeProfile: default, prefillProfile: prefill}
- type: weighted-random-picker
  parameters: {maxNumOfEndpoints: 1}
schedulingProfiles:
- name: default
  plugins: [{pluginRef: prefix-cache-scorer}, {pluginRef: precise-prefix-cache-scorer},
            {pluginRef: kv-cache-utilization-scorer}, {pluginRef: load-aware-scorer},
            {pluginRef: active-request-scorer}, {pluginRef: weighted-random-picker}]
)";

struct Expected {
    std::string name;
    std::string type;
    double weight;
};

void compareResolved(const EppConfig& config, const std::vector<Expected>& expected)
{
    QCOMPARE(config.plugins.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        QCOMPARE(config.plugins[i].name, expected[i].name);
        QCOMPARE(config.plugins[i].type, expected[i].type);
        QCOMPARE(config.plugins[i].weight, expected[i].weight);
    }
}

EppConfig load(const char* yaml)
{
    auto config = loadEndpointPickerConfig(yaml, "test.yaml");
    if (!config)
        qFatal("%s", config.error().toString().c_str());
    return *config;
}

std::unique_ptr<Router> eppRouter(const EppConfig& epp, int pods)
{
    RoutingConfig config;
    config.policy = RoutingPolicy::Epp;
    config.epp = epp;
    auto router = makeRouter(config, 1, pods);
    if (!router)
        qFatal("%s", router.error().toString().c_str());
    return std::move(*router);
}

/// BlockStored for the blocks pods with (blockSize, PYTHONHASHSEED) compute for `tokens`.
std::vector<KvEvent> storedBlocks(const TokenVector& tokens, std::size_t blockSize, std::string_view seed)
{
    BlockHasher hasher(HashAlgo::Fast64, std::nullopt);
    hasher.setNoneHash(surrogateNoneHash("sha256_cbor_64bit", seed, 0));
    KvEvent e;
    e.type = KvEvent::Type::BlockStored;
    std::uint64_t parent = hasher.noneHash();
    for (std::size_t s = 0; s + blockSize <= tokens.size(); s += blockSize) {
        parent = hasher.hashBlock(parent, std::span<const std::uint32_t>(tokens).subspan(s, blockSize));
        e.blockHashes.push_back(parent);
    }
    return {e};
}

void expectError(const char* yaml, const std::string& where, const std::string& needle)
{
    auto config = loadEndpointPickerConfig(yaml, "bad.yaml");
    QVERIFY(!config);
    QCOMPARE(config.error().where, where);
    QVERIFY2(config.error().message.find(needle) != std::string::npos, config.error().message.c_str());
}

} // namespace

class TestEppConfigLoader : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void estimateSample()
    {
        const EppConfig config = load(kEstimateSample);
        compareResolved(config, {{"decode-filter", "decode-filter", 1.0},
                                 {"prefix-cache-scorer", "prefix-cache-scorer", 1.0},
                                 {"load-aware-scorer", "load-aware-scorer", 1.0},
                                 {"max-score-picker", "max-score-picker", 1.0}});
        QCOMPARE(config.configFile, std::string("test.yaml"));
        auto router = eppRouter(config, 3);
        QCOMPARE(router->describe(),
                 std::string("epp: decode-filter, prefix-cache-scorer\xC3\x97"
                             "1, load-aware-scorer\xC3\x97"
                             "1, max-score-picker"));
        QVERIFY(!router->wantsKvEvents());
    }

    void preciseSample()
    {
        const EppConfig config = load(kPreciseSample);
        compareResolved(config, {{"decode-filter", "decode-filter", 1.0},
                                 {"precise-prefix-cache-scorer", "precise-prefix-cache-scorer", 2.0},
                                 {"kv-cache-scorer", "kv-cache-scorer", 1.0},
                                 {"queue-scorer", "queue-scorer", 1.0},
                                 {"max-score-picker", "max-score-picker", 1.0}});
        const auto& params = config.plugins[1].parameters;
        QCOMPARE(params.at("indexerConfig.tokenProcessorConfig.blockSize"), std::string("64"));
        QCOMPARE(params.at("indexerConfig.tokenProcessorConfig.hashSeed"), std::string("42"));
        QCOMPARE(params.at("indexerConfig.kvBlockIndexConfig.enableMetrics"), std::string("true"));

        // The nested blockSize 64 / hashSeed "42" reach the index: pod 1 reported the prompt's
        // 64-token blocks, so it wins (2·1 + 1 + 1 against 0 + 1 + 1).
        TestCluster cluster(3);
        auto router = eppRouter(config, 3);
        QVERIFY(router->wantsKvEvents());
        const TokenVector prompt = tokenRange(40, 64 * 4);
        router->onKvEvents(1, storedBlocks(prompt, 64, "42"), 0);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(cluster.route(*router, makeRequest(static_cast<RequestId>(i), prompt)), 1);
    }

    void demoHeadCacheTrackingIgnoresTopLevelTokenProcessor()
    {
        const EppConfig config = load(kDemoHead);
        compareResolved(config, {{"decode-filter", "decode-filter", 1.0},
                                 {"prefix-cache-scorer", "prefix-cache-scorer", 90.0},
                                 {"max-score-picker", "max-score-picker", 1.0}});
        const TokenVector prompt = tokenRange(7, 16 * 6);
        {
            // v0.2.x decodes only indexerConfig / kvEventsConfig (llmd.md §1.5, §5): the top-level
            // hashSeed "42" is dropped, so blocks hashed with seed 42 never match the index.
            TestCluster cluster(3);
            auto router = eppRouter(config, 3);
            QVERIFY(router->wantsKvEvents()); // mode: cache_tracking is the precise scorer
            router->onKvEvents(2, storedBlocks(prompt, 16, "42"), 0);
            std::set<int> used;
            for (int i = 0; i < 60; ++i)
                used.insert(cluster.route(*router, makeRequest(static_cast<RequestId>(i), prompt)));
            QCOMPARE(used.size(), std::size_t{3}); // all score 0: random tie-break over 3 pods
        }
        {
            // The defaults it ran on instead: block 16, hash seed "".
            TestCluster cluster(3);
            auto router = eppRouter(config, 3);
            router->onKvEvents(2, storedBlocks(prompt, 16, ""), 0);
            for (int i = 0; i < 20; ++i)
                QCOMPARE(cluster.route(*router, makeRequest(static_cast<RequestId>(i), prompt)), 2);
        }
    }

    void currentTopLevelTokenProcessorOnThePreciseName()
    {
        // llm-d after v0.3 reads tokenProcessorConfig at the top level of
        // precise-prefix-cache-scorer's parameters (llmd.md §1.5 "current extras").
        const EppConfig config = load(R"(plugins:
- type: precise-prefix-cache-scorer
  parameters:
    tokenProcessorConfig: {blockSize: 32, hashSeed: "7"}
)");
        const TokenVector prompt = tokenRange(3, 32 * 4);
        TestCluster cluster(3);
        auto router = eppRouter(config, 3);
        router->onKvEvents(1, storedBlocks(prompt, 32, "7"), 0);
        for (int i = 0; i < 20; ++i)
            QCOMPARE(cluster.route(*router, makeRequest(static_cast<RequestId>(i), prompt)), 1);
    }

    void defaultsWithoutProfiles()
    {
        // GAIE defaults.go: one profile "default" with every filter, scorer and picker, weight 1,
        // and a max-score-picker when there is none.
        const EppConfig config = load(R"(plugins:
- type: queue-scorer
- name: kv
  type: kv-cache-utilization-scorer
- type: decode-filter
- type: single-profile-handler
)");
        compareResolved(config, {{"queue-scorer", "queue-scorer", 1.0},
                                 {"kv", "kv-cache-utilization-scorer", 1.0},
                                 {"decode-filter", "decode-filter", 1.0},
                                 {"max-score-picker", "max-score-picker", 1.0}});
    }

    void pdProfileHandlerRunsTheDecodeProfile()
    {
        const EppConfig config = load(R"(plugins:
- type: pd-profile-handler
  parameters:
    threshold: 100
- type: prefill-header-handler
- type: prefill-filter
- type: decode-filter
- type: queue-scorer
- type: max-score-picker
schedulingProfiles:
- name: prefill
  plugins:
  - pluginRef: prefill-filter
  - pluginRef: queue-scorer
  - pluginRef: max-score-picker
- name: decode
  plugins:
  - pluginRef: decode-filter
  - pluginRef: queue-scorer
    weight: 2
  - pluginRef: max-score-picker
)");
        compareResolved(config, {{"decode-filter", "decode-filter", 1.0},
                                 {"queue-scorer", "queue-scorer", 2.0},
                                 {"max-score-picker", "max-score-picker", 1.0}});
    }

    void unknownPluginType()
    {
        expectError(R"(apiVersion: inference.networking.x-k8s.io/v1alpha1
kind: EndpointPickerConfig
plugins:
- type: decode-filter
- type: magic-scorer
)",
                    "bad.yaml:5:9", "unknown plugin type 'magic-scorer'");
        auto config = loadEndpointPickerConfig("plugins:\n- type: magic-scorer\n", "bad.yaml");
        QVERIFY(!config);
        // The message lists what is allowed.
        QVERIFY(config.error().message.find("precise-prefix-cache-scorer") != std::string::npos);
        QVERIFY(config.error().message.find("kv-cache-utilization-scorer") != std::string::npos);
    }

    void unknownPluginRef()
    {
        expectError(R"(plugins:
- type: queue-scorer
- type: max-score-picker
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: queue-scorer
  - pluginRef: kv-cache-scorer
)",
                    "bad.yaml:8:16", "unknown pluginRef 'kv-cache-scorer'");
        auto config = loadEndpointPickerConfig("plugins:\n- type: queue-scorer\nschedulingProfiles:\n- name: p\n"
                                               "  plugins:\n  - pluginRef: nope\n",
                                               "bad.yaml");
        QVERIFY(!config);
        QVERIFY(config.error().message.find("defined plugins: queue-scorer") != std::string::npos);
    }

    void badWeight()
    {
        expectError(R"(plugins:
- type: queue-scorer
schedulingProfiles:
- name: default
  plugins:
  - pluginRef: queue-scorer
    weight: heavy
)",
                    "bad.yaml:7:13", "weight of pluginRef 'queue-scorer'");
        expectError("plugins:\n- type: queue-scorer\nschedulingProfiles:\n- name: d\n  plugins:\n"
                    "  - {pluginRef: queue-scorer, weight: -1}\n",
                    "bad.yaml:6:39", "must be a number >= 0");
    }

    void badParameterPointsAtIt()
    {
        expectError(R"(plugins:
- type: load-aware-scorer
  parameters:
    threshold: lots
)",
                    "bad.yaml:4:16", "parameter 'threshold'");
        expectError(R"(plugins:
- type: prefix-cache-scorer
  parameters:
    mode: precise
)",
                    "bad.yaml:4:11", "one of: estimate, cache_tracking");
        expectError(R"(plugins:
- type: active-request-scorer
  parameters:
    requestTimeout: soon
)",
                    "bad.yaml:4:21", "requestTimeout");
    }

    void structuralErrors()
    {
        expectError("kind: Config\nplugins:\n- type: queue-scorer\n", "bad.yaml:1:7", "kind must be EndpointPickerConfig");
        expectError("plugins:\n- type: queue-scorer\n  weight: 2\n", "bad.yaml:3:3", "unknown key 'weight'");
        expectError("plugins:\n- type: queue-scorer\n- type: queue-scorer\n", "bad.yaml:3:3", "duplicate plugin name");
        expectError(R"(plugins:
- type: queue-scorer
schedulingProfiles:
- name: a
  plugins:
  - pluginRef: queue-scorer
- name: b
  plugins:
  - pluginRef: queue-scorer
)",
                    "bad.yaml:7:3", "need a pd-profile-handler");
        expectError("plugins:\n- type: max-score-picker\n- type: random-picker\n", "bad.yaml:3:3",
                    "only one picker");
        // yaml-cpp 0.7's LoadAll looped forever on a lone ',' (upstream issue 1040).
        expectError(",", "bad.yaml:1:1", "YAML syntax error: unexpected ','");
        // A cycle through an alias recursed without end (segfault) when flattening parameters.
        expectError("plugins:\n- type: prefix-cache-scorer\n  parameters: &a {x: *a}\n", "bad.yaml:3:22",
                    "alias '*a' refers to a node that contains it");
        expectError("plugins:\n- type: prefix-cache-scorer\n  parameters: &a [1, *a]\n", "bad.yaml:3:22",
                    "alias '*a' refers to a node that contains it");
        auto syntax = loadEndpointPickerConfig("plugins: [\n", "bad.yaml");
        QVERIFY(!syntax);
        QVERIFY(syntax.error().where.starts_with("bad.yaml:"));
    }

    // Go's json.Unmarshal drops unknown parameters silently; kvroute refuses them at their line
    // with the plugin type and the names that type has (llmd.md §1).
    void unknownParameters_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("where");
        QTest::addColumn<QString>("message");
        QTest::newRow("typo in a prefix-cache-scorer parameter")
            << "plugins:\n- type: prefix-cache-scorer\n  parameters:\n    hashBlockSize: 64\n    lruCapacity: 100\n"
            << "bad.yaml:5:18"
            << "unknown parameter 'lruCapacity' of plugin type 'prefix-cache-scorer'; allowed parameters: "
               "hashBlockSize, maxPrefixBlocksToMatch, lruCapacityPerServer, mode, indexerConfig, kvEventsConfig, "
               "tokenProcessorConfig, kvBlockIndexConfig, autoTune, blockSize, blockSizeTokens, "
               "maxPrefixTokensToMatch (in plugins[0])";
        QTest::newRow("nested unknown parameter names its top-level key")
            << "plugins:\n- type: precise-prefix-cache-scorer\n  parameters:\n    indexrConfig:\n"
               "      tokenProcessorConfig: {blockSize: 64}\n"
            << "bad.yaml:5:41"
            << "unknown parameter 'indexrConfig' of plugin type 'precise-prefix-cache-scorer'; allowed parameters: "
               "indexerConfig, kvEventsConfig, tokenProcessorConfig, kvBlockIndexConfig, podDiscoveryConfig, "
               "speculativeIndexing, speculativeTTL, scoring (in plugins[0])";
        QTest::newRow("a plugin without parameters")
            << "plugins:\n- type: kv-cache-utilization-scorer\n- type: queue-scorer\n  parameters: {weight: 2}\n"
            << "bad.yaml:4:24"
            << "unknown parameter 'weight' of plugin type 'queue-scorer'; allowed parameters: none (in plugins[1])";
        QTest::newRow("picker") << "plugins:\n- type: max-score-picker\n  parameters: {maxNumEndpoints: 2}\n"
                                << "bad.yaml:3:33"
                                << "unknown parameter 'maxNumEndpoints' of plugin type 'max-score-picker'; allowed "
                                   "parameters: maxNumOfEndpoints (in plugins[0])";
        QTest::newRow("a null value is checked too")
            << "plugins:\n- type: load-aware-scorer\n  parameters:\n    treshold:\n"
            << "bad.yaml:4:5"
            << "unknown parameter 'treshold' of plugin type 'load-aware-scorer'; allowed parameters: threshold";
    }

    void unknownParameters()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, where);
        QFETCH(QString, message);
        expectError(yaml.toStdString().c_str(), where.toStdString(), message.toStdString());
    }

    // Parameter names from llmd.md §1 that real releases read load, modelled or not.
    void everyDocumentedParameterLoads()
    {
        const auto config = loadEndpointPickerConfig(kEveryParameter, "all.yaml");
        QVERIFY2(config.has_value(), config ? "" : config.error().toString().c_str());
    }

    void builtinProfiles()
    {
        QCOMPARE(builtinEppProfileNames(),
                 (std::vector<std::string>{"precise", "approximate", "load", "random", "default"}));
        auto precise = builtinEppProfile("precise");
        QVERIFY(precise);
        QCOMPARE(precise->profile, std::string("precise"));
        compareResolved(*precise, {{"decode-filter", "decode-filter", 1.0},
                                   {"precise-prefix-cache-scorer", "precise-prefix-cache-scorer", 3.0},
                                   {"kv-cache-utilization-scorer", "kv-cache-utilization-scorer", 2.0},
                                   {"queue-scorer", "queue-scorer", 2.0},
                                   {"max-score-picker", "max-score-picker", 1.0}});
        QCOMPARE(precise->plugins[1].parameters.at("indexerConfig.tokenProcessorConfig.blockSize"), std::string("64"));
        QCOMPARE(precise->plugins[1].parameters.at("indexerConfig.tokenProcessorConfig.hashSeed"), std::string("42"));

        auto approximate = builtinEppProfile("approximate");
        QVERIFY(approximate);
        compareResolved(*approximate, {{"prefix-cache-scorer", "prefix-cache-scorer", 1.0},
                                       {"kv-cache-utilization-scorer", "kv-cache-utilization-scorer", 1.0},
                                       {"queue-scorer", "queue-scorer", 1.0},
                                       {"max-score-picker", "max-score-picker", 1.0}});
        QCOMPARE(approximate->plugins[0].parameters.at("lruCapacityPerServer"), std::string("31250"));

        auto loadOnly = builtinEppProfile("load");
        QVERIFY(loadOnly);
        compareResolved(*loadOnly, {{"queue-scorer", "queue-scorer", 1.0},
                                    {"kv-cache-utilization-scorer", "kv-cache-utilization-scorer", 1.0},
                                    {"max-score-picker", "max-score-picker", 1.0}});
        auto random = builtinEppProfile("random");
        QVERIFY(random);
        compareResolved(*random, {{"random-picker", "random-picker", 1.0}});
        auto gaieDefault = builtinEppProfile("default");
        QVERIFY(gaieDefault);
        compareResolved(*gaieDefault, {{"queue-scorer", "queue-scorer", 2.0},
                                       {"kv-cache-utilization-scorer", "kv-cache-utilization-scorer", 2.0},
                                       {"prefix-cache-scorer", "prefix-cache-scorer", 3.0},
                                       {"max-score-picker", "max-score-picker", 1.0}});
        for (const auto& name : builtinEppProfileNames())
            QVERIFY(!builtinEppProfileYaml(name).empty());

        auto unknown = builtinEppProfile("fastest");
        QVERIFY(!unknown);
        QVERIFY(unknown.error().message.find("precise, approximate, load, random, default") != std::string::npos);
    }

    void resolveKeepsDelaysAndReadsFiles()
    {
        EppConfig byName;
        byName.profile = "load";
        byName.scrapeIntervalSeconds = 0.2;
        auto resolved = resolveEppConfig(byName);
        QVERIFY(resolved);
        QCOMPARE(resolved->plugins.size(), std::size_t{3});
        QCOMPARE(resolved->scrapeIntervalSeconds, 0.2);

        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string path = dir.filePath("epp.yaml").toStdString();
        std::ofstream(path) << kEstimateSample;
        EppConfig byFile;
        byFile.configFile = path;
        byFile.kvEventDelaySeconds = 0.5;
        auto fromFile = resolveEppConfig(byFile);
        QVERIFY(fromFile);
        QCOMPARE(fromFile->plugins.size(), std::size_t{4});
        QCOMPARE(fromFile->configFile, path);
        QCOMPARE(fromFile->kvEventDelaySeconds, 0.5);

        byFile.configFile = dir.filePath("missing.yaml").toStdString();
        QVERIFY(!resolveEppConfig(byFile));
    }
};

QTEST_APPLESS_MAIN(TestEppConfigLoader)
#include "tst_epp_config_loader.moc"
