#include "cluster/stack/stack.h"

#include "cluster/http/http_get.h"

#include "sim/fleet/cluster_run.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace kvroute::cluster {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// A free port on 127.0.0.1 (the kernel's choice), or whether `port` is free.
int bindProbe(std::uint16_t port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int result = -1;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        socklen_t len = sizeof addr;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        result = ntohs(addr.sin_port);
    }
    ::close(fd);
    return result;
}

/// Starts `args` in a session of its own (it outlives `stack up`), output to `log`.
Result<int> spawn(const std::vector<std::string>& args, const std::string& log)
{
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
    std::vector<char*> argv;
    for (const auto& a : args)
        argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, argv[0], &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
        return fail("cannot start " + args[0] + ": " + std::strerror(rc));
    return static_cast<int>(pid);
}

std::string readFile(const fs::path& path)
{
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// Whether `pid` is alive (not a zombie) and still runs the command we started: its command line
/// holds `marker`. A recycled pid is never signalled.
bool ours(int pid, const std::string& marker)
{
    if (pid <= 0 || ::kill(pid, 0) != 0)
        return false;
    const std::string stat = readFile("/proc/" + std::to_string(pid) + "/stat");
    const auto close = stat.rfind(')');
    if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z')
        return false;
    std::string cmdline = readFile("/proc/" + std::to_string(pid) + "/cmdline");
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    return cmdline.find(marker) != std::string::npos;
}

std::string markerOf(const StackProcess& p)
{
    // Every process we start names its port on the command line.
    const auto colon = p.url.rfind(':');
    const std::string port = colon == std::string::npos ? std::string() : p.url.substr(colon + 1);
    // The trailing space: --port 8001 must not match --port 80010 (/proc cmdline ends in a NUL).
    return p.role == "prometheus" ? "127.0.0.1:" + port + " " : "--port " + port + " ";
}

std::string healthUrl(const StackProcess& p)
{
    return p.url + (p.role == "prometheus" ? "/-/ready" : "/health");
}

/// The stop signal that came while a stack was starting (0 = none); the handler only sets it.
volatile std::sig_atomic_t g_stopSignal = 0;
void noteStopSignal(int signal) { g_stopSignal = signal; }

/// While a stack starts, SIGINT and SIGTERM are noted instead of ending `stack up` at once:
/// there is no state file yet for `stack down`, so an interrupted start stops what it started
/// itself. The handlers are the process's own until the start is over (a started process gets
/// the defaults back when it execs).
class StopSignalsNoted {
public:
    StopSignalsNoted()
    {
        g_stopSignal = 0;
        struct sigaction action {};
        action.sa_handler = noteStopSignal;
        sigemptyset(&action.sa_mask);
        ::sigaction(SIGINT, &action, &m_oldInt);
        ::sigaction(SIGTERM, &action, &m_oldTerm);
    }
    ~StopSignalsNoted()
    {
        ::sigaction(SIGINT, &m_oldInt, nullptr);
        ::sigaction(SIGTERM, &m_oldTerm, nullptr);
    }
    StopSignalsNoted(const StopSignalsNoted&) = delete;
    StopSignalsNoted& operator=(const StopSignalsNoted&) = delete;
    [[nodiscard]] int signal() const { return g_stopSignal; }

private:
    struct sigaction m_oldInt {};
    struct sigaction m_oldTerm {};
};

void stopAll(const std::vector<StackProcess>& processes)
{
    for (const auto& p : processes)
        if (ours(p.pid, markerOf(p)))
            ::kill(p.pid, SIGTERM);
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    for (const auto& p : processes) {
        while (ours(p.pid, markerOf(p)) && Clock::now() < deadline) {
            ::waitpid(p.pid, nullptr, WNOHANG); // our child while `stack up` runs
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        if (ours(p.pid, markerOf(p)))
            ::kill(p.pid, SIGKILL);
        ::waitpid(p.pid, nullptr, WNOHANG);
    }
}

std::string logTail(const fs::path& log)
{
    std::string text = readFile(log);
    if (text.size() > 600)
        text = "..." + text.substr(text.size() - 600);
    return text;
}

Result<void> writeState(const StackState& state)
{
    const fs::path path = fs::path(state.dir) / "stack.json";
    std::ofstream out(path);
    out << stackStateJson(state) << '\n';
    if (!out)
        return fail("cannot write the state file", path.string());
    return {};
}

Result<StackState> readState(const std::string& dir)
{
    const fs::path path = fs::path(dir) / "stack.json";
    if (!fs::exists(path)) {
        std::error_code ec;
        if (fs::exists(fs::path(dir) / "stack.stopped.json", ec))
            return fail("the stack here is stopped (stack.stopped.json); `kvroute stack up SCENARIO --dir " + dir +
                            "` starts a new one",
                        dir);
        return fail("no stack here (no stack.json); start one with `kvroute stack up SCENARIO --dir " + dir + "`", dir);
    }
    const auto j = nlohmann::json::parse(readFile(path), nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("processes"))
        return fail("not a kvroute stack state file", path.string());
    StackState s;
    s.dir = dir;
    s.scenario = j.value("scenario", "");
    if (const auto it = j.find("overrides"); it != j.end() && it->is_array())
        for (const auto& v : *it)
            if (v.is_string())
                s.overrides.push_back(v.get<std::string>());
    if (const auto it = j.find("time_scale"); it != j.end() && it->is_number())
        s.timeScale = it->get<double>();
    s.gatewayUrl = j.value("gateway_url", "");
    s.prometheusUrl = j.value("prometheus_url", "");
    for (const auto& p : j["processes"])
        s.processes.push_back(StackProcess{p.value("role", ""), p.value("name", ""), p.value("url", ""), p.value("pid", 0)});
    return s;
}

/// Moves what an earlier stack left in `dir` (its logs, request log, Prometheus data and state)
/// into the first free earlier-N/ folder. Only in a stack's folder (a stack.json or
/// stack.stopped.json is there), and only the names a stack writes: a user's own files stay.
Result<void> setAsideEarlierStack(const std::string& dir)
{
    std::error_code ec;
    if (!fs::exists(fs::path(dir) / "stack.json", ec) && !fs::exists(fs::path(dir) / "stack.stopped.json", ec))
        return {};
    static const std::regex kStackFile(R"(requests\.jsonl|tsdb|stack\.json|stack\.stopped\.json|prometheus\.yml|)"
                                       R"(prometheus\.log|gateway\.log|pod-[0-9]+\.log)");
    std::vector<fs::path> leftovers;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (std::regex_match(entry.path().filename().string(), kStackFile))
            leftovers.push_back(entry.path());
    }
    if (ec)
        return fail("cannot read the stack folder: " + ec.message(), dir);
    fs::path target;
    for (int n = 1; target.empty() || fs::exists(target, ec); ++n)
        target = fs::path(dir) / ("earlier-" + std::to_string(n));
    fs::create_directory(target, ec);
    for (const auto& path : leftovers) {
        if (!ec)
            fs::rename(path, target / path.filename(), ec);
    }
    if (ec)
        return fail("cannot move an earlier stack's files to " + target.string() + ": " + ec.message() +
                        " (what was moved is there, the rest here)",
                    dir);
    return {};
}

} // namespace

Result<StackState> stackUp(const StackUpOptions& o, const sim::Scenario& scenario, const std::string& kvroutePath)
{
    static const bool curlReady = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    if (!curlReady)
        return fail("libcurl could not be initialised");
    auto setup = sim::prepareRun(scenario);
    if (!setup)
        return std::unexpected(setup.error());
    const int pods = setup->scenario.cluster.pods;
    std::error_code ec;
    fs::create_directories(o.dir, ec);
    if (ec)
        return fail("cannot create the stack folder: " + ec.message(), o.dir);
    if (fs::exists(fs::path(o.dir) / "stack.json", ec)) {
        auto old = readState(o.dir);
        if (!old) // it may still run: its files are not moved from under it
            return fail("a stack.json is here that cannot be read (" + old.error().message +
                            "); stop that stack, or remove the file if nothing runs",
                        o.dir);
        for (const auto& p : old->processes)
            if (ours(p.pid, markerOf(p)))
                return fail("a stack is already up here (" + p.name + " is pid " + std::to_string(p.pid) +
                                "); `kvroute stack down --dir " + o.dir + "` first",
                            o.dir);
    }
    std::string prometheus;
    for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"})
        if (prometheus.empty() && fs::exists(fs::path(dir) / "prometheus"))
            prometheus = (fs::path(dir) / "prometheus").string();
    if (prometheus.empty())
        return fail("Prometheus is not installed: apt-get install prometheus (scripts/setup.sh does)", "prometheus");

    // Ports: pods, then the gateway, then Prometheus.
    // With vLLM's KV events on, each pod also publishes on a port of its own (after the others).
    const bool events = setup->scenario.vllm.kvEvents;
    const int portCount = pods + 2 + (events ? pods : 0);
    if (o.basePort != 0 && o.basePort + portCount - 1 > 65535)
        return fail("the stack needs " + std::to_string(portCount) + " ports from " + std::to_string(o.basePort) +
                        ", past 65535; a base port up to " + std::to_string(65535 - portCount + 1) + " leaves room",
                    "--base-port");
    std::vector<std::uint16_t> ports;
    for (int i = 0; i < portCount; ++i) {
        const int port = o.basePort ? bindProbe(static_cast<std::uint16_t>(o.basePort + i)) : bindProbe(0);
        if (port <= 0)
            return fail("port " + std::to_string(o.basePort + i) + " on 127.0.0.1 is in use", "--base-port");
        ports.push_back(static_cast<std::uint16_t>(port));
    }
    std::vector<std::string> scenarioArgs{fs::exists(o.scenario) ? fs::absolute(o.scenario).string() : o.scenario};
    for (const auto& s : o.overrides) {
        scenarioArgs.push_back("--set");
        scenarioArgs.push_back(s);
    }
    // An earlier stack's files move to earlier-N/: this stack's request log and Prometheus data
    // start fresh (a replay of requests.jsonl needs one clock), and nothing of the last is lost.
    // Only now that nothing is left to refuse the start.
    if (auto moved = setAsideEarlierStack(o.dir); !moved)
        return std::unexpected(moved.error());
    const fs::path dir = fs::absolute(o.dir);
    const std::string scale = std::to_string(o.timeScale);
    StackState state;
    state.dir = o.dir;
    state.scenario = scenarioArgs.front();
    state.overrides = o.overrides;
    state.timeScale = o.timeScale;
    std::optional<StopSignalsNoted> signals;
    if (o.stopOnSignals)
        signals.emplace();
    const auto stopIfInterrupted = [&]() -> Result<void> {
        if (!signals || signals->signal() == 0)
            return {};
        stopAll(state.processes);
        return fail(std::string(signals->signal() == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)") +
                        " while starting; stopped the " + std::to_string(state.processes.size()) +
                        " processes it had started",
                    o.dir);
    };
    const auto started = [&](Result<int> pid, StackProcess p) -> Result<void> {
        if (!pid) {
            stopAll(state.processes);
            return std::unexpected(pid.error());
        }
        p.pid = *pid;
        state.processes.push_back(std::move(p));
        return stopIfInterrupted();
    };
    std::string podUrls;
    std::string eventUrls;
    for (int i = 0; i < pods; ++i) {
        const std::string url = "http://127.0.0.1:" + std::to_string(ports[static_cast<std::size_t>(i)]);
        std::vector<std::string> args{kvroutePath, "pod"};
        args.insert(args.end(), scenarioArgs.begin(), scenarioArgs.end());
        for (const std::string& a : {std::string("--index"), std::to_string(i), std::string("--port"),
                                     std::to_string(ports[static_cast<std::size_t>(i)]), std::string("--time-scale"), scale,
                                     std::string("--enable-prompt-tokens-details")})
            args.push_back(a);
        if (events) {
            const auto eventPort = ports[static_cast<std::size_t>(pods + 2 + i)];
            args.push_back("--kv-events-config");
            args.push_back(R"({"enable_kv_cache_events": true, "publisher": "zmq", "endpoint": "tcp://*:)" +
                           std::to_string(eventPort) + "\"}");
            eventUrls += (eventUrls.empty() ? "" : ",") + std::string("tcp://127.0.0.1:") + std::to_string(eventPort);
        }
        if (auto r = started(spawn(args, (dir / ("pod-" + std::to_string(i) + ".log")).string()),
                             StackProcess{"pod", sim::podName(*setup, i), url});
            !r)
            return std::unexpected(r.error());
        podUrls += (podUrls.empty() ? "" : ",") + url;
    }
    const auto gatewayPort = ports[static_cast<std::size_t>(pods)];
    state.gatewayUrl = "http://127.0.0.1:" + std::to_string(gatewayPort);
    {
        std::vector<std::string> args{kvroutePath, "gateway"};
        args.insert(args.end(), scenarioArgs.begin(), scenarioArgs.end());
        for (const std::string& a : {std::string("--pods"), podUrls, std::string("--port"), std::to_string(gatewayPort),
                                     std::string("--request-log"), (dir / "requests.jsonl").string(),
                                     std::string("--time-scale"), scale})
            args.push_back(a);
        if (events) {
            args.push_back("--kv-events");
            args.push_back(eventUrls);
        }
        if (auto r = started(spawn(args, (dir / "gateway.log").string()), StackProcess{"gateway", "gateway", state.gatewayUrl}); !r)
            return std::unexpected(r.error());
    }
    const auto promPort = ports[static_cast<std::size_t>(pods + 1)];
    state.prometheusUrl = "http://127.0.0.1:" + std::to_string(promPort);
    {
        std::ofstream config(dir / "prometheus.yml");
        config << "# Written by kvroute stack up.\nglobal:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                  "scrape_configs:\n  - job_name: vllm-pods\n    static_configs:\n";
        // Each target labelled with its pod's name, as a Kubernetes PodMonitor labels it, so
        // the live view's per-pod queries (cluster/prometheus/promql.h) group `by (pod)` alike.
        for (int i = 0; i < pods; ++i)
            config << "      - targets: [\"127.0.0.1:" << ports[static_cast<std::size_t>(i)] << "\"]\n        labels: {pod: \""
                   << sim::podName(*setup, i) << "\"}\n";
        config << "  - job_name: kvroute-gateway\n    static_configs:\n      - targets: [\"127.0.0.1:" << gatewayPort
               << "\"]\n";
        if (!config) {
            stopAll(state.processes);
            return fail("cannot write prometheus.yml", dir.string());
        }
        std::vector<std::string> args{prometheus, "--config.file=" + (dir / "prometheus.yml").string(),
                                      "--storage.tsdb.path=" + (dir / "tsdb").string(),
                                      "--web.listen-address=127.0.0.1:" + std::to_string(promPort)};
        if (auto r = started(spawn(args, (dir / "prometheus.log").string()),
                             StackProcess{"prometheus", "prometheus", state.prometheusUrl});
            !r)
            return std::unexpected(r.error());
    }

    // Ready: every process answers, and Prometheus has scraped every target once.
    const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<long>(o.readyTimeoutSeconds * 1000));
    std::size_t ready = 0;
    while (true) {
        if (auto r = stopIfInterrupted(); !r)
            return std::unexpected(r.error());
        for (const auto& p : state.processes) {
            int status = 0;
            if (::waitpid(p.pid, &status, WNOHANG) == p.pid) {
                stopAll(state.processes);
                const std::string log = p.role == "pod" ? "pod-" + p.name.substr(p.name.rfind('-') + 1) + ".log"
                                                        : p.role + ".log";
                return fail(p.name + " exited while starting; its log (" + (dir / log).string() + ") ends:\n" +
                            logTail(dir / log));
            }
        }
        ready = 0;
        for (const auto& p : state.processes)
            ready += httpGet(healthUrl(p)).first == 200 ? 1 : 0;
        if (ready == state.processes.size()) {
            const auto [status, body] = httpGet(state.prometheusUrl + "/api/v1/query?query=up");
            const auto j = nlohmann::json::parse(body, nullptr, false);
            std::size_t up = 0;
            if (status == 200 && !j.is_discarded() && j.contains("data"))
                for (const auto& series : j["data"]["result"])
                    up += series["value"][1] == "1" ? 1 : 0;
            if (up == static_cast<std::size_t>(pods + 1))
                break;
        }
        if (Clock::now() > deadline) {
            stopAll(state.processes);
            return fail("the stack was not ready after " + std::to_string(static_cast<int>(o.readyTimeoutSeconds)) +
                            " s (" + std::to_string(ready) + " of " + std::to_string(state.processes.size()) +
                            " processes answering); logs in " + dir.string(),
                        o.dir);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    if (auto written = writeState(state); !written) {
        stopAll(state.processes);
        return std::unexpected(written.error());
    }
    for (auto& p : state.processes)
        p.running = p.healthy = true;
    return state;
}

Result<StackState> stackStatus(const std::string& dir)
{
    auto state = readState(dir);
    if (!state)
        return state;
    for (auto& p : state->processes) {
        p.running = ours(p.pid, markerOf(p));
        p.healthy = p.running && httpGet(healthUrl(p)).first == 200;
    }
    return state;
}

Result<StackState> stackDown(const std::string& dir)
{
    auto state = readState(dir);
    if (!state)
        return state;
    stopAll(state->processes);
    for (auto& p : state->processes)
        p.running = ours(p.pid, markerOf(p));
    std::error_code ec;
    fs::rename(fs::path(dir) / "stack.json", fs::path(dir) / "stack.stopped.json", ec);
    return state;
}

std::string stackStateJson(const StackState& s)
{
    nlohmann::ordered_json processes = nlohmann::ordered_json::array();
    nlohmann::ordered_json pods = nlohmann::ordered_json::array();
    for (const auto& p : s.processes) {
        processes.push_back({{"role", p.role}, {"name", p.name}, {"url", p.url}, {"pid", p.pid}});
        if (p.role == "pod")
            pods.push_back({{"name", p.name}, {"url", p.url}, {"pid", p.pid}});
    }
    nlohmann::ordered_json j{{"scenario", s.scenario},
                             {"overrides", s.overrides},
                             {"time_scale", s.timeScale},
                             {"gateway_url", s.gatewayUrl},
                             {"prometheus_url", s.prometheusUrl},
                             {"pods", pods},
                             {"processes", processes}};
    return j.dump(2);
}

std::string stackStateText(const StackState& s)
{
    std::ostringstream out;
    out << "stack in " << s.dir << " (" << s.scenario << ")\n  gateway:    " << s.gatewayUrl
        << "\n  prometheus: " << s.prometheusUrl << "\n\n  role        name                          pid     state\n";
    for (const auto& p : s.processes) {
        std::string name = p.name;
        name.resize(std::max<std::size_t>(name.size(), 30), ' ');
        std::string role = p.role;
        role.resize(std::max<std::size_t>(role.size(), 11), ' ');
        out << "  " << role << ' ' << name << ' ' << p.pid << "   "
            << (!p.running ? "stopped" : p.healthy ? "healthy" : "running, not answering") << '\n';
    }
    return out.str();
}

} // namespace kvroute::cluster
