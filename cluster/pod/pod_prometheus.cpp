#include "cluster/pod/pod_prometheus.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <sstream>

namespace kvroute::cluster {

namespace {

// Bucket lists of vLLM v0.10.0's v1/metrics/loggers.py (vllm.md §6).
const std::vector<double> kTtftBuckets{0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75,
                                       1.0,   2.5,   5.0,  7.5,  10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
const std::vector<double> kTpotBuckets{0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5,
                                       0.75, 1.0,   2.5,  5.0,   7.5, 10.0, 20.0, 40.0, 80.0};
const std::vector<double> kRequestLatencyBuckets{0.3,  0.5,  0.8,  1.0,  1.5,  2.0,   2.5,   5.0,   10.0,  15.0, 20.0,
                                                 30.0, 40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};
const std::vector<double> kIterationBuckets{1, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384};
const std::vector<double> kNBuckets{1, 2, 5, 10, 20};

/// Python's repr(float): the shortest digits that read back the same value, in fixed notation
/// unless the decimal exponent is below -4 or 16 and over ("1e-05", "1e+16"), ".0" on integers.
std::string pythonRepr(double v)
{
    if (v == 0)
        return std::signbit(v) ? "-0.0" : "0.0";
    char buf[40];
    for (int precision = 0; precision <= 17; ++precision) {
        std::snprintf(buf, sizeof buf, "%.*e", precision, v);
        if (std::strtod(buf, nullptr) == v)
            break;
    }
    std::string text(buf); // [-]d.ddde±XX
    const bool negative = text.front() == '-';
    if (negative)
        text.erase(0, 1);
    const auto e = text.find('e');
    const int exponent = std::atoi(text.c_str() + e + 1);
    std::string digits = text.substr(0, e);
    std::erase(digits, '.');
    while (digits.size() > 1 && digits.back() == '0')
        digits.pop_back();
    std::string out;
    if (exponent >= -4 && exponent < 16) {
        if (exponent < 0) {
            out.assign("0.");
            out.append(static_cast<std::size_t>(-exponent - 1), '0');
            out += digits;
        } else {
            const auto intLen = static_cast<std::size_t>(exponent + 1);
            out = digits.size() <= intLen ? digits + std::string(intLen - digits.size(), '0') + ".0"
                                          : digits.substr(0, intLen) + "." + digits.substr(intLen);
        }
    } else {
        out = digits.substr(0, 1) + (digits.size() > 1 ? "." + digits.substr(1) : std::string());
        char exp[16];
        std::snprintf(exp, sizeof exp, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
        out += exp;
    }
    if (negative)
        out.insert(out.begin(), '-');
    return out;
}

/// prometheus_client's floatToGoString (utils.py), which writes every value and `le` bound:
/// Python's repr, except that a positive number with more than six digits before the point
/// switches to Go's exponent form ("1733350000.5" → "1.7333500005e+09", 1e6 → "1e+06").
std::string number(double v)
{
    if (std::isinf(v))
        return v > 0 ? "+Inf" : "-Inf";
    if (std::isnan(v))
        return "NaN";
    const std::string s = pythonRepr(v);
    const auto dot = s.find('.');
    if (v > 0 && dot != std::string::npos && dot > 6) {
        std::string mantissa = s.substr(0, 1) + "." + s.substr(1, dot - 1) + s.substr(dot + 1);
        while (!mantissa.empty() && (mantissa.back() == '0' || mantissa.back() == '.')) // rstrip('0.')
            mantissa.pop_back();
        return mantissa + "e+0" + std::to_string(dot - 1);
    }
    return s;
}

std::string escapeLabel(const std::string& value)
{
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"')
            out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}

double processStartEpoch()
{
    static const double start =
        std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
    return start;
}

/// prometheus_client's generate_latest (exposition.py) for vLLM's metrics: a counter's HELP and
/// TYPE name its `_total` sample; labels are written sorted by name; the `_created` samples of
/// counters and histograms (on: vLLM v0.10.0 serves the default registry and never calls
/// disable_created_metrics(), which only the V0 engine's vllm/engine/metrics.py does) are moved
/// to the end of their family, under their own HELP and `# TYPE <name>_created gauge`.
class Writer {
public:
    using Label = std::pair<std::string, std::string>;

    explicit Writer(std::vector<Label> labels) : m_labels(std::move(labels)) {}

    void gauge(const std::string& name, const std::string& help, double value)
    {
        header(name, help, "gauge");
        sample(name, {}, value);
    }
    void counter(const std::string& name, const std::string& help, double value)
    {
        counterFamily(name, help, {{std::nullopt, value}});
    }
    void counterFamily(const std::string& name, const std::string& help,
                       const std::vector<std::pair<std::optional<Label>, double>>& children)
    {
        header(name + "_total", help, "counter");
        for (const auto& [label, value] : children)
            sample(name + "_total", label, value);
        header(name + "_created", help, "gauge");
        for (const auto& [label, value] : children)
            sample(name + "_created", label, processStartEpoch());
    }
    void histogram(const std::string& name, const std::string& help, const Histogram& h)
    {
        header(name, help, "histogram");
        std::uint64_t cumulative = 0;
        for (std::size_t i = 0; i < h.bounds.size(); ++i) {
            cumulative += h.counts[i];
            sample(name + "_bucket", Label{"le", number(h.bounds[i])}, static_cast<double>(cumulative));
        }
        sample(name + "_bucket", Label{"le", "+Inf"}, static_cast<double>(h.count));
        sample(name + "_count", {}, static_cast<double>(h.count));
        sample(name + "_sum", {}, h.sum);
        header(name + "_created", help, "gauge");
        sample(name + "_created", {}, processStartEpoch());
    }
    void raw(const std::string& text) { m_out << text; }
    [[nodiscard]] std::string text() const { return m_out.str(); }

private:
    void header(const std::string& name, const std::string& help, const char* type)
    {
        m_out << "# HELP " << name << ' ' << help << '\n' << "# TYPE " << name << ' ' << type << '\n';
    }
    void sample(const std::string& name, const std::optional<Label>& extra, double value)
    {
        std::vector<Label> labels = m_labels;
        if (extra)
            labels.push_back(*extra);
        std::ranges::sort(labels);
        m_out << name << '{';
        for (std::size_t i = 0; i < labels.size(); ++i)
            m_out << (i ? "," : "") << labels[i].first << "=\"" << escapeLabel(labels[i].second) << '"';
        m_out << "} " << number(value) << '\n';
    }

    std::vector<Label> m_labels;
    std::ostringstream m_out;
};

} // namespace

Histogram::Histogram(std::vector<double> upperBounds) : bounds(std::move(upperBounds)), counts(bounds.size() + 1, 0) {}

void Histogram::observe(double value)
{
    std::size_t i = 0;
    while (i < bounds.size() && value > bounds[i])
        ++i;
    ++counts[i];
    sum += value;
    ++count;
}

std::vector<double> buckets125(std::int64_t max)
{
    std::vector<double> out;
    for (std::int64_t decade = 1;; decade *= 10) {
        for (const std::int64_t m : {1, 2, 5}) {
            if (m * decade > max)
                return out;
            out.push_back(static_cast<double>(m * decade));
        }
    }
}

PodPrometheus::PodPrometheus(PodIdentity identity)
    : m_id(std::move(identity))
    , m_ttft(kTtftBuckets)
    , m_tpot(kTpotBuckets)
    , m_e2e(kRequestLatencyBuckets)
    , m_queue(kRequestLatencyBuckets)
    , m_inference(kRequestLatencyBuckets)
    , m_prefill(kRequestLatencyBuckets)
    , m_decode(kRequestLatencyBuckets)
    , m_promptTokens(buckets125(m_id.maxModelLen))
    , m_generationTokens(buckets125(m_id.maxModelLen))
    , m_maxTokens(buckets125(m_id.maxModelLen))
    , m_maxGenerationTokens(buckets125(m_id.maxModelLen))
    , m_n(kNBuckets)
    , m_iteration(kIterationBuckets)
{
    m_finishedByReason = {{"stop", 0}, {"length", 0}, {"abort", 0}};
}

void PodPrometheus::onToken(double nowSeconds, const sim::RequestOutput& output, const sim::PodRequestRecord& record)
{
    if (output.firstToken) {
        m_ttft.observe(nowSeconds - sim::toSeconds(record.arrival));
        return;
    }
    if (record.lastToken >= 0)
        m_tpot.observe(nowSeconds - sim::toSeconds(record.lastToken));
}

void PodPrometheus::onStepEnd(std::int64_t iterationTokens)
{
    if (iterationTokens > 0)
        m_iteration.observe(static_cast<double>(iterationTokens));
}

void PodPrometheus::onFinished(double nowSeconds, const sim::PodRequestRecord& r, std::int32_t maxTokensParam)
{
    using sim::FinishReason;
    // A client abort drops the request's state in the frontend (OutputProcessor.abort_requests),
    // so it reaches no counter or histogram (vllm.md §6).
    if (r.finishReason == FinishReason::Abort)
        return;
    ++m_finishedByReason[r.finishReason == FinishReason::Stop ? "stop" : "length"];
    const auto seconds = [](sim::SimTime t) { return sim::toSeconds(t); };
    m_e2e.observe(nowSeconds - seconds(r.arrival));
    if (r.firstScheduled >= 0) {
        m_queue.observe(seconds(r.firstScheduled - r.arrival));
        m_inference.observe(seconds(r.lastToken - r.firstScheduled));
        m_prefill.observe(seconds(r.firstToken - r.firstScheduled));
        m_decode.observe(seconds(r.lastToken - r.firstToken));
    }
    m_promptTokens.observe(r.numPromptTokens);
    m_generationTokens.observe(r.numOutputTokens);
    // IterationStats.update_from_finished_request (v1/metrics/stats.py:150-181) keeps
    // max_tokens_param, observed only when truthy (loggers.py:559-561); n and the most tokens any
    // of the n samples generated are appended once the last sample finishes
    // (ParentRequest.observe_finished_request, v1/engine/parallel_sampling.py:118-133). A pod
    // request has n = 1, so that maximum is its own generated-token count.
    if (maxTokensParam > 0)
        m_maxTokens.observe(maxTokensParam);
    m_maxGenerationTokens.observe(r.numOutputTokens);
    m_n.observe(1);
}

std::string PodPrometheus::render(const sim::PodMetrics& pod) const
{
    Writer w({{"model_name", m_id.modelName}, {"engine", "0"}});
    w.gauge("vllm:num_requests_running", "Number of requests in model execution batches.", pod.numRequestsRunning);
    w.gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.", pod.numRequestsWaiting);
    w.gauge("vllm:gpu_cache_usage_perc",
            // vLLM's string literals join without a space (loggers.py:212-214, 225-227).
            "GPU KV-cache usage. 1 means 100 percent usage.DEPRECATED: Use vllm:kv_cache_usage_perc instead.",
            pod.kvCacheUsage);
    w.counter("vllm:gpu_prefix_cache_queries",
              "GPU prefix cache queries, in terms of number of queriedtokens. DEPRECATED: Use "
              "vllm:prefix_cache_queries instead.",
              static_cast<double>(pod.prefixCache.queries));
    w.counter("vllm:gpu_prefix_cache_hits",
              "GPU prefix cache hits, in terms of number of cached tokens. DEPRECATED: Use vllm:prefix_cache_hits "
              "instead.",
              static_cast<double>(pod.prefixCache.hits));
    w.gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.", pod.kvCacheUsage);
    w.counter("vllm:prefix_cache_queries", "Prefix cache queries, in terms of number of queried tokens.",
              static_cast<double>(pod.prefixCache.queries));
    w.counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.",
              static_cast<double>(pod.prefixCache.hits));
    w.counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.",
              static_cast<double>(pod.numPreemptions));
    w.counter("vllm:prompt_tokens", "Number of prefill tokens processed.", static_cast<double>(pod.promptTokens));
    w.counter("vllm:generation_tokens", "Number of generation tokens processed.",
              static_cast<double>(pod.generationTokens));
    // One child per FinishReason, in the enum's order (loggers.py:297-303).
    std::vector<std::pair<std::optional<Writer::Label>, double>> finished;
    for (const char* reason : {"stop", "length", "abort"})
        finished.emplace_back(Writer::Label{"finished_reason", reason}, static_cast<double>(m_finishedByReason.at(reason)));
    w.counterFamily("vllm:request_success", "Count of successfully processed requests.", finished);
    w.histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.", m_promptTokens);
    w.histogram("vllm:request_generation_tokens", "Number of generation tokens processed.", m_generationTokens);
    w.histogram("vllm:iteration_tokens_total", "Histogram of number of tokens per engine_step.", m_iteration);
    w.histogram("vllm:request_max_num_generation_tokens", "Histogram of maximum number of requested generation tokens.",
                m_maxGenerationTokens);
    w.histogram("vllm:request_params_n", "Histogram of the n request parameter.", m_n);
    w.histogram("vllm:request_params_max_tokens", "Histogram of the max_tokens request parameter.", m_maxTokens);
    w.histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.", m_ttft);
    w.histogram("vllm:time_per_output_token_seconds", "Histogram of time per output token in seconds.", m_tpot);
    w.histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.", m_e2e);
    w.histogram("vllm:request_queue_time_seconds", "Histogram of time spent in WAITING phase for request.", m_queue);
    w.histogram("vllm:request_inference_time_seconds", "Histogram of time spent in RUNNING phase for request.",
                m_inference);
    w.histogram("vllm:request_prefill_time_seconds", "Histogram of time spent in PREFILL phase for request.",
                m_prefill);
    w.histogram("vllm:request_decode_time_seconds", "Histogram of time spent in DECODE phase for request.", m_decode);
    w.raw("# HELP vllm:cache_config_info Information of the LLMEngine CacheConfig\n"
          "# TYPE vllm:cache_config_info gauge\n"
          "vllm:cache_config_info{block_size=\"" + std::to_string(m_id.blockSize) +
          "\",cache_dtype=\"auto\",enable_prefix_caching=\"" + (m_id.enablePrefixCaching ? "True" : "False") +
          "\",engine=\"0\",gpu_memory_utilization=\"" + number(m_id.gpuMemoryUtilization) +
          "\",num_gpu_blocks=\"" + std::to_string(m_id.numGpuBlocks) + "\",prefix_caching_hash_algo=\"" +
          escapeLabel(m_id.prefixCachingHashAlgo) + "\"} 1.0\n");
    return w.text();
}

} // namespace kvroute::cluster
