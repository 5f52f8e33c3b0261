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

MooncakeTraceWorkload::MooncakeTraceWorkload(TraceReplayConfig config, std::uint64_t seed, std::int64_t maxRequests)
    : m_config(std::move(config)), m_ownLimit(maxRequests), m_answers(Rng::stream(seed, "workload/mooncake/answers"))
{
    KVROUTE_CHECK(m_config.timeScale > 0.0 && m_config.mooncakeBlockTokens >= 1, "invalid trace replay configuration");
}

void MooncakeTraceWorkload::start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests)
{
    m_run.begin(sim, std::move(submit), endTime, m_ownLimit, maxRequests);
    auto reader = MooncakeTraceReader::open(m_config.path, m_config.mooncakeBlockTokens);
    if (!reader) {
        m_error = reader.error();
        return;
    }
    m_reader.emplace(std::move(*reader));
    readAndSchedule();
}

void MooncakeTraceWorkload::readAndSchedule()
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
    const SimTime at = m_run.startTime + fromMillis((*record)->timestampMs * m_config.timeScale);
    if (!m_run.accepts(at))
        return;
    m_pending = std::move(**record);
    m_run.sim->scheduleAt(at, [this] { onArrival(); });
}

void MooncakeTraceWorkload::onArrival()
{
    KVROUTE_CHECK(m_pending.has_value(), "Mooncake arrival without a record");
    const MooncakeRecord record = std::move(*m_pending);
    const std::uint64_t index = m_index++;

    WorkloadRequest request;
    request.sessionId = index;
    request.clientIp = clientIpFor(m_config.clientIps, index, static_cast<std::uint64_t>(record.hashIds.front()));
    request.turn = 0;
    request.prompt = std::make_shared<const TokenVector>(mooncakePrompt(record, m_config.mooncakeBlockTokens));
    request.maxTokens = replayMaxTokens(record.outputLength);
    request.answer = answerSource(drawAnswerOffset(m_answers));
    m_run.stamp(request);
    readAndSchedule();
    m_run.submit(std::move(request));
}

std::string MooncakeTraceWorkload::describe() const
{
    return "mooncake-trace: " + m_config.path + ", " + std::to_string(m_config.mooncakeBlockTokens) +
           "-token blocks, time × " + formatNumber(m_config.timeScale) + ", client IPs " +
           std::string(toString(m_config.clientIps));
}

// --- Azure ------------------------------------------------------------------------------------

AzureTraceWorkload::AzureTraceWorkload(TraceReplayConfig config, std::uint64_t seed, std::int64_t maxRequests)
    : m_config(std::move(config)),
      m_ownLimit(maxRequests),
      m_answers(Rng::stream(seed, "workload/azure/answers")),
      m_prompts(Rng::stream(seed, "workload/azure/prompts"))
{
    KVROUTE_CHECK(m_config.timeScale > 0.0, "invalid trace replay configuration");
}

void AzureTraceWorkload::start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests)
{
    m_run.begin(sim, std::move(submit), endTime, m_ownLimit, maxRequests);
    auto reader = AzureTraceReader::open(m_config.path);
    if (!reader) {
        m_error = reader.error();
        return;
    }
    m_reader.emplace(std::move(*reader));
    readAndSchedule();
}

void AzureTraceWorkload::readAndSchedule()
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
        return;
    if (!m_firstWallClock)
        m_firstWallClock = (*record)->wallClock;
    const SimTime offset = (*record)->wallClock - *m_firstWallClock;
    const SimTime at = m_run.startTime + detail::roundNanos(static_cast<double>(offset) * m_config.timeScale);
    if (!m_run.accepts(at))
        return;
    m_pending = **record;
    m_run.sim->scheduleAt(at, [this] { onArrival(); });
}

void AzureTraceWorkload::onArrival()
{
    KVROUTE_CHECK(m_pending.has_value(), "Azure arrival without a record");
    const AzureRecord record = *m_pending;
    const std::uint64_t index = m_index++;

    auto prompt = std::make_shared<TokenVector>();
    appendRandomTokens(m_prompts, record.contextTokens, *prompt);
    WorkloadRequest request;
    request.sessionId = index;
    request.clientIp = clientIpFor(m_config.clientIps, index, index);
    request.turn = 0;
    request.prompt = std::move(prompt);
    request.maxTokens = replayMaxTokens(record.generatedTokens);
    request.answer = answerSource(drawAnswerOffset(m_answers));
    m_run.stamp(request);
    readAndSchedule();
    m_run.submit(std::move(request));
}

std::string AzureTraceWorkload::describe() const
{
    return "azure-trace: " + m_config.path + ", time × " + formatNumber(m_config.timeScale) +
           ", unique prompts (no prefix information), client IPs " + std::string(toString(m_config.clientIps));
}

} // namespace kvroute::sim
