#include "cluster/gateway/request_log.h"

#include "sim/util/check.h"

#include <utility>

namespace kvroute::cluster {

std::uint64_t RequestLog::add(std::string line)
{
    m_waiting.push_back(Line{std::move(line)});
    return m_firstNumber + m_waiting.size() - 1;
}

void RequestLog::decide(std::uint64_t number, bool accepted)
{
    if (number < m_firstNumber)
        return; // written or dropped by flush() at shutdown
    KVROUTE_CHECK(number - m_firstNumber < m_waiting.size(), "a request-log line that was never added");
    Line& line = m_waiting[static_cast<std::size_t>(number - m_firstNumber)];
    line.decided = true;
    line.accepted = accepted;
    bool wrote = false;
    while (!m_waiting.empty() && m_waiting.front().decided) {
        if (m_waiting.front().accepted) {
            m_file << m_waiting.front().text;
            wrote = true;
        }
        m_waiting.pop_front();
        ++m_firstNumber;
    }
    if (wrote)
        m_file.flush();
}

void RequestLog::flush()
{
    for (const Line& line : m_waiting) {
        if (!line.decided || line.accepted)
            m_file << line.text;
    }
    m_firstNumber += m_waiting.size();
    m_waiting.clear();
    if (m_file.is_open())
        m_file.flush();
}

} // namespace kvroute::cluster
