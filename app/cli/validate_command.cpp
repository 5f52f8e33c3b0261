// `kvroute validate`: the original demo's cache-hit gate (shared/reference/llmd.md §5, its Tekton
// pipeline), against the real numbers: the cluster's hit rate over a window from Prometheus, and
// the kvroute gateway's stickiness when it is there. Exit 0 when every threshold is met, 3 when
// one is not, 1 when the numbers cannot be read.
#include "app/cli/commands.h"
#include "app/cli/number_range.h"
#include "app/cli/prometheus_arguments.h"

#include "cluster/prometheus/live_snapshot.h"

#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct ValidateOptions {
    PrometheusArguments prometheus;
    double minHitRate = -1;
    double minStickiness = -1;
    bool json = false;
};

struct Check {
    std::string name;
    double value;
    double threshold;
    std::string missing; ///< why the value could not be read
    [[nodiscard]] bool passed() const { return missing.empty() && value >= threshold; }
};

std::string percent(double v)
{
    char buf[32];
    // Two decimals, so a value just under its threshold (99.98 % < 100 %) shows why it failed.
    std::snprintf(buf, sizeof buf, "%.2f %%", 100 * v);
    return buf;
}

int validateCommand(const ValidateOptions& o)
{
    auto target = resolveTarget(o.prometheus, 10);
    if (!target) {
        std::cerr << "kvroute: " << target.error().toString() << '\n';
        return kExitBadInput;
    }
    cluster::PrometheusClient client(target->endpoint);
    auto snapshot = cluster::fetchLiveSnapshot(client, target->selector, target->window);
    if (!snapshot) {
        std::cerr << "kvroute: " << snapshot.error().message << '\n';
        return kExitRunFailed;
    }
    const auto& s = *snapshot;
    std::vector<Check> checks;
    const std::string selector = cluster::selectorText(target->selector);
    checks.push_back({"hit rate", s.clusterHitRate, o.minHitRate,
                      std::isnan(s.clusterHitRate) ? (s.notes.empty() ? std::string("no data") : s.notes.front()) : ""});
    if (o.minStickiness >= 0)
        checks.push_back({"stickiness", s.stickiness, o.minStickiness,
                          std::isnan(s.stickiness) ? "no stickiness: it needs the kvroute gateway's follow-up counters "
                                                     "(kvroute_gateway_follow_ups_total) with follow-ups in the window"
                                                   : ""});
    bool passed = true;
    bool unreadable = false;
    for (const auto& c : checks) {
        passed = passed && c.passed();
        unreadable = unreadable || !c.missing.empty();
    }
    if (o.json) {
        nlohmann::ordered_json j{{"prometheus_url", cluster::displayUrl(target->endpoint.url)},
                                 {"selector", selector},
                                 {"window", target->window},
                                 {"passed", passed}};
        for (const auto& c : checks)
            j["checks"].push_back({{"name", c.name},
                                   {"value", c.missing.empty() ? nlohmann::ordered_json(c.value) : nlohmann::ordered_json(nullptr)},
                                   {"threshold", c.threshold},
                                   {"passed", c.passed()},
                                   {"missing", c.missing}});
        std::cout << j.dump(2) << '\n';
    } else {
        std::cout << "kvroute validate: " << cluster::displayUrl(target->endpoint.url) << (selector.empty() ? "" : " " + selector)
                  << ", the last " << target->window << "\n";
        for (const auto& c : checks)
            std::cout << "  " << c.name << ' '
                      << (c.missing.empty() ? percent(c.value) + (c.passed() ? " ≥ " : " < ") + percent(c.threshold) +
                                                  (c.passed() ? "   PASS" : "   FAIL")
                                            : "unknown   FAIL (" + c.missing + ")")
                      << '\n';
        for (const auto& p : s.pods)
            std::cout << "    " << (p.pod.empty() ? "?" : p.pod) << "  hit rate "
                      << (std::isnan(p.hitRate) ? std::string("—") : percent(p.hitRate)) << ", share "
                      << (std::isnan(p.requestShare) ? std::string("—") : percent(p.requestShare)) << '\n';
        std::cout << (passed ? "PASS\n" : "FAIL\n");
    }
    if (unreadable)
        return kExitRunFailed;
    return passed ? 0 : kExitGateFailed;
}

} // namespace

void addValidateCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<ValidateOptions>();
    o->prometheus.window = "5m";
    auto* cmd = app.add_subcommand(
        "validate", "The cache-hit gate: a Prometheus's real hit rate (and stickiness) against thresholds; exit 3 below");
    addPrometheusOptions(cmd, o->prometheus);
    cmd->add_option("--min-hit-rate", o->minHitRate, "the cluster's prefix-cache hit rate must reach this (0..1)")
        ->required()->transform(numberIn(0.0, 1.0));
    cmd->add_option("--min-stickiness", o->minStickiness,
                    "the share of follow-ups routed to their session's previous pod must reach this (kvroute gateway)")
        ->transform(numberIn(0.0, 1.0));
    cmd->add_flag("--json", o->json, "print the verdict as JSON");
    cmd->callback([o, &exitCode] { exitCode = validateCommand(*o); });
}

} // namespace kvroute::cli
