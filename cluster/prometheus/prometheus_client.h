#pragma once
// A Prometheus HTTP API client (`/api/v1/query`, `/api/v1/query_range`) for live mode: the local
// stack's Prometheus, or a cluster's (OpenShift's Thanos querier wants a bearer token, the one
// `oc whoami -t` prints, and TLS). libcurl underneath; nothing of it leaks into this header.
//
// Errors say what went wrong in the user's terms: unreachable, timed out, TLS refused, 401/403,
// PromQL rejected (with Prometheus's own message), an answer that is not Prometheus's JSON.
// The token is read from its file on every request (a projected service-account token rotates)
// and is never part of an error message or a log.
//
// One client is one connection: use it from one thread at a time.

#include "sim/util/result.h"

#include <atomic>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kvroute::cluster {

struct PrometheusEndpoint {
    std::string url;               ///< base URL: http://127.0.0.1:9090, https://thanos-querier-...:9091
    std::string tokenFile;         ///< bearer token file; empty = no Authorization header
    std::string caFile;            ///< CA bundle to verify the server with; empty = the system's
    bool verifyTls = true;         ///< false only when the user asks (--insecure-skip-tls-verify)
    double timeoutSeconds = 10;    ///< whole request, connect included
};

/// Why a query failed, for callers that react differently (the GUI retries Unreachable quietly,
/// shows BadQuery once).
enum class PrometheusFailure {
    Unreachable,
    Timeout,
    Tls,
    Unauthorized,
    Forbidden,
    BadQuery,
    ServerError,
    BadResponse,
    TokenFile,
    Cancelled
};

struct PrometheusError {
    PrometheusFailure kind = PrometheusFailure::BadResponse;
    std::string message; ///< complete sentence naming the URL (never the token)
};

template <typename T>
using PrometheusResult = std::expected<T, PrometheusError>;

using PromLabels = std::map<std::string, std::string>;

/// One element of an instant vector (or a scalar, with no labels). NaN and ±Inf are kept.
struct PromSample {
    PromLabels labels;
    double value = 0;
};

/// One series of a range query: (unix seconds, value) pairs in time order.
struct PromSeries {
    PromLabels labels;
    std::vector<std::pair<double, double>> points;
};

class PrometheusClient {
public:
    explicit PrometheusClient(PrometheusEndpoint endpoint);
    ~PrometheusClient();
    PrometheusClient(const PrometheusClient&) = delete;
    PrometheusClient& operator=(const PrometheusClient&) = delete;
    PrometheusClient(PrometheusClient&&) noexcept;
    PrometheusClient& operator=(PrometheusClient&&) noexcept;

    /// An instant query, evaluated now or at `atUnixSeconds`.
    [[nodiscard]] PrometheusResult<std::vector<PromSample>> query(const std::string& promql,
                                                                  std::optional<double> atUnixSeconds = {});
    /// A range query from `start` to `end` (unix seconds) every `stepSeconds`.
    [[nodiscard]] PrometheusResult<std::vector<PromSeries>> queryRange(const std::string& promql, double start,
                                                                       double end, double stepSeconds);

    [[nodiscard]] const PrometheusEndpoint& endpoint() const;
    /// Set from another thread to abandon a query in flight (Ctrl-C, a window closing): the
    /// call returns a Cancelled failure within a few milliseconds instead of at its timeout.
    void setCancel(const std::atomic<bool>* cancel);

private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

/// The URL as it may be shown: without a user:password@ part.
[[nodiscard]] std::string displayUrl(const std::string& url);
/// Why `url` cannot be a Prometheus base URL (scheme, host, port), or nullopt when it can.
[[nodiscard]] std::optional<std::string> badPrometheusUrl(const std::string& url);

/// The message as an Error, for Result<T> callers (the message already names the URL).
[[nodiscard]] Error toError(const PrometheusError& error);

} // namespace kvroute::cluster
