#pragma once
// `kvroute gateway`: a reverse proxy in front of live pods that routes with the scenario's own
// router from sim/routing (one router, two worlds: design/live-mode.md). The real world fills
// the RoutingContext: ClientIP affinity sees the peer address, ring hash the session header,
// the EPP's scorers the pods' /metrics scraped at the scenario's interval and the gateway's own
// in-flight counts. Answers stream through unchanged (the pod's x-inference-pod included).
// KV events arrive over ZeroMQ from each pod (vLLM's wire format) for the precise index.

#include "cluster/http/http_server.h"
#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace kvroute::cluster {

struct GatewayOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8080;
    std::vector<std::string> pods;   ///< http://HOST:PORT of each pod, in the scenario's pod order
    std::string sessionHeader = "x-session-id";
    /// Every routed request in the Mooncake trace format (vllm block-sized hash_ids, plus the
    /// session, client and pod), so `kvroute run` can replay the traffic under another routing
    /// (workload.type: mooncake, mooncake_block_tokens: the pods' block size). "" = none.
    std::string requestLog;
    /// Wall seconds per simulated second, as the pods' --time-scale: the routers' clock
    /// (affinity timeouts) and the log's timestamps run in simulated time. 0 counts as 1.
    double timeScale = 1.0;
    /// Each pod's KV event endpoint (tcp://HOST:PORT, same order as pods) for a router that
    /// keeps a precise index; empty: none.
    std::vector<std::string> kvEventEndpoints;
    http::ServerLimits limits;
};

class GatewayServer {
public:
    [[nodiscard]] static Result<std::unique_ptr<GatewayServer>> start(boost::asio::io_context& io,
                                                                      const sim::Scenario& scenario,
                                                                      const GatewayOptions& options);
    ~GatewayServer();
    GatewayServer(const GatewayServer&) = delete;
    GatewayServer& operator=(const GatewayServer&) = delete;

    [[nodiscard]] std::uint16_t port() const;
    void stop();

    struct Impl;

private:
    explicit GatewayServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace kvroute::cluster
