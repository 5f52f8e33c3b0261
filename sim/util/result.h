#pragma once
// Errors as values at module boundaries: Result<T> = std::expected<T, Error>.

#include <expected>
#include <string>
#include <utility>

namespace kvroute {

/// A user-facing error. `where` names the input (file:line:column, a key path, a URL...).
struct Error {
    std::string message;
    std::string where;

    /// "where: message", or just the message when there is no location.
    [[nodiscard]] std::string toString() const { return where.empty() ? message : where + ": " + message; }
};

template <typename T>
using Result = std::expected<T, Error>;

/// Shorthand for `return fail("...")` in functions returning Result<T>.
[[nodiscard]] inline std::unexpected<Error> fail(std::string message, std::string where = {})
{
    return std::unexpected<Error>(Error{std::move(message), std::move(where)});
}

} // namespace kvroute

// Early return for Result-returning functions: assigns a Result's value to `target`, or returns
// its error from the enclosing function.
#define KVROUTE_TRY_ASSIGN(target, expr)                                                           \
    do {                                                                                           \
        auto kvrouteTryValue = (expr);                                                             \
        if (!kvrouteTryValue)                                                                      \
            return std::unexpected(std::move(kvrouteTryValue.error()));                            \
        (target) = std::move(*kvrouteTryValue);                                                    \
    } while (false)

/// Returns the error of a failed Result<void> (or any Result) from the enclosing function.
#define KVROUTE_TRY(expr)                                                                          \
    do {                                                                                           \
        auto kvrouteTryResult = (expr);                                                            \
        if (!kvrouteTryResult)                                                                     \
            return std::unexpected(std::move(kvrouteTryResult.error()));                           \
    } while (false)
