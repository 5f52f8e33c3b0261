#pragma once
// `kvroute stack up|status|down`: a scenario's live cluster on this machine, as separate
// processes (design/live-mode.md): one `kvroute pod` per pod, one `kvroute gateway`, and
// Debian's `prometheus` scraping them every second. All bind 127.0.0.1. DIR/stack.json records
// what was started (URLs, pids); `down` stops exactly those processes and nothing else.

#include "sim/scenario/scenario.h"
#include "sim/util/result.h"

#include <cstdint>
#include <string>
#include <vector>

namespace kvroute::cluster {

struct StackUpOptions {
    std::string scenario;              ///< built-in name or YAML file, as given to `kvroute run`
    std::vector<std::string> overrides;
    std::string dir;
    std::uint16_t basePort = 0;        ///< pods basePort.., then the gateway, then Prometheus; 0 = free ports
    double timeScale = 1.0;
    double readyTimeoutSeconds = 60;
    /// A command-line start: SIGINT and SIGTERM while starting stop what was started and end the
    /// start with an error (the process's own handlers are back afterwards). Off in the GUI,
    /// whose start runs on a worker thread and is cancelled its own way.
    bool stopOnSignals = false;
};

struct StackProcess {
    std::string role;  ///< "pod", "gateway", "prometheus"
    std::string name;
    std::string url;
    int pid = 0;
    bool running = false; ///< status(): the process is alive
    bool healthy = false; ///< status(): it answers its health route
};

struct StackState {
    std::string dir;
    std::string scenario;               ///< as `stack up` ran it: a built-in name or an absolute path
    std::vector<std::string> overrides; ///< its --set overrides, in order
    double timeScale = 1.0;             ///< the pods' wall seconds per simulated second
    std::string gatewayUrl;
    std::string prometheusUrl;
    std::vector<StackProcess> processes;
};

/// Starts the stack and waits until every process is healthy and Prometheus has scraped every
/// target; on any failure stops what it started. `kvroutePath` is the binary to run pods and the
/// gateway with (this one).
/// `scenario` is options.scenario loaded with its overrides (the pods, their names).
[[nodiscard]] Result<StackState> stackUp(const StackUpOptions& options, const sim::Scenario& scenario,
                                         const std::string& kvroutePath);
[[nodiscard]] Result<StackState> stackStatus(const std::string& dir);
/// Stops the processes recorded in DIR/stack.json (checking each is still the one started).
[[nodiscard]] Result<StackState> stackDown(const std::string& dir);

[[nodiscard]] std::string stackStateJson(const StackState& state);
[[nodiscard]] std::string stackStateText(const StackState& state);

} // namespace kvroute::cluster
