#include "cluster/web/live_history.h"

#include "cluster/prometheus/live_snapshot.h"

#include <nlohmann/json.hpp>

#include <chrono>

namespace kvroute::cluster::web {

namespace {

double unixNow()
{
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

} // namespace

LiveHistory::LiveHistory(LiveHistoryOptions options) : m_options(std::move(options)) {}

LiveHistory::~LiveHistory() { stop(); }

void LiveHistory::start()
{
    m_thread = std::thread([this] { run(); });
}

void LiveHistory::stop()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

void LiveHistory::run()
{
    // The client lives on this thread only (one client is one connection).
    PrometheusClient client(m_options.endpoint);
    const auto interval = std::chrono::duration<double>(m_options.intervalSeconds);
    for (;;) {
        const auto started = std::chrono::steady_clock::now();
        auto snapshot = fetchLiveSnapshot(client, m_options.selector, m_options.window);
        {
            std::lock_guard lock(m_mutex);
            ++m_polls;
            if (snapshot) {
                m_state = "ok";
                m_consecutiveFailures = 0;
                m_lastSuccessUnix = unixNow();
                if (snapshot->unixTime <= 0)
                    snapshot->unixTime = m_lastSuccessUnix;
                m_entries.push_back(Entry{snapshot->unixTime, liveSnapshotJson(*snapshot, -1)});
                while (m_entries.size() > m_options.capacity)
                    m_entries.pop_front();
            } else {
                m_state = "error";
                ++m_consecutiveFailures;
                m_lastError = snapshot.error().message;
                m_lastErrorUnix = unixNow();
            }
        }
        std::unique_lock lock(m_mutex);
        if (m_wake.wait_until(lock, started + std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval),
                              [this] { return m_stopping; }))
            return;
    }
}

std::string LiveHistory::json(double sinceUnix) const
{
    std::lock_guard lock(m_mutex);
    nlohmann::ordered_json head{
        {"state", m_state},
        {"last_error", m_lastError.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(m_lastError)},
        {"last_error_time", m_lastErrorUnix > 0 ? nlohmann::ordered_json(m_lastErrorUnix) : nlohmann::ordered_json()},
        {"last_success_time",
         m_lastSuccessUnix > 0 ? nlohmann::ordered_json(m_lastSuccessUnix) : nlohmann::ordered_json()},
        {"consecutive_failures", m_consecutiveFailures},
        {"polls", m_polls},
        {"interval_s", m_options.intervalSeconds},
        {"window", m_options.window},
        {"selector", selectorText(m_options.selector)},
        {"now", unixNow()}};
    // The snapshots are kept as JSON text: splice them in rather than parse them again.
    std::string out = head.dump();
    out.pop_back();
    out += R"(,"snapshots":[)";
    bool first = true;
    for (const auto& e : m_entries) {
        if (e.unixTime <= sinceUnix)
            continue;
        if (!first)
            out += ',';
        out += e.json;
        first = false;
    }
    out += "]}";
    return out;
}

} // namespace kvroute::cluster::web
