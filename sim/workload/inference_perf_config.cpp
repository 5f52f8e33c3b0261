#include "sim/workload/inference_perf_config.h"

#include "sim/model/strict_yaml.h"
#include "sim/workload/distribution.h"

#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <utility>

namespace kvroute::sim {

namespace {

using strict_yaml::MapReader;
using strict_yaml::quote;

constexpr double kMaxTokens = 1e7;

/// Whether `key` is in `node` with a value other than null (pydantic's Optional fields).
bool given(const YAML::Node& node, std::string_view key)
{
    const YAML::Node value = node[std::string(key)];
    return value.IsDefined() && !value.IsNull();
}

Result<std::int32_t> int32In(const MapReader& map, std::string_view key, std::int64_t min, std::int64_t max)
{
    std::int64_t value = 0;
    KVROUTE_TRY_ASSIGN(value, map.integer(key, min, max));
    return static_cast<std::int32_t>(value);
}

Result<double> positiveNumber(const MapReader& map, std::string_view key, double max, const std::string& what)
{
    double value = 0.0;
    KVROUTE_TRY_ASSIGN(value, map.number(key, std::numeric_limits<double>::lowest(), std::numeric_limits<double>::max()));
    if (!(value > 0.0) || value > max)
        return fail("key " + quote(key) + " in " + what + " must be more than 0 and at most " + formatNumber(max) + ", got " +
                        formatNumber(value),
                    map.whereValue(key));
    return value;
}

Result<void> readLoad(const YAML::Node& node, const std::string& file, InferencePerfConfig& c)
{
    MapReader map;
    KVROUTE_TRY_ASSIGN(map, MapReader::open(node, "load",
                                            {"type", "interval", "stages", "sweep", "num_workers",
                                             "worker_max_concurrency", "worker_max_tcp_connections"},
                                            file));
    if (given(node, "type")) {
        std::string type;
        KVROUTE_TRY_ASSIGN(type, map.string("type"));
        if (type == "constant")
            c.loadType = ArrivalProcess::Constant;
        else if (type == "poisson")
            c.loadType = ArrivalProcess::Poisson;
        else
            return fail("load.type " + quote(type) +
                            " is not supported; allowed: constant, poisson (inference-perf v0.2.0's load types; "
                            "sweep, trace_replay and concurrent are not simulated)",
                        map.whereValue("type"));
    }
    if (given(node, "sweep"))
        return fail("load.sweep is not supported: inference-perf picks a sweep's stages at run time from a "
                    "saturation probe; list the stages you ran under load.stages instead",
                    map.whereValue("sweep"));
    if (given(node, "interval"))
        KVROUTE_TRY_ASSIGN(c.intervalSeconds, map.number("interval", 0.0, 86400.0));
    if (given(node, "num_workers")) {
        std::int64_t workers = 0;
        KVROUTE_TRY_ASSIGN(workers, map.integer("num_workers", 0, 100'000));
        // v0.2.0's LoadGenerator.run() takes another path with no worker processes: no 1 s
        // start offset, no in-flight limit, a stage cut at its duration instead of
        // int(rate × duration) requests, and a constant-load stage that ends in zip(strict=True)'s
        // ValueError. That is a different load, not a limit of this one, so it is refused.
        if (workers == 0)
            return fail("load.num_workers 0 runs inference-perf v0.2.0 in a single process (LoadGenerator.run() "
                        "without workers: no 1 s start offset, no in-flight limit, each stage cut at its duration), "
                        "a load kvroute does not simulate; use 1 or more workers",
                        map.whereValue("num_workers"));
        c.numWorkers = workers;
    }
    if (given(node, "worker_max_concurrency"))
        KVROUTE_TRY_ASSIGN(c.workerMaxConcurrency, map.integer("worker_max_concurrency", 1, 1'000'000));
    if (given(node, "worker_max_tcp_connections")) // a socket pool size: no effect on the load
        KVROUTE_TRY(map.integer("worker_max_tcp_connections", 1, 1'000'000'000));
    if (c.workerMaxConcurrency * c.numWorkers.value_or(1) > 10'000'000)
        return fail("num_workers × worker_max_concurrency must not exceed 10,000,000 requests in flight",
                    map.whereValue("worker_max_concurrency"));

    if (!given(node, "stages"))
        return fail("load.stages is missing: list at least one {rate, duration} stage", map.whereValue("stages"));
    YAML::Node stages;
    KVROUTE_TRY_ASSIGN(stages, map.sequence("stages"));
    if (stages.size() == 0)
        return fail("load.stages needs at least one {rate, duration} stage", map.whereValue("stages"));
    for (std::size_t i = 0; i < stages.size(); ++i) {
        const std::string what = "load.stages[" + std::to_string(i) + "]";
        MapReader stage;
        KVROUTE_TRY_ASSIGN(stage, MapReader::open(stages[i], what, {"rate", "duration"}, file));
        LoadStage s;
        KVROUTE_TRY_ASSIGN(s.rate, positiveNumber(stage, "rate", 1e6, what));
        KVROUTE_TRY_ASSIGN(s.durationSeconds, positiveNumber(stage, "duration", 1e7, what));
        // LoadStage.duration is an int: pydantic 2 accepts 30.0 as 30 but refuses 30.5.
        if (s.durationSeconds != std::floor(s.durationSeconds))
            return fail(what + ": duration must be a whole number of seconds (inference-perf v0.2.0's LoadStage.duration is "
                               "an int, so it refuses " + formatNumber(s.durationSeconds) + ")",
                        stage.whereValue("duration"));
        if (c.loadType == ArrivalProcess::Constant && s.rate * s.durationSeconds > 1e8)
            return fail(what + ": a constant-load stage sends at most 1e8 requests (rate × duration)",
                        stage.whereValue("rate"));
        c.stages.push_back(s);
    }
    return {};
}

Result<void> readDistribution(const YAML::Node& node, const std::string& what, const std::string& file,
                              LengthDistribution& d)
{
    MapReader map;
    KVROUTE_TRY_ASSIGN(map, MapReader::open(node, what, {"min", "max", "mean", "std_dev", "total_count"}, file));
    const auto maxTokens = static_cast<std::int64_t>(kMaxTokens);
    if (given(node, "min")) {
        // Distribution.min has no lower bound upstream. A 0 drawn for the output is sent as
        // max_tokens 30 (kInferencePerfDefaultMaxTokens), which vLLM serves. A 0 drawn for the
        // input is sent as decode([]) = "", whose token count depends on the model's tokenizer
        // (one BOS token for Llama's, none for Qwen's, and vLLM refuses an empty prompt): not
        // simulated, so refused with why.
        KVROUTE_TRY_ASSIGN(d.min, map.integer("min", 0, maxTokens));
        if (d.min == 0 && what == "data.input_distribution")
            return fail(what + ": min 0 lets a request send an empty text prompt, which vLLM serves as a BOS token or "
                               "refuses, depending on the model's tokenizer; kvroute does not model tokenizers, so use "
                               "min 1 or more",
                        map.whereValue("min"));
    }
    if (given(node, "max"))
        KVROUTE_TRY_ASSIGN(d.max, map.integer("max", 1, maxTokens));
    if (given(node, "mean"))
        KVROUTE_TRY_ASSIGN(d.mean, map.number("mean", 0.0, kMaxTokens));
    if (given(node, "std_dev"))
        KVROUTE_TRY_ASSIGN(d.stdDev, map.number("std_dev", 0.0, kMaxTokens));
    if (given(node, "total_count"))
        KVROUTE_TRY_ASSIGN(d.totalCount, map.integer("total_count", 1, 100'000'000));
    // generate_distribution's own checks (inference_perf/utils/distribution.py 35-42).
    if (d.min > d.max)
        return fail(what + ": min (" + std::to_string(d.min) + ") is more than max (" + std::to_string(d.max) + ")",
                    map.whereValue("min"));
    if (d.mean < static_cast<double>(d.min) || d.mean > static_cast<double>(d.max))
        return fail(what + ": mean must lie within [min, max]", map.whereValue("mean"));
    return {};
}

Result<void> readData(const YAML::Node& node, const std::string& file, InferencePerfConfig& c)
{
    MapReader map;
    KVROUTE_TRY_ASSIGN(map, MapReader::open(node, "data",
                                            {"type", "path", "input_distribution", "output_distribution",
                                             "shared_prefix"},
                                            file));
    std::string type = "mock"; // DataConfig's default
    if (given(node, "type"))
        KVROUTE_TRY_ASSIGN(type, map.string("type"));
    const std::string allowed =
        "; allowed: shared_prefix, random (inference-perf's mock, shareGPT, synthetic, cnn_dailymail, "
        "infinity_instruct and billsum_conversations send real or canned text and are not simulated)";
    if (type == "shared_prefix")
        c.data = InferencePerfData::SharedPrefix;
    else if (type == "random")
        c.data = InferencePerfData::Random;
    else if (!given(node, "type"))
        return fail("data.type is missing (inference-perf's default is mock)" + allowed, map.whereValue("type"));
    else
        return fail("data.type " + quote(type) + " is not supported" + allowed, map.whereValue("type"));

    if (c.data == InferencePerfData::SharedPrefix) {
        // main.py refuses shared_prefix without its section; its fields all have defaults.
        if (!given(node, "shared_prefix"))
            return fail("data.type shared_prefix needs a data.shared_prefix section", map.whereValue("type"));
        YAML::Node sp;
        KVROUTE_TRY_ASSIGN(sp, map.map("shared_prefix"));
        MapReader spMap;
        KVROUTE_TRY_ASSIGN(spMap, MapReader::open(sp, "data.shared_prefix",
                                                  {"num_groups", "num_prompts_per_group", "system_prompt_len",
                                                   "question_len", "output_len"},
                                                  file));
        const auto maxTokens = static_cast<std::int64_t>(kMaxTokens);
        if (given(sp, "num_groups"))
            KVROUTE_TRY_ASSIGN(c.numGroups, int32In(spMap, "num_groups", 1, 128'000));
        if (given(sp, "num_prompts_per_group"))
            KVROUTE_TRY_ASSIGN(c.promptsPerGroup, int32In(spMap, "num_prompts_per_group", 1, 128'000));
        if (given(sp, "system_prompt_len"))
            KVROUTE_TRY_ASSIGN(c.systemPromptLen, int32In(spMap, "system_prompt_len", 0, maxTokens));
        if (given(sp, "question_len"))
            KVROUTE_TRY_ASSIGN(c.questionLen, int32In(spMap, "question_len", 1, maxTokens));
        if (given(sp, "output_len")) {
            KVROUTE_TRY_ASSIGN(c.outputLen, int32In(spMap, "output_len", 0, maxTokens));
            if (c.outputLen == 0) // sent as the client's default (CompletionAPIData.to_payload)
                c.outputLen = kInferencePerfDefaultMaxTokens;
        }
        if (std::int64_t{c.numGroups} * c.promptsPerGroup > 10'000'000)
            return fail("num_groups × num_prompts_per_group must not exceed 10,000,000",
                        spMap.whereValue("num_prompts_per_group"));
        if (c.systemPromptLen == 0 && std::int64_t{c.numGroups} * c.promptsPerGroup > 128'000)
            return fail("without a system prompt at most 128,000 prompts are supported",
                        spMap.whereValue("system_prompt_len"));
        return {};
    }
    for (const auto& [key, target] : {std::pair{"input_distribution", &c.input},
                                      std::pair{"output_distribution", &c.output}}) {
        if (!given(node, key))
            return fail(std::string("data.type random needs data.") + key + " {min, max, mean, std_dev, total_count}",
                        map.whereValue("type"));
        YAML::Node d;
        KVROUTE_TRY_ASSIGN(d, map.map(key));
        KVROUTE_TRY(readDistribution(d, std::string("data.") + key, file, *target));
    }
    return {};
}

Result<void> readApi(const YAML::Node& node, const std::string& file, InferencePerfConfig& c)
{
    MapReader map;
    KVROUTE_TRY_ASSIGN(map, MapReader::open(node, "api", {"type", "streaming", "headers"}, file));
    if (given(node, "type")) {
        std::string type;
        KVROUTE_TRY_ASSIGN(type, map.string("type"));
        if (type == "chat")
            return fail("api.type chat: inference-perf v0.2.0's shared_prefix and random data sets support only "
                        "the completion API (get_supported_apis)",
                        map.whereValue("type"));
        if (type != "completion")
            return fail("api.type " + quote(type) + " is not one of completion, chat", map.whereValue("type"));
    }
    if (given(node, "streaming"))
        KVROUTE_TRY_ASSIGN(c.streaming, map.boolean("streaming"));
    return {};
}

} // namespace

Result<InferencePerfConfig> parseInferencePerfConfig(std::string_view text, const std::string& file)
{
    YAML::Node root;
    KVROUTE_TRY_ASSIGN(root, strict_yaml::parse(text, file));
    if (root.IsNull())
        return fail("the inference-perf config is empty; it needs at least load and data", file);
    MapReader top;
    KVROUTE_TRY_ASSIGN(top, MapReader::open(root, "the top level of an inference-perf config",
                                            {"api", "data", "load", "metrics", "report", "storage", "server",
                                             "tokenizer"},
                                            file));
    InferencePerfConfig c;
    c.file = file;
    if (!given(root, "load"))
        return fail("the inference-perf config has no load section (load.type and load.stages)", file);
    YAML::Node node;
    KVROUTE_TRY_ASSIGN(node, top.map("load"));
    KVROUTE_TRY(readLoad(node, file, c));
    if (!given(root, "data"))
        return fail("the inference-perf config has no data section; inference-perf's default data.type mock is "
                    "not supported (allowed: shared_prefix, random)",
                    file);
    KVROUTE_TRY_ASSIGN(node, top.map("data"));
    KVROUTE_TRY(readData(node, file, c));
    if (given(root, "api")) {
        KVROUTE_TRY_ASSIGN(node, top.map("api"));
        KVROUTE_TRY(readApi(node, file, c));
    }
    // server, tokenizer, report, storage and metrics address the real servers and the report
    // files; none of them changes the load (metrics.prometheus.scrape_interval can lengthen
    // load.interval only when Prometheus per-stage reports are on: main.py 256).
    return c;
}

Result<InferencePerfConfig> loadInferencePerfConfig(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail("cannot open the inference-perf config", path);
    std::stringstream text;
    text << in.rdbuf();
    if (in.bad())
        return fail("cannot read the inference-perf config", path);
    return parseInferencePerfConfig(text.str(), path);
}

} // namespace kvroute::sim
