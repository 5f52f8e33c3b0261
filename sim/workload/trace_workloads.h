#pragma once
// Trace replay, open loop: each record becomes one request at its recorded time × timeScale after
// the start. Files are streamed: one record is read ahead, when the previous one is sent.
//
// Mooncake (mooncake_trace.h): the prompt is the concatenation of the 512-token blocks of the
// record's hash ids (traceBlockToken), cut to input_length, so equal ids give equal blocks and
// the replay reproduces the trace's prefix sharing exactly; max_tokens = max(1, output_length).
// No session information: sessionId = record index (0-based), PerSession gives each request its
// own address, PerGroup groups requests by their first hash id (the same first block, e.g. a
// shared system prompt, as one customer).
//
// Azure 2023 (azure_trace.h): arrival = (TIMESTAMP - first row's TIMESTAMP) × timeScale; the
// trace has no prefix information, so each prompt is ContextTokens fresh random tokens (stream
// "workload/azure/prompts") and requests share no prefix: a replay measures load, not caching.
// max_tokens = max(1, GeneratedTokens); sessionId = row index; PerGroup is treated as PerSession.
//
// The factory (makeWorkload) reads the file once to report malformed records before the run;
// should the file change and a record fail during the run anyway, the replay stops there and
// streamError() says why.

#include "sim/kernel/rng.h"
#include "sim/util/result.h"
#include "sim/workload/azure_trace.h"
#include "sim/workload/mooncake_trace.h"
#include "sim/workload/workload.h"
#include "sim/workload/workload_config.h"
#include "sim/workload/workload_run.h"

#include <cstdint>
#include <optional>
#include <string>

namespace kvroute::sim {

class MooncakeTraceWorkload final : public Workload {
public:
    /// `config.path` is opened at start(). `maxRequests` 0 = no limit of its own.
    MooncakeTraceWorkload(TraceReplayConfig config, std::uint64_t seed, std::int64_t maxRequests = 0);
    MooncakeTraceWorkload(const MooncakeTraceWorkload&) = delete;
    MooncakeTraceWorkload& operator=(const MooncakeTraceWorkload&) = delete;

    void start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests) override;
    [[nodiscard]] std::string describe() const override;
    /// Why the replay stopped early, if it did.
    [[nodiscard]] const std::optional<Error>& streamError() const noexcept { return m_error; }

private:
    void readAndSchedule();
    void onArrival();

    TraceReplayConfig m_config;
    std::int64_t m_ownLimit;
    Rng m_answers;
    WorkloadRun m_run;
    std::optional<MooncakeTraceReader> m_reader;
    std::optional<MooncakeRecord> m_pending;
    std::optional<Error> m_error;
    std::uint64_t m_index = 0;
};

class AzureTraceWorkload final : public Workload {
public:
    /// `config.path` is opened at start(). `maxRequests` 0 = no limit of its own.
    AzureTraceWorkload(TraceReplayConfig config, std::uint64_t seed, std::int64_t maxRequests = 0);
    AzureTraceWorkload(const AzureTraceWorkload&) = delete;
    AzureTraceWorkload& operator=(const AzureTraceWorkload&) = delete;

    void start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests) override;
    [[nodiscard]] std::string describe() const override;
    [[nodiscard]] const std::optional<Error>& streamError() const noexcept { return m_error; }

private:
    void readAndSchedule();
    void onArrival();

    TraceReplayConfig m_config;
    std::int64_t m_ownLimit;
    Rng m_answers;
    Rng m_prompts;
    WorkloadRun m_run;
    std::optional<AzureTraceReader> m_reader;
    std::optional<AzureRecord> m_pending;
    std::optional<Error> m_error;
    std::optional<SimTime> m_firstWallClock;
    std::uint64_t m_index = 0;
};

} // namespace kvroute::sim
