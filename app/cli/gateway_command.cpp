#include "app/cli/commands.h"
#include "app/cli/number_range.h"

// GCC 12 reports a -Wnull-dereference false positive inside Asio's scheduler (inlined from
// Boost's headers), at the end of the translation unit where no push/pop can reach it.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wnull-dereference"
#endif

#include "app/cli/serve_until_signalled.h"
#include "cluster/gateway/gateway_server.h"

#include <CLI/CLI.hpp>
#include <boost/asio/io_context.hpp>

#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct GatewayCommandOptions {
    std::string scenario = "default";
    std::vector<std::string> overrides;
    cluster::GatewayOptions gateway;
    bool quiet = false;
};

int gatewayCommand(const GatewayCommandOptions& o)
{
    auto scenario = loadScenarioArgument(o.scenario, o.overrides);
    if (!scenario) {
        std::cerr << "kvroute: " << scenario.error().toString() << '\n';
        return kExitBadInput;
    }
    boost::asio::io_context io;
    auto server = cluster::GatewayServer::start(io, *scenario, o.gateway);
    if (!server) {
        std::cerr << "kvroute: " << server.error().toString() << '\n';
        return kExitBadInput;
    }
    const auto pods = o.gateway.pods.size();
    // The router routes over the pods given; a scenario of another size predicts another cluster.
    if (static_cast<std::int64_t>(pods) != scenario->cluster.pods)
        std::cerr << "kvroute gateway: note: " << pods << (pods == 1 ? " pod" : " pods") << " given, the scenario has "
                  << scenario->cluster.pods << " (cluster.pods): its simulation is of another cluster\n";
    if (!o.quiet)
        std::cerr << "kvroute gateway: routing over " << pods << (pods == 1 ? " pod" : " pods") << " on http://"
                  << (o.gateway.host.find(':') != std::string::npos ? '[' + o.gateway.host + ']' : o.gateway.host) << ':' << (*server)->port() << '\n';
    serveUntilSignalled(io, o.gateway.host, (*server)->port(), [&] { (*server)->stop(); });
    return 0;
}

} // namespace

void addGatewayCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<GatewayCommandOptions>();
    auto* cmd = app.add_subcommand("gateway", "Route live requests over pods with the scenario's own router");
    cmd->add_option("scenario", o->scenario, "built-in scenario name or a YAML file")->capture_default_str();
    cmd->add_option("--set", o->overrides, "override a scenario key (repeatable)");
    cmd->add_option("--pods", o->gateway.pods, "the pods' URLs in the scenario's pod order, comma-separated")
        ->delimiter(',')->required();
    cmd->add_option("--kv-events", o->gateway.kvEventEndpoints,
                    "each pod's KV event endpoint (tcp://HOST:PORT), comma-separated, for the precise index")
        ->delimiter(',');
    cmd->add_option("--time-scale", o->gateway.timeScale,
                    "wall seconds per simulated second (match the pods'): the routers' clock and the log's; "
                    "0, for pods that do not wait, keeps wall time")
        ->transform(numberIn(0.0, 1000.0))
        ->capture_default_str();
    cmd->add_option("--host", o->gateway.host, "address to bind")->capture_default_str();
    cmd->add_option("--port", o->gateway.port, "port to listen on (0 = any free port)")
        ->capture_default_str()
        ->transform(numberIn(0, 65535));
    cmd->add_option("--session-header", o->gateway.sessionHeader, "header naming the session")->capture_default_str();
    cmd->add_option("--request-log", o->gateway.requestLog, "append every routed request to FILE (Mooncake JSONL with session, client and pod; replay it with kvroute run)")
        ->type_name("FILE");
    cmd->add_flag("--quiet,-q", o->quiet, "no log lines on stderr");
    cmd->callback([o, &exitCode] { exitCode = gatewayCommand(*o); });
}

} // namespace kvroute::cli
