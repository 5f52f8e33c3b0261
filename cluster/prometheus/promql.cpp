#include "cluster/prometheus/promql.h"

#include <cctype>
#include <cstdio>

namespace kvroute::cluster {

namespace {

bool labelStart(char c)
{
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool labelChar(char c)
{
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

std::string quoted(const std::string& value)
{
    std::string out = "\"";
    for (const char c : value) {
        if (c == '"' || c == '\\')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out + '"';
}

constexpr const char* kSelectorForm =
    "matchers like namespace=llm-d,model_name=\"Qwen/Qwen3-0.6B\",pod=~\"decode-.*\" (operators = != =~ !~)";

/// `metric{matchers}`: the selector's matchers on one metric.
std::string series(const LiveSelector& s, const std::string& metric)
{
    return metric + selectorText(s);
}

std::string rateOf(const LiveSelector& s, const std::string& counter, const std::string& window)
{
    return "rate(" + series(s, counter) + "[" + window + "])";
}

std::string byPod(const LiveSelector& s)
{
    return "sum by (" + s.podLabel + ") ";
}

} // namespace

Result<LiveSelector> parseSelector(const std::string& textIn)
{
    LiveSelector selector;
    std::string text = textIn;
    const auto first = text.find_first_not_of(" \t");
    const auto last = text.find_last_not_of(" \t");
    text = first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
    if (!text.empty() && text.front() == '{') {
        if (text.back() != '}')
            return fail("the selector opens '{' but does not close it; expected " + std::string(kSelectorForm), "--selector");
        text = text.substr(1, text.size() - 2);
    }
    std::size_t i = 0;
    const auto skipSpace = [&] {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
            ++i;
    };
    while (true) {
        skipSpace();
        if (i >= text.size())
            break;
        const std::size_t matcherStart = i;
        if (!labelStart(text[i]))
            return fail("expected a label name at '" + text.substr(i, 20) + "'; expected " + kSelectorForm, "--selector");
        while (i < text.size() && labelChar(text[i]))
            ++i;
        LabelMatcher m;
        m.label = text.substr(matcherStart, i - matcherStart);
        skipSpace();
        for (const char* op : {"=~", "!~", "!=", "="})
            if (text.compare(i, std::char_traits<char>::length(op), op) == 0) {
                m.op = op;
                break;
            }
        if (m.op.empty())
            return fail("the matcher '" + text.substr(matcherStart, 30) + "' has no operator; expected " + kSelectorForm,
                        "--selector");
        i += m.op.size();
        skipSpace();
        if (i < text.size() && (text[i] == '"' || text[i] == '\'' || text[i] == '`')) {
            // PromQL strings: "..." and '...' with escapes, `...` raw. An escape PromQL does not
            // know (`\d`, `\.` in a regex) keeps its backslash: Prometheus would refuse it, and
            // dropping the backslash would silently select other series.
            const char quote = text[i++];
            bool closed = false;
            while (i < text.size()) {
                const char c = text[i++];
                if (c == '\\' && quote != '`' && i < text.size()) {
                    const char e = text[i++];
                    if (e == 'n')
                        m.value += '\n';
                    else if (e == 't')
                        m.value += '\t';
                    else if (e == '\\' || e == '"' || e == '\'')
                        m.value += e;
                    else
                        m.value += std::string{'\\', e};
                } else if (c == quote) {
                    closed = true;
                    break;
                } else {
                    m.value += c;
                }
            }
            if (!closed)
                return fail("the value of '" + m.label + "' opens a quote but does not close it; expected " +
                                std::string(kSelectorForm),
                            "--selector");
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != ' ' && text[i] != '\t')
                m.value += text[i++];
            // A bare value is a convenience for names (llm-d, Qwen/Qwen3-0.6B); one that is empty
            // or holds quotes, braces, '=' or '~' is a typo (`ns=="x"`, `ns=`), not a value.
            if (m.value.empty())
                return fail("the matcher '" + m.label + m.op + "' has no value (write " + m.label + m.op +
                                "\"\" to match a missing label); expected " + kSelectorForm,
                            "--selector");
            if (m.value.find_first_of("\"'`{}=~") != std::string::npos)
                return fail("the unquoted value '" + m.value + "' of '" + m.label +
                                "' holds a quote, brace, '=' or '~' (a mistyped operator? otherwise quote the value); expected " +
                                kSelectorForm,
                            "--selector");
        }
        selector.matchers.push_back(std::move(m));
        skipSpace();
        if (i < text.size()) {
            if (text[i] != ',')
                return fail("expected ',' between matchers at '" + text.substr(i, 20) + "'; expected " + kSelectorForm,
                            "--selector");
            ++i;
        }
    }
    return selector;
}

std::string selectorText(const LiveSelector& s)
{
    if (s.matchers.empty())
        return {};
    std::string out = "{";
    for (const auto& m : s.matchers)
        out += (out.size() > 1 ? "," : "") + m.label + m.op + quoted(m.value);
    return out + "}";
}

Result<std::string> checkWindow(const std::string& window)
{
    // Prometheus durations: one or more <number><unit>, units ms s m h d w y, largest first.
    static const std::string units[] = {"y", "w", "d", "h", "m", "s", "ms"};
    std::size_t i = 0;
    int lastUnit = -1;
    bool any = false;
    bool nonZero = false; // Prometheus refuses a zero range ("duration must be greater than 0")
    while (i < window.size()) {
        const std::size_t digits = i;
        while (i < window.size() && std::isdigit(static_cast<unsigned char>(window[i])))
            ++i;
        int unit = -1;
        if (i > digits)
            for (int u = 6; u >= 0; --u) // "ms" before "m"
                if (window.compare(i, units[u].size(), units[u]) == 0) {
                    unit = u;
                    break;
                }
        if (unit < 0 || unit <= lastUnit)
            return fail("'" + window + "' is not a Prometheus duration; use e.g. 30s, 2m, 1h30m (units ms s m h d w y)",
                        "--window");
        nonZero = nonZero || window.find_first_not_of('0', digits) < i;
        i += units[unit].size();
        lastUnit = unit;
        any = true;
    }
    if (!any)
        return fail("the window is empty; use e.g. 30s, 2m, 1h30m", "--window");
    if (!nonZero)
        return fail("the window '" + window + "' is zero; Prometheus needs a range longer than that; use e.g. 30s, 2m, 1h30m",
                    "--window");
    return window;
}

namespace promql {

std::string clusterHitRate(const LiveSelector& s, const std::string& w)
{
    return "sum(" + rateOf(s, kHitsCounter, w) + ") / sum(" + rateOf(s, kQueriesCounter, w) + ")";
}

std::string podHitRate(const LiveSelector& s, const std::string& w)
{
    return byPod(s) + "(" + rateOf(s, kHitsCounter, w) + ") / " + byPod(s) + "(" + rateOf(s, kQueriesCounter, w) + ")";
}

std::string podRequestRate(const LiveSelector& s, const std::string& w)
{
    return byPod(s) + "(" + rateOf(s, kRequestsCounter, w) + ")";
}

std::string outputTokenRate(const LiveSelector& s, const std::string& w)
{
    return "sum(" + rateOf(s, kGenerationTokensCounter, w) + ")";
}

std::string podWaiting(const LiveSelector& s)
{
    return byPod(s) + "(" + series(s, "vllm:num_requests_waiting") + ")";
}

std::string podRunning(const LiveSelector& s)
{
    return byPod(s) + "(" + series(s, "vllm:num_requests_running") + ")";
}

std::string podKvCacheUsage(const LiveSelector& s)
{
    return byPod(s) + "(" + series(s, "vllm:kv_cache_usage_perc") + ")";
}

std::string ttftQuantile(const LiveSelector& s, double quantile, const std::string& w)
{
    char q[32];
    std::snprintf(q, sizeof q, "%g", quantile);
    return std::string("histogram_quantile(") + q + ", sum by (le) (" +
           rateOf(s, "vllm:time_to_first_token_seconds_bucket", w) + "))";
}

std::string preemptions(const LiveSelector& s, const std::string& w)
{
    return "sum(increase(" + series(s, kPreemptionsCounter) + "[" + w + "]))";
}

std::string podCounter(const LiveSelector& s, const std::string& counter)
{
    return byPod(s) + "(" + series(s, counter) + ")";
}

std::string gatewayStickiness(const std::string& w)
{
    return "sum(rate(kvroute_gateway_follow_ups_same_pod_total[" + w + "])) / sum(rate(kvroute_gateway_follow_ups_total[" +
           w + "]))";
}

} // namespace promql
} // namespace kvroute::cluster
