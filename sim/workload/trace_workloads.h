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

/// Mooncake JSONL: prompts from the records' hash ids, arrival = timestamp (ms) × timeScale.
class MooncakeFormat {
public:
    using Reader = MooncakeTraceReader;
    using Record = MooncakeRecord;
    MooncakeFormat(const TraceReplayConfig& config, std::uint64_t seed);
    [[nodiscard]] static Result<Reader> open(const TraceReplayConfig& config);
    /// Time of `record` after the replay's start.
    [[nodiscard]] SimTime arrivalOffset(const Record& record, const TraceReplayConfig& config);
    [[nodiscard]] WorkloadRequest makeRequest(const Record& record, std::uint64_t index, const TraceReplayConfig& config);
    [[nodiscard]] static std::string describe(const TraceReplayConfig& config);

private:
    Rng m_answers;
};

/// Azure 2023 CSV: fresh random prompts, arrival = offset from the first row × timeScale.
class AzureFormat {
public:
    using Reader = AzureTraceReader;
    using Record = AzureRecord;
    AzureFormat(const TraceReplayConfig& config, std::uint64_t seed);
    [[nodiscard]] static Result<Reader> open(const TraceReplayConfig& config);
    [[nodiscard]] SimTime arrivalOffset(const Record& record, const TraceReplayConfig& config);
    [[nodiscard]] WorkloadRequest makeRequest(const Record& record, std::uint64_t index, const TraceReplayConfig& config);
    [[nodiscard]] static std::string describe(const TraceReplayConfig& config);

private:
    Rng m_answers;
    Rng m_prompts;
    std::optional<SimTime> m_firstWallClock;
};

/// The replay loop shared by both formats: read one record ahead, schedule it, send it.
template <typename Format>
class TraceReplayWorkload final : public Workload {
public:
    /// `config.path` is opened at start(). `maxRequests` 0 = no limit of its own.
    TraceReplayWorkload(TraceReplayConfig config, std::uint64_t seed, std::int64_t maxRequests = 0);
    TraceReplayWorkload(const TraceReplayWorkload&) = delete;
    TraceReplayWorkload& operator=(const TraceReplayWorkload&) = delete;

    void start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests) override;
    [[nodiscard]] std::string describe() const override { return Format::describe(m_config); }
    /// Why the replay stopped early, if it did.
    [[nodiscard]] const std::optional<Error>& streamError() const noexcept { return m_error; }
    [[nodiscard]] std::optional<std::string> shortfallNote() const override;

private:
    void readAndSchedule();
    void onArrival();

    TraceReplayConfig m_config;
    std::int64_t m_ownLimit;
    Format m_format;
    WorkloadRun m_run;
    std::optional<typename Format::Reader> m_reader;
    std::optional<typename Format::Record> m_pending;
    std::optional<Error> m_error;
    std::optional<std::int64_t> m_cutAtLine; ///< first record left out because it came after the end time
    std::uint64_t m_index = 0;
};

using MooncakeTraceWorkload = TraceReplayWorkload<MooncakeFormat>;
using AzureTraceWorkload = TraceReplayWorkload<AzureFormat>;

extern template class TraceReplayWorkload<MooncakeFormat>;
extern template class TraceReplayWorkload<AzureFormat>;

} // namespace kvroute::sim
