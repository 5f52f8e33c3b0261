#pragma once
// `kvroute pod`: one pod of a scenario served for real. The simulator's exact engine and
// step-time model run in wall-clock time (a step lasts its modelled duration × time scale; 0 =
// no waiting), behind vLLM v0.10.0's OpenAI API, /metrics and health routes (vllm.md §6, §10).
// One engine, two clocks (design/live-mode.md): the pod is sim::TimedPod on a Simulation whose
// clock this server advances to the wall clock; HTTP handlers add requests between steps, as
// vLLM's engine-core loop takes arrivals in at the next step.

#include "cluster/http/http_server.h"
#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <cstdint>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
}

namespace kvroute::cluster {

struct PodOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8000;
    int index = 0;                 ///< which pod of the scenario (its NONE_HASH, its name)
    double timeScale = 1.0;        ///< wall seconds per simulated second; 0 = as fast as possible
    bool promptTokensDetails = false; ///< --enable-prompt-tokens-details: usage.cached_tokens
    std::int64_t maxQueuedRequests = 100'000; ///< beyond: 503 (vLLM itself has no bound)
    /// vLLM's --kv-events-config JSON, e.g. {"enable_kv_cache_events": true, "publisher": "zmq",
    /// "endpoint": "tcp://*:5557", "topic": ""}; "*" binds the pod's --host. Empty: none.
    std::string kvEventsConfig;
    http::ServerLimits limits;
};

class PodServer {
public:
    /// Builds the pod of `scenario` (validated as `kvroute run` does) and listens.
    [[nodiscard]] static Result<std::unique_ptr<PodServer>> start(boost::asio::io_context& io, const sim::Scenario& scenario,
                                                                  const PodOptions& options);
    ~PodServer();
    PodServer(const PodServer&) = delete;
    PodServer& operator=(const PodServer&) = delete;

    [[nodiscard]] std::uint16_t port() const;
    [[nodiscard]] const std::string& name() const;
    /// Stops listening and cuts open connections; requests in flight are aborted.
    void stop();

    struct Impl;

private:
    explicit PodServer(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> d;
};

} // namespace kvroute::cluster
