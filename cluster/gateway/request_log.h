#pragma once
// The gateway's request log (`--request-log`, a stack's requests.jsonl): a Mooncake trace of the
// traffic the cluster really had, to replay under other routing. A replay needs valid requests on
// one clock, so only requests a pod took (a 2xx answer) are written, in the order they arrived,
// though their answers come in any order: a line waits for the lines before it.

#include <cstdint>
#include <deque>
#include <fstream>
#include <string>

namespace kvroute::cluster {

class RequestLog {
public:
    /// Appends to `path`; isOpen() says whether that worked.
    void open(const std::string& path) { m_file.open(path, std::ios::app); }
    [[nodiscard]] bool isOpen() const { return m_file.is_open(); }

    /// A routed request's line (with its newline); the number to decide() it by.
    std::uint64_t add(std::string line);
    /// Whether the pod took request `number`; writes every line now decided in arrival order.
    void decide(std::uint64_t number, bool accepted);
    /// At shutdown: writes the lines still waiting, but for refused requests (an unanswered
    /// request was taken by a pod as far as anyone knows).
    void flush();

private:
    struct Line {
        std::string text;
        bool decided = false;
        bool accepted = false;
    };
    std::ofstream m_file;
    std::deque<Line> m_waiting;
    std::uint64_t m_firstNumber = 0; ///< the number of m_waiting.front()
};

} // namespace kvroute::cluster
