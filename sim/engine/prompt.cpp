#include "sim/engine/prompt.h"

#include "sim/util/check.h"

namespace kvroute::sim {

std::span<const TokenId> PromptRef::tokens(std::size_t begin, std::size_t end, TokenVector& scratch) const
{
    KVROUTE_CHECK(begin <= end && end <= size(), "prompt token range out of bounds");
    if (m_tokens)
        return std::span<const TokenId>(*m_tokens).subspan(begin, end - begin);
    scratch.clear();
    if (m_generator)
        m_generator->appendRange(begin, end, scratch);
    return scratch;
}

void PromptRef::appendTo(std::size_t begin, std::size_t end, TokenVector& out) const
{
    KVROUTE_CHECK(begin <= end && end <= size(), "prompt token range out of bounds");
    if (m_tokens)
        out.insert(out.end(), m_tokens->begin() + static_cast<std::ptrdiff_t>(begin),
                   m_tokens->begin() + static_cast<std::ptrdiff_t>(end));
    else if (m_generator)
        m_generator->appendRange(begin, end, out);
}

TokenId PromptRef::at(std::size_t index) const
{
    KVROUTE_CHECK(index < size(), "prompt token index out of bounds");
    if (m_tokens)
        return (*m_tokens)[index];
    TokenVector one;
    m_generator->appendRange(index, index + 1, one);
    return one.front();
}

TokenVector PromptRef::copy() const
{
    TokenVector out;
    out.reserve(size());
    appendTo(0, size(), out);
    return out;
}

} // namespace kvroute::sim
