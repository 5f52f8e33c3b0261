// The key reference of docs/SCENARIOS.md, generated from the schema table so the doc cannot
// drift (tests/scenario/tst_scenario_docs checks the file contains this text verbatim).

#include "sim/scenario/scenario_node.h"
#include "sim/scenario/scenario_schema.h"

#include <string>
#include <string_view>

namespace kvroute::sim {

namespace {

std::string cell(std::string_view text)
{
    std::string out;
    for (const char c : text) {
        if (c == '|')
            out += "\\|";
        else
            out += c;
    }
    return out;
}

std::string code(std::string_view text)
{
    return text.empty() ? std::string() : "`" + cell(text) + "`";
}

std::string fieldRow(const FieldSpec& field, const Scenario& defaults)
{
    const std::string defaultText =
        field.defaultNote.empty() ? code(fieldValueText(defaults, field.path)) : cell(field.defaultNote);
    return "| " + code(field.path) + " | " + std::string(toString(field.type)) + " | " + defaultText + " | " +
           cell(allowedText(field)) + " | " + cell(field.unit) + " | " + cell(field.help) + " |\n";
}

void writeSection(std::string& out, std::string_view groupPath, const Scenario& defaults)
{
    const auto children = scenario_node::childrenOf(groupPath);
    std::string rows;
    for (const auto& child : children) {
        if (child.field != nullptr) {
            rows += fieldRow(*child.field, defaults);
        } else if (child.group->distribution) {
            const FieldSpec* mean = findField(child.path + ".mean");
            rows += "| " + code(child.path) + " | distribution | " + code(fieldValueText(defaults, child.path)) +
                    " | number or mapping | " + cell(mean != nullptr ? mean->unit : std::string()) + " | " +
                    cell(child.group->help) + " |\n";
            for (const auto& part : scenario_node::childrenOf(child.path))
                rows += fieldRow(*part.field, defaults);
        }
    }
    if (groupPath.empty()) {
        out += "### Top level\n\n";
    } else {
        const GroupSpec* group = findGroup(groupPath);
        out += "### `" + std::string(groupPath) + "`\n\n" + cell(group->help) + ".\n\n";
    }
    if (!rows.empty()) {
        out += "| Key | Type | Default | Allowed | Unit | Meaning |\n";
        out += "|---|---|---|---|---|---|\n";
        out += rows + "\n";
    }
    for (const auto& child : children)
        if (child.group != nullptr && !child.group->distribution)
            writeSection(out, child.path, defaults);
}

} // namespace

std::string scenarioReferenceMarkdown()
{
    std::string out = "<!-- Generated from sim/scenario/scenario_fields.cpp by scenarioReferenceMarkdown(); "
                      "edit the table there, not this section. -->\n\n";
    writeSection(out, {}, Scenario{});
    out += "<!-- End of the generated reference. -->\n";
    return out;
}

} // namespace kvroute::sim
