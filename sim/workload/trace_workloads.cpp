#include "sim/workload/trace_workloads.h"

#include "sim/util/check.h"
#include "sim/workload/client_ip.h"
#include "sim/workload/synthetic_tokens.h"

#include <algorithm>
#include <memory>
#include <utility>

namespace kvroute::sim {

namespace {

std::int32_t replayMaxTokens(std::int64_t recorded)
{
    return static_cast<std::int32_t>(std::clamp<std::int64_t>(recorded, 1, std::int64_t{1} << 30));
}

} // namespace

// --- Mooncake ---------------------------------------------------------------------------------

MooncakeFormat::MooncakeFormat(const TraceReplayConfig& config, std::uint64_t seed)
    : m_answers(Rng::stream(seed, "workload/mooncake/answers"))
{
    KVROUTE_CHECK(config.timeScale > 0.0 && config.mooncakeBlockTokens >= 1, "invalid trace replay configuration");
}

Result<MooncakeTraceReader> MooncakeFormat::open(const TraceReplayConfig& config)
{
    return MooncakeTraceReader::open(config.path, config.mooncakeBlockTokens);
}

SimTime MooncakeFormat::arrivalOffset(const MooncakeRecord& record, const TraceReplayConfig& config)
{
    return fromMillis(record.timestampMs * config.timeScale);
}

WorkloadRequest MooncakeFormat::makeRequest(const MooncakeRecord& record, std::uint64_t index,
                                            const TraceReplayConfig& config)
{
    WorkloadRequest request;
    // A request log from the gateway says who sent each request; a published trace does not.
    request.sessionId = record.session.value_or(index);
    request.clientIp = record.clientIp ? *record.clientIp
                                       : clientIpFor(config.clientIps, index, static_cast<std::uint64_t>(record.hashIds.front()));
    request.turn = 0;
    request.prompt = mooncakePromptRecipe(record, config.mooncakeBlockTokens);
    request.maxTokens = replayMaxTokens(record.outputLength);
    request.answer = answerSource(drawAnswerOffset(m_answers));
    return request;
}

std::string MooncakeFormat::describe(const TraceReplayConfig& config)
{
    return "mooncake-trace: " + config.path + ", " + std::to_string(config.mooncakeBlockTokens) +
           "-token blocks, time × " + formatNumber(config.timeScale) + ", client IPs " +
           std::string(toString(config.clientIps));
}

// --- Azure ------------------------------------------------------------------------------------

AzureFormat::AzureFormat(const TraceReplayConfig& config, std::uint64_t seed)
    : m_answers(Rng::stream(seed, "workload/azure/answers")), m_prompts(Rng::stream(seed, "workload/azure/prompts"))
{
    KVROUTE_CHECK(config.timeScale > 0.0, "invalid trace replay configuration");
}

Result<AzureTraceReader> AzureFormat::open(const TraceReplayConfig& config)
{
    return AzureTraceReader::open(config.path);
}

SimTime AzureFormat::arrivalOffset(const AzureRecord& record, const TraceReplayConfig& config)
{
    if (!m_firstWallClock)
        m_firstWallClock = record.wallClock;
    const SimTime offset = record.wallClock - *m_firstWallClock;
    return detail::roundNanos(static_cast<double>(offset) * config.timeScale);
}

WorkloadRequest AzureFormat::makeRequest(const AzureRecord& record, std::uint64_t index, const TraceReplayConfig& config)
{
    auto prompt = std::make_shared<TokenVector>();
    appendRandomTokens(m_prompts, record.contextTokens, *prompt);
    WorkloadRequest request;
    request.sessionId = index;
    request.clientIp = clientIpFor(config.clientIps, index, index);
    request.turn = 0;
    request.prompt = std::move(prompt);
    request.maxTokens = replayMaxTokens(record.generatedTokens);
    request.answer = answerSource(drawAnswerOffset(m_answers));
    return request;
}

std::string AzureFormat::describe(const TraceReplayConfig& config)
{
    return "azure-trace: " + config.path + ", time × " + formatNumber(config.timeScale) +
           ", unique prompts (no prefix information), client IPs " + std::string(toString(config.clientIps));
}

// --- The replay loop ----------------------------------------------------------------------------

template <typename Format>
TraceReplayWorkload<Format>::TraceReplayWorkload(TraceReplayConfig config, std::uint64_t seed, std::int64_t maxRequests)
    : m_config(std::move(config)), m_ownLimit(maxRequests), m_format(m_config, seed)
{
}

template <typename Format>
void TraceReplayWorkload<Format>::start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests)
{
    m_run.begin(sim, std::move(submit), endTime, m_ownLimit, maxRequests);
    auto reader = Format::open(m_config);
    if (!reader) {
        m_error = reader.error();
        return;
    }
    m_reader.emplace(std::move(*reader));
    readAndSchedule();
}

template <typename Format>
void TraceReplayWorkload<Format>::readAndSchedule()
{
    m_pending.reset();
    if (m_run.limitReached())
        return;
    auto record = m_reader->next();
    if (!record) {
        m_error = record.error();
        return;
    }
    if (!*record)
        return; // end of the trace
    const SimTime at = m_run.startTime + m_format.arrivalOffset(**record, m_config);
    if (!m_run.accepts(at)) {
        if (at >= m_run.endTime)
            m_cutAtLine = (*record)->line;
        return;
    }
    m_pending = std::move(**record);
    m_run.sim->scheduleAt(at, [this] { onArrival(); });
}

template <typename Format>
void TraceReplayWorkload<Format>::onArrival()
{
    KVROUTE_CHECK(m_pending.has_value(), "trace arrival without a record");
    const typename Format::Record record = std::move(*m_pending);
    WorkloadRequest request = m_format.makeRequest(record, m_index++, m_config);
    m_run.stamp(request);
    readAndSchedule();
    m_run.submit(std::move(request));
}

template <typename Format>
std::optional<std::string> TraceReplayWorkload<Format>::shortfallNote() const
{
    if (!m_cutAtLine)
        return std::nullopt;
    return "the trace replay stopped at the end time (duration): " + std::to_string(m_index) +
           " records were sent and more follow from " + m_config.path + ":" + std::to_string(*m_cutAtLine) +
           " on; raise duration or lower workload.time_scale to replay more";
}

template class TraceReplayWorkload<MooncakeFormat>;
template class TraceReplayWorkload<AzureFormat>;

} // namespace kvroute::sim
