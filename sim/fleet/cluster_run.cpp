#include "sim/fleet/cluster_run.h"

#include "sim/fleet/fleet_factories.h"
#include "sim/fleet/run_limits.h"
#include "sim/hashing/hash_domain.h"
#include "sim/kernel/rng.h"
#include "sim/kernel/simulation.h"
#include "sim/metrics/metrics_collector.h"
#include "sim/model/presets.h"
#include "sim/model/step_time.h"
#include "sim/pod/timed_pod.h"
#include "sim/routing/router.h"
#include "sim/scenario/scenario_validation.h"
#include "sim/util/check.h"
#include "sim/workload/distribution.h"
#include "sim/workload/inference_perf_workload.h"
#include "sim/workload/workload.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <span>
#include <unordered_map>
#include <utility>

namespace kvroute::sim {

namespace {

/// The address every request shows when a gateway or NAT sits in front of the Service.
constexpr Ipv4 kGatewayIp = 0x0A00FFFE; // 10.0.255.254

std::string podNamePrefix(std::string_view modelName)
{
    std::string out;
    for (const char c : modelName) {
        if (std::isalnum(static_cast<unsigned char>(c)))
            out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
        else if (!out.empty() && out.back() != '-')
            out.push_back('-');
    }
    return out + "-decode-";
}

/// One step's KV events on their way to the router. Slots past the current count are kept (not
/// destroyed) so their hash lists' capacity serves the next step that reuses the buffer.
class KvEventBuffer {
public:
    void fill(const std::vector<KvEvent>& events)
    {
        if (m_slots.size() < events.size())
            m_slots.resize(events.size());
        // Copy-assignment reuses each slot's vectors when they are large enough.
        std::copy(events.begin(), events.end(), m_slots.begin());
        m_count = events.size();
    }
    [[nodiscard]] std::span<const KvEvent> events() const { return {m_slots.data(), m_count}; }

private:
    std::vector<KvEvent> m_slots;
    std::size_t m_count = 0;
};

class ClusterSim final : public PodListener {
public:
    ClusterSim(const RunSetup& setup, std::unique_ptr<Router> router, std::unique_ptr<Workload> workload,
               std::unique_ptr<StepTimeModel> stepTime)
        : m_setup(setup)
        , m_router(std::move(router))
        , m_workload(std::move(workload))
        , m_stepTime(std::move(stepTime))
        , m_delay(fromSeconds(setup.scenario.routing.gatewayDelaySeconds))
        , m_collector(setup.scenario.cluster.pods, setup.scenario.run.sampleInterval, m_delay,
                      setup.scenario.workload.client.ttftFrom)
        , m_clientLimit(setup.scenario.workload.client.maxInFlight)
    {
        const auto stages = m_workload->stages();
        m_numStages = static_cast<std::int32_t>(stages.size());
        m_collector.setStages(stages);
        const auto& s = setup.scenario;
        const int n = s.cluster.pods;
        // Without PYTHONHASHSEED every vLLM process draws its own NONE_HASH (vllm.md §1), so
        // pods disagree on every block hash; hash_domain.h explains the surrogate.
        for (int i = 0; i < n; ++i) {
            EngineConfig engine = podEngineConfig(setup, i);
            // Pods publish only with --kv-events-config; an index nobody feeds stays empty.
            engine.kvEvents = engine.kvEvents && m_router->wantsKvEvents();
            // The listener below counts, sums exactly, and adds up per pod in step order, and
            // it submits from ordinary events only: runs of quiet steps can be coalesced, and the
            // tokens of requests in steady decode counted rather than heard one by one.
            m_pods.push_back(std::make_unique<TimedPod>(m_sim, i, engine, *m_stepTime, this, QuietSteps::Coalesced,
                                                          TokenReports::SteadyCounted));
            PodInfo info;
            info.name = podName(setup, i);
            info.address = "10.128.0." + std::to_string(10 + i);
            m_podInfo.push_back(std::move(info));
            m_podMetrics.push_back(&m_pods.back()->metrics());
        }
        m_scraped.resize(static_cast<std::size_t>(n));
        m_inFlightPerPod.assign(static_cast<std::size_t>(n), 0);
    }

    Result<RunResults> run(const RunControl& control)
    {
        const auto& s = m_setup.scenario;
        m_end = s.run.duration;
        const SimTime hardEnd = m_end + s.run.drainLimit;
        m_workload->start(
            m_sim, [this](WorkloadRequest r) { onArrival(std::move(r)); }, m_end, s.workload.maxRequests);
        scrape();
        m_samplePending = true;
        m_sim.schedule(s.run.sampleInterval, [this] { sampleTick(); });

        bool cancelled = false;
        const SimTime slice = std::max<SimTime>(m_end / 200, 10 * kMillisecond);
        while (m_sim.hasPendingEvents() && m_sim.now() < hardEnd) {
            if (control.cancel && control.cancel->load(std::memory_order_relaxed)) {
                cancelled = true;
                break;
            }
            if (m_overloaded)
                return fail("more than " + std::to_string(RunLimits::kMaxInFlight) +
                                " requests were in flight at once (at " + formatNumber(toSeconds(m_sim.now())) +
                                " s): the pods cannot keep up with the workload and the backlog only grows; "
                                "lower the request rate or add pods",
                            "workload");
            m_sim.runUntil(std::min(m_sim.now() + slice, hardEnd));
            if (control.progress)
                control.progress(progress());
        }
        catchUpPods();
        // `duration` is an upper bound: a workload spent before it ends the run, which is done.
        if (control.progress && !cancelled)
            control.progress(1.0);
        RunResults results = m_collector.finish(m_sim.now(), m_podMetrics);
        results.cancelled = cancelled;
        for (std::size_t i = 0; i < results.pods.size(); ++i)
            results.pods[i].name = m_podInfo[i].name;
        results.router = m_router->describe();
        results.workload = m_workload->describe();
        results.latencyModel = m_stepTime->describe();
        results.capacity.numGpuBlocks = m_setup.capacity.numBlocks;
        results.capacity.kvTokensPerPod = m_setup.capacity.numTokens;
        results.capacity.kvBytesPerToken = m_setup.capacity.bytesPerToken;
        results.capacity.overridden = m_setup.capacity.overridden;
        results.warnings = m_setup.warnings;
        if (results.requestsRejected > 0)
            results.warnings.push_back(rejectionNote(results.requestsRejected, results.requestsSubmitted));
        if (results.requestsUnroutable > 0)
            results.warnings.push_back(std::to_string(results.requestsUnroutable) + " of " +
                                       std::to_string(results.requestsSubmitted) +
                                       " requests failed at the router: no pod was left after the Endpoint Picker's "
                                       "filters (llm-d answers \"no pods available\")");
        if (auto note = m_workload->shortfallNote(); note && !cancelled)
            results.warnings.push_back(std::move(*note));
        if (results.requestsCompleted == 0 && !cancelled)
            results.warnings.push_back(
                results.requestsSubmitted == 0
                    ? std::string("no request was sent: the workload produced nothing within duration")
                    : "none of the " + std::to_string(results.requestsSubmitted) +
                          " requests completed, so every figure is empty; the other notes say why");
        if (results.requestsUnfinished > 0 && !cancelled)
            results.warnings.push_back(std::to_string(results.requestsUnfinished) +
                                       " requests were still in flight when drain_limit ended the run");
        return results;
    }

    // PodListener: forward to the collector and close the loop with the router and workload.
    void onStepBegin(int pod, SimTime now, const StepPlan& plan, SimTime duration) override
    {
        m_collector.onStepBegin(pod, now, plan, duration);
        if (plan.kvEvents.empty() || !m_router->wantsKvEvents())
            return;
        const SimTime delay = fromSeconds(m_setup.scenario.routing.epp.kvEventDelaySeconds);
        // The plan's list is the pod's to reuse, so the events travel in a copy; the copy goes into
        // a recycled buffer whose events keep their hash lists' capacity, so a warm run delivers
        // KV events without allocating.
        std::unique_ptr<KvEventBuffer> buffer;
        if (m_freeEventBuffers.empty()) {
            buffer = std::make_unique<KvEventBuffer>();
        } else {
            buffer = std::move(m_freeEventBuffers.back());
            m_freeEventBuffers.pop_back();
        }
        buffer->fill(plan.kvEvents);
        m_sim.schedule(delay, [this, pod, buffer = std::move(buffer)]() mutable {
            m_router->onKvEvents(pod, buffer->events(), m_sim.now());
            m_freeEventBuffers.push_back(std::move(buffer));
        });
    }
    void onToken(int pod, SimTime now, const RequestOutput& out, const PodRequestRecord& record) override
    {
        m_collector.onToken(pod, now, out, record);
    }
    void onSteadyTokens(int pod, SimTime now, std::int32_t count, SimTime interTokenLatency) override
    {
        m_collector.onSteadyTokens(pod, now, count, interTokenLatency);
    }
    void onStats(int pod, SimTime now, const SchedulerStats& stats) override { m_collector.onStats(pod, now, stats); }
    void onSteadySteps(int pod, const SteadySteps& steps) override { m_collector.onSteadySteps(pod, steps); }
    void onFinished(int pod, SimTime now, const PodRequestRecord& record) override
    {
        m_collector.onFinished(pod, now, record);
        const auto it = m_inFlight.find(record.id);
        if (it == m_inFlight.end())
            return;
        auto request = std::move(it->second);
        m_inFlight.erase(it);
        const std::int32_t tokens = record.finishReason == FinishReason::Abort ? 0 : record.numOutputTokens;
        // The client and the gateway see the end of the response one network delay later; only
        // then does Envoy's active-request count for the pod drop.
        m_sim.schedule(m_delay, [this, pod, tokens, request = std::move(request)] {
            --m_inFlightPerPod[static_cast<std::size_t>(pod)];
            m_router->onCompleted(request, pod, m_sim.now());
            answered(request, tokens);
        });
    }

private:
    /// How far the run is, from 0 to 1: the furthest of simulated time against `duration`,
    /// requests sent against workload.max_requests, and load stages begun (a staged workload
    /// usually ends long before `duration`, which only bounds it).
    [[nodiscard]] double progress() const
    {
        const auto& s = m_setup.scenario;
        double done = toSeconds(m_sim.now()) / std::max(1e-9, toSeconds(m_end));
        if (s.workload.maxRequests > 0)
            done = std::max(done, static_cast<double>(m_collector.submitted()) / static_cast<double>(s.workload.maxRequests));
        if (m_numStages > 0)
            done = std::max(done, static_cast<double>(m_latestStage) / static_cast<double>(m_numStages));
        return std::min(done, 1.0);
    }

    /// The workload produced `request`: the client sends it now, or queues it while it has
    /// workload.client.max_in_flight requests out.
    void onArrival(WorkloadRequest request)
    {
        if (m_collector.inFlight() + static_cast<std::int64_t>(m_clientBacklog.size()) >= RunLimits::kMaxInFlight) {
            // Memory grows with the backlog; the run loop reports it and stops.
            m_overloaded = true;
            return;
        }
        if (m_clientLimit > 0 && m_clientInFlight >= m_clientLimit) {
            m_clientBacklog.push_back(std::move(request));
            return;
        }
        send(std::move(request));
    }

    /// The client hears the end of `request` (answered, rejected or unroutable): its slot takes
    /// the oldest waiting request, then the workload learns of the answer.
    void answered(const WorkloadRequest& request, std::int32_t tokens)
    {
        --m_clientInFlight;
        if (!m_clientBacklog.empty() && (m_clientLimit == 0 || m_clientInFlight < m_clientLimit)) {
            WorkloadRequest next = std::move(m_clientBacklog.front());
            m_clientBacklog.pop_front();
            send(std::move(next));
        }
        m_workload->onCompleted(request, tokens);
    }

    void send(WorkloadRequest request)
    {
        ++m_clientInFlight;
        m_latestStage = std::max(m_latestStage, request.stage);
        m_collector.onSubmitted(request, m_sim.now());
        const auto& svc = m_setup.scenario.routing.kubeService;
        const RoutingContext ctx{request,
                                 svc.seesClientIp ? request.clientIp : kGatewayIp,
                                 m_sim.now(),
                                 m_podInfo,
                                 m_scraped,
                                 m_inFlightPerPod,
                                 m_setup.servedModelName};
        const int pod = m_router->pick(ctx);
        if (pod == kNoPod) {
            // The gateway answers with an error; the client hears it one network delay later.
            m_collector.onUnroutable(request);
            m_sim.schedule(m_delay, [this, request = std::move(request)] { answered(request, 0); });
            return;
        }
        m_router->onRouted(ctx, pod);
        m_collector.onRouted(request, pod);
        ++m_inFlightPerPod[static_cast<std::size_t>(pod)];
        m_sim.schedule(m_delay, [this, pod, request = std::move(request)]() mutable { deliver(pod, std::move(request)); });
    }

    /// Why vLLM's front end refused requests.
    struct RejectionCounts {
        std::int64_t emptyPrompt = 0;
        std::int64_t promptTooLong = 0;
        std::int64_t zeroMaxTokens = 0;
        std::int64_t overMaxModelLen = 0; ///< prompt + max_tokens over max_model_len
    };

    void countRejection(FrontEndRefusal refusal)
    {
        switch (refusal) {
        case FrontEndRefusal::PromptTooLong: ++m_rejections.promptTooLong; break;
        case FrontEndRefusal::OverMaxModelLen: ++m_rejections.overMaxModelLen; break;
        case FrontEndRefusal::ZeroMaxTokens: ++m_rejections.zeroMaxTokens; break;
        case FrontEndRefusal::EmptyPrompt: ++m_rejections.emptyPrompt; break;
        case FrontEndRefusal::None: KVROUTE_CHECK(false, "a pod refused a request its front end accepts");
        }
    }

    [[nodiscard]] std::string rejectionNote(std::int64_t rejected, std::int64_t submitted) const
    {
        const std::string maxModelLen = std::to_string(m_setup.scenario.vllm.maxModelLen);
        const std::pair<std::int64_t, std::string> counted[] = {
            {m_rejections.emptyPrompt, " sent an empty prompt"},
            {m_rejections.promptTooLong, " sent a prompt not shorter than vllm.max_model_len (" + maxModelLen + " tokens)"},
            {m_rejections.zeroMaxTokens, " asked for max_tokens 0"},
            {m_rejections.overMaxModelLen,
             " asked for more tokens than vllm.max_model_len (" + maxModelLen + ") holds, prompt plus max_tokens"},
        };
        std::vector<std::string> reasons;
        for (const auto& [count, why] : counted)
            if (count > 0)
                reasons.push_back(std::to_string(count) + why);
        std::string note = std::to_string(rejected) + " of " + std::to_string(submitted) +
                           " requests were rejected, as vLLM's front end answers them with a 400: ";
        for (std::size_t i = 0; i < reasons.size(); ++i)
            note += (i == 0 ? "" : i + 1 == reasons.size() ? " and " : ", ") + reasons[i];
        return note;
    }

    void deliver(int pod, WorkloadRequest request)
    {
        EngineRequest e;
        e.id = request.id;
        e.prompt = request.prompt;
        e.maxTokens = request.maxTokens;
        e.outputs = request.answer;
        if (m_setup.scenario.workload.kind == WorkloadKind::ChatSessions) {
            // The chat client asks for at most what still fits beside its prompt, as vLLM's own
            // default max_tokens (max_model_len - prompt) would: a long answer late in a session
            // is cut by the context window, not refused (vLLM refuses prompt + max_tokens over
            // max_model_len, TimedPod::submit).
            const std::int64_t room = std::int64_t{m_setup.scenario.vllm.maxModelLen} - static_cast<std::int64_t>(e.prompt.size());
            if (room >= 1 && e.maxTokens > room)
                e.maxTokens = static_cast<std::int32_t>(room);
        }
        const RequestId id = request.id;
        auto& slot = m_inFlight[id];
        slot = std::move(request);
        const FrontEndRefusal refusal = frontEndRefusal(static_cast<std::int64_t>(e.prompt.size()), e.maxTokens,
                                                        m_setup.scenario.vllm.maxModelLen);
        if (!m_pods[static_cast<std::size_t>(pod)]->submit(std::move(e))) {
            // vLLM's front end refuses it (e.g. prompt not shorter than max_model_len).
            auto rejected = std::move(slot);
            m_inFlight.erase(id);
            m_collector.onRejected(rejected);
            countRejection(refusal);
            m_sim.schedule(m_delay, [this, pod, rejected = std::move(rejected)] {
                --m_inFlightPerPod[static_cast<std::size_t>(pod)];
                m_router->onCompleted(rejected, pod, m_sim.now());
                answered(rejected, 0);
            });
        }
    }

    /// Whether anything can still happen: requests in flight, or (before the end of the arrival
    /// window) any pending event besides our own periodic ones — a workload's next arrival, a
    /// chat user thinking, a KV event on its way. Stops the periodic events (and so the run) as
    /// soon as the workload is spent, even when `duration` is only an upper bound.
    [[nodiscard]] bool active() const
    {
        if (m_collector.inFlight() > 0 || !m_clientBacklog.empty())
            return true;
        if (m_sim.now() >= m_end)
            return false;
        const std::size_t own = (m_scrapePending ? 1U : 0U) + (m_samplePending ? 1U : 0U);
        return m_sim.pendingEvents() > own;
    }

    void scrape()
    {
        m_scrapePending = false;
        for (std::size_t i = 0; i < m_pods.size(); ++i) {
            const auto& m = m_pods[i]->metrics();
            m_scraped[i] = ScrapedPodMetrics{m.numRequestsWaiting, m.numRequestsRunning, m.kvCacheUsage, m_sim.now()};
        }
        if (active()) {
            m_scrapePending = true;
            m_sim.schedule(fromSeconds(m_setup.scenario.routing.epp.scrapeIntervalSeconds), [this] { scrape(); });
        }
    }

    /// The pods' coalesced steps up to now reach the collector (a sample counts the tokens of
    /// its interval).
    void catchUpPods()
    {
        for (auto& pod : m_pods)
            pod->catchUp(m_sim.now());
    }

    void sampleTick()
    {
        m_samplePending = false;
        catchUpPods();
        m_collector.sample(m_sim.now(), m_podMetrics, static_cast<std::int64_t>(m_clientBacklog.size()));
        if (active()) {
            m_samplePending = true;
            m_sim.schedule(m_setup.scenario.run.sampleInterval, [this] { sampleTick(); });
        }
    }

    const RunSetup& m_setup;
    Simulation m_sim;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<Workload> m_workload;
    std::unique_ptr<StepTimeModel> m_stepTime;
    SimTime m_delay;
    MetricsCollector m_collector;
    std::vector<std::unique_ptr<TimedPod>> m_pods;
    std::vector<PodInfo> m_podInfo;
    std::vector<const PodMetrics*> m_podMetrics;
    std::vector<ScrapedPodMetrics> m_scraped;
    std::vector<std::int32_t> m_inFlightPerPod;
    std::unordered_map<RequestId, WorkloadRequest> m_inFlight;
    std::int32_t m_clientLimit = 0;   ///< workload.client.max_in_flight, 0 = none
    std::int32_t m_clientInFlight = 0;
    std::deque<WorkloadRequest> m_clientBacklog;
    std::vector<std::unique_ptr<KvEventBuffer>> m_freeEventBuffers; ///< delivered, ready for reuse
    RejectionCounts m_rejections;
    SimTime m_end = 0;
    std::int32_t m_latestStage = -1;  ///< the latest load stage a sent request belongs to
    std::int32_t m_numStages = 0;
    bool m_scrapePending = false;
    bool m_samplePending = false;
    bool m_overloaded = false;
};

} // namespace

EngineConfig podEngineConfig(const RunSetup& setup, int index)
{
    const auto& s = setup.scenario;
    // Without PYTHONHASHSEED every vLLM process draws its own NONE_HASH (vllm.md §1), so pods
    // disagree on every block hash; hash_domain.h explains the surrogate. Pod i takes the i-th
    // draw of one stream, in the simulation and in a live pod alike.
    auto noneHashDraws = Rng::stream(s.seed, "pods/none-hash");
    std::uint64_t draw = 0;
    for (int i = 0; i <= index; ++i)
        draw = noneHashDraws.nextU64();
    EngineConfig engine = setup.engine;
    engine.noneHashOverride = surrogateNoneHash(
        s.vllm.prefixCachingHashAlgo,
        s.vllm.pythonHashSeed ? std::optional<std::string_view>(*s.vllm.pythonHashSeed) : std::nullopt, draw);
    engine.kvEvents = s.vllm.kvEvents;
    engine.kvEventTokenIds = false;
    return engine;
}

std::string podName(const RunSetup& setup, int index)
{
    return podNamePrefix(setup.model.name) + std::to_string(index);
}

Result<RunSetup> prepareRun(const Scenario& scenario)
{
    RunSetup setup;
    setup.scenario = scenario;
    if (auto valid = validateScenario(scenario); !valid)
        return std::unexpected(valid.error());
    setup.warnings = scenarioWarnings(scenario);
    // workload.type inference-perf: the file's stages and client limit, for the run limits below
    // and the client.
    if (auto resolved = resolveInferencePerf(setup.scenario.workload, setup.warnings); !resolved)
        return std::unexpected(resolved.error());
    auto catalog = PresetCatalog::builtin();
    if (!catalog)
        return std::unexpected(catalog.error());
    const ModelSpec* model = catalog->findModel(scenario.model.model);
    if (!model)
        return fail("unknown model \"" + scenario.model.model + "\"", "model.name");
    const GpuSpec* gpu = catalog->findGpu(scenario.model.gpu);
    if (!gpu)
        return fail("unknown GPU \"" + scenario.model.gpu + "\"", "model.gpu");
    setup.model = *model;
    setup.gpu = *gpu;
    setup.servedModelName = model->hfId.empty() ? model->name : model->hfId;
    setup.stepOverheads = catalog->stepOverheads();

    const auto& v = scenario.vllm;
    KvCapacityConfig kc;
    kc.tensorParallel = scenario.model.tensorParallel;
    kc.gpuMemoryUtilization = v.gpuMemoryUtilization;
    kc.blockSize = v.blockSize;
    kc.maxNumBatchedTokens = v.maxNumBatchedTokens;
    kc.maxNumSeqs = v.maxNumSeqs;
    kc.maxModelLen = v.maxModelLen;
    if (v.numGpuBlocksOverride)
        kc.numGpuBlocksOverride = *v.numGpuBlocksOverride;
    auto capacity = computeKvCapacity(*model, *gpu, kc);
    if (!capacity)
        return fail(capacity.error().message,
                    capacity.error().where.empty() ? std::string("vllm") : "vllm." + capacity.error().where);
    setup.capacity = *capacity;
    if (auto size = checkRunSize(setup.scenario, capacity->numBlocks); !size)
        return std::unexpected(size.error());
    std::string coarser;
    setup.scenario.run.sampleInterval = boundedSampleInterval(scenario, &coarser);
    if (!coarser.empty())
        setup.warnings.push_back(std::move(coarser));

    EngineConfig& e = setup.engine;
    e.numGpuBlocks = static_cast<std::int32_t>(capacity->numBlocks);
    e.blockSize = v.blockSize;
    e.maxNumSeqs = v.maxNumSeqs;
    e.maxNumBatchedTokens = v.maxNumBatchedTokens;
    e.maxModelLen = v.maxModelLen;
    e.enablePrefixCaching = v.enablePrefixCaching;
    // vLLM v0.10.0's V1 engine forces chunked prefill on for generative models
    // (arg_utils.py _set_default_args_v1), whatever the flag says.
    e.enableChunkedPrefill = true;
    e.longPrefillTokenThreshold = v.longPrefillTokenThreshold;
    e.hashAlgo = HashAlgo::Fast64; // surrogate; see hash_domain.h
    if (static_cast<std::int64_t>(e.numGpuBlocks - 1) * e.blockSize < e.maxModelLen) {
        const std::int64_t neededBlocks = (std::int64_t{e.maxModelLen} + e.blockSize - 1) / e.blockSize + 1;
        const std::string why = "the KV cache (" + std::to_string(e.numGpuBlocks - 1) + " usable blocks of " +
                                std::to_string(e.blockSize) + " tokens) cannot hold one request of max_model_len " +
                                std::to_string(e.maxModelLen) + " tokens; vLLM refuses to start";
        // Blame the key the user set: a small override, or else the context length.
        if (capacity->overridden)
            return fail(why + "; set num_gpu_blocks_override to at least " + std::to_string(neededBlocks) +
                            " or lower max_model_len",
                        "vllm.num_gpu_blocks_override");
        return fail(why, "vllm.max_model_len");
    }

    // Build the router and the workload once to validate them (files, plugin names, ...).
    if (auto r = makeFleetRouter(setup); !r)
        return std::unexpected(r.error());
    if (auto w = makeFleetWorkload(setup); !w)
        return std::unexpected(w.error());
    if (auto st = makeFleetStepTime(setup); !st)
        return std::unexpected(st.error());
    return setup;
}

Result<RunResults> runPrepared(const RunSetup& setup, const RunControl& control)
{
    auto router = makeFleetRouter(setup);
    if (!router)
        return std::unexpected(router.error());
    auto workload = makeFleetWorkload(setup);
    if (!workload)
        return std::unexpected(workload.error());
    auto stepTime = makeFleetStepTime(setup);
    if (!stepTime)
        return std::unexpected(stepTime.error());
    ClusterSim sim(setup, std::move(*router), std::move(*workload), std::move(*stepTime));
    return sim.run(control);
}

Result<RunResults> runScenario(const Scenario& scenario, const RunControl& control)
{
    auto setup = prepareRun(scenario);
    if (!setup)
        return std::unexpected(setup.error());
    return runPrepared(*setup, control);
}

} // namespace kvroute::sim
