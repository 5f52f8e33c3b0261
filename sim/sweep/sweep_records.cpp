#include "sim/sweep/sweep_records.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace kvroute::sim {

namespace {

using nlohmann::ordered_json;

ordered_json latency(const LatencySummary& s)
{
    return ordered_json{{"mean", s.mean}, {"p50", s.p50}, {"p90", s.p90}, {"p99", s.p99}};
}

LatencySummary latencyFrom(const nlohmann::json& j)
{
    LatencySummary s;
    s.mean = j.at("mean").get<double>();
    s.p50 = j.at("p50").get<double>();
    s.p90 = j.at("p90").get<double>();
    s.p99 = j.at("p99").get<double>();
    return s;
}

std::string cell(const char* format, double v)
{
    char buf[48];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

} // namespace

SweepRecord makeSweepRecord(const SweepPoint& point, const RunResults& r, double wallSeconds)
{
    SweepRecord rec;
    rec.key = point.key();
    rec.assignments = point.assignments;
    rec.repeat = point.repeat;
    rec.seed = point.seed;
    rec.hitRate = r.hitRate;
    rec.stickiness = r.stickiness;
    rec.ttft = r.ttft;
    rec.itl = r.itl;
    rec.e2e = r.e2e;
    rec.requestsPerS = r.requestsPerS;
    rec.outputTokensPerS = r.outputTokensPerS;
    rec.preemptions = r.preemptions;
    rec.requestsCompleted = r.requestsCompleted;
    rec.wallSeconds = wallSeconds;
    return rec;
}

std::string sweepRecordToJsonLine(const SweepRecord& r)
{
    ordered_json params = ordered_json::object();
    for (const auto& [path, value] : r.assignments)
        params[path] = value;
    const ordered_json j{{"key", r.key},
                         {"params", params},
                         {"repeat", r.repeat},
                         {"seed", r.seed},
                         {"hit_rate", r.hitRate},
                         {"stickiness", r.stickiness},
                         {"ttft_s", latency(r.ttft)},
                         {"itl_s", latency(r.itl)},
                         {"e2e_s", latency(r.e2e)},
                         {"throughput", {{"requests_per_s", r.requestsPerS}, {"output_tokens_per_s", r.outputTokensPerS}}},
                         {"preemptions", r.preemptions},
                         {"requests_completed", r.requestsCompleted},
                         {"wall_time_s", r.wallSeconds}};
    return j.dump();
}

Result<std::vector<SweepRecord>> readSweepRecords(const std::string& path)
{
    std::vector<SweepRecord> out;
    if (!std::filesystem::exists(path))
        return out;
    std::ifstream in(path);
    if (!in)
        return fail("cannot read the file", path);
    std::string line;
    int lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        try {
            const auto j = nlohmann::json::parse(line);
            SweepRecord r;
            r.key = j.at("key").get<std::string>();
            for (const auto& [k, v] : j.at("params").items())
                r.assignments.emplace_back(k, v.get<std::string>());
            r.repeat = j.at("repeat").get<int>();
            r.seed = j.at("seed").get<std::uint64_t>();
            r.hitRate = j.at("hit_rate").get<double>();
            r.stickiness = j.at("stickiness").get<double>();
            r.ttft = latencyFrom(j.at("ttft_s"));
            r.itl = latencyFrom(j.at("itl_s"));
            r.e2e = latencyFrom(j.at("e2e_s"));
            r.requestsPerS = j.at("throughput").at("requests_per_s").get<double>();
            r.outputTokensPerS = j.at("throughput").at("output_tokens_per_s").get<double>();
            r.preemptions = j.at("preemptions").get<std::int64_t>();
            r.requestsCompleted = j.at("requests_completed").get<std::int64_t>();
            r.wallSeconds = j.value("wall_time_s", 0.0);
            out.push_back(std::move(r));
        } catch (const nlohmann::json::exception& e) {
            return fail(std::string("not a sweep record: ") + e.what(), path + ":" + std::to_string(lineNo));
        }
    }
    return out;
}

std::string sweepSummaryTable(const std::vector<SweepParameter>& parameters, const std::vector<SweepRecord>& records)
{
    struct Row {
        std::vector<std::pair<std::string, std::string>> assignments;
        int n = 0;
        double hit = 0, sticky = 0, p50 = 0, p90 = 0, tps = 0;
    };
    std::vector<Row> rows;
    std::map<std::string, std::size_t> index;
    for (const auto& r : records) {
        std::string k;
        for (const auto& [p, v] : r.assignments)
            k += p + "=" + v + ";";
        auto [it, inserted] = index.try_emplace(k, rows.size());
        if (inserted)
            rows.push_back(Row{r.assignments});
        Row& row = rows[it->second];
        ++row.n;
        row.hit += r.hitRate;
        row.sticky += r.stickiness;
        row.p50 += r.ttft.p50;
        row.p90 += r.ttft.p90;
        row.tps += r.outputTokensPerS;
    }
    std::ostringstream out;
    for (const auto& p : parameters)
        out << p.path << '\t';
    out << "runs\thit_rate\tstickiness\tttft_p50_s\tttft_p90_s\toutput_tok_s\n";
    for (const auto& row : rows) {
        for (const auto& [p, v] : row.assignments)
            out << v << '\t';
        const double n = row.n;
        out << row.n << '\t' << cell("%.4f", row.hit / n) << '\t' << cell("%.4f", row.sticky / n) << '\t'
            << cell("%.4f", row.p50 / n) << '\t' << cell("%.4f", row.p90 / n) << '\t' << cell("%.1f", row.tps / n) << '\n';
    }
    return out.str();
}

} // namespace kvroute::sim
