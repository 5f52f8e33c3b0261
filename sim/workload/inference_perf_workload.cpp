#include "sim/workload/inference_perf_workload.h"

#include "sim/workload/client_ip.h"
#include "sim/workload/distribution.h"
#include "sim/workload/random_prompts.h"
#include "sim/workload/shared_prefix_workload.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <utility>

namespace kvroute::sim {

namespace {

/// The staged workload with a label naming the file, so reports say where the load came from.
class InferencePerfWorkload final : public Workload {
public:
    InferencePerfWorkload(std::unique_ptr<SharedPrefixWorkload> inner, std::string label)
        : m_inner(std::move(inner)), m_label(std::move(label))
    {
    }

    void start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests) override
    {
        m_inner->start(sim, std::move(submit), endTime, maxRequests);
    }
    void onCompleted(const WorkloadRequest& request, std::int32_t outputTokens) override
    {
        m_inner->onCompleted(request, outputTokens);
    }
    void onAnswered(const WorkloadRequest& request, std::span<const TokenId> answer) override
    {
        m_inner->onAnswered(request, answer);
    }
    [[nodiscard]] std::string describe() const override { return m_label + m_inner->describe(); }
    [[nodiscard]] std::vector<LoadStage> stages() const override { return m_inner->stages(); }
    [[nodiscard]] std::optional<std::string> shortfallNote() const override { return m_inner->shortfallNote(); }

private:
    std::unique_ptr<SharedPrefixWorkload> m_inner;
    std::string m_label;
};

std::int64_t largestStage(const std::vector<LoadStage>& stages)
{
    std::int64_t most = 0;
    for (const auto& s : stages)
        most = std::max(most, static_cast<std::int64_t>(std::floor(s.rate * s.durationSeconds)));
    return most;
}

} // namespace

InferencePerfPlan planInferencePerf(const InferencePerfConfig& config, const WorkloadConfig& scenario)
{
    InferencePerfPlan plan;
    SharedPrefixConfig& sp = plan.stages;
    sp.stages = config.stages;
    sp.arrivals = config.loadType;
    // Hard-wired in load_generator.py run_stage (v0.2.0): first arrival 1 s after the stage
    // starts (line 208), wait for every request of the stage (230-235, checked once a second),
    // then sleep load.interval (375-386).
    sp.startOffsetSeconds = 1.0;
    sp.drainPollSeconds = 1.0;
    sp.drainBetweenStages = true;
    sp.stageGapSeconds = config.intervalSeconds;
    sp.clientIps = scenario.sharedPrefix.clientIps;
    plan.data = config.data;
    if (config.data == InferencePerfData::SharedPrefix) {
        sp.numGroups = config.numGroups;
        sp.promptsPerGroup = config.promptsPerGroup;
        sp.systemPromptLen = config.systemPromptLen;
        sp.questionLen = config.questionLen;
        sp.outputLen = config.outputLen;
    } else {
        // The stage machinery's own prompts are unused; one trivial user keeps it cheap.
        sp.numGroups = 1;
        sp.promptsPerGroup = 1;
        sp.systemPromptLen = 0;
        sp.questionLen = 1;
        sp.outputLen = 1;
        // main.py (v0.2.0, 221-225): a missing total_count is the largest stage's count + 1.
        const std::int64_t defaultCount = largestStage(config.stages) + 1;
        plan.input = config.input;
        plan.output = config.output;
        for (LengthDistribution* d : {&plan.input, &plan.output}) {
            if (d->totalCount == 0)
                d->totalCount = defaultCount;
            if (d->totalCount < defaultCount - 1)
                plan.warnings.push_back(
                    config.file + ": a stage sends " + std::to_string(defaultCount - 1) +
                    " requests but total_count is " + std::to_string(d->totalCount) +
                    "; inference-perf v0.2.0 fails the requests past total_count (random_datagen.py indexes "
                    "the lengths directly), kvroute reuses the lengths from the start");
        }
    }

    const std::int64_t workers = config.numWorkers.value_or(kInferencePerfDefaultWorkers);
    const std::int64_t product = workers * config.workerMaxConcurrency;
    const std::string fromFile = std::to_string(workers) + " workers × " +
                                 std::to_string(config.workerMaxConcurrency) + " = " + std::to_string(product);
    if (scenario.client.maxInFlight > 0) {
        plan.maxInFlight = scenario.client.maxInFlight;
        plan.clientNote = "at most " + std::to_string(plan.maxInFlight) + " in flight";
        if (config.numWorkers && product != plan.maxInFlight)
            plan.warnings.push_back("workload.client.max_in_flight (" + std::to_string(plan.maxInFlight) +
                                    ") overrides the inference-perf config's num_workers × worker_max_concurrency (" +
                                    fromFile + ")");
    } else {
        plan.maxInFlight = static_cast<std::int32_t>(product);
        plan.clientNote = "at most " + std::to_string(product) + " in flight";
        if (!config.numWorkers) {
            plan.warnings.push_back(
                config.file + ": load.num_workers is not set; inference-perf then runs one worker per CPU of the "
                "benchmark machine, which the file does not record, so kvroute assumes 8 workers (" + fromFile +
                " requests in flight); set load.num_workers or workload.client.max_in_flight to choose");
        }
    }
    // One load generator, one address: what a Service with ClientIP affinity sees of it. Another
    // mode is allowed (several benchmark pods) but changes the routing, so it is said.
    if (sp.clientIps != ClientIpMode::Single)
        plan.warnings.push_back("workload.client_ips is " + std::string(toString(sp.clientIps)) +
                                ": inference-perf sends every request from the one machine it runs on, so a Service "
                                "with ClientIP affinity sees a single client; set workload.client_ips single to "
                                "simulate one load generator");
    if (!config.streaming)
        plan.warnings.push_back(config.file +
                                ": api.streaming is false; inference-perf then records no token times, so its report's "
                                "TTFT, ITL and time per output token are null, while kvroute reports them");
    return plan;
}

Result<std::string> inferencePerfPath(const WorkloadConfig& workload, const std::string& baseDirectory)
{
    if (workload.trace.path.empty())
        return fail("workload.type inference-perf needs the inference-perf config file", "workload.path");
    std::filesystem::path path(workload.trace.path);
    if (!baseDirectory.empty() && path.is_relative())
        path = std::filesystem::path(baseDirectory) / path;
    std::error_code ec;
    if (std::filesystem::exists(path, ec) && !std::filesystem::is_regular_file(path, ec))
        return fail("is not a file (workload.path names the inference-perf config YAML)",
                    std::filesystem::absolute(path, ec).lexically_normal().string());
    if (!std::filesystem::is_regular_file(path, ec))
        return fail("no such inference-perf config file (workload.path: a relative path is taken from the scenario "
                    "file's folder, or from the working directory for --set)",
                    std::filesystem::absolute(path, ec).lexically_normal().string());
    return path.lexically_normal().string();
}

Result<void> resolveInferencePerf(WorkloadConfig& workload, std::vector<std::string>& warnings,
                                  const std::string& baseDirectory)
{
    if (workload.kind != WorkloadKind::InferencePerf)
        return {};
    auto path = inferencePerfPath(workload, baseDirectory);
    if (!path)
        return std::unexpected(path.error());
    auto config = loadInferencePerfConfig(*path);
    if (!config)
        return std::unexpected(config.error());
    InferencePerfPlan plan = planInferencePerf(*config, workload);
    workload.sharedPrefix = plan.stages;
    workload.client.maxInFlight = plan.maxInFlight;
    warnings.insert(warnings.end(), plan.warnings.begin(), plan.warnings.end());
    return {};
}

Result<std::unique_ptr<Workload>> makeInferencePerfWorkload(const WorkloadConfig& config, std::uint64_t seed,
                                                            const std::string& baseDirectory)
{
    auto path = inferencePerfPath(config, baseDirectory);
    if (!path)
        return std::unexpected(path.error());
    auto file = loadInferencePerfConfig(*path);
    if (!file)
        return std::unexpected(file.error());
    InferencePerfPlan plan = planInferencePerf(*file, config);
    const std::string label =
        "inference-perf " + std::filesystem::path(*path).filename().string() + " (" + plan.clientNote + "): ";
    std::unique_ptr<SharedPrefixWorkload> inner;
    if (plan.data == InferencePerfData::Random)
        inner = std::make_unique<SharedPrefixWorkload>(
            plan.stages, seed, config.maxRequests,
            std::make_unique<RandomPrompts>(plan.input, plan.output, plan.stages.clientIps, seed));
    else
        inner = std::make_unique<SharedPrefixWorkload>(plan.stages, seed, config.maxRequests);
    return std::make_unique<InferencePerfWorkload>(std::move(inner), label);
}

} // namespace kvroute::sim
