#include "cluster/live/live_compare.h"

#include "cluster/http/http_get.h"
#include "cluster/prometheus/prometheus_client.h"
#include "cluster/prometheus/promql.h"
#include "sim/fleet/cluster_run.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <sstream>
#include <thread>

namespace kvroute::cluster {

namespace {

/// Per-pod counter values at one instant.
struct Counters {
    std::map<std::string, double> hits, queries, requests, preemptions;
    double followUps = 0, followUpsSamePod = 0;
    std::map<double, double> ttftBuckets; ///< le → cumulative count, all pods
};

double total(const std::map<std::string, double>& m)
{
    double sum = 0;
    for (const auto& [k, v] : m)
        sum += v;
    return sum;
}

PrometheusResult<Counters> prometheusCounters(PrometheusClient& client, const LiveSelector& selector, double at)
{
    Counters c;
    const std::pair<const char*, std::map<std::string, double>*> perPod[] = {{promql::kHitsCounter, &c.hits},
                                                                             {promql::kQueriesCounter, &c.queries},
                                                                             {promql::kRequestsCounter, &c.requests},
                                                                             {promql::kPreemptionsCounter, &c.preemptions}};
    for (const auto& [counter, into] : perPod) {
        auto samples = client.query(promql::podCounter(selector, counter), at);
        if (!samples)
            return std::unexpected(samples.error());
        for (const auto& s : *samples)
            (*into)[s.labels.contains(selector.podLabel) ? s.labels.at(selector.podLabel) : std::string()] = s.value;
    }
    auto buckets = client.query("sum by (le) (" + std::string("vllm:time_to_first_token_seconds_bucket") +
                                    selectorText(selector) + ")",
                                at);
    if (!buckets)
        return std::unexpected(buckets.error());
    for (const auto& b : *buckets)
        if (const auto le = b.labels.find("le"); le != b.labels.end())
            c.ttftBuckets[le->second == "+Inf" ? HUGE_VAL : std::strtod(le->second.c_str(), nullptr)] = b.value;
    for (const auto& [counter, into] : {std::pair{"kvroute_gateway_follow_ups_total", &c.followUps},
                                        std::pair{"kvroute_gateway_follow_ups_same_pod_total", &c.followUpsSamePod}}) {
        auto samples = client.query(std::string("sum(") + counter + ")", at);
        if (!samples)
            return std::unexpected(samples.error());
        *into = samples->empty() ? 0 : samples->front().value;
    }
    return c;
}

/// The pods' own counters, read from each pod's /metrics (the truth Prometheus scrapes).
Result<Counters> podCounters(const StackState& state)
{
    Counters c;
    for (const auto& p : state.processes) {
        if (p.role != "pod")
            continue;
        const auto [status, body] = httpGet(p.url + "/metrics", 5000);
        if (status != 200)
            return fail("pod " + p.name + " did not answer /metrics (HTTP " + std::to_string(status) + ")", p.url);
        std::istringstream lines(body);
        std::string line;
        while (std::getline(lines, line)) {
            const auto take = [&](const char* metric, std::map<std::string, double>& into) {
                const std::string m = metric;
                if (line.compare(0, m.size(), m) == 0 && line.size() > m.size() && (line[m.size()] == '{' || line[m.size()] == ' '))
                    into[p.name] += std::strtod(line.c_str() + line.rfind(' ') + 1, nullptr);
            };
            take(promql::kHitsCounter, c.hits);
            take(promql::kQueriesCounter, c.queries);
            take(promql::kRequestsCounter, c.requests);
            take(promql::kPreemptionsCounter, c.preemptions);
        }
    }
    return c;
}

/// A quantile of the observations between two snapshots of a cumulative histogram, interpolated
/// linearly inside its bucket as Prometheus's histogram_quantile does; also that bucket's bounds.
struct BucketQuantile {
    double value = std::nan("");
    double lower = 0;
    double upper = 0;
};

BucketQuantile histogramQuantile(const std::map<double, double>& after, const std::map<double, double>& before, double q)
{
    std::vector<std::pair<double, double>> cumulative; // (le, count in the run)
    for (const auto& [le, n] : after) {
        const auto b = before.find(le);
        cumulative.emplace_back(le, n - (b == before.end() ? 0.0 : b->second));
    }
    if (cumulative.empty() || cumulative.back().second <= 0)
        return {};
    const double rank = q * cumulative.back().second;
    double lower = 0, below = 0;
    for (const auto& [le, n] : cumulative) {
        if (n >= rank) {
            if (std::isinf(le)) // beyond the last finite bucket: Prometheus answers its bound
                return {lower, lower, le};
            return {lower + (le - lower) * (n > below ? (rank - below) / (n - below) : 1.0), lower, le};
        }
        lower = le;
        below = n;
    }
    return {};
}

double ratio(double num, double den)
{
    return den > 0 ? num / den : std::nan("");
}

std::optional<double> known(double v)
{
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

void judge(CompareRow& row)
{
    if (!row.live || !row.simulated)
        row.verdict = "n/a";
    else
        row.verdict = std::abs(*row.live - *row.simulated) <= row.tolerance + 1e-12 ? "agrees" : "differs";
}

CompareRow absoluteRow(std::string measure, std::string pod, std::string unit, std::optional<double> live,
                       std::optional<double> simulated, double tolerance, std::string source)
{
    char text[32];
    std::snprintf(text, sizeof text, "±%g", tolerance);
    CompareRow row{std::move(measure), std::move(pod), std::move(unit), live, simulated, tolerance, text, {}, std::move(source)};
    judge(row);
    return row;
}

/// Tolerance relative to the simulated value, with a floor for values near zero.
CompareRow relativeRow(std::string measure, std::string unit, std::optional<double> live, std::optional<double> simulated,
                       double fraction, double floor, std::string source)
{
    const double tolerance = std::max(floor, simulated ? fraction * std::abs(*simulated) : floor);
    char text[64];
    std::snprintf(text, sizeof text, "±%g %%, at least %g", fraction * 100, floor);
    CompareRow row{std::move(measure), {}, std::move(unit), live, simulated, tolerance, text, {}, std::move(source)};
    judge(row);
    return row;
}

double unixNow()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

Result<void> checkCompareOptions(const CompareOptions& options)
{
    if (!(options.durationSeconds >= 0.0 && options.durationSeconds <= 1e6))
        return fail("must be between 0 (the scenario's duration) and 1000000 seconds", "--duration");
    if (options.maxInflight < 0)
        return fail("must be at least 1 (0 = the scenario's workload.client.max_in_flight)", "--max-inflight");
    return {};
}

Result<void> checkOverridesForRunningStack(const std::vector<std::string>& overrides)
{
    for (const auto& o : overrides) {
        const std::string key = o.substr(0, o.find('='));
        const bool workloadSide = key == "duration" || key == "drain_limit" || key == "sample_interval" || key == "name" ||
                                  key == "description" || key.rfind("workload.", 0) == 0 || key == "workload";
        if (!workloadSide)
            return fail("'" + key +
                            "' changes what the running stack's pods or gateway do; on a running stack only the workload "
                            "may change (workload.*, duration, drain_limit, sample_interval). Bring up a new stack with it "
                            "(`kvroute live compare SCENARIO --set " + o + " --up`)",
                        "--set");
    }
    return {};
}

Result<CompareReport> compareLive(const sim::Scenario& scenarioIn, const StackState& state, const CompareOptions& options)
{
    sim::Scenario scenario = scenarioIn;
    if (auto valid = checkCompareOptions(options); !valid)
        return std::unexpected(valid.error());
    if (options.durationSeconds > 0)
        scenario.run.duration = sim::fromSeconds(options.durationSeconds);
    auto setup = sim::prepareRun(scenario);
    if (!setup)
        return std::unexpected(setup.error());
    if (state.gatewayUrl.empty() || state.prometheusUrl.empty())
        return fail("the stack's state names no gateway or Prometheus", state.dir);
    std::vector<std::string> podNames;
    for (const auto& p : state.processes)
        if (p.role == "pod")
            podNames.push_back(p.name);
    if (static_cast<int>(podNames.size()) != scenario.cluster.pods)
        return fail("the stack runs " + std::to_string(podNames.size()) + " pods but the scenario has " +
                        std::to_string(scenario.cluster.pods) + "; compare the scenario the stack was brought up with",
                    state.dir);

    CompareReport report;
    report.scenario = scenario.name;
    report.stackDir = state.dir;
    report.prometheusUrl = state.prometheusUrl;
    report.durationSeconds = sim::toSeconds(scenario.run.duration);
    report.timeScale = state.timeScale;

    PrometheusClient prometheus(PrometheusEndpoint{state.prometheusUrl, {}, {}, true, 10});
    const LiveSelector selector; // the local stack labels each pod target `pod`
    auto before = prometheusCounters(prometheus, selector, unixNow());
    if (!before)
        return std::unexpected(toError(before.error()));
    auto podsBefore = podCounters(state);
    if (!podsBefore)
        return std::unexpected(podsBefore.error());
    if (total(podsBefore->requests) > 0)
        report.notes.push_back("the stack had answered " + std::to_string(static_cast<long long>(total(podsBefore->requests))) +
                               " requests before this run, so its caches were warm; the simulation starts cold. For a "
                               "cold comparison use --up (a fresh stack)");

    LoadOptions load;
    load.url = state.gatewayUrl;
    load.timeScale = state.timeScale;
    // The simulation's client: the scenario's limit, or (unlimited) one high enough never to hold
    // a request back.
    constexpr int kUnlimitedClient = 4096;
    load.maxInflight = options.maxInflight > 0                              ? options.maxInflight
                       : scenario.workload.client.maxInFlight > 0 ? scenario.workload.client.maxInFlight
                                                                   : kUnlimitedClient;
    load.progress = options.progress;
    load.cancel = options.cancel;
    auto loadReport = runLoad(scenario, load);
    if (!loadReport)
        return std::unexpected(loadReport.error());
    report.load = std::move(*loadReport);
    report.wallSeconds = report.load.wallSeconds;
    if (report.load.cancelled)
        return fail("cancelled");

    // Prometheus scrapes every second: wait until it has the pods' final counters.
    auto podsAfter = podCounters(state);
    if (!podsAfter)
        return std::unexpected(podsAfter.error());
    PrometheusResult<Counters> after = std::unexpected(PrometheusError{});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
    do {
        std::this_thread::sleep_for(std::chrono::milliseconds(500));
        after = prometheusCounters(prometheus, selector, unixNow());
        if (!after)
            return std::unexpected(toError(after.error()));
    } while (std::chrono::steady_clock::now() < deadline &&
             (total(after->queries) < total(podsAfter->queries) || total(after->requests) < total(podsAfter->requests)));
    if (total(after->queries) < total(podsAfter->queries))
        report.notes.push_back("Prometheus had not scraped the pods' final counters within 15 s");

    auto simulated = sim::runPrepared(*setup, sim::RunControl{nullptr, options.cancel});
    if (!simulated)
        return std::unexpected(simulated.error());
    report.simulated = std::move(*simulated);
    const auto& sim = report.simulated;

    const auto delta = [](const std::map<std::string, double>& a, const std::map<std::string, double>& b, const std::string& k) {
        const auto ia = a.find(k);
        const auto ib = b.find(k);
        return (ia == a.end() ? 0.0 : ia->second) - (ib == b.end() ? 0.0 : ib->second);
    };
    const double hits = total(after->hits) - total(before->hits);
    const double queries = total(after->queries) - total(before->queries);
    report.prometheusHitRate = ratio(hits, queries);
    report.podCountersHitRate =
        ratio(total(podsAfter->hits) - total(podsBefore->hits), total(podsAfter->queries) - total(podsBefore->queries));
    report.hitRateGap = report.prometheusHitRate - sim.hitRate;

    auto& rows = report.rows;
    rows.push_back(absoluteRow("hit rate", {}, "ratio", known(report.prometheusHitRate), sim.hitRate, 0.03,
                               "Prometheus: Δ vllm:prefix_cache_hits_total / Δ vllm:prefix_cache_queries_total"));
    const double requestsLive = total(after->requests) - total(before->requests);
    for (std::size_t i = 0; i < podNames.size(); ++i) {
        const std::string& name = podNames[i];
        const sim::PodResult* simPod = nullptr;
        for (const auto& p : sim.pods)
            if (p.name == name)
                simPod = &p;
        const double podHits = delta(after->hits, before->hits, name);
        const double podQueries = delta(after->queries, before->queries, name);
        rows.push_back(absoluteRow("hit rate", name, "ratio", known(ratio(podHits, podQueries)),
                                   simPod && simPod->prefixCacheQueries > 0 ? std::optional<double>(simPod->hitRate) : std::nullopt,
                                   0.05, "Prometheus, this pod's counters"));
        const double simShare = simPod ? ratio(static_cast<double>(simPod->completed), static_cast<double>(sim.requestsCompleted))
                                       : std::nan("");
        rows.push_back(absoluteRow("request share", name, "ratio",
                                   known(ratio(delta(after->requests, before->requests, name), requestsLive)), known(simShare),
                                   0.05, "Prometheus: Δ vllm:request_success_total"));
    }
    const auto& l = report.load;
    rows.push_back(absoluteRow("cached prompt share", {}, "ratio",
                               l.requestsReportingCached > 0 ? known(ratio(static_cast<double>(l.cachedTokens),
                                                                           static_cast<double>(l.promptTokens)))
                                                             : std::nullopt,
                               sim.cachedPromptFraction, 0.03, "the answers' usage.prompt_tokens_details.cached_tokens"));
    const double followUps = after->followUps - before->followUps;
    rows.push_back(absoluteRow("stickiness", {}, "ratio",
                               known(ratio(after->followUpsSamePod - before->followUpsSamePod, followUps)),
                               sim.followUpRequests > 0 ? std::optional<double>(sim.stickiness) : std::nullopt, 0.02,
                               "Prometheus: the gateway's kvroute_gateway_follow_ups_*"));
    // The client's clock is the wall clock; in simulated seconds it is divided by the time scale,
    // which magnifies the HTTP and scheduling overhead (~1 ms) by the same factor — hence the floor.
    const double scale = state.timeScale > 0 ? state.timeScale : 1.0;
    const double overheadFloor = std::max(0.02, 0.003 / scale);
    const auto scaled = [&](const sim::LatencySummary& s, double v) {
        return s.count > 0 ? std::optional<double>(v / scale) : std::nullopt;
    };
    const auto simLatency = [](const sim::LatencySummary& s, double v) {
        return s.count > 0 ? std::optional<double>(v) : std::nullopt;
    };
    for (const double q : {0.5, 0.9}) {
        const double liveValue = q == 0.5 ? l.ttft.p50 : l.ttft.p90;
        const double simValue = q == 0.5 ? sim.ttft.p50 : sim.ttft.p90;
        auto row = relativeRow(q == 0.5 ? "TTFT p50 (client)" : "TTFT p90 (client)", "s", scaled(l.ttft, liveValue),
                               simLatency(sim.ttft, simValue), 0.25, overheadFloor,
                               "client: send → first streamed token, ÷ time scale");
        if (row.simulated && overheadFloor > *row.simulated) {
            // At this time scale a millisecond of HTTP is more simulated time than the value itself.
            row.verdict = "n/a";
            row.toleranceText = "the client's clock cannot resolve it at this time scale; see the pods' histogram";
        }
        rows.push_back(std::move(row));
    }
    // The pods' own histogram (in simulated seconds, from arrival at the pod): the run's
    // observations, interpolated inside a bucket; it agrees when the simulated value lies in the
    // bucket the live estimate came from.
    for (const double q : {0.5, 0.9}) {
        const auto live = histogramQuantile(after->ttftBuckets, before->ttftBuckets, q);
        const double simValue = q == 0.5 ? sim.ttft.p50 : sim.ttft.p90;
        CompareRow row{q == 0.5 ? "TTFT p50 (pods' histogram)" : "TTFT p90 (pods' histogram)", {}, "s", known(live.value),
                       simLatency(sim.ttft, simValue), 0, "same bucket", {},
                       "Prometheus: vllm:time_to_first_token_seconds_bucket over the run"};
        if (row.live && row.simulated) {
            // An exact sample quantile that lands just past a bucket edge reads as the next bucket
            // while the histogram's own quantile stays below it: the edges get 10 % of slack.
            constexpr double kEdgeSlack = 0.10;
            const bool inBucket = simValue >= live.lower * (1.0 - kEdgeSlack) && simValue <= live.upper * (1.0 + kEdgeSlack);
            row.tolerance = std::abs(*row.live - simValue);
            row.verdict = inBucket ? "agrees" : "differs";
            char text[96];
            std::snprintf(text, sizeof text, "same bucket ±10 %%, %g–%g s", live.lower, live.upper);
            row.toleranceText = text;
        } else {
            row.verdict = "n/a";
        }
        rows.push_back(std::move(row));
    }
    const double simulatedWall = l.wallSeconds / scale;
    rows.push_back(relativeRow("throughput", "req/s",
                               known(ratio(static_cast<double>(l.requestsCompleted), simulatedWall)), sim.requestsPerS, 0.10,
                               0.05, "client: answers ÷ (wall time ÷ time scale)"));
    rows.push_back(relativeRow("output throughput", "tok/s",
                               known(ratio(static_cast<double>(l.completionTokens), simulatedWall)), sim.outputTokensPerS,
                               0.10, 1.0, "client: usage.completion_tokens ÷ (wall time ÷ time scale)"));
    rows.push_back(relativeRow("preemptions", "count",
                               total(after->preemptions) - total(before->preemptions),
                               static_cast<double>(sim.preemptions), 0.10, 2.0, "Prometheus: Δ vllm:num_preemptions_total"));
    rows.push_back(relativeRow("requests answered", "count", static_cast<double>(l.requestsCompleted),
                               static_cast<double>(sim.requestsCompleted), 0.01, 1.0, "client"));

    if (std::abs(report.prometheusHitRate - report.podCountersHitRate) > 0.005)
        report.notes.push_back("Prometheus's hit rate differs from the pods' own counters by more than 0.005: a scrape was "
                               "lost or a pod restarted during the run");
    if (!l.errors.empty())
        report.notes.push_back(std::to_string(l.requestsSent - l.requestsCompleted) +
                               " requests failed on the live side (first: " + l.firstError + ")");
    for (const auto& w : sim.warnings)
        report.notes.push_back("simulation: " + w);
    return report;
}

namespace {

std::string shown(const std::optional<double>& v, const std::string& unit)
{
    if (!v)
        return "—";
    char buf[64];
    if (unit == "ratio")
        std::snprintf(buf, sizeof buf, "%.1f %%", 100 * *v);
    else if (unit == "s")
        std::snprintf(buf, sizeof buf, *v < 1 ? "%.0f ms" : "%.2f s", *v < 1 ? *v * 1000 : *v);
    else if (unit == "count")
        std::snprintf(buf, sizeof buf, "%.0f", *v);
    else
        std::snprintf(buf, sizeof buf, "%.2f %s", *v, unit.c_str());
    return buf;
}

std::string difference(const CompareRow& r)
{
    if (!r.live || !r.simulated)
        return "";
    const double d = *r.live - *r.simulated;
    char buf[64];
    if (r.unit == "ratio")
        std::snprintf(buf, sizeof buf, "%+.1f pp", 100 * d);
    else if (r.unit == "s")
        std::snprintf(buf, sizeof buf, "%+.0f ms", 1000 * d);
    else
        std::snprintf(buf, sizeof buf, "%+.2f", d);
    return buf;
}

std::string cell(std::string s, std::size_t width, bool right = true)
{
    std::size_t shown = 0;
    for (const char c : s)
        shown += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    if (shown >= width)
        return s;
    return right ? std::string(width - shown, ' ') + s : s + std::string(width - shown, ' ');
}

nlohmann::ordered_json value(const std::optional<double>& v)
{
    return v && std::isfinite(*v) ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr);
}

} // namespace

std::string compareReportText(const CompareReport& r)
{
    std::ostringstream out;
    char head[256];
    std::snprintf(head, sizeof head, "%.0f s of load at time scale %g (%.1f s wall)", r.durationSeconds, r.timeScale,
                  r.wallSeconds);
    out << "kvroute live compare: " << r.scenario << " on the stack in " << r.stackDir << ", " << head << "\n\n";
    std::size_t width = 20;
    for (const auto& row : r.rows)
        width = std::max(width, row.measure.size() + (row.pod.empty() ? 0 : row.pod.size() + 1));
    out << cell("", width, false) << cell("live", 14) << cell("simulated", 14) << cell("difference", 12) << "   verdict\n";
    for (const auto& row : r.rows) {
        const std::string name = row.measure + (row.pod.empty() ? "" : " " + row.pod);
        out << cell(name, width, false) << cell(shown(row.live, row.unit), 14) << cell(shown(row.simulated, row.unit), 14)
            << cell(difference(row), 12) << "   " << row.verdict
            << (row.verdict == "n/a" ? (row.toleranceText.empty() ? "" : " (" + row.toleranceText + ")")
                                     : " (" + row.toleranceText +
                                           (row.unit == "ratio" || row.toleranceText.ends_with(" s") ? "" : " " + row.unit) + ")")
            << '\n';
    }
    char check[200];
    std::snprintf(check, sizeof check, "\nPrometheus's hit rate %.4f, the pods' own counters %.4f (same run).\n",
                  r.prometheusHitRate, r.podCountersHitRate);
    out << check;
    for (const auto& n : r.notes)
        out << "note: " << n << '\n';
    return out.str();
}

std::string compareReportJson(const CompareReport& r)
{
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const auto& row : r.rows) {
        nlohmann::ordered_json j{{"measure", row.measure}};
        if (!row.pod.empty())
            j["pod"] = row.pod;
        j["unit"] = row.unit;
        j["live"] = value(row.live);
        j["simulated"] = value(row.simulated);
        j["difference"] = row.live && row.simulated ? value(*row.live - *row.simulated) : nlohmann::ordered_json(nullptr);
        j["tolerance"] = row.tolerance;
        j["tolerance_text"] = row.toleranceText;
        j["verdict"] = row.verdict;
        j["source"] = row.source;
        rows.push_back(std::move(j));
    }
    nlohmann::ordered_json j{{"scenario", r.scenario},
                             {"stack", r.stackDir},
                             {"prometheus_url", r.prometheusUrl},
                             {"duration", r.durationSeconds},
                             {"time_scale", r.timeScale},
                             {"wall_seconds", r.wallSeconds},
                             {"hit_rate", {{"prometheus", value(r.prometheusHitRate)},
                                           {"pod_counters", value(r.podCountersHitRate)},
                                           {"simulated", r.simulated.hitRate},
                                           {"gap", value(r.hitRateGap)}}},
                             {"rows", rows},
                             {"requests_sent", r.load.requestsSent},
                             {"requests_answered", r.load.requestsCompleted},
                             {"notes", r.notes}};
    return j.dump(2);
}

} // namespace kvroute::cluster
