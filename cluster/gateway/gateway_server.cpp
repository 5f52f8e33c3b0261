#include "cluster/gateway/gateway_server.h"

#include "cluster/gateway/follow_up_counter.h"
#include "cluster/gateway/request_log.h"

// GCC 12 reports a -Wnull-dereference false positive inside Asio's scheduler (inlined from
// Boost's headers), at the end of the translation unit where no push/pop can reach it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif

#include "cluster/pod/kv_event_wire.h"
#include "cluster/pod/openai_protocol.h"
#include "cluster/pod/pod_prometheus.h"
#include "sim/fleet/cluster_run.h"
#include "sim/fleet/fleet_factories.h"
#include "sim/routing/router.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <unordered_map>

namespace kvroute::cluster {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kConnectTimeout = std::chrono::seconds(5);
constexpr auto kUpstreamIdleTimeout = std::chrono::seconds(600);
/// A pod that failed this many scrapes or connections in a row is routed around.
constexpr int kFailuresBeforeUnhealthy = 2;

struct PodTarget {
    std::string url;
    tcp::endpoint endpoint;
    std::string hostHeader;
};

std::optional<PodTarget> parsePodUrl(const std::string& url)
{
    if (!url.starts_with("http://"))
        return std::nullopt;
    std::string rest = url.substr(7);
    while (!rest.empty() && rest.back() == '/')
        rest.pop_back();
    const auto colon = rest.rfind(':');
    if (colon == std::string::npos)
        return std::nullopt;
    beast::error_code ec;
    const auto address = asio::ip::make_address(rest.substr(0, colon), ec);
    char* end = nullptr;
    const long port = std::strtol(rest.c_str() + colon + 1, &end, 10);
    if (ec || *end != '\0' || port < 1 || port > 65535)
        return std::nullopt;
    return PodTarget{url, tcp::endpoint(address, static_cast<std::uint16_t>(port)), rest};
}

/// One HTTP/1.1 exchange with a pod on its own connection (Connection: close): the answer's
/// bytes are handed on as they arrive, then done(ok, error) once the pod closes.
class UpstreamCall : public std::enable_shared_from_this<UpstreamCall> {
public:
    using Data = std::function<void(std::string)>;
    using Done = std::function<void(bool receivedAnything, const std::string& error)>;

    UpstreamCall(asio::io_context& io, tcp::endpoint endpoint, std::string request, Data data, Done done)
        : m_stream(io), m_endpoint(endpoint), m_request(std::move(request)), m_data(std::move(data)), m_done(std::move(done))
    {
    }

    void start()
    {
        m_stream.expires_after(kConnectTimeout);
        m_stream.async_connect(m_endpoint, [self = shared_from_this()](beast::error_code ec) {
            if (ec)
                return self->finish("cannot connect: " + ec.message());
            self->m_stream.expires_after(kUpstreamIdleTimeout);
            asio::async_write(self->m_stream, asio::buffer(self->m_request),
                              [self](beast::error_code wec, std::size_t) {
                                  if (wec)
                                      return self->finish("cannot send: " + wec.message());
                                  self->read();
                              });
        });
    }

    void cancel()
    {
        m_data = nullptr;
        beast::error_code ignored;
        m_stream.socket().close(ignored);
    }

private:
    void read()
    {
        m_stream.expires_after(kUpstreamIdleTimeout);
        m_stream.async_read_some(asio::buffer(m_buffer), [self = shared_from_this()](beast::error_code ec, std::size_t n) {
            if (n > 0) {
                self->m_received = true;
                if (self->m_data)
                    self->m_data(std::string(self->m_buffer.data(), n));
            }
            if (ec == asio::error::eof)
                return self->finish({});
            if (ec)
                return self->finish("connection lost: " + ec.message());
            self->read();
        });
    }

    void finish(const std::string& error)
    {
        if (auto done = std::exchange(m_done, nullptr))
            done(m_received, error);
    }

    beast::tcp_stream m_stream;
    tcp::endpoint m_endpoint;
    std::string m_request;
    Data m_data;
    Done m_done;
    std::array<char, 16384> m_buffer{};
    bool m_received = false;
};

double gaugeValue(const std::string& text, const std::string& name)
{
    const auto at = text.find("\n" + name + "{");
    if (at == std::string::npos)
        return 0.0;
    const auto lineEnd = text.find('\n', at + 1);
    const std::string line = text.substr(at + 1, lineEnd - at - 1);
    return std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
}

sim::Ipv4 ipv4Of(const std::string& address)
{
    unsigned a = 0, b = 0, c = 0, d = 0;
    if (std::sscanf(address.c_str(), "%u.%u.%u.%u", &a, &b, &c, &d) == 4 && a < 256 && b < 256 && c < 256 && d < 256)
        return (a << 24) | (b << 16) | (c << 8) | d;
    return 0x7F000001; // IPv6 loopback and the like: one client
}

/// The session header's value as the simulator's session id: kvroute's own clients send the
/// decimal id; any other text is hashed (FNV-1a), so each distinct value is one session.
std::uint64_t sessionOf(const std::string& value)
{
    if (value.empty())
        return 0; // no header: the simulator's session 0 (one anonymous client)
    char* end = nullptr;
    const auto n = std::strtoull(value.c_str(), &end, 10);
    if (!value.empty() && *end == '\0')
        return n;
    std::uint64_t h = 1469598103934665603ULL;
    for (const char c : value) {
        h ^= static_cast<unsigned char>(c);
        h *= 1099511628211ULL;
    }
    return h;
}

} // namespace

struct GatewayServer::Impl {
    Impl(asio::io_context& context, GatewayOptions opts, sim::RunSetup runSetup, std::unique_ptr<sim::Router> r,
         std::vector<PodTarget> targets)
        : io(context)
        , options(std::move(opts))
        , setup(std::move(runSetup))
        , router(std::move(r))
        , pods(std::move(targets))
        , server(context, [this](http::Request q, std::shared_ptr<http::Exchange> e) { handle(std::move(q), std::move(e)); },
                 options.limits)
        , scrapeTimer(context)
        , eventTimer(context)
        , routingSeconds({1e-6, 5e-6, 1e-5, 5e-5, 1e-4, 5e-4, 1e-3, 5e-3, 1e-2, 5e-2})
        , start(Clock::now())
    {
        const std::size_t n = pods.size();
        for (std::size_t i = 0; i < n; ++i) {
            sim::PodInfo info;
            info.name = sim::podName(setup, static_cast<int>(i));
            info.address = pods[i].endpoint.address().to_string();
            podInfo.push_back(std::move(info));
        }
        scraped.resize(n);
        inFlight.assign(n, 0);
        routed.assign(n, 0);
        failures.assign(n, 0);
        if (!options.requestLog.empty())
            log.open(options.requestLog);
    }

    [[nodiscard]] sim::SimTime now() const
    {
        const double scale = options.timeScale > 0 ? options.timeScale : 1.0;
        return static_cast<sim::SimTime>(
            static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count()) / scale);
    }

    /// Mooncake-style ids of the prompt's blocks: each id stands for a block and everything
    /// before it (first seen, first numbered), the last block possibly partial.
    std::vector<std::int64_t> blockIds(std::span<const sim::TokenId> prompt)
    {
        const auto block = static_cast<std::size_t>(setup.engine.blockSize);
        std::vector<std::int64_t> ids;
        std::uint64_t chain = 1469598103934665603ULL;
        for (std::size_t first = 0; first < prompt.size(); first += block) {
            for (std::size_t i = first; i < std::min(prompt.size(), first + block); ++i) {
                chain ^= prompt[i] + 0x9E3779B97F4A7C15ULL + (chain << 6) + (chain >> 2);
                chain *= 1099511628211ULL;
            }
            chain ^= 0xB10C; // block boundary
            const auto [it, inserted] = blockIdOf.try_emplace(chain, static_cast<std::int64_t>(blockIdOf.size()));
            ids.push_back(it->second);
        }
        return ids;
    }
    [[nodiscard]] bool healthy(std::size_t pod) const { return failures[pod] < kFailuresBeforeUnhealthy; }

    // --- scraping: the EPP's view of each pod's /metrics -----------------------------------

    void scrape()
    {
        for (std::size_t i = 0; i < pods.size(); ++i) {
            auto text = std::make_shared<std::string>();
            const std::string request = "GET /metrics HTTP/1.1\r\nHost: " + pods[i].hostHeader + "\r\nConnection: close\r\n\r\n";
            auto call = std::make_shared<UpstreamCall>(
                io, pods[i].endpoint, request, [text](std::string bytes) { *text += bytes; },
                [this, i, text](bool, const std::string& error) {
                    if (stopped)
                        return;
                    if (!error.empty() || text->find(" 200 ") == std::string::npos) {
                        ++failures[i];
                        return;
                    }
                    failures[i] = 0;
                    scraped[i] = sim::ScrapedPodMetrics{
                        static_cast<std::int32_t>(gaugeValue(*text, "vllm:num_requests_waiting")),
                        static_cast<std::int32_t>(gaugeValue(*text, "vllm:num_requests_running")),
                        gaugeValue(*text, "vllm:kv_cache_usage_perc"), now()};
                });
            call->start();
        }
        const double interval = std::max(0.05, setup.scenario.routing.epp.scrapeIntervalSeconds);
        scrapeTimer.expires_after(std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval)));
        scrapeTimer.async_wait([this](const boost::system::error_code& ec) {
            if (!ec && !stopped)
                scrape();
        });
    }

    // --- KV events: the precise index's feed ---------------------------------------------

    void pollEvents()
    {
        if (!subscriber || stopped)
            return;
        for (auto& [pod, events] : subscriber->drain()) {
            kvEventBatches += 1;
            router->onKvEvents(pod, events, now());
        }
        eventTimer.expires_after(std::chrono::milliseconds(2));
        eventTimer.async_wait([this](const boost::system::error_code& ec) {
            if (!ec)
                pollEvents();
        });
    }

    // --- requests -----------------------------------------------------------------------

    void handle(http::Request request, std::shared_ptr<http::Exchange> exchange)
    {
        if (request.path == "/health" && request.method == "GET") {
            http::Response r;
            r.contentType.clear();
            exchange->respond(r);
            return;
        }
        if (request.path == "/metrics" && request.method == "GET") {
            http::Response r;
            r.contentType = "text/plain; version=0.0.4; charset=utf-8";
            r.body = metricsText();
            exchange->respond(std::move(r));
            return;
        }
        const bool chat = request.path == "/v1/chat/completions";
        if (request.method != "POST" || (!chat && request.path != "/v1/completions")) {
            forwardAnywhere(request, std::move(exchange)); // /v1/models, /version, ...
            return;
        }
        auto parsed = parseGenerationRequest(request.body, chat);
        if (!parsed) {
            ++errors["bad request"];
            http::Response r;
            r.status = parsed.error().status;
            r.body = errorBody(parsed.error());
            exchange->respond(std::move(r));
            return;
        }
        auto w = std::make_shared<sim::WorkloadRequest>();
        w->id = nextId++;
        w->arrival = now();
        w->sessionId = sessionOf(request.header(options.sessionHeader));
        w->clientIp = ipv4Of(request.peerAddress);
        w->maxTokens = parsed->maxTokens.value_or(16);
        w->prompt = std::make_shared<const sim::TokenVector>(std::move(parsed->prompt));
        const auto& svc = setup.scenario.routing.kubeService;
        const sim::RoutingContext ctx{*w, svc.seesClientIp ? w->clientIp : 0x0A00FFFE, w->arrival, podInfo, scraped,
                                      inFlight, setup.servedModelName};
        const auto t0 = Clock::now();
        int pod = router->pick(ctx);
        routingSeconds.observe(std::chrono::duration<double>(Clock::now() - t0).count());
        if (pod != sim::kNoPod && !healthy(static_cast<std::size_t>(pod))) {
            // The Service or the EPP would have dropped an unready endpoint: the next healthy pod.
            const std::size_t n = pods.size();
            int other = sim::kNoPod;
            for (std::size_t k = 1; k < n && other == sim::kNoPod; ++k) {
                const std::size_t candidate = (static_cast<std::size_t>(pod) + k) % n;
                if (healthy(candidate))
                    other = static_cast<int>(candidate);
            }
            pod = other;
        }
        if (pod == sim::kNoPod) {
            ++errors["no pods available"];
            http::Response r;
            r.status = 503;
            r.body = errorBody({503, "no pods available", ""});
            exchange->respond(std::move(r));
            return;
        }
        router->onRouted(ctx, pod);
        const auto p = static_cast<std::size_t>(pod);
        ++inFlight[p];
        ++routed[p];
        if (!request.header(options.sessionHeader).empty())
            followUps.count(w->sessionId, p, FollowUpCounter::turnOf(request.header("x-kvroute-turn")));
        std::function<void(bool)> answered;
        if (log.isOpen()) {
            std::string ids;
            for (const auto id : blockIds(w->prompt.tokens(promptScratch)))
                ids += (ids.empty() ? "" : ", ") + std::to_string(id);
            const auto ip = w->clientIp;
            if (!logStart) // the log's clock starts with its first request, as a trace's does
                logStart = w->arrival;
            std::ostringstream line;
            line << R"({"timestamp": )" << (w->arrival - *logStart) / 1'000'000 << R"(, "input_length": )"
                 << w->prompt.size() << R"(, "output_length": )" << w->maxTokens << R"(, "hash_ids": [)" << ids
                 << R"(], "session": )" << w->sessionId << R"(, "client": ")" << (ip >> 24) << '.'
                 << ((ip >> 16) & 255) << '.' << ((ip >> 8) & 255) << '.' << (ip & 255) << R"(", "pod": ")"
                 << podInfo[p].name << "\"}\n";
            answered = [this, number = log.add(line.str())](bool accepted) { log.decide(number, accepted); };
        }
        forward(
            p, request, exchange,
            [this, w, p] {
                --inFlight[p];
                router->onCompleted(*w, static_cast<int>(p), now());
            },
            std::move(answered));
    }


    std::string upstreamRequest(const http::Request& request, const PodTarget& pod) const
    {
        std::string out = request.method + " " + request.target + " HTTP/1.1\r\nHost: " + pod.hostHeader + "\r\n";
        for (const auto& [name, value] : request.headers) {
            if (name == "host" || name == "connection" || name == "content-length" || name == "keep-alive" ||
                name == "transfer-encoding")
                continue;
            out += name + ": " + value + "\r\n";
        }
        out += "x-forwarded-for: " + request.peerAddress + "\r\n";
        out += "Content-Length: " + std::to_string(request.body.size()) + "\r\nConnection: close\r\n\r\n";
        return out + request.body;
    }

    /// `answered`, if given, hears once whether the pod took the request (a 2xx status).
    void forward(std::size_t pod, const http::Request& request, const std::shared_ptr<http::Exchange>& exchange,
                 std::function<void()> completed, std::function<void(bool)> answered = {})
    {
        // The answer's head passes through a header check: a pod that does not name itself (a
        // real vLLM) gets x-inference-pod added, as llm-d's gateway does.
        struct Head {
            bool passed = false;
            std::string pending;
            std::function<void(bool)> answered;
        };
        auto head = std::make_shared<Head>();
        head->answered = std::move(answered);
        const std::string podName = podInfo[pod].name;
        auto relayWithHeader = [exchange, head, podName](std::string bytes) {
            if (head->passed) {
                exchange->relay(std::move(bytes));
                return;
            }
            head->pending += bytes;
            const auto end = head->pending.find("\r\n\r\n");
            if (end == std::string::npos && head->pending.size() < 65536)
                return;
            if (auto told = std::exchange(head->answered, nullptr)) {
                // "HTTP/1.1 200 OK": the status is the second word of the head.
                const auto space = head->pending.find(' ');
                const int status = space == std::string::npos ? 0 : std::atoi(head->pending.c_str() + space + 1);
                told(status >= 200 && status < 300);
            }
            if (end != std::string::npos) {
                std::string lower = head->pending.substr(0, end + 2);
                std::transform(lower.begin(), lower.end(), lower.begin(),
                               [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
                if (lower.find("\r\nx-inference-pod:") == std::string::npos)
                    head->pending.insert(end + 2, "x-inference-pod: " + podName + "\r\n");
            }
            head->passed = true;
            exchange->relay(std::exchange(head->pending, {}));
        };
        auto call = std::make_shared<UpstreamCall>(
            io, pods[pod].endpoint, upstreamRequest(request, pods[pod]), relayWithHeader,
            [this, pod, exchange, head, completed = std::move(completed)](bool received, const std::string& error) {
                if (stopped)
                    return;
                if (auto told = std::exchange(head->answered, nullptr))
                    told(false); // no head came: the pod did not answer
                if (!head->pending.empty())
                    exchange->relay(std::exchange(head->pending, {})); // a head without its blank line
                if (!received) {
                    ++failures[pod];
                    ++errors["pod unreachable"];
                    http::Response r;
                    r.status = 502;
                    r.body = errorBody({502, podInfo[pod].name + " did not answer: " + error, ""});
                    exchange->respond(std::move(r));
                } else {
                    if (!error.empty())
                        ++errors["pod connection lost"];
                    exchange->relayEnd();
                }
                completed();
            });
        exchange->onClientGone([call] { call->cancel(); });
        call->start();
    }

    void forwardAnywhere(const http::Request& request, std::shared_ptr<http::Exchange> exchange)
    {
        for (std::size_t i = 0; i < pods.size(); ++i) {
            if (healthy(i)) {
                forward(i, request, exchange, [] {});
                return;
            }
        }
        http::Response r;
        r.status = 503;
        r.body = errorBody({503, "no healthy pod", ""});
        exchange->respond(std::move(r));
    }

    std::string metricsText() const
    {
        std::string out = "# HELP kvroute_gateway_requests_total Requests routed to each pod.\n"
                          "# TYPE kvroute_gateway_requests_total counter\n";
        for (std::size_t i = 0; i < pods.size(); ++i)
            out += "kvroute_gateway_requests_total{pod=\"" + podInfo[i].name + "\"} " + std::to_string(routed[i]) + "\n";
        out += "# HELP kvroute_gateway_pod_healthy Whether the gateway routes to the pod (1) or around it (0).\n"
               "# TYPE kvroute_gateway_pod_healthy gauge\n";
        for (std::size_t i = 0; i < pods.size(); ++i)
            out += "kvroute_gateway_pod_healthy{pod=\"" + podInfo[i].name + "\"} " + (healthy(i) ? "1" : "0") + "\n";
        out += "# HELP kvroute_gateway_errors_total Requests the gateway could not route or deliver.\n"
               "# TYPE kvroute_gateway_errors_total counter\n";
        for (const auto& [reason, n] : errors)
            out += "kvroute_gateway_errors_total{reason=\"" + reason + "\"} " + std::to_string(n) + "\n";
        out += "# HELP kvroute_gateway_follow_ups_total Requests of a session after its first (by the session header).\n"
               "# TYPE kvroute_gateway_follow_ups_total counter\n"
               "kvroute_gateway_follow_ups_total " + std::to_string(followUps.followUps()) + "\n";
        out += "# HELP kvroute_gateway_follow_ups_same_pod_total Follow-ups routed to the pod of their session's previous request.\n"
               "# TYPE kvroute_gateway_follow_ups_same_pod_total counter\n"
               "kvroute_gateway_follow_ups_same_pod_total " + std::to_string(followUps.samePod()) + "\n";
        out += "# HELP kvroute_gateway_kv_event_batches_total KV event batches received from the pods.\n"
               "# TYPE kvroute_gateway_kv_event_batches_total counter\n"
               "kvroute_gateway_kv_event_batches_total " + std::to_string(kvEventBatches) + "\n";
        out += "# HELP kvroute_gateway_routing_seconds Time the router took to pick a pod.\n"
               "# TYPE kvroute_gateway_routing_seconds histogram\n";
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < routingSeconds.bounds.size(); ++i) {
            cumulative += routingSeconds.counts[i];
            char le[32];
            std::snprintf(le, sizeof le, "%g", routingSeconds.bounds[i]);
            out += std::string("kvroute_gateway_routing_seconds_bucket{le=\"") + le + "\"} " + std::to_string(cumulative) + "\n";
        }
        out += "kvroute_gateway_routing_seconds_bucket{le=\"+Inf\"} " + std::to_string(routingSeconds.count) + "\n";
        out += "kvroute_gateway_routing_seconds_count " + std::to_string(routingSeconds.count) + "\n";
        char sum[64];
        std::snprintf(sum, sizeof sum, "%.9f", routingSeconds.sum);
        return out + "kvroute_gateway_routing_seconds_sum " + sum + "\n";
    }

    void stop()
    {
        if (stopped)
            return;
        stopped = true;
        log.flush();
        scrapeTimer.cancel();
        eventTimer.cancel();
        server.stop();
    }

    asio::io_context& io;
    GatewayOptions options;
    sim::RunSetup setup;
    std::unique_ptr<sim::Router> router;
    std::vector<PodTarget> pods;
    http::Server server;
    asio::steady_timer scrapeTimer;
    asio::steady_timer eventTimer;
    std::unique_ptr<KvEventSubscriber> subscriber;
    std::int64_t kvEventBatches = 0;
    Histogram routingSeconds;
    Clock::time_point start;
    std::vector<sim::PodInfo> podInfo;
    std::vector<sim::ScrapedPodMetrics> scraped;
    std::vector<std::int32_t> inFlight;
    std::vector<std::int64_t> routed;
    FollowUpCounter followUps;
    std::vector<int> failures;
    std::map<std::string, std::int64_t> errors;
    RequestLog log;
    std::unordered_map<std::uint64_t, std::int64_t> blockIdOf;
    sim::TokenVector promptScratch; ///< a generated prompt's tokens while the log numbers its blocks
    std::optional<sim::SimTime> logStart;
    sim::RequestId nextId = 1;
    bool stopped = false;
};

Result<std::unique_ptr<GatewayServer>> GatewayServer::start(asio::io_context& io, const sim::Scenario& scenario,
                                                            const GatewayOptions& options)
{
    if (options.pods.empty())
        return fail("give the pods' URLs, e.g. --pods http://127.0.0.1:8001,http://127.0.0.1:8002", "--pods");
    std::vector<PodTarget> targets;
    for (const auto& url : options.pods) {
        auto target = parsePodUrl(url);
        if (!target)
            return fail("\"" + url + "\" is not http://IP:PORT", "--pods");
        targets.push_back(std::move(*target));
    }
    sim::Scenario s = scenario;
    s.cluster.pods = static_cast<std::int32_t>(targets.size()); // the router routes over the real pods
    auto setup = sim::prepareRun(s);
    if (!setup)
        return std::unexpected(setup.error());
    auto router = sim::makeFleetRouter(*setup);
    if (!router)
        return std::unexpected(router.error());
    auto impl = std::make_unique<Impl>(io, options, std::move(*setup), std::move(*router), std::move(targets));
    if (!options.requestLog.empty() && !impl->log.isOpen())
        return fail("cannot write the request log", options.requestLog);
    if (!options.kvEventEndpoints.empty()) {
        if (options.kvEventEndpoints.size() != options.pods.size())
            return fail("give one endpoint per pod (" + std::to_string(options.pods.size()) + ")", "--kv-events");
        auto subscriber = KvEventSubscriber::connect(options.kvEventEndpoints);
        if (!subscriber)
            return std::unexpected(subscriber.error());
        impl->subscriber = std::move(*subscriber);
    }
    if (auto error = impl->server.listen(options.host, options.port); !error.empty())
        return fail(error, error.starts_with("not an IP address") ? "--host" : "--port");
    impl->scrape();
    impl->pollEvents();
    return std::unique_ptr<GatewayServer>(new GatewayServer(std::move(impl)));
}

GatewayServer::GatewayServer(std::unique_ptr<Impl> impl) : d(std::move(impl)) {}
GatewayServer::~GatewayServer()
{
    d->stop();
}

std::uint16_t GatewayServer::port() const
{
    return d->server.port();
}

void GatewayServer::stop()
{
    d->stop();
}

} // namespace kvroute::cluster
