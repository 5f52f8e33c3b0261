// ChatSessionsWorkload: each turn's prompt extends the previous prompt + its answer exactly,
// truncated answers are carried as the pod produced them, think times and the Poisson user
// rate, shared system prompts, and every way a session ends.

#include <QTest>

#include "sim/kernel/sim_time.h"
#include "sim/workload/chat_sessions_workload.h"
#include "sim/workload/client_ip.h"
#include "sim/workload/synthetic_tokens.h"
#include "workload_test_support.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <vector>

using kvroute::sim::ChatSessionsConfig;
using kvroute::sim::ChatSessionsWorkload;
using kvroute::sim::ClientIpMode;
using kvroute::sim::Distribution;
using kvroute::sim::kSecond;
using kvroute::sim::SimTime;
using kvroute::sim::TokenVector;
using kvroute::sim::WorkloadRequest;
using kvroute::test::commonPrefix;
using kvroute::test::runWorkload;

namespace {

ChatSessionsConfig smallChat()
{
    ChatSessionsConfig c;
    c.usersPerSecond = 0.5;
    c.turnsPerSession = Distribution::uniform(2, 6);
    c.thinkTimeSeconds = Distribution::constant(3.0);
    c.messageTokens = Distribution{Distribution::Kind::Lognormal, 40, 20, 5, 200};
    c.answerTokens = Distribution{Distribution::Kind::Lognormal, 50, 20, 5, 200};
    c.systemPrompts = 3;
    c.systemPromptTokens = 64;
    return c;
}

/// Requests grouped by session, in turn order.
std::map<std::uint64_t, std::vector<const WorkloadRequest*>> bySession(const std::vector<WorkloadRequest>& requests)
{
    std::map<std::uint64_t, std::vector<const WorkloadRequest*>> sessions;
    for (const auto& r : requests)
        sessions[r.sessionId].push_back(&r);
    return sessions;
}

} // namespace

class TestChatSessionsWorkload : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void nextPromptExtendsPromptAndAnswer();
    void truncatedAnswerIsCarriedExactly();
    void thinkTimeIsRespected();
    void userArrivalRateIsPoisson();
    void systemPromptsAreShared();
    void rejectedTurnEndsSession();
    void maxPromptTokensEndsSession();
    void endTimeAndRequestLimit();
    void idsTurnsAndAddresses();
};

void TestChatSessionsWorkload::nextPromptExtendsPromptAndAnswer()
{
    ChatSessionsWorkload workload(smallChat(), 42);
    const auto run = runWorkload(workload, 600 * kSecond, 0, 2 * kSecond);
    QVERIFY(run.requests.size() > 200);
    int checkedPairs = 0;
    for (const auto& [id, turns] : bySession(run.requests)) {
        for (std::size_t k = 0; k + 1 < turns.size(); ++k) {
            const WorkloadRequest& a = *turns[k];
            const WorkloadRequest& b = *turns[k + 1];
            QCOMPARE(b.turn, a.turn + 1);
            // Expected prefix: the whole previous prompt, then the previous answer token by token.
            TokenVector expected = *a.prompt.stored();
            for (std::int32_t j = 0; j < a.maxTokens; ++j)
                expected.push_back(a.answer.at(static_cast<std::size_t>(j)));
            QVERIFY(b.prompt.size() > expected.size()); // a new message follows
            QVERIFY(std::equal(expected.begin(), expected.end(), b.prompt.stored()->begin()));
            ++checkedPairs;
        }
    }
    QVERIFY(checkedPairs > 100);
    QCOMPARE(workload.activeSessions(), std::size_t{0});
}

void TestChatSessionsWorkload::truncatedAnswerIsCarriedExactly()
{
    // The pod stops after 5 tokens (max_model_len): the next turn contains exactly those 5.
    ChatSessionsConfig c = smallChat();
    c.turnsPerSession = Distribution::constant(3);
    ChatSessionsWorkload workload(c, 7);
    const auto run = runWorkload(workload, 100 * kSecond, 0, kSecond,
                                 [](const WorkloadRequest& r) { return std::min(r.maxTokens, 5); });
    int checked = 0;
    for (const auto& [id, turns] : bySession(run.requests)) {
        for (std::size_t k = 0; k + 1 < turns.size(); ++k) {
            const auto& a = *turns[k];
            const auto& b = *turns[k + 1];
            const std::size_t n = a.prompt.size();
            QVERIFY(b.prompt.size() > n + 5);
            QVERIFY(std::equal(a.prompt.stored()->begin(), a.prompt.stored()->end(), b.prompt.stored()->begin()));
            for (std::size_t j = 0; j < 5; ++j)
                QCOMPARE((*b.prompt.stored())[n + j], a.answer.at(j));
            ++checked;
        }
    }
    QVERIFY(checked > 10);
}

void TestChatSessionsWorkload::thinkTimeIsRespected()
{
    ChatSessionsWorkload workload(smallChat(), 3);
    const SimTime service = 1500 * kSecond / 1000;
    const auto run = runWorkload(workload, 400 * kSecond, 0, service);
    std::map<kvroute::sim::RequestId, SimTime> completedAt;
    for (const auto& c : run.completions)
        completedAt[c.id] = c.time;
    int checked = 0;
    for (const auto& [id, turns] : bySession(run.requests)) {
        for (std::size_t k = 0; k + 1 < turns.size(); ++k) {
            QCOMPARE(completedAt.at(turns[k]->id), turns[k]->arrival + service);
            QCOMPARE(turns[k + 1]->arrival, completedAt.at(turns[k]->id) + 3 * kSecond);
            ++checked;
        }
    }
    QVERIFY(checked > 50);
}

void TestChatSessionsWorkload::userArrivalRateIsPoisson()
{
    ChatSessionsConfig c = smallChat();
    c.usersPerSecond = 2.0;
    c.turnsPerSession = Distribution::constant(1);
    c.messageTokens = Distribution::constant(4);
    c.systemPrompts = 0;
    ChatSessionsWorkload workload(c, 11);
    const SimTime horizon = 2000 * kSecond;
    const auto run = runWorkload(workload, horizon, 0, kSecond);
    // 4000 expected, sd 63: 5 % is about 3 sd.
    const double n = static_cast<double>(run.requests.size());
    QVERIFY2(std::fabs(n - 4000.0) < 200.0, qPrintable(QString::number(n)));
    QCOMPARE(workload.stats().started, static_cast<std::int64_t>(run.requests.size()));
    // Exponential gaps: mean 0.5 s and coefficient of variation 1.
    std::vector<double> gaps;
    for (std::size_t i = 1; i < run.requests.size(); ++i)
        gaps.push_back(kvroute::sim::toSeconds(run.requests[i].arrival - run.requests[i - 1].arrival));
    double sum = 0.0;
    double sumSq = 0.0;
    for (const double g : gaps) {
        sum += g;
        sumSq += g * g;
    }
    const double mean = sum / static_cast<double>(gaps.size());
    const double sd = std::sqrt(sumSq / static_cast<double>(gaps.size()) - mean * mean);
    QVERIFY(std::fabs(mean - 0.5) < 0.025);
    QVERIFY(std::fabs(sd / mean - 1.0) < 0.06);
}

void TestChatSessionsWorkload::systemPromptsAreShared()
{
    ChatSessionsWorkload workload(smallChat(), 5);
    const auto run = runWorkload(workload, 300 * kSecond, 0, kSecond);
    std::vector<TokenVector> systems;
    for (std::int32_t i = 0; i < 3; ++i) {
        systems.push_back(*workload.systemPrompt(i));
        QCOMPARE(systems.back().size(), std::size_t{64});
    }
    // Different system prompts share nothing, not even the first token.
    QVERIFY(systems[0][0] != systems[1][0] && systems[1][0] != systems[2][0] && systems[0][0] != systems[2][0]);
    std::set<std::size_t> used;
    for (const auto& r : run.requests) {
        std::size_t which = 3;
        for (std::size_t i = 0; i < 3; ++i) {
            if (commonPrefix(*r.prompt.stored(), systems[i]) == 64)
                which = i;
        }
        QVERIFY2(which < 3, "every prompt starts with one of the system prompts");
        used.insert(which);
    }
    QCOMPARE(used.size(), std::size_t{3});
    // Two sessions on the same system prompt share at least its 64 tokens.
    const auto sessions = bySession(run.requests);
    std::map<std::size_t, int> sessionsPerSystem;
    for (const auto& [id, turns] : sessions) {
        for (std::size_t i = 0; i < 3; ++i)
            if (commonPrefix(*turns.front()->prompt.stored(), systems[i]) == 64)
                ++sessionsPerSystem[i];
    }
    for (const auto& [i, count] : sessionsPerSystem)
        QVERIFY(count > 10); // ~150 sessions over 3 prompts
}

void TestChatSessionsWorkload::rejectedTurnEndsSession()
{
    ChatSessionsConfig c = smallChat();
    c.turnsPerSession = Distribution::constant(5);
    ChatSessionsWorkload workload(c, 9);
    // Turn 1 of every session is rejected (0 tokens): no session gets a turn 2.
    const auto run = runWorkload(workload, 200 * kSecond, 0, kSecond,
                                 [](const WorkloadRequest& r) { return r.turn == 1 ? 0 : r.maxTokens; });
    std::int32_t maxTurn = 0;
    for (const auto& r : run.requests)
        maxTurn = std::max(maxTurn, r.turn);
    QCOMPARE(maxTurn, 1);
    const auto& s = workload.stats();
    QVERIFY(s.endedByFailure > 50);
    QCOMPARE(s.finished, std::int64_t{0});
    QCOMPARE(s.started, s.endedByFailure + s.endedByRunLimit);
    QCOMPARE(workload.activeSessions(), std::size_t{0});
}

void TestChatSessionsWorkload::maxPromptTokensEndsSession()
{
    // No system prompt, 100-token messages and answers: turn 0 has 100 tokens, turn 1 300,
    // turn 2 would have 500 > 300 and is never sent.
    ChatSessionsConfig c = smallChat();
    c.systemPrompts = 0;
    c.turnsPerSession = Distribution::constant(10);
    c.messageTokens = Distribution::constant(100);
    c.answerTokens = Distribution::constant(100);
    c.maxPromptTokens = 300;
    ChatSessionsWorkload workload(c, 13);
    const auto run = runWorkload(workload, 100 * kSecond, 0, kSecond);
    for (const auto& r : run.requests) {
        QVERIFY(r.turn <= 1);
        QCOMPARE(r.prompt.size(), r.turn == 0 ? std::size_t{100} : std::size_t{300});
    }
    const auto& s = workload.stats();
    QVERIFY(s.endedByLength > 20);
    QCOMPARE(s.started, s.endedByLength + s.endedByRunLimit);
}

void TestChatSessionsWorkload::endTimeAndRequestLimit()
{
    const SimTime end = 120 * kSecond;
    {
        ChatSessionsWorkload workload(smallChat(), 17);
        const auto run = runWorkload(workload, end, 0, kSecond);
        QVERIFY(!run.requests.empty());
        for (const auto& r : run.requests)
            QVERIFY(r.arrival < end);
        QCOMPARE(workload.activeSessions(), std::size_t{0});
    }
    {
        ChatSessionsWorkload workload(smallChat(), 17, 25);
        const auto run = runWorkload(workload, end, 40, kSecond); // the smaller limit wins
        QCOMPARE(run.requests.size(), std::size_t{25});
    }
}

void TestChatSessionsWorkload::idsTurnsAndAddresses()
{
    ChatSessionsWorkload workload(smallChat(), 19);
    const auto run = runWorkload(workload, 200 * kSecond, 0, kSecond);
    for (std::size_t i = 0; i < run.requests.size(); ++i) {
        const auto& r = run.requests[i];
        QCOMPARE(r.id, static_cast<kvroute::sim::RequestId>(i + 1));
        if (i > 0)
            QVERIFY(r.arrival >= run.requests[i - 1].arrival);
        QCOMPARE(r.clientIp, kvroute::sim::clientIpFor(ClientIpMode::PerSession, r.sessionId, 0));
        QVERIFY(r.maxTokens >= 5 && r.maxTokens <= 200);
        QVERIFY(std::all_of(r.prompt.stored()->begin(), r.prompt.stored()->end(),
                            [](kvroute::sim::TokenId t) { return t < kvroute::sim::kVocabSize; }));
        QVERIFY(r.answer.at(0) < kvroute::sim::kVocabSize && r.answer.at(1000) < kvroute::sim::kVocabSize);
    }
    // Session 0 is 10.1.0.1, session 1 10.1.0.2.
    QCOMPARE(QString::fromStdString(kvroute::sim::formatIpv4(kvroute::sim::clientIpFor(ClientIpMode::PerSession, 0, 0))),
             QStringLiteral("10.1.0.1"));
    QCOMPARE(QString::fromStdString(kvroute::sim::formatIpv4(kvroute::sim::clientIpFor(ClientIpMode::PerSession, 257, 0))),
             QStringLiteral("10.1.1.2"));
    QCOMPARE(QString::fromStdString(kvroute::sim::formatIpv4(kvroute::sim::clientIpFor(ClientIpMode::Single, 5, 5))),
             QStringLiteral("10.0.0.1"));
    QCOMPARE(QString::fromStdString(kvroute::sim::formatIpv4(kvroute::sim::clientIpFor(ClientIpMode::PerGroup, 5, 2))),
             QStringLiteral("10.0.1.3"));
    // Turns of one session come in order; answers of different requests differ.
    std::set<std::uint32_t> offsets;
    for (const auto& r : run.requests)
        offsets.insert(r.answer.offset);
    QVERIFY(offsets.size() > run.requests.size() * 9 / 10);
}

QTEST_APPLESS_MAIN(TestChatSessionsWorkload)
#include "tst_chat_sessions_workload.moc"
