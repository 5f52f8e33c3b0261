#pragma once
// One refresh of the live view: the catalogue's queries (promql.h) asked of one Prometheus and
// gathered into plain numbers. `kvroute live watch`, the GUI's Live tab and the web dashboard
// all draw this. NaN means "no data" (an idle window, a metric the server lacks), not zero.

#include "cluster/prometheus/prometheus_client.h"
#include "cluster/prometheus/promql.h"

#include <string>
#include <vector>

namespace kvroute::cluster {

struct LivePodSnapshot {
    std::string pod;          ///< the selector's pod label value
    double hitRate;           ///< over the window
    double requestsPerS;      ///< finished requests per second over the window
    double requestShare;      ///< this pod's share of the cluster's finished requests
    double waiting;           ///< vllm:num_requests_waiting
    double running;           ///< vllm:num_requests_running
    double kvCacheUsage;      ///< vllm:kv_cache_usage_perc, 0..1
};

struct LiveSnapshot {
    double unixTime = 0;        ///< when Prometheus evaluated the queries
    std::string window;         ///< e.g. "30s"
    double clusterHitRate;      ///< over the window
    double requestsPerS;
    double outputTokensPerS;
    double ttftP50;             ///< seconds, from the pods' histogram (bucket-interpolated)
    double ttftP90;
    double preemptions;         ///< in the window
    double stickiness;          ///< the gateway's, over the window; NaN without a kvroute gateway
    std::vector<LivePodSnapshot> pods; ///< sorted by pod name
    /// Why something is missing, in words: "no vllm:prefix_cache_queries_total series match
    /// {namespace=\"x\"}: is Prometheus scraping the pods?".
    std::vector<std::string> notes;
};

/// Asks every query of the snapshot (evaluated at one instant, so the numbers agree). A transport
/// or authorisation failure is an error; a query that returns nothing is a NaN and a note.
[[nodiscard]] PrometheusResult<LiveSnapshot> fetchLiveSnapshot(PrometheusClient& client, const LiveSelector& selector,
                                                               const std::string& window);

/// A terminal table of the snapshot (for `kvroute live watch`).
[[nodiscard]] std::string liveSnapshotText(const LiveSnapshot& snapshot);
/// The snapshot as JSON (NaN as null), for `--json` and the web API.
[[nodiscard]] std::string liveSnapshotJson(const LiveSnapshot& snapshot, int indent = 2);

} // namespace kvroute::cluster
