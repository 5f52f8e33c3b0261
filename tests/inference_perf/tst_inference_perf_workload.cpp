// workload.type inference-perf (sim/workload/inference_perf_workload.h): inference-perf's
// constant and Poisson timers, the random data set's lengths, how a config file becomes the
// client and the stages, and the llm-d example scenario against the built-in llmd-shared-prefix.

#include "sim/fleet/cluster_run.h"
#include "sim/scenario/scenario_yaml.h"
#include "sim/workload/inference_perf_workload.h"
#include "sim/workload/random_prompts.h"
#include "sim/workload/shared_prefix_workload.h"
#include "sim/workload/workload_factory.h"
#include "tests/workload/workload_test_support.h"

#include <QtTest/QtTest>

#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <set>

using namespace kvroute::sim;
using kvroute::test::runWorkload;

namespace {

SharedPrefixConfig smallStages(ArrivalProcess arrivals)
{
    SharedPrefixConfig c;
    c.numGroups = 2;
    c.promptsPerGroup = 3;
    c.systemPromptLen = 8;
    c.questionLen = 4;
    c.outputLen = 5;
    c.stages = {LoadStage{3.0, 7.5}, LoadStage{40.0, 2.0}};
    c.drainBetweenStages = false;
    c.arrivals = arrivals;
    return c;
}

std::string writeFile(const QTemporaryDir& dir, const char* name, const std::string& text)
{
    const std::string path = dir.filePath(QString::fromUtf8(name)).toStdString();
    std::ofstream(path) << text;
    return path;
}

double meanOf(const std::vector<std::int32_t>& v)
{
    double sum = 0;
    for (const auto x : v)
        sum += x;
    return sum / static_cast<double>(v.size());
}

} // namespace

class TestInferencePerfWorkload final : public QObject {
    Q_OBJECT

private slots:
    void constantTimerFillsTheStage();
    void constantTimerWithStartOffset();
    void constantGapsAreExponential();
    void poissonTimerUnchangedCounts();
    void lengthsAsGenerateDistribution();
    void randomPromptsCycleTheLengths();
    void planClientAndStages();
    void planRandomTotalCount();
    void llmdExampleEqualsBuiltin();
    void scenarioErrors();
    void zeroOutputLengthsSendTheClientsDefault();
};

void TestInferencePerfWorkload::constantTimerFillsTheStage()
{
    SharedPrefixWorkload workload(smallStages(ArrivalProcess::Constant), 7);
    const auto run = runWorkload(workload);
    const auto& stages = workload.stageRecords();
    QCOMPARE(stages.size(), std::size_t{2});
    // int(rate × duration): int(22.5) = 22 and 80.
    QCOMPARE(stages[0].planned, std::int64_t{22});
    QCOMPARE(stages[1].planned, std::int64_t{80});
    QCOMPARE(run.requests.size(), std::size_t{102});
    // ConstantLoadTimer's gaps sum to the duration: the last arrival is the stage's end.
    QCOMPARE(stages[0].start, SimTime{0});
    QCOMPARE(stages[0].lastArrival, fromSeconds(7.5));
    QVERIFY(stages[0].firstArrival > 0);
    QCOMPARE(stages[1].start, stages[0].lastArrival); // back to back, no gap
    QCOMPARE(stages[1].lastArrival, stages[1].start + fromSeconds(2.0));
    for (std::size_t i = 1; i < run.requests.size(); ++i)
        QVERIFY(run.requests[i].arrival >= run.requests[i - 1].arrival);
    for (const auto& r : run.requests)
        QCOMPARE(r.stage, r.arrival <= stages[0].lastArrival ? 0 : 1);
}

void TestInferencePerfWorkload::constantTimerWithStartOffset()
{
    SharedPrefixConfig c = smallStages(ArrivalProcess::Constant);
    c.startOffsetSeconds = 1.0;
    c.stageGapSeconds = 0.5;
    SharedPrefixWorkload workload(c, 7);
    (void)runWorkload(workload);
    const auto& stages = workload.stageRecords();
    QCOMPARE(stages[0].lastArrival, fromSeconds(8.5)); // 1 s offset + 7.5 s
    QVERIFY(stages[0].firstArrival > fromSeconds(1.0));
    QCOMPARE(stages[1].start, fromSeconds(9.0));        // + 0.5 s gap
    QCOMPARE(stages[1].lastArrival, fromSeconds(12.0)); // + 1 s offset + 2 s
}

void TestInferencePerfWorkload::constantGapsAreExponential()
{
    // Rescaled exponential gaps: mean duration / n; their coefficient of variation stays ~1,
    // unlike evenly spaced arrivals (CV 0).
    SharedPrefixConfig c = smallStages(ArrivalProcess::Constant);
    c.stages = {LoadStage{50.0, 200.0}};
    SharedPrefixWorkload workload(c, 11);
    const auto run = runWorkload(workload);
    QCOMPARE(run.requests.size(), std::size_t{10000});
    std::vector<double> gaps;
    SimTime previous = 0;
    for (const auto& r : run.requests) {
        gaps.push_back(toSeconds(r.arrival - previous));
        previous = r.arrival;
    }
    double mean = 0;
    for (const double g : gaps)
        mean += g;
    mean /= static_cast<double>(gaps.size());
    double var = 0;
    for (const double g : gaps)
        var += (g - mean) * (g - mean);
    const double cv = std::sqrt(var / static_cast<double>(gaps.size())) / mean;
    QVERIFY2(std::abs(mean - 0.02) < 1e-9, qPrintable(QString::number(mean)));
    QVERIFY2(cv > 0.95 && cv < 1.05, qPrintable(QString::number(cv)));
}

void TestInferencePerfWorkload::poissonTimerUnchangedCounts()
{
    SharedPrefixWorkload poisson(smallStages(ArrivalProcess::Poisson), 7);
    const auto run = runWorkload(poisson);
    QCOMPARE(poisson.stageRecords()[0].planned, std::int64_t{22});
    QCOMPARE(run.requests.size(), std::size_t{102});
    // Poisson arrivals fill whole 1 s slots (PoissonLoadTimer), each slot's last one on the
    // slot's end; the constant timer's land on whole seconds practically never.
    const auto onWholeSeconds = [](const kvroute::test::RunResult& r) {
        return std::count_if(r.requests.begin(), r.requests.end(),
                             [](const WorkloadRequest& q) { return q.arrival % kSecond == 0; });
    };
    QVERIFY(onWholeSeconds(run) >= 5);
    SharedPrefixWorkload constant(smallStages(ArrivalProcess::Constant), 7);
    QCOMPARE(onWholeSeconds(runWorkload(constant)), std::ptrdiff_t{0}); // stage ends at 7.5 s and 9.5 s
    // The constant timer is an option: the same seed's Poisson run is unchanged by it.
    SharedPrefixWorkload again(smallStages(ArrivalProcess::Poisson), 7);
    const auto rerun = runWorkload(again);
    for (std::size_t i = 0; i < run.requests.size(); ++i)
        QCOMPARE(rerun.requests[i].arrival, run.requests[i].arrival);
}

void TestInferencePerfWorkload::lengthsAsGenerateDistribution()
{
    Rng rng = Rng::stream(3, "test/lengths");
    const auto lengths = drawLengths(LengthDistribution{20, 400, 200.0, 50.0, 20000}, rng);
    QCOMPARE(lengths.size(), std::size_t{20000});
    double var = 0;
    const double mean = meanOf(lengths);
    for (const auto x : lengths)
        var += (x - mean) * (x - mean);
    QVERIFY2(std::abs(mean - 200.0) < 1.5, qPrintable(QString::number(mean)));
    QVERIFY2(std::abs(std::sqrt(var / 20000.0) - 50.0) < 1.5, qPrintable(QString::number(std::sqrt(var / 20000))));
    // Clipped to [min, max], then rounded: 5 takes X < 5.5 (Φ(-0.045) ≈ 0.482, 1,928 of 4,000),
    // 20 takes X >= 19.5 (1 − Φ(0.095) ≈ 0.462, 1,849); each ± about 4 standard deviations.
    Rng clipRng = Rng::stream(3, "test/clip");
    const auto clipped = drawLengths(LengthDistribution{5, 20, 10.0, 100.0, 4000}, clipRng);
    const auto atMin = std::count(clipped.begin(), clipped.end(), 5);
    const auto atMax = std::count(clipped.begin(), clipped.end(), 20);
    for (const auto x : clipped)
        QVERIFY(x >= 5 && x <= 20);
    QVERIFY2(atMin > 1800 && atMin < 2060, qPrintable(QString::number(atMin)));
    QVERIFY2(atMax > 1720 && atMax < 1980, qPrintable(QString::number(atMax)));
    // np.round rounds half to even: 2.5 → 2, 3.5 → 4.
    Rng halfRng = Rng::stream(3, "test/half");
    QCOMPARE(drawLengths(LengthDistribution{1, 10, 2.5, 0.0, 3}, halfRng), std::vector<std::int32_t>(3, 2));
    QCOMPARE(drawLengths(LengthDistribution{1, 10, 3.5, 0.0, 3}, halfRng), std::vector<std::int32_t>(3, 4));
}

void TestInferencePerfWorkload::randomPromptsCycleTheLengths()
{
    const LengthDistribution input{16, 300, 100.0, 60.0, 7};
    const LengthDistribution output{1, 50, 20.0, 10.0, 5};
    auto prompts = std::make_unique<RandomPrompts>(input, output, ClientIpMode::PerSession, 9);
    const std::vector<std::int32_t> inLengths = prompts->inputLengths();
    const std::vector<std::int32_t> outLengths = prompts->outputLengths();
    // The lengths come from their own streams: the same as drawing them directly.
    Rng inRng = Rng::stream(9, "workload/random/input-lengths");
    QCOMPARE(inLengths, drawLengths(input, inRng));
    SharedPrefixConfig c = smallStages(ArrivalProcess::Constant);
    c.stages = {LoadStage{5.0, 2.0}, LoadStage{6.0, 2.0}}; // 10 and 12 requests
    SharedPrefixWorkload workload(c, 9, 0, std::move(prompts));
    const auto run = runWorkload(workload);
    QCOMPARE(run.requests.size(), std::size_t{22});
    std::set<std::uint64_t> sessions;
    std::int64_t k = 0;
    int stage = 0;
    for (const auto& r : run.requests) {
        if (r.stage != stage) { // request numbers restart with every stage
            stage = r.stage;
            k = 0;
        }
        QCOMPARE(static_cast<std::int32_t>(r.prompt.size()), inLengths[static_cast<std::size_t>(k % 7)]);
        QCOMPARE(r.maxTokens, outLengths[static_cast<std::size_t>(k % 5)]);
        sessions.insert(r.sessionId);
        ++k;
    }
    QCOMPARE(sessions.size(), std::size_t{22}); // every request is its own session
    // Fresh random ids per request: no two prompts share even their first 4 tokens.
    for (std::size_t a = 0; a < run.requests.size(); ++a)
        for (std::size_t b = a + 1; b < run.requests.size(); ++b)
            QVERIFY(kvroute::test::commonPrefix(*run.requests[a].prompt.stored(), *run.requests[b].prompt.stored()) < 4);
    QVERIFY(QString::fromStdString(workload.describe()).startsWith(QStringLiteral("random: input normal(mean 100")));
}

void TestInferencePerfWorkload::planClientAndStages()
{
    InferencePerfConfig file;
    file.file = "ip.yaml";
    file.stages = {LoadStage{2.0, 10.0}};
    file.intervalSeconds = 2.5;
    file.loadType = ArrivalProcess::Poisson;
    file.streaming = true;
    WorkloadConfig scenario;
    scenario.sharedPrefix.clientIps = ClientIpMode::PerGroup;

    // No num_workers, no max_in_flight: 8 assumed workers × 100, said in a warning; client
    // addresses per group are not one load generator's, said in another.
    auto plan = planInferencePerf(file, scenario);
    QCOMPARE(plan.maxInFlight, 800);
    QCOMPARE(plan.warnings.size(), std::size_t{2});
    QVERIFY(QString::fromStdString(plan.warnings[0]).contains(QStringLiteral("load.num_workers is not set")));
    QVERIFY2(QString::fromStdString(plan.warnings[1]).contains(QStringLiteral("workload.client_ips is per-group")),
             plan.warnings[1].c_str());
    QVERIFY(plan.stages.arrivals == ArrivalProcess::Poisson);
    QCOMPARE(plan.stages.stageGapSeconds, 2.5);
    QCOMPARE(plan.stages.startOffsetSeconds, 1.0);
    QCOMPARE(plan.stages.drainPollSeconds, 1.0);
    QVERIFY(plan.stages.drainBetweenStages);
    QVERIFY(plan.stages.clientIps == ClientIpMode::PerGroup);
    QCOMPARE(plan.stages.numGroups, 10);
    QCOMPARE(plan.stages.outputLen, 50);

    // num_workers × worker_max_concurrency; one client address, as inference-perf has.
    scenario.sharedPrefix.clientIps = ClientIpMode::Single;
    file.numWorkers = 4;
    file.workerMaxConcurrency = 25;
    plan = planInferencePerf(file, scenario);
    QCOMPARE(plan.maxInFlight, 100);
    QVERIFY(plan.warnings.empty());

    // The scenario's explicit max_in_flight wins, with a warning when it differs.
    scenario.client.maxInFlight = 300;
    plan = planInferencePerf(file, scenario);
    QCOMPARE(plan.maxInFlight, 300);
    QCOMPARE(plan.warnings.size(), std::size_t{1});
    QVERIFY(QString::fromStdString(plan.warnings[0]).contains(QStringLiteral("overrides")));

    // Without streaming inference-perf's TTFT is the whole latency.
    file.streaming = false;
    plan = planInferencePerf(file, scenario);
    QVERIFY(QString::fromStdString(plan.warnings.back()).contains(QStringLiteral("api.streaming is false")));
}

void TestInferencePerfWorkload::planRandomTotalCount()
{
    InferencePerfConfig file;
    file.file = "ip.yaml";
    file.numWorkers = 1;
    file.streaming = true;
    file.data = InferencePerfData::Random;
    file.stages = {LoadStage{2.5, 10.0}, LoadStage{4.0, 9.9}}; // 25 and int(39.6) = 39
    file.output.totalCount = 10;
    const auto plan = planInferencePerf(file, WorkloadConfig{});
    // main.py: a missing total_count is int(max(rate × duration)) + 1 = int(39.6) + 1 = 40.
    QCOMPARE(plan.input.totalCount, std::int64_t{40});
    QCOMPARE(plan.output.totalCount, std::int64_t{10});
    QCOMPARE(plan.warnings.size(), std::size_t{1}); // 10 < 39: upstream would fail requests
    QVERIFY(QString::fromStdString(plan.warnings[0]).contains(QStringLiteral("total_count is 10")));
}

void TestInferencePerfWorkload::llmdExampleEqualsBuiltin()
{
    // The example reads llm-d's own inference-perf config; the built-in scenario spells the same
    // load out. Same seed, streams and stages: identical per-stage results (a prefix of the
    // ladder keeps the test quick).
    auto example = loadScenarioFile(KVROUTE_SOURCE_DIR "/examples/inference-perf-llmd-73.yaml");
    QVERIFY2(example.has_value(), example ? "" : example.error().toString().c_str());
    auto builtin = builtinScenario("llmd-shared-prefix");
    QVERIFY(builtin.has_value());
    QVERIFY(example->workload.kind == WorkloadKind::InferencePerf);
    const std::vector<std::string> cut{"workload.max_requests=1100"};
    QVERIFY(applyOverrides(*example, cut).has_value());
    QVERIFY(applyOverrides(*builtin, cut).has_value());

    auto setup = prepareRun(*example);
    QVERIFY2(setup.has_value(), setup ? "" : setup.error().toString().c_str());
    QCOMPARE(setup->scenario.workload.client.maxInFlight, 800); // 8 assumed workers × 100
    QCOMPARE(setup->scenario.workload.sharedPrefix.stages.size(), std::size_t{17});

    const auto a = runPrepared(*setup);
    const auto b = runScenario(*builtin);
    QVERIFY(a.has_value() && b.has_value());
    QCOMPARE(a->requestsCompleted, std::int64_t{1100});
    QCOMPARE(a->stages.size(), b->stages.size());
    QVERIFY(a->stages.size() >= 3); // 750 warm-up, 60, 200, then the cut
    for (std::size_t i = 0; i < a->stages.size(); ++i) {
        const auto& x = a->stages[i];
        const auto& y = b->stages[i];
        QCOMPARE(x.requests, y.requests);
        QCOMPARE(x.completed, y.completed);
        QCOMPARE(x.startSeconds, y.startSeconds);
        QCOMPARE(x.endSeconds, y.endSeconds);
        QCOMPARE(x.outputTokensPerS, y.outputTokensPerS);
        QCOMPARE(x.ttft.mean, y.ttft.mean);
        QCOMPARE(x.ttft.p90, y.ttft.p90);
        QCOMPARE(x.itlMean, y.itlMean);
    }
    QCOMPARE(a->hitRate, b->hitRate);
    QCOMPARE(a->ttft.mean, b->ttft.mean);
    QVERIFY(QString::fromStdString(a->workload).startsWith(QStringLiteral("inference-perf llmd-73-capacity.yaml")));
}

void TestInferencePerfWorkload::scenarioErrors()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // No path.
    auto base = builtinScenario("llmd-shared-prefix");
    QVERIFY(base.has_value());
    Scenario s = *base;
    s.workload.kind = WorkloadKind::InferencePerf;
    auto setup = prepareRun(s);
    QVERIFY(!setup.has_value());
    QVERIFY2(setup.error().toString().find("workload.path") != std::string::npos, setup.error().toString().c_str());
    // A missing file is named.
    s.workload.trace.path = dir.filePath(QStringLiteral("missing.yaml")).toStdString();
    setup = prepareRun(s);
    QVERIFY(!setup.has_value());
    QVERIFY2(setup.error().where.find("missing.yaml") != std::string::npos, setup.error().toString().c_str());
    // A bad key in the file is named by file:line:column.
    s.workload.trace.path = writeFile(dir, "bad.yaml", "load:\n  stages: [{rate: 1, duration: 1}]\n  stage: 1\n"
                                                       "data: {type: shared_prefix, shared_prefix: {}}\n");
    setup = prepareRun(s);
    QVERIFY(!setup.has_value());
    QCOMPARE(QString::fromStdString(setup.error().where), QString::fromStdString(s.workload.trace.path + ":3:3"));
    // makeWorkload resolves a relative path against the scenario's folder.
    WorkloadConfig w;
    w.kind = WorkloadKind::InferencePerf;
    w.trace.path = "good.yaml";
    (void)writeFile(dir, "good.yaml", "load: {type: constant, num_workers: 2, stages: [{rate: 2, duration: 3}]}\n"
                                      "data: {type: shared_prefix, shared_prefix: {num_groups: 2}}\n"
                                      "api: {streaming: true}\n");
    auto workload = makeWorkload(w, 1, dir.path().toStdString());
    QVERIFY2(workload.has_value(), workload ? "" : workload.error().toString().c_str());
    QCOMPARE((*workload)->stages().size(), std::size_t{1});
    QVERIFY(QString::fromStdString((*workload)->describe()).contains(QStringLiteral("at most 200 in flight")));
    QVERIFY(!makeWorkload(w, 1, {}).has_value()); // not found from the working directory
}

QTEST_APPLESS_MAIN(TestInferencePerfWorkload)
void TestInferencePerfWorkload::zeroOutputLengthsSendTheClientsDefault()
{
    // An output distribution with min 0, as upstream allows: inference-perf v0.2.0 sends a drawn
    // 0 as max_tokens 30 (its client's default), so every request is served, none refused.
    const LengthDistribution zero{.min = 0, .max = 0, .mean = 0.0, .stdDev = 0.0, .totalCount = 4};
    const LengthDistribution input{.min = 5, .max = 5, .mean = 5.0, .stdDev = 0.0, .totalCount = 4};
    RandomPrompts prompts(input, zero, ClientIpMode::Single, 7);
    WorkloadRequest request;
    prompts.fill(0, request);
    QCOMPARE(request.maxTokens, kInferencePerfDefaultMaxTokens);
    QCOMPARE(request.prompt.size(), std::size_t{5});

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto base = builtinScenario("default");
    QVERIFY(base.has_value());
    Scenario s = *base;
    s.workload = WorkloadConfig{};
    s.workload.kind = WorkloadKind::InferencePerf;
    s.workload.trace.path = writeFile(dir, "zero.yaml", "load: {type: poisson, num_workers: 1, stages: [{rate: 5, duration: 20}]}\n"
                                                        "data:\n  type: random\n"
                                                        "  input_distribution: {min: 1, max: 400, mean: 30, std_dev: 60}\n"
                                                        "  output_distribution: {min: 0, max: 50, mean: 5, std_dev: 10}\n"
                                                        "api: {streaming: true}\n");
    const auto r = runScenario(s);
    QVERIFY2(r.has_value(), r ? "" : r.error().toString().c_str());
    QVERIFY(r->requestsSubmitted > 50);
    QCOMPARE(r->requestsRejected, std::int64_t{0});
    QCOMPARE(r->requestsCompleted, r->requestsSubmitted);
}

#include "tst_inference_perf_workload.moc"
