#include "sim/conformance/trace_replay.h"

#include "sim/engine/engine.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <memory>
#include <unordered_map>

namespace kvroute::sim {

namespace {

using nlohmann::json;

struct TraceEvent {
    std::int64_t step = 0;
    bool isAbort = false;
    std::string id;
    json body;
    int line = 0;
};

struct RequestRecord {
    std::string id;
    std::int64_t arrivalStep = 0;
    std::int32_t numPromptTokens = 0;
    std::optional<std::int64_t> firstScheduledStep;
    std::optional<std::int64_t> firstTokenStep;
    std::optional<std::int64_t> finishStep;
    FinishReason finishReason = FinishReason::None;
    std::optional<std::int32_t> numCachedTokens; // null until first scheduled
    std::int32_t resumptions = 0;
    std::int32_t numOutputTokens = 0;
};

struct Totals {
    PrefixCacheStats prefix;
    std::int64_t numPreemptions = 0;
    std::int64_t promptTokens = 0;
    std::int64_t generationTokens = 0;
    std::int64_t requestSuccess = 0;
};

// vLLM's PrefixCachingMetrics (vllm.md §6): every emitted stats update is observed, empty ones
// included (v0.10.0), and at most one oldest entry leaves per update.
class LoggedHitRate {
public:
    explicit LoggedHitRate(std::int64_t maxRecentRequests) : m_max(maxRecentRequests) {}
    void observe(const PrefixCacheStats& s)
    {
        m_queue.push_back(s);
        m_sum += s;
        if (m_sum.requests > m_max) {
            const auto old = m_queue.front();
            m_queue.erase(m_queue.begin());
            m_sum.requests -= old.requests;
            m_sum.queries -= old.queries;
            m_sum.hits -= old.hits;
        }
    }
    [[nodiscard]] double hitRate() const
    {
        return m_sum.queries == 0 ? 0.0 : static_cast<double>(m_sum.hits) / static_cast<double>(m_sum.queries);
    }

private:
    std::int64_t m_max;
    std::vector<PrefixCacheStats> m_queue;
    PrefixCacheStats m_sum;
};

std::string located(const std::string& path, int line) { return path + ":" + std::to_string(line); }

json hashJson(BlockHashValue value, bool isSigned)
{
    return isSigned ? json(static_cast<std::int64_t>(value)) : json(value);
}

json kvEventJson(const KvEvent& e, bool signedHashes)
{
    json hashes = json::array();
    for (const auto h : e.blockHashes)
        hashes.push_back(hashJson(h, signedHashes));
    switch (e.type) {
    case KvEvent::Type::BlockStored:
        return json{{"type", "BlockStored"},
                    {"block_hashes", hashes},
                    {"parent_block_hash", e.parentBlockHash ? hashJson(*e.parentBlockHash, signedHashes) : json()},
                    {"token_ids", e.tokenIds},
                    {"block_size", e.blockSize},
                    {"lora_id", nullptr}};
    case KvEvent::Type::BlockRemoved:
        return json{{"type", "BlockRemoved"}, {"block_hashes", hashes}};
    case KvEvent::Type::AllBlocksCleared:
        return json{{"type", "AllBlocksCleared"}};
    }
    return {};
}

template <typename T>
json optionalJson(const std::optional<T>& v)
{
    return v ? json(*v) : json();
}

class Replay {
public:
    Replay(std::string path, const ReplayOptions& options) : m_path(std::move(path)), m_options(options) {}

    Result<std::string> run()
    {
        if (auto r = load(); !r)
            return std::unexpected(r.error());
        Engine engine(m_config);
        m_signedHashes = engine.kvCache().hasher().hashesAreSigned();
        LoggedHitRate logged(m_logWindow);
        json steps = json::array();

        std::size_t next = 0;
        std::int64_t step = 0;
        while (true) {
            if (!engine.hasRequests()) {
                if (next == m_events.size())
                    break;
                step = std::max(step, m_events[next].step); // idle gaps are skipped
            }
            for (; next < m_events.size() && m_events[next].step <= step; ++next) {
                if (auto r = apply(engine, m_events[next], step); !r)
                    return std::unexpected(r.error());
            }
            if (!engine.hasRequests())
                continue;

            const StepPlan& plan = engine.schedule();
            json scheduled = json::object();
            for (const auto& s : plan.scheduled) {
                auto& record = m_records.at(s.id);
                scheduled[record.id] = s.numNewTokens;
                if (!record.firstScheduledStep)
                    record.firstScheduledStep = step;
                if (s.firstSchedule)
                    record.numCachedTokens = s.numComputedBefore;
                if (s.admitted && !s.firstSchedule)
                    ++record.resumptions;
            }
            json kvEvents = json::array();
            if (m_config.kvEvents) {
                for (const auto& e : plan.kvEvents)
                    kvEvents.push_back(kvEventJson(e, m_signedHashes));
            }

            const StepOutcome& outcome = engine.completeStep();
            json finished = json::array();
            for (const auto& out : outcome.outputs) {
                auto& record = m_records.at(out.id);
                record.numOutputTokens = out.numOutputTokens;
                m_totals.generationTokens += 1;
                m_totals.numPreemptions += out.preemptionsDelivered;
                if (out.firstToken) {
                    record.firstTokenStep = step;
                    m_totals.promptTokens += out.numPromptTokens;
                }
                if (out.finishReason != FinishReason::None) {
                    record.finishStep = step;
                    record.finishReason = out.finishReason;
                    ++m_totals.requestSuccess;
                }
            }
            for (const auto id : outcome.finished)
                finished.push_back(m_records.at(id).id);

            json record{{"step", step}, {"scheduled", scheduled}, {"finished", finished},
                        {"free_blocks", engine.numFreeBlocks()}};
            if (outcome.stats) {
                const auto& s = *outcome.stats;
                m_totals.prefix += s.prefixCache;
                logged.observe(s.prefixCache);
                record["num_running"] = s.numRunning;
                record["num_waiting"] = s.numWaiting;
                record["kv_cache_usage"] = s.kvCacheUsage;
                record["prefix_cache"] = {{"requests", s.prefixCache.requests},
                                          {"queries", s.prefixCache.queries},
                                          {"hits", s.prefixCache.hits}};
            }
            if (m_config.kvEvents)
                record["kv_events"] = std::move(kvEvents);
            steps.push_back(std::move(record));
            ++step;
        }
        return result(std::move(steps), logged.hitRate());
    }

private:
    Result<void> load()
    {
        std::ifstream in(m_path);
        if (!in)
            return fail("cannot open the trace file", m_path);
        std::string text;
        int line = 0;
        bool haveConfig = false;
        while (std::getline(in, text)) {
            ++line;
            if (text.find_first_not_of(" \t\r") == std::string::npos)
                continue;
            json j = json::parse(text, nullptr, false);
            if (j.is_discarded() || !j.is_object())
                return fail("not a JSON object", located(m_path, line));
            try {
                if (!haveConfig) {
                    if (!j.contains("config"))
                        return fail("the first line must be {\"config\": {...}}", located(m_path, line));
                    if (auto r = readConfig(j.at("config"), line); !r)
                        return r;
                    haveConfig = true;
                    continue;
                }
                TraceEvent e;
                e.step = j.at("step").get<std::int64_t>();
                const auto op = j.at("op").get<std::string>();
                if (op != "add" && op != "abort")
                    return fail("unknown op \"" + op + "\" (allowed: add, abort)", located(m_path, line));
                e.isAbort = op == "abort";
                e.id = j.at("id").get<std::string>();
                e.line = line;
                e.body = std::move(j);
                m_events.push_back(std::move(e));
            } catch (const json::exception& ex) {
                return fail(std::string("bad field: ") + ex.what(), located(m_path, line));
            }
        }
        if (!haveConfig)
            return fail("empty trace", m_path);
        std::ranges::stable_sort(m_events, {}, &TraceEvent::step);
        for (const auto& e : m_events) {
            if (!e.isAbort && e.body.contains("output"))
                m_explicitOutputs[e.id] = e.body.at("output").get<TokenVector>();
        }
        return {};
    }

    Result<void> readConfig(const json& c, int line)
    {
        m_config.numGpuBlocks = c.at("num_gpu_blocks").get<std::int32_t>();
        m_config.blockSize = c.at("block_size").get<std::int32_t>();
        m_config.maxNumSeqs = c.at("max_num_seqs").get<std::int32_t>();
        m_config.maxNumBatchedTokens = c.at("max_num_batched_tokens").get<std::int32_t>();
        m_config.maxModelLen = c.at("max_model_len").get<std::int32_t>();
        m_config.enablePrefixCaching = c.value("enable_prefix_caching", true);
        m_config.enableChunkedPrefill = c.value("enable_chunked_prefill", true);
        m_config.longPrefillTokenThreshold = c.value("long_prefill_token_threshold", 0);
        m_config.kvEvents = c.value("kv_events", false);
        m_logWindow = c.value("log_window", 1000);
        const auto policy = c.value("policy", std::string("fcfs"));
        if (policy != "fcfs")
            return fail("policy \"" + policy + "\" is not supported (allowed: fcfs)", located(m_path, line));
        const auto algo = c.value("hash_algo", std::string("builtin"));
        // vLLM's pickle-based "sha256" has 256-bit values; hit results do not depend on hash
        // values, so it is replayed with the fast hash (its KV events would not match).
        const auto parsed = algo == "sha256" ? std::optional(HashAlgo::Fast64) : parseHashAlgo(algo);
        if (!parsed)
            return fail("hash_algo \"" + algo + "\" is not one of builtin, sha256, sha256_cbor_64bit",
                        located(m_path, line));
        m_config.hashAlgo = *parsed;
        m_config.pythonHashSeed = m_options.pythonHashSeed;
        m_config.noneHashOverride = m_options.noneHash;
        return {};
    }

    OutputTokenSource outputSourceFor(const std::string& id) const
    {
        OutputTokenSource source;
        source.base = 100000;
        source.modulus = 100000;
        source.offset = crc32("out:" + id) % 100000;
        if (const auto it = m_explicitOutputs.find(id); it != m_explicitOutputs.end())
            source.explicitTokens = it->second;
        return source;
    }

    Result<TokenVector> promptOf(const TraceEvent& e) const
    {
        TokenVector tokens;
        if (e.body.contains("prompt"))
            return e.body.at("prompt").get<TokenVector>();
        for (const auto& segment : e.body.at("segments")) {
            const auto name = segment.at(0).get<std::string>();
            const auto n = segment.at(1).get<std::int64_t>();
            if (name.starts_with("@out:")) {
                const auto source = outputSourceFor(name.substr(5));
                for (std::int64_t i = 0; i < n; ++i)
                    tokens.push_back(source.at(static_cast<std::size_t>(i)));
            } else {
                const std::uint64_t base = crc32(name);
                for (std::int64_t i = 0; i < n; ++i)
                    tokens.push_back(static_cast<TokenId>((base + static_cast<std::uint64_t>(i)) % 100000));
            }
        }
        return tokens;
    }

    Result<void> apply(Engine& engine, const TraceEvent& e, std::int64_t step)
    {
        try {
            if (e.isAbort) {
                const auto it = m_idToRequest.find(e.id);
                if (it == m_idToRequest.end())
                    return fail("abort of unknown request \"" + e.id + "\"", located(m_path, e.line));
                if (engine.abortRequest(it->second)) {
                    auto& record = m_records.at(it->second);
                    record.finishStep = step;
                    record.finishReason = FinishReason::Abort;
                }
                return {};
            }
            if (m_idToRequest.contains(e.id))
                return fail("duplicate request id \"" + e.id + "\"", located(m_path, e.line));
            auto prompt = promptOf(e);
            if (!prompt)
                return std::unexpected(prompt.error());
            EngineRequest request;
            request.id = m_nextId++;
            request.maxTokens = e.body.at("max_tokens").get<std::int32_t>();
            request.stopTokenIds = e.body.value("stop_token_ids", TokenVector{});
            request.outputs = outputSourceFor(e.id);
            const auto numPrompt = static_cast<std::int32_t>(prompt->size());
            request.prompt = std::make_shared<const TokenVector>(std::move(*prompt));
            if (auto r = engine.addRequest(std::move(request)); !r)
                return fail(r.error().message, located(m_path, e.line));
            m_idToRequest.emplace(e.id, m_nextId - 1);
            RequestRecord record;
            record.id = e.id;
            record.arrivalStep = step;
            record.numPromptTokens = numPrompt;
            m_records.emplace(m_nextId - 1, std::move(record));
            m_order.push_back(m_nextId - 1);
            return {};
        } catch (const json::exception& ex) {
            return fail(std::string("bad field: ") + ex.what(), located(m_path, e.line));
        }
    }

    Result<std::string> result(json steps, double loggedHitRate) const
    {
        json requests = json::array();
        std::int64_t resumptions = 0;
        for (const auto rid : m_order) {
            const auto& r = m_records.at(rid);
            resumptions += r.resumptions;
            requests.push_back(json{{"id", r.id},
                                    {"arrival_step", r.arrivalStep},
                                    {"num_prompt_tokens", r.numPromptTokens},
                                    {"first_scheduled_step", optionalJson(r.firstScheduledStep)},
                                    {"first_token_step", optionalJson(r.firstTokenStep)},
                                    {"finish_step", optionalJson(r.finishStep)},
                                    {"finish_reason", r.finishReason == FinishReason::None
                                                          ? json()
                                                          : json(std::string(toString(r.finishReason)))},
                                    {"num_cached_tokens", optionalJson(r.numCachedTokens)},
                                    {"preemptions", r.resumptions},
                                    {"num_output_tokens", r.numOutputTokens}});
        }
        json totals{{"prefix_cache_queries", m_totals.prefix.queries},
                    {"prefix_cache_hits", m_totals.prefix.hits},
                    {"prefix_cache_requests", m_totals.prefix.requests},
                    {"num_preemptions", m_totals.numPreemptions},
                    {"num_preemptions_scheduler", resumptions},
                    {"prompt_tokens", m_totals.promptTokens},
                    {"generation_tokens", m_totals.generationTokens},
                    {"request_success", m_totals.requestSuccess}};
        json out{{"requests", std::move(requests)},
                 {"totals", std::move(totals)},
                 {"logged_prefix_cache_hit_rate", loggedHitRate},
                 {"steps", std::move(steps)}};
        return out.dump();
    }

    std::string m_path;
    ReplayOptions m_options;
    EngineConfig m_config;
    std::int64_t m_logWindow = 1000;
    bool m_signedHashes = false;
    std::vector<TraceEvent> m_events;
    std::unordered_map<std::string, TokenVector> m_explicitOutputs;
    std::unordered_map<std::string, RequestId> m_idToRequest;
    std::unordered_map<RequestId, RequestRecord> m_records;
    std::vector<RequestId> m_order;
    RequestId m_nextId = 1;
    Totals m_totals;
};

} // namespace

std::uint32_t crc32(std::string_view text)
{
    static constexpr auto kTable = [] {
        std::array<std::uint32_t, 256> table{};
        for (std::uint32_t i = 0; i < 256; ++i) {
            std::uint32_t c = i;
            for (int k = 0; k < 8; ++k)
                c = (c & 1U) ? 0xEDB88320U ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        return table;
    }();
    std::uint32_t crc = 0xFFFFFFFFU;
    for (const char ch : text)
        crc = kTable[(crc ^ static_cast<std::uint8_t>(ch)) & 0xFFU] ^ (crc >> 8);
    return crc ^ 0xFFFFFFFFU;
}

Result<std::string> replayConformanceTrace(const std::string& path, const ReplayOptions& options)
{
    return Replay(path, options).run();
}

} // namespace kvroute::sim
