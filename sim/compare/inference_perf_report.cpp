#include "sim/compare/inference_perf_report.h"

#include "sim/util/json_error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kvroute::sim {

namespace {

using nlohmann::json;

constexpr std::string_view kSummaryFile = "summary_lifecycle_metrics.json";

/// The value at a dotted `path` below `root`, or an error naming the path.
Result<const json*> at(const json& root, std::string_view path, const std::string& file)
{
    const json* node = &root;
    std::size_t begin = 0;
    while (begin <= path.size()) {
        const std::size_t end = std::min(path.find('.', begin), path.size());
        const std::string key(path.substr(begin, end - begin));
        if (!node->is_object())
            return fail("expected an object above " + std::string(path), file);
        const auto it = node->find(key);
        if (it == node->end())
            return fail("missing field " + std::string(path) + " (is this an inference-perf lifecycle metrics file?)",
                        file);
        node = &*it;
        begin = end + 1;
    }
    return node;
}

Result<double> number(const json& root, std::string_view path, const std::string& file)
{
    auto node = at(root, path, file);
    if (!node)
        return std::unexpected(node.error());
    if (!(*node)->is_number())
        return fail("field " + std::string(path) + " must be a number, got " + std::string((*node)->type_name()),
                    file);
    return (*node)->get<double>();
}

Result<std::int64_t> count(const json& root, std::string_view path, const std::string& file)
{
    auto node = at(root, path, file);
    if (!node)
        return std::unexpected(node.error());
    if (!(*node)->is_number_integer() || (*node)->get<std::int64_t>() < 0)
        return fail("field " + std::string(path) + " must be a count (an integer of 0 or more)", file);
    return (*node)->get<std::int64_t>();
}

/// A summarize() block: null (no samples) or an object with mean, median and p90.
Result<MeasuredLatency> latency(const json& root, std::string_view path, const std::string& file)
{
    auto node = at(root, path, file);
    if (!node)
        return std::unexpected(node.error());
    MeasuredLatency out;
    if ((*node)->is_null())
        return out;
    if (!(*node)->is_object())
        return fail("field " + std::string(path) + " must be an object or null", file);
    for (const auto& [key, target] : {std::pair{".mean", &out.mean}, std::pair{".median", &out.median},
                                      std::pair{".p90", &out.p90}}) {
        auto value = number(root, std::string(path) + key, file);
        if (!value)
            return std::unexpected(value.error());
        *target = *value;
    }
    return out;
}

Result<std::string> readText(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail("cannot open the file", path);
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad())
        return fail("cannot read the file", path);
    return text.str();
}

} // namespace

std::optional<int> stageFileId(std::string_view name)
{
    constexpr std::string_view prefix = "stage_";
    constexpr std::string_view suffix = "_lifecycle_metrics.json";
    if (!name.starts_with(prefix) || !name.ends_with(suffix) || name.size() <= prefix.size() + suffix.size())
        return std::nullopt;
    const std::string_view digits = name.substr(prefix.size(), name.size() - prefix.size() - suffix.size());
    int id = 0;
    const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), id);
    if (ec != std::errc() || ptr != digits.data() + digits.size() || id < 0)
        return std::nullopt;
    return id;
}

Result<MeasuredStage> parseLifecycleMetrics(std::string_view text, const std::string& file)
{
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {
        return fail("not valid JSON: " + jsonErrorText(e.what()), file);
    }
    if (!doc.is_object())
        return fail("expected a JSON object (inference-perf's lifecycle metrics), got " +
                        std::string(doc.type_name()),
                    file);
    MeasuredStage s;
    s.file = file;
#define KVROUTE_READ(target, expr)                                                                 \
    do {                                                                                           \
        auto kvrouteValue = (expr);                                                                \
        if (!kvrouteValue)                                                                         \
            return std::unexpected(kvrouteValue.error());                                          \
        (target) = *kvrouteValue;                                                                  \
    } while (false)
    KVROUTE_READ(s.requests, count(doc, "load_summary.count", file));
    if (doc.at("load_summary").contains("requested_rate"))
        KVROUTE_READ(s.requestedRate, number(doc, "load_summary.requested_rate", file));
    if (doc.at("load_summary").contains("achieved_rate"))
        KVROUTE_READ(s.achievedRate, number(doc, "load_summary.achieved_rate", file));
    KVROUTE_READ(s.successes, count(doc, "successes.count", file));
    KVROUTE_READ(s.failures, count(doc, "failures.count", file));
    KVROUTE_READ(s.outputTokensPerS, number(doc, "successes.throughput.output_tokens_per_sec", file));
    KVROUTE_READ(s.requestsPerS, number(doc, "successes.throughput.requests_per_sec", file));
    KVROUTE_READ(s.ttft, latency(doc, "successes.latency.time_to_first_token", file));
    KVROUTE_READ(s.itl, latency(doc, "successes.latency.inter_token_latency", file));
#undef KVROUTE_READ
    return s;
}

std::optional<std::string> summaryMismatch(const MeasuredReport& report)
{
    if (!report.summary)
        return std::nullopt;
    std::int64_t requests = 0;
    std::int64_t successes = 0;
    std::int64_t failures = 0;
    std::string ids;
    for (const MeasuredStage& s : report.stages) {
        requests += s.requests;
        successes += s.successes;
        failures += s.failures;
        ids += (ids.empty() ? "" : ", ") + std::to_string(s.stageId);
    }
    const MeasuredStage& m = *report.summary;
    if (m.requests == requests && m.successes == successes && m.failures == failures)
        return std::nullopt;
    const auto counts = [](std::int64_t all, std::int64_t ok, std::int64_t failed) {
        return std::to_string(all) + " requests (" + std::to_string(ok) + " successful, " + std::to_string(failed) +
               " failed)";
    };
    return m.file + ": the summary pools " + counts(m.requests, m.successes, m.failures) + " but the stage file" +
           (report.stages.size() == 1 ? "" : "s") + " read with it (stage" + (report.stages.size() == 1 ? " " : "s ") +
           ids + (report.stages.size() == 1 ? ") holds " : ") hold ") + counts(requests, successes, failures) +
           ": a stage file is missing (the summary pools every stage, the warm-up included) or the summary is of "
           "another run; the pooled row compares the summary as it is";
}

Result<MeasuredReport> readInferencePerfReport(const std::vector<std::string>& paths)
{
    namespace fs = std::filesystem;
    std::vector<std::pair<std::string, std::optional<int>>> files; // (path, stage id or summary)
    for (const std::string& path : paths) {
        std::error_code ec;
        if (fs::is_directory(path, ec)) {
            std::vector<fs::path> entries;
            for (const auto& entry : fs::directory_iterator(path, ec))
                entries.push_back(entry.path());
            if (ec)
                return fail("cannot list the report directory: " + ec.message(), path);
            std::ranges::sort(entries);
            bool any = false;
            for (const auto& entry : entries) {
                const std::string name = entry.filename().string();
                if (const auto id = stageFileId(name)) {
                    files.emplace_back(entry.string(), id);
                    any = true;
                } else if (name == kSummaryFile) {
                    files.emplace_back(entry.string(), std::nullopt);
                }
            }
            if (!any)
                return fail("no stage_N_lifecycle_metrics.json in this directory (inference-perf writes them with "
                            "report.request_lifecycle.per_stage: true)",
                            path);
            continue;
        }
        if (!fs::exists(path, ec))
            return fail("no such report file or directory", path);
        const std::string name = fs::path(path).filename().string();
        if (const auto id = stageFileId(name))
            files.emplace_back(path, id);
        else if (name == kSummaryFile)
            files.emplace_back(path, std::nullopt);
        else
            return fail("not an inference-perf result file: expected stage_N_lifecycle_metrics.json or " +
                            std::string(kSummaryFile) + " (or a report directory)",
                        path);
    }
    MeasuredReport report;
    for (const auto& [path, id] : files) {
        auto text = readText(path);
        if (!text)
            return std::unexpected(text.error());
        auto stage = parseLifecycleMetrics(*text, path);
        if (!stage)
            return std::unexpected(stage.error());
        if (!id) {
            if (report.summary)
                return fail("a second summary file (the first: " + report.summary->file + ")", path);
            report.summary = std::move(*stage);
            continue;
        }
        stage->stageId = *id;
        const auto clash = std::ranges::find(report.stages, *id, &MeasuredStage::stageId);
        if (clash != report.stages.end())
            return fail("stage " + std::to_string(*id) + " is given twice (also " + clash->file + ")", path);
        report.stages.push_back(std::move(*stage));
    }
    if (report.stages.empty())
        return fail("no stage files given: name a report directory or stage_N_lifecycle_metrics.json files");
    std::ranges::sort(report.stages, {}, &MeasuredStage::stageId);
    return report;
}

} // namespace kvroute::sim
