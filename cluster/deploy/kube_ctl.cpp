#include "cluster/deploy/kube_ctl.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <regex>
#include <set>

namespace kvroute::cluster {

namespace {

std::string lower(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

bool has(const std::string& haystack, const char* needle)
{
    return haystack.find(needle) != std::string::npos;
}

std::string seconds(std::chrono::milliseconds ms)
{
    return std::to_string((ms.count() + 500) / 1000) + " s";
}

/// Which CRDs provide the kinds of an API group, for the "install its CRDs" hint.
std::string crdHint(const std::string& apiVersion)
{
    static const std::map<std::string, std::string> hints{
        {"gateway.networking.k8s.io", "the Gateway API CRDs (and a Gateway implementation, e.g. Istio or kgateway)"},
        {"inference.networking.x-k8s.io", "the Gateway API Inference Extension CRDs"},
        {"inference.networking.k8s.io", "the Gateway API Inference Extension CRDs"},
        {"tekton.dev", "Tekton Pipelines (OpenShift: the Red Hat OpenShift Pipelines operator)"},
        {"monitoring.coreos.com",
         "the Prometheus Operator (OpenShift: enable monitoring for user-defined projects)"},
        {"route.openshift.io", "OpenShift (Routes exist only there: render for the Kubernetes target instead)"},
    };
    const auto group = apiVersion.substr(0, apiVersion.find('/'));
    const auto it = hints.find(group);
    return it == hints.end() ? std::string("its CRDs") : it->second;
}

} // namespace

Result<KubeTool> chooseKubeTool(const std::string& explicitTool, bool openshift, const std::string& pathVariable)
{
    namespace fs = std::filesystem;
    if (!explicitTool.empty()) {
        auto found = findExecutable(explicitTool, pathVariable);
        if (!found)
            return fail("--kubectl " + explicitTool + ": not found" +
                        (explicitTool.find('/') == std::string::npos ? std::string(" on PATH") : std::string()) +
                        " or not executable");
        return KubeTool{*found, fs::path(*found).filename().string(), {}};
    }
    const auto oc = findExecutable("oc", pathVariable);
    const auto kubectl = findExecutable("kubectl", pathVariable);
    if (!oc && !kubectl)
        return fail("neither oc nor kubectl is on PATH. Install one (OpenShift: oc, from the web console's "
                    "\"Command line tools\"; Kubernetes: kubectl, https://kubernetes.io/docs/tasks/tools/) "
                    "or give its path with --kubectl PATH");
    if (openshift)
        return oc ? KubeTool{*oc, "oc", {}}
                  : KubeTool{*kubectl, "kubectl", "the manifests target OpenShift but oc is not on PATH: using kubectl"};
    return kubectl ? KubeTool{*kubectl, "kubectl", {}} : KubeTool{*oc, "oc", "kubectl is not on PATH: using oc"};
}

KubeCtl::KubeCtl(KubeTool tool, std::string context)
    : m_tool(std::move(tool))
    , m_context(std::move(context))
{
}

std::vector<std::string> KubeCtl::argv(const std::vector<std::string>& args, const std::string& ns) const
{
    std::vector<std::string> out{m_tool.path};
    out.insert(out.end(), args.begin(), args.end());
    if (!ns.empty()) {
        out.push_back("-n");
        out.push_back(ns);
    }
    if (!m_context.empty()) {
        out.push_back("--context");
        out.push_back(m_context);
    }
    return out;
}

ProcessResult KubeCtl::run(const std::vector<std::string>& args, const std::string& ns, std::chrono::milliseconds timeout,
                           const LineCallback& onLine) const
{
    return runProcess(argv(args, ns), timeout, onLine, m_cancel);
}

std::string maskCredentials(std::string text)
{
    static const std::vector<std::pair<std::regex, std::string>> rules = [] {
        const auto icase = std::regex::ECMAScript | std::regex::icase;
        return std::vector<std::pair<std::regex, std::string>>{
            {std::regex(R"((bearer\s+)[A-Za-z0-9._~+/=-]+)", icase), "$1***"},
            {std::regex(R"(sha256~[A-Za-z0-9_-]+)", icase), "sha256~***"},
            {std::regex(R"(((?:token|password|secret|client-key-data|client-certificate-data)["']?\s*[:=]\s*["']?)[^\s"',}]+)",
                        icase),
             "$1***"},
        };
    }();
    for (const auto& [pattern, replacement] : rules)
        text = std::regex_replace(text, pattern, replacement);
    return text;
}

std::string quoteToolOutput(const std::string& text, std::size_t maxLines)
{
    std::vector<std::string> lines;
    std::size_t start = 0;
    std::size_t total = 0;
    while (start < text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        std::string line = text.substr(start, end - start);
        start = end + 1;
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back())))
            line.pop_back();
        const auto first = line.find_first_not_of(" \t");
        if (first == std::string::npos)
            continue;
        ++total;
        if (lines.size() < maxLines) {
            line = maskCredentials(line.substr(first));
            if (line.size() > 300)
                line = line.substr(0, 297) + "...";
            lines.push_back(line);
        }
    }
    std::string out;
    for (const auto& line : lines)
        out += (out.empty() ? "" : "\n") + line;
    if (total > lines.size())
        out += "\n(" + std::to_string(total - lines.size()) + " more lines)";
    return out;
}

KubeFailure classifyKubeFailure(const ProcessResult& r)
{
    if (r.cancelled)
        return KubeFailure::Cancelled;
    if (r.timedOut)
        return KubeFailure::TimedOut;
    const std::string e = lower(r.err + "\n" + r.out);
    if ((has(e, "localhost:8080") && has(e, "refused")) || has(e, "no configuration has been provided") ||
        has(e, "invalid configuration: no configuration"))
        return KubeFailure::NoConfig;
    if ((has(e, "context \"") && has(e, "\" does not exist")) || has(e, "was not found for specified context"))
        return KubeFailure::NoContext;
    if (has(e, "connection refused") || has(e, "was refused"))
        return KubeFailure::Refused;
    if (has(e, "unauthorized") || has(e, "you must be logged in"))
        return KubeFailure::Unauthorized;
    if (has(e, "forbidden"))
        return KubeFailure::Forbidden;
    if (has(e, "no matches for kind") || has(e, "resource mapping not found") ||
        has(e, "the server doesn't have a resource type"))
        return KubeFailure::MissingKind;
    if (has(e, "unable to connect to the server") || has(e, "no such host") || has(e, "i/o timeout") ||
        has(e, "no route to host") || has(e, "network is unreachable") || has(e, "x509:") ||
        has(e, "tls handshake"))
        return KubeFailure::Unreachable;
    if (has(e, "timed out waiting") || has(e, "context deadline exceeded") || has(e, "exceeded its progress deadline"))
        return KubeFailure::TimedOut;
    if (has(e, "notfound") || has(e, "not found"))
        return KubeFailure::NotFound;
    return KubeFailure::Other;
}

std::string explainKubeFailure(const ProcessResult& r, const KubeCtl& kube, const std::string& what, const std::string& ns)
{
    const std::string& tool = kube.tool().name;
    const std::string inNs = ns.empty() ? std::string("this namespace") : ns;
    if (!r.startError.empty())
        return what + ": " + r.startError;
    std::string sentence;
    switch (classifyKubeFailure(r)) {
    case KubeFailure::NoConfig:
        sentence = "no cluster reachable: " + tool +
                   " has no configuration (no kubeconfig or no current context, so it tried localhost:8080). "
                   "Log in with `oc login --server=https://api.CLUSTER:6443`, or pick a context with "
                   "`kubectl config use-context NAME` (`kubectl config get-contexts` lists them)";
        break;
    case KubeFailure::Refused: {
        std::smatch m;
        static const std::regex server(R"(connection to the server (\S+) was refused|dial tcp ([^:\s]+:\d+))");
        std::string where;
        if (std::regex_search(r.err, m, server))
            where = " (" + std::string(m[1].matched ? m[1] : m[2]) + ")";
        sentence = "no cluster reachable: the API server" + where +
                   " refused the connection. Is the cluster up, and is the current context the right one? "
                   "Check with `" + tool + " config current-context`; log in again with `oc login` or switch with "
                   "`kubectl config use-context NAME`";
        break;
    }
    case KubeFailure::Unreachable:
        sentence = "no cluster reachable: " + tool +
                   " could not connect to the API server (network, DNS, VPN or TLS). Check the context with `" + tool +
                   " config current-context`; log in with `oc login` or switch with `kubectl config use-context NAME`";
        break;
    case KubeFailure::Unauthorized:
        sentence = "the cluster rejected your credentials (Unauthorized): the login has probably expired. Log in "
                   "again (`oc login`) or refresh the kubeconfig's credentials";
        break;
    case KubeFailure::Forbidden: {
        static const std::regex rbac(
            R"re(User "([^"]*)" cannot ([a-z]+) resource "([^"]+)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]*)")?)re");
        std::smatch m;
        if (std::regex_search(r.err, m, rbac)) {
            const std::string resource = m[4].matched && !m[4].str().empty() ? m[3].str() + "." + m[4].str() : m[3].str();
            const std::string where = m[5].matched ? "namespace " + m[5].str() : std::string("the cluster scope");
            sentence = "access denied: your account (" + m[1].str() + ") may not " + m[2].str() + " " + resource +
                       " in " + where;
        } else {
            sentence = "access denied (Forbidden): your account may not " + what + " in " + inNs;
        }
        sentence += ". Ask a cluster administrator for a role that allows it (e.g. `edit` on the namespace), or use "
                    "a namespace you own with --namespace";
        break;
    }
    case KubeFailure::NoContext:
        sentence = "the context " + (kube.context().empty() ? std::string("selected") : "\"" + kube.context() + "\"") +
                   " is not in your kubeconfig: `kubectl config get-contexts` lists the ones there";
        break;
    case KubeFailure::MissingKind: {
        static const std::regex kind(R"re(no matches for kind "([^"]+)" in version "([^"]+)")re");
        std::set<std::string> kinds;
        for (std::sregex_iterator it(r.err.begin(), r.err.end(), kind), end; it != end; ++it)
            kinds.insert((*it)[1].str() + " (" + (*it)[2].str() + "): install " + crdHint((*it)[2].str()));
        sentence = "the cluster does not know some kinds of the manifests";
        for (const auto& k : kinds)
            sentence += "\n  " + k;
        break;
    }
    case KubeFailure::TimedOut:
        sentence = what + ": " + tool + " did not finish" + (r.timedOut ? " within " + seconds(r.elapsed) + " (killed)" : "");
        break;
    case KubeFailure::Cancelled:
        sentence = what + ": cancelled (" + tool + " was stopped)";
        break;
    case KubeFailure::NotFound: {
        static const std::regex missingNs(R"re(namespaces "([^"]+)" not found)re");
        std::smatch m;
        if (std::regex_search(r.err, m, missingNs)) {
            sentence = "the namespace " + m[1].str() + " does not exist: create it with `oc new-project " + m[1].str() +
                       "` or `kubectl create namespace " + m[1].str() + "`, or choose another with --namespace";
            break;
        }
        sentence = what + " failed: " + tool + " exited with status " + std::to_string(r.exitCode);
        break;
    }
    case KubeFailure::Other:
        sentence = what + " failed: " + tool + " exited with status " + std::to_string(r.exitCode);
        break;
    }
    const std::string quoted = quoteToolOutput(r.err.empty() ? r.out : r.err);
    if (!quoted.empty()) {
        sentence += "\n  " + tool + " said:";
        std::size_t start = 0;
        while (start <= quoted.size()) {
            auto end = quoted.find('\n', start);
            if (end == std::string::npos)
                end = quoted.size();
            sentence += "\n    " + quoted.substr(start, end - start);
            start = end + 1;
        }
    }
    return sentence;
}

} // namespace kvroute::cluster
