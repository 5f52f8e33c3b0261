#include "sim/report/results_writers.h"
#include "sim/util/thousands.h"

#include <cstdio>
#include <sstream>

namespace kvroute::sim {

namespace {

std::string fmt(const char* format, double value)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, format, value);
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

std::string latencyLine(const char* label, const LatencySummary& s)
{
    std::ostringstream out;
    out << "  " << label;
    if (s.count == 0)
        return out.str() + "n/a\n";
    out << "p50 " << duration(s.p50) << "   p90 " << duration(s.p90) << "   p99 " << duration(s.p99) << "   mean "
        << duration(s.mean) << '\n';
    return out.str();
}

std::string pad(std::string s, std::size_t width)
{
    if (s.size() < width)
        s.append(width - s.size(), ' ');
    return s;
}

std::string padLeft(const std::string& s, std::size_t width)
{
    return s.size() < width ? std::string(width - s.size(), ' ') + s : s;
}

/// The text with control characters (an ESC from a scenario's name would drive the terminal)
/// shown as \xNN.
std::string printable(const std::string& text)
{
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) {
            static constexpr char digits[] = "0123456789abcdef";
            const char escaped[4] = {'\\', 'x', digits[u >> 4], digits[u & 15]};
            out.append(escaped, sizeof escaped);
        } else {
            out.push_back(c);
        }
    }
    return out;
}

} // namespace

std::string resultsReport(const RunResults& r, const Scenario& s, std::span<const std::string> overrides)
{
    std::ostringstream out;
    out << "kvroute run: " << (s.name.empty() ? std::string("scenario") : printable(s.name));
    if (!s.description.empty())
        out << " — " << printable(s.description);
    for (std::size_t i = 0; i < overrides.size(); ++i)
        out << (i == 0 ? "\n  --set:    " : ", ") << printable(overrides[i]);
    out << "\n  " << s.model.model << " on " << s.model.gpu << (s.model.tensorParallel > 1 ? " (TP " + std::to_string(s.model.tensorParallel) + ")" : "")
        << ", " << s.cluster.pods << (s.cluster.pods == 1 ? " decode pod, block " : " decode pods, block ") << s.vllm.blockSize << ", "
        << thousands(r.capacity.numGpuBlocks) << " KV blocks/pod (" << thousands(r.capacity.kvTokensPerPod) << " tokens"
        << (r.capacity.overridden ? ", override" : "") << ")\n";
    out << "  routing:  " << r.router << "\n  workload: " << r.workload;
    // The workload's own line describes it whole; the limit may stop it early (a few stages).
    if (s.workload.maxRequests > 0)
        out << "; stops after " << thousands(s.workload.maxRequests) << " requests (workload.max_requests)";
    const auto& client = s.workload.client;
    if (client.maxInFlight > 0 || client.ttftFrom == TtftClock::Arrival)
        out << "\n  client:   "
            << (client.maxInFlight > 0 ? "at most " + thousands(client.maxInFlight) + " requests in flight"
                                       : std::string("no limit on requests in flight"))
            << ", TTFT from the " << (client.ttftFrom == TtftClock::Send ? "send" : "arrival");
    out << "\n  latency:  " << r.latencyModel
        << "\n  seed " << s.seed << ", " << fmt("%.1f", r.simulatedSeconds) << " s simulated\n\n";

    if (r.prefixCacheQueries > 0)
        out << "  Prefix-cache hit rate  " << fmt("%5.1f %%", 100.0 * r.hitRate) << "   (" << thousands(r.prefixCacheHits)
            << " hit of " << thousands(r.prefixCacheQueries) << " queried tokens, vLLM's counters)\n";
    else
        out << "  Prefix-cache hit rate   n/a    (no prefix-cache lookup happened)\n";
    if (r.completedPromptTokens > 0)
        out << "  Prompt tokens cached   " << fmt("%5.1f %%", 100.0 * r.cachedPromptFraction) << "   ("
            << thousands(r.cachedPromptTokens) << " of " << thousands(r.completedPromptTokens)
            << " prompt tokens of completed requests, each counted once)\n";
    if (r.followUpRequests > 0)
        out << "  Stickiness             " << fmt("%5.1f %%", 100.0 * r.stickiness) << "   (of "
            << thousands(r.followUpRequests) << " follow-up requests)\n";
    else
        out << "  Stickiness               n/a    (no session sent a second request)\n";
    out << latencyLine("TTFT                   ", r.ttft);
    out << latencyLine("Inter-token latency    ", r.itl);
    out << latencyLine("End-to-end             ", r.e2e);
    out << latencyLine("Queue time             ", r.queue);
    out << "  Throughput             " << fmt("%.2f req/s", r.requestsPerS) << "   "
        << thousands(static_cast<std::int64_t>(r.outputTokensPerS + 0.5)) << " output tok/s\n";
    out << "  Preemptions            " << thousands(r.preemptions) << '\n';
    out << "  Requests               " << thousands(r.requestsCompleted) << " completed, " << thousands(r.requestsRejected)
        << " rejected, " << (r.requestsUnroutable > 0 ? thousands(r.requestsUnroutable) + " unroutable, " : "")
        << thousands(r.requestsUnfinished) << " unfinished" << (r.cancelled ? " (cancelled)" : "")
        << "\n\n";

    std::size_t nameWidth = 4;
    for (const auto& p : r.pods)
        nameWidth = std::max(nameWidth, p.name.size());
    std::int64_t routed = 0;
    for (const auto& p : r.pods)
        routed += p.requests;
    out << "  " << pad("pod", nameWidth) << "  requests   share  hit rate   KV mean   KV max    busy  preempt\n";
    for (const auto& p : r.pods) {
        out << "  " << pad(p.name, nameWidth) << padLeft(thousands(p.requests), 10)
            << padLeft(fmt("%.1f%%", routed ? 100.0 * static_cast<double>(p.requests) / static_cast<double>(routed) : 0.0), 8)
            << padLeft(p.prefixCacheQueries > 0 ? fmt("%.1f%%", 100.0 * p.hitRate) : std::string("n/a"), 10) << padLeft(fmt("%.1f%%", 100.0 * p.meanKvCacheUsage), 10)
            << padLeft(fmt("%.1f%%", 100.0 * p.maxKvCacheUsage), 9) << padLeft(fmt("%.0f%%", 100.0 * p.busyFraction), 8)
            << padLeft(thousands(p.preemptions), 9) << '\n';
    }
    if (!r.stages.empty()) {
        // inference-perf's per-stage view: each stage over its own requests, first send to last
        // answer; the summary row is the unweighted mean of the stages (as llm-d's reports give
        // output tok/s).
        out << "\n  stage  rate/s  requests    req/s  out tok/s   TTFT mean        p50        p90  ITL ms  cached  "
               "queue  client\n";
        for (const auto& st : r.stages) {
            out << padLeft(std::to_string(st.index), 7) << padLeft(fmt("%.4g", st.rate), 8)
                << padLeft(thousands(st.requests), 10) << padLeft(fmt("%.2f", st.requestsPerS), 9)
                << padLeft(thousands(static_cast<std::int64_t>(st.outputTokensPerS + 0.5)), 11)
                << padLeft(duration(st.ttft.mean), 12) << padLeft(duration(st.ttft.p50), 11)
                << padLeft(duration(st.ttft.p90), 11) << padLeft(fmt("%.1f", 1000.0 * st.itlMean), 8)
                << padLeft(fmt("%.1f%%", 100.0 * st.cachedPromptFraction), 8) << padLeft(fmt("%.1f", st.queueDepthMean), 7)
                << padLeft(fmt("%.0f", st.clientWaitingMean), 8) << '\n';
        }
        const auto& ss = r.stageSummary;
        out << "   mean" << padLeft("", 8) << padLeft("", 10) << padLeft(fmt("%.2f", ss.requestsPerS), 9)
            << padLeft(thousands(static_cast<std::int64_t>(ss.outputTokensPerS + 0.5)), 11)
            << padLeft(duration(ss.ttftMean), 12) << padLeft("", 11) << padLeft(duration(ss.ttftP90), 11)
            << padLeft(fmt("%.1f", 1000.0 * ss.itlMean), 8) << "   (unweighted mean of " << ss.stages << " stages)\n";
    }
    if (!r.warnings.empty()) {
        out << "\n  Notes:\n";
        for (const auto& w : r.warnings)
            out << "  - " << w << '\n';
    }
    return out.str();
}

} // namespace kvroute::sim
