// kvroute-bench: wall time, CPU time and peak memory of whole scenario runs (a benchmark, not a
// test). Each case runs in its own child process so peak RSS and CPU time belong to that case
// alone.
//
//   build/bin/kvroute-bench                 the standard cases
//   build/bin/kvroute-bench --quick         default + llmd-shared-prefix (precise) only
//   build/bin/kvroute-bench --repeat N      N runs per case; prints the fastest and the median
//   build/bin/kvroute-bench --scaling       + llmd-shared-prefix precise on 8/32/64/128 pods, the
//                                           ladder's rates × pods/8, 17,084 requests each
//   build/bin/kvroute-bench --large         + the whole ladder on 128 pods, rates × 16 (273k requests),
//                                           with the client's 800 in flight and with 12,800
//   build/bin/kvroute-bench --mooncake FILE + `mooncake` replaying FILE (Mooncake's
//                                           conversation_trace.jsonl) on 1 pod
//   build/bin/kvroute-bench --only-extra    skip the standard cases (with the options above)
//   build/bin/kvroute-bench --small-pages   without the huge-page heap `kvroute run` asks for
// Wall time on a shared machine is noisy: compare CPU time (user + sys), or the fastest of
// several runs.

#include "app/cli/huge_pages.h"
#include "sim/fleet/cluster_run.h"
#include "sim/scenario/scenario_yaml.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace {

struct Case {
    std::string label;
    std::string scenario;
    std::vector<std::string> overrides;
};

struct Measurement {
    double wallSeconds = 0;
    double cpuSeconds = 0; ///< user + sys of the whole child, scenario parsing included
    double peakMiB = 0;
    long long requests = 0;
    long long steps = 0; ///< engine steps over all pods: the simulated work besides requests
    double hitRate = 0;
    bool ok = false;
};

double seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); }

Measurement runInChild(const Case& c)
{
    int fds[2];
    if (pipe(fds) != 0)
        return {};
    const pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        Measurement m;
        auto scenario = kvroute::sim::builtinScenario(c.scenario);
        if (scenario && kvroute::sim::applyOverrides(*scenario, c.overrides)) {
            const auto start = std::chrono::steady_clock::now();
            const auto results = kvroute::sim::runScenario(*scenario);
            m.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
            if (results) {
                m.ok = true;
                m.requests = results->requestsCompleted;
                m.steps = results->engineSteps;
                m.hitRate = results->hitRate;
            }
        }
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        m.peakMiB = static_cast<double>(usage.ru_maxrss) / 1024.0;
        m.cpuSeconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
        const auto written = write(fds[1], &m, sizeof m);
        _exit(written == sizeof m ? 0 : 1);
    }
    close(fds[1]);
    Measurement m;
    const auto got = read(fds[0], &m, sizeof m);
    close(fds[0]);
    int status = 0;
    waitpid(pid, &status, 0);
    if (got != sizeof m)
        m.ok = false;
    return m;
}

/// `--set` value for llmd-shared-prefix's ladder with every rate multiplied by `factor`, so
/// that `factor` times the pods see the same load per pod.
std::string scaledLadder(double factor)
{
    const auto scenario = kvroute::sim::builtinScenario("llmd-shared-prefix");
    std::string out = "workload.shared_prefix.stages=[";
    if (!scenario)
        return out + "]";
    for (const auto& stage : scenario->workload.sharedPrefix.stages) {
        if (out.back() != '[')
            out += ',';
        out += '[' + std::to_string(stage.rate * factor) + ',' + std::to_string(stage.durationSeconds) + ']';
    }
    return out + "]";
}

/// The ladder on `pods` pods at rates × pods/8; `maxRequests` 0 = the whole ladder. The rates
/// alone do not give each pod the load it has on 8 pods: the client's max_in_flight (800) caps
/// the requests out, so 128 pods hold about 6 each instead of 100. `scaleClient` scales that
/// cap by pods/8 too, for the same load per pod.
Case scaledSharedPrefix(int pods, long long maxRequests, bool scaleClient = false)
{
    Case c{"llmd-shared-prefix precise, " + std::to_string(pods) + " pods",
           "llmd-shared-prefix",
           {"routing.profile=precise", "cluster.pods=" + std::to_string(pods), scaledLadder(pods / 8.0)}};
    if (maxRequests > 0) {
        c.label += ", " + std::to_string(maxRequests) + " req";
        c.overrides.push_back("workload.max_requests=" + std::to_string(maxRequests));
    }
    if (scaleClient) {
        const auto scenario = kvroute::sim::builtinScenario("llmd-shared-prefix");
        const long long cap = scenario ? scenario->workload.client.maxInFlight : 800;
        c.label += ", client x" + std::to_string(pods / 8);
        c.overrides.push_back("workload.client.max_in_flight=" + std::to_string(cap * pods / 8));
    }
    return c;
}

double median(std::vector<double> values)
{
    std::ranges::sort(values);
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    bool quick = false;
    bool scaling = false;
    bool large = false;
    bool onlyExtra = false;
    bool smallPages = false;
    std::string mooncakeTrace;
    int repeat = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0)
            quick = true;
        else if (std::strcmp(argv[i], "--scaling") == 0)
            scaling = true;
        else if (std::strcmp(argv[i], "--large") == 0)
            large = true;
        else if (std::strcmp(argv[i], "--only-extra") == 0)
            onlyExtra = true;
        else if (std::strcmp(argv[i], "--small-pages") == 0)
            smallPages = true;
        else if (std::strcmp(argv[i], "--mooncake") == 0 && i + 1 < argc)
            mooncakeTrace = argv[++i];
        else if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: kvroute-bench [--quick] [--repeat N] [--scaling] [--large] "
                                 "[--mooncake TRACE.jsonl] [--only-extra] [--small-pages]\n");
            return 2;
        }
    }
    // As `kvroute run` does (app/cli/huge_pages.h); --small-pages measures without.
    kvroute::cli::preferHugePages(argv, !smallPages);
    std::vector<Case> cases;
    if (!onlyExtra) {
        cases.push_back({"default", "default", {}});
        cases.push_back({"llmd-shared-prefix precise", "llmd-shared-prefix", {"routing.profile=precise"}});
    }
    if (!quick && !onlyExtra) {
        for (const char* p : {"approximate", "load", "random"})
            cases.push_back({std::string("llmd-shared-prefix ") + p, "llmd-shared-prefix",
                             {std::string("routing.profile=") + p}});
        for (const int n : {2000, 4000, 8000})
            cases.push_back({"llmd-shared-prefix precise, " + std::to_string(n) + " requests", "llmd-shared-prefix",
                             {"workload.max_requests=" + std::to_string(n)}});
    }
    if (scaling) {
        for (const int pods : {8, 32, 64, 128})
            cases.push_back(scaledSharedPrefix(pods, 17084));
    }
    if (large) {
        cases.push_back(scaledSharedPrefix(128, 0));
        cases.push_back(scaledSharedPrefix(128, 0, true));
    }
    if (!mooncakeTrace.empty())
        cases.push_back({"mooncake conversation trace, 1 pod",
                         "mooncake",
                         {"workload.path=" + mooncakeTrace, "duration=3600", "cluster.pods=1"}});

    std::printf("heap: %s\n", kvroute::cli::heapPages());
    std::printf("%-50s %8s %9s %9s %9s %8s %9s %7s %7s %8s\n", "case", "requests", "fastest s", "median s", "median",
                "peak", "CPU µs/", "steps/", "CPU µs/", "hit rate");
    std::printf("%-50s %8s %9s %9s %9s %8s %9s %7s %7s %8s\n", "", "", "wall", "wall", "CPU s", "MiB", "request",
                "request", "step", "");
    int failures = 0;
    for (const auto& c : cases) {
        std::vector<Measurement> runs;
        for (int r = 0; r < repeat; ++r)
            runs.push_back(runInChild(c));
        if (std::ranges::any_of(runs, [](const Measurement& m) { return !m.ok; })) {
            std::printf("%-50s FAILED\n", c.label.c_str());
            ++failures;
            continue;
        }
        std::vector<double> walls;
        std::vector<double> cpus;
        for (const auto& m : runs) {
            walls.push_back(m.wallSeconds);
            cpus.push_back(m.cpuSeconds);
        }
        const Measurement& first = runs.front();
        const double cpu = median(cpus);
        const auto per = [](double value, long long count) { return count ? value / static_cast<double>(count) : 0.0; };
        std::printf("%-50s %8lld %9.3f %9.3f %9.3f %8.1f %9.1f %7.1f %7.2f %7.1f%%\n", c.label.c_str(), first.requests,
                    *std::ranges::min_element(walls), median(walls), cpu, first.peakMiB, per(1e6 * cpu, first.requests),
                    per(static_cast<double>(first.steps), first.requests), per(1e6 * cpu, first.steps),
                    100.0 * first.hitRate);
        std::fflush(stdout);
    }
    return failures ? 1 : 0;
}
