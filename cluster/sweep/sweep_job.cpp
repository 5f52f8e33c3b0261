#include "cluster/sweep/sweep_job.h"

#include "sim/scenario/scenario_yaml.h"
#include "sim/workload/builtin_traces.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <tuple>

namespace kvroute::cluster {

namespace {

// A ConfigMap holds at most 1 MiB in all; leave room for the scenario and the metadata.
constexpr std::uintmax_t kMaxEmbeddedBytes = 900 * 1024;

constexpr const char* kScenarioDir = "/etc/kvroute";
constexpr const char* kResultsDir = "/results";

Result<std::string> readWhole(const std::string& path, const std::string& key)
{
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec)
        return fail("cannot read " + path + " (" + ec.message() + "), which the scenario names", key);
    if (size > kMaxEmbeddedBytes)
        return fail(path + " is " + std::to_string(size / 1024) +
                        " KiB; a ConfigMap carries at most about 900 KiB. Put it in the image or on a volume and name that "
                        "path in the scenario",
                    key);
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void labels(YAML::Emitter& out, const std::string& name)
{
    out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "app.kubernetes.io/name" << YAML::Value << "kvroute-sweep";
    out << YAML::Key << "app.kubernetes.io/instance" << YAML::Value << name;
    out << YAML::Key << "app.kubernetes.io/managed-by" << YAML::Value << "kvroute";
    out << YAML::EndMap;
}

void metadata(YAML::Emitter& out, const std::string& name, const std::string& ns)
{
    out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << name;
    if (!ns.empty())
        out << YAML::Key << "namespace" << YAML::Value << ns;
    labels(out, name);
    out << YAML::EndMap;
}

/// A pod's requests and limits, defaults filled in and checked.
struct PodResources {
    std::string cpuRequest, cpuLimit, memoryRequest, memoryLimit;
};

/// Below this a sweep worker (about 20 MiB resident before its first run) cannot do anything.
/// Per thread: `sweep --jobs` runs that many points at once, each with its own simulation.
constexpr int kSweepMemoryMinimumMi = 64;

// Bounds well above any single machine's CPUs and memory, so no real node is refused, while a
// slip such as 1e30 is, rather than a pod that stays Pending forever. 1m is the finest CPU
// amount Kubernetes takes.
constexpr double kPodCpuMinimum = 1e-3;
constexpr int kPodCpuMaximum = 4096;
constexpr int kPodMemoryMaximumMi = 64 * 1024 * 1024;

std::string mebibytes(int mi)
{
    if (mi % (1024 * 1024) == 0)
        return std::to_string(mi / (1024 * 1024)) + "Ti";
    return mi % 1024 == 0 ? std::to_string(mi / 1024) + "Gi" : std::to_string(mi) + "Mi";
}

Result<PodResources> podResources(const SweepJobOptions& o)
{
    const std::string threads = std::to_string(o.threadsPerPod);
    PodResources r{o.cpuRequest.empty() ? threads : o.cpuRequest, o.cpuLimit,
                   o.memoryRequest.empty() ? mebibytes(kSweepMemoryRequestPerThreadMi * o.threadsPerPod)
                                           : o.memoryRequest,
                   o.memoryLimit};
    const int minimumMi = kSweepMemoryMinimumMi * o.threadsPerPod;
    const auto check = [&](const std::string& value, const char* option, bool memory) -> Result<double> {
        const auto v = resourceQuantity(value);
        if (!v)
            return fail("'" + value + "' is not a positive Kubernetes quantity: " +
                            (memory ? "memory is given as 1536Mi or 2Gi, in [" + mebibytes(minimumMi) + ", " +
                                          mebibytes(kPodMemoryMaximumMi) + "]"
                                    : "CPUs are given as cores (2) or millicores (500m), in [1m, " +
                                          std::to_string(kPodCpuMaximum) + "]"),
                        option);
        if (!memory) {
            // Kubernetes takes "1Gi" CPUs as 2^30 cores, a pod no node can run: a memory unit slipped in.
            if (value.ends_with('i'))
                return fail("'" + value + "' is a memory unit; CPUs are counted in cores (2) or millicores (500m)", option);
            if (*v < kPodCpuMinimum || *v > kPodCpuMaximum)
                return fail("'" + value + "' is out of range: a pod's CPUs must be in [1m, " +
                                std::to_string(kPodCpuMaximum) + "] cores (no node has more than " +
                                std::to_string(kPodCpuMaximum) + ")",
                            option);
            return *v;
        }
        // Kubernetes takes "512m" of memory as 0.512 bytes: as a limit the pod never starts, as
        // a request it is scheduled as if it needed nothing.
        if (*v < minimumMi * 0x1p20) {
            std::string hint;
            // Only where reading m as Mi gives a plausible pod (up to 1Ti).
            if (value.ends_with('m') && *v * 1e3 <= 0x1p20)
                hint = " (m means thousandths of a byte: " + value.substr(0, value.size() - 1) + "Mi is mebibytes)";
            if (o.threadsPerPod == 1)
                return fail("'" + value + "' is less than the " + mebibytes(minimumMi) + " a sweep worker needs" + hint,
                            option);
            return fail("'" + value + "' is less than the " + mebibytes(minimumMi) + " that --jobs-per-pod " +
                            std::to_string(o.threadsPerPod) + " needs: the pod runs " +
                            std::to_string(o.threadsPerPod) +
                            " sweep points at once, each its own simulation needing at least " +
                            mebibytes(kSweepMemoryMinimumMi) + hint,
                        option);
        }
        if (*v > kPodMemoryMaximumMi * 0x1p20)
            return fail("'" + value + "' is out of range: a pod's memory must be in [" + mebibytes(minimumMi) + ", " +
                            mebibytes(kPodMemoryMaximumMi) + "] (no node has more than " +
                            mebibytes(kPodMemoryMaximumMi) + ")",
                        option);
        return *v;
    };
    const auto pair = [&](std::string& request, std::string& limit, const std::string& defaultLimit, bool requestGiven,
                          const char* requestOption, const char* limitOption, bool memory) -> Result<void> {
        auto req = check(request, requestOption, memory);
        if (!req)
            return std::unexpected(req.error());
        if (limit.empty()) {
            // A request above the default limit is what the user asked for: the limit follows it.
            limit = *resourceQuantity(defaultLimit) < *req ? request : defaultLimit;
            return {};
        }
        auto lim = check(limit, limitOption, memory);
        if (!lim)
            return std::unexpected(lim.error());
        // A limit below the default request: as Kubernetes defaults an unset request to the
        // limit, the request follows it down.
        if (*lim < *req && !requestGiven) {
            request = limit;
            return {};
        }
        // The API server refuses a pod whose request exceeds its limit; say so before it is applied.
        if (*lim < *req)
            return fail("the limit " + limit + " is below the request " + request, limitOption);
        return {};
    };
    if (auto ok = pair(r.cpuRequest, r.cpuLimit, threads, !o.cpuRequest.empty(), "--cpu-request", "--cpu-limit", false);
        !ok)
        return std::unexpected(ok.error());
    if (auto ok = pair(r.memoryRequest, r.memoryLimit, mebibytes(kSweepMemoryLimitPerThreadMi * o.threadsPerPod),
                       !o.memoryRequest.empty(), "--memory-request", "--memory-limit", true);
        !ok)
        return std::unexpected(ok.error());
    return r;
}

/// requests and limits, each quoted: "2" must reach the API server as a quantity string.
void resources(YAML::Emitter& out, const PodResources& r)
{
    out << YAML::Key << "resources" << YAML::Value << YAML::BeginMap;
    for (const auto& [key, cpu, memory] : {std::tuple{"requests", &r.cpuRequest, &r.memoryRequest},
                                           std::tuple{"limits", &r.cpuLimit, &r.memoryLimit}}) {
        out << YAML::Key << key << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "cpu" << YAML::Value << YAML::DoubleQuoted << *cpu;
        out << YAML::Key << "memory" << YAML::Value << YAML::DoubleQuoted << *memory;
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

/// What Pod Security's "restricted" profile (and OpenShift's restricted-v2 SCC) admits. No UID is
/// set: the image's non-root USER is used, or the one OpenShift assigns. The root filesystem is
/// read-only: `kvroute sweep` writes only its --out file, on the results volume.
void containerSecurityContext(YAML::Emitter& out)
{
    out << YAML::Key << "securityContext" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "allowPrivilegeEscalation" << YAML::Value << false;
    out << YAML::Key << "readOnlyRootFilesystem" << YAML::Value << true;
    out << YAML::Key << "capabilities" << YAML::Value << YAML::BeginMap << YAML::Key << "drop" << YAML::Value
        << YAML::Flow << YAML::BeginSeq << "ALL" << YAML::EndSeq << YAML::EndMap;
    out << YAML::EndMap;
}

void podSecurityContext(YAML::Emitter& out, const std::optional<std::int64_t>& fsGroup)
{
    out << YAML::Key << "securityContext" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "runAsNonRoot" << YAML::Value << true;
    if (fsGroup) {
        out << YAML::Key << "fsGroup" << YAML::Value << *fsGroup;
        // Changes ownership only when the volume's root is not the group's yet, rather than walking
        // every results file of earlier sweeps at each pod start.
        out << YAML::Key << "fsGroupChangePolicy" << YAML::Value << "OnRootMismatch";
    }
    out << YAML::Key << "seccompProfile" << YAML::Value << YAML::BeginMap << YAML::Key << "type" << YAML::Value
        << "RuntimeDefault" << YAML::EndMap;
    out << YAML::EndMap;
}

} // namespace

std::optional<double> resourceQuantity(const std::string& text)
{
    // resource.Quantity's grammar, without a sign: a request or limit is never negative.
    static const std::regex grammar(R"(^([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$)");
    static const std::map<std::string, double> suffixes{
        {"", 1},         {"n", 1e-9},     {"u", 1e-6},     {"m", 1e-3},     {"k", 1e3},
        {"M", 1e6},      {"G", 1e9},      {"T", 1e12},     {"P", 1e15},     {"E", 1e18},
        {"Ki", 0x1p10},  {"Mi", 0x1p20},  {"Gi", 0x1p30},  {"Ti", 0x1p40},  {"Pi", 0x1p50}, {"Ei", 0x1p60},
    };
    std::smatch m;
    if (!std::regex_match(text, m, grammar))
        return std::nullopt;
    // strtod, not stod: a number too long for a double is out of range, not an exception.
    const double number = std::strtod(m[1].str().c_str(), nullptr);
    const std::string suffix = m[2].str();
    const auto it = suffixes.find(suffix);
    const double value = it != suffixes.end() ? number * it->second
                                              : number * std::pow(10.0, std::strtod(suffix.c_str() + 1, nullptr));
    if (!(value > 0) || !std::isfinite(value))
        return std::nullopt;
    return value;
}

bool isRfc1123Label(const std::string& name, std::size_t limit)
{
    if (name.empty() || name.size() > limit)
        return false;
    for (const char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
            return false;
    return name.front() != '-' && name.back() != '-';
}

Result<std::string> renderSweepJob(const sim::Scenario& scenarioIn, const sim::SweepGrid& grid, const SweepJobOptions& o)
{
    if (o.image.empty())
        return fail("an image with kvroute in it is required (build deploy/Containerfile and push it)", "--image");
    if (o.shards < 1 || o.shards > 100000)
        return fail("must be in [1, 100000]", "--shards");
    if (o.fsGroup && (*o.fsGroup < 0 || *o.fsGroup > 2147483647))
        return fail("must be a group id in [0, 2147483647]", "--fs-group");
    if (o.parallelism < 1 || o.parallelism > o.shards)
        return fail("must be in [1, --shards " + std::to_string(o.shards) + "]", "--parallelism");
    const std::string name = o.name.empty() ? "kvroute-sweep-" + sim::sweepGridId(grid) : o.name;
    // Job names end up in pod names with a suffix and the completion index: keep them short.
    if (!isRfc1123Label(name, 52))
        return fail("'" + name + "' is not a valid Job name: lower-case letters, digits and '-', at most 52 characters", "--name");
    if (!o.ns.empty() && !isRfc1123Label(o.ns))
        return fail("'" + o.ns + "' is not a valid namespace name (RFC 1123 label)", "--namespace");
    if (!o.pvc.empty() && !isRfc1123Label(o.pvc, 253))
        return fail("'" + o.pvc + "' is not a valid PersistentVolumeClaim name", "--pvc");
    const auto podResourcesOrError = podResources(o);
    if (!podResourcesOrError)
        return std::unexpected(podResourcesOrError.error());

    // The files the scenario reads go into the ConfigMap beside it, and the scenario names them there.
    sim::Scenario scenario = scenarioIn;
    std::vector<std::pair<std::string, std::string>> files; // ConfigMap key → content
    const auto embed = [&](std::string& path, const std::string& key, const std::string& fileKey) -> Result<void> {
        if (path.empty() || sim::builtinTraceText(path))
            return {};
        auto text = readWhole(path, key);
        if (!text)
            return std::unexpected(text.error());
        files.emplace_back(fileKey, std::move(*text));
        path = fileKey; // relative: read from the scenario file's folder, wherever it is mounted
        return {};
    };
    if (auto r = embed(scenario.routing.epp.configFile, "routing.epp_config", "epp-config.yaml"); !r)
        return std::unexpected(r.error());
    if (auto r = embed(scenario.workload.trace.path, "workload.path", "trace" + std::filesystem::path(scenario.workload.trace.path).extension().string()); !r)
        return std::unexpected(r.error());
    const std::string scenarioYaml = sim::toYaml(scenario);

    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::Comment("Rendered by kvroute sweep emit-job: " + std::to_string(o.shards) + " shards of the sweep's " +
                         "grid " + sim::sweepGridId(grid) + ". Each completion runs `kvroute sweep --shard I/" +
                         std::to_string(o.shards) + "`; when all succeed, merge: kvroute sweep merge merged.jsonl " +
                         kResultsDir + "/shard-*.jsonl");
    out << YAML::BeginDoc << YAML::BeginMap;
    out << YAML::Key << "apiVersion" << YAML::Value << "v1";
    out << YAML::Key << "kind" << YAML::Value << "ConfigMap";
    metadata(out, name, o.ns);
    out << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "scenario.yaml" << YAML::Value << YAML::Literal << scenarioYaml;
    for (const auto& [key, text] : files)
        out << YAML::Key << key << YAML::Value << YAML::Literal << text;
    out << YAML::EndMap << YAML::EndMap;

    out << YAML::BeginDoc << YAML::BeginMap;
    out << YAML::Key << "apiVersion" << YAML::Value << "batch/v1";
    out << YAML::Key << "kind" << YAML::Value << "Job";
    metadata(out, name, o.ns);
    out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "completionMode" << YAML::Value << "Indexed";
    out << YAML::Key << "completions" << YAML::Value << o.shards;
    out << YAML::Key << "parallelism" << YAML::Value << o.parallelism;
    // A shard that fails is retried on its own (resuming from its records on the volume); the
    // others go on.
    out << YAML::Key << "backoffLimitPerIndex" << YAML::Value << 2;
    out << YAML::Key << "template" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
    labels(out, name);
    out << YAML::EndMap;
    out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "restartPolicy" << YAML::Value << "Never";
    podSecurityContext(out, o.fsGroup);
    out << YAML::Key << "containers" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << "sweep";
    out << YAML::Key << "image" << YAML::Value << o.image;
    out << YAML::Key << "command" << YAML::Value << YAML::Flow << YAML::BeginSeq << "kvroute" << YAML::EndSeq;
    out << YAML::Key << "args" << YAML::Value << YAML::BeginSeq;
    // Quoted, every one: an argument such as "1" must stay a string for the API server.
    const auto arg = [&out](const std::string& text) { out << YAML::DoubleQuoted << text; };
    arg("sweep");
    arg(std::string(kScenarioDir) + "/scenario.yaml");
    for (const auto& p : grid.parameters) {
        std::string values;
        for (const auto& v : p.values)
            values += (values.empty() ? "" : ",") + v;
        arg("--param");
        arg(p.path + "=" + values);
    }
    for (const std::string& a : {std::string("--repeat"), std::to_string(grid.repeats), std::string("--shard"),
                                 "$(SHARD_INDEX)/" + std::to_string(o.shards), std::string("--out"),
                                 std::string(kResultsDir) + "/shard-$(SHARD_INDEX).jsonl", std::string("--jobs"),
                                 std::to_string(o.threadsPerPod), std::string("--quiet")})
        arg(a);
    out << YAML::EndSeq;
    out << YAML::Key << "env" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << "SHARD_INDEX";
    out << YAML::Key << "valueFrom" << YAML::Value << YAML::BeginMap << YAML::Key << "fieldRef" << YAML::Value
        << YAML::BeginMap << YAML::Key << "fieldPath" << YAML::Value
        << "metadata.annotations['batch.kubernetes.io/job-completion-index']" << YAML::EndMap << YAML::EndMap;
    out << YAML::EndMap << YAML::EndSeq;
    resources(out, *podResourcesOrError);
    containerSecurityContext(out);
    out << YAML::Key << "volumeMounts" << YAML::Value << YAML::BeginSeq;
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << "scenario" << YAML::Key << "mountPath" << YAML::Value
        << kScenarioDir << YAML::Key << "readOnly" << YAML::Value << true << YAML::EndMap;
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << "results" << YAML::Key << "mountPath" << YAML::Value
        << kResultsDir << YAML::EndMap;
    out << YAML::EndSeq;
    out << YAML::EndMap << YAML::EndSeq; // containers
    out << YAML::Key << "volumes" << YAML::Value << YAML::BeginSeq;
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << "scenario" << YAML::Key << "configMap" << YAML::Value
        << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name << YAML::EndMap << YAML::EndMap;
    out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << "results";
    if (!o.pvc.empty()) {
        out << YAML::Key << "persistentVolumeClaim" << YAML::Value << YAML::BeginMap << YAML::Key << "claimName"
            << YAML::Value << o.pvc;
        // Every pod writes to the one claim; said where the user reads the claim's name.
        if (o.parallelism > 1)
            out << YAML::Comment("must be ReadWriteMany: " + std::to_string(o.parallelism) +
                                 " pods mount it at once, and a ReadWriteOnce claim attaches to one node only");
        out << YAML::EndMap;
    } else {
        out << YAML::Comment("an emptyDir: the records go with the pods; give --pvc to keep them");
        out << YAML::Key << "emptyDir" << YAML::Value << YAML::BeginMap << YAML::EndMap;
    }
    out << YAML::EndMap << YAML::EndSeq; // volumes
    out << YAML::EndMap << YAML::EndMap; // template.spec, template
    out << YAML::EndMap << YAML::EndMap; // spec, Job
    if (!out.good())
        return fail(std::string("could not write the Job: ") + out.GetLastError());
    return std::string(out.c_str()) + "\n";
}

} // namespace kvroute::cluster
