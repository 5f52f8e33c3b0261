#pragma once
// `kvroute load`: the scenario's own workload (sim/workload) replayed in real time against any
// OpenAI-compatible URL — a live pod, the local stack's gateway, or a real vLLM / llm-d. One
// workload, two clocks: the workload runs on a Simulation whose clock follows the wall clock
// (× time scale); each arrival becomes an HTTP request (libcurl multi, streamed to time the
// first token and the gaps), and each answer goes back to the workload as the tokens the server
// really produced, so a chat user's next turn carries them.

#include "sim/metrics/latency_summary.h"
#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace kvroute::cluster {

struct LoadOptions {
    std::string url;                 ///< base URL, e.g. http://127.0.0.1:8000
    double durationSeconds = 0;      ///< arrivals stop after this (simulated) time; 0 = the scenario's
    std::int64_t maxRequests = 0;    ///< 0 = the scenario's workload.max_requests
    /// Beyond, arrivals wait at the client (inference-perf's workers); 0 = the scenario's
    /// workload.client.max_in_flight, or 256 when that is 0 (unlimited).
    int maxInflight = 0;
    double timeScale = 1.0;          ///< wall seconds per simulated second; 0 = send as fast as possible
    bool clientAddresses = true;     ///< loopback targets: one 127.x.y.z source address per client
    std::string sessionHeader = "x-session-id";
    double requestTimeoutSeconds = 600;
    std::function<void(double fraction, const std::string& label)> progress;
    /// Set from another thread to stop early: no more sends, calls in flight abandoned.
    const std::atomic<bool>* cancel = nullptr;
};

struct LoadReport {
    std::string url;
    std::string workload;
    int maxInflight = 0;         ///< the client's limit this load ran with
    bool ttftFromArrival = false;
    std::int64_t requestsSent = 0;
    std::int64_t requestsCompleted = 0;
    std::map<std::string, std::int64_t> errors; ///< "HTTP 503", "connection refused", ...
    std::string firstError;
    std::int64_t promptTokens = 0;
    std::int64_t completionTokens = 0;
    std::int64_t cachedTokens = 0;               ///< from usage.prompt_tokens_details
    std::int64_t requestsReportingCached = 0;
    sim::LatencySummary ttft;
    sim::LatencySummary itl;
    sim::LatencySummary e2e;
    double wallSeconds = 0;
    std::map<std::string, std::int64_t> requestsPerPod; ///< by x-inference-pod
    std::int64_t followUps = 0;                  ///< requests of a session after its first
    std::int64_t followUpsSamePod = 0;
    bool cancelled = false;
};

[[nodiscard]] Result<LoadReport> runLoad(const sim::Scenario& scenario, const LoadOptions& options);

[[nodiscard]] std::string loadReportText(const LoadReport& report);
[[nodiscard]] std::string loadReportJson(const LoadReport& report);

} // namespace kvroute::cluster
