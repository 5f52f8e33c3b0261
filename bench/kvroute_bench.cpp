// kvroute-bench: wall time and peak memory of whole scenario runs (a benchmark, not a test).
// Each case runs in its own child process so peak RSS belongs to that case alone.
//
//   build/bin/kvroute-bench                 all cases
//   build/bin/kvroute-bench --quick         default + llmd-shared-prefix (precise) only
//   build/bin/kvroute-bench --repeat N      N runs per case; prints the fastest and the median
// Wall time on a shared machine is noisy: compare the fastest of several runs.

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
    double peakMiB = 0;
    long long requests = 0;
    double hitRate = 0;
    bool ok = false;
};

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
                m.hitRate = results->hitRate;
            }
        }
        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        m.peakMiB = static_cast<double>(usage.ru_maxrss) / 1024.0;
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

} // namespace

int main(int argc, char** argv)
{
    bool quick = false;
    int repeat = 1;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--quick") == 0)
            quick = true;
        else if (std::strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: kvroute-bench [--quick] [--repeat N]\n");
            return 2;
        }
    }
    std::vector<Case> cases{{"default", "default", {}},
                            {"llmd-shared-prefix precise", "llmd-shared-prefix", {"routing.profile=precise"}}};
    if (!quick) {
        for (const char* p : {"approximate", "load", "random"})
            cases.push_back({std::string("llmd-shared-prefix ") + p, "llmd-shared-prefix",
                             {std::string("routing.profile=") + p}});
        for (const int n : {2000, 4000, 8000})
            cases.push_back({"llmd-shared-prefix precise, " + std::to_string(n) + " requests", "llmd-shared-prefix",
                             {"workload.max_requests=" + std::to_string(n)}});
    }
    std::printf("%-44s %9s %9s %9s %9s %11s %9s\n", "case", "requests", "fastest s", "median s", "peak MiB",
                "µs/request", "hit rate");
    int failures = 0;
    for (const auto& c : cases) {
        std::vector<Measurement> runs;
        for (int r = 0; r < repeat; ++r)
            runs.push_back(runInChild(c));
        if (std::ranges::any_of(runs, [](const Measurement& m) { return !m.ok; })) {
            std::printf("%-44s FAILED\n", c.label.c_str());
            ++failures;
            continue;
        }
        std::ranges::sort(runs, {}, &Measurement::wallSeconds);
        const Measurement& fastest = runs.front();
        const double median = runs[runs.size() / 2].wallSeconds;
        std::printf("%-44s %9lld %9.3f %9.3f %9.1f %11.1f %8.1f%%\n", c.label.c_str(), fastest.requests,
                    fastest.wallSeconds, median, fastest.peakMiB,
                    fastest.requests ? 1e6 * fastest.wallSeconds / static_cast<double>(fastest.requests) : 0.0,
                    100.0 * fastest.hitRate);
        std::fflush(stdout);
    }
    return failures ? 1 : 0;
}
