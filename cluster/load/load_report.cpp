#include "cluster/load/load_generator.h"
#include "sim/util/thousands.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <sstream>

namespace kvroute::cluster {

namespace {

std::string fmt(const char* format, double v)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string duration(double seconds)
{
    if (seconds < 1e-3)
        return fmt("%.0f µs", seconds * 1e6);
    if (seconds < 1.0)
        return fmt("%.1f ms", seconds * 1e3);
    return fmt("%.2f s", seconds);
}

std::string latencyLine(const char* name, const sim::LatencySummary& l)
{
    if (l.count == 0)
        return std::string("  ") + name + "n/a\n";
    return std::string("  ") + name + "p50 " + duration(l.p50) + "   p90 " + duration(l.p90) + "   p99 " +
           duration(l.p99) + "   mean " + duration(l.mean) + "\n";
}

nlohmann::ordered_json latency(const sim::LatencySummary& l)
{
    return {{"count", l.count}, {"mean", l.mean}, {"p50", l.p50}, {"p90", l.p90}, {"p99", l.p99}};
}

} // namespace

std::string loadReportText(const LoadReport& r)
{
    using sim::thousands;
    std::ostringstream out;
    out << "kvroute load: " << r.url << "\n  workload: " << r.workload << "\n  client:   at most " << thousands(r.maxInflight)
        << " requests in flight, TTFT from the " << (r.ttftFromArrival ? "arrival" : "send") << "\n  "
        << fmt("%.1f", r.wallSeconds) << " s wall time\n\n";
    out << "  Requests               " << thousands(r.requestsCompleted) << " answered of " << thousands(r.requestsSent)
        << " sent\n";
    if (r.requestsReportingCached > 0 && r.promptTokens > 0)
        out << "  Prompt tokens cached   " << fmt("%.1f %%", 100.0 * static_cast<double>(r.cachedTokens) / static_cast<double>(r.promptTokens))
            << "   (" << thousands(r.cachedTokens) << " of " << thousands(r.promptTokens)
            << " prompt tokens, from usage.prompt_tokens_details.cached_tokens)\n";
    else
        out << "  Prompt tokens cached    n/a    (the server reports no cached_tokens; vLLM needs "
               "--enable-prompt-tokens-details)\n";
    if (r.followUps > 0)
        out << "  Stickiness             " << fmt("%.1f %%", 100.0 * static_cast<double>(r.followUpsSamePod) / static_cast<double>(r.followUps))
            << "   (of " << thousands(r.followUps) << " follow-up requests, by x-inference-pod)\n";
    out << latencyLine("TTFT                   ", r.ttft);
    out << latencyLine("Inter-token latency    ", r.itl);
    out << latencyLine("End-to-end             ", r.e2e);
    if (r.wallSeconds > 0)
        out << "  Throughput             " << fmt("%.2f req/s", static_cast<double>(r.requestsCompleted) / r.wallSeconds) << "   "
            << fmt("%.1f output tok/s", static_cast<double>(r.completionTokens) / r.wallSeconds) << '\n';
    if (!r.requestsPerPod.empty()) {
        out << "\n  pod                                 requests\n";
        for (const auto& [pod, n] : r.requestsPerPod)
            out << "  " << pod << std::string(pod.size() < 36 ? 36 - pod.size() : 1, ' ') << thousands(n) << '\n';
    }
    if (!r.errors.empty()) {
        out << "\n  Errors:\n";
        for (const auto& [kind, n] : r.errors)
            out << "  - " << kind << ": " << thousands(n) << '\n';
        if (!r.firstError.empty())
            out << "  first: " << r.firstError << '\n';
    }
    return out.str();
}

std::string loadReportJson(const LoadReport& r)
{
    nlohmann::ordered_json j{{"url", r.url},
                             {"workload", r.workload},
                             {"max_inflight", r.maxInflight},
                             {"ttft_from", r.ttftFromArrival ? "arrival" : "send"},
                             {"requests_sent", r.requestsSent},
                             {"requests_completed", r.requestsCompleted},
                             {"errors", r.errors},
                             {"prompt_tokens", r.promptTokens},
                             {"completion_tokens", r.completionTokens},
                             {"cached_tokens", r.cachedTokens},
                             {"cached_prompt_fraction",
                              r.requestsReportingCached > 0 && r.promptTokens > 0
                                  ? nlohmann::ordered_json(static_cast<double>(r.cachedTokens) / static_cast<double>(r.promptTokens))
                                  : nlohmann::ordered_json(nullptr)},
                             {"stickiness", r.followUps > 0 ? nlohmann::ordered_json(static_cast<double>(r.followUpsSamePod) /
                                                                                     static_cast<double>(r.followUps))
                                                            : nlohmann::ordered_json(nullptr)},
                             {"ttft_s", latency(r.ttft)},
                             {"itl_s", latency(r.itl)},
                             {"e2e_s", latency(r.e2e)},
                             {"requests_per_pod", r.requestsPerPod},
                             {"wall_time_s", r.wallSeconds}};
    return j.dump(2);
}

} // namespace kvroute::cluster
