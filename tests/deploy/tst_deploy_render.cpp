// `kvroute deploy render` (cluster/deploy/render_manifests.h): what is rendered carries the
// scenario's values, reads back through the project's own importers, and matches golden files.
//
// Golden files: tests/deploy/golden/<case>/<file>, compared byte for byte. After an intended
// change, regenerate them with
//     KVROUTE_UPDATE_GOLDEN=1 build/tests/tst_deploy_render
// and review the diff: each golden was read by hand against llmd.md §5/§6 and vllm.md §8 when
// written, and every one with a schema passes ../shared/schemas/validate.py (deploy_render_schemas).

#include "cluster/deploy/render_context.h"
#include "cluster/deploy/render_manifests.h"
#include "sim/fleet/cluster_run.h"
#include "sim/report/results_writers.h"
#include "sim/routing/routing_factory.h"
#include "sim/scenario/scenario_yaml.h"
#include "sim/workload/builtin_traces.h"

#include <QTest>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

using namespace kvroute;
using namespace kvroute::cluster::deploy;
namespace fs = std::filesystem;

namespace {

sim::Scenario scenario(const std::string& name, const std::vector<std::string>& overrides = {})
{
    auto s = sim::builtinScenario(name);
    KVROUTE_CHECK(s.has_value(), "built-in scenario");
    auto ok = sim::applyOverrides(*s, overrides);
    KVROUTE_CHECK(ok.has_value(), "overrides");
    return *s;
}

RenderedManifests render(const std::string& name, const std::vector<std::string>& overrides = {},
                         RenderOptions options = {})
{
    options.scenarioArgument = name;
    options.overrides = overrides;
    auto out = renderManifests(scenario(name, overrides), options);
    if (!out)
        qFatal("render failed: %s", out.error().toString().c_str());
    return *out;
}

const RenderedFile* file(const RenderedManifests& m, const std::string& name)
{
    for (const auto& f : m.files) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

YAML::Node firstDoc(const RenderedManifests& m, const std::string& name)
{
    const RenderedFile* f = file(m, name);
    if (!f)
        qFatal("no %s rendered", name.c_str());
    return YAML::Load(f->text);
}

/// The container's args as strings.
std::vector<std::string> containerArgs(const YAML::Node& workload)
{
    return workload["spec"]["template"]["spec"]["containers"][0]["args"].as<std::vector<std::string>>();
}

std::optional<std::string> flagValue(const std::vector<std::string>& args, const std::string& flag)
{
    for (std::size_t i = 0; i + 1 < args.size(); ++i) {
        if (args[i] == flag)
            return args[i + 1];
    }
    return std::nullopt;
}

bool hasArg(const std::vector<std::string>& args, const std::string& arg)
{
    return std::ranges::find(args, arg) != args.end();
}

std::optional<std::string> envValue(const YAML::Node& workload, const std::string& name)
{
    for (const auto& e : workload["spec"]["template"]["spec"]["containers"][0]["env"]) {
        if (e["name"].as<std::string>() == name && e["value"])
            return e["value"].as<std::string>();
    }
    return std::nullopt;
}

std::string readFile(const fs::path& p)
{
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

fs::path tempDir(const std::string& name)
{
    const fs::path dir = fs::path(KVROUTE_BINARY_DIR) / "tests" / "deploy-render-tmp" / name;
    fs::remove_all(dir);
    return dir;
}

} // namespace

class TestDeployRender : public QObject {
    Q_OBJECT

private slots:
    void goldenFiles_data()
    {
        QTest::addColumn<QString>("caseName");
        QTest::addColumn<QString>("scenarioName");
        QTest::addColumn<QStringList>("overrides");
        QTest::addColumn<bool>("openshift");
        QTest::addColumn<QString>("ns");
        QTest::addColumn<QString>("emulator");
        QTest::newRow("default") << "default-kube-service-kubernetes" << "default" << QStringList{} << false << "default" << "";
        QTest::newRow("precise epp") << "llmd-shared-prefix-precise-openshift" << "llmd-shared-prefix" << QStringList{}
                                     << true << "llm-d" << "";
        QTest::newRow("header hash") << "default-header-hash-kubernetes" << "default"
                                     << QStringList{"routing.policy=header-hash"} << false << "demo" << "";
        QTest::newRow("emulator") << "seed-cache-test-emulator-openshift" << "seed-cache-test" << QStringList{} << true
                                  << "kvroute-test" << "quay.io/example/kvroute:0.1.0";
    }

    void goldenFiles()
    {
        QFETCH(QString, caseName);
        QFETCH(QString, scenarioName);
        QFETCH(QStringList, overrides);
        QFETCH(bool, openshift);
        QFETCH(QString, ns);
        QFETCH(QString, emulator);
        RenderOptions options;
        options.ns = ns.toStdString();
        options.target = openshift ? RenderTarget::OpenShift : RenderTarget::Kubernetes;
        options.emulatorImage = emulator.toStdString();
        options.dashboardImage = emulator.toStdString(); // the emulator case pins the dashboard too
        std::vector<std::string> sets;
        for (const auto& o : overrides)
            sets.push_back(o.toStdString());
        const auto m = render(scenarioName.toStdString(), sets, options);
        const fs::path dir = fs::path(KVROUTE_SOURCE_DIR) / "tests" / "deploy" / "golden" / caseName.toStdString();
        if (std::getenv("KVROUTE_UPDATE_GOLDEN")) {
            fs::remove_all(dir);
            fs::create_directories(dir);
            for (const auto& f : m.files)
                std::ofstream(dir / f.name, std::ios::binary) << f.text;
            qWarning("golden files rewritten in %s", dir.string().c_str());
        }
        if (!fs::is_directory(dir))
            QFAIL(qPrintable(QString::fromStdString("no golden files in " + dir.string() +
                                                    " (KVROUTE_UPDATE_GOLDEN=1 writes them)")));
        std::vector<std::string> expected;
        for (const auto& entry : fs::directory_iterator(dir))
            expected.push_back(entry.path().filename().string());
        std::ranges::sort(expected);
        std::vector<std::string> names;
        for (const auto& f : m.files)
            names.push_back(f.name);
        QCOMPARE(names, expected);
        for (const auto& f : m.files) {
            const std::string golden = readFile(dir / f.name);
            if (golden != f.text) {
                const auto diff = std::ranges::mismatch(golden, f.text);
                const auto at = static_cast<std::size_t>(diff.in1 - golden.begin());
                const auto line = std::count(golden.begin(), golden.begin() + static_cast<std::ptrdiff_t>(at), '\n') + 1;
                QFAIL(qPrintable(QString("%1 differs from its golden file at line %2 (KVROUTE_UPDATE_GOLDEN=1 "
                                         "regenerates after an intended change)")
                                     .arg(QString::fromStdString(f.name))
                                     .arg(line)));
            }
        }
    }

    // The EPP ConfigMap holds what sim::loadEndpointPickerConfig reads back as the scenario's own
    // plugins, weights and parameters.
    void eppConfigReadsBackThroughTheImporter_data()
    {
        QTest::addColumn<QString>("scenarioName");
        QTest::addColumn<QStringList>("overrides");
        for (const auto& profile : sim::builtinEppProfileNames())
            QTest::newRow(profile.c_str()) << "default" << QStringList{"routing.policy=epp", QString::fromStdString("routing.profile=" + profile)};
        QTest::newRow("llmd-shared-prefix") << "llmd-shared-prefix" << QStringList{};
        QTest::newRow("mooncake") << "mooncake" << QStringList{};
        QTest::newRow("inline plugins") << "default"
                                        << QStringList{"routing.policy=epp",
                                                       "routing.epp_plugins=[{type: decode-filter}, "
                                                       "{type: prefix-cache-scorer, name: 'my scorer: \"x\"', weight: 2.5, "
                                                       "parameters: {hashBlockSize: 32, maxPrefixBlocksToMatch: 128}}, "
                                                       "{type: active-request-scorer, weight: 1, parameters: {requestTimeout: 90s}}, "
                                                       "{type: random-picker, parameters: {maxNumOfEndpoints: 1}}]"};
    }

    void eppConfigReadsBackThroughTheImporter()
    {
        QFETCH(QString, scenarioName);
        QFETCH(QStringList, overrides);
        std::vector<std::string> sets;
        for (const auto& o : overrides)
            sets.push_back(o.toStdString());
        const auto s = scenario(scenarioName.toStdString(), sets);
        // The inline row's 2.5 needs an Endpoint Picker that takes fractional weights.
        const auto m = render(scenarioName.toStdString(), sets,
                              RenderOptions{.eppImage = "ghcr.io/llm-d/llm-d-inference-scheduler:v0.7.0"});
        const YAML::Node cm = firstDoc(m, "31-epp-configmap.yaml");
        const std::string config = cm["data"]["epp-config.yaml"].as<std::string>();
        const auto loaded = sim::loadEndpointPickerConfig(config, "31-epp-configmap.yaml");
        QVERIFY2(loaded.has_value(), loaded ? "" : loaded.error().toString().c_str());
        const auto expected = sim::resolveEppConfig(s.routing.epp);
        QVERIFY(expected.has_value());
        QCOMPARE(loaded->plugins.size(), expected->plugins.size());
        for (std::size_t i = 0; i < expected->plugins.size(); ++i) {
            const auto& a = loaded->plugins[i];
            const auto& b = expected->plugins[i];
            QCOMPARE(a.name, b.name);
            QCOMPARE(a.type, b.type);
            QCOMPARE(a.weight, b.weight);
            QCOMPARE(a.parameters, b.parameters);
        }
        // The InferencePool selects exactly the pods' labels; the EPP watches that pool.
        const YAML::Node pool = firstDoc(m, "34-inferencepool.yaml");
        const YAML::Node pods = firstDoc(m, "10-vllm-deployment.yaml");
        using LabelMap = std::map<std::string, std::string>;
        QCOMPARE(pool["spec"]["selector"]["matchLabels"].as<LabelMap>(),
                 pods["spec"]["template"]["metadata"]["labels"].as<LabelMap>());
        const auto eppArgs = containerArgs(firstDoc(m, "32-epp-deployment.yaml"));
        QCOMPARE(flagValue(eppArgs, "--pool-name"), pool["metadata"]["name"].as<std::string>());
        QCOMPARE(flagValue(eppArgs, "--refresh-metrics-interval"), std::string("50ms"));
    }

    // The emulated pods load the scenario from its ConfigMap: the same scenario, the same run.
    void scenarioConfigMapRoundTrips_data()
    {
        QTest::addColumn<QString>("scenarioName");
        QTest::addColumn<bool>("run");
        for (const auto& [name, description] : sim::builtinScenarioList())
            QTest::newRow(name.c_str()) << QString::fromStdString(name) << (name == "default" || name == "seed-cache-test");
    }

    void scenarioConfigMapRoundTrips()
    {
        QFETCH(QString, scenarioName);
        QFETCH(bool, run);
        RenderOptions options;
        options.emulatorImage = "kvroute:test";
        const auto original = scenario(scenarioName.toStdString());
        const auto m = render(scenarioName.toStdString(), {}, options);
        const YAML::Node cm = firstDoc(m, "05-scenario-configmap.yaml");
        const std::string text = cm["data"]["scenario.yaml"].as<std::string>();
        auto loaded = sim::parseScenarioYaml(text, "scenario.yaml", "");
        QVERIFY2(loaded.has_value(), loaded ? "" : loaded.error().toString().c_str());
        QCOMPARE(sim::toYaml(*loaded), sim::toYaml(original));
        if (!run)
            return;
        const auto a = sim::runScenario(original);
        const auto b = sim::runScenario(*loaded);
        QVERIFY(a && b);
        const sim::RunInfo info{"test", 0.0};
        QCOMPARE(sim::resultsToJson(*b, *loaded, info), sim::resultsToJson(*a, original, info));
        // The StatefulSet runs that file, each pod with its own index.
        const auto args = containerArgs(firstDoc(m, "10-emulator-statefulset.yaml"));
        QCOMPARE(args.front(), std::string("/etc/kvroute/scenario.yaml"));
        QCOMPARE(flagValue(args, "--index"), std::string("$(POD_INDEX)"));
        QCOMPARE(flagValue(args, "--host"), std::string("0.0.0.0"));
    }

    void vllmArgsAreTheScenarioValues_data()
    {
        QTest::addColumn<QStringList>("overrides");
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("value"); // "" = a flag without value; "-" = absent
        QTest::newRow("block size") << QStringList{"vllm.block_size=64"} << "--block-size" << "64";
        QTest::newRow("gpu memory") << QStringList{"vllm.gpu_memory_utilization=0.85"} << "--gpu-memory-utilization" << "0.85";
        QTest::newRow("max model len") << QStringList{"vllm.max_model_len=2048"} << "--max-model-len" << "2048";
        QTest::newRow("max seqs") << QStringList{"vllm.max_num_seqs=128"} << "--max-num-seqs" << "128";
        QTest::newRow("batched tokens") << QStringList{"vllm.max_num_batched_tokens=8192"} << "--max-num-batched-tokens" << "8192";
        QTest::newRow("long prefill") << QStringList{"vllm.long_prefill_token_threshold=512"}
                                      << "--long-prefill-token-threshold" << "512";
        QTest::newRow("long prefill off") << QStringList{} << "--long-prefill-token-threshold" << "-";
        QTest::newRow("blocks override") << QStringList{"vllm.num_gpu_blocks_override=5000"} << "--num-gpu-blocks-override" << "5000";
        QTest::newRow("no override") << QStringList{} << "--num-gpu-blocks-override" << "-";
        QTest::newRow("hash algo") << QStringList{"vllm.prefix_caching_hash_algo=sha256_cbor_64bit"}
                                   << "--prefix-caching-hash-algo" << "sha256_cbor_64bit";
        QTest::newRow("prefix caching off") << QStringList{"vllm.enable_prefix_caching=false"} << "--no-enable-prefix-caching" << "";
        QTest::newRow("prefix caching on") << QStringList{} << "--enable-prefix-caching" << "";
        QTest::newRow("tensor parallel") << QStringList{"model.tensor_parallel=2"} << "--tensor-parallel-size" << "2";
        QTest::newRow("model") << QStringList{} << "--model" << "meta-llama/Llama-3.2-1B";
        QTest::newRow("served name") << QStringList{} << "--served-model-name" << "meta-llama/Llama-3.2-1B";
        QTest::newRow("port") << QStringList{} << "--port" << "8000";
        QTest::newRow("cached tokens") << QStringList{} << "--enable-prompt-tokens-details" << "";
        QTest::newRow("no events") << QStringList{} << "--kv-events-config" << "-";
    }

    void vllmArgsAreTheScenarioValues()
    {
        QFETCH(QStringList, overrides);
        QFETCH(QString, flag);
        QFETCH(QString, value);
        std::vector<std::string> sets;
        for (const auto& o : overrides)
            sets.push_back(o.toStdString());
        const YAML::Node d = firstDoc(render("default", sets), "10-vllm-deployment.yaml");
        const auto args = containerArgs(d);
        if (value == "-")
            QVERIFY(!hasArg(args, flag.toStdString()));
        else if (value.isEmpty())
            QVERIFY(hasArg(args, flag.toStdString()));
        else
            QCOMPARE(flagValue(args, flag.toStdString()), value.toStdString());
        const auto tp = scenario("default", sets).model.tensorParallel;
        const auto resources = d["spec"]["template"]["spec"]["containers"][0]["resources"];
        QCOMPARE(resources["limits"]["nvidia.com/gpu"].as<int>(), tp);
        QCOMPARE(resources["requests"]["nvidia.com/gpu"].as<int>(), tp);
        QCOMPARE(d["spec"]["replicas"].as<int>(), 3);
    }

    // The precise guide's wiring (llmd.md §6): events to the EPP's service, topic kv@<pod IP>@<model>,
    // PYTHONHASHSEED = the index's hashSeed.
    void preciseRoutingWiresKvEvents()
    {
        const auto m = render("llmd-shared-prefix", {}, RenderOptions{.ns = "llm-d"});
        const YAML::Node d = firstDoc(m, "10-vllm-deployment.yaml");
        const auto config = nlohmann::json::parse(*flagValue(containerArgs(d), "--kv-events-config"));
        QCOMPARE(config["enable_kv_cache_events"].get<bool>(), true);
        QCOMPARE(config["publisher"].get<std::string>(), std::string("zmq"));
        QCOMPARE(config["endpoint"].get<std::string>(),
                 std::string("tcp://llmd-shared-prefix-epp.llm-d.svc.cluster.local:5557"));
        QCOMPARE(config["topic"].get<std::string>(), std::string("kv@$(POD_IP)@Qwen/Qwen3-32B"));
        QCOMPARE(envValue(d, "PYTHONHASHSEED"), std::string("42"));
        QCOMPARE(d["spec"]["replicas"].as<int>(), 8);
        QCOMPARE(d["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["nvidia.com/gpu"].as<int>(), 2);
        const YAML::Node svc = firstDoc(m, "33-epp-service.yaml");
        bool zmq = false;
        for (const auto& p : svc["spec"]["ports"])
            zmq = zmq || p["port"].as<int>() == 5557;
        QVERIFY(zmq);

        // Precise routing without a seed: the index's hashSeed is rendered, and said.
        const auto unseeded =
            render("default", {"routing.policy=epp", "routing.profile=precise", "vllm.python_hash_seed=null"});
        QCOMPARE(envValue(firstDoc(unseeded, "10-vllm-deployment.yaml"), "PYTHONHASHSEED"), std::string("42"));
        QVERIFY(std::ranges::any_of(unseeded.notes, [](const auto& n) { return n.find("PYTHONHASHSEED") != std::string::npos; }));
        QVERIFY(std::ranges::any_of(unseeded.notes, [](const auto& n) { return n.find("vllm.kv_events is false") != std::string::npos; }));
        // Without precise routing nothing is invented.
        const auto approximate = render("mooncake");
        QVERIFY(!hasArg(containerArgs(firstDoc(approximate, "10-vllm-deployment.yaml")), "--kv-events-config"));
        QVERIFY(!envValue(firstDoc(approximate, "10-vllm-deployment.yaml"), "PYTHONHASHSEED"));
    }

    void serviceFollowsTheScenario()
    {
        const YAML::Node svc = firstDoc(render("default", {"routing.service.timeout_seconds=600"}), "20-service.yaml");
        QCOMPARE(svc["spec"]["sessionAffinity"].as<std::string>(), std::string("ClientIP"));
        QCOMPARE(svc["spec"]["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"].as<int>(), 600);
        const YAML::Node none = firstDoc(render("default", {"routing.service={session_affinity: None}"}), "20-service.yaml");
        QCOMPARE(none["spec"]["sessionAffinity"].as<std::string>(), std::string("None"));
        QVERIFY(!none["spec"]["sessionAffinityConfig"]);
        const auto rr = render("default", {"routing.policy=round-robin"});
        QVERIFY(file(rr, "20-service.yaml")->text.find("per connection, not per request") != std::string::npos);
        const YAML::Node rule = firstDoc(render("default", {"routing.policy=header-hash",
                                                            "routing.header_hash.header=x-user",
                                                            "routing.header_hash.minimum_ring_size=4096"}),
                                         "25-destinationrule.yaml");
        QCOMPARE(rule["spec"]["trafficPolicy"]["loadBalancer"]["consistentHash"]["httpHeaderName"].as<std::string>(),
                 std::string("x-user"));
        QCOMPARE(rule["spec"]["trafficPolicy"]["loadBalancer"]["consistentHash"]["minimumRingSize"].as<int>(), 4096);
    }

    void badInput()
    {
        const auto check = [](RenderOptions o, const std::string& where) {
            const auto r = checkRenderOptions(o);
            QVERIFY(!r);
            QCOMPARE(r.error().where, where);
        };
        check(RenderOptions{.ns = "Bad_Namespace"}, "--namespace");
        check(RenderOptions{.ns = std::string(64, 'a')}, "--namespace");
        check(RenderOptions{.ns = ""}, "--namespace");
        check(RenderOptions{.vllmImage = "vllm/vllm-openai:v0.10.0\nkind: Secret"}, "--vllm-image");
        check(RenderOptions{.emulatorImage = "a b"}, "--emulator");
        check(RenderOptions{.gatewayClass = "Istio!"}, "--gateway-class");
        check(RenderOptions{.eppImage = ""}, "--epp-image");
        // Scenario errors name the key, as kvroute run's do.
        auto s = scenario("default");
        s.cluster.pods = 0;
        const auto r = renderManifests(s, RenderOptions{});
        QVERIFY(!r);
        QVERIFY2(r.error().where.find("cluster.pods") != std::string::npos, r.error().toString().c_str());
    }

    // Emulated pods and the dashboard load the scenario in the cluster: a trace file of this
    // machine is refused there, naming the option; a built-in trace goes with the binary.
    void clusterLoadedScenariosNeedTheirTrace_data()
    {
        QTest::addColumn<bool>("emulator");
        QTest::newRow("--emulator") << true;
        QTest::newRow("--dashboard") << false;
    }

    void clusterLoadedScenariosNeedTheirTrace()
    {
        QFETCH(bool, emulator);
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("trace.jsonl")).toStdString();
        {
            const auto text = sim::builtinTraceText("builtin:mooncake-sample.jsonl");
            QVERIFY(text);
            std::ofstream(path) << *text;
        }
        RenderOptions options;
        (emulator ? options.emulatorImage : options.dashboardImage) = "quay.io/me/kvroute:1";
        const std::string option = emulator ? "--emulator" : "--dashboard";
        const auto local = renderManifests(scenario("mooncake", {"workload.path=" + path}), options);
        QVERIFY2(!local, "a local trace was rendered for the cluster");
        QCOMPARE(local.error().where, option);
        QVERIFY2(local.error().message.find("the trace file " + path + " of this machine does not exist") != std::string::npos,
                 local.error().toString().c_str());
        const auto builtin = renderManifests(scenario("mooncake"), options);
        QVERIFY2(builtin.has_value(), builtin ? "" : builtin.error().toString().c_str());
        // Without either option nothing loads the scenario in the cluster: the local trace is fine.
        QVERIFY(renderManifests(scenario("mooncake", {"workload.path=" + path}), RenderOptions{}).has_value());
    }

    // The default image reads scorer weights as integers (llmd.md §1.1): a fractional weight
    // is refused at render time, naming the scorer; another image gets it as written.
    void fractionalWeightsNeedAnImageThatTakesThem()
    {
        const std::vector<std::string> sets{"routing.policy=epp",
                                            "routing.epp_plugins=[{type: decode-filter}, {type: queue-scorer, weight: 2}, "
                                            "{type: prefix-cache-scorer, name: tuned, weight: 1.5}, {type: max-score-picker}]"};
        const auto s = scenario("default", sets);
        const auto refused = renderManifests(s, RenderOptions{});
        QVERIFY(!refused);
        QCOMPARE(refused.error().where, std::string("routing.epp_plugins"));
        QVERIFY2(refused.error().message.find("the scorer \"tuned\" has weight 1.5") != std::string::npos,
                 refused.error().toString().c_str());
        QVERIFY2(refused.error().message.find("reads weights as integers") != std::string::npos,
                 refused.error().toString().c_str());
        // Every release up to v0.5.x reads integers (GAIE's weight is an int through v1.3.0);
        // an image of unknown make is rendered as written.
        for (const char* image : {"ghcr.io/llm-d/llm-d-inference-scheduler:v0.3.0",
                                  "ghcr.io/llm-d/llm-d-inference-scheduler:v0.5.2",
                                  "quay.io/mirror/llm-d-inference-scheduler:v0.4.0"})
            QVERIFY2(!renderManifests(s, RenderOptions{.eppImage = image}), image);
        for (const char* image : {"ghcr.io/llm-d/llm-d-inference-scheduler:v0.6.0", "registry.example/epp:v0.3.1"})
            QVERIFY2(renderManifests(s, RenderOptions{.eppImage = image}).has_value(), image);
        const auto m = render("default", sets, RenderOptions{.eppImage = "ghcr.io/llm-d/llm-d-inference-scheduler:v0.7.0"});
        const std::string config = firstDoc(m, "31-epp-configmap.yaml")["data"]["epp-config.yaml"].as<std::string>();
        QVERIFY(config.find("weight: 1.5") != std::string::npos);
        QVERIFY(config.find("reads weights as integers") != std::string::npos); // the comment stays
        // Whole weights render with the default image.
        const auto whole = renderManifests(scenario("default", {"routing.policy=epp", "routing.profile=precise"}), RenderOptions{});
        QVERIFY2(whole.has_value(), whole ? "" : whole.error().toString().c_str());
    }

    // The one test both the refusal above and the EPP config's comment use.
    void fractionalWeights_data()
    {
        QTest::addColumn<double>("weight");
        QTest::addColumn<bool>("fractional");
        QTest::newRow("whole") << 2.0 << false;
        QTest::newRow("zero") << 0.0 << false;
        QTest::newRow("negative whole") << -3.0 << false;
        QTest::newRow("half") << 1.5 << true;
        QTest::newRow("negative half") << -0.5 << true;
        QTest::newRow("just above a whole") << std::nextafter(1.0, 2.0) << true;
        QTest::newRow("beyond 2^53, whole") << 1e20 << false;
        QTest::newRow("infinity") << std::numeric_limits<double>::infinity() << false;
        QTest::newRow("NaN") << std::numeric_limits<double>::quiet_NaN() << true;
    }

    void fractionalWeights()
    {
        QFETCH(double, weight);
        QFETCH(bool, fractional);
        QCOMPARE(isFractionalWeight(weight), fractional);
    }

    // A hostile scenario name and description cannot break a file.
    void hostileValuesStayValues()
    {
        auto s = scenario("default");
        s.name = "evil\n---\nkind: Secret # {{name}}";
        s.description = "\"quoted\": \x1b[31m red \n- list";
        RenderOptions options{.emulatorImage = "kvroute:test"};
        options.scenarioArgument = "x\ny: z";
        const auto m = renderManifests(s, options);
        QVERIFY(m.has_value());
        for (const auto& f : m->files) {
            const auto docs = YAML::LoadAll(f.text);
            QVERIFY2(!docs.empty(), f.name.c_str());
            for (const auto& d : docs)
                QVERIFY2(d["kind"].as<std::string>() != "Secret", f.name.c_str());
        }
        const YAML::Node cm = YAML::Load(file(*m, "05-scenario-configmap.yaml")->text);
        const auto back = sim::parseScenarioYaml(cm["data"]["scenario.yaml"].as<std::string>(), "s", "");
        QVERIFY(back.has_value());
        QCOMPARE(back->name, s.name);
        QCOMPARE(back->description, s.description);
        QCOMPARE(m->scenarioLabel, std::string("evil-kind-secret-name"));
    }

    void outputDirectory()
    {
        const fs::path foreign = tempDir("foreign");
        fs::create_directories(foreign);
        std::ofstream(foreign / "mine.txt") << "user data";
        const RenderOptions options;
        const auto headerHash = render("default", {"routing.policy=header-hash"});
        const auto refused = writeManifests(foreign.string(), headerHash, options, false);
        QVERIFY(!refused);
        QCOMPARE(refused.error().where, std::string("--out"));
        QVERIFY(writeManifests(foreign.string(), headerHash, options, true).has_value());
        QVERIFY(fs::exists(foreign / "25-destinationrule.yaml"));
        // Rendered before: a new render replaces it, and what it no longer writes goes away;
        // files kvroute did not write stay.
        const auto plain = render("default");
        const auto written = writeManifests(foreign.string(), plain, options, false);
        QVERIFY(written.has_value());
        QCOMPARE(written->size(), plain.files.size());
        QVERIFY(!fs::exists(foreign / "25-destinationrule.yaml"));
        QVERIFY(!fs::exists(foreign / "40-gateway.yaml"));
        QVERIFY(fs::exists(foreign / "20-service.yaml"));
        QVERIFY(fs::exists(foreign / "mine.txt"));
        const YAML::Node marker = YAML::LoadFile((foreign / std::string(kRenderMarker)).string());
        QCOMPARE(marker["scenario"].as<std::string>(), std::string("default"));
        QCOMPARE(marker["namespace"].as<std::string>(), std::string("default"));
        QCOMPARE(marker["target"].as<std::string>(), std::string("kubernetes"));
        QCOMPARE(marker["files"].size(), plain.files.size());
        // A new directory is created; a file in the way is an error.
        const fs::path fresh = tempDir("fresh") / "nested";
        QVERIFY(writeManifests(fresh.string(), plain, options, false).has_value());
        QVERIFY(!writeManifests((fresh / "20-service.yaml").string(), plain, options, true).has_value());
    }
};

QTEST_APPLESS_MAIN(TestDeployRender)
#include "tst_deploy_render.moc"
