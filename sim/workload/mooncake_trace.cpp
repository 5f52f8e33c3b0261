#include "sim/workload/mooncake_trace.h"

#include "sim/util/bounded_line.h"
#include "sim/util/check.h"
#include "sim/util/json_error.h"
#include "sim/workload/builtin_traces.h"
#include "sim/workload/synthetic_tokens.h"

#include <cerrno>
#include <system_error>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>

namespace kvroute::sim {

namespace {

// Far above any real context window, low enough that a typo cannot allocate the machine away.
constexpr std::int64_t kMaxInputLength = 100'000'000;
constexpr std::int64_t kMaxOutputLength = std::int64_t{1} << 30;

std::string blocksOf(std::int64_t count, std::int32_t blockTokens)
{
    return std::to_string(count) + (count == 1 ? " block of " : " blocks of ") + std::to_string(blockTokens) + " tokens";
}

bool isBlank(const std::string& text)
{
    return std::all_of(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

Result<std::int64_t> integerField(const nlohmann::json& object, const char* name, std::int64_t min, std::int64_t max)
{
    const auto it = object.find(name);
    if (it == object.end())
        return fail(std::string("missing field \"") + name + '"');
    if (!it->is_number_integer())
        return fail(std::string("field \"") + name + "\" must be an integer, got " + it->dump());
    const std::int64_t value = it->get<std::int64_t>();
    if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max))
        return fail(std::string("field \"") + name + "\" is too large: " + it->dump());
    if (value < min || value > max)
        return fail(std::string("field \"") + name + "\" must be in [" + std::to_string(min) + ", " +
                    std::to_string(max) + "], got " + it->dump());
    return value;
}

} // namespace

struct MooncakeTraceReader::Impl {
    std::string path;
    std::unique_ptr<std::istream> stream;
    std::int32_t blockTokens = 512;
    std::int64_t line = 0;
    double lastTimestamp = 0.0;
};

MooncakeTraceReader::MooncakeTraceReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
MooncakeTraceReader::MooncakeTraceReader(MooncakeTraceReader&&) noexcept = default;
MooncakeTraceReader& MooncakeTraceReader::operator=(MooncakeTraceReader&&) noexcept = default;
MooncakeTraceReader::~MooncakeTraceReader() = default;

Result<MooncakeTraceReader> MooncakeTraceReader::open(const std::string& path, std::int32_t blockTokens)
{
    if (blockTokens < 1)
        return fail("the Mooncake block size must be at least 1 token", path);
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->blockTokens = blockTokens;
    if (const auto name = builtinTraceName(path)) {
        // A trace compiled into the binary, so a built-in scenario runs from any folder.
        const auto text = builtinTraceText(path);
        if (!text)
            return fail("no such built-in trace; built-in traces: " + builtinTraceNames(), path);
        impl->stream = std::make_unique<std::istringstream>(std::string(*text));
        return MooncakeTraceReader(std::move(impl));
    }
    impl->stream = std::make_unique<std::ifstream>(path, std::ios::binary);
    if (!*impl->stream)
        return fail(std::string("cannot open the Mooncake trace for reading: ") + std::error_code(errno, std::generic_category()).message(), path);
    return MooncakeTraceReader(std::move(impl));
}

const std::string& MooncakeTraceReader::path() const noexcept
{
    return m_impl->path;
}

Result<std::optional<MooncakeRecord>> MooncakeTraceReader::next()
{
    Impl& d = *m_impl;
    std::string text;
    for (LineRead read; (read = readBoundedLine(*d.stream, text, kMaxTraceLineBytes)) != LineRead::End;) {
        ++d.line;
        if (read == LineRead::TooLong)
            return fail("a line longer than " + std::to_string(kMaxTraceLineBytes) + " bytes; is this really a trace file?",
                        d.path + ':' + std::to_string(d.line));
        if (isBlank(text))
            continue;
        const std::string where = d.path + ':' + std::to_string(d.line);
        nlohmann::json object;
        try {
            object = nlohmann::json::parse(text);
        } catch (const nlohmann::json::exception& e) {
            std::string hint;
            if (d.line == 1 && text.find(',') != std::string::npos && text.find('{') == std::string::npos)
                hint = " (this looks like CSV: for an Azure trace set workload.type: azure)";
            return fail(std::string("malformed JSON: ") + jsonErrorText(e.what()) + hint, where);
        }
        if (!object.is_object())
            return fail("expected a JSON object {\"timestamp\", \"input_length\", \"output_length\", \"hash_ids\"}",
                        where);

        MooncakeRecord record;
        record.line = d.line;
        const auto ts = object.find("timestamp");
        if (ts == object.end())
            return fail("missing field \"timestamp\"", where);
        if (!ts->is_number() || !std::isfinite(ts->get<double>()) || ts->get<double>() < 0.0 ||
            ts->get<double>() > kMaxMooncakeTimestampMs)
            return fail("field \"timestamp\" must be a number of milliseconds in [0, " +
                            std::to_string(static_cast<std::int64_t>(kMaxMooncakeTimestampMs)) +
                            "] (104 days, so that it x workload.time_scale (up to 1000) fits the simulation "
                            "clock), got " + ts->dump(),
                        where);
        record.timestampMs = ts->get<double>();
        if (record.timestampMs < d.lastTimestamp)
            return fail("field \"timestamp\" goes backwards (" + ts->dump() + " after " +
                            nlohmann::json(d.lastTimestamp).dump() + "); a trace must be in time order",
                        where);

        const auto input = integerField(object, "input_length", 1, kMaxInputLength);
        if (!input)
            return fail(input.error().message, where);
        record.inputLength = *input;
        const auto output = integerField(object, "output_length", 0, kMaxOutputLength);
        if (!output)
            return fail(output.error().message, where);
        record.outputLength = *output;

        if (const auto session = object.find("session"); session != object.end()) {
            if (!session->is_number_unsigned())
                return fail("field \"session\" must be a non-negative integer (a session id), got " + session->dump(), where);
            record.session = session->get<std::uint64_t>();
        }
        if (const auto client = object.find("client"); client != object.end()) {
            unsigned a = 256, b = 256, c = 256, e = 256;
            char tail = 0;
            const std::string address = client->is_string() ? client->get<std::string>() : std::string();
            if (std::sscanf(address.c_str(), "%u.%u.%u.%u%c", &a, &b, &c, &e, &tail) != 4 || a > 255 || b > 255 || c > 255 ||
                e > 255)
                return fail("field \"client\" must be an IPv4 address like \"10.0.0.7\", got " + client->dump(), where);
            record.clientIp = (a << 24) | (b << 16) | (c << 8) | e;
        }

        const auto ids = object.find("hash_ids");
        if (ids == object.end())
            return fail("missing field \"hash_ids\"", where);
        if (!ids->is_array())
            return fail("field \"hash_ids\" must be an array of integers", where);
        const std::int64_t needed = (record.inputLength + d.blockTokens - 1) / d.blockTokens;
        if (static_cast<std::int64_t>(ids->size()) != needed) {
            const std::string counts = "field \"hash_ids\" has " + std::to_string(ids->size()) + " ids but input_length " +
                                       std::to_string(record.inputLength);
            if (static_cast<std::int64_t>(ids->size()) < needed)
                return fail(counts + " needs " + blocksOf(needed, d.blockTokens), where);
            // A trace cut into other blocks than it is read with (a 512-token trace under
            // mooncake_block_tokens 1024) has too many ids: its prompts would share the wrong prefixes.
            return fail(counts + " makes " + blocksOf(needed, d.blockTokens) +
                            ": is workload.mooncake_block_tokens the trace's block size?",
                        where);
        }
        record.hashIds.reserve(static_cast<std::size_t>(needed));
        for (std::int64_t i = 0; i < needed; ++i) {
            const auto& id = (*ids)[static_cast<std::size_t>(i)];
            if (!id.is_number_integer() || (!id.is_number_unsigned() && id.get<std::int64_t>() < 0))
                return fail("field \"hash_ids\"[" + std::to_string(i) + "] must be a non-negative integer, got " +
                                id.dump(),
                            where);
            if (id.is_number_unsigned() && id.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))
                return fail("field \"hash_ids\"[" + std::to_string(i) + "] is too large: " + id.dump(), where);
            record.hashIds.push_back(id.get<std::int64_t>());
        }
        d.lastTimestamp = record.timestampMs;
        return std::optional<MooncakeRecord>(std::move(record));
    }
    if (d.stream->bad())
        return fail("read error", d.path + ':' + std::to_string(d.line + 1));
    return std::optional<MooncakeRecord>();
}

TokenVector mooncakePrompt(const MooncakeRecord& record, std::int32_t blockTokens)
{
    KVROUTE_CHECK(blockTokens >= 1, "block size must be positive");
    const auto length = static_cast<std::size_t>(record.inputLength);
    const auto block = static_cast<std::size_t>(blockTokens);
    KVROUTE_CHECK(record.hashIds.size() * block >= length, "too few hash ids for the input length");
    TokenVector tokens;
    tokens.reserve(length);
    for (std::size_t i = 0; tokens.size() < length; ++i) {
        const auto id = static_cast<std::uint64_t>(record.hashIds[i]);
        appendTraceBlockTokens(id, std::min(block, length - tokens.size()), tokens);
    }
    return tokens;
}

namespace {

class MooncakePromptGenerator final : public PromptGenerator {
public:
    MooncakePromptGenerator(std::vector<std::uint64_t> blockIds, std::size_t length, std::size_t blockTokens)
        : m_blockIds(std::move(blockIds)), m_length(length), m_blockTokens(blockTokens)
    {
    }

    [[nodiscard]] std::size_t size() const noexcept override { return m_length; }

    void appendRange(std::size_t begin, std::size_t end, TokenVector& out) const override
    {
        KVROUTE_CHECK(begin <= end && end <= m_length, "prompt token range out of bounds");
        out.reserve(out.size() + (end - begin));
        while (begin < end) {
            const std::size_t block = begin / m_blockTokens;
            const std::size_t from = begin % m_blockTokens;
            const std::size_t count = std::min(m_blockTokens - from, end - begin);
            appendTraceBlockTokens(m_blockIds[block], from, count, out);
            begin += count;
        }
    }

private:
    std::vector<std::uint64_t> m_blockIds;
    std::size_t m_length;
    std::size_t m_blockTokens;
};

} // namespace

PromptRef mooncakePromptRecipe(const MooncakeRecord& record, std::int32_t blockTokens)
{
    KVROUTE_CHECK(blockTokens >= 1, "block size must be positive");
    const auto length = static_cast<std::size_t>(record.inputLength);
    const auto block = static_cast<std::size_t>(blockTokens);
    KVROUTE_CHECK(record.hashIds.size() * block >= length, "too few hash ids for the input length");
    const std::size_t blocks = (length + block - 1) / block;
    std::vector<std::uint64_t> ids(blocks);
    for (std::size_t i = 0; i < blocks; ++i)
        ids[i] = static_cast<std::uint64_t>(record.hashIds[i]);
    return PromptRef(std::make_shared<const MooncakePromptGenerator>(std::move(ids), length, block));
}

std::size_t MooncakeIdealCache::KeyHash::operator()(const Key& k) const noexcept
{
    std::uint64_t h = static_cast<std::uint64_t>(k.parent) * 0x9E3779B97F4A7C15ULL;
    h ^= static_cast<std::uint64_t>(k.id) + 0x632BE59BD9B4E019ULL + (h << 6) + (h >> 2);
    return static_cast<std::size_t>(h);
}

MooncakeIdealCache::MooncakeIdealCache(std::int32_t blockTokens, std::int32_t engineBlockTokens)
    : m_blockTokens(blockTokens), m_engineBlockTokens(engineBlockTokens)
{
    KVROUTE_CHECK(blockTokens >= 1 && engineBlockTokens >= 0, "invalid block sizes");
}

std::int64_t MooncakeIdealCache::add(std::span<const std::int64_t> hashIds, std::int64_t inputLength)
{
    KVROUTE_CHECK(inputLength >= 1, "a request needs at least one token");
    const std::int64_t blocks = (inputLength + m_blockTokens - 1) / m_blockTokens;
    KVROUTE_CHECK(static_cast<std::int64_t>(hashIds.size()) >= blocks, "too few hash ids for the input length");

    std::int64_t parent = -1;
    std::int64_t sharedBlocks = 0;  // k_r
    std::int64_t sharedTokens = 0;  // max over q of min(k(q, r) × B, L_q)
    bool matching = true;
    for (std::int64_t i = 0; i < blocks; ++i) {
        const Key key{parent, hashIds[static_cast<std::size_t>(i)]};
        auto it = m_nodes.find(key);
        std::int64_t node = 0;
        if (it != m_nodes.end() && matching) {
            node = it->second;
            sharedBlocks = i + 1;
            sharedTokens = std::max(sharedTokens, std::min((i + 1) * m_blockTokens, m_longestPrompt[static_cast<std::size_t>(node)]));
        } else {
            matching = false;
            if (it == m_nodes.end()) {
                node = static_cast<std::int64_t>(m_longestPrompt.size());
                m_nodes.emplace(key, node);
                m_longestPrompt.push_back(0);
            } else {
                node = it->second;
            }
        }
        auto& longest = m_longestPrompt[static_cast<std::size_t>(node)];
        longest = std::max(longest, inputLength);
        parent = node;
    }

    std::int64_t hit = 0;
    if (m_engineBlockTokens == 0) {
        hit = std::min(sharedBlocks * m_blockTokens, inputLength);
    } else {
        const std::int64_t lookup = std::min(sharedTokens, inputLength - 1);
        hit = lookup / m_engineBlockTokens * m_engineBlockTokens;
    }
    ++m_requests;
    m_promptTokens += inputLength;
    m_hitTokens += hit;
    return hit;
}

double MooncakeIdealCache::hitRatio() const noexcept
{
    return m_promptTokens > 0 ? static_cast<double>(m_hitTokens) / static_cast<double>(m_promptTokens) : 0.0;
}

Result<MooncakeIdealHit> mooncakeIdealHit(const std::string& path, std::int32_t blockTokens,
                                          std::int32_t engineBlockTokens, std::int64_t maxRequests)
{
    if (engineBlockTokens < 0)
        return fail("the engine block size must not be negative", path);
    auto reader = MooncakeTraceReader::open(path, blockTokens);
    if (!reader)
        return std::unexpected(reader.error());
    MooncakeIdealCache cache(blockTokens, engineBlockTokens);
    while (maxRequests == 0 || cache.requests() < maxRequests) {
        auto record = reader->next();
        if (!record)
            return std::unexpected(record.error());
        if (!*record)
            break;
        cache.add((*record)->hashIds, (*record)->inputLength);
    }
    return MooncakeIdealHit{cache.requests(), cache.promptTokens(), cache.hitTokens()};
}

} // namespace kvroute::sim
