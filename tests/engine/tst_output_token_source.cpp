// A request's generated-token stream: append() (ranges, used for block hashes and KV events)
// gives exactly the tokens at() gives one by one, across the explicit tokens and the modulus wrap.

#include "sim/engine/engine_types.h"

#include <QTest>

#include <vector>

using kvroute::sim::OutputTokenSource;
using kvroute::sim::TokenId;

class TestOutputTokenSource : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void appendMatchesAt_data()
    {
        QTest::addColumn<int>("explicitCount");
        QTest::addColumn<unsigned>("offset");
        QTest::addColumn<unsigned>("modulus");
        QTest::newRow("plain") << 0 << 0U << 100000U;
        QTest::newRow("wraps several times") << 0 << 5U << 7U;
        QTest::newRow("explicit first, then wrapping") << 3 << 95U << 100U;
        QTest::newRow("offset past the modulus") << 2 << 250U << 64U;
    }

    void appendMatchesAt()
    {
        QFETCH(int, explicitCount);
        QFETCH(unsigned, offset);
        QFETCH(unsigned, modulus);
        OutputTokenSource source;
        for (int i = 0; i < explicitCount; ++i)
            source.explicitTokens.push_back(static_cast<TokenId>(7 + 11 * i));
        source.base = 1000;
        source.offset = offset;
        source.modulus = modulus;
        for (std::size_t begin = 0; begin < 40; ++begin) {
            for (std::size_t end = begin; end < 300; end += 13) {
                std::vector<TokenId> out{42}; // copyTokens appends after the prompt's tokens
                source.append(begin, end, out);
                QCOMPARE(out.size(), 1 + end - begin);
                QCOMPARE(out.front(), TokenId{42});
                for (std::size_t j = begin; j < end; ++j)
                    QCOMPARE(out[1 + j - begin], source.at(j));
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestOutputTokenSource)
#include "tst_output_token_source.moc"
