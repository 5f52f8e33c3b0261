#include "sim/model/strict_yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <sstream>
#include <system_error>
#include <unordered_map>
#include <utility>

namespace kvroute::sim::strict_yaml {

namespace {

/// The shortest text that reads back as `value` ("1000000", "0.5"), for limits in messages.
std::string shortest(double value)
{
    char buf[32];
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
    return ec == std::errc() ? std::string(buf, end) : std::to_string(value);
}

// yaml-cpp tags a quoted scalar "!" and a plain one "?".
bool isQuoted(const YAML::Node& node)
{
    return node.Tag() == "!";
}

// A first pass over the event stream, before any node is built.
//
// yaml-cpp 0.7 loops forever in YAML::LoadAll on a token that cannot start a node outside a
// flow collection, such as a lone ',' (yaml-cpp issue 1040, fixed by PR 1319 after 0.7):
// SingleDocParser::HandleNode's `default:` case reports a null node *without consuming the
// token*, HandleDocument returns, Parser::HandleNextDocument returns true because the scanner
// is not empty, and LoadAll pushes another null document for the same token, without end
// (gigabytes within seconds). Every document that makes progress starts at a later position, so
// a document starting where the previous one started is that loop: reported here as a syntax
// error at the stray token, and LoadAll is only called once this pass has finished.
//
// The same pass bounds what a reader walking the tree would visit (see kMaxDepth, kMaxNodes):
// per anchor, the size and height of its node with aliases expanded; an alias to a node still
// open is a cycle.
class DocumentScan final : public YAML::EventHandler {
public:
    explicit DocumentScan(std::string_view text) : m_text(text) {}

    /// Runs the parser to the end of the stream or the first problem.
    void run()
    {
        std::istringstream in{std::string(m_text)};
        YAML::Parser parser(in);
        std::optional<std::size_t> previousStart;
        while (!m_error) {
            m_documentStart.reset();
            if (!parser.HandleNextDocument(*this))
                return;
            if (m_documentStart && previousStart && *m_documentStart == *previousStart) {
                const std::size_t pos = *m_documentStart;
                const std::string token = pos < m_text.size() ? std::string(1, m_text[pos]) : std::string();
                m_error = Problem{"YAML syntax error: unexpected " + quote(token) + " where a value should start",
                                  m_documentStartMark};
                return;
            }
            previousStart = m_documentStart;
        }
    }

    struct Problem {
        std::string message;
        YAML::Mark mark;
    };
    [[nodiscard]] const std::optional<Problem>& error() const { return m_error; }

    void OnDocumentStart(const YAML::Mark& mark) override
    {
        m_documentStart = static_cast<std::size_t>(std::max(mark.pos, 0));
        m_documentStartMark = mark;
        m_anchors.clear(); // anchors are per document
        m_anchorNames.clear();
        m_open.clear();
        m_total = 0;
    }
    void OnDocumentEnd() override {}

    void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string&) override
    {
        leaf(mark, anchor);
    }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override
    {
        if (m_error)
            return;
        if (std::ranges::any_of(m_open, [&](const Open& o) { return o.anchor == anchor && anchor != YAML::NullAnchor; })) {
            m_error = Problem{"alias " + quote("*" + m_anchorNames[anchor]) +
                                  " refers to a node that contains it (an endless structure)",
                              mark};
            return;
        }
        const auto it = m_anchors.find(anchor);
        const Size size = it == m_anchors.end() ? Size{1, 0} : it->second;
        add(size, mark);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                         YAML::EmitterStyle::value) override
    {
        open(mark, anchor);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                    YAML::EmitterStyle::value) override
    {
        open(mark, anchor);
    }
    void OnMapEnd() override { close(); }
    void OnAnchor(const YAML::Mark&, const std::string& name) override { m_pendingName = name; }

private:
    // Values below a node (itself included) and levels of collections below it, aliases expanded.
    // Counts saturate just above the limit: 2^100 expansions must not overflow.
    struct Size {
        std::int64_t nodes = 1;
        int height = 0;
    };
    struct Open {
        YAML::anchor_t anchor;
        YAML::Mark mark;
        Size size{1, 1};
    };

    void nameAnchor(YAML::anchor_t anchor)
    {
        if (anchor != YAML::NullAnchor)
            m_anchorNames[anchor] = m_pendingName;
    }

    void leaf(const YAML::Mark& mark, YAML::anchor_t anchor)
    {
        if (m_error)
            return;
        nameAnchor(anchor);
        if (anchor != YAML::NullAnchor)
            m_anchors[anchor] = Size{1, 0};
        add(Size{1, 0}, mark);
    }

    void open(const YAML::Mark& mark, YAML::anchor_t anchor)
    {
        if (m_error)
            return;
        nameAnchor(anchor);
        if (static_cast<int>(m_open.size()) + 1 > kMaxDepth) {
            m_error = Problem{"YAML nesting deeper than " + std::to_string(kMaxDepth) + " levels", mark};
            return;
        }
        m_open.push_back(Open{anchor, mark});
        if (++m_total > kMaxNodes)
            tooMany(mark);
    }

    void close()
    {
        if (m_error || m_open.empty())
            return;
        const Open done = m_open.back();
        m_open.pop_back();
        if (done.anchor != YAML::NullAnchor)
            m_anchors[done.anchor] = done.size;
        if (!m_open.empty())
            merge(m_open.back().size, done.size);
    }

    static void merge(Size& parent, const Size& child)
    {
        parent.nodes = std::min(parent.nodes + child.nodes, kMaxNodes + 1);
        parent.height = std::max(parent.height, child.height + 1);
    }

    // A leaf or an expanded alias placed below the open collections.
    void add(const Size& size, const YAML::Mark& mark)
    {
        if (static_cast<int>(m_open.size()) + size.height > kMaxDepth) {
            m_error = Problem{"YAML nesting deeper than " + std::to_string(kMaxDepth) +
                                  " levels (with aliases expanded)",
                              mark};
            return;
        }
        // Leaves count once; an alias counts every value of its node, which a reader visits
        // again (the anchored node itself was counted where it stands).
        m_total = std::min(m_total + size.nodes, kMaxNodes + 1);
        if (m_total > kMaxNodes) {
            tooMany(mark);
            return;
        }
        if (!m_open.empty())
            merge(m_open.back().size, size);
    }

    void tooMany(const YAML::Mark& mark)
    {
        m_error = Problem{"the document holds more than " + std::to_string(kMaxNodes) +
                              " values (with aliases expanded); aliases that repeat a large node many "
                              "times make a document of this size",
                          mark};
    }

    std::string_view m_text;
    std::optional<std::size_t> m_documentStart;
    YAML::Mark m_documentStartMark;
    std::unordered_map<YAML::anchor_t, Size> m_anchors;
    std::unordered_map<YAML::anchor_t, std::string> m_anchorNames;
    std::string m_pendingName;
    std::vector<Open> m_open;
    std::int64_t m_total = 0;
    std::optional<Problem> m_error;
};

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
        DocumentScan scan(text);
        scan.run();
        if (const auto& problem = scan.error())
            return fail(problem->message, where(file, problem->mark));
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
    // Digits beyond 64 bits are an integer out of range, not a malformed one.
    const bool tooLarge = ec == std::errc::result_out_of_range && ptr == last;
    if ((ec != std::errc() || ptr != last) && !tooLarge)
        return fail("key " + quote(key) + " in " + m_what + " must be an integer, got " + quote(*text),
                    where(m_file, (*entry)->value.Mark()));
    if (tooLarge || value < min || value > max)
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
        return fail("key " + quote(key) + " in " + m_what + " must be in [" + shortest(min) + ", " + shortest(max) +
                        "], got " + *text,
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
