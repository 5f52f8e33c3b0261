#include "sim/engine/request.h"

#include "sim/util/check.h"

#include <algorithm>
#include <cstddef>

namespace kvroute::sim {

std::string_view toString(FinishReason reason)
{
    switch (reason) {
    case FinishReason::None: return "none";
    case FinishReason::Length: return "length";
    case FinishReason::Stop: return "stop";
    case FinishReason::Abort: return "abort";
    }
    return "none";
}

Request::Request(EngineRequest input)
    : id(input.id)
    , callerIndex(input.callerIndex)
    , promptLength(static_cast<std::int32_t>(input.prompt.size()))
    , maxTokens(input.maxTokens)
    , skipPrefixCache(input.skipPrefixCache)
    , outputSource(std::move(input.outputs))
    , stopTokenIds(std::move(input.stopTokenIds))
    , prompt(std::move(input.prompt))
{
    KVROUTE_CHECK(!prompt.empty(), "a request needs a non-empty prompt");
    static_assert(offsetof(Request, blocks) + 2 * sizeof(void*) <= 64,
                  "the step loops' fields and the block list's begin and end share the first cache line");
    // completeStep prefetches two lines: what sampling reads must lie on the second.
    static_assert(offsetof(Request, outputSource) >= 64 &&
                      offsetof(Request, stopTokenIds) + 2 * sizeof(void*) <= 128,
                  "the output source and the stop tokens' begin and end lie on the second cache line");
}

void Request::copyTokens(std::int32_t begin, std::int32_t end, TokenVector& out) const
{
    out.clear();
    out.reserve(static_cast<std::size_t>(end - begin));
    const auto promptLen = numPromptTokens();
    const auto promptEnd = std::min(end, promptLen);
    if (begin < promptEnd)
        prompt.appendTo(static_cast<std::size_t>(begin), static_cast<std::size_t>(promptEnd), out);
    if (end > promptLen)
        outputSource.append(static_cast<std::size_t>(std::max(begin, promptLen) - promptLen),
                            static_cast<std::size_t>(end - promptLen), out);
}

std::span<const TokenId> Request::tokens(std::int32_t begin, std::int32_t end, TokenVector& scratch) const
{
    KVROUTE_CHECK(begin >= 0 && begin <= end && end <= numTokens(), "token range out of bounds");
    if (end <= numPromptTokens())
        return prompt.tokens(static_cast<std::size_t>(begin), static_cast<std::size_t>(end), scratch);
    copyTokens(begin, end, scratch);
    return scratch;
}

} // namespace kvroute::sim
