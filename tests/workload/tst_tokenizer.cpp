// Tokenizer: 4 characters per token, base-64 letters most significant first, exact round trip
// over the whole 24-bit range, and rejection of text that is not a token string.
// Goldens are worked out by hand from the alphabet A-Z a-z 0-9 + / (A = 0, / = 63).

#include <QTest>

#include "sim/kernel/rng.h"
#include "sim/workload/tokenizer.h"

#include <string>

using kvroute::sim::detokenize;
using kvroute::sim::kCharsPerToken;
using kvroute::sim::kMaxTokenId;
using kvroute::sim::Rng;
using kvroute::sim::TokenId;
using kvroute::sim::tokenize;
using kvroute::sim::TokenVector;

class TestTokenizer : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void knownTokens_data();
    void knownTokens();
    void fourCharactersPerToken();
    void roundTripRandom();
    void roundTripExtremes();
    void rejectsBadText_data();
    void rejectsBadText();
};

void TestTokenizer::knownTokens_data()
{
    QTest::addColumn<quint32>("token");
    QTest::addColumn<QString>("text");
    QTest::newRow("zero") << 0U << QStringLiteral("AAAA");
    QTest::newRow("one") << 1U << QStringLiteral("AAAB");
    QTest::newRow("63") << 63U << QStringLiteral("AAA/");
    QTest::newRow("64") << 64U << QStringLiteral("AABA");
    QTest::newRow("4096") << 4096U << QStringLiteral("ABAA");
    QTest::newRow("262144") << 262144U << QStringLiteral("BAAA");
    QTest::newRow("max") << 16777215U << QStringLiteral("////");
    // 127999 = 0·262144 + 31·4096 + 15·64 + 63 → A, f (31), P (15), / (63)
    QTest::newRow("vocab max") << 127999U << QStringLiteral("AfP/");
}

void TestTokenizer::knownTokens()
{
    QFETCH(quint32, token);
    QFETCH(QString, text);
    const TokenVector tokens{token};
    QCOMPARE(QString::fromStdString(detokenize(tokens)), text);
    const auto back = tokenize(text.toStdString());
    QVERIFY(back.has_value());
    QCOMPARE(*back, tokens);
}

void TestTokenizer::fourCharactersPerToken()
{
    QCOMPARE(kCharsPerToken, 4);
    for (std::size_t n : {0U, 1U, 16U, 1000U}) {
        const TokenVector tokens(n, 12345);
        QCOMPARE(detokenize(tokens).size(), n * 4);
    }
}

void TestTokenizer::roundTripRandom()
{
    Rng rng(7, 11);
    TokenVector tokens;
    for (int i = 0; i < 20000; ++i)
        tokens.push_back(static_cast<TokenId>(rng.uniformBelow(std::uint64_t{kMaxTokenId} + 1)));
    const std::string text = detokenize(tokens);
    QCOMPARE(text.size(), tokens.size() * 4);
    const auto back = tokenize(text);
    QVERIFY(back.has_value());
    QVERIFY(*back == tokens);
}

void TestTokenizer::roundTripExtremes()
{
    const TokenVector tokens{0, kMaxTokenId, 1, kMaxTokenId - 1, 127999, 128000};
    const auto back = tokenize(detokenize(tokens));
    QVERIFY(back.has_value());
    QVERIFY(*back == tokens);
}

void TestTokenizer::rejectsBadText_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("three chars") << QStringLiteral("AAA");
    QTest::newRow("five chars") << QStringLiteral("AAAAB");
    QTest::newRow("space") << QStringLiteral("AA A");
    QTest::newRow("minus") << QStringLiteral("AAA-");
    QTest::newRow("equals padding") << QStringLiteral("AA==");
}

void TestTokenizer::rejectsBadText()
{
    QFETCH(QString, text);
    QVERIFY(!tokenize(text.toStdString()).has_value());
    QVERIFY(tokenize("").has_value());
}

QTEST_APPLESS_MAIN(TestTokenizer)
#include "tst_tokenizer.moc"
