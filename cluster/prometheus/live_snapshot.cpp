#include "cluster/prometheus/live_snapshot.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <sstream>

namespace kvroute::cluster {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The single value of a cluster-wide query; NaN when it returned nothing.
double single(const std::vector<PromSample>& samples)
{
    return samples.empty() ? kNaN : samples.front().value;
}

std::string fixed(const char* format, double v)
{
    if (std::isnan(v))
        return "—";
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

std::string percent(double v)
{
    return std::isnan(v) ? "—" : fixed("%.1f %%", 100.0 * v);
}

std::string seconds(double v)
{
    if (std::isnan(v) || std::isinf(v))
        return "—";
    return v < 1.0 ? fixed("%.0f ms", v * 1e3) : fixed("%.2f s", v);
}

nlohmann::ordered_json number(double v)
{
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

std::string padRight(std::string s, std::size_t width)
{
    if (s.size() < width)
        s.resize(width, ' ');
    return s;
}

std::string padLeft(const std::string& s, std::size_t width)
{
    // Count code points, not bytes, so "—" and "µ" line up.
    std::size_t shown = 0;
    for (const char c : s)
        shown += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return shown < width ? std::string(width - shown, ' ') + s : s;
}

} // namespace

PrometheusResult<LiveSnapshot> fetchLiveSnapshot(PrometheusClient& client, const LiveSelector& s, const std::string& window)
{
    LiveSnapshot snap;
    snap.window = window;
    // One evaluation instant for every query, so the numbers describe the same moment.
    snap.unixTime = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    const auto ask = [&](const std::string& promql) { return client.query(promql, snap.unixTime); };

    auto clusterHit = ask(promql::clusterHitRate(s, window));
    if (!clusterHit)
        return std::unexpected(clusterHit.error());
    snap.clusterHitRate = single(*clusterHit);

    std::map<std::string, LivePodSnapshot> pods;
    const auto podRow = [&](const PromSample& sample) -> LivePodSnapshot& {
        const auto it = sample.labels.find(s.podLabel);
        const std::string name = it == sample.labels.end() ? std::string() : it->second;
        auto [row, added] = pods.try_emplace(name);
        if (added)
            row->second = LivePodSnapshot{name, kNaN, kNaN, kNaN, kNaN, kNaN, kNaN};
        return row->second;
    };
    struct PodQuery {
        std::string promql;
        double LivePodSnapshot::* field;
    };
    const PodQuery podQueries[] = {{promql::podHitRate(s, window), &LivePodSnapshot::hitRate},
                                   {promql::podRequestRate(s, window), &LivePodSnapshot::requestsPerS},
                                   {promql::podWaiting(s), &LivePodSnapshot::waiting},
                                   {promql::podRunning(s), &LivePodSnapshot::running},
                                   {promql::podKvCacheUsage(s), &LivePodSnapshot::kvCacheUsage}};
    for (const auto& q : podQueries) {
        auto samples = ask(q.promql);
        if (!samples)
            return std::unexpected(samples.error());
        for (const auto& sample : *samples)
            podRow(sample).*q.field = sample.value;
    }

    struct ClusterQuery {
        std::string promql;
        double LiveSnapshot::* field;
    };
    const ClusterQuery clusterQueries[] = {{promql::outputTokenRate(s, window), &LiveSnapshot::outputTokensPerS},
                                           {promql::ttftQuantile(s, 0.5, window), &LiveSnapshot::ttftP50},
                                           {promql::ttftQuantile(s, 0.9, window), &LiveSnapshot::ttftP90},
                                           {promql::preemptions(s, window), &LiveSnapshot::preemptions},
                                           {promql::gatewayStickiness(window), &LiveSnapshot::stickiness}};
    for (const auto& q : clusterQueries) {
        auto samples = ask(q.promql);
        if (!samples)
            return std::unexpected(samples.error());
        snap.*q.field = single(*samples);
    }

    double totalRate = 0;
    bool anyRate = false;
    for (auto& [name, pod] : pods)
        if (std::isfinite(pod.requestsPerS)) {
            totalRate += pod.requestsPerS;
            anyRate = true;
        }
    snap.requestsPerS = anyRate ? totalRate : kNaN;
    for (auto& [name, pod] : pods) {
        pod.requestShare = anyRate && totalRate > 0 && std::isfinite(pod.requestsPerS) ? pod.requestsPerS / totalRate : kNaN;
        snap.pods.push_back(pod);
    }

    const std::string selector = selectorText(s).empty() ? std::string("(no selector)") : selectorText(s);
    if (clusterHit->empty()) {
        // Nothing to divide: either no such series, or the window holds fewer than two scrapes.
        auto present = ask("count(" + std::string(promql::kQueriesCounter) + selectorText(s) + ")");
        if (!present)
            return std::unexpected(present.error());
        if (present->empty())
            snap.notes.push_back(std::string("no ") + promql::kQueriesCounter + " series match " + selector +
                                 ": is Prometheus scraping the vLLM pods, and does the selector match them?");
        else
            snap.notes.push_back("the window " + window + " holds fewer than two scrapes of the pods' counters; widen it "
                                 "(at least twice the scrape interval)");
    }
    else if (std::isnan(snap.clusterHitRate))
        snap.notes.push_back("no prefix-cache queries in the last " + window + ": the pods are idle");
    if (pods.contains(std::string()))
        snap.notes.push_back("some series have no '" + s.podLabel +
                             "' label, so their pods cannot be told apart; name the label that does with --pod-label "
                             "(e.g. instance)");
    if (std::isnan(snap.stickiness))
        snap.notes.push_back("no stickiness: it comes from the kvroute gateway's follow-up counters, which this Prometheus "
                             "lacks or which saw no follow-up in the last " + window);
    return snap;
}

std::string liveSnapshotText(const LiveSnapshot& s)
{
    std::ostringstream out;
    out << "cluster hit rate " << percent(s.clusterHitRate) << " over the last " << s.window << "   "
        << fixed("%.2f", s.requestsPerS) << " req/s   " << fixed("%.0f", s.outputTokensPerS) << " output tok/s\n"
        << "TTFT p50 " << seconds(s.ttftP50) << "   p90 " << seconds(s.ttftP90) << "   preemptions "
        << fixed("%.0f", s.preemptions) << "   stickiness " << percent(s.stickiness) << "\n\n";
    std::size_t nameWidth = 4;
    for (const auto& p : s.pods)
        nameWidth = std::max(nameWidth, p.pod.size());
    out << padRight("pod", nameWidth) << "   hit rate     req/s     share   waiting   running   KV use\n";
    for (const auto& p : s.pods)
        out << padRight(p.pod.empty() ? "?" : p.pod, nameWidth) << padLeft(percent(p.hitRate), 11)
            << padLeft(fixed("%.2f", p.requestsPerS), 10) << padLeft(percent(p.requestShare), 10)
            << padLeft(fixed("%.0f", p.waiting), 10) << padLeft(fixed("%.0f", p.running), 10)
            << padLeft(percent(p.kvCacheUsage), 9) << '\n';
    if (s.pods.empty())
        out << "(no pods)\n";
    for (const auto& n : s.notes)
        out << "note: " << n << '\n';
    return out.str();
}

std::string liveSnapshotJson(const LiveSnapshot& s, int indent)
{
    nlohmann::ordered_json pods = nlohmann::ordered_json::array();
    for (const auto& p : s.pods)
        pods.push_back({{"pod", p.pod},
                        {"hit_rate", number(p.hitRate)},
                        {"requests_per_s", number(p.requestsPerS)},
                        {"request_share", number(p.requestShare)},
                        {"waiting", number(p.waiting)},
                        {"running", number(p.running)},
                        {"kv_cache_usage", number(p.kvCacheUsage)}});
    nlohmann::ordered_json j{{"time", s.unixTime},
                             {"window", s.window},
                             {"hit_rate", number(s.clusterHitRate)},
                             {"requests_per_s", number(s.requestsPerS)},
                             {"output_tokens_per_s", number(s.outputTokensPerS)},
                             {"ttft_p50", number(s.ttftP50)},
                             {"ttft_p90", number(s.ttftP90)},
                             {"preemptions", number(s.preemptions)},
                             {"stickiness", number(s.stickiness)},
                             {"pods", pods},
                             {"notes", s.notes}};
    return j.dump(indent);
}

} // namespace kvroute::cluster
