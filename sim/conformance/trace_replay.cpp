#include "sim/conformance/trace_replay.h"

#include "sim/conformance/trace_field_reader.h"

#include "sim/engine/engine.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <map>
#include <memory>
#include <unordered_map>

// `auto name = *expr`, or return expr's error: the many checked fields of a trace stay one
// line each.
#define REPLAY_TRY(name, expr)                                                                     \
    auto name##Result = (expr);                                                                    \
    if (!name##Result)                                                                             \
        return std::unexpected(name##Result.error());                                              \
    auto name = std::move(*name##Result)

namespace kvroute::sim {

namespace {

using nlohmann::json;
using conformance::FieldReader;
using conformance::kInt32Max;
using conformance::kTokenIdMax;
using conformance::kMaxTokensPerSide;

struct Segment {
    std::string name;
    std::int64_t length = 0;
};

// One validated event line; the JSON is not kept.
struct TraceEvent {
    std::int64_t step = 0;
    bool isAbort = false;
    std::string id;
    int line = 0;
    // add only:
    std::vector<Segment> segments;  // or
    std::optional<TokenVector> prompt;
    std::int64_t promptLength = 0;
    std::int32_t maxTokens = 0;
    TokenVector stopTokenIds;
    std::optional<TokenVector> output;
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

            if (++m_stepsRun > m_options.limits.maxSteps)
                return fail("the replay runs more than " + std::to_string(m_options.limits.maxSteps) +
                                " engine steps (the limit of a conformance replay)",
                            m_path);
            const StepPlan& plan = engine.schedule();
            json scheduled = json::object();
            for (const auto& s : plan.scheduled)
                m_scheduledTokens += s.numNewTokens;
            if (m_scheduledTokens > m_options.limits.maxScheduledTokens)
                return fail("the replay schedules more than " + std::to_string(m_options.limits.maxScheduledTokens) +
                                " tokens (the limit of a conformance replay)",
                            m_path);
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
            if (plan.scheduled.empty() && outcome.outputs.empty() && outcome.finished.empty() &&
                next == m_events.size() && engine.hasRequests()) {
                // Nothing ran or finished, nothing can change: with no event left, this step would repeat
                // for ever (vLLM would hang too). The head of the queue cannot fit in the cache.
                std::string head;
                if (const auto waiting = engine.waitingIds(); !waiting.empty())
                    head = "request \"" + m_records.at(waiting.front()).id + "\" (" +
                           std::to_string(m_records.at(waiting.front()).numPromptTokens) + " prompt tokens) ";
                return fail("no request can ever be scheduled after step " + std::to_string(step) + ": " + head +
                                "needs more KV blocks than config.num_gpu_blocks (" +
                                std::to_string(m_config.numGpuBlocks) + " blocks of " +
                                std::to_string(m_config.blockSize) + " tokens, one reserved) can hold",
                            m_path);
            }
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
        std::error_code ec;
        if (std::filesystem::is_directory(m_path, ec))
            return fail("is a directory; give a trace file (JSON Lines, first line {\"config\": {...}})", m_path);
        std::ifstream in(m_path, std::ios::binary);
        if (!in)
            return fail("cannot open the trace file", m_path);
        std::string text;
        int line = 0;
        bool haveConfig = false;
        while (true) {
            // A line is read with a bound: /dev/zero or a huge file without newlines must not
            // take all memory.
            text.clear();
            bool any = false;
            for (int c = in.get(); c != std::char_traits<char>::eof(); c = in.get()) {
                any = true;
                if (c == '\n')
                    break;
                if (static_cast<std::int64_t>(text.size()) >= m_options.limits.maxLineBytes)
                    return fail("line longer than " + std::to_string(m_options.limits.maxLineBytes) +
                                    " bytes (the limit of a conformance trace line)",
                                located(m_path, line + 1));
                text.push_back(static_cast<char>(c));
            }
            if (!any)
                break;
            ++line;
            if (text.find_first_not_of(" \t\r") == std::string::npos)
                continue;
            json j = json::parse(text, nullptr, false);
            if (j.is_discarded() || !j.is_object())
                return fail("not a JSON object", located(m_path, line));
            if (!haveConfig) {
                if (!j.contains("config") || j.size() != 1)
                    return fail("the first line must be {\"config\": {...}}", located(m_path, line));
                if (!j.at("config").is_object())
                    return fail("\"config\" must be an object", located(m_path, line));
                if (auto r = readConfig(j.at("config"), line); !r)
                    return r;
                haveConfig = true;
                continue;
            }
            if (static_cast<std::int64_t>(m_events.size()) >= m_options.limits.maxEvents)
                return fail("more than " + std::to_string(m_options.limits.maxEvents) +
                                " events (the limit of a conformance trace)",
                            located(m_path, line));
            auto event = readEvent(j, line);
            if (!event)
                return std::unexpected(event.error());
            m_events.push_back(std::move(*event));
        }
        if (in.bad())
            return fail("read error", located(m_path, line + 1));
        if (!haveConfig)
            return fail("empty trace: the first line must be {\"config\": {...}}", m_path);
        std::ranges::stable_sort(m_events, {}, &TraceEvent::step);
        for (const auto& e : m_events) {
            if (!e.isAbort && e.output)
                m_explicitOutputs[e.id] = *e.output;
        }
        return {};
    }

    Result<TraceEvent> readEvent(const json& j, int line)
    {
        const std::string where = located(m_path, line);
        const FieldReader f(j, "", where);
        TraceEvent e;
        e.line = line;
        auto op = f.string("op", std::nullopt, "allowed: add, abort");
        if (!op)
            return std::unexpected(op.error());
        if (*op != "add" && *op != "abort")
            return fail("\"op\" is \"" + *op + "\"; allowed: add, abort", where);
        e.isAbort = *op == "abort";
        if (e.isAbort) {
            if (auto r = f.onlyKeys({"step", "op", "id"}); !r)
                return std::unexpected(r.error());
        } else if (auto r = f.onlyKeys({"step", "op", "id", "segments", "prompt", "max_tokens", "stop_token_ids",
                                        "output"});
                   !r) {
            return std::unexpected(r.error());
        }
        REPLAY_TRY(step, f.integer("step", 0, 1'000'000'000));
        e.step = step;
        REPLAY_TRY(id, f.string("id", std::nullopt));
        e.id = std::move(id);
        if (e.isAbort)
            return e;

        const std::int64_t maxModelLen = m_config.maxModelLen;
        REPLAY_TRY(maxTokens, f.integer("max_tokens", 1, kInt32Max));
        e.maxTokens = static_cast<std::int32_t>(maxTokens);
        if (f.has("stop_token_ids")) {
            REPLAY_TRY(stops, f.tokens("stop_token_ids", 100'000));
            e.stopTokenIds = std::move(stops);
        }
        if (f.has("output")) {
            REPLAY_TRY(output, f.tokens("output", maxModelLen));
            e.output = std::move(output);
        }
        if (f.has("prompt") == f.has("segments"))
            return fail("an add event needs exactly one of \"segments\" ([[name, n], ...]) and \"prompt\" "
                        "([token ids])",
                        where);
        if (f.has("prompt")) {
            REPLAY_TRY(prompt, f.tokens("prompt", maxModelLen - 1));
            e.promptLength = static_cast<std::int64_t>(prompt.size());
            e.prompt = std::move(prompt);
        } else {
            const json& segments = j.at("segments");
            if (!segments.is_array())
                return fail("\"segments\" must be a list of [name, n] pairs, got " + FieldReader::shortDump(segments),
                            where);
            for (std::size_t i = 0; i < segments.size(); ++i) {
                const json& seg = segments[i];
                const std::string field = "\"segments[" + std::to_string(i) + "]";
                if (!seg.is_array() || seg.size() != 2 || !seg[0].is_string())
                    return fail(field + "\" must be a [name, n] pair (a string and a token count), got " +
                                    FieldReader::shortDump(seg),
                                where);
                REPLAY_TRY(n, FieldReader::integerValue(seg[1], field + "[1]\"", 0, kMaxTokensPerSide, where));
                e.promptLength += n;
                // Checked as the segments add up, before any token exists: a 1e9-token segment
                // is an error here, not an allocation.
                if (e.promptLength >= maxModelLen)
                    return fail("the prompt has at least " + std::to_string(e.promptLength) +
                                    " tokens; it must be shorter than config.max_model_len (" +
                                    std::to_string(maxModelLen) + ")",
                                where);
                e.segments.push_back(Segment{seg[0].get<std::string>(), n});
            }
        }
        if (e.promptLength < 1)
            return fail("the prompt is empty; it needs 1 to " + std::to_string(maxModelLen - 1) +
                            " tokens (shorter than config.max_model_len)",
                        where);
        if (e.promptLength >= maxModelLen)
            return fail("the prompt has " + std::to_string(e.promptLength) +
                            " tokens; it must be shorter than config.max_model_len (" + std::to_string(maxModelLen) +
                            ")",
                        where);
        m_traceTokens += std::min(e.promptLength + e.maxTokens, maxModelLen);
        if (m_traceTokens > m_options.limits.maxTraceTokens)
            return fail("the requests up to here hold more than " + std::to_string(m_options.limits.maxTraceTokens) +
                            " tokens (sum of min(prompt + max_tokens, max_model_len); the limit of a "
                            "conformance trace)",
                        where);
        return e;
    }

    Result<void> readConfig(const json& c, int line)
    {
        const std::string where = located(m_path, line);
        const FieldReader f(c, "config.", where);
        if (auto r = f.onlyKeys({"num_gpu_blocks", "block_size", "max_num_seqs", "max_num_batched_tokens",
                                 "max_model_len", "enable_prefix_caching", "enable_chunked_prefill",
                                 "long_prefill_token_threshold", "kv_events", "log_window", "policy", "hash_algo"});
            !r)
            return r;
        REPLAY_TRY(blocks, f.integer("num_gpu_blocks", 2, 1'000'000));
        REPLAY_TRY(blockSize, f.integer("block_size", 1, 4096));
        REPLAY_TRY(maxNumSeqs, f.integer("max_num_seqs", 1, 100'000));
        REPLAY_TRY(budget, f.integer("max_num_batched_tokens", 1, kMaxTokensPerSide));
        REPLAY_TRY(maxModelLen, f.integer("max_model_len", 2, kMaxTokensPerSide));
        REPLAY_TRY(prefixCaching, f.boolean("enable_prefix_caching", true));
        REPLAY_TRY(chunked, f.boolean("enable_chunked_prefill", true));
        REPLAY_TRY(threshold, f.integer("long_prefill_token_threshold", 0, kMaxTokensPerSide, 0));
        REPLAY_TRY(kvEvents, f.boolean("kv_events", false));
        REPLAY_TRY(logWindow, f.integer("log_window", 1, 1'000'000'000, 1000));
        // vLLM v0.10.0 SchedulerConfig._verify_args refuses these combinations at start-up;
        // without the second one a prompt longer than the budget could never be scheduled.
        if (budget < maxNumSeqs)
            return fail("\"config.max_num_batched_tokens\" (" + std::to_string(budget) +
                            ") must be at least \"config.max_num_seqs\" (" + std::to_string(maxNumSeqs) + ")",
                        where);
        if (!chunked && budget < maxModelLen)
            return fail("\"config.max_num_batched_tokens\" (" + std::to_string(budget) +
                            ") must be at least \"config.max_model_len\" (" + std::to_string(maxModelLen) +
                            ") when enable_chunked_prefill is false",
                        where);
        m_config.numGpuBlocks = static_cast<std::int32_t>(blocks);
        m_config.blockSize = static_cast<std::int32_t>(blockSize);
        m_config.maxNumSeqs = static_cast<std::int32_t>(maxNumSeqs);
        m_config.maxNumBatchedTokens = static_cast<std::int32_t>(budget);
        m_config.maxModelLen = static_cast<std::int32_t>(maxModelLen);
        m_config.enablePrefixCaching = prefixCaching;
        m_config.enableChunkedPrefill = chunked;
        m_config.longPrefillTokenThreshold = static_cast<std::int32_t>(threshold);
        m_config.kvEvents = kvEvents;
        m_logWindow = logWindow;
        REPLAY_TRY(policy, f.string("policy", std::string("fcfs"), "allowed: fcfs"));
        if (policy != "fcfs")
            return fail("\"config.policy\" is \"" + policy + "\"; allowed: fcfs", where);
        REPLAY_TRY(algo, f.string("hash_algo", std::string("builtin"),
                                          "allowed: builtin, sha256, sha256_cbor_64bit"));
        // vLLM's pickle-based "sha256" has 256-bit values; hit results do not depend on hash
        // values, so it is replayed with the fast hash (its KV events would not match).
        const auto parsed = algo == "sha256" ? std::optional(HashAlgo::Fast64) : parseHashAlgo(algo);
        if (!parsed || algo == "fast64")
            return fail("\"config.hash_algo\" is \"" + algo + "\"; allowed: builtin, sha256, sha256_cbor_64bit",
                        where);
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

    // Lengths were checked when the trace was read: the prompt is shorter than max_model_len.
    TokenVector promptOf(const TraceEvent& e) const
    {
        if (e.prompt)
            return *e.prompt;
        TokenVector tokens;
        tokens.reserve(static_cast<std::size_t>(e.promptLength));
        for (const Segment& segment : e.segments) {
            if (segment.name.starts_with("@out:")) {
                const auto source = outputSourceFor(segment.name.substr(5));
                for (std::int64_t i = 0; i < segment.length; ++i)
                    tokens.push_back(source.at(static_cast<std::size_t>(i)));
            } else {
                const std::uint64_t base = crc32(segment.name);
                for (std::int64_t i = 0; i < segment.length; ++i)
                    tokens.push_back(static_cast<TokenId>((base + static_cast<std::uint64_t>(i)) % 100000));
            }
        }
        return tokens;
    }

    Result<void> apply(Engine& engine, const TraceEvent& e, std::int64_t step)
    {
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
        EngineRequest request;
        request.id = m_nextId++;
        request.maxTokens = e.maxTokens;
        request.stopTokenIds = e.stopTokenIds;
        request.outputs = outputSourceFor(e.id);
        request.prompt = std::make_shared<const TokenVector>(promptOf(e));
        const auto numPrompt = static_cast<std::int32_t>(request.prompt.size());
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
    std::int64_t m_traceTokens = 0;
    std::int64_t m_stepsRun = 0;
    std::int64_t m_scheduledTokens = 0;
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
