// The text table and the JSON of a ReportComparison.

#include "sim/compare/report_comparison.h"

#include "sim/workload/distribution.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace kvroute::sim {

namespace {

using nlohmann::ordered_json;

std::string fixed(double value, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
    return buffer;
}

std::string side(const std::optional<double>& v, int decimals)
{
    return v ? fixed(*v, decimals) : std::string("—");
}

/// "measured → simulated (+d%)", with "½" after a halved simulated ITL.
std::string cell(const ComparedValue& v, int decimals, bool halved = false)
{
    std::string out = side(v.measured, decimals);
    out += " → ";
    out += side(v.simulated, decimals);
    if (halved && v.simulated)
        out += "½";
    if (const auto d = v.relDiff()) {
        out += " (";
        out += *d >= 0 ? "+" : "";
        out += fixed(100.0 * *d, 1);
        out += "%)";
    }
    return out;
}

std::string rateCell(const StageComparison& s)
{
    if (s.simulatedRate && s.measuredRate && std::abs(*s.simulatedRate - *s.measuredRate) > 1e-9)
        return formatNumber(*s.measuredRate) + "≠" + formatNumber(*s.simulatedRate);
    if (s.simulatedRate)
        return formatNumber(*s.simulatedRate);
    return s.measuredRate ? formatNumber(*s.measuredRate) : std::string("—");
}

std::vector<std::string> row(const std::string& label, const std::string& rate, const StageComparison& s)
{
    return {label,
            rate,
            cell(s.outputTokensPerS, 1),
            cell(s.ttftMean, 3),
            cell(s.ttftP50, 3),
            cell(s.ttftP90, 3),
            cell(s.itlMean, 4, s.itlHalved),
            cell(s.requests, 0)};
}

/// Display width: UTF-8 continuation bytes take no column.
std::size_t width(const std::string& text)
{
    return static_cast<std::size_t>(
        std::ranges::count_if(text, [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

ordered_json valueJson(const ComparedValue& v)
{
    ordered_json out;
    out["measured"] = v.measured ? ordered_json(*v.measured) : ordered_json(nullptr);
    out["simulated"] = v.simulated ? ordered_json(*v.simulated) : ordered_json(nullptr);
    const auto d = v.relDiff();
    out["rel_diff"] = d ? ordered_json(*d) : ordered_json(nullptr);
    return out;
}

ordered_json stageJson(const StageComparison& s)
{
    ordered_json out;
    if (s.stage >= 0)
        out["stage"] = s.stage;
    if (s.stage >= 0 || s.measuredRate || s.simulatedRate) {
        out["rate"] = {{"measured", s.measuredRate ? ordered_json(*s.measuredRate) : ordered_json(nullptr)},
                       {"simulated", s.simulatedRate ? ordered_json(*s.simulatedRate) : ordered_json(nullptr)}};
    }
    out["output_tokens_per_s"] = valueJson(s.outputTokensPerS);
    out["ttft_mean_s"] = valueJson(s.ttftMean);
    out["ttft_p50_s"] = valueJson(s.ttftP50);
    out["ttft_p90_s"] = valueJson(s.ttftP90);
    out["itl_mean_s"] = valueJson(s.itlMean);
    out["itl_simulated_halved"] = s.itlHalved;
    out["requests"] = valueJson(s.requests);
    return out;
}

} // namespace

std::string comparisonText(const ReportComparison& c)
{
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"stage", "rate/s", "output tok/s", "TTFT mean (s)", "TTFT p50 (s)", "TTFT p90 (s)",
                    "ITL mean (s)", "requests"});
    for (const auto& s : c.stages)
        rows.push_back(row(std::to_string(s.stage), rateCell(s), s));
    if (!c.stages.empty())
        rows.push_back(row("mean", "", c.summary));
    if (c.pooled)
        rows.push_back(row("pooled", "", *c.pooled));
    std::vector<std::size_t> widths(rows.front().size(), 0);
    for (const auto& r : rows)
        for (std::size_t i = 0; i < r.size(); ++i)
            widths[i] = std::max(widths[i], width(r[i]));
    std::string out = "measured → simulated (simulated ÷ measured − 1)\n";
    for (const auto& r : rows) {
        std::string line;
        for (std::size_t i = 0; i < r.size(); ++i) {
            if (i > 0)
                line += "  ";
            const std::size_t pad = widths[i] - width(r[i]);
            // Numbers right-aligned, the label column left-aligned.
            if (i == 0)
                line += r[i] + std::string(pad, ' ');
            else
                line += std::string(pad, ' ') + r[i];
        }
        while (!line.empty() && line.back() == ' ')
            line.pop_back();
        out += line + '\n';
    }
    if (!c.stages.empty())
        out += "mean: the unweighted mean of the stages above (llm-d's summary across QPS)\n";
    if (c.pooled)
        out += "pooled: inference-perf's summary_lifecycle_metrics.json (every stage, warm-up included) beside the "
               "whole simulated run\n";
    for (const auto& note : c.notes)
        out += "note: " + note + '\n';
    for (const auto& warning : c.warnings)
        out += "warning: " + warning + '\n';
    return out;
}

std::string comparisonJson(const ReportComparison& c, const std::string& scenario,
                           const std::vector<std::string>& reportFiles)
{
    ordered_json stages = ordered_json::array();
    for (const auto& s : c.stages)
        stages.push_back(stageJson(s));
    ordered_json doc;
    doc["scenario"] = scenario;
    doc["report"] = reportFiles;
    doc["stages"] = stages;
    doc["summary"] = stageJson(c.summary);
    doc["summary"]["stages"] = c.stages.size();
    doc["pooled"] = c.pooled ? stageJson(*c.pooled) : ordered_json(nullptr);
    doc["itl_counts_blank_lines"] = c.itlBlankLines;
    doc["notes"] = c.notes;
    doc["warnings"] = c.warnings;
    return doc.dump(2);
}

} // namespace kvroute::sim
