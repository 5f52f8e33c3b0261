// `kvroute sweep emit-job`: the sweep as a Kubernetes Indexed Job (cluster/sweep/sweep_job.h).
#include "app/cli/commands.h"
#include "app/cli/number_range.h"

#include "cluster/sweep/sweep_job.h"
#include "sim/sweep/sweep.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct JobOptions {
    std::string scenario;
    std::vector<std::string> overrides;
    std::vector<std::string> params;
    int repeat = 1;
    int shards = 0;
    cluster::SweepJobOptions job;
    std::string out = "-";
};

int jobCommand(JobOptions& o)
{
    auto base = loadScenarioArgument(o.scenario, o.overrides);
    if (!base) {
        std::cerr << "kvroute: " << base.error().toString() << '\n';
        return kExitBadInput;
    }
    sim::SweepGrid grid{{}, o.repeat};
    for (const auto& text : o.params) {
        auto p = sim::parseSweepParameter(text);
        if (!p) {
            std::cerr << "kvroute: " << p.error().toString() << '\n';
            return kExitBadInput;
        }
        grid.parameters.push_back(std::move(*p));
    }
    for (auto check : {sim::checkSweepParameters(grid.parameters, grid.repeats), sim::checkSweepOverrides(grid.parameters, o.overrides)})
        if (!check) {
            std::cerr << "kvroute: " << check.error().toString() << '\n';
            return kExitBadInput;
        }
    if (auto distinct = sim::checkSweepValuesDistinct(*base, grid.parameters); !distinct) {
        std::cerr << "kvroute: " << distinct.error().toString() << '\n';
        return kExitBadInput;
    }
    // Every point is checked here, so a Job never starts pods for a grid that cannot run.
    const auto points = sim::expandSweepGrid(grid.parameters, grid.repeats, base->seed);
    if (auto r = sim::validateSweep(*base, points); !r) {
        std::cerr << "kvroute: " << r.error().toString() << '\n';
        return kExitBadInput;
    }
    o.job.shards = o.shards > 0 ? o.shards : o.job.parallelism;
    if (o.job.shards > static_cast<int>(points.size())) {
        std::cerr << "kvroute: " << (o.shards > 0 ? "--shards " : "--parallelism (and so the shards) ") << o.job.shards
                  << " is more than the grid's " << points.size() << " points; some pods would have nothing to do\n";
        return kExitBadInput;
    }
    auto yaml = cluster::renderSweepJob(*base, grid, o.job);
    if (!yaml) {
        std::cerr << "kvroute: " << yaml.error().toString() << '\n';
        return kExitBadInput;
    }
    if (o.out == "-") {
        std::cout << *yaml;
    } else {
        if (const auto why = unwritable(o.out, false)) {
            std::cerr << "kvroute: " << o.out << ": cannot write there: " << *why << '\n';
            return kExitBadInput;
        }
        std::ofstream file(o.out, std::ios::trunc);
        file << *yaml;
        file.close();
        if (!file) {
            std::cerr << "kvroute: cannot write " << o.out << ": " << std::strerror(errno) << '\n';
            return kExitRunFailed;
        }
    }
    const auto counted = [](std::size_t n, const char* one, const char* many) {
        return std::to_string(n) + ' ' + (n == 1 ? one : many);
    };
    std::cerr << counted(points.size(), "point", "points") << " in "
              << counted(static_cast<std::size_t>(o.job.shards), "shard", "shards") << ", "
              << counted(static_cast<std::size_t>(o.job.parallelism), "pod", "pods") << " at a time"
              << ". Apply: kubectl apply -f " << (o.out == "-" ? "FILE" : o.out)
              << (o.job.pvc.empty()
                      ? "; the results go to an emptyDir and are lost with each pod: give --pvc to keep and merge them\n"
                      : "; when it completes, merge /results/shard-*.jsonl on the claim with `kvroute sweep merge`\n");
    return 0;
}

} // namespace

void addSweepJobCommand(CLI::App& sweep, int& exitCode)
{
    auto o = std::make_shared<JobOptions>();
    auto* cmd = sweep.add_subcommand("emit-job", "Write the sweep as a Kubernetes Indexed Job (one shard per completion) and its ConfigMap");
    cmd->add_option("scenario", o->scenario, "built-in scenario name or YAML file")->required();
    cmd->add_option("--param", o->params, "path=v1,v2,... or path=start:stop:step (repeatable)")->required();
    cmd->add_option("--set", o->overrides, "override a key of the base scenario (repeatable)");
    cmd->add_option("--repeat", o->repeat, "runs per point")->transform(numberIn(1, 1000));
    cmd->add_option("--image", o->job.image, "image with kvroute on PATH (deploy/Containerfile)")->required();
    cmd->add_option("--parallelism", o->job.parallelism, "pods running at once")->required()->transform(numberIn(1, 100000));
    cmd->add_option("--shards", o->shards, "completions, each a slice of the grid (default: --parallelism)")
        ->transform(numberIn(1, 100000));
    cmd->add_option("--jobs-per-pod", o->job.threadsPerPod,
                    "sweep points run at once per pod, each on a thread with a CPU and 512Mi requested")
        ->capture_default_str()->transform(numberIn(1, 256));
    // The renderer reads an empty quantity as "the default"; given on the command line it is
    // almost always a shell variable that was not set, so it is refused here instead.
    const auto quantity = [](const char* example) {
        return CLI::Validator(
            [example](const std::string& text) {
                if (!text.empty())
                    return std::string();
                return std::string("'' is empty (usually a shell variable that is not set); give a quantity such as ") +
                       example + ", or leave the option out for its default";
            },
            "QUANTITY");
    };
    cmd->add_option("--cpu-request", o->job.cpuRequest, "CPUs requested per pod, 1m to 4096 (default: --jobs-per-pod)")
        ->check(quantity("500m or 2"));
    cmd->add_option("--cpu-limit", o->job.cpuLimit,
                    "CPU limit per pod, 1m to 4096 (default: --jobs-per-pod, or the request if higher)")
        ->check(quantity("500m or 2"));
    cmd->add_option("--memory-request", o->job.memoryRequest,
                    "memory requested per pod, 64Mi per --jobs-per-pod to 64Ti (default: 512Mi per --jobs-per-pod)")
        ->check(quantity("1536Mi or 2Gi"));
    cmd->add_option("--memory-limit", o->job.memoryLimit,
                    "memory limit per pod, 64Mi per --jobs-per-pod to 64Ti (default: 2Gi per --jobs-per-pod, or the "
                    "request if higher)")
        ->check(quantity("1536Mi or 2Gi"));
    cmd->add_option("--pvc", o->job.pvc, "PersistentVolumeClaim for the results, ReadWriteMany when --parallelism > 1 "
                                         "(default: an emptyDir)");
    cmd->add_option("--fs-group", o->job.fsGroup,
                    "the pod's fsGroup, so a new root-owned --pvc is writable (plain Kubernetes; OpenShift sets it)")
        ->transform(numberIn(0, 2147483647));
    cmd->add_option("--namespace,-n", o->job.ns, "namespace of the Job and ConfigMap");
    cmd->add_option("--name", o->job.name, "Job and ConfigMap name (default: kvroute-sweep-<grid id>)");
    cmd->add_option("--out,-o", o->out, "file to write the YAML to (default: stdout)")->capture_default_str();
    cmd->callback([o, &exitCode] { exitCode = jobCommand(*o); });
}

} // namespace kvroute::cli
