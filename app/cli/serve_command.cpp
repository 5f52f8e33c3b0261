// `kvroute serve`: the browser dashboard (docs/WEB.md).

#include "app/cli/commands.h"
#include "app/cli/number_range.h"
#include "cluster/prometheus/prometheus_client.h"

// GCC 12 reports a -Wnull-dereference false positive inside Asio's scheduler (inlined from
// Boost's headers), at the end of the translation unit where no push/pop can reach it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif

#include "app/cli/prometheus_arguments.h"
#include "app/cli/serve_until_signalled.h"
#include "cluster/stack/stack.h"
#include "cluster/web/web_server.h"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>

namespace kvroute::cli {

namespace {

struct ServeOptions {
    PrometheusArguments prometheus;
    std::string scenario;
    std::vector<std::string> overrides;
    std::string host = "127.0.0.1";
    std::uint16_t port = 8090;
    std::string authTokenFile;
    double runTimeLimit = 60;
    int maxRuns = 2;
    double rateLimit = 20;
    double interval = 2;
    double timeScale = 0; ///< 0: the stack's, else 1
    bool quiet = false;
};

std::string joinLabel(const std::string& scenario, const std::vector<std::string>& overrides)
{
    std::string label = scenario;
    for (const auto& o : overrides)
        label += " --set " + o;
    return label;
}

Result<std::string> readToken(const std::string& file)
{
    std::ifstream in(file);
    if (!in)
        return fail("cannot read " + file + ": " + std::strerror(errno), "--auth-token-file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    std::string token = buffer.str();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
        token.pop_back();
    if (token.empty() || token.find_first_of(" \t\r\n") != std::string::npos)
        return fail(file + " must hold one token (no spaces)", "--auth-token-file");
    return token;
}

int serveCommand(const ServeOptions& o)
{
    auto bad = [](const Error& e) {
        std::cerr << "kvroute: " << e.toString() << '\n';
        return kExitBadInput;
    };
    cluster::web::WebOptions web;
    web.host = o.host;
    web.port = o.port;
    web.rateLimitPerSecond = o.rateLimit;
    web.runs.timeLimitSeconds = o.runTimeLimit;
    web.runs.maxConcurrentRuns = o.maxRuns;
    web.runs.version = KVROUTE_VERSION;
    if (!o.authTokenFile.empty()) {
        auto token = readToken(o.authTokenFile);
        if (!token)
            return bad(token.error());
        web.authToken = *token;
    }

    // The scenario: a stack's own (as `stack up` ran it, plus workload-only --set), or --scenario.
    std::string scenarioName = o.scenario.empty() ? "default" : o.scenario;
    std::vector<std::string> overrides;
    web.timeScale = o.timeScale > 0 ? o.timeScale : 1.0;
    const bool hasLive = !o.prometheus.url.empty() || !o.prometheus.stackDir.empty();
    if (!o.prometheus.stackDir.empty()) {
        if (!o.scenario.empty())
            return bad(Error{"a stack has its own scenario; give --scenario only with --prometheus", "--scenario"});
        auto state = cluster::stackStatus(o.prometheus.stackDir);
        if (!state)
            return bad(state.error());
        scenarioName = state->scenario;
        overrides = state->overrides;
        if (o.timeScale <= 0)
            web.timeScale = state->timeScale;
        for (const auto& assignment : o.overrides) {
            const std::string key = assignment.substr(0, assignment.find('='));
            const bool workloadSide = key == "duration" || key == "drain_limit" || key == "sample_interval" ||
                                      key.starts_with("workload.") || key == "workload";
            if (!workloadSide)
                return bad(Error{"'" + key + "' changes what the running stack's pods or gateway do; with --stack "
                                 "only the workload may change (workload.*, duration, drain_limit, sample_interval)",
                                 "--set " + assignment});
        }
        web.liveSource = "stack " + o.prometheus.stackDir;
    }
    overrides.insert(overrides.end(), o.overrides.begin(), o.overrides.end());
    auto scenario = loadScenarioArgument(scenarioName, overrides);
    if (!scenario)
        return bad(scenario.error());
    web.runs.current = *scenario;
    web.runs.currentLabel = joinLabel(scenarioName, overrides);

    if (hasLive) {
        // The poll must end before the next one is due: the timeout is the interval, at most 10 s.
        auto target = resolveTarget(o.prometheus, std::min(10.0, std::max(1.0, o.interval)));
        if (!target)
            return bad(target.error());
        if (web.liveSource.empty())
            web.liveSource = cluster::displayUrl(target->endpoint.url);
        cluster::web::LiveHistoryOptions live;
        live.endpoint = target->endpoint;
        live.selector = target->selector;
        live.window = target->window;
        live.intervalSeconds = o.interval;
        web.live = live;
    }

    boost::asio::io_context io;
    auto server = cluster::web::WebServer::start(io, std::move(web));
    if (!server)
        return bad(server.error());
    if (!o.quiet) {
        std::cerr << "kvroute serve: the dashboard is at http://" << (o.host == "0.0.0.0" ? "127.0.0.1" : o.host) << ':'
                  << (*server)->port() << "/\n";
        if (o.authTokenFile.empty() && o.host != "127.0.0.1" && o.host != "localhost" && o.host != "::1")
            std::cerr << "kvroute serve: warning: listening on " << o.host
                      << " without --auth-token-file: anyone who reaches it can read the metrics and run simulations\n";
    }
    serveUntilSignalled(io, o.host, (*server)->port(), [&] { (*server)->stop(); });
    return 0;
}

} // namespace

void addServeCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<ServeOptions>();
    auto* cmd = app.add_subcommand("serve", "Serve the browser dashboard: live view and what-if runs (docs/WEB.md)");
    addPrometheusOptions(cmd, o->prometheus);
    cmd->add_option("--scenario", o->scenario,
                    "built-in scenario or YAML file to simulate beside the live numbers (default: default; a stack's own with --stack)");
    cmd->add_option("--set", o->overrides, "override a scenario key (repeatable; with --stack only the workload)");
    cmd->add_option("--host", o->host, "address to bind (loopback unless told otherwise)")->capture_default_str();
    cmd->add_option("--port", o->port, "port to listen on (0 = any free port)")->capture_default_str()->transform(numberIn(0, 65535));
    cmd->add_option("--auth-token-file", o->authTokenFile, "require Authorization: Bearer <the token in FILE> on /api")
        ->type_name("FILE");
    cmd->add_option("--run-time-limit", o->runTimeLimit, "wall-clock seconds a what-if run may take")
        ->capture_default_str()
        ->transform(numberIn(0.001, 86400.0));
    cmd->add_option("--max-runs", o->maxRuns, "what-if runs at once, server-wide (one per client)")
        ->capture_default_str()
        ->transform(numberIn(1, 1000));
    cmd->add_option("--rate-limit", o->rateLimit, "API requests per second per client address (bursts of twice; 0 = off)")
        ->capture_default_str();
    cmd->add_option("--interval", o->interval, "seconds between Prometheus polls")
        ->capture_default_str()
        ->transform(numberIn(0.2, 3600.0));
    cmd->add_option("--time-scale", o->timeScale, "the pods' wall seconds per simulated second (default: the stack's, else 1)")
        ->transform(numberIn(0.0, 1000.0));
    cmd->add_flag("--quiet,-q", o->quiet, "no log lines on stderr");
    cmd->callback([o, &exitCode] { exitCode = serveCommand(*o); });
}

} // namespace kvroute::cli
