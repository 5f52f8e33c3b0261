#include "cluster/prometheus/prometheus_client.h"

#include <curl/curl.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace kvroute::cluster {

namespace {

// A Prometheus answer larger than this is not something live mode asked for (a selector that
// matches a whole cluster's series); refuse it rather than hold it in memory.
constexpr std::size_t kMaxBodyBytes = 64u << 20;

struct Body {
    std::string text;
    bool tooLarge = false;
};

std::size_t collect(char* data, std::size_t size, std::size_t n, void* user)
{
    auto* body = static_cast<Body*>(user);
    if (body->text.size() + size * n > kMaxBodyBytes) {
        body->tooLarge = true;
        return 0; // aborts the transfer
    }
    body->text.append(data, size * n);
    return size * n;
}

PrometheusError failure(PrometheusFailure kind, std::string message)
{
    return PrometheusError{kind, std::move(message)};
}

/// The token, trimmed; never echoed in messages.
PrometheusResult<std::string> readToken(const std::string& path)
{
    // A directory opens (and reads as nothing) on Linux: say what it is rather than "empty".
    // Only directories: a pipe (`--token-file <(oc whoami -t)`) is a fine token file.
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored))
        return std::unexpected(failure(PrometheusFailure::TokenFile, "the token file " + path + " is a directory"));
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return std::unexpected(failure(PrometheusFailure::TokenFile, "cannot read the token file " + path));
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    const auto first = token.find_first_not_of(" \t\r\n");
    const auto last = token.find_last_not_of(" \t\r\n");
    token = first == std::string::npos ? std::string() : token.substr(first, last - first + 1);
    if (token.empty())
        return std::unexpected(failure(PrometheusFailure::TokenFile, "the token file " + path + " is empty"));
    if (token.find_first_of(" \t\r\n") != std::string::npos || token.size() > 16384)
        return std::unexpected(failure(PrometheusFailure::TokenFile,
                                       "the token file " + path + " holds more than one token (one line expected)"));
    return token;
}

double sampleValue(const nlohmann::json& pair)
{
    // ["<unix seconds>", "<value as text>"]; Prometheus writes NaN and ±Inf as "NaN", "+Inf", "-Inf".
    const std::string& text = pair.at(1).get_ref<const std::string&>();
    if (text == "NaN")
        return std::nan("");
    if (text == "+Inf")
        return HUGE_VAL;
    if (text == "-Inf")
        return -HUGE_VAL;
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (end == text.c_str() || *end != '\0')
        throw std::invalid_argument("not a number: " + text);
    return v;
}

PromLabels labelsOf(const nlohmann::json& series)
{
    PromLabels labels;
    if (const auto it = series.find("metric"); it != series.end() && it->is_object())
        for (const auto& [k, v] : it->items())
            if (v.is_string())
                labels[k] = v.get<std::string>();
    return labels;
}

std::string secondsText(double seconds)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", seconds);
    return buf;
}

std::string shortened(const std::string& text, std::size_t limit = 300)
{
    std::string out = text.size() > limit ? text.substr(0, limit) + "…" : text;
    for (char& c : out)
        if (c == '\n' || c == '\r')
            c = ' ';
    return out;
}

int abortWhenCancelled(void* flag, curl_off_t, curl_off_t, curl_off_t, curl_off_t)
{
    return static_cast<const std::atomic<bool>*>(flag)->load(std::memory_order_relaxed) ? 1 : 0;
}

} // namespace

std::string displayUrl(const std::string& url)
{
    const auto scheme = url.find("://");
    const auto hostStart = scheme == std::string::npos ? 0 : scheme + 3;
    const auto pathStart = url.find_first_of("/?#", hostStart);
    const auto at = url.rfind('@', pathStart == std::string::npos ? url.size() : pathStart);
    if (at == std::string::npos || at < hostStart)
        return url;
    return url.substr(0, hostStart) + url.substr(at + 1);
}

std::optional<std::string> badPrometheusUrl(const std::string& urlIn)
{
    const std::string url = displayUrl(urlIn);
    const bool http = url.starts_with("http://");
    if (!http && !url.starts_with("https://"))
        return "'" + url + "' must start with http:// or https://";
    const std::size_t hostStart = http ? 7 : 8;
    const auto hostEnd = std::min(url.find_first_of("/?#", hostStart), url.size());
    std::string host = url.substr(hostStart, hostEnd - hostStart);
    if (host.empty())
        return "'" + url + "' names no host";
    if (host.find_first_of(" \t\r\n\"<>\\^`{|}") != std::string::npos)
        return "'" + url + "' has characters a URL cannot hold";
    const auto bracket = host.rfind(']');
    const auto colon = host.rfind(':');
    if (colon != std::string::npos && (bracket == std::string::npos || colon > bracket)) {
        const std::string port = host.substr(colon + 1);
        if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(port) < 1 || std::stoi(port) > 65535)
            return "'" + url + "': the port must be a number in [1, 65535]";
    }
    return std::nullopt;
}

struct PrometheusClient::Impl {
    PrometheusEndpoint endpoint;
    CURL* curl = nullptr;
    const std::atomic<bool>* cancel = nullptr;

    ~Impl()
    {
        if (curl)
            curl_easy_cleanup(curl);
    }

    /// POSTs the form to `path` and returns the JSON document's `data`, or what went wrong.
    PrometheusResult<nlohmann::json> call(const std::string& path, const std::string& form, const std::string& promql)
    {
        static const bool curlReady = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
        const std::string url = displayUrl(endpoint.url);
        if (!curlReady)
            return std::unexpected(failure(PrometheusFailure::Unreachable, "libcurl could not be initialised"));
        if (const auto bad = badPrometheusUrl(endpoint.url))
            return std::unexpected(failure(PrometheusFailure::Unreachable, "the Prometheus URL " + *bad));
        if (!endpoint.caFile.empty() && !std::ifstream(endpoint.caFile))
            return std::unexpected(failure(PrometheusFailure::Tls, "cannot read the CA file " + endpoint.caFile));
        std::string authorization;
        if (!endpoint.tokenFile.empty()) {
            auto token = readToken(endpoint.tokenFile);
            if (!token)
                return std::unexpected(token.error());
            authorization = "Authorization: Bearer " + *token;
        }
        if (!curl)
            curl = curl_easy_init();
        if (!curl)
            return std::unexpected(failure(PrometheusFailure::Unreachable, "libcurl could not make a handle"));
        curl_easy_reset(curl); // keeps the connection cache: one keep-alive connection per client

        std::string base = endpoint.url;
        while (!base.empty() && base.back() == '/')
            base.pop_back();
        const std::string target = base + path;
        Body body;
        char curlError[CURL_ERROR_SIZE] = {};
        curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
        if (!authorization.empty())
            headers = curl_slist_append(headers, authorization.c_str());
        curl_easy_setopt(curl, CURLOPT_URL, target.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, form.c_str());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(form.size()));
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &collect);
        curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curlError);
        curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, ""); // gzip when the server offers it
        const long timeoutMs = static_cast<long>(std::max(0.1, endpoint.timeoutSeconds) * 1000.0);
        curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeoutMs);
        curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeoutMs);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, endpoint.verifyTls ? 1L : 0L);
        curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, endpoint.verifyTls ? 2L : 0L);
        if (!endpoint.caFile.empty())
            curl_easy_setopt(curl, CURLOPT_CAINFO, endpoint.caFile.c_str());
        if (cancel) {
            curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
            curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &abortWhenCancelled);
            curl_easy_setopt(curl, CURLOPT_XFERINFODATA, cancel);
        }
        // Redirects are not followed: a login page (OpenShift's oauth-proxy) is an answer to report.
        const CURLcode code = curl_easy_perform(curl);
        // The handle outlives this call (keep-alive): leave it no pointer into this frame.
        curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
        curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
        curl_slist_free_all(headers);
        long status = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);

        const std::string at = "Prometheus at " + url;
        if (code != CURLE_OK) {
            const std::string why = curlError[0] ? std::string(curlError) : std::string(curl_easy_strerror(code));
            switch (code) {
            case CURLE_ABORTED_BY_CALLBACK:
                return std::unexpected(failure(PrometheusFailure::Cancelled, "the query to " + at + " was cancelled"));
            case CURLE_OPERATION_TIMEDOUT:
                return std::unexpected(failure(PrometheusFailure::Timeout,
                                               at + " did not answer within " + secondsText(timeoutMs / 1000.0) +
                                                   " s (" + why + ")"));
            case CURLE_PEER_FAILED_VERIFICATION:
            case CURLE_SSL_CONNECT_ERROR:
            case CURLE_SSL_CACERT_BADFILE:
            case CURLE_SSL_CERTPROBLEM:
                // OpenSSL's "wrong version number": the port speaks plain HTTP; the fix is the scheme, not a CA.
                if (why.find("wrong version number") != std::string::npos && url.rfind("https://", 0) == 0)
                    return std::unexpected(failure(PrometheusFailure::Tls, at + ": TLS failed (" + why +
                                                                               "); the server answers plain HTTP there: use http://" +
                                                                               url.substr(8)));
                return std::unexpected(failure(
                    PrometheusFailure::Tls, at + ": TLS failed (" + why +
                                                "); give the cluster's CA bundle with --ca-file, or --insecure-skip-tls-verify "
                                                "to skip verification (not recommended)"));
            case CURLE_WRITE_ERROR:
                if (body.tooLarge)
                    return std::unexpected(failure(PrometheusFailure::BadResponse,
                                                   at + " answered more than 64 MiB for `" + shortened(promql, 120) +
                                                       "`; narrow the selector"));
                [[fallthrough]];
            default:
                return std::unexpected(failure(PrometheusFailure::Unreachable, at + " is unreachable: " + why));
            }
        }
        if (status == 401)
            return std::unexpected(failure(
                PrometheusFailure::Unauthorized,
                at + " answered 401 Unauthorized: " +
                    (endpoint.tokenFile.empty() ? std::string("it needs a bearer token (--token-file; on OpenShift `oc whoami -t`)")
                                                : "the token in " + endpoint.tokenFile + " was refused (expired? `oc whoami -t` prints a fresh one)")));
        if (status == 403)
            return std::unexpected(failure(PrometheusFailure::Forbidden,
                                           at + " answered 403 Forbidden: the token's account may not read metrics "
                                                "(on OpenShift it needs the cluster-monitoring-view role or namespace access)"));
        const auto doc = nlohmann::json::parse(body.text, nullptr, false);
        const bool prometheusJson = !doc.is_discarded() && doc.is_object() && doc.contains("status");
        if (prometheusJson && doc["status"] == "error") {
            const std::string type = doc.value("errorType", "error");
            const std::string message = doc.value("error", "");
            const auto kind = type == "bad_data" ? PrometheusFailure::BadQuery : PrometheusFailure::ServerError;
            return std::unexpected(failure(kind, at + (kind == PrometheusFailure::BadQuery ? " rejected the query `" : " failed the query `") +
                                                     shortened(promql, 200) + "`: " + type + ": " + message));
        }
        if (status >= 300 || !prometheusJson)
            return std::unexpected(failure(status >= 500 ? PrometheusFailure::ServerError : PrometheusFailure::BadResponse,
                                           at + " answered HTTP " + std::to_string(status) +
                                               (prometheusJson ? std::string() : std::string(", not Prometheus's JSON")) +
                                               (body.text.empty() ? std::string() : ": " + shortened(body.text)) +
                                               (status == 404 ? " (is the URL the Prometheus API's base, without /api/v1?)" : "")));
        if (doc["status"] != "success" || !doc.contains("data") || !doc["data"].is_object())
            return std::unexpected(failure(PrometheusFailure::BadResponse, at + " answered without data: " + shortened(body.text)));
        return doc["data"];
    }
};

PrometheusClient::PrometheusClient(PrometheusEndpoint endpoint)
    : m_impl(std::make_unique<Impl>())
{
    m_impl->endpoint = std::move(endpoint);
}

PrometheusClient::~PrometheusClient() = default;
PrometheusClient::PrometheusClient(PrometheusClient&&) noexcept = default;
PrometheusClient& PrometheusClient::operator=(PrometheusClient&&) noexcept = default;

const PrometheusEndpoint& PrometheusClient::endpoint() const
{
    return m_impl->endpoint;
}

void PrometheusClient::setCancel(const std::atomic<bool>* cancel)
{
    m_impl->cancel = cancel;
}

namespace {

std::string formEncode(std::initializer_list<std::pair<const char*, std::string>> fields)
{
    std::string out;
    for (const auto& [key, value] : fields) {
        char* escaped = curl_easy_escape(nullptr, value.c_str(), static_cast<int>(value.size()));
        // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "&" + std::string(...).
        if (!out.empty())
            out += '&';
        out += key;
        out += '=';
        out += escaped ? escaped : "";
        curl_free(escaped);
    }
    return out;
}

std::string timeText(double unixSeconds)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", unixSeconds);
    return buf;
}

PrometheusError malformed(const std::string& url, const std::string& what)
{
    return failure(PrometheusFailure::BadResponse, "Prometheus at " + displayUrl(url) + " answered a malformed result: " + what);
}

} // namespace

PrometheusResult<std::vector<PromSample>> PrometheusClient::query(const std::string& promql, std::optional<double> atUnixSeconds)
{
    const std::string form = atUnixSeconds ? formEncode({{"query", promql}, {"time", timeText(*atUnixSeconds)}})
                                           : formEncode({{"query", promql}});
    auto data = m_impl->call("/api/v1/query", form, promql);
    if (!data)
        return std::unexpected(data.error());
    std::vector<PromSample> samples;
    try {
        const std::string type = data->at("resultType").get<std::string>();
        const auto& result = data->at("result");
        if (type == "scalar") {
            samples.push_back(PromSample{{}, sampleValue(result)});
        } else if (type == "vector") {
            for (const auto& series : result)
                samples.push_back(PromSample{labelsOf(series), sampleValue(series.at("value"))});
        } else {
            return std::unexpected(malformed(m_impl->endpoint.url, "an instant query gave a " + type +
                                                                       " (use a range query for range vectors)"));
        }
    } catch (const std::exception& e) {
        return std::unexpected(malformed(m_impl->endpoint.url, e.what()));
    }
    return samples;
}

PrometheusResult<std::vector<PromSeries>> PrometheusClient::queryRange(const std::string& promql, double start, double end,
                                                                       double stepSeconds)
{
    if (!(end >= start) || !(stepSeconds > 0))
        return std::unexpected(failure(PrometheusFailure::BadQuery, "a range query needs start ≤ end and a positive step"));
    auto data = m_impl->call("/api/v1/query_range",
                             formEncode({{"query", promql}, {"start", timeText(start)}, {"end", timeText(end)},
                                         {"step", timeText(stepSeconds)}}),
                             promql);
    if (!data)
        return std::unexpected(data.error());
    std::vector<PromSeries> out;
    try {
        if (data->at("resultType").get<std::string>() != "matrix")
            return std::unexpected(malformed(m_impl->endpoint.url, "a range query did not give a matrix"));
        for (const auto& series : data->at("result")) {
            PromSeries s{labelsOf(series), {}};
            for (const auto& pair : series.at("values"))
                s.points.emplace_back(pair.at(0).get<double>(), sampleValue(pair));
            out.push_back(std::move(s));
        }
    } catch (const std::exception& e) {
        return std::unexpected(malformed(m_impl->endpoint.url, e.what()));
    }
    return out;
}

Error toError(const PrometheusError& error)
{
    return Error{error.message, {}};
}

} // namespace kvroute::cluster
