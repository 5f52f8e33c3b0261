#include "cluster/pod/pod_server.h"

// GCC 12 reports a -Wnull-dereference false positive inside Asio's scheduler (inlined from
// Boost's headers), at the end of the translation unit where no push/pop can reach it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif

#include "cluster/pod/kv_event_wire.h"
#include "cluster/pod/openai_protocol.h"
#include "cluster/pod/pod_prometheus.h"
#include "cluster/pod/text_tokens.h"
#include "sim/fleet/cluster_run.h"
#include "sim/fleet/fleet_factories.h"
#include "sim/kernel/simulation.h"
#include "sim/pod/timed_pod.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <unordered_map>

namespace kvroute::cluster {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {

/// Events run per turn when the time scale is 0, so that HTTP stays served between batches.
constexpr int kEventsPerTurn = 512;

std::int64_t epochSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string finishText(sim::FinishReason reason)
{
    switch (reason) {
    case sim::FinishReason::Stop: return "stop";
    case sim::FinishReason::Abort: return "abort";
    case sim::FinishReason::Length:
    case sim::FinishReason::None: break;
    }
    return "length";
}

http::Response json(int status, std::string body)
{
    http::Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

http::Response apiError(const ApiError& e)
{
    return json(e.status, errorBody(e));
}

} // namespace

struct PodServer::Impl final : sim::PodListener {
    struct Pending {
        std::shared_ptr<http::Exchange> exchange;
        ResponseContext context;
        bool stream = false;
        bool includeUsage = false;
        std::string text;
        std::int32_t maxTokens = 0;
    };

    Impl(asio::io_context& context, PodOptions opts, sim::RunSetup runSetup, std::unique_ptr<sim::StepTimeModel> model,
         std::unique_ptr<KvEventPublisher> events)
        : io(context)
        , options(std::move(opts))
        , setup(std::move(runSetup))
        , stepTime(std::move(model))
        , name(sim::podName(setup, options.index))
        , prometheus(PodIdentity{setup.servedModelName, setup.engine.maxModelLen, setup.engine.blockSize,
                                 setup.engine.numGpuBlocks, setup.scenario.vllm.gpuMemoryUtilization,
                                 setup.engine.enablePrefixCaching, setup.scenario.vllm.prefixCachingHashAlgo})
        , server(context, [this](http::Request r, std::shared_ptr<http::Exchange> e) { handle(std::move(r), std::move(e)); },
                 options.limits)
        , timer(context)
        , wallStart(Clock::now())
    {
        publisher = std::move(events);
        sim::EngineConfig engine = sim::podEngineConfig(setup, options.index);
        if (publisher) {
            engine.kvEvents = true;
            engine.kvEventTokenIds = true; // vLLM's BlockStored carries the token ids
        }
        pod = std::make_unique<sim::TimedPod>(sim, options.index, engine, *stepTime, this);
    }

    // --- the clock ------------------------------------------------------------------------

    [[nodiscard]] sim::SimTime wallNow() const
    {
        const auto elapsed = std::chrono::duration<double, std::nano>(Clock::now() - wallStart).count();
        return static_cast<sim::SimTime>(elapsed / options.timeScale);
    }

    /// Brings the simulated pod up to the wall clock and arms the timer for its next event.
    void pump()
    {
        if (options.timeScale > 0) {
            const sim::SimTime target = wallNow();
            if (target > sim.now())
                sim.runUntil(target);
            armTimer();
            return;
        }
        for (int i = 0; i < kEventsPerTurn && sim.hasPendingEvents(); ++i)
            sim.step();
        if (sim.hasPendingEvents() && !pumpPosted) {
            pumpPosted = true;
            asio::post(io, [this] {
                pumpPosted = false;
                pump();
            });
        }
    }

    void armTimer()
    {
        if (!sim.hasPendingEvents() || stopped)
            return;
        const auto due = wallStart + std::chrono::nanoseconds(static_cast<std::int64_t>(
                                         static_cast<double>(sim.nextEventTime()) * options.timeScale));
        timer.expires_at(std::chrono::time_point_cast<Clock::duration>(due));
        timer.async_wait([this](const boost::system::error_code& ec) {
            if (!ec)
                pump();
        });
    }

    // --- HTTP -------------------------------------------------------------------------------

    void handle(http::Request request, std::shared_ptr<http::Exchange> exchange)
    {
        const std::string& path = request.path;
        const bool get = request.method == "GET";
        const bool post = request.method == "POST";
        // vLLM's routes are FastAPI's: a GET route answers HEAD too (only /health has no body).
        if ((path == "/health" && (get || request.method == "HEAD")) || (path == "/ping" && (get || post))) {
            http::Response r;
            r.contentType.clear();
            exchange->respond(r);
        } else if (path == "/version" && get) {
            exchange->respond(json(200, R"({"version":"0.10.0"})"));
        } else if (path == "/load" && get) {
            exchange->respond(json(200, R"({"server_load":)" + std::to_string(pending.size()) + "}"));
        } else if (path == "/v1/models" && get) {
            exchange->respond(json(200, modelsBody()));
        } else if (path == "/metrics" && get) {
            pump();
            http::Response r;
            r.contentType = "text/plain; version=0.0.4; charset=utf-8";
            r.body = prometheus.render(pod->metrics());
            exchange->respond(std::move(r));
        } else if ((path == "/v1/completions" || path == "/v1/chat/completions") && post) {
            generate(request, std::move(exchange), path == "/v1/chat/completions");
        } else if (path == "/health" || path == "/version" || path == "/load" || path == "/v1/models" ||
                   path == "/metrics" || path == "/v1/completions" || path == "/v1/chat/completions") {
            http::Response r = json(405, R"({"detail":"Method Not Allowed"})");
            const bool completions = path == "/v1/completions" || path == "/v1/chat/completions";
            r.headers.emplace_back("Allow", completions ? "POST" : path == "/health" ? "GET, HEAD" : "GET");
            exchange->respond(std::move(r));
        } else {
            exchange->respond(json(404, R"({"detail":"Not Found"})"));
        }
    }

    std::string modelsBody() const
    {
        using nlohmann::ordered_json;
        const std::int64_t created = epochSeconds();
        ordered_json permission{{"id", "modelperm-kvroute"}, {"object", "model_permission"}, {"created", created},
                                {"allow_create_engine", false}, {"allow_sampling", true}, {"allow_logprobs", true},
                                {"allow_search_indices", false}, {"allow_view", true}, {"allow_fine_tuning", false},
                                {"organization", "*"}, {"group", nullptr}, {"is_blocking", false}};
        ordered_json model{{"id", setup.servedModelName}, {"object", "model"}, {"created", created},
                           {"owned_by", "vllm"}, {"root", setup.servedModelName}, {"parent", nullptr},
                           {"max_model_len", setup.engine.maxModelLen},
                           {"permission", ordered_json::array({permission})}};
        return ordered_json{{"object", "list"}, {"data", ordered_json::array({model})}}.dump();
    }

    void generate(const http::Request& request, std::shared_ptr<http::Exchange> exchange, bool chat)
    {
        auto parsed = parseGenerationRequest(request.body, chat);
        if (!parsed) {
            exchange->respond(apiError(parsed.error()));
            return;
        }
        GenerationRequest& g = *parsed;
        if (!g.model.empty() && g.model != setup.servedModelName) {
            exchange->respond(apiError({404, "The model `" + g.model + "` does not exist.", "model"}));
            return;
        }
        // vLLM v0.10.0's order and wording: the serving layer's length check
        // (serving_engine.py _validate_input: the prompt alone only when no max tokens were
        // given, else prompt + max tokens), then SamplingParams (max_tokens at least 1), both
        // answered with a 400 before any stream starts, then the engine's processor (an empty
        // prompt, see below). With max tokens given, the order is the simulated pod's
        // (sim::frontEndRefusal); without, they default to what fits beside the prompt.
        const auto promptTokens = static_cast<std::int64_t>(g.prompt.size());
        const std::int64_t maxLen = setup.engine.maxModelLen;
        const char* promptParam = chat ? "messages" : "prompt";
        if (!g.maxTokens && promptTokens >= maxLen) {
            exchange->respond(apiError({400,
                                        "This model's maximum context length is " + std::to_string(maxLen) +
                                            " tokens. However, you requested " + std::to_string(promptTokens) +
                                            " tokens in the messages, Please reduce the length of the messages.",
                                        promptParam}));
            return;
        }
        const std::int64_t maxTokens = g.maxTokens ? *g.maxTokens : maxLen - promptTokens;
        switch (sim::frontEndRefusal(promptTokens, maxTokens, maxLen)) {
        case sim::FrontEndRefusal::None:
            break;
        case sim::FrontEndRefusal::PromptTooLong:
        case sim::FrontEndRefusal::OverMaxModelLen:
            exchange->respond(apiError(
                {400,
                 "This model's maximum context length is " + std::to_string(maxLen) + " tokens. However, you requested " +
                     std::to_string(promptTokens + maxTokens) + " tokens (" + std::to_string(promptTokens) +
                     " in the messages, " + std::to_string(maxTokens) +
                     " in the completion). Please reduce the length of the messages or completion.",
                 "max_tokens"}));
            return;
        case sim::FrontEndRefusal::ZeroMaxTokens:
            exchange->respond(apiError({400, "max_tokens must be at least 1, got " + std::to_string(maxTokens) + ".", ""}));
            return;
        case sim::FrontEndRefusal::EmptyPrompt: {
            // Processor._validate_model_input (v1/engine/processor.py) raises this in
            // AsyncLLM.add_request, which runs only when the serving layer first iterates
            // AsyncLLM.generate(), an async generator. Unstreamed, that is inside
            // create_completion / chat_completion_full_generator: a 400. Streamed, the
            // StreamingResponse has already been sent with 200, and completion_stream_generator /
            // chat_completion_stream_generator catch it as one error event, then [DONE]; the
            // chat stream's role chunk is sent on the first output, so never here.
            const ApiError empty{400, "The decoder prompt cannot be empty", promptParam};
            if (!g.stream) {
                exchange->respond(apiError(empty));
                return;
            }
            exchange->startStream(200, "text/event-stream; charset=utf-8", {{"x-inference-pod", name}});
            exchange->write(streamErrorEvent(empty));
            exchange->write("data: [DONE]\n\n");
            exchange->end();
            return;
        }
        }
        if (static_cast<std::int64_t>(pod->inFlight()) >= options.maxQueuedRequests) {
            auto r = apiError({503, "the pod has " + std::to_string(pod->inFlight()) + " requests queued; try again later", ""});
            r.headers.emplace_back("Retry-After", "1");
            exchange->respond(std::move(r));
            return;
        }
        pump(); // the request arrives now, not at the last event's time

        const sim::RequestId id = nextId++;
        sim::EngineRequest e;
        e.id = id;
        e.maxTokens = static_cast<std::int32_t>(maxTokens);
        e.prompt = std::make_shared<const sim::TokenVector>(std::move(g.prompt));
        e.outputs.offset = static_cast<std::uint32_t>(id * 2654435761U); // any deterministic answer
        e.stopTokenIds = std::move(g.stopTokenIds);
        e.skipPrefixCache = g.promptLogprobs;
        if (auto submitted = pod->submit(std::move(e)); !submitted) {
            exchange->respond(apiError({400, submitted.error().message, ""}));
            return;
        }

        Pending p;
        p.exchange = exchange;
        p.context = ResponseContext{chat, (chat ? "chatcmpl-" : "cmpl-") + hexId(id), epochSeconds(),
                                    g.model.empty() ? setup.servedModelName : g.model};
        p.stream = g.stream;
        p.includeUsage = g.includeUsage;
        p.maxTokens = static_cast<std::int32_t>(maxTokens);
        if (p.stream) {
            exchange->startStream(200, "text/event-stream; charset=utf-8", {{"x-inference-pod", name}});
            if (chat)
                exchange->write(streamRoleChunk(p.context));
        }
        pending.emplace(id, std::move(p));
        // vLLM aborts a request whose client went away; so does the pod.
        exchange->onClientGone([this, id] {
            if (pending.erase(id) > 0 && !stopped) {
                pump();
                pod->abort(id);
                pump();
            }
        });
        pump();
    }

    static std::string hexId(sim::RequestId id)
    {
        char buf[24];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(id * 0x9E3779B97F4A7C15ULL));
        return buf;
    }

    // --- the pod's events -------------------------------------------------------------------

    void onToken(int, sim::SimTime now, const sim::RequestOutput& out, const sim::PodRequestRecord& record) override
    {
        prometheus.onToken(sim::toSeconds(now), out, record);
        iterationTokens += out.firstToken ? out.numPromptTokens + 1 : 1;
        const auto it = pending.find(out.id);
        if (it == pending.end())
            return;
        Pending& p = it->second;
        const sim::TokenId token = out.token;
        std::string piece = tokensToText(std::span<const sim::TokenId>(&token, 1));
        if (p.stream)
            p.exchange->write(streamChunk(p.context, piece,
                                          out.finishReason == sim::FinishReason::None ? std::string()
                                                                                      : finishText(out.finishReason)));
        else
            p.text += piece;
    }

    void onStepBegin(int, sim::SimTime, const sim::StepPlan& plan, sim::SimTime) override
    {
        // Published once per schedule(), as vLLM's scheduler does (vllm.md §7).
        if (publisher && !plan.kvEvents.empty())
            publisher->publish(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count(),
                               plan.kvEvents);
    }

    void onStats(int, sim::SimTime, const sim::SchedulerStats&) override
    {
        prometheus.onStepEnd(std::exchange(iterationTokens, 0));
    }

    void onFinished(int, sim::SimTime now, const sim::PodRequestRecord& record) override
    {
        const auto it = pending.find(record.id);
        const std::int32_t maxTokens = it == pending.end() ? record.numOutputTokens : it->second.maxTokens;
        prometheus.onFinished(sim::toSeconds(now), record, maxTokens);
        if (it == pending.end())
            return;
        Pending p = std::move(it->second);
        pending.erase(it);
        Usage usage;
        usage.promptTokens = record.numPromptTokens;
        usage.completionTokens = record.numOutputTokens;
        if (options.promptTokensDetails && record.numCachedTokens > 0)
            usage.cachedTokens = record.numCachedTokens;
        if (p.stream) {
            if (p.includeUsage)
                p.exchange->write(streamUsageChunk(p.context, usage));
            p.exchange->write("data: [DONE]\n\n");
            p.exchange->end();
            return;
        }
        http::Response r = json(200, completionBody(p.context, p.text, finishText(record.finishReason), usage));
        r.headers.emplace_back("x-inference-pod", name);
        p.exchange->respond(std::move(r));
    }

    void stop()
    {
        if (stopped)
            return;
        stopped = true;
        timer.cancel();
        server.stop();
        pending.clear();
    }

    asio::io_context& io;
    PodOptions options;
    sim::RunSetup setup;
    std::unique_ptr<sim::StepTimeModel> stepTime;
    std::string name;
    sim::Simulation sim;
    std::unique_ptr<KvEventPublisher> publisher;
    std::unique_ptr<sim::TimedPod> pod;
    PodPrometheus prometheus;
    http::Server server;
    asio::steady_timer timer;
    Clock::time_point wallStart;
    std::unordered_map<sim::RequestId, Pending> pending;
    sim::RequestId nextId = 1;
    std::int64_t iterationTokens = 0;
    bool pumpPosted = false;
    bool stopped = false;
};

Result<std::unique_ptr<PodServer>> PodServer::start(asio::io_context& io, const sim::Scenario& scenario,
                                                    const PodOptions& options)
{
    if (!(options.timeScale >= 0.0 && options.timeScale <= 1000.0))
        return fail("must be between 0 (no waiting) and 1000", "--time-scale");
    auto setup = sim::prepareRun(scenario);
    if (!setup)
        return std::unexpected(setup.error());
    if (options.index < 0 || options.index >= setup->scenario.cluster.pods)
        return fail("the scenario has pods 0.." + std::to_string(setup->scenario.cluster.pods - 1) + ", got " +
                        std::to_string(options.index),
                    "--index");
    auto stepTime = sim::makeFleetStepTime(*setup);
    if (!stepTime)
        return std::unexpected(stepTime.error());
    std::unique_ptr<KvEventPublisher> publisher;
    if (!options.kvEventsConfig.empty()) {
        const auto config = nlohmann::json::parse(options.kvEventsConfig, nullptr, false);
        if (config.is_discarded() || !config.is_object())
            return fail("not a JSON object, e.g. {\"enable_kv_cache_events\": true, \"publisher\": \"zmq\", "
                        "\"endpoint\": \"tcp://*:5557\"}",
                        "--kv-events-config");
        if (config.value("enable_kv_cache_events", false)) {
            const std::string kind = config.value("publisher", "null");
            if (kind != "zmq")
                return fail("publisher \"" + kind + "\": a kvroute pod publishes with \"zmq\" (or not at all: \"null\")",
                            "--kv-events-config");
            // A wildcard is bound where the pod serves (loopback by default).
            // Hashes go out signed or unsigned as vLLM's would for the pod's hash algorithm.
            auto bound = KvEventPublisher::open(config.value("endpoint", "tcp://*:5557"), config.value("topic", ""),
                                                kvHashSignFor(setup->scenario.vllm.prefixCachingHashAlgo), options.host);
            if (!bound)
                return std::unexpected(bound.error());
            publisher = std::move(*bound);
        }
    }
    auto impl = std::make_unique<Impl>(io, options, std::move(*setup), std::move(*stepTime), std::move(publisher));
    if (auto error = impl->server.listen(options.host, options.port); !error.empty())
        return fail(error, error.starts_with("not an IP address") ? "--host" : "--port");
    return std::unique_ptr<PodServer>(new PodServer(std::move(impl)));
}

PodServer::PodServer(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
PodServer::~PodServer()
{
    d->stop();
}

std::uint16_t PodServer::port() const
{
    return d->server.port();
}

const std::string& PodServer::name() const
{
    return d->name;
}

void PodServer::stop()
{
    d->stop();
}

} // namespace kvroute::cluster
