#include "cluster/load/load_generator.h"

#include "cluster/pod/text_tokens.h"
#include "sim/fleet/cluster_run.h"
#include "sim/fleet/fleet_factories.h"
#include "sim/kernel/simulation.h"
#include "sim/workload/workload.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <deque>
#include <memory>
#include <unordered_map>

namespace kvroute::cluster {

namespace {

using Clock = std::chrono::steady_clock;

/// One request on the wire and what came back so far.
struct Call {
    sim::WorkloadRequest request;
    CURL* easy = nullptr;
    curl_slist* headers = nullptr;
    std::string body;
    std::string pending;  ///< SSE bytes not yet split into events
    std::string answerText;
    std::string pod;
    std::string errorBody;
    Clock::time_point produced; ///< when the workload made it (it may wait for a free slot)
    Clock::time_point sent;
    std::vector<Clock::time_point> tokenTimes;
    std::int64_t promptTokens = 0;
    std::int64_t completionTokens = 0;
    std::optional<std::int64_t> cachedTokens;
    char curlError[CURL_ERROR_SIZE] = {};
};

bool loopbackHost(const std::string& url)
{
    return url.find("://127.") != std::string::npos || url.find("://localhost") != std::string::npos;
}

/// The client's own address on the loopback network: 10.a.b.c -> 127.a.b.c (never 127.0.0.0).
std::string loopbackSource(sim::Ipv4 ip)
{
    const auto b = [&](int shift) { return std::to_string((ip >> shift) & 0xFF); };
    std::string out = "127." + b(16) + "." + b(8) + "." + b(0);
    return out == "127.0.0.0" ? std::string("127.0.0.1") : out;
}

/// Reads SSE events ("data: {...}") out of the bytes received so far.
void consumeEvents(Call& c)
{
    std::size_t start = 0;
    while (true) {
        const auto end = c.pending.find("\n\n", start);
        if (end == std::string::npos)
            break;
        const std::string event = c.pending.substr(start, end - start);
        start = end + 2;
        if (!event.starts_with("data: "))
            continue;
        const std::string data = event.substr(6);
        if (data == "[DONE]")
            continue;
        const auto j = nlohmann::json::parse(data, nullptr, false);
        if (j.is_discarded() || !j.is_object())
            continue;
        if (const auto choices = j.find("choices"); choices != j.end() && choices->is_array() && !choices->empty()) {
            const auto& choice = (*choices)[0];
            std::string text;
            if (choice.contains("text") && choice["text"].is_string())
                text = choice["text"].get<std::string>();
            else if (choice.contains("delta") && choice["delta"].is_object() && choice["delta"].contains("content") &&
                     choice["delta"]["content"].is_string())
                text = choice["delta"]["content"].get<std::string>();
            if (!text.empty()) {
                c.tokenTimes.push_back(Clock::now());
                c.answerText += text;
            }
        }
        if (const auto usage = j.find("usage"); usage != j.end() && usage->is_object()) {
            c.promptTokens = usage->value("prompt_tokens", std::int64_t{0});
            c.completionTokens = usage->value("completion_tokens", std::int64_t{0});
            if (const auto details = usage->find("prompt_tokens_details");
                details != usage->end() && details->is_object() && details->contains("cached_tokens"))
                c.cachedTokens = (*details)["cached_tokens"].get<std::int64_t>();
        }
    }
    c.pending.erase(0, start);
}

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user)
{
    auto& c = *static_cast<Call*>(user);
    const std::size_t n = size * count;
    long status = 0;
    curl_easy_getinfo(c.easy, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        if (c.errorBody.size() < 4096)
            c.errorBody.append(data, std::min<std::size_t>(n, 4096 - c.errorBody.size()));
        return n;
    }
    c.pending.append(data, n);
    consumeEvents(c);
    return n;
}

std::size_t onHeader(char* data, std::size_t size, std::size_t count, void* user)
{
    auto& c = *static_cast<Call*>(user);
    const std::string line(data, size * count);
    constexpr std::string_view name = "x-inference-pod:";
    if (line.size() > name.size() && std::equal(name.begin(), name.end(), line.begin(), [](char a, char b) {
            return a == std::tolower(static_cast<unsigned char>(b));
        })) {
        std::string value = line.substr(name.size());
        value.erase(0, value.find_first_not_of(" \t"));
        value.erase(value.find_last_not_of(" \t\r\n") + 1);
        c.pod = value;
    }
    return size * count;
}

class LoadRun {
public:
    LoadRun(const sim::RunSetup& setup, const LoadOptions& options, std::unique_ptr<sim::Workload> workload)
        : m_setup(setup), m_options(options), m_workload(std::move(workload)), m_multi(curl_multi_init())
    {
        m_endpoint = options.url;
        while (!m_endpoint.empty() && m_endpoint.back() == '/')
            m_endpoint.pop_back();
        m_endpoint += "/v1/completions";
        m_useSources = options.clientAddresses && loopbackHost(options.url);
    }
    ~LoadRun()
    {
        for (auto& [easy, call] : m_calls)
            release(*call);
        curl_multi_cleanup(m_multi);
    }
    LoadRun(const LoadRun&) = delete;
    LoadRun& operator=(const LoadRun&) = delete;

    LoadReport run()
    {
        const auto& s = m_setup.scenario;
        const sim::SimTime end = m_options.durationSeconds > 0 ? sim::fromSeconds(m_options.durationSeconds) : s.run.duration;
        const std::int64_t maxRequests = m_options.maxRequests > 0 ? m_options.maxRequests : s.workload.maxRequests;
        m_workload->start(
            m_sim, [this](sim::WorkloadRequest r) { m_backlog.push_back(Waiting{std::move(r), Clock::now()}); }, end,
            maxRequests);
        m_report.url = m_options.url;
        m_report.workload = m_workload->describe();
        m_report.maxInflight = m_options.maxInflight;
        m_report.ttftFromArrival = s.workload.client.ttftFrom == sim::TtftClock::Arrival;
        m_start = Clock::now();
        // Past the arrival window, answers still drain for at most drain_limit.
        const auto hardStop = m_start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                                            (sim::toSeconds(end) + sim::toSeconds(s.run.drainLimit)) *
                                            std::max(m_options.timeScale, 1e-3) + 5.0));
        while (true) {
            advanceClock();
            sendBacklog();
            int running = 0;
            curl_multi_perform(m_multi, &running);
            collectFinished();
            // Freed slots take waiting requests now, not after the next poll's timeout.
            if (!m_backlog.empty() && m_calls.size() < static_cast<std::size_t>(m_options.maxInflight)) {
                sendBacklog();
                curl_multi_perform(m_multi, &running);
            }
            if (m_calls.empty() && m_backlog.empty() && !m_sim.hasPendingEvents())
                break;
            if (Clock::now() > hardStop) {
                m_report.errors["unfinished at the drain limit"] += static_cast<std::int64_t>(m_calls.size());
                break;
            }
            if (m_options.cancel && m_options.cancel->load(std::memory_order_relaxed)) {
                if (!m_calls.empty())
                    m_report.errors["cancelled in flight"] += static_cast<std::int64_t>(m_calls.size());
                m_report.cancelled = true;
                break;
            }
            if (m_options.progress)
                m_options.progress(std::min(1.0, sim::toSeconds(m_sim.now()) / std::max(1e-9, sim::toSeconds(end))),
                                   std::to_string(m_report.requestsCompleted) + " answered, " +
                                       std::to_string(m_calls.size()) + " in flight");
            curl_multi_poll(m_multi, nullptr, 0, pollMilliseconds(), nullptr);
        }
        m_report.wallSeconds = std::chrono::duration<double>(Clock::now() - m_start).count();
        m_report.ttft = sim::summarize(std::move(m_ttft));
        m_report.itl = sim::summarize(std::move(m_itl));
        m_report.e2e = sim::summarize(std::move(m_e2e));
        return m_report;
    }

private:
    [[nodiscard]] sim::SimTime wallToSim() const
    {
        const double elapsed = std::chrono::duration<double, std::nano>(Clock::now() - m_start).count();
        return static_cast<sim::SimTime>(elapsed / m_options.timeScale);
    }

    /// Moves the workload's clock to the wall clock (or, at time scale 0, to its next event).
    void advanceClock()
    {
        if (!m_sim.hasPendingEvents())
            return;
        if (m_options.timeScale <= 0) {
            if (m_calls.size() + m_backlog.size() < static_cast<std::size_t>(m_options.maxInflight))
                m_sim.runUntil(m_sim.nextEventTime());
            return;
        }
        const sim::SimTime now = wallToSim();
        if (now > m_sim.now())
            m_sim.runUntil(now);
    }

    [[nodiscard]] int pollMilliseconds() const
    {
        if (m_options.timeScale <= 0) // next arrival at once, unless the client is full
            return m_sim.hasPendingEvents() && m_calls.size() < static_cast<std::size_t>(m_options.maxInflight) ? 0 : 100;
        if (!m_sim.hasPendingEvents())
            return 100;
        const double waitSim = sim::toSeconds(m_sim.nextEventTime() - wallToSim());
        return static_cast<int>(std::clamp(waitSim * m_options.timeScale * 1000.0, 0.0, 100.0));
    }

    void sendBacklog()
    {
        while (!m_backlog.empty() && m_calls.size() < static_cast<std::size_t>(m_options.maxInflight)) {
            send(std::move(m_backlog.front().request), m_backlog.front().produced);
            m_backlog.pop_front();
        }
    }

    void send(sim::WorkloadRequest request, Clock::time_point produced)
    {
        auto call = std::make_unique<Call>();
        Call& c = *call;
        c.request = std::move(request);
        c.produced = produced;
        c.easy = curl_easy_init();
        nlohmann::json body{{"model", m_setup.servedModelName},
                            {"prompt", tokensToText(c.request.prompt.tokens(m_promptScratch))},
                            {"max_tokens", c.request.maxTokens},
                            {"ignore_eos", true},
                            {"stream", true},
                            {"stream_options", {{"include_usage", true}}}};
        c.body = body.dump();
        c.headers = curl_slist_append(c.headers, "Content-Type: application/json");
        c.headers = curl_slist_append(c.headers, (m_options.sessionHeader + ": " + std::to_string(c.request.sessionId)).c_str());
        // The turn lets the kvroute gateway count follow-ups exactly as the simulator does, even
        // when a second run reuses the first one's session ids (the same seed).
        c.headers = curl_slist_append(c.headers, ("x-kvroute-turn: " + std::to_string(c.request.turn)).c_str());
        curl_easy_setopt(c.easy, CURLOPT_URL, m_endpoint.c_str());
        curl_easy_setopt(c.easy, CURLOPT_HTTPHEADER, c.headers);
        curl_easy_setopt(c.easy, CURLOPT_POSTFIELDS, c.body.c_str());
        curl_easy_setopt(c.easy, CURLOPT_POSTFIELDSIZE, static_cast<long>(c.body.size()));
        curl_easy_setopt(c.easy, CURLOPT_WRITEFUNCTION, &onBody);
        curl_easy_setopt(c.easy, CURLOPT_WRITEDATA, &c);
        curl_easy_setopt(c.easy, CURLOPT_HEADERFUNCTION, &onHeader);
        curl_easy_setopt(c.easy, CURLOPT_HEADERDATA, &c);
        curl_easy_setopt(c.easy, CURLOPT_ERRORBUFFER, c.curlError);
        curl_easy_setopt(c.easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c.easy, CURLOPT_CONNECTTIMEOUT, 10L);
        curl_easy_setopt(c.easy, CURLOPT_TIMEOUT_MS, static_cast<long>(m_options.requestTimeoutSeconds * 1000.0));
        if (m_useSources) {
            const std::string source = loopbackSource(c.request.clientIp);
            curl_easy_setopt(c.easy, CURLOPT_INTERFACE, ("host!" + source).c_str());
        }
        c.sent = Clock::now();
        curl_multi_add_handle(m_multi, c.easy);
        ++m_report.requestsSent;
        m_calls.emplace(c.easy, std::move(call));
    }

    void collectFinished()
    {
        int left = 0;
        while (CURLMsg* msg = curl_multi_info_read(m_multi, &left)) {
            if (msg->msg != CURLMSG_DONE)
                continue;
            const auto it = m_calls.find(msg->easy_handle);
            if (it == m_calls.end())
                continue;
            std::unique_ptr<Call> call = std::move(it->second);
            m_calls.erase(it);
            finish(*call, msg->data.result);
            release(*call);
        }
    }

    void finish(Call& c, CURLcode result)
    {
        long status = 0;
        curl_easy_getinfo(c.easy, CURLINFO_RESPONSE_CODE, &status);
        const auto now = Clock::now();
        advanceClock();
        std::string error;
        if (result != CURLE_OK)
            error = c.curlError[0] ? std::string(c.curlError) : std::string(curl_easy_strerror(result));
        else if (status != 200)
            error = "HTTP " + std::to_string(status);
        else if (c.tokenTimes.empty())
            error = "no tokens in the answer";
        if (!error.empty()) {
            const std::string key = result != CURLE_OK ? std::string(curl_easy_strerror(result)) : error;
            ++m_report.errors[key];
            if (m_report.firstError.empty())
                m_report.firstError = error + (c.errorBody.empty() ? "" : ": " + c.errorBody.substr(0, 300));
            m_workload->onAnswered(c.request, {});
            return;
        }
        ++m_report.requestsCompleted;
        // workload.client.ttft_from: from the send (what inference-perf and curl time) or from
        // when the workload produced it, time waiting for a free slot included.
        const Clock::time_point clockStart =
            m_setup.scenario.workload.client.ttftFrom == sim::TtftClock::Arrival ? c.produced : c.sent;
        m_ttft.push_back(std::chrono::duration<double>(c.tokenTimes.front() - clockStart).count());
        for (std::size_t i = 1; i < c.tokenTimes.size(); ++i)
            m_itl.push_back(std::chrono::duration<double>(c.tokenTimes[i] - c.tokenTimes[i - 1]).count());
        m_e2e.push_back(std::chrono::duration<double>(now - clockStart).count());
        m_report.promptTokens += c.promptTokens;
        m_report.completionTokens += c.completionTokens;
        if (c.cachedTokens) {
            m_report.cachedTokens += *c.cachedTokens;
            ++m_report.requestsReportingCached;
        }
        if (!c.pod.empty()) {
            ++m_report.requestsPerPod[c.pod];
            auto& last = m_lastPod[c.request.sessionId];
            if (c.request.turn > 0 && !last.empty()) {
                ++m_report.followUps;
                m_report.followUpsSamePod += last == c.pod ? 1 : 0;
            }
            last = c.pod;
        }
        const sim::TokenVector answer = textToTokens(c.answerText);
        m_workload->onAnswered(c.request, answer);
    }

    void release(Call& c)
    {
        curl_multi_remove_handle(m_multi, c.easy);
        curl_easy_cleanup(c.easy);
        curl_slist_free_all(c.headers);
        c.easy = nullptr;
        c.headers = nullptr;
    }

    const sim::RunSetup& m_setup;
    const LoadOptions& m_options;
    sim::TokenVector m_promptScratch; ///< a generated prompt's tokens while its body is written
    std::unique_ptr<sim::Workload> m_workload;
    sim::Simulation m_sim;
    CURLM* m_multi;
    std::string m_endpoint;
    bool m_useSources = false;
    Clock::time_point m_start;
    struct Waiting {
        sim::WorkloadRequest request;
        Clock::time_point produced;
    };
    std::deque<Waiting> m_backlog;
    std::unordered_map<CURL*, std::unique_ptr<Call>> m_calls;
    std::unordered_map<std::uint64_t, std::string> m_lastPod;
    std::vector<double> m_ttft, m_itl, m_e2e;
    LoadReport m_report;
};

} // namespace

Result<LoadReport> runLoad(const sim::Scenario& scenario, const LoadOptions& options)
{
    if (!options.url.starts_with("http://") && !options.url.starts_with("https://"))
        return fail("must be an http:// or https:// URL, got \"" + options.url + "\"", "--url");
    if (!(options.timeScale >= 0.0 && options.timeScale <= 1000.0))
        return fail("must be between 0 (as fast as possible) and 1000", "--time-scale");
    if (options.maxInflight < 0)
        return fail("must be at least 1 (0 = the scenario's workload.client.max_in_flight)", "--max-inflight");
    // The scenario's own limit on `duration` (docs/SCENARIOS.md), checked before it becomes
    // simulated time: an infinite or huge value would overflow the clock.
    if (!(options.durationSeconds >= 0.0 && options.durationSeconds <= 1e6))
        return fail("must be between 0 (the scenario's duration) and 1000000 seconds", "--duration");
    if (options.maxRequests < 0)
        return fail("must be at least 0 (0 = the scenario's)", "--max-requests");
    auto setup = sim::prepareRun(scenario);
    if (!setup)
        return std::unexpected(setup.error());
    auto workload = sim::makeFleetWorkload(*setup);
    if (!workload)
        return std::unexpected(workload.error());
    static const bool curlReady = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!curlReady)
        return fail("libcurl could not be initialised");
    LoadOptions resolved = options;
    if (resolved.maxInflight == 0) {
        // The scenario's client, as the simulation models it; an unlimited one still needs a
        // bound on open connections.
        constexpr int kUnlimitedClientConnections = 256;
        const int scenarioLimit = setup->scenario.workload.client.maxInFlight;
        resolved.maxInflight = scenarioLimit > 0 ? scenarioLimit : kUnlimitedClientConnections;
    }
    LoadRun run(*setup, resolved, std::move(*workload));
    return run.run();
}

} // namespace kvroute::cluster
