#include "app/cli/prometheus_arguments.h"

#include "cluster/stack/stack.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace kvroute::cli {

void addPrometheusOptions(CLI::App* cmd, PrometheusArguments& a)
{
    cmd->add_option("--prometheus", a.url, "Prometheus (or Thanos querier) base URL, e.g. http://127.0.0.1:9090");
    cmd->add_option("--stack", a.stackDir, "use the Prometheus of the local stack in DIR")->type_name("DIR");
    cmd->add_option("--token-file", a.tokenFile, "bearer token file (OpenShift: `oc whoami -t > FILE`)")->type_name("FILE");
    cmd->add_option("--ca-file", a.caFile, "CA bundle that signed the server's certificate")->type_name("FILE");
    cmd->add_flag("--insecure-skip-tls-verify", a.insecure, "do not verify the server's certificate (not recommended)");
    cmd->add_option("--selector", a.selector,
                    "label matchers for the vLLM series, e.g. namespace=llm-d,model_name=\"Qwen/Qwen3-0.6B\"");
    cmd->add_option("--pod-label", a.podLabel, "the label that names a pod")->capture_default_str();
    cmd->add_option("--window", a.window, "rate window, a Prometheus duration (≥ 2 scrape intervals)")->capture_default_str();
}

Result<LiveTarget> resolveTarget(const PrometheusArguments& a, double timeoutSeconds)
{
    if (a.url.empty() == a.stackDir.empty())
        return fail("give exactly one of --prometheus URL and --stack DIR");
    LiveTarget t;
    t.endpoint = cluster::PrometheusEndpoint{a.url, a.tokenFile, a.caFile, !a.insecure, timeoutSeconds};
    if (!a.stackDir.empty()) {
        auto state = cluster::stackStatus(a.stackDir);
        if (!state)
            return std::unexpected(state.error());
        t.endpoint.url = state->prometheusUrl;
    }
    if (const auto bad = cluster::badPrometheusUrl(t.endpoint.url))
        return fail(*bad, "--prometheus");
    if (!a.caFile.empty() && a.insecure)
        return fail("--ca-file verifies the server with a CA, --insecure-skip-tls-verify skips verification: give one",
                    "--ca-file");
    if (a.podLabel == "__name__")
        return fail("__name__ names the metric, not a pod; give the label that names pods (pod, instance, ...)",
                    "--pod-label");
    for (const auto& [file, option] : {std::pair{a.tokenFile, "--token-file"}, std::pair{a.caFile, "--ca-file"}}) {
        if (file.empty())
            continue;
        std::error_code ec;
        if (std::filesystem::is_directory(file, ec))
            return fail(file + " is a directory, not a file", option);
        std::ifstream in(file);
        if (!in)
            return fail("cannot read " + file + ": " + std::strerror(errno), option);
        // A regular file is checked now (a pipe such as <(oc whoami -t) can be read only once).
        if (std::filesystem::is_regular_file(file, ec)) {
            std::string text;
            for (std::string line; std::getline(in, line) && text.size() < 65536;)
                text += line;
            if (text.find_first_not_of(" \t\r\n") == std::string::npos)
                return fail(file + " is empty", option);
        }
    }
    auto selector = cluster::parseSelector(a.selector);
    if (!selector)
        return std::unexpected(selector.error());
    t.selector = *selector;
    t.selector.podLabel = a.podLabel;
    if (a.podLabel.empty() || a.podLabel.find_first_not_of(
                                  "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos)
        return fail("'" + a.podLabel + "' is not a label name (letters, digits, _)", "--pod-label");
    auto window = cluster::checkWindow(a.window);
    if (!window)
        return std::unexpected(window.error());
    t.window = *window;
    return t;
}

} // namespace kvroute::cli
