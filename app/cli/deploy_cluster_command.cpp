// `kvroute deploy apply|status|delete DIR`: a directory rendered by `deploy render`, applied to,
// read from and removed from a cluster with the user's own `oc` or `kubectl`
// (cluster/deploy/kube_deploy.h). Exit 0; 1 when the cluster step failed (unreachable, denied, a
// rollout that timed out); 2 for bad input (DIR not rendered by kvroute, no oc/kubectl).
#include "app/cli/commands.h"
#include "app/cli/deploy_commands.h"
#include "app/cli/number_range.h"

#include "cluster/deploy/kube_deploy.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct ClusterOptions {
    std::string dir;
    std::string kubectl;
    std::string context;
    std::string ns;
    int timeoutSeconds = 600;
    bool forceConflicts = false;
    bool json = false;
};

void addCommonOptions(CLI::App* cmd, ClusterOptions& o)
{
    cmd->add_option("DIR", o.dir, "A directory written by `kvroute deploy render`")->required();
    cmd->add_option("--kubectl", o.kubectl,
                    "The oc or kubectl to run (default: oc for an OpenShift target or when only oc is on PATH, else kubectl)");
    cmd->add_option("--context", o.context, "The kubeconfig context (default: the current one)");
    cmd->add_option("-n,--namespace", o.ns, "The namespace (default: the one the manifests were rendered for)");
}

/// The rendered directory and the tool, or the exit code for bad input.
struct Session {
    cluster::RenderedDir dir;
    std::unique_ptr<cluster::KubeCtl> kube;
    std::string ns;
};

std::expected<Session, int> open(const ClusterOptions& o)
{
    auto dir = cluster::readRenderedDir(o.dir);
    if (!dir) {
        std::cerr << "kvroute: " << dir.error().toString() << '\n';
        return std::unexpected(kExitBadInput);
    }
    const char* path = std::getenv("PATH");
    auto tool = cluster::chooseKubeTool(o.kubectl, dir->marker.openshift(), path ? path : "");
    if (!tool) {
        std::cerr << "kvroute: " << tool.error().toString() << '\n';
        return std::unexpected(kExitBadInput);
    }
    if (!tool->note.empty())
        std::cerr << "kvroute: " << tool->note << '\n';
    Session s{std::move(*dir), std::make_unique<cluster::KubeCtl>(std::move(*tool), o.context), o.ns};
    if (s.ns.empty())
        s.ns = s.dir.marker.ns;
    return s;
}

void progress(const std::string& line)
{
    std::cout << line << std::endl;
}

int applyCommand(const ClusterOptions& o)
{
    auto session = open(o);
    if (!session)
        return session.error();
    const cluster::DeployTarget target{session->dir, *session->kube, session->ns};
    cluster::ApplyOptions options;
    options.timeout = std::chrono::seconds(o.timeoutSeconds);
    options.forceConflicts = o.forceConflicts;
    auto report = cluster::applyRendered(target, options, progress);
    if (!report) {
        std::cerr << "kvroute: " << report.error().toString() << '\n';
        return kExitRunFailed;
    }
    std::cout << "applied " << report->applied.size() << " object(s); " << report->rolledOut.size()
              << " workload(s) rolled out. Watch them with: kvroute deploy status " << o.dir << '\n';
    return 0;
}

int statusCommand(const ClusterOptions& o)
{
    auto session = open(o);
    if (!session)
        return session.error();
    const cluster::DeployTarget target{session->dir, *session->kube, session->ns};
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
    auto status = cluster::readDeployStatus(target, now.count());
    if (!status) {
        std::cerr << "kvroute: " << status.error().toString() << '\n';
        return kExitRunFailed;
    }
    std::cout << (o.json ? cluster::statusJson(*status) : cluster::statusTable(*status));
    return 0;
}

int deleteCommand(const ClusterOptions& o)
{
    auto session = open(o);
    if (!session)
        return session.error();
    const cluster::DeployTarget target{session->dir, *session->kube, session->ns};
    auto report = cluster::deleteRendered(target, std::chrono::seconds(o.timeoutSeconds), progress);
    if (!report) {
        std::cerr << "kvroute: " << report.error().toString() << '\n';
        return kExitRunFailed;
    }
    for (const auto& note : report->notes)
        std::cout << note << '\n';
    if (report->deleted.empty())
        std::cout << "nothing to delete: none of the rendered objects was there\n";
    else
        std::cout << "deleted " << report->deleted.size() << " object(s)\n";
    return 0;
}

} // namespace

void addDeployClusterCommands(CLI::App& deploy, int& exitCode)
{
    auto o = std::make_shared<ClusterOptions>();

    auto* apply = deploy.add_subcommand("apply", "Apply a rendered DIR with oc/kubectl (server-side) and wait for its rollouts");
    addCommonOptions(apply, *o);
    apply->add_option("--timeout", o->timeoutSeconds, "Seconds to wait for all rollouts together")
        ->capture_default_str()
        ->transform(numberIn(1, 86400, "seconds"));
    apply->add_flag("--force-conflicts", o->forceConflicts,
                    "Take over fields another field manager owns (server-side apply conflicts)");
    apply->callback([o, &exitCode] { exitCode = applyCommand(*o); });

    auto* status = deploy.add_subcommand("status", "The pods and replicas of a rendered DIR's workloads on the cluster");
    addCommonOptions(status, *o);
    status->add_flag("--json", o->json, "Print the status as JSON");
    status->callback([o, &exitCode] { exitCode = statusCommand(*o); });

    auto* remove = deploy.add_subcommand("delete", "Delete a rendered DIR's objects from the cluster and wait until they are gone");
    addCommonOptions(remove, *o);
    remove->add_option("--timeout", o->timeoutSeconds, "Seconds to wait for the deletion")
        ->capture_default_str()
        ->transform(numberIn(1, 86400, "seconds"));
    remove->callback([o, &exitCode] { exitCode = deleteCommand(*o); });
}

} // namespace kvroute::cli
