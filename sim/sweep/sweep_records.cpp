#include "sim/sweep/sweep_records.h"
#include "sim/util/json_error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
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

ordered_json stagesToJson(const std::vector<SweepStageRecord>& stages)
{
    ordered_json out = ordered_json::array();
    for (const auto& st : stages) {
        out.push_back({{"rate", st.rate},
                       {"requests", st.requests},
                       {"completed", st.completed},
                       {"output_tokens_per_s", st.outputTokensPerS},
                       {"ttft_s", {{"mean", st.ttft.mean}, {"p50", st.ttft.p50}, {"p90", st.ttft.p90}}},
                       {"itl_mean_s", st.itlMean}});
    }
    return out;
}

std::vector<SweepStageRecord> stagesFrom(const nlohmann::json& j)
{
    std::vector<SweepStageRecord> stages;
    for (const auto& s : j) {
        SweepStageRecord st;
        st.rate = s.at("rate").get<double>();
        st.requests = s.at("requests").get<std::int64_t>();
        st.completed = s.at("completed").get<std::int64_t>();
        st.outputTokensPerS = s.at("output_tokens_per_s").get<double>();
        const auto& ttft = s.at("ttft_s");
        st.ttft.mean = ttft.at("mean").get<double>();
        st.ttft.p50 = ttft.at("p50").get<double>();
        st.ttft.p90 = ttft.at("p90").get<double>();
        st.itlMean = s.at("itl_mean_s").get<double>();
        stages.push_back(st);
    }
    return stages;
}

std::string cell(const char* format, double v)
{
    char buf[48];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

} // namespace

SweepRecord makeSweepRecord(const SweepPoint& point, const RunResults& r, double wallSeconds, std::string baseId,
                            const SweepGrid& grid, std::string shard)
{
    SweepRecord rec;
    rec.key = point.key();
    rec.base = std::move(baseId);
    rec.grid = grid;
    rec.gridId = sweepGridId(grid);
    rec.shard = std::move(shard);
    rec.assignments = point.assignments;
    rec.repeat = point.repeat;
    rec.seed = point.seed;
    rec.hitRate = r.hitRate;
    rec.cachedPromptFraction = r.cachedPromptFraction;
    rec.stickiness = r.stickiness;
    rec.ttft = r.ttft;
    rec.itl = r.itl;
    rec.e2e = r.e2e;
    rec.requestsPerS = r.requestsPerS;
    rec.outputTokensPerS = r.outputTokensPerS;
    rec.preemptions = r.preemptions;
    rec.requestsCompleted = r.requestsCompleted;
    rec.wallSeconds = wallSeconds;
    rec.notes = r.warnings;
    for (const StageResult& st : r.stages) {
        SweepStageRecord stage;
        stage.rate = st.rate;
        stage.requests = st.requests;
        stage.completed = st.completed;
        stage.outputTokensPerS = st.outputTokensPerS;
        // What the record keeps of the latencies, so that a record read back equals it.
        stage.ttft.mean = st.ttft.mean;
        stage.ttft.p50 = st.ttft.p50;
        stage.ttft.p90 = st.ttft.p90;
        stage.itlMean = st.itlMean;
        rec.stages.push_back(stage);
    }
    return rec;
}

std::string sweepRecordToJsonLine(const SweepRecord& r)
{
    ordered_json params = ordered_json::object();
    for (const auto& [path, value] : r.assignments)
        params[path] = value;
    const ordered_json j{{"key", r.key},
                         {"base", r.base},
                         {"params", params},
                         {"repeat", r.repeat},
                         {"seed", r.seed},
                         {"hit_rate", r.hitRate},
                         {"cached_prompt_fraction", r.cachedPromptFraction},
                         {"stickiness", r.stickiness},
                         {"ttft_s", latency(r.ttft)},
                         {"itl_s", latency(r.itl)},
                         {"e2e_s", latency(r.e2e)},
                         {"throughput", {{"requests_per_s", r.requestsPerS}, {"output_tokens_per_s", r.outputTokensPerS}}},
                         {"preemptions", r.preemptions},
                         {"requests_completed", r.requestsCompleted},
                         {"wall_time_s", r.wallSeconds},
                         {"notes", r.notes}};
    ordered_json out = j;
    if (!r.stages.empty())
        out["stages"] = stagesToJson(r.stages);
    if (r.grid) {
        ordered_json parameters = ordered_json::array();
        for (const auto& p : r.grid->parameters)
            parameters.push_back({{"path", p.path}, {"values", p.values}});
        out["grid"] = {{"id", r.gridId}, {"repeats", r.grid->repeats}, {"parameters", parameters}};
    }
    if (!r.shard.empty())
        out["shard"] = r.shard;
    return out.dump();
}

Result<SweepFile> readSweepRecords(const std::string& path)
{
    SweepFile file;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec))
        return file;
    if (std::filesystem::is_directory(path, ec))
        return fail("is a directory, not a results file", path);
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail("cannot read the file", path);
    std::string line;
    int lineNo = 0;
    std::uintmax_t offset = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        const bool terminated = !in.eof();
        const std::uintmax_t lineStart = offset;
        offset += line.size() + (terminated ? 1 : 0);
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        try {
            const auto j = ordered_json::parse(line);
            SweepRecord r;
            r.key = j.at("key").get<std::string>();
            r.base = j.value("base", std::string());
            for (const auto& [k, v] : j.at("params").items())
                r.assignments.emplace_back(k, v.get<std::string>());
            r.repeat = j.at("repeat").get<int>();
            r.seed = j.at("seed").get<std::uint64_t>();
            r.hitRate = j.at("hit_rate").get<double>();
            r.cachedPromptFraction = j.value("cached_prompt_fraction", 0.0);
            r.stickiness = j.at("stickiness").get<double>();
            r.ttft = latencyFrom(j.at("ttft_s"));
            r.itl = latencyFrom(j.at("itl_s"));
            r.e2e = latencyFrom(j.at("e2e_s"));
            r.requestsPerS = j.at("throughput").at("requests_per_s").get<double>();
            r.outputTokensPerS = j.at("throughput").at("output_tokens_per_s").get<double>();
            r.preemptions = j.at("preemptions").get<std::int64_t>();
            r.requestsCompleted = j.at("requests_completed").get<std::int64_t>();
            r.wallSeconds = j.value("wall_time_s", 0.0);
            if (const auto notes = j.find("notes"); notes != j.end())
                r.notes = notes->get<std::vector<std::string>>();
            if (const auto grid = j.find("grid"); grid != j.end()) {
                SweepGrid g;
                g.repeats = grid->at("repeats").get<int>();
                for (const auto& p : grid->at("parameters"))
                    g.parameters.push_back(
                        SweepParameter{p.at("path").get<std::string>(), p.at("values").get<std::vector<std::string>>()});
                r.gridId = grid->at("id").get<std::string>();
                r.grid = std::move(g);
            }
            r.shard = j.value("shard", std::string());
            if (const auto stages = j.find("stages"); stages != j.end())
                r.stages = stagesFrom(*stages);
            file.records.push_back(std::move(r));
            file.lastLineUnterminated = !terminated;
        } catch (const nlohmann::json::exception& e) {
            // The write of the last record was interrupted; anything else is not ours to cut.
            if (!terminated && line.starts_with(R"({"key")")) {
                file.completeBytes = lineStart;
                file.partialLine = lineNo;
                break;
            }
            return fail(std::string("not a sweep record: ") + jsonErrorText(e.what()), path + ":" + std::to_string(lineNo));
        }
    }
    return file;
}

std::string sweepNotes(const std::vector<SweepPoint>& grid, const std::vector<SweepRecord>& records)
{
    // The same note on many points is said once, with the points (in grid order) it concerns.
    std::map<std::string, std::size_t> position;
    for (const auto& p : grid)
        position.try_emplace(p.key(), position.size());
    std::vector<const SweepRecord*> ordered;
    for (const auto& r : records) {
        if (position.contains(r.key))
            ordered.push_back(&r);
    }
    std::stable_sort(ordered.begin(), ordered.end(),
                     [&](const SweepRecord* a, const SweepRecord* b) { return position[a->key] < position[b->key]; });
    std::vector<std::pair<std::string, std::vector<std::string>>> notes; // note -> points, first-seen order
    for (const SweepRecord* r : ordered) {
        std::string point;
        for (const auto& [path, value] : r->assignments)
            point += (point.empty() ? "" : " ") + path + "=" + value;
        if (r->repeat > 0)
            point += " #" + std::to_string(r->repeat);
        for (const auto& note : r->notes) {
            auto it = std::find_if(notes.begin(), notes.end(), [&](const auto& n) { return n.first == note; });
            if (it == notes.end())
                notes.emplace_back(note, std::vector<std::string>{point});
            else
                it->second.push_back(point);
        }
    }
    if (notes.empty())
        return {};
    std::ostringstream out;
    out << "\nNotes:\n";
    for (const auto& [note, points] : notes) {
        out << "- " << note << "\n  (";
        if (points.size() == ordered.size())
            out << "every point";
        else
            for (std::size_t i = 0; i < points.size(); ++i)
                out << (i ? "; " : "") << points[i];
        out << ")\n";
    }
    return out.str();
}

std::string sweepSummaryTable(const std::vector<SweepParameter>& parameters, const std::vector<SweepPoint>& grid,
                              const std::vector<SweepRecord>& records)
{
    struct Row {
        const SweepPoint* point = nullptr;
        int n = 0;
        double hit = 0, cached = 0, sticky = 0, p50 = 0, p90 = 0, tps = 0;
    };
    // One row per grid point with repeat 0; every repeat's key maps to that row.
    const auto rowKey = [](const SweepPoint& p) {
        SweepPoint first = p;
        first.repeat = 0;
        return first.key();
    };
    std::vector<Row> rows;
    std::map<std::string, std::size_t> rowOfKey;
    for (const auto& p : grid) {
        auto [it, inserted] = rowOfKey.try_emplace(rowKey(p), rows.size());
        if (inserted)
            rows.push_back(Row{&p});
        rowOfKey.try_emplace(p.key(), it->second);
    }
    for (const auto& r : records) {
        const auto it = rowOfKey.find(r.key);
        if (it == rowOfKey.end())
            continue;
        Row& row = rows[it->second];
        ++row.n;
        row.hit += r.hitRate;
        row.cached += r.cachedPromptFraction;
        row.sticky += r.stickiness;
        row.p50 += r.ttft.p50;
        row.p90 += r.ttft.p90;
        row.tps += r.outputTokensPerS;
    }
    std::ostringstream out;
    for (const auto& p : parameters)
        out << p.path << '\t';
    out << "runs\thit_rate\tcached_prompt\tstickiness\tttft_p50_s\tttft_p90_s\toutput_tok_s\n";
    for (const auto& row : rows) {
        for (const auto& [p, v] : row.point->assignments)
            out << v << '\t';
        out << row.n;
        if (row.n == 0) {
            out << "\t-\t-\t-\t-\t-\t-\n";
            continue;
        }
        const double n = row.n;
        out << '\t' << cell("%.4f", row.hit / n) << '\t' << cell("%.4f", row.cached / n) << '\t'
            << cell("%.4f", row.sticky / n) << '\t'
            << cell("%.4f", row.p50 / n) << '\t' << cell("%.4f", row.p90 / n) << '\t' << cell("%.1f", row.tps / n) << '\n';
    }
    out << sweepNotes(grid, records);
    return out.str();
}

} // namespace kvroute::sim
