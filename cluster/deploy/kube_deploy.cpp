#include "cluster/deploy/kube_deploy.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace kvroute::cluster {

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr auto kQuickCommand = 30s; ///< version, auth can-i, get
constexpr auto kApplyCommand = 300s;

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string trim(const std::string& s)
{
    const auto first = s.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return {};
    return s.substr(first, s.find_last_not_of(" \t\r\n") - first + 1);
}

std::vector<std::string> nonEmptyLines(const std::string& text)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        if (auto line = trim(text.substr(start, end - start)); !line.empty())
            lines.push_back(std::move(line));
        start = end + 1;
    }
    return lines;
}

/// `-f DIR`, and `-R` when the manifests sit below subdirectories too.
std::vector<std::string> fileArgs(const RenderedDir& dir)
{
    std::vector<std::string> args{"-f", dir.dir.string()};
    if (dir.nested)
        args.push_back("-R");
    return args;
}

std::string workloadNs(const RenderedWorkload& w, const std::string& ns)
{
    return w.ns.empty() ? ns : w.ns;
}

Error kubeError(const ProcessResult& r, const DeployTarget& t, const std::string& what, const std::string& ns)
{
    return Error{explainKubeFailure(r, t.kube, what, ns), {}};
}

/// Lines of a failed `delete` that say only that a kind is unknown to the cluster: objects of a
/// kind without its CRD cannot exist, so there is nothing of them to delete.
bool onlyUnknownKinds(const std::string& err)
{
    const auto lines = nonEmptyLines(err);
    return !lines.empty() && std::all_of(lines.begin(), lines.end(), [](const std::string& l) {
        const auto s = lower(l);
        return s.find("resource mapping not found") != std::string::npos ||
               s.find("no matches for kind") != std::string::npos ||
               s.find("ensure crds are installed first") != std::string::npos;
    });
}

} // namespace

std::chrono::seconds killGrace(std::chrono::seconds timeout)
{
    return std::clamp<std::chrono::seconds>(timeout / 4, 3s, 30s);
}

Result<void> checkClusterAccess(const DeployTarget& t)
{
    const auto version = t.kube.run({"version", "--request-timeout=10s"}, {}, kQuickCommand);
    if (!version.ok())
        return std::unexpected(kubeError(version, t, "reaching the cluster", t.ns));
    std::set<std::string> kinds;
    for (const auto& w : t.dir.workloads)
        kinds.insert(lower(w.kind) + "s");
    if (kinds.empty())
        kinds.insert("deployments");
    for (const auto& resource : kinds) {
        const auto canI = t.kube.run({"auth", "can-i", "create", resource}, t.ns, kQuickCommand);
        const std::string answer = lower(trim(canI.out));
        if (answer.starts_with("no"))
            return fail("access denied: your account may not create " + resource + " in " +
                        (t.ns.empty() ? std::string("the context's default namespace") : "namespace " + t.ns) +
                        ". Ask a cluster administrator for a role that allows it (e.g. `edit` on the namespace), or "
                        "use a namespace you own with --namespace");
        if (!canI.ok())
            return std::unexpected(kubeError(canI, t, "create " + resource, t.ns));
    }
    return {};
}

Result<ApplyReport> applyRendered(const DeployTarget& t, const ApplyOptions& options, const DeployProgress& progress)
{
    const auto say = [&](const std::string& line) {
        if (progress)
            progress(line);
    };
    say("checking access to the cluster with " + t.kube.tool().name + "...");
    if (auto access = checkClusterAccess(t); !access)
        return std::unexpected(access.error());

    ApplyReport report;
    std::vector<std::string> args{"apply", "--server-side", "--field-manager=kvroute"};
    if (options.forceConflicts)
        args.push_back("--force-conflicts");
    const auto files = fileArgs(t.dir);
    args.insert(args.end(), files.begin(), files.end());
    say("applying " + std::to_string(t.dir.yamlFiles.size()) + " manifest file(s) from " + t.dir.dir.string() +
        (t.ns.empty() ? std::string() : " to namespace " + t.ns));
    const auto apply = t.kube.run(args, t.ns, kApplyCommand, [&](const std::string& line) {
        if (!trim(line).empty()) {
            report.applied.push_back(trim(line));
            say("  " + trim(line));
        }
    });
    // Objects of a kind without its CRD (Tekton, PodMonitor, Gateway API) fail alone: kubectl
    // applies the rest, so the workloads are still waited for and the failure is reported last.
    std::optional<Error> unknownKinds;
    if (!apply.ok() && !apply.timedOut && onlyUnknownKinds(apply.err) && !report.applied.empty()) {
        unknownKinds = kubeError(apply, t, "apply", t.ns);
        say("warning: some objects were not applied (the cluster does not know their kinds); waiting for the "
            "workloads anyway");
    } else if (!apply.ok()) {
        Error e = kubeError(apply, t, "apply", t.ns);
        const auto err = lower(apply.err);
        if (err.find("conflict") != std::string::npos && err.find("field") != std::string::npos)
            e.message += "\n  another field manager owns fields these manifests set: re-run with --force-conflicts "
                         "to take them over";
        if (!report.applied.empty())
            e.message += "\n  " + std::to_string(report.applied.size()) +
                         " object(s) were applied before the failure; see them with kvroute deploy status " +
                         t.dir.dir.string();
        return std::unexpected(e);
    }

    const auto deadline = Clock::now() + options.timeout;
    const auto total = t.dir.workloads.size();
    for (std::size_t i = 0; i < total; ++i) {
        const auto& w = t.dir.workloads[i];
        const auto left = std::max<std::chrono::seconds>(
            1s, std::chrono::duration_cast<std::chrono::seconds>(deadline - Clock::now() + 500ms));
        const std::string ns = workloadNs(w, t.ns);
        say("waiting for " + w.resource() + " (" + std::to_string(i + 1) + "/" + std::to_string(total) + ", up to " +
            std::to_string(left.count()) + " s)");
        std::string lastLine;
        const auto rollout = t.kube.run({"rollout", "status", w.resource(), "--timeout=" + std::to_string(left.count()) + "s"},
                                        ns, left + killGrace(options.timeout), [&](const std::string& line) {
                                            const auto l = trim(line);
                                            if (!l.empty() && l != lastLine)
                                                say("  " + l);
                                            if (!l.empty())
                                                lastLine = l;
                                        });
        if (rollout.ok()) {
            report.rolledOut.push_back(w.resource());
            say(w.resource() + " ready (" + std::to_string(rollout.elapsed.count() / 1000) + " s)");
            continue;
        }
        const std::string statusHint = "see which pods are stuck: kvroute deploy status " + t.dir.dir.string();
        const std::string rest = i + 1 < total ? " (" + std::to_string(total - i - 1) + " more workload(s) not waited for)"
                                               : std::string();
        const auto kind = classifyKubeFailure(rollout);
        if (kind == KubeFailure::TimedOut) {
            std::string message = w.resource() + " did not become ready within " + std::to_string(options.timeout.count()) +
                                  " s" + (rollout.timedOut ? " (" + t.kube.tool().name + " was killed)" : "") + rest +
                                  "; " + statusHint;
            if (!lastLine.empty())
                message += "\n  last progress: " + maskCredentials(lastLine);
            if (const auto quoted = quoteToolOutput(rollout.err, 2); !quoted.empty())
                message += "\n  " + t.kube.tool().name + " said: " + quoted;
            if (unknownKinds)
                message += "\nalso: " + unknownKinds->message;
            return fail(message);
        }
        Error e = kubeError(rollout, t, "the rollout of " + w.resource(), ns);
        e.message += "\n  " + statusHint + rest;
        return std::unexpected(e);
    }
    if (unknownKinds) {
        unknownKinds->message += "\n  the other objects were applied and " + std::to_string(report.rolledOut.size()) +
                                 " workload(s) rolled out";
        return std::unexpected(*unknownKinds);
    }
    return report;
}

Result<DeployStatus> readDeployStatus(const DeployTarget& t, std::int64_t now)
{
    DeployStatus status;
    status.scenario = t.dir.marker.scenario;
    status.ns = t.ns;
    std::map<std::string, std::vector<std::string>> byNamespace; // ns -> ["deployment/x", ...]
    for (const auto& w : t.dir.workloads) {
        status.workloads.push_back(WorkloadStatusRow{w.kind, w.name, workloadNs(w, t.ns)});
        byNamespace[workloadNs(w, t.ns)].push_back(w.resource());
    }
    for (const auto& [ns, resources] : byNamespace) {
        std::vector<std::string> args{"get"};
        args.insert(args.end(), resources.begin(), resources.end());
        args.insert(args.end(), {"-o", "json", "--ignore-not-found"});
        const auto get = t.kube.run(args, ns, kQuickCommand);
        if (!get.ok())
            return std::unexpected(kubeError(get, t, "reading the workloads", ns));
        if (auto parsed = applyWorkloadList(get.out, status.workloads); !parsed)
            return std::unexpected(parsed.error());
    }

    // Pods by the scenario label; a workload whose pods do not carry it is read by its selector.
    std::vector<std::pair<std::string, std::string>> queries{{t.ns, std::string(kScenarioLabel) + "=" + t.dir.marker.scenario}};
    for (const auto& w : t.dir.workloads) {
        const auto it = w.templateLabels.find(kScenarioLabel);
        if (w.selector.empty() || (it != w.templateLabels.end() && it->second == t.dir.marker.scenario &&
                                   workloadNs(w, t.ns) == t.ns))
            continue;
        std::string selector;
        for (const auto& [k, v] : w.selector)
            selector += (selector.empty() ? "" : ",") + k + "=" + v;
        const std::pair<std::string, std::string> query{workloadNs(w, t.ns), selector};
        if (std::find(queries.begin(), queries.end(), query) == queries.end())
            queries.push_back(query);
    }
    std::set<std::string> seen;
    for (const auto& [ns, selector] : queries) {
        const auto get = t.kube.run({"get", "pods", "-l", selector, "-o", "json"}, ns, kQuickCommand);
        if (!get.ok())
            return std::unexpected(kubeError(get, t, "reading the pods", ns));
        auto pods = parsePodList(get.out, now);
        if (!pods)
            return std::unexpected(pods.error());
        for (auto& p : *pods)
            if (seen.insert((p.ns.empty() ? ns : p.ns) + "/" + p.name).second)
                status.pods.push_back(std::move(p));
    }
    std::sort(status.pods.begin(), status.pods.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
    assignPodsToWorkloads(status.pods, t.dir.workloads, t.ns);
    return status;
}

Result<DeleteReport> deleteRendered(const DeployTarget& t, std::chrono::seconds timeout, const DeployProgress& progress)
{
    std::vector<std::string> args{"delete"};
    const auto files = fileArgs(t.dir);
    args.insert(args.end(), files.begin(), files.end());
    args.insert(args.end(), {"--ignore-not-found", "--wait=true", "--timeout=" + std::to_string(timeout.count()) + "s"});
    if (progress)
        progress("deleting the objects of " + t.dir.dir.string() + (t.ns.empty() ? std::string() : " from namespace " + t.ns) +
                 " (waiting up to " + std::to_string(timeout.count()) + " s)");
    DeleteReport report;
    const auto del = t.kube.run(args, t.ns, timeout + killGrace(timeout), [&](const std::string& line) {
        if (const auto l = trim(line); !l.empty()) {
            report.deleted.push_back(l);
            if (progress)
                progress("  " + l);
        }
    });
    if (del.ok())
        return report;
    if (!del.timedOut && onlyUnknownKinds(del.err)) {
        for (const auto& line : nonEmptyLines(del.err))
            if (lower(line).find("ensure crds") == std::string::npos)
                report.notes.push_back("skipped (the cluster does not know this kind, so none can exist): " +
                                       maskCredentials(line));
        return report;
    }
    Error e = kubeError(del, t, "delete", t.ns);
    if (!report.deleted.empty())
        e.message += "\n  " + std::to_string(report.deleted.size()) + " object(s) were deleted before the failure";
    return std::unexpected(e);
}

} // namespace kvroute::cluster
