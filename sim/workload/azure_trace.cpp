#include "sim/workload/azure_trace.h"

#include "sim/util/bounded_line.h"

#include <cerrno>
#include <system_error>
#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <utility>
#include <vector>

namespace kvroute::sim {

namespace {

constexpr std::int64_t kMaxTokens = 100'000'000;

// Nanoseconds since 1970 fit an int64 from 1677-09-21 to 2262-04-11; whole years inside that.
constexpr std::int64_t kMinYear = 1678;
constexpr std::int64_t kMaxYear = 2261;

std::string_view trim(std::string_view s)
{
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> splitCsv(std::string_view line)
{
    std::vector<std::string_view> fields;
    for (;;) {
        const auto comma = line.find(',');
        fields.push_back(trim(line.substr(0, comma)));
        if (comma == std::string_view::npos)
            return fields;
        line.remove_prefix(comma + 1);
    }
}

std::optional<std::int64_t> parseInteger(std::string_view text)
{
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty())
        return std::nullopt;
    return value;
}

// Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (H. Hinnant's
// days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, std::int64_t m, std::int64_t d)
{
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool isLeap(std::int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool isBlank(std::string_view text)
{
    return trim(text).empty();
}

} // namespace

std::optional<SimTime> parseAzureTimestamp(std::string_view text)
{
    // YYYY-MM-DD HH:MM:SS[.fffffffff]
    if (text.size() < 19 || text[4] != '-' || text[7] != '-' || (text[10] != ' ' && text[10] != 'T') ||
        text[13] != ':' || text[16] != ':')
        return std::nullopt;
    const auto number = [&](std::size_t pos, std::size_t len) -> std::optional<std::int64_t> {
        const std::string_view part = text.substr(pos, len);
        if (!std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return std::nullopt;
        return parseInteger(part);
    };
    const auto year = number(0, 4);
    const auto month = number(5, 2);
    const auto day = number(8, 2);
    const auto hour = number(11, 2);
    const auto minute = number(14, 2);
    const auto second = number(17, 2);
    if (!year || !month || !day || !hour || !minute || !second)
        return std::nullopt;
    if (*year < kMinYear || *year > kMaxYear)
        return std::nullopt; // the nanosecond count would overflow
    constexpr std::array<int, 12> kDays{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (*month < 1 || *month > 12 || *day < 1 ||
        *day > kDays[static_cast<std::size_t>(*month - 1)] + (*month == 2 && isLeap(*year) ? 1 : 0) ||
        *hour > 23 || *minute > 59 || *second > 60)
        return std::nullopt;
    std::int64_t nanos = 0;
    if (text.size() > 19) {
        const std::string_view fraction = text.substr(20);
        if (text[19] != '.' || fraction.empty() || fraction.size() > 9 ||
            !std::all_of(fraction.begin(), fraction.end(), [](char c) { return c >= '0' && c <= '9'; }))
            return std::nullopt;
        nanos = *parseInteger(fraction);
        for (std::size_t i = fraction.size(); i < 9; ++i)
            nanos *= 10;
    }
    const std::int64_t days = daysFromCivil(*year, *month, *day);
    const std::int64_t seconds = days * 86400 + *hour * 3600 + *minute * 60 + *second;
    return seconds * kSecond + nanos;
}

struct AzureTraceReader::Impl {
    std::string path;
    std::ifstream in;
    std::int64_t line = 0;
    std::size_t timeColumn = 0;
    std::size_t contextColumn = 0;
    std::size_t generatedColumn = 0;
    std::size_t columns = 0;
    SimTime lastTime = 0;
    bool haveLast = false;
    SimTime firstTime = 0;
    std::int64_t firstLine = 0;
    bool haveFirst = false;
};

AzureTraceReader::AzureTraceReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
AzureTraceReader::AzureTraceReader(AzureTraceReader&&) noexcept = default;
AzureTraceReader& AzureTraceReader::operator=(AzureTraceReader&&) noexcept = default;
AzureTraceReader::~AzureTraceReader() = default;

const std::string& AzureTraceReader::path() const noexcept
{
    return m_impl->path;
}

Result<AzureTraceReader> AzureTraceReader::open(const std::string& path)
{
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    impl->in.open(path, std::ios::binary);
    if (!impl->in)
        return fail(std::string("cannot open the Azure trace for reading: ") + std::error_code(errno, std::generic_category()).message(), path);
    std::string header;
    for (LineRead read; (read = readBoundedLine(impl->in, header, kMaxTraceLineBytes)) != LineRead::End;) {
        ++impl->line;
        if (read == LineRead::TooLong)
            return fail("a line longer than " + std::to_string(kMaxTraceLineBytes) + " bytes; is this really a trace file?",
                        path + ':' + std::to_string(impl->line));
        if (!isBlank(header))
            break;
    }
    const std::string where = path + ':' + std::to_string(impl->line);
    std::string_view text = header;
    if (text.starts_with("\xEF\xBB\xBF")) // UTF-8 byte order mark
        text.remove_prefix(3);
    const auto names = splitCsv(text);
    const auto column = [&](std::string_view name) -> std::optional<std::size_t> {
        const auto it = std::find(names.begin(), names.end(), name);
        if (it == names.end())
            return std::nullopt;
        return static_cast<std::size_t>(it - names.begin());
    };
    const auto time = column("TIMESTAMP");
    const auto context = column("ContextTokens");
    const auto generated = column("GeneratedTokens");
    for (const auto& [found, name] : {std::pair{time.has_value(), "TIMESTAMP"},
                                      std::pair{context.has_value(), "ContextTokens"},
                                      std::pair{generated.has_value(), "GeneratedTokens"}}) {
        if (!found)
            return fail(std::string("the header has no column \"") + name +
                            "\" (expected TIMESTAMP,ContextTokens,GeneratedTokens)",
                        where);
    }
    impl->timeColumn = *time;
    impl->contextColumn = *context;
    impl->generatedColumn = *generated;
    impl->columns = std::max({*time, *context, *generated}) + 1;
    return AzureTraceReader(std::move(impl));
}

Result<std::optional<AzureRecord>> AzureTraceReader::next()
{
    Impl& d = *m_impl;
    std::string text;
    for (LineRead read; (read = readBoundedLine(d.in, text, kMaxTraceLineBytes)) != LineRead::End;) {
        ++d.line;
        if (read == LineRead::TooLong)
            return fail("a line longer than " + std::to_string(kMaxTraceLineBytes) + " bytes; is this really a trace file?",
                        d.path + ':' + std::to_string(d.line));
        if (isBlank(text))
            continue;
        const std::string where = d.path + ':' + std::to_string(d.line);
        const auto fields = splitCsv(text);
        if (fields.size() < d.columns)
            return fail("expected at least " + std::to_string(d.columns) + " comma-separated fields, got " +
                            std::to_string(fields.size()),
                        where);
        AzureRecord record;
        record.line = d.line;
        const auto time = parseAzureTimestamp(fields[d.timeColumn]);
        if (!time) {
            const std::string_view stamp = fields[d.timeColumn];
            const auto year = parseInteger(stamp.substr(0, std::min<std::size_t>(4, stamp.size())));
            if (stamp.size() >= 19 && year && stamp[4] == '-' && (*year < kMinYear || *year > kMaxYear))
                return fail("column TIMESTAMP: year " + std::to_string(*year) + " of \"" + std::string(stamp) +
                                "\" is outside " + std::to_string(kMinYear) + "-" + std::to_string(kMaxYear) +
                                " (the years a nanosecond clock holds)",
                            where);
            return fail("column TIMESTAMP: \"" + std::string(stamp) +
                            "\" is not a timestamp like 2023-11-16 18:15:46.6805900",
                        where);
        }
        // Rows from 1678 and 2261 are 1.8e19 ns apart, past int64: a wrapping difference is too late.
        SimTime sinceFirst = 0;
        const bool wraps = __builtin_sub_overflow(*time, d.firstTime, &sinceFirst);
        const bool tooLate = d.haveFirst && *time > d.firstTime && (wraps || sinceFirst > kMaxAzureSpan);
        if (tooLate)
            return fail("column TIMESTAMP: " + std::string(fields[d.timeColumn]) + " is " +
                            std::to_string(*time / kSecond - d.firstTime / kSecond) + " s after the first row (line " +
                            std::to_string(d.firstLine) + "); a trace may span at most " +
                            std::to_string(kMaxAzureSpan / kSecond) +
                            " s (104 days), so that arrival times x workload.time_scale (up to 1000) fit the "
                            "simulation clock",
                        where);
        if (d.haveLast && *time < d.lastTime)
            return fail("column TIMESTAMP: " + std::string(fields[d.timeColumn]) +
                            " is earlier than the previous row; a trace must be in time order",
                        where);
        record.wallClock = *time;
        const auto context = parseInteger(fields[d.contextColumn]);
        if (!context || *context < 1 || *context > kMaxTokens)
            return fail("column ContextTokens: expected an integer in [1, " + std::to_string(kMaxTokens) + "], got \"" +
                            std::string(fields[d.contextColumn]) + '"',
                        where);
        record.contextTokens = *context;
        const auto generated = parseInteger(fields[d.generatedColumn]);
        if (!generated || *generated < 0 || *generated > kMaxTokens)
            return fail("column GeneratedTokens: expected an integer in [0, " + std::to_string(kMaxTokens) +
                            "], got \"" + std::string(fields[d.generatedColumn]) + '"',
                        where);
        record.generatedTokens = *generated;
        d.lastTime = *time;
        d.haveLast = true;
        if (!d.haveFirst) {
            d.firstTime = *time;
            d.firstLine = d.line;
            d.haveFirst = true;
        }
        return std::optional<AzureRecord>(record);
    }
    if (d.in.bad())
        return fail("read error", d.path + ':' + std::to_string(d.line + 1));
    return std::optional<AzureRecord>();
}

} // namespace kvroute::sim
