// kvroute-bench: wall time and peak memory of whole scenario runs (a benchmark, not a test).
// Each case runs in its own child process so peak RSS belongs to that case alone.
//
//   build/bin/kvroute-bench            all cases
//   build/bin/kvroute-bench --quick    default + llmd-shared-prefix (precise) only

#include "sim/fleet/cluster_run.h"
#include "sim/scenario/scenario_yaml.h"

#include <chrono>
#include <cstdio>
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
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
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
    std::printf("%-44s %10s %9s %10s %11s %9s\n", "case", "requests", "wall s", "peak MiB", "µs/request", "hit rate");
    int failures = 0;
    for (const auto& c : cases) {
        const auto m = runInChild(c);
        if (!m.ok) {
            std::printf("%-44s FAILED\n", c.label.c_str());
            ++failures;
            continue;
        }
        std::printf("%-44s %10lld %9.3f %10.1f %11.1f %8.1f%%\n", c.label.c_str(), m.requests, m.wallSeconds, m.peakMiB,
                    m.requests ? 1e6 * m.wallSeconds / static_cast<double>(m.requests) : 0.0, 100.0 * m.hitRate);
        std::fflush(stdout);
    }
    return failures ? 1 : 0;
}
