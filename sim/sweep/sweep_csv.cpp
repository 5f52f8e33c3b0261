#include "sim/sweep/sweep_csv.h"

#include "sim/report/results_writers.h"

#include <algorithm>

namespace kvroute::sim {

namespace {

std::string num(double v) { return csvNumber(v); }

/// A CSV field, quoted when it holds a comma, a quote or a line break (a swept stage list such
/// as [[3,20]] does).
std::string field(const std::string& text)
{
    if (text.find_first_of(",\"\r\n") == std::string::npos)
        return text;
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    return out + '"';
}

/// The swept keys' columns and repeat, seed: the start of every row of both files.
std::string header(const std::vector<SweepParameter>& parameters)
{
    std::string out;
    for (const auto& p : parameters)
        out += field(p.path) + ',';
    return out + "repeat,seed";
}

std::string pointColumns(const SweepRecord& r)
{
    std::string out;
    for (const auto& [path, value] : r.assignments)
        out += field(value) + ',';
    return out + std::to_string(r.repeat) + ',' + std::to_string(r.seed);
}

} // namespace

std::string sweepPointsCsv(const std::vector<SweepParameter>& parameters, const std::vector<SweepRecord>& records)
{
    std::string csv = header(parameters) +
                      ",hit_rate,cached_prompt_fraction,stickiness,ttft_p50_s,ttft_p90_s,ttft_p99_s,itl_p50_s,e2e_p50_s,"
                      "requests_per_s,output_tokens_per_s,preemptions,requests_completed\n";
    for (const auto& r : records) {
        csv += pointColumns(r) + ',' + num(r.hitRate) + ',' + num(r.cachedPromptFraction) + ',' + num(r.stickiness) +
               ',' + num(r.ttft.p50) + ',' + num(r.ttft.p90) + ',' + num(r.ttft.p99) + ',' + num(r.itl.p50) + ',' +
               num(r.e2e.p50) + ',' + num(r.requestsPerS) + ',' + num(r.outputTokensPerS) + ',' +
               std::to_string(r.preemptions) + ',' + std::to_string(r.requestsCompleted) + '\n';
    }
    return csv;
}

std::string sweepStagesCsv(const std::vector<SweepParameter>& parameters, const std::vector<SweepRecord>& records)
{
    if (std::ranges::all_of(records, [](const SweepRecord& r) { return r.stages.empty(); }))
        return {};
    std::string csv = header(parameters) + ",stage,rate,requests,completed,output_tokens_per_s,ttft_mean_s,ttft_p50_s,"
                                           "ttft_p90_s,itl_mean_s\n";
    for (const auto& r : records) {
        const std::string point = pointColumns(r);
        for (std::size_t i = 0; i < r.stages.size(); ++i) {
            const SweepStageRecord& s = r.stages[i];
            csv += point + ',' + std::to_string(i) + ',' + num(s.rate) + ',' + std::to_string(s.requests) + ',' +
                   std::to_string(s.completed) + ',' + num(s.outputTokensPerS) + ',' + num(s.ttft.mean) + ',' +
                   num(s.ttft.p50) + ',' + num(s.ttft.p90) + ',' + num(s.itlMean) + '\n';
        }
    }
    return csv;
}

} // namespace kvroute::sim
