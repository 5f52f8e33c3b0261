#include "cluster/deploy/manifest_yaml.h"

#include <charconv>
#include <cmath>
#include <set>
#include <vector>

namespace kvroute::cluster::deploy {

namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr std::size_t kLineWidth = 100; ///< comment lines wrap here

/// The next code point of UTF-8 `text` at `i` (advancing `i`); U+FFFD for an invalid sequence.
char32_t nextCodePoint(std::string_view text, std::size_t& i)
{
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {
        ++i;
        return byte;
    }
    const std::size_t length = byte >= 0xF0 && byte <= 0xF4 ? 4 : byte >= 0xE0 && byte <= 0xEF ? 3 : byte >= 0xC2 && byte < 0xE0 ? 2 : 0;
    if (length == 0 || i + length > text.size()) {
        ++i;
        return kReplacement;
    }
    char32_t cp = byte & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07);
    for (std::size_t k = 1; k < length; ++k) {
        const auto c = static_cast<unsigned char>(text[i + k]);
        if ((c & 0xC0) != 0x80) {
            ++i;
            return kReplacement;
        }
        cp = (cp << 6) | (c & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    const char32_t minimum = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
    i += length;
    if (cp < minimum || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return kReplacement;
    return cp;
}

void appendUtf8(std::string& out, char32_t cp)
{
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

/// YAML 1.2's printable set (c-printable) minus what some readers mistake for line breaks
/// (NEL, LS, PS) and the BOM: those are written escaped.
bool printableAsIs(char32_t cp)
{
    if (cp == '\t')
        return true;
    if (cp < 0x20 || cp == 0x7F)
        return false;
    if (cp >= 0x80 && cp <= 0x9F)
        return false;
    if (cp == 0x2028 || cp == 0x2029 || cp == 0xFEFF)
        return false;
    if (cp >= 0xD800 && cp <= 0xDFFF)
        return false;
    return cp != 0xFFFE && cp != 0xFFFF;
}

std::string hex(char32_t cp, int digits)
{
    static constexpr char kDigits[] = "0123456789ABCDEF";
    std::string out(static_cast<std::size_t>(digits), '0');
    for (int k = digits - 1; k >= 0; --k, cp >>= 4)
        out[static_cast<std::size_t>(k)] = kDigits[cp & 15];
    return out;
}

std::vector<std::string_view> splitLines(std::string_view text)
{
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find('\n', start);
        if (end == std::string_view::npos) {
            lines.push_back(text.substr(start));
            break;
        }
        lines.push_back(text.substr(start, end - start));
        start = end + 1;
    }
    return lines;
}

} // namespace

std::string yamlQuote(std::string_view text)
{
    std::string out = "\"";
    for (std::size_t i = 0; i < text.size();) {
        const char32_t cp = nextCodePoint(text, i);
        switch (cp) {
        case '"': out += "\\\""; continue;
        case '\\': out += "\\\\"; continue;
        case '\n': out += "\\n"; continue;
        case '\r': out += "\\r"; continue;
        case '\t': out += "\\t"; continue;
        default: break;
        }
        if (printableAsIs(cp))
            appendUtf8(out, cp);
        else if (cp <= 0xFFFF)
            out += "\\u" + hex(cp, 4);
        else
            out += "\\U" + hex(cp, 8);
    }
    out += '"';
    return out;
}

std::string yamlInt(std::int64_t value)
{
    return std::to_string(value);
}

std::string yamlNumber(double value)
{
    if (!std::isfinite(value))
        return std::isnan(value) ? ".nan" : value > 0 ? ".inf" : "-.inf";
    char buf[64];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    if (ec != std::errc{})
        return yamlQuote("?");
    return std::string(buf, end);
}

std::string yamlText(std::string_view text, int indent)
{
    // A literal block keeps every character but needs: printable characters only, no '\r',
    // a first line that does not start with a space (or the indentation would be guessed from
    // it), and exactly one final newline (the "clip" chomping of '|').
    bool literal = !text.empty() && text.back() == '\n' && (text.size() < 2 || text[text.size() - 2] != '\n') &&
                   text.front() != ' ' && text.front() != '\n';
    for (std::size_t i = 0; literal && i < text.size();) {
        const char32_t cp = nextCodePoint(text, i);
        literal = cp == '\n' || (cp != '\r' && cp != kReplacement && printableAsIs(cp));
    }
    if (!literal)
        return yamlQuote(text);
    std::string out = "|\n";
    const std::string pad(static_cast<std::size_t>(indent), ' ');
    auto lines = splitLines(text.substr(0, text.size() - 1));
    for (const auto& line : lines) {
        if (!line.empty())
            out += pad;
        out += line;
        out += '\n';
    }
    out.pop_back(); // the caller ends the line
    return out;
}

std::string yamlComment(std::string_view text, bool wrap)
{
    std::string out;
    for (const auto& line : splitLines(text)) {
        std::string clean;
        for (std::size_t i = 0; i < line.size();) {
            const char32_t cp = nextCodePoint(line, i);
            if (printableAsIs(cp) && cp != kReplacement)
                appendUtf8(clean, cp);
        }
        while (!clean.empty() && clean.back() == ' ')
            clean.pop_back();
        if (clean.empty()) {
            out += "#\n";
            continue;
        }
        // Wrapped at spaces to kLineWidth columns (with "# "); a longer word stays whole.
        std::string_view rest = clean;
        const std::size_t indent = rest.find_first_not_of(' ');
        const std::string continuation(indent == std::string_view::npos ? 0 : indent, ' ');
        bool first = true;
        while (!rest.empty()) {
            const std::size_t room = kLineWidth - 2 - (first ? 0 : continuation.size());
            std::size_t cut = rest.size();
            if (wrap && rest.size() > room) {
                const auto space = rest.rfind(' ', room);
                cut = space != std::string_view::npos && space > (first ? continuation.size() : 0) ? space : rest.find(' ', room);
                if (cut == std::string_view::npos)
                    cut = rest.size();
            }
            out += "# " + (first ? std::string() : continuation) + std::string(rest.substr(0, cut)) + "\n";
            rest.remove_prefix(cut);
            while (!rest.empty() && rest.front() == ' ')
                rest.remove_prefix(1);
            first = false;
        }
    }
    return out;
}

Result<std::string> fillTemplate(std::string_view tmpl, const std::map<std::string, std::string>& values,
                                 std::string_view templateName)
{
    std::string out;
    std::set<std::string> used;
    std::size_t lineNumber = 0;
    for (const auto& line : splitLines(tmpl)) {
        ++lineNumber;
        const std::string where = std::string(templateName) + ":" + std::to_string(lineNumber);
        const auto open = line.find("{{");
        if (open == std::string_view::npos) {
            out += line;
            out += '\n';
            continue;
        }
        const auto firstText = line.find_first_not_of(' ');
        const auto close = line.find("}}", open);
        const bool block = firstText == open && close != std::string_view::npos && close + 2 == line.size();
        if (block) {
            const std::string name(line.substr(open + 2, close - open - 2));
            const auto it = values.find(name);
            if (it == values.end())
                return fail("the template has a placeholder {{" + name + "}} that the renderer does not fill", where);
            used.insert(name);
            if (it->second.empty())
                continue;
            const std::string pad(open, ' ');
            for (const auto& valueLine : splitLines(it->second)) {
                if (!valueLine.empty())
                    out += pad;
                out += valueLine;
                out += '\n';
            }
            continue;
        }
        std::size_t pos = 0;
        while (pos < line.size()) {
            const auto start = line.find("{{", pos);
            if (start == std::string_view::npos) {
                out += line.substr(pos);
                break;
            }
            const auto end = line.find("}}", start);
            if (end == std::string_view::npos)
                return fail("an unclosed {{ in the template", where);
            out += line.substr(pos, start - pos);
            const std::string name(line.substr(start + 2, end - start - 2));
            const auto it = values.find(name);
            if (it == values.end())
                return fail("the template has a placeholder {{" + name + "}} that the renderer does not fill", where);
            if (it->second.find('\n') != std::string::npos)
                return fail("{{" + name + "}} spans lines; it must stand alone on its line", where);
            used.insert(name);
            out += it->second;
            pos = end + 2;
        }
        out += '\n';
    }
    // splitLines gives a last empty piece after the final newline.
    if (!tmpl.empty() && tmpl.back() == '\n')
        out.pop_back();
    for (const auto& [name, value] : values) {
        if (!used.contains(name))
            return fail("the renderer fills {{" + name + "}} but the template has no such placeholder",
                        std::string(templateName));
    }
    return out;
}

bool isDnsLabel(std::string_view name)
{
    if (name.empty() || name.size() > 63)
        return false;
    const auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    for (const char c : name) {
        if (!alnum(c) && c != '-')
            return false;
    }
    return alnum(name.front()) && alnum(name.back());
}

std::string dnsLabelFrom(std::string_view text, std::size_t maxLength, std::string_view fallback)
{
    std::string out;
    for (const char raw : text) {
        char c = raw;
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (keep)
            out += c;
        else if (!out.empty() && out.back() != '-')
            out += '-';
    }
    if (out.size() > maxLength)
        out.resize(maxLength);
    while (!out.empty() && out.back() == '-')
        out.pop_back();
    return out.empty() ? std::string(fallback) : out;
}

} // namespace kvroute::cluster::deploy
