#include "app/cli/commands.h"
#include "app/cli/number_range.h"

// GCC 12 reports a -Wnull-dereference false positive inside Asio's scheduler (inlined from
// Boost's headers), at the end of the translation unit where no push/pop can reach it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif

#include "app/cli/serve_until_signalled.h"
#include "cluster/pod/pod_server.h"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct PodCommandOptions {
    std::string scenario = "default";
    std::vector<std::string> overrides;
    cluster::PodOptions pod;
    bool quiet = false;
};

int podCommand(const PodCommandOptions& o)
{
    auto scenario = loadScenarioArgument(o.scenario, o.overrides);
    if (!scenario) {
        std::cerr << "kvroute: " << scenario.error().toString() << '\n';
        return kExitBadInput;
    }
    boost::asio::io_context io;
    auto server = cluster::PodServer::start(io, *scenario, o.pod);
    if (!server) {
        std::cerr << "kvroute: " << server.error().toString() << '\n';
        return kExitBadInput;
    }
    if (!o.quiet)
        std::cerr << "kvroute pod: " << (*server)->name() << " serving on http://" << (o.pod.host.find(':') != std::string::npos ? '[' + o.pod.host + ']' : o.pod.host) << ':'
                  << (*server)->port() << " (time scale " << o.pod.timeScale << ")\n";
    serveUntilSignalled(io, o.pod.host, (*server)->port(), [&] { (*server)->stop(); });
    if (!o.quiet)
        std::cerr << "kvroute pod: stopped\n";
    return 0;
}

} // namespace

void addPodCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<PodCommandOptions>();
    auto* cmd = app.add_subcommand("pod", "Serve one pod of a scenario as a vLLM-compatible server (OpenAI API, /metrics)");
    cmd->add_option("scenario", o->scenario, "built-in scenario name or a YAML file")->capture_default_str();
    cmd->add_option("--set", o->overrides, "override a scenario key (repeatable)");
    cmd->add_option("--host", o->pod.host, "address to bind")->capture_default_str();
    cmd->add_option("--port", o->pod.port, "port to listen on (0 = any free port)")->capture_default_str()->transform(numberIn(0, 65535));
    cmd->add_option("--index", o->pod.index, "which pod of the scenario (its name and hash seed)")->capture_default_str();
    cmd->add_option("--time-scale", o->pod.timeScale,
                    "wall seconds per simulated second: 1 = real time, 0.1 = ten times faster, 0 = no waiting")
        ->capture_default_str()
        ->transform(numberIn(0.0, 1000.0));
    cmd->add_flag("--enable-prompt-tokens-details", o->pod.promptTokensDetails,
                  "report usage.prompt_tokens_details.cached_tokens, as vLLM's flag");
    cmd->add_option("--kv-events-config", o->pod.kvEventsConfig,
                    "vLLM's KV events JSON, e.g. '{\"enable_kv_cache_events\":true,\"publisher\":\"zmq\",\"endpoint\":\"tcp://*:5557\"}'");
    cmd->add_option("--max-queued", o->pod.maxQueuedRequests, "requests in the pod beyond which new ones get 503")
        ->capture_default_str()->transform(numberIn(1, 10'000'000));
    // At least a small completion request's size: below that every request is a 413.
    cmd->add_option("--max-body-bytes", o->pod.limits.maxBodyBytes, "largest request body (413 beyond)")
        ->capture_default_str()->transform(numberIn(std::size_t{1024}, std::size_t{1} << 34));
    cmd->add_option("--max-connections", o->pod.limits.maxConnections, "open connections beyond which clients get 503")
        ->capture_default_str()->transform(numberIn(1, 100000));
    cmd->add_flag("--quiet,-q", o->quiet, "no log lines on stderr");
    cmd->callback([o, &exitCode] { exitCode = podCommand(*o); });
}

} // namespace kvroute::cli
