#include "cluster/web/web_server.h"

// GCC 12 reports a -Wnull-dereference false positive inside Asio's scheduler (inlined from
// Boost's headers), at the end of the translation unit where no push/pop can reach it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif

#include "cluster/http/http_server.h"
#include "cluster/web/web_assets.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <map>
#include <mutex>

namespace kvroute::cluster::web {

namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

// The page loads only its own files; nothing inline, nothing from elsewhere.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

void addCommonHeaders(http::Response& r)
{
    r.headers.emplace_back("X-Content-Type-Options", "nosniff");
    r.headers.emplace_back("Referrer-Policy", "no-referrer");
    r.headers.emplace_back("X-Frame-Options", "DENY");
}

http::Response json(int status, std::string body)
{
    http::Response r;
    r.status = status;
    r.body = std::move(body);
    r.headers.emplace_back("Cache-Control", "no-store");
    addCommonHeaders(r);
    return r;
}

http::Response error(const ApiError& e)
{
    auto r = json(e.status, apiErrorJson(e));
    if (e.status == 401)
        r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"kvroute\"");
    if (e.status == 429 || e.status == 503)
        r.headers.emplace_back("Retry-After", "1");
    return r;
}

bool isLoopbackHost(const std::string& host)
{
    return host == "localhost" || host == "::1" || host == "[::1]" || host.starts_with("127.");
}

/// The host part of a Host header ("127.0.0.1:8090" → "127.0.0.1", "[::1]:80" → "[::1]").
std::string hostPart(const std::string& header)
{
    if (header.starts_with("[")) {
        const auto close = header.find(']');
        return close == std::string::npos ? header : header.substr(0, close + 1);
    }
    return header.substr(0, header.find(':'));
}

/// Compares without an early exit, so the time taken says nothing about the token.
bool sameSecret(const std::string& a, const std::string& b)
{
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (std::size_t i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ (i < b.size() ? b[i] : 0));
    return diff == 0;
}

std::map<std::string, std::string> queryParameters(const std::string& target)
{
    std::map<std::string, std::string> out;
    const auto q = target.find('?');
    if (q == std::string::npos)
        return out;
    std::string rest = target.substr(q + 1);
    std::size_t start = 0;
    while (start <= rest.size()) {
        const auto end = std::min(rest.find('&', start), rest.size());
        const std::string pair = rest.substr(start, end - start);
        if (!pair.empty()) {
            const auto eq = pair.find('=');
            out[pair.substr(0, eq)] = eq == std::string::npos ? std::string() : pair.substr(eq + 1);
        }
        start = end + 1;
    }
    return out;
}

/// A token bucket per client address: `rate` requests per second, bursts of 2 × rate.
class RateLimiter {
public:
    explicit RateLimiter(double rate) : m_rate(rate) {}
    bool allow(const std::string& client)
    {
        if (m_rate <= 0)
            return true;
        const auto now = Clock::now();
        if (m_buckets.size() > 4096) // forget clients idle for a minute, so the map stays small
            std::erase_if(m_buckets, [&](const auto& b) { return now - b.second.last > std::chrono::minutes(1); });
        const double capacity = std::max(2.0 * m_rate, 1.0);
        auto [it, inserted] = m_buckets.try_emplace(client, Bucket{capacity, now});
        auto& b = it->second;
        b.tokens = std::min(capacity, b.tokens + std::chrono::duration<double>(now - b.last).count() * m_rate);
        b.last = now;
        if (b.tokens < 1.0)
            return false;
        b.tokens -= 1.0;
        return true;
    }

private:
    struct Bucket {
        double tokens;
        Clock::time_point last;
    };
    double m_rate;
    std::map<std::string, Bucket> m_buckets;
};

} // namespace

struct WebServer::Impl {
    Impl(boost::asio::io_context& context, WebOptions o)
        : io(context), options(std::move(o)), runs(options.runs), limiter(options.rateLimitPerSecond)
    {
        if (options.live)
            live = std::make_unique<LiveHistory>(*options.live);
    }

    boost::asio::io_context& io;
    WebOptions options;
    RunService runs;
    std::unique_ptr<LiveHistory> live;
    RateLimiter limiter;
    std::unique_ptr<http::Server> server;
    bool loopbackOnly = false;

    void handle(const http::Request& request, const std::shared_ptr<http::Exchange>& exchange);
    void handleApi(const http::Request& request, const std::shared_ptr<http::Exchange>& exchange);
    [[nodiscard]] std::string infoJson() const;
};

std::string WebServer::Impl::infoJson() const
{
    const auto& r = runs.options();
    Json liveJson{{"configured", live != nullptr}};
    if (options.live) {
        liveJson["source"] = options.liveSource;
        liveJson["window"] = options.live->window;
        liveJson["interval_s"] = options.live->intervalSeconds;
        liveJson["selector"] = selectorText(options.live->selector);
    }
    Json j{{"version", r.version},
           {"scenario", {{"name", "current"}, {"label", r.currentLabel}, {"pods", r.current.cluster.pods}}},
           {"time_scale", options.timeScale},
           {"live", liveJson},
           {"auth_required", !options.authToken.empty()},
           {"limits",
            {{"run_time_limit_s", r.timeLimitSeconds},
             {"max_concurrent_runs", r.maxConcurrentRuns},
             {"runs_per_client", 1},
             {"max_body_bytes", options.maxBodyBytes},
             {"rate_limit_per_s", options.rateLimitPerSecond}}}};
    return j.dump();
}

void WebServer::Impl::handle(const http::Request& request, const std::shared_ptr<http::Exchange>& exchange)
{
    // A web page elsewhere may resolve its own name to 127.0.0.1 (DNS rebinding) and read a
    // loopback server; such a request carries that other name in Host.
    if (loopbackOnly) {
        const std::string host = hostPart(request.header("host"));
        if (!isLoopbackHost(host)) {
            exchange->respond(error({403, "this dashboard serves only requests addressed to the loopback host "
                                          "(Host: localhost or 127.0.0.1); start it with --host to serve others",
                                     "Host"}));
            return;
        }
    }
    if (request.path == "/healthz") {
        exchange->respond(json(200, R"({"status":"ok"})"));
        return;
    }
    if (request.path == "/api" || request.path.starts_with("/api/")) {
        handleApi(request, exchange);
        return;
    }
    if (request.method != "GET") {
        auto r = error({405, "only GET is served outside /api", "method"});
        r.headers.emplace_back("Allow", "GET");
        exchange->respond(std::move(r));
        return;
    }
    const auto asset = findWebAsset(request.path);
    if (!asset) {
        exchange->respond(error({404, "no such page: " + request.path.substr(0, 200), "path"}));
        return;
    }
    http::Response r;
    r.contentType = std::string(asset->contentType);
    r.body = std::string(asset->contents);
    r.headers.emplace_back("Cache-Control", "no-cache");
    r.headers.emplace_back("Content-Security-Policy", kContentSecurityPolicy);
    addCommonHeaders(r);
    exchange->respond(std::move(r));
}

void WebServer::Impl::handleApi(const http::Request& request, const std::shared_ptr<http::Exchange>& exchange)
{
    if (!limiter.allow(request.peerAddress)) {
        exchange->respond(error({429,
                                 "too many requests from " + request.peerAddress + " (--rate-limit " +
                                     std::to_string(static_cast<long>(options.rateLimitPerSecond)) + " per second)",
                                 ""}));
        return;
    }
    if (!options.authToken.empty()) {
        const std::string given = request.header("authorization");
        const std::string prefix = "Bearer ";
        if (!given.starts_with(prefix) || !sameSecret(given.substr(prefix.size()), options.authToken)) {
            exchange->respond(error({401,
                                     given.empty() ? "this API needs a bearer token: Authorization: Bearer <token> "
                                                     "(the server's --auth-token-file)"
                                                   : "the bearer token was refused",
                                     "Authorization"}));
            return;
        }
    }
    const auto& path = request.path;
    const bool get = request.method == "GET";
    auto methodNotAllowed = [&](const char* allow) {
        auto r = error({405, std::string("use ") + allow + " for " + path, "method"});
        r.headers.emplace_back("Allow", allow);
        exchange->respond(std::move(r));
    };
    if (path == "/api/info") {
        if (!get)
            return methodNotAllowed("GET");
        exchange->respond(json(200, infoJson()));
    } else if (path == "/api/live") {
        if (!get)
            return methodNotAllowed("GET");
        double since = 0;
        const auto params = queryParameters(request.target);
        for (const auto& [key, value] : params) {
            if (key != "since") {
                exchange->respond(error({400, "unknown query parameter '" + key.substr(0, 100) + "' (allowed: since)",
                                         key.substr(0, 100)}));
                return;
            }
            const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), since);
            if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(since)) {
                exchange->respond(error({400, "since must be a unix time in seconds, e.g. since=1735689600.5", "since"}));
                return;
            }
        }
        if (!live) {
            exchange->respond(json(200, R"({"state":"off","last_error":"no Prometheus: start kvroute serve with )"
                                        R"(--stack DIR or --prometheus URL","snapshots":[]})"));
            return;
        }
        exchange->respond(json(200, live->json(since)));
    } else if (path == "/api/baseline") {
        if (!get)
            return methodNotAllowed("GET");
        exchange->respond(json(200, runs.baselineJson()));
    } else if (path == "/api/scenarios") {
        if (!get)
            return methodNotAllowed("GET");
        exchange->respond(json(200, runs.scenarioListJson()));
    } else if (path.starts_with("/api/scenarios/")) {
        if (!get)
            return methodNotAllowed("GET");
        auto body = runs.scenarioJson(path.substr(std::string("/api/scenarios/").size()));
        exchange->respond(body ? json(200, *body) : error(body.error()));
    } else if (path == "/api/run") {
        if (request.method != "POST")
            return methodNotAllowed("POST");
        // A JSON content type makes a cross-site page's fetch a CORS preflight this server never
        // grants, so another site cannot start runs on a loopback dashboard.
        if (!request.header("content-type").starts_with("application/json")) {
            exchange->respond(error({400, "send the run as Content-Type: application/json", "Content-Type"}));
            return;
        }
        auto whatIf = runs.parse(request.body);
        if (!whatIf) {
            exchange->respond(error(whatIf.error()));
            return;
        }
        std::string client = request.peerAddress;
        const std::string id = request.header("x-kvroute-client");
        if (!id.empty() && id.size() <= 64 &&
            id.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_") == std::string::npos)
            client += "/" + id;
        auto& context = io;
        auto started = runs.start(client, std::move(*whatIf), [&context, exchange](RunAnswer answer) {
            boost::asio::post(context, [exchange, answer = std::move(answer)]() mutable {
                exchange->respond(json(answer.status, std::move(answer.body)));
            });
        });
        if (!started) {
            exchange->respond(error(started.error()));
            return;
        }
        exchange->onClientGone([cancel = *started] { cancel->store(true); });
    } else {
        exchange->respond(error({404,
                                 "no such endpoint: " + path.substr(0, 200) +
                                     " (see docs/WEB.md: /api/info, /api/live, /api/baseline, /api/scenarios, /api/run)",
                                 "path"}));
    }
}

Result<std::unique_ptr<WebServer>> WebServer::start(boost::asio::io_context& io, WebOptions options)
{
    auto impl = std::make_unique<Impl>(io, std::move(options));
    auto* raw = impl.get();
    http::ServerLimits limits;
    limits.maxBodyBytes = raw->options.maxBodyBytes;
    limits.maxHeaderBytes = 16 * 1024;
    limits.maxConnections = 256;
    limits.idleTimeoutSeconds = 30;
    raw->server = std::make_unique<http::Server>(
        io,
        [raw](http::Request request, std::shared_ptr<http::Exchange> exchange) {
            // Nothing a request does may take the server down: a bug becomes a 500.
            try {
                raw->handle(request, exchange);
            } catch (const std::exception& e) {
                exchange->respond(error({500, std::string("internal error: ") + e.what(), ""}));
            }
        },
        limits);
    if (auto e = raw->server->listen(raw->options.host, raw->options.port); !e.empty())
        return fail(e, "--port");
    raw->loopbackOnly = isLoopbackHost(raw->options.host);
    if (raw->live)
        raw->live->start();
    raw->runs.startBaseline();
    return std::unique_ptr<WebServer>(new WebServer(std::move(impl)));
}

WebServer::WebServer(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

WebServer::~WebServer()
{
    if (m_impl->live)
        m_impl->live->stop();
}

std::uint16_t WebServer::port() const { return m_impl->server->port(); }

void WebServer::stop()
{
    m_impl->server->stop();
    if (m_impl->live)
        m_impl->live->stop();
}

} // namespace kvroute::cluster::web
