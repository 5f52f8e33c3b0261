// `kvroute live compare` and `kvroute live watch`: live mode, headless.
#include "app/cli/commands.h"
#include "app/cli/number_range.h"
#include "app/cli/progress_bar.h"
#include "app/cli/prometheus_arguments.h"

#include "cluster/live/live_compare.h"
#include "cluster/prometheus/live_snapshot.h"
#include "cluster/stack/stack.h"

#include <CLI/CLI.hpp>

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <thread>

namespace kvroute::cli {

namespace {

// Ctrl-C and SIGTERM end a watch or a comparison cleanly (a stack it brought up is brought down).
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};

extern "C" void onInterrupt(int signal)
{
    g_signal.store(signal);
    g_interrupted.store(true);
}

class InterruptGuard {
public:
    InterruptGuard()
    {
        g_interrupted = false;
        g_signal = 0;
        m_int = std::signal(SIGINT, &onInterrupt);
        m_term = std::signal(SIGTERM, &onInterrupt);
    }
    ~InterruptGuard()
    {
        std::signal(SIGINT, m_int);
        std::signal(SIGTERM, m_term);
    }
    InterruptGuard(const InterruptGuard&) = delete;
    InterruptGuard& operator=(const InterruptGuard&) = delete;

private:
    void (*m_int)(int) = nullptr;
    void (*m_term)(int) = nullptr;
};

std::string clockText()
{
    const std::time_t now = std::time(nullptr);
    char buf[16];
    std::strftime(buf, sizeof buf, "%H:%M:%S", std::localtime(&now));
    return buf;
}

struct WatchOptions {
    PrometheusArguments prometheus;
    double interval = 2;
    int count = 0;
    bool json = false;
};

int watchCommand(const WatchOptions& o)
{
    auto target = resolveTarget(o.prometheus, std::clamp(o.interval, 1.0, 10.0));
    if (!target) {
        std::cerr << "kvroute: " << target.error().toString() << '\n';
        return kExitBadInput;
    }
    InterruptGuard guard;
    cluster::PrometheusClient client(target->endpoint);
    client.setCancel(&g_interrupted); // Ctrl-C ends a query in flight, not after its timeout
    const bool terminal = !o.json && ::isatty(STDOUT_FILENO);
    bool lastFailed = false;
    for (int n = 0; (o.count == 0 || n < o.count) && !g_interrupted; ++n) {
        const auto next = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.interval);
        auto snapshot = cluster::fetchLiveSnapshot(client, target->selector, target->window);
        if (g_interrupted)
            break; // a watch stopped by Ctrl-C or SIGTERM ends normally
        lastFailed = !snapshot.has_value();
        if (o.json) {
            if (snapshot)
                std::cout << cluster::liveSnapshotJson(*snapshot, -1) << std::endl;
            else
                std::cerr << "kvroute: " << snapshot.error().message << '\n';
        } else {
            std::cout << (terminal ? "\x1b[H\x1b[2J" : (n ? "\n" : "")) << "kvroute live watch: " << cluster::displayUrl(target->endpoint.url)
                      << "   " << clockText() << "   every " << o.interval << " s" << (terminal ? ", Ctrl-C to stop" : "")
                      << "\n\n";
            if (snapshot)
                std::cout << cluster::liveSnapshotText(*snapshot);
            else
                std::cout << "error: " << snapshot.error().message
                          << (o.count == 0 || n + 1 < o.count ? "\n(retrying)\n" : "\n");
            std::cout << std::flush;
        }
        while (!g_interrupted && std::chrono::steady_clock::now() < next && (o.count == 0 || n + 1 < o.count))
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return lastFailed ? kExitRunFailed : 0;
}

struct CompareCommandOptions {
    std::string scenario;
    std::vector<std::string> overrides;
    std::string stackDir;
    bool up = false;
    std::string dir;
    bool keep = false;
    double timeScale = 0.1;
    bool timeScaleGiven = false;
    cluster::CompareOptions compare;
    std::string jsonPath;
    double maxGap = -1;
    bool quiet = false;
};

int compareCommand(CompareCommandOptions& o)
{
    if (o.up == !o.stackDir.empty()) {
        std::cerr << "kvroute: give exactly one of --stack DIR (a running stack) and --up (bring one up)\n";
        return kExitBadInput;
    }
    if (!o.jsonPath.empty())
        if (const auto why = unwritable(o.jsonPath, false)) {
            std::cerr << "kvroute: --json: " << *why << '\n';
            return kExitBadInput;
        }
    if (auto valid = cluster::checkCompareOptions(o.compare); !valid) {
        std::cerr << "kvroute: " << valid.error().toString() << '\n';
        return kExitBadInput;
    }
    if (!o.stackDir.empty())
        for (const auto& [given, option] : {std::pair{o.keep, "--keep"}, std::pair{!o.dir.empty(), "--dir"},
                                            std::pair{o.timeScaleGiven, "--time-scale"}})
            if (given) {
                std::cerr << "kvroute: " << option << " is for --up (a stack this command brings up); a running stack "
                          << "keeps its own folder and time scale\n";
                return kExitBadInput;
            }
    if (o.up && !o.dir.empty() && std::filesystem::exists(o.dir) && !std::filesystem::is_directory(o.dir)) {
        std::cerr << "kvroute: --dir: " << o.dir << " is a file, not a folder\n";
        return kExitBadInput;
    }
    if (o.up && !o.dir.empty() && std::filesystem::exists(std::filesystem::path(o.dir) / "stack.json")) {
        std::cerr << "kvroute: --dir: a stack is already up in " << o.dir << "; compare it with --stack " << o.dir
                  << ", or give another folder\n";
        return kExitBadInput;
    }
    InterruptGuard guard;
    o.compare.cancel = &g_interrupted;
    std::string scenarioName = o.scenario;
    std::vector<std::string> overrides;
    cluster::StackState state;
    std::string broughtUp; // the folder of a stack this command started (and stops)
    if (!o.stackDir.empty()) {
        auto status = cluster::stackStatus(o.stackDir);
        if (!status) {
            std::cerr << "kvroute: " << status.error().toString() << '\n';
            return kExitBadInput;
        }
        for (const auto& p : status->processes)
            if (!p.healthy) {
                std::cerr << "kvroute: the stack's " << p.name << " does not answer; `kvroute stack status --dir "
                          << o.stackDir << "`\n";
                return kExitRunFailed;
            }
        state = *status;
        const std::string asGiven =
            std::filesystem::exists(o.scenario) ? std::filesystem::absolute(o.scenario).string() : o.scenario;
        if (!o.scenario.empty() && asGiven != state.scenario) {
            std::cerr << "kvroute: the stack in " << o.stackDir << " runs '" << state.scenario << "', not '" << o.scenario
                      << "'; omit SCENARIO to compare the stack's own, or use --up\n";
            return kExitBadInput;
        }
        if (auto r = cluster::checkOverridesForRunningStack(o.overrides); !r) {
            std::cerr << "kvroute: " << r.error().toString() << '\n';
            return kExitBadInput;
        }
        scenarioName = state.scenario;
        overrides = state.overrides;
        overrides.insert(overrides.end(), o.overrides.begin(), o.overrides.end());
    } else {
        if (o.scenario.empty()) {
            std::cerr << "kvroute: --up needs a SCENARIO to bring up\n";
            return kExitBadInput;
        }
        overrides = o.overrides;
    }
    auto scenario = loadScenarioArgument(scenarioName, overrides);
    if (!scenario) {
        std::cerr << "kvroute: " << scenario.error().toString() << '\n';
        return kExitBadInput;
    }
    bool madeFolder = false; // a temporary folder of ours, removed with the stack
    // Removed on the way out, after the report that names it.
    struct FolderRemover {
        std::string path;
        bool armed = false;
        ~FolderRemover()
        {
            if (!armed)
                return;
            std::error_code ec;
            std::filesystem::remove_all(path, ec);
            if (ec)
                std::cerr << "kvroute: cannot remove " << path << ": " << ec.message() << '\n';
        }
    } removeFolder;
    if (o.up) {
        std::string dir = o.dir;
        if (dir.empty()) {
            const char* tmp = std::getenv("TMPDIR");
            std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/kvroute-compare.XXXXXX";
            if (!::mkdtemp(pattern.data())) {
                std::cerr << "kvroute: cannot make a folder for the stack: " << std::strerror(errno) << '\n';
                return kExitRunFailed;
            }
            dir = pattern;
            madeFolder = true;
            removeFolder.path = dir;
        }
        cluster::StackUpOptions up;
        up.scenario = o.scenario;
        up.overrides = o.overrides;
        up.dir = dir;
        up.timeScale = o.timeScale;
        up.stopOnSignals = true;
        if (!o.quiet)
            std::cerr << "kvroute: bringing up " << o.scenario << " in " << dir << " (time scale " << o.timeScale << ")\n";
        auto started = cluster::stackUp(up, *scenario, selfPath());
        if (!started) {
            std::error_code ignored;
            if (madeFolder) // only while empty: the logs of a failed start stay to be read
                std::filesystem::remove(dir, ignored);
            std::cerr << "kvroute: " << started.error().toString() << '\n';
            return kExitRunFailed;
        }
        state = *started;
        broughtUp = dir;
    }
    const auto bringDown = [&] {
        if (broughtUp.empty())
            return;
        if (o.keep) {
            std::cerr << "kvroute: the stack stays up in " << broughtUp << " (`kvroute stack down --dir " << broughtUp << "`)\n";
            return;
        }
        auto down = cluster::stackDown(broughtUp);
        if (!down) {
            std::cerr << "kvroute: stack down: " << down.error().toString() << '\n';
            return;
        }
        const bool allStopped = std::ranges::none_of(down->processes, [](const auto& p) { return p.running; });
        if (madeFolder && !allStopped)
            std::cerr << "kvroute: a process of the stack outlived `stack down`: its folder " << broughtUp
                      << " stays\n";
        removeFolder.armed = madeFolder && allStopped;
    };

    ProgressBar bar(!o.quiet);
    o.compare.progress = [&bar](double f, const std::string& label) { bar.update(f, label); };
    auto report = cluster::compareLive(*scenario, state, o.compare);
    bar.finish();
    bringDown();
    if (!report) {
        std::cerr << "kvroute: " << (g_interrupted ? std::string("interrupted") : report.error().toString()) << '\n';
        return g_interrupted ? 128 + g_signal.load() : kExitRunFailed;
    }
    std::cout << cluster::compareReportText(*report);
    if (!o.jsonPath.empty()) {
        std::ofstream out(o.jsonPath);
        out << cluster::compareReportJson(*report) << '\n';
        if (!out) {
            std::cerr << "kvroute: cannot write " << o.jsonPath << ": " << std::strerror(errno) << '\n';
            return kExitRunFailed;
        }
    }
    if (report->load.requestsCompleted == 0) {
        std::cerr << "kvroute: no request was answered on the live side"
                  << (report->load.firstError.empty() ? "" : ": " + report->load.firstError) << '\n';
        return kExitRunFailed;
    }
    if (o.maxGap >= 0 && !(std::abs(report->hitRateGap) <= o.maxGap)) {
        std::fprintf(stderr, "kvroute: the live hit rate %.4f differs from the simulated %.4f by %.4f, beyond --max-hit-rate-gap %g\n",
                     report->prometheusHitRate, report->simulated.hitRate, std::abs(report->hitRateGap), o.maxGap);
        return kExitGateFailed;
    }
    return 0;
}

} // namespace

void addLiveCommand(CLI::App& app, int& exitCode)
{
    auto* live = app.add_subcommand("live", "Live mode: real Prometheus numbers, alone or beside the simulation");
    live->require_subcommand(1);

    auto c = std::make_shared<CompareCommandOptions>();
    auto* compare = live->add_subcommand(
        "compare", "Run a scenario's workload on the local stack and show Prometheus's numbers beside the simulator's");
    compare->add_option("scenario", c->scenario, "built-in scenario or YAML file (with --stack: default the stack's own)");
    compare->add_option("--set", c->overrides, "override a scenario key (repeatable; on a running stack only workload keys)");
    compare->add_option("--stack", c->stackDir, "a stack that is up (`kvroute stack up ... --dir DIR`)")->type_name("DIR");
    compare->add_flag("--up", c->up, "bring a stack up for the comparison and down after it");
    compare
        ->add_option("--dir", c->dir,
                     "with --up: the stack's folder (default: a new temporary one, removed afterwards unless --keep)")
        ->type_name("DIR");
    compare->add_flag("--keep", c->keep, "with --up: leave the stack running afterwards");
    auto* timeScale = compare->add_option("--time-scale", c->timeScale, "with --up: the pods' wall seconds per simulated second")
        ->capture_default_str()->transform(numberIn(0.001, 1000.0));
    compare->add_option("--duration", c->compare.durationSeconds, "simulated seconds of arrivals (default: the scenario's)");
    compare->add_option("--max-inflight", c->compare.maxInflight,
                        "the load's requests in flight at once (default: the scenario's workload.client.max_in_flight)")
        ->transform(numberIn(1, 100000));
    compare->add_option("--json", c->jsonPath, "write the comparison as JSON to FILE")->type_name("FILE");
    compare->add_option("--max-hit-rate-gap", c->maxGap, "exit 3 when |live − simulated| cluster hit rate exceeds G")
        ->transform(numberIn(0.0, 1.0));
    compare->add_flag("--quiet,-q", c->quiet, "no progress");
    compare->callback([c, timeScale, &exitCode] {
        c->timeScaleGiven = timeScale->count() > 0;
        exitCode = compareCommand(*c);
    });

    auto w = std::make_shared<WatchOptions>();
    auto* watch = live->add_subcommand("watch", "Refresh a per-pod table of a Prometheus's vLLM hit rates, queues and KV use");
    addPrometheusOptions(watch, w->prometheus);
    watch->add_option("--interval", w->interval, "seconds between refreshes")->capture_default_str()->transform(numberIn(0.2, 3600.0));
    watch->add_option("--count", w->count, "stop after N refreshes (default: until Ctrl-C)")->transform(numberIn(1, 1000000000));
    watch->add_flag("--json", w->json, "one JSON object per refresh on stdout (errors on stderr)");
    watch->callback([w, &exitCode] { exitCode = watchCommand(*w); });
}

} // namespace kvroute::cli
