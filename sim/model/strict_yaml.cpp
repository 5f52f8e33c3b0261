#include "sim/model/strict_yaml.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <system_error>
#include <utility>

namespace kvroute::sim::strict_yaml {

namespace {

// yaml-cpp tags a quoted scalar "!" and a plain one "?".
bool isQuoted(const YAML::Node& node)
{
    return node.Tag() == "!";
}

} // namespace

std::string quote(std::string_view text)
{
    // Appended piecewise: GCC 12 warns falsely (-Wrestrict) on "'" + std::string(...).
    std::string out;
    out.reserve(text.size() + 2);
    out.push_back('\'');
    out.append(text);
    out.push_back('\'');
    return out;
}

std::string where(std::string_view file, const YAML::Mark& mark)
{
    if (mark.is_null())
        return std::string(file);
    return std::string(file) + ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

Result<YAML::Node> parse(std::string_view text, std::string_view file)
{
    try {
        std::vector<YAML::Node> documents = YAML::LoadAll(std::string(text));
        while (documents.size() > 1 && documents.back().IsNull()) // a trailing bare "---"
            documents.pop_back();
        if (documents.size() > 1)
            return fail("the file holds " + std::to_string(documents.size()) +
                            " YAML documents (separated by ---); it must hold exactly one",
                        where(file, documents[1].Mark()));
        return documents.empty() ? YAML::Node() : documents.front();
    } catch (const YAML::ParserException& e) {
        return fail("YAML syntax error: " + e.msg, where(file, e.mark));
    } catch (const YAML::Exception& e) {
        return fail("YAML error: " + e.msg, where(file, e.mark));
    }
}

Result<MapReader> MapReader::open(const YAML::Node& node, std::string what,
                                  std::initializer_list<std::string_view> allowed, std::string file)
{
    MapReader reader;
    reader.m_node = node;
    reader.m_what = std::move(what);
    reader.m_file = std::move(file);
    for (const std::string_view key : allowed)
        reader.m_allowed.emplace_back(key);

    if (!node.IsMap())
        return fail(reader.m_what + " must be a map; allowed keys: " + reader.allowedList(),
                    where(reader.m_file, node.Mark()));

    for (const auto& pair : node) {
        // Copies: yaml-cpp's iterators hand out proxies that do not outlive the expression.
        const YAML::Node keyNode = pair.first;
        if (!keyNode.IsScalar())
            return fail("keys of " + reader.m_what + " must be plain names; allowed keys: " + reader.allowedList(),
                        where(reader.m_file, keyNode.Mark()));
        const std::string& key = keyNode.Scalar();
        if (std::ranges::find(reader.m_allowed, key) == reader.m_allowed.end())
            return fail("unknown key " + quote(key) + " in " + reader.m_what + "; allowed keys: " +
                            reader.allowedList(),
                        where(reader.m_file, keyNode.Mark()));
        const bool duplicate = std::ranges::any_of(reader.m_entries, [&](const Entry& e) { return e.key == key; });
        if (duplicate)
            return fail("duplicate key " + quote(key) + " in " + reader.m_what, where(reader.m_file, keyNode.Mark()));
        reader.m_entries.push_back(Entry{key, pair.second});
    }
    return reader;
}

bool MapReader::has(std::string_view key) const
{
    return std::ranges::any_of(m_entries, [&](const Entry& e) { return e.key == key; });
}

std::string MapReader::whereValue(std::string_view key) const
{
    const auto it = std::ranges::find(m_entries, key, &Entry::key);
    return where(m_file, it == m_entries.end() ? m_node.Mark() : it->value.Mark());
}

std::string MapReader::allowedList() const
{
    std::string list;
    for (const std::string& key : m_allowed) {
        if (!list.empty())
            list += ", ";
        list += key;
    }
    return list;
}

Result<const MapReader::Entry*> MapReader::required(std::string_view key) const
{
    const auto it = std::ranges::find(m_entries, key, &Entry::key);
    if (it == m_entries.end())
        return fail("missing key " + quote(key) + " in " + m_what + "; allowed keys: " + allowedList(),
                    where(m_file, m_node.Mark()));
    return &*it;
}

Result<std::string> MapReader::plainScalar(const Entry& entry, std::string_view expected) const
{
    if (!entry.value.IsScalar() || isQuoted(entry.value)) {
        const std::string got = entry.value.IsScalar() ? "the string " + quote(entry.value.Scalar())
                                : entry.value.IsNull()  ? std::string("nothing")
                                                        : std::string("a list or map");
        return fail("key " + quote(entry.key) + " in " + m_what + " must be " + std::string(expected) + ", got " + got,
                    where(m_file, entry.value.Mark()));
    }
    return entry.value.Scalar();
}

Result<std::string> MapReader::string(std::string_view key) const
{
    auto entry = required(key);
    if (!entry)
        return std::unexpected(entry.error());
    const YAML::Node& value = (*entry)->value;
    if (!value.IsScalar() || value.Scalar().empty())
        return fail("key " + quote(key) + " in " + m_what + " must be a non-empty string",
                    where(m_file, value.Mark()));
    return value.Scalar();
}

Result<std::int64_t> MapReader::integer(std::string_view key, std::int64_t min, std::int64_t max) const
{
    auto entry = required(key);
    if (!entry)
        return std::unexpected(entry.error());
    auto text = plainScalar(**entry, "an integer");
    if (!text)
        return std::unexpected(text.error());
    std::int64_t value = 0;
    const char* first = text->data();
    const char* last = first + text->size();
    const auto [ptr, ec] = std::from_chars(first, last, value);
    if (ec != std::errc() || ptr != last)
        return fail("key " + quote(key) + " in " + m_what + " must be an integer, got " + quote(*text),
                    where(m_file, (*entry)->value.Mark()));
    if (value < min || value > max)
        return fail("key " + quote(key) + " in " + m_what + " must be in [" + std::to_string(min) + ", " +
                        std::to_string(max) + "], got " + *text,
                    where(m_file, (*entry)->value.Mark()));
    return value;
}

Result<double> MapReader::number(std::string_view key, double min, double max) const
{
    auto entry = required(key);
    if (!entry)
        return std::unexpected(entry.error());
    auto text = plainScalar(**entry, "a number");
    if (!text)
        return std::unexpected(text.error());
    double value = 0.0;
    const char* first = text->data();
    const char* last = first + text->size();
    const auto [ptr, ec] = std::from_chars(first, last, value, std::chars_format::general);
    if (ec != std::errc() || ptr != last || !std::isfinite(value))
        return fail("key " + quote(key) + " in " + m_what + " must be a number, got " + quote(*text),
                    where(m_file, (*entry)->value.Mark()));
    if (value < min || value > max)
        return fail("key " + quote(key) + " in " + m_what + " must be in [" + std::to_string(min) + ", " +
                        std::to_string(max) + "], got " + *text,
                    where(m_file, (*entry)->value.Mark()));
    return value;
}

Result<bool> MapReader::boolean(std::string_view key) const
{
    auto entry = required(key);
    if (!entry)
        return std::unexpected(entry.error());
    auto text = plainScalar(**entry, "true or false");
    if (!text)
        return std::unexpected(text.error());
    if (*text == "true")
        return true;
    if (*text == "false")
        return false;
    return fail("key " + quote(key) + " in " + m_what + " must be true or false, got " + quote(*text),
                where(m_file, (*entry)->value.Mark()));
}

Result<YAML::Node> MapReader::node(std::string_view key, YAML::NodeType::value type, std::string_view noun) const
{
    auto entry = required(key);
    if (!entry)
        return std::unexpected(entry.error());
    const YAML::Node& value = (*entry)->value;
    if (value.Type() != type)
        return fail("key " + quote(key) + " in " + m_what + " must be " + std::string(noun),
                    where(m_file, value.Mark()));
    return value;
}

Result<YAML::Node> MapReader::sequence(std::string_view key) const
{
    return node(key, YAML::NodeType::Sequence, "a list");
}

Result<YAML::Node> MapReader::map(std::string_view key) const
{
    return node(key, YAML::NodeType::Map, "a map");
}

} // namespace kvroute::sim::strict_yaml
