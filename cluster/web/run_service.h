#pragma once
// The dashboard's simulations: the baseline (the live scenario, run once at start so the live
// view has a simulated line to compare with) and what-if runs from the form or a script.
//
// A what-if is a built-in scenario or the live one ("current") with `set` overrides, applied by
// the same applyOverride as the CLI's --set, so messages are the CLI's word for word. Bounds:
// one run at a time per client, a server-wide cap, and a wall-clock limit enforced through
// RunControl's cancel flag (checked between slices of simulated time). Keys that name files
// (routing.epp_config, workload.path) cannot be set from the web: the server would read them.

#include "cluster/web/api_error.h"
#include "sim/scenario/scenario.h"

#include <atomic>
#include <expected>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

namespace kvroute::cluster::web {

struct RunServiceOptions {
    sim::Scenario current;        ///< the live scenario (a stack's, with its overrides)
    std::string currentLabel;     ///< how it was given: "default --set cluster.pods=2"
    double timeLimitSeconds = 60; ///< per what-if run, wall clock
    int maxConcurrentRuns = 2;    ///< server-wide
    std::string version;          ///< for the results' run_info
};

/// A parsed, validated what-if request.
struct WhatIf {
    std::string scenarioName; ///< "current" or a built-in name
    std::vector<std::pair<std::string, std::string>> set; ///< (key, value as YAML text), in request order
    sim::Scenario scenario;   ///< with the overrides applied and validated
};

/// The answer to a run: HTTP status and JSON body.
struct RunAnswer {
    int status = 200;
    std::string body;
};

class RunService {
public:
    explicit RunService(RunServiceOptions options);
    ~RunService(); ///< cancels every run and joins its thread
    RunService(const RunService&) = delete;
    RunService& operator=(const RunService&) = delete;

    /// Starts the baseline simulation of the live scenario on a worker thread.
    void startBaseline();
    /// {"state": "running"|"done"|"error", "error": ..., "results": ...}
    [[nodiscard]] std::string baselineJson() const;

    /// {"scenarios": [{name, description}...]}: "current" first, then the built-ins.
    [[nodiscard]] std::string scenarioListJson() const;
    /// One scenario's form: its main knobs (schema type, bounds, help, value) and its YAML.
    [[nodiscard]] std::expected<std::string, ApiError> scenarioJson(std::string_view name) const;

    /// Parses {"scenario": NAME, "set": {KEY: VALUE, ...}}; errors name the field at fault.
    [[nodiscard]] std::expected<WhatIf, ApiError> parse(std::string_view body) const;

    /// Runs `whatIf` for `client` on a worker thread and calls `done` there with the answer.
    /// Refused at once (429 / 503) when the client already has a run or the server is full.
    /// The returned flag cancels the run (the client went away).
    [[nodiscard]] std::expected<std::shared_ptr<std::atomic<bool>>, ApiError>
    start(const std::string& client, WhatIf whatIf, std::function<void(RunAnswer)> done);

    [[nodiscard]] const RunServiceOptions& options() const { return m_options; }

private:
    struct Job {
        std::thread thread;
        std::shared_ptr<std::atomic<bool>> cancel;
        std::shared_ptr<std::atomic<bool>> finished;
    };
    void reapFinished(); ///< joins the threads of finished runs; m_mutex held

    RunServiceOptions m_options;
    mutable std::mutex m_mutex;
    std::set<std::string> m_activeClients;
    std::list<Job> m_jobs;
    std::atomic<bool> m_shuttingDown{false};

    mutable std::mutex m_baselineMutex;
    std::string m_baselineState = "idle";
    std::string m_baselineError;
    std::string m_baselineResults; ///< results JSON text once done
    std::thread m_baselineThread;
    std::atomic<bool> m_baselineCancel{false};
};

} // namespace kvroute::cluster::web
