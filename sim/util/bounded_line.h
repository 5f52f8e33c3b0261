#pragma once
// std::getline with a bound: a file without newlines (a device, a binary file, a huge trace
// cut wrong) must not grow one string until memory runs out.

#include <cstddef>
#include <istream>
#include <string>

namespace kvroute {

enum class LineRead { Line, End, TooLong };

/// Reads the next line of `in` into `line` (without the '\n'). TooLong once a line passes
/// `maxBytes`; the stream is then left mid-line.
inline LineRead readBoundedLine(std::istream& in, std::string& line, std::size_t maxBytes)
{
    line.clear();
    std::streambuf* buffer = in.rdbuf();
    for (;;) {
        const auto c = buffer->sbumpc();
        if (c == std::char_traits<char>::eof()) {
            in.setstate(std::ios::eofbit);
            return line.empty() ? LineRead::End : LineRead::Line;
        }
        if (c == '\n')
            return LineRead::Line;
        if (line.size() >= maxBytes)
            return LineRead::TooLong;
        line.push_back(static_cast<char>(c));
    }
}

/// Longest line a trace reader accepts: far beyond any real record (a Mooncake record of a
/// 128k-token prompt is ~2 MB).
inline constexpr std::size_t kMaxTraceLineBytes = 64 * 1024 * 1024;

} // namespace kvroute
