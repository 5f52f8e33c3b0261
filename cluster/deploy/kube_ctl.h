#pragma once
// The user's own `oc` or `kubectl`: which one, the argument vectors kvroute runs, and what its
// failures mean in words (no cluster, no login, access denied, missing CRDs).

#include "cluster/deploy/kube_process.h"
#include "sim/util/result.h"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace kvroute::cluster {

struct KubeTool {
    std::string path; ///< what is executed
    std::string name; ///< "oc" or "kubectl" (the basename), for messages
    std::string note; ///< why this one, when it is not the obvious choice (empty otherwise)
};

/// `explicitTool` (--kubectl, a path or a name on PATH) when given; else `oc` for an OpenShift
/// target or when only `oc` is on `pathVariable`, else `kubectl`. An error names both when
/// neither is there.
[[nodiscard]] Result<KubeTool> chooseKubeTool(const std::string& explicitTool, bool openshift,
                                              const std::string& pathVariable);

/// Runs one tool with the user's context; every command kvroute runs is built here.
class KubeCtl {
public:
    KubeCtl(KubeTool tool, std::string context);

    /// [tool, args..., "-n", ns (when not empty), "--context", ctx (when set)].
    [[nodiscard]] std::vector<std::string> argv(const std::vector<std::string>& args, const std::string& ns) const;
    [[nodiscard]] ProcessResult run(const std::vector<std::string>& args, const std::string& ns,
                                    std::chrono::milliseconds timeout, const LineCallback& onLine = {}) const;

    [[nodiscard]] const KubeTool& tool() const { return m_tool; }
    [[nodiscard]] const std::string& context() const { return m_context; }
    /// Set from another thread to stop the command in flight and refuse the ones after it (each
    /// then fails as KubeFailure::Cancelled); see runProcess. Must outlive this object's runs.
    void setCancel(const std::atomic<bool>* cancel) { m_cancel = cancel; }

private:
    KubeTool m_tool;
    std::string m_context;
    const std::atomic<bool>* m_cancel = nullptr;
};

enum class KubeFailure {
    NoConfig,     ///< no kubeconfig / current context: kubectl fell back to localhost:8080
    Refused,      ///< the API server refused the connection
    Unreachable,  ///< DNS, routing, TLS handshake or i/o timeout
    Unauthorized, ///< credentials rejected or expired
    Forbidden,    ///< RBAC said no
    NoContext,    ///< --context names a context the kubeconfig does not have
    MissingKind,  ///< a kind whose CRD is not installed
    NotFound,
    TimedOut,     ///< killed at our deadline, or kubectl's own timeout
    Cancelled,    ///< stopped (or never started) because the caller cancelled
    Other,
};

/// The kind of a failed command, read from its stderr.
[[nodiscard]] KubeFailure classifyKubeFailure(const ProcessResult& result);

/// One sentence on why `what` failed and what to do, followed by the tool's own stderr (trimmed,
/// first lines, credentials masked).
[[nodiscard]] std::string explainKubeFailure(const ProcessResult& result, const KubeCtl& kube, const std::string& what,
                                             const std::string& ns);

/// The first `maxLines` non-empty lines of `text`, each at most 300 characters, tokens masked.
[[nodiscard]] std::string quoteToolOutput(const std::string& text, std::size_t maxLines = 4);

/// `text` with bearer tokens, `token:` values, OpenShift sha256~ tokens and passwords masked.
[[nodiscard]] std::string maskCredentials(std::string text);

} // namespace kvroute::cluster
