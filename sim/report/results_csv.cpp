#include "sim/report/results_writers.h"

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace kvroute::sim {

std::string csvNumber(double value)
{
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", value);
    return buf;
}

namespace {

std::string num(double v) { return csvNumber(v); }

Result<std::ofstream> open(const std::filesystem::path& path)
{
    std::ofstream out(path);
    if (!out)
        return fail("cannot write the file", path.string());
    return out;
}

} // namespace

Result<void> writeResultsCsv(const RunResults& r, const std::string& directory)
{
    std::error_code ec;
    std::filesystem::create_directories(directory, ec);
    if (ec)
        return fail("cannot create the directory: " + ec.message(), directory);
    const std::filesystem::path dir(directory);

    auto summary = open(dir / "summary.csv");
    if (!summary)
        return std::unexpected(summary.error());
    *summary << "metric,value\n"
             << "hit_rate," << num(r.hitRate) << "\ncached_prompt_fraction," << num(r.cachedPromptFraction)
             << "\nstickiness," << num(r.stickiness) << "\nrequests_completed,"
             << r.requestsCompleted << "\nrequests_rejected," << r.requestsRejected
             << "\nrequests_unroutable," << r.requestsUnroutable << "\nrequests_unfinished,"
             << r.requestsUnfinished << "\npreemptions," << r.preemptions << "\nrequests_per_s," << num(r.requestsPerS)
             << "\noutput_tokens_per_s," << num(r.outputTokensPerS) << '\n';
    const std::pair<const char*, const LatencySummary*> latencies[] = {
        {"ttft_s", &r.ttft}, {"itl_s", &r.itl}, {"e2e_s", &r.e2e}, {"queue_s", &r.queue}};
    for (const auto& [name, s] : latencies) {
        *summary << name << "_mean," << num(s->mean) << '\n' << name << "_p50," << num(s->p50) << '\n'
                 << name << "_p90," << num(s->p90) << '\n' << name << "_p99," << num(s->p99) << '\n';
    }

    auto pods = open(dir / "pods.csv");
    if (!pods)
        return std::unexpected(pods.error());
    *pods << "name,requests,completed,hit_rate,prefix_cache_queries,prefix_cache_hits,preemptions,mean_kv_cache_usage,"
             "max_kv_cache_usage,busy_fraction\n";
    for (const auto& p : r.pods) {
        *pods << p.name << ',' << p.requests << ',' << p.completed << ',' << num(p.hitRate) << ',' << p.prefixCacheQueries
              << ',' << p.prefixCacheHits << ',' << p.preemptions << ',' << num(p.meanKvCacheUsage) << ','
              << num(p.maxKvCacheUsage) << ',' << num(p.busyFraction) << '\n';
    }

    auto series = open(dir / "timeseries.csv");
    if (!series)
        return std::unexpected(series.error());
    *series << "t,hit_rate,cumulative_hit_rate,first_tokens,ttft_mean,ttft_p90,requests_per_s,output_tokens_per_s";
    for (const auto& p : r.pods)
        *series << ',' << p.name << ":hit_rate," << p.name << ":kv_cache_usage," << p.name << ":waiting," << p.name
                << ":running";
    *series << '\n';
    for (const auto& t : r.timeseries) {
        *series << num(t.t) << ',' << num(t.hitRate) << ',' << num(t.cumulativeHitRate) << ',' << t.firstTokens << ','
                << num(t.ttftMean) << ',' << num(t.ttftP90) << ',' << num(t.requestsPerS) << ','
                << num(t.outputTokensPerS);
        for (std::size_t i = 0; i < t.podHitRate.size(); ++i)
            *series << ',' << num(t.podHitRate[i]) << ',' << num(t.podKvCacheUsage[i]) << ',' << t.podWaiting[i] << ','
                    << t.podRunning[i];
        *series << '\n';
    }
    return {};
}

} // namespace kvroute::sim
