#include "cluster/web/run_service.h"

#include "sim/fleet/cluster_run.h"
#include "sim/report/results_writers.h"
#include "sim/scenario/scenario_yaml.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>

namespace kvroute::cluster::web {

namespace {

using Json = nlohmann::ordered_json;
using Clock = std::chrono::steady_clock;

constexpr std::string_view kCurrent = "current";
constexpr std::size_t kMaxOverrides = 64;

/// The form's knobs: the scenario's main levers for the prefix-cache hit rate.
const std::vector<std::string>& knobKeys()
{
    static const std::vector<std::string> keys{
        "cluster.pods",          "vllm.block_size",
        "routing.policy",        "routing.profile",
        "routing.service.timeout_seconds", "vllm.num_gpu_blocks_override",
        "vllm.gpu_memory_utilization",     "duration"};
    return keys;
}

std::string typeName(sim::FieldType type)
{
    switch (type) {
    case sim::FieldType::Int: return "int";
    case sim::FieldType::Double: return "number";
    case sim::FieldType::Bool: return "bool";
    case sim::FieldType::String: return "string";
    case sim::FieldType::Enum: return "enum";
    case sim::FieldType::Seconds: return "seconds";
    case sim::FieldType::OptionalInt: return "optional_int";
    case sim::FieldType::OptionalString: return "optional_string";
    case sim::FieldType::StageList: return "stage_list";
    case sim::FieldType::PluginList: return "plugin_list";
    }
    return "unknown";
}

Json valueJson(const sim::FieldValue& value)
{
    return std::visit(
        [](const auto& v) -> Json {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::optional<std::int64_t>> || std::is_same_v<T, std::optional<std::string>>)
                return v ? Json(*v) : Json();
            else if constexpr (std::is_same_v<T, sim::StageList> || std::is_same_v<T, sim::PluginList>)
                return Json(); // not a knob; never asked for
            else
                return Json(v);
        },
        value);
}

Json knobJson(const sim::FieldSpec& f, const sim::Scenario& s)
{
    Json k{{"key", f.path}, {"type", typeName(f.type)}, {"value", valueJson(f.get(s))}, {"help", f.help}};
    if (!f.unit.empty())
        k["unit"] = f.unit;
    if (f.min)
        k["min"] = *f.min;
    if (f.max)
        k["max"] = *f.max;
    if (f.minExclusive)
        k["min_exclusive"] = true;
    if (!f.allowed.empty())
        k["allowed"] = f.allowed;
    return k;
}

Result<sim::Scenario> scenarioByName(const RunServiceOptions& options, std::string_view name)
{
    if (name == kCurrent)
        return options.current;
    return sim::builtinScenario(name);
}

/// The request's JSON value as the YAML text --set takes ("32", "null", "kube-service", "[1,2]").
std::string yamlText(const Json& value)
{
    if (value.is_string())
        return value.get<std::string>();
    return value.dump();
}

std::string formatSeconds(double s)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.3g", s);
    return buffer;
}

/// An error from the simulator names a scenario key in `where`; in the request that is
/// `set.KEY` when the request set it.
std::string paramFor(const Error& error, const WhatIf& whatIf)
{
    for (const auto& [key, value] : whatIf.set)
        if (error.where == key || error.where.starts_with(key + "."))
            return "set." + key;
    return error.where.empty() ? "set" : error.where;
}

} // namespace

RunService::RunService(RunServiceOptions options) : m_options(std::move(options)) {}

RunService::~RunService()
{
    m_shuttingDown = true;
    m_baselineCancel = true;
    if (m_baselineThread.joinable())
        m_baselineThread.join();
    std::list<Job> jobs;
    {
        std::lock_guard lock(m_mutex);
        for (auto& job : m_jobs)
            job.cancel->store(true);
        jobs.swap(m_jobs);
    }
    for (auto& job : jobs)
        if (job.thread.joinable())
            job.thread.join();
}

void RunService::startBaseline()
{
    {
        std::lock_guard lock(m_baselineMutex);
        m_baselineState = "running";
    }
    m_baselineThread = std::thread([this] {
        const auto started = Clock::now();
        auto results = sim::runScenario(m_options.current, sim::RunControl{{}, &m_baselineCancel});
        const double wall = std::chrono::duration<double>(Clock::now() - started).count();
        std::lock_guard lock(m_baselineMutex);
        if (!results) {
            m_baselineState = "error";
            m_baselineError = results.error().toString();
        } else if (results->cancelled) {
            m_baselineState = "error";
            m_baselineError = "the baseline simulation was cancelled";
        } else {
            m_baselineState = "done";
            m_baselineResults =
                sim::resultsToJson(*results, m_options.current, sim::RunInfo{m_options.version, wall}, false);
        }
    });
}

std::string RunService::baselineJson() const
{
    std::lock_guard lock(m_baselineMutex);
    Json head{{"state", m_baselineState},
              {"scenario", std::string(kCurrent)},
              {"label", m_options.currentLabel},
              {"error", m_baselineError.empty() ? Json() : Json(m_baselineError)}};
    std::string out = head.dump();
    out.pop_back();
    out += R"(,"results":)" + (m_baselineResults.empty() ? std::string("null") : m_baselineResults) + "}";
    return out;
}

std::string RunService::scenarioListJson() const
{
    Json list = Json::array();
    list.push_back({{"name", std::string(kCurrent)},
                    {"description", "the live scenario: " + m_options.currentLabel},
                    {"label", m_options.currentLabel}});
    for (const auto& [name, description] : sim::builtinScenarioList())
        list.push_back({{"name", name}, {"description", description}});
    return Json{{"scenarios", list}}.dump();
}

std::expected<std::string, ApiError> RunService::scenarioJson(std::string_view name) const
{
    auto scenario = scenarioByName(m_options, name);
    if (!scenario)
        return std::unexpected(ApiError{404, "unknown scenario '" + std::string(name) +
                                                 "': use 'current' or a built-in name (GET /api/scenarios)",
                                        "scenario"});
    Json knobs = Json::array();
    for (const auto& key : knobKeys())
        if (const auto* field = sim::findField(key))
            knobs.push_back(knobJson(*field, *scenario));
    Json j{{"name", std::string(name)},
           {"description", name == kCurrent ? m_options.currentLabel : scenario->description},
           {"knobs", knobs},
           {"yaml", sim::toYaml(*scenario)}};
    return j.dump();
}

std::expected<WhatIf, ApiError> RunService::parse(std::string_view body) const
{
    Json request;
    try {
        request = Json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
        return std::unexpected(ApiError{400, std::string("the request body is not JSON: ") + e.what(), "body"});
    }
    if (!request.is_object())
        return std::unexpected(ApiError{400, "the request body must be a JSON object {\"scenario\": ..., \"set\": {...}}",
                                        "body"});
    for (const auto& [key, value] : request.items())
        if (key != "scenario" && key != "set")
            return std::unexpected(ApiError{400, "unknown field '" + key + "' (allowed: scenario, set)", key});
    WhatIf w;
    w.scenarioName = std::string(kCurrent);
    if (request.contains("scenario")) {
        if (!request["scenario"].is_string())
            return std::unexpected(ApiError{400, "'scenario' must be a string: 'current' or a built-in name", "scenario"});
        w.scenarioName = request["scenario"].get<std::string>();
    }
    auto scenario = scenarioByName(m_options, w.scenarioName);
    if (!scenario)
        return std::unexpected(ApiError{400, "unknown scenario '" + w.scenarioName +
                                                 "': use 'current' or a built-in name (GET /api/scenarios)",
                                        "scenario"});
    if (request.contains("set")) {
        const auto& set = request["set"];
        if (!set.is_object())
            return std::unexpected(ApiError{400, "'set' must be an object {\"vllm.block_size\": 32, ...}", "set"});
        if (set.size() > kMaxOverrides)
            return std::unexpected(
                ApiError{400, "at most " + std::to_string(kMaxOverrides) + " keys in 'set'", "set"});
        for (const auto& [key, value] : set.items()) {
            const std::string param = "set." + key;
            if (const auto* field = sim::findField(key); field && field->isPath)
                return std::unexpected(ApiError{
                    400, key + " names a file on the server and cannot be set from the web API", param});
            const std::string text = yamlText(value);
            if (auto r = sim::applyOverride(*scenario, key + "=" + text); !r)
                return std::unexpected(ApiError{400, r.error().toString(), param});
            w.set.emplace_back(key, text);
        }
    }
    if (auto r = sim::validateScenario(*scenario); !r)
        return std::unexpected(ApiError{400, r.error().toString(), paramFor(r.error(), w)});
    w.scenario = std::move(*scenario);
    return w;
}

void RunService::reapFinished()
{
    for (auto it = m_jobs.begin(); it != m_jobs.end();) {
        if (it->finished->load()) {
            if (it->thread.joinable())
                it->thread.join();
            it = m_jobs.erase(it);
        } else {
            ++it;
        }
    }
}

std::expected<std::shared_ptr<std::atomic<bool>>, ApiError>
RunService::start(const std::string& client, WhatIf whatIf, std::function<void(RunAnswer)> done)
{
    std::lock_guard lock(m_mutex);
    reapFinished();
    if (m_shuttingDown)
        return std::unexpected(ApiError{503, "the server is shutting down", ""});
    if (m_activeClients.contains(client))
        return std::unexpected(ApiError{429, "a run of yours is still in progress: one run at a time per client", ""});
    if (static_cast<int>(m_activeClients.size()) >= m_options.maxConcurrentRuns)
        return std::unexpected(ApiError{503,
                                        "the server is running " + std::to_string(m_activeClients.size()) +
                                            " simulations already (--max-runs); try again shortly",
                                        ""});
    m_activeClients.insert(client);
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    auto finished = std::make_shared<std::atomic<bool>>(false);
    Job job;
    job.cancel = cancel;
    job.finished = finished;
    job.thread = std::thread([this, client, cancel, finished, w = std::move(whatIf), done = std::move(done)] {
        const auto started = Clock::now();
        const auto deadline = started + std::chrono::duration_cast<Clock::duration>(
                                            std::chrono::duration<double>(m_options.timeLimitSeconds));
        bool timedOut = false;
        double fraction = 0;
        sim::RunControl control{[&](double f) {
                                    fraction = f;
                                    if (!timedOut && Clock::now() > deadline) {
                                        timedOut = true;
                                        cancel->store(true);
                                    }
                                },
                                cancel.get()};
        auto results = sim::runScenario(w.scenario, control);
        const double wall = std::chrono::duration<double>(Clock::now() - started).count();
        RunAnswer answer;
        if (!results) {
            const bool overloaded = results.error().where == "workload";
            answer = {overloaded ? 422 : 400,
                      apiErrorJson({overloaded ? 422 : 400, results.error().toString(), paramFor(results.error(), w)})};
        } else if (timedOut) {
            answer = {422, apiErrorJson({422,
                                         "the run exceeded the time limit of " + formatSeconds(m_options.timeLimitSeconds) +
                                             " s (wall clock) after simulating " +
                                             std::to_string(static_cast<int>(std::lround(fraction * 100))) +
                                             " % of it: shorten duration, lower the request rate or use fewer pods",
                                         "duration"})};
        } else if (results->cancelled) {
            answer = {503, apiErrorJson({503, "the run was cancelled (the server is shutting down)", ""})};
        } else {
            Json head{{"scenario", w.scenarioName}, {"set", Json::object()}, {"wall_time_s", wall}};
            for (const auto& [key, value] : w.set)
                head["set"][key] = value;
            std::string body = head.dump();
            body.pop_back();
            body += R"(,"results":)" +
                    sim::resultsToJson(*results, w.scenario, sim::RunInfo{m_options.version, wall}, false) + "}";
            answer = {200, std::move(body)};
        }
        {
            std::lock_guard clientsLock(m_mutex);
            m_activeClients.erase(client);
        }
        done(std::move(answer));
        finished->store(true);
    });
    m_jobs.push_back(std::move(job));
    return cancel;
}

} // namespace kvroute::cluster::web
