#include "sim/compare/report_comparison.h"

#include "sim/workload/distribution.h"

#include <algorithm>
#include <cmath>

namespace kvroute::sim {

namespace {

/// Relative gap beyond which a stage's offered rate is said to differ.
constexpr double kRateTolerance = 1e-6;

ComparedValue compared(std::optional<double> measured, std::optional<double> simulated)
{
    return ComparedValue{measured, simulated};
}

/// The mean of `values` that are present on both sides, side by side; nullopt when none.
ComparedValue meanOf(const std::vector<StageComparison>& stages, ComparedValue StageComparison::*field)
{
    double measured = 0.0;
    double simulated = 0.0;
    int n = 0;
    for (const auto& s : stages) {
        const ComparedValue& v = s.*field;
        if (!v.measured || !v.simulated)
            continue;
        measured += *v.measured;
        simulated += *v.simulated;
        ++n;
    }
    if (n == 0)
        return {};
    return {measured / n, simulated / n};
}

StageComparison compareOne(const MeasuredStage& m, const StageResult* s, bool halveItl)
{
    StageComparison c;
    c.stage = m.stageId;
    c.measuredRate = m.requestedRate;
    c.itlHalved = halveItl;
    const bool simHasAnswers = s && s->completed > 0;
    const auto sim = [&](double value) { return simHasAnswers ? std::optional<double>(value) : std::nullopt; };
    if (s)
        c.simulatedRate = s->rate;
    c.outputTokensPerS = compared(m.successes > 0 ? std::optional<double>(m.outputTokensPerS) : std::nullopt,
                                  sim(s ? s->outputTokensPerS : 0.0));
    c.ttftMean = compared(m.ttft.mean, sim(s ? s->ttft.mean : 0.0));
    c.ttftP50 = compared(m.ttft.median, sim(s ? s->ttft.p50 : 0.0));
    c.ttftP90 = compared(m.ttft.p90, sim(s ? s->ttft.p90 : 0.0));
    c.itlMean = compared(m.itl.mean, sim(s ? (halveItl ? s->itlMean / 2.0 : s->itlMean) : 0.0));
    c.requests = compared(static_cast<double>(m.successes),
                          s ? std::optional<double>(static_cast<double>(s->completed)) : std::nullopt);
    return c;
}

} // namespace

std::optional<double> ComparedValue::relDiff() const
{
    if (!measured || !simulated || *measured == 0.0)
        return std::nullopt;
    return *simulated / *measured - 1.0;
}

bool itlCountsBlankLines(const MeasuredLatency& itl)
{
    return itl.median && itl.mean && *itl.median < 1e-3 && *itl.mean > 10.0 * *itl.median;
}

ReportComparison compareReport(const MeasuredReport& measured, const RunResults& simulated)
{
    ReportComparison out;
    out.itlBlankLines = std::ranges::any_of(measured.stages, [](const MeasuredStage& m) {
        return itlCountsBlankLines(m.itl);
    });
    if (out.itlBlankLines)
        out.notes.push_back(
            "the report's inter-token latency has a median under 1 ms and a mean far above it: inference-perf "
            "v0.2.0 timestamps the blank line after every streamed event too (apis/completion.py 52-55), so "
            "half its gaps are ~0 and its ITL mean is about half the real one; the simulated ITL is halved "
            "to compare (marked ½)");
    if (auto mismatch = summaryMismatch(measured))
        out.warnings.push_back(std::move(*mismatch));
    if (simulated.stages.empty())
        out.warnings.push_back("the simulation has no load stages (use workload.type inference-perf or "
                               "shared-prefix); only the pooled figures can be compared");
    if (measured.stages.size() != simulated.stages.size() && !simulated.stages.empty())
        out.warnings.push_back("the report has " + std::to_string(measured.stages.size()) + " stage file" +
                               (measured.stages.size() == 1 ? "" : "s") + ", the simulation " +
                               std::to_string(simulated.stages.size()) + " stages; comparing the stages both have");
    for (const MeasuredStage& m : measured.stages) {
        const auto it = std::ranges::find(simulated.stages, m.stageId, &StageResult::index);
        if (it == simulated.stages.end()) {
            if (!simulated.stages.empty())
                out.warnings.push_back("stage " + std::to_string(m.stageId) + " (" + m.file +
                                       ") has no simulated stage; skipped");
            continue;
        }
        if (m.requestedRate && std::abs(*m.requestedRate - it->rate) > kRateTolerance * std::max(1.0, it->rate))
            out.warnings.push_back("stage " + std::to_string(m.stageId) + ": the report's requested rate " +
                                   formatNumber(*m.requestedRate) + "/s differs from the simulated " +
                                   formatNumber(it->rate) + "/s");
        if (m.successes == 0)
            out.warnings.push_back("stage " + std::to_string(m.stageId) + " (" + m.file +
                                   "): no successful request in the report, so its latency summaries are null");
        if (it->completed == 0)
            out.warnings.push_back("stage " + std::to_string(m.stageId) + ": no simulated request completed");
        out.stages.push_back(compareOne(m, &*it, itlCountsBlankLines(m.itl)));
    }
    out.summary.stage = -1;
    out.summary.outputTokensPerS = meanOf(out.stages, &StageComparison::outputTokensPerS);
    out.summary.ttftMean = meanOf(out.stages, &StageComparison::ttftMean);
    out.summary.ttftP50 = meanOf(out.stages, &StageComparison::ttftP50);
    out.summary.ttftP90 = meanOf(out.stages, &StageComparison::ttftP90);
    out.summary.itlMean = meanOf(out.stages, &StageComparison::itlMean);
    out.summary.requests = meanOf(out.stages, &StageComparison::requests);
    out.summary.itlHalved = out.itlBlankLines;

    if (measured.summary) {
        // The summary file pools every request of every stage, warm-up included.
        const MeasuredStage& m = *measured.summary;
        const bool halve = itlCountsBlankLines(m.itl);
        StageComparison p;
        p.stage = -1;
        p.itlHalved = halve;
        const bool any = simulated.requestsCompleted > 0;
        const auto sim = [&](double v) { return any ? std::optional<double>(v) : std::nullopt; };
        p.outputTokensPerS = compared(m.successes > 0 ? std::optional<double>(m.outputTokensPerS) : std::nullopt,
                                      sim(simulated.outputTokensPerS));
        p.ttftMean = compared(m.ttft.mean, sim(simulated.ttft.mean));
        p.ttftP50 = compared(m.ttft.median, sim(simulated.ttft.p50));
        p.ttftP90 = compared(m.ttft.p90, sim(simulated.ttft.p90));
        p.itlMean = compared(m.itl.mean, sim(halve ? simulated.itl.mean / 2.0 : simulated.itl.mean));
        p.requests = compared(static_cast<double>(m.successes), static_cast<double>(simulated.requestsCompleted));
        out.pooled = p;
    }
    return out;
}

} // namespace kvroute::sim
