#pragma once
// A request's prompt: tokens held in memory, or a small recipe that writes them on demand.
//
// Why both: an overloaded pod queues thousands of requests, and a trace replay's prompts are
// thousands of tokens each (the 1-pod Mooncake replay once held 7,400 of them, ~240 MB, faulting
// in fresh pages). A recipe costs a few bytes per 512-token block; its tokens are written into
// a reused scratch buffer when a router or an engine reads them, and never kept.
// Requests may share one prompt object: the shared-prefix benchmark's 17,084 requests send 750
// prompts, each its group's shared system prompt followed by its own question (a recipe), and
// what is memoised per prompt (block hashes) is then computed once.

#include "sim/engine/token_types.h"

#include <cstddef>
#include <memory>
#include <span>

namespace kvroute::sim {

/// Writes one prompt's tokens on demand: the same tokens on every call.
class PromptGenerator {
public:
    virtual ~PromptGenerator() = default;
    [[nodiscard]] virtual std::size_t size() const noexcept = 0;
    /// Appends tokens [begin, end) to `out` (begin <= end <= size()).
    virtual void appendRange(std::size_t begin, std::size_t end, TokenVector& out) const = 0;
};

/// A shared, immutable prompt. Copies refer to the same prompt (same identity()).
class PromptRef {
public:
    PromptRef() noexcept = default;
    // Implicit on purpose: a stored prompt is how most workloads and tests build one.
    PromptRef(std::shared_ptr<const TokenVector> tokens) noexcept : m_tokens(std::move(tokens)) {}
    PromptRef(std::shared_ptr<TokenVector> tokens) noexcept : m_tokens(std::move(tokens)) {}
    explicit PromptRef(std::shared_ptr<const PromptGenerator> generator) noexcept : m_generator(std::move(generator)) {}

    [[nodiscard]] explicit operator bool() const noexcept { return m_tokens || m_generator; }
    [[nodiscard]] std::size_t size() const noexcept
    {
        return m_tokens ? m_tokens->size() : m_generator ? m_generator->size() : 0;
    }
    [[nodiscard]] bool empty() const noexcept { return size() == 0; }

    /// The vector of a stored prompt; nullptr for a generated one.
    [[nodiscard]] const TokenVector* stored() const noexcept { return m_tokens.get(); }

    /// Tokens [begin, end): a stored prompt's own memory, a generated one's written into
    /// `scratch` (valid until `scratch` changes).
    [[nodiscard]] std::span<const TokenId> tokens(std::size_t begin, std::size_t end, TokenVector& scratch) const;
    [[nodiscard]] std::span<const TokenId> tokens(TokenVector& scratch) const { return tokens(0, size(), scratch); }
    /// Appends tokens [begin, end) to `out`.
    void appendTo(std::size_t begin, std::size_t end, TokenVector& out) const;
    [[nodiscard]] TokenId at(std::size_t index) const;
    /// All tokens in a vector of the caller's own.
    [[nodiscard]] TokenVector copy() const;

    /// Equal for copies of one prompt, different for distinct live prompts.
    [[nodiscard]] const void* identity() const noexcept
    {
        return m_tokens ? static_cast<const void*>(m_tokens.get()) : static_cast<const void*>(m_generator.get());
    }
    /// Expires when the last copy of this prompt is gone (for memos keyed by identity()).
    [[nodiscard]] std::weak_ptr<const void> watch() const noexcept
    {
        if (m_tokens)
            return m_tokens;
        return m_generator;
    }

private:
    std::shared_ptr<const TokenVector> m_tokens;
    std::shared_ptr<const PromptGenerator> m_generator;
};

} // namespace kvroute::sim
