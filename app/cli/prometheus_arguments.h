#pragma once
// The options every command that reads a Prometheus shares (`live watch`, `validate`): where it
// is, how to authenticate, which series to read.

#include "cluster/prometheus/prometheus_client.h"
#include "cluster/prometheus/promql.h"
#include "sim/util/result.h"

#include <string>

namespace CLI {
class App;
}

namespace kvroute::cli {

struct PrometheusArguments {
    std::string url;
    std::string stackDir;
    std::string tokenFile;
    std::string caFile;
    bool insecure = false;
    std::string selector;
    std::string podLabel = "pod";
    std::string window = "1m";
};

void addPrometheusOptions(CLI::App* cmd, PrometheusArguments& arguments);

struct LiveTarget {
    cluster::PrometheusEndpoint endpoint;
    cluster::LiveSelector selector;
    std::string window;
};

/// Checks the arguments (one of --prometheus/--stack, readable files, selector, window) and
/// resolves a stack's Prometheus URL.
[[nodiscard]] Result<LiveTarget> resolveTarget(const PrometheusArguments& arguments, double timeoutSeconds);

} // namespace kvroute::cli
