#pragma once
// Internal to sim/scenario: FieldSpec get/set pairs built from a chain of member pointers, so
// each row of the schema table (scenario_fields.cpp) names where its value lives once.

#include "sim/scenario/scenario_schema.h"
#include "sim/util/check.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace kvroute::sim::scenario_access {

// s.*m1.*m2...: the member a chain of member pointers names, const if `s` is.
template <typename Object, typename... Members>
auto& at(Object& object, Members... members)
{
    return (object.*....*members);
}

struct Access {
    std::function<FieldValue(const Scenario&)> get;
    std::function<void(Scenario&, const FieldValue&)> set;
};

template <typename... Members>
Access intAt(Members... members)
{
    return {[=](const Scenario& s) -> FieldValue { return static_cast<std::int64_t>(at(s, members...)); },
            [=](Scenario& s, const FieldValue& v) {
                auto& target = at(s, members...);
                target = static_cast<std::remove_cvref_t<decltype(target)>>(std::get<std::int64_t>(v));
            }};
}

template <typename... Members>
Access doubleAt(Members... members)
{
    return {[=](const Scenario& s) -> FieldValue { return at(s, members...); },
            [=](Scenario& s, const FieldValue& v) { at(s, members...) = std::get<double>(v); }};
}

// A SimTime member shown as seconds.
template <typename... Members>
Access simTimeAt(Members... members)
{
    return {[=](const Scenario& s) -> FieldValue { return toSeconds(at(s, members...)); },
            [=](Scenario& s, const FieldValue& v) { at(s, members...) = fromSeconds(std::get<double>(v)); }};
}

template <typename... Members>
Access boolAt(Members... members)
{
    return {[=](const Scenario& s) -> FieldValue { return at(s, members...); },
            [=](Scenario& s, const FieldValue& v) { at(s, members...) = std::get<bool>(v); }};
}

template <typename... Members>
Access stringAt(Members... members)
{
    return {[=](const Scenario& s) -> FieldValue { return at(s, members...); },
            [=](Scenario& s, const FieldValue& v) { at(s, members...) = std::get<std::string>(v); }};
}

template <typename... Members>
Access optionalIntAt(Members... members)
{
    return {[=](const Scenario& s) -> FieldValue {
                const auto& value = at(s, members...);
                return value ? std::optional<std::int64_t>(*value) : std::nullopt;
            },
            [=](Scenario& s, const FieldValue& v) {
                auto& target = at(s, members...);
                const auto& value = std::get<std::optional<std::int64_t>>(v);
                if (value)
                    target = static_cast<typename std::remove_cvref_t<decltype(target)>::value_type>(*value);
                else
                    target.reset();
            }};
}

template <typename... Members>
Access optionalStringAt(Members... members)
{
    return {[=](const Scenario& s) -> FieldValue { return at(s, members...); },
            [=](Scenario& s, const FieldValue& v) { at(s, members...) = std::get<std::optional<std::string>>(v); }};
}

template <typename E>
using EnumNames = std::span<const std::pair<std::string_view, E>>;

template <typename E>
std::vector<std::string> namesOf(EnumNames<E> names)
{
    std::vector<std::string> out;
    for (const auto& [name, value] : names)
        out.emplace_back(name);
    return out;
}

// The setter only ever sees allowed names: the parser checks FieldSpec::allowed first.
template <typename E, typename... Members>
Access enumAt(EnumNames<E> names, Members... members)
{
    return {[=](const Scenario& s) -> FieldValue {
                const E value = at(s, members...);
                const auto it = std::ranges::find(names, value, &std::pair<std::string_view, E>::second);
                KVROUTE_CHECK(it != names.end(), "enum value without a name in the scenario schema");
                return std::string(it->first);
            },
            [=](Scenario& s, const FieldValue& v) {
                const auto& name = std::get<std::string>(v);
                const auto it = std::ranges::find(names, name, &std::pair<std::string_view, E>::first);
                KVROUTE_CHECK(it != names.end(), "enum name not in the scenario schema");
                at(s, members...) = it->second;
            }};
}

} // namespace kvroute::sim::scenario_access
