#pragma once
// `kvroute serve`: the browser dashboard and its JSON API (docs/WEB.md) on the shared HTTP
// server (cluster/http). The page, its modules and Chart.js are compiled in; the API serves the
// live series (LiveHistory), the baseline and what-if simulations (RunService) and the
// scenarios' knobs. Safe by default: loopback unless told, an optional bearer token for /api,
// Host checked against DNS rebinding on loopback, bodies and request rates bounded, Prometheus
// credentials kept on the server, every bad input a JSON error naming its field.

#include "cluster/web/live_history.h"
#include "cluster/web/run_service.h"
#include "sim/util/result.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace boost::asio {
class io_context;
}

namespace kvroute::cluster::web {

struct WebOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8090;
    std::string authToken;               ///< bearer token /api requires; "" = none
    double rateLimitPerSecond = 20;      ///< per client address, bursts of twice that; 0 = off
    std::size_t maxBodyBytes = 64 * 1024;
    std::optional<LiveHistoryOptions> live; ///< none: no Prometheus, the live view says so
    std::string liveSource;              ///< shown to the browser: "stack /tmp/s", "http://host:9090" (no credentials)
    double timeScale = 1.0;              ///< the pods' wall seconds per simulated second
    RunServiceOptions runs;
};

class WebServer {
public:
    /// Binds, starts the live poller and the baseline simulation.
    [[nodiscard]] static Result<std::unique_ptr<WebServer>> start(boost::asio::io_context& io, WebOptions options);
    ~WebServer();
    WebServer(const WebServer&) = delete;
    WebServer& operator=(const WebServer&) = delete;

    [[nodiscard]] std::uint16_t port() const;
    /// Stops accepting, cancels runs, stops the poller (from the io thread).
    void stop();

    struct Impl;

private:
    explicit WebServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};


} // namespace kvroute::cluster::web
