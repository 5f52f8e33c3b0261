#include "sim/workload/shared_prefix_workload.h"

#include "sim/util/check.h"
#include "sim/workload/client_ip.h"
#include "sim/workload/synthetic_tokens.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>
#include <utility>

namespace kvroute::sim {

SharedPrefixWorkload::SharedPrefixWorkload(SharedPrefixConfig config, std::uint64_t seed, std::int64_t maxRequests)
    : m_config(std::move(config)),
      m_seed(seed),
      m_ownLimit(maxRequests),
      m_users(std::int64_t{m_config.numGroups} * m_config.promptsPerGroup),
      m_arrivals(Rng::stream(seed, "workload/shared-prefix/arrivals")),
      m_answers(Rng::stream(seed, "workload/shared-prefix/answers"))
{
    KVROUTE_CHECK(m_config.numGroups >= 1 && m_config.promptsPerGroup >= 1, "shared prefix needs users");
    KVROUTE_CHECK(m_config.numGroups <= static_cast<std::int32_t>(kVocabSize) &&
                      m_config.promptsPerGroup <= static_cast<std::int32_t>(kVocabSize),
                  "too many groups or prompts per group");
    KVROUTE_CHECK(m_config.systemPromptLen > 0 || m_users <= kVocabSize, "too many users without a system prompt");
    KVROUTE_CHECK(m_config.systemPromptLen >= 0 && m_config.questionLen >= 1 && m_config.outputLen >= 1,
                  "invalid shared prefix lengths");
    m_order.resize(static_cast<std::size_t>(m_users));
    std::iota(m_order.begin(), m_order.end(), 0);
    Rng shuffle = Rng::stream(seed, "workload/shared-prefix/order");
    shuffle.shuffle(std::span<std::int32_t>(m_order));
    m_systemPrompts.resize(static_cast<std::size_t>(m_config.numGroups));
}

SharedPrefixWorkload::SharedPrefixWorkload(SharedPrefixConfig config, std::uint64_t seed, std::int64_t maxRequests,
                                           std::unique_ptr<StagePrompts> prompts)
    : SharedPrefixWorkload(std::move(config), seed, maxRequests)
{
    KVROUTE_CHECK(prompts != nullptr, "a stage prompt source is required");
    m_prompts = std::move(prompts);
}

namespace {

/// A shared-prefix prompt: its group's system prompt, shared by the group's prompts, then its
/// own question.
class SystemPlusQuestion final : public PromptGenerator {
public:
    SystemPlusQuestion(std::shared_ptr<const TokenVector> system, TokenVector question)
        : m_system(std::move(system)), m_question(std::move(question))
    {
    }
    [[nodiscard]] std::size_t size() const noexcept override { return m_system->size() + m_question.size(); }
    void appendRange(std::size_t begin, std::size_t end, TokenVector& out) const override
    {
        const std::size_t split = m_system->size();
        if (begin < split)
            out.insert(out.end(), m_system->begin() + static_cast<std::ptrdiff_t>(begin),
                       m_system->begin() + static_cast<std::ptrdiff_t>(std::min(end, split)));
        if (end > split)
            out.insert(out.end(), m_question.begin() + static_cast<std::ptrdiff_t>(std::max(begin, split) - split),
                       m_question.begin() + static_cast<std::ptrdiff_t>(end - split));
    }

private:
    std::shared_ptr<const TokenVector> m_system;
    TokenVector m_question;
};

} // namespace

const std::shared_ptr<const TokenVector>& SharedPrefixWorkload::systemPrompt(std::int64_t group)
{
    auto& shared = m_systemPrompts[static_cast<std::size_t>(group)];
    if (!shared) {
        auto tokens = std::make_shared<TokenVector>();
        if (m_config.systemPromptLen > 0) {
            Rng rng = Rng::stream(m_seed, "workload/shared-prefix/system/" + std::to_string(group));
            tokens->reserve(static_cast<std::size_t>(m_config.systemPromptLen));
            tokens->push_back(static_cast<TokenId>(group));
            appendRandomTokens(rng, m_config.systemPromptLen - 1, *tokens);
        }
        shared = std::move(tokens);
    }
    return shared;
}

PromptRef SharedPrefixWorkload::prompt(std::int64_t user)
{
    KVROUTE_CHECK(user >= 0 && user < m_users, "user index out of range");
    // Beyond this many question tokens (128 MiB) a prompt is rebuilt for every request instead;
    // the llm-d benchmark's 750 questions take 0.9 M.
    constexpr std::int64_t kPromptCacheTokens = 32'000'000;
    if (m_users * std::int64_t{m_config.questionLen} > kPromptCacheTokens)
        return buildPrompt(user);
    if (m_promptCache.empty())
        m_promptCache.resize(static_cast<std::size_t>(m_users));
    auto& cached = m_promptCache[static_cast<std::size_t>(user)];
    if (!cached)
        cached = buildPrompt(user);
    return cached;
}

PromptRef SharedPrefixWorkload::buildPrompt(std::int64_t user)
{
    const std::int64_t group = user / m_config.promptsPerGroup;
    const std::int64_t index = user % m_config.promptsPerGroup;
    TokenVector question;
    question.reserve(static_cast<std::size_t>(m_config.questionLen));
    Rng rng = Rng::stream(m_seed, "workload/shared-prefix/question/" + std::to_string(group) + '/' +
                                      std::to_string(index));
    question.push_back(static_cast<TokenId>(m_config.systemPromptLen > 0 ? index : user));
    appendRandomTokens(rng, m_config.questionLen - 1, question);
    return PromptRef(std::make_shared<const SystemPlusQuestion>(systemPrompt(group), std::move(question)));
}

std::int64_t SharedPrefixWorkload::userOfStageRequest(std::int64_t k) const
{
    KVROUTE_CHECK(k >= 0, "negative request index");
    return m_order[static_cast<std::size_t>(k % m_users)];
}

void SharedPrefixWorkload::start(Simulation& sim, Submit submit, SimTime endTime, std::int64_t maxRequests)
{
    m_run.begin(sim, std::move(submit), endTime, m_ownLimit, maxRequests);
    beginStage(0, sim.now());
}

void SharedPrefixWorkload::beginStage(std::size_t stage, SimTime at)
{
    m_stage = stage;
    if (stage >= m_config.stages.size() || !m_run.accepts(at)) {
        m_finished = true;
        return;
    }
    const auto& cfg = m_config.stages[stage];
    StageRecord record;
    record.start = at;
    // Python's int(rate * duration): truncation of the double product, as inference-perf does.
    record.planned = static_cast<std::int64_t>(std::floor(cfg.rate * cfg.durationSeconds));
    m_records.push_back(record);
    m_stageSent = 0;
    m_stageDone = false;
    m_slotStart = at + fromSeconds(m_config.startOffsetSeconds);
    m_slot.clear();
    m_slotNext = 0;
    if (record.planned == 0) {
        stageSent(at);
        return;
    }
    if (m_config.arrivals == ArrivalProcess::Constant)
        planConstantStage(record.planned, m_slotStart, cfg.durationSeconds);
    scheduleNextArrival();
}

void SharedPrefixWorkload::planConstantStage(std::int64_t planned, SimTime start, double durationSeconds)
{
    // ConstantLoadTimer (inference_perf/loadgen/load_timer.py at v0.2.0, lines 34-63) draws
    // int(rate × duration) exponential intervals and scales them to sum to the duration. The
    // scale of the draws cancels, so mean 1 will do; the sums of both passes add the same values
    // in the same order, so the last arrival lands exactly on start + duration.
    Rng lookahead = m_arrivals;
    double total = 0.0;
    for (std::int64_t i = 0; i < planned; ++i)
        total += lookahead.exponentialMean(1.0);
    m_constantStart = start;
    m_constantDuration = durationSeconds;
    m_constantTotal = total;
    m_constantSum = 0.0;
}

SimTime SharedPrefixWorkload::nextConstantArrival()
{
    m_constantSum += m_arrivals.exponentialMean(1.0);
    return m_constantStart + fromSeconds(m_constantDuration * (m_constantSum / m_constantTotal));
}

bool SharedPrefixWorkload::fillSlot()
{
    const double rate = m_config.stages[m_stage].rate;
    m_slot.clear();
    m_slotNext = 0;
    while (m_slotStart < m_run.endTime) {
        // Poisson(rate) count: arrivals of a rate-`rate` process within one second.
        std::int64_t count = 0;
        for (double t = m_arrivals.exponential(rate); t < 1.0; t += m_arrivals.exponential(rate))
            ++count;
        const SimTime slotStart = m_slotStart;
        m_slotStart += kSecond;
        if (count == 0)
            continue;
        // count exponential gaps normalised to fill the slot (ConstantLoadTimer); the scale of
        // the gaps cancels, so mean 1 will do. The last cumulative sum equals the total, so the
        // last arrival is exactly the slot's end.
        std::vector<double> gaps(static_cast<std::size_t>(count));
        double total = 0.0;
        for (double& g : gaps) {
            g = m_arrivals.exponentialMean(1.0);
            total += g;
        }
        double cumulative = 0.0;
        for (const double g : gaps) {
            cumulative += g;
            m_slot.push_back(slotStart + fromSeconds(cumulative / total));
        }
        return true;
    }
    return false;
}

void SharedPrefixWorkload::scheduleNextArrival()
{
    if (m_stageSent >= m_records.back().planned) {
        stageSent(m_run.sim->now());
        return;
    }
    SimTime at = 0;
    if (m_config.arrivals == ArrivalProcess::Constant) {
        at = nextConstantArrival();
    } else {
        if (m_slotNext >= m_slot.size() && !fillSlot()) {
            m_finished = true;
            return;
        }
        at = m_slot[m_slotNext++];
    }
    if (!m_run.accepts(at)) {
        m_finished = true;
        return;
    }
    m_run.sim->scheduleAt(at, [this] { onArrival(); });
}

void SharedPrefixWorkload::onArrival()
{
    const SimTime now = m_run.sim->now();
    if (!m_run.accepts(now)) { // the request limit was reached meanwhile
        m_finished = true;
        return;
    }
    StageRecord& record = m_records.back();
    const std::int64_t k = m_stageSent++;
    if (record.firstArrival < 0)
        record.firstArrival = now;
    record.lastArrival = now;
    ++record.sent;

    WorkloadRequest request;
    if (m_prompts) {
        m_prompts->fill(k, request);
    } else {
        const std::int64_t user = userOfStageRequest(k);
        request.sessionId = static_cast<std::uint64_t>(user);
        request.clientIp = clientIpFor(m_config.clientIps, static_cast<std::uint64_t>(user),
                                       static_cast<std::uint64_t>(user / m_config.promptsPerGroup));
        request.prompt = prompt(user);
        request.maxTokens = m_config.outputLen;
    }
    request.turn = 0;
    request.stage = static_cast<std::int32_t>(m_stage);
    request.answer = answerSource(drawAnswerOffset(m_answers));
    m_run.stamp(request);
    ++m_outstanding;
    scheduleNextArrival();
    m_run.submit(std::move(request));
}

void SharedPrefixWorkload::stageSent(SimTime reference)
{
    m_stageDone = true;
    if (m_config.drainBetweenStages && m_outstanding > 0)
        return; // onCompleted() moves on when the last answer is in
    beginStage(m_stage + 1, reference + fromSeconds(m_config.stageGapSeconds));
}

void SharedPrefixWorkload::onCompleted(const WorkloadRequest& /*request*/, std::int32_t /*outputTokens*/)
{
    KVROUTE_CHECK(m_outstanding > 0, "completion reported for a request that is not outstanding");
    --m_outstanding;
    if (m_stageDone && !m_finished && m_config.drainBetweenStages && m_outstanding == 0)
        beginStage(m_stage + 1, drainNoticed(m_run.sim->now()) + fromSeconds(m_config.stageGapSeconds));
}

SimTime SharedPrefixWorkload::drainNoticed(SimTime drained) const
{
    const SimTime poll = fromSeconds(m_config.drainPollSeconds);
    if (poll <= 0)
        return drained;
    // The check loop starts with the stage and looks again every `poll`.
    const SimTime stageStart = m_records.back().start;
    const SimTime polls = (drained - stageStart + poll - 1) / poll;
    return stageStart + polls * poll;
}

std::string SharedPrefixWorkload::describe() const
{
    std::string out = m_prompts ? m_prompts->describe() + "; "
                                : "shared-prefix: " + std::to_string(m_config.numGroups) + " groups × " +
                                      std::to_string(m_config.promptsPerGroup) + " prompts, system " +
                                      std::to_string(m_config.systemPromptLen) + " + question " +
                                      std::to_string(m_config.questionLen) + " tokens, output " +
                                      std::to_string(m_config.outputLen) + "; ";
    if (m_config.arrivals == ArrivalProcess::Constant)
        out += "constant-load ";
    if (m_config.stages.size() <= 4) {
        out += "stages";
        for (const auto& stage : m_config.stages)
            out += ' ' + formatNumber(stage.rate) + "/s×" + formatNumber(stage.durationSeconds) + 's';
    } else { // a QPS ladder: its range, not every rung
        double low = m_config.stages.front().rate;
        double high = low;
        double seconds = 0.0;
        for (const auto& stage : m_config.stages) {
            low = std::min(low, stage.rate);
            high = std::max(high, stage.rate);
            seconds += stage.durationSeconds;
        }
        out += std::to_string(m_config.stages.size()) + " stages of " + formatNumber(low) + "–" + formatNumber(high) +
               " req/s over " + formatNumber(seconds) + " s";
    }
    out += m_config.drainBetweenStages ? ", drained between stages" : ", back to back";
    if (m_config.stageGapSeconds > 0.0)
        out += " with " + formatNumber(m_config.stageGapSeconds) + " s gaps";
    if (m_config.startOffsetSeconds > 0.0)
        out += ", arrivals from " + formatNumber(m_config.startOffsetSeconds) + " s into each stage";
    out += ", client IPs " + std::string(toString(m_config.clientIps));
    return out;
}

} // namespace kvroute::sim
