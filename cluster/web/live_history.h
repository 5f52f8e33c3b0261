#pragma once
// The dashboard's live series: a worker thread that owns its own PrometheusClient, asks for a
// live snapshot (live_snapshot.h) every interval and keeps the last N in a ring, with the
// connection state and the last error. HTTP handlers only read it (under a mutex), so a slow or
// dead Prometheus never holds up the page: it shows the error and the last good numbers.

#include "cluster/prometheus/prometheus_client.h"
#include "cluster/prometheus/promql.h"

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <string>
#include <thread>

namespace kvroute::cluster::web {

struct LiveHistoryOptions {
    PrometheusEndpoint endpoint;
    LiveSelector selector;
    std::string window = "1m";
    double intervalSeconds = 2.0;
    std::size_t capacity = 1800; ///< snapshots kept (an hour at 2 s)
};

class LiveHistory {
public:
    explicit LiveHistory(LiveHistoryOptions options);
    ~LiveHistory();
    LiveHistory(const LiveHistory&) = delete;
    LiveHistory& operator=(const LiveHistory&) = delete;

    void start();
    /// Stops and joins the worker (waits for a query in flight, at most its timeout).
    void stop();

    /// The /api/live answer: state, last error, and the snapshots taken after `sinceUnix`.
    [[nodiscard]] std::string json(double sinceUnix) const;

private:
    void run();

    struct Entry {
        double unixTime;
        std::string json; ///< liveSnapshotJson, compact
    };

    LiveHistoryOptions m_options;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stopping = false;
    std::deque<Entry> m_entries;
    std::string m_state = "connecting"; ///< "connecting", "ok", "error"
    std::string m_lastError;
    double m_lastErrorUnix = 0;
    double m_lastSuccessUnix = 0;
    long m_consecutiveFailures = 0;
    long m_polls = 0;
    std::thread m_thread;
};

} // namespace kvroute::cluster::web
