#include "sim/sweep/sweep.h"

#include "sim/fleet/cluster_run.h"
#include "sim/scenario/scenario_yaml.h"
#include "sim/scenario/yaml_text.h"
#include "sim/util/check.h"
#include "sim/util/thousands.h"
#include "sim/workload/builtin_traces.h"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <fstream>
#include <sstream>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace kvroute::sim {

namespace {

/// Splits a --param value list at the commas outside brackets and braces, so that list values
/// (a stage list such as [[3,20]],[[5,20]]) sweep whole.
/// The items of a --param list: commas inside brackets, braces or a quoted item (one that
/// starts with a quote, as YAML reads it) do not split.
std::vector<std::string> splitCommas(std::string_view text)
{
    std::vector<std::string> out;
    std::size_t start = 0;
    int depth = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        const bool itemStarts = text.substr(start, i - start).find_first_not_of(" \t") == std::string_view::npos;
        if ((c == '"' || c == '\'') && depth == 0 && itemStarts) {
            i = yamlQuotedScalarEnd(text, i);
            if (i == std::string_view::npos)
                break; // an unclosed quote runs to the end, in the last item
        } else if (c == '[' || c == '{') {
            ++depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            --depth;
        } else if (c == ',' && depth == 0) {
            out.emplace_back(text.substr(start, i - start));
            start = i + 1;
        }
    }
    out.emplace_back(text.substr(start));
    return out;
}

std::optional<double> number(std::string_view s)
{
    std::string text(s);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(v))
        return std::nullopt;
    return v;
}

std::string rangeValueText(double v)
{
    char buf[32];
    if (v == std::floor(v) && std::fabs(v) < 1e15)
        std::snprintf(buf, sizeof buf, "%.0f", v);
    else
        std::snprintf(buf, sizeof buf, "%.10g", v);
    return buf;
}

Result<Scenario> pointScenario(const Scenario& base, const SweepPoint& point)
{
    Scenario s = base;
    s.seed = point.seed;
    std::vector<std::string> assignments;
    for (const auto& [path, value] : point.assignments)
        assignments.push_back(path + "=" + value);
    if (auto r = applyOverrides(s, assignments, "--param"); !r)
        return std::unexpected(r.error());
    return s;
}

} // namespace

Result<SweepParameter> parseSweepParameter(std::string_view text)
{
    const auto eq = text.find('=');
    if (eq == std::string_view::npos || eq == 0 || eq + 1 == text.size())
        return fail("expected path=v1,v2,... or path=start:stop:step", "--param " + std::string(text));
    SweepParameter p;
    p.path = std::string(text.substr(0, eq));
    const auto values = text.substr(eq + 1);
    const auto colon = values.find(':');
    // start:stop[:step], unless a quoted text ("a:b") or a list.
    const bool isRange = colon != std::string_view::npos && values.find(',') == std::string_view::npos &&
                         !values.starts_with('"') && !values.starts_with('\'') && !values.starts_with('[') &&
                         !values.starts_with('{');
    if (isRange) {
        const auto second = values.find(':', colon + 1);
        const auto start = number(values.substr(0, colon));
        const auto stop = number(values.substr(colon + 1, second == std::string_view::npos ? std::string_view::npos
                                                                                            : second - colon - 1));
        const auto step = second == std::string_view::npos ? std::optional<double>(1.0) : number(values.substr(second + 1));
        if (!start || !stop || !step || *step <= 0 || *stop < *start)
            return fail("a range is start:stop[:step] with numbers, stop >= start and step > 0",
                        "--param " + std::string(text));
        const auto count = static_cast<long>(std::floor((*stop - *start) / *step + 1e-9)) + 1;
        if (count > 10000)
            return fail("the range has more than 10000 values", "--param " + std::string(text));
        for (long i = 0; i < count; ++i)
            p.values.push_back(rangeValueText(*start + static_cast<double>(i) * *step));
    } else {
        p.values = splitCommas(values);
    }
    // Each value listed twice would be a point of its own, run again under the same key. A hash
    // set, as a range may hold 10,000 values.
    std::unordered_set<std::string_view> seen;
    seen.reserve(p.values.size());
    for (const std::string& value : p.values) {
        if (value.empty())
            return fail("empty value in the list", "--param " + std::string(text));
        if (!seen.insert(value).second)
            return fail(isRange ? "the range's step is below the precision of its values (10 significant digits): " +
                                      value + " comes twice"
                                : "value " + value + " is listed twice; every point of the grid would run twice",
                        "--param " + std::string(text));
    }
    return p;
}

Result<void> checkSweepOverrides(const std::vector<SweepParameter>& parameters, const std::vector<std::string>& overrides)
{
    for (const auto& assignment : overrides) {
        std::string key = assignment.substr(0, assignment.find('='));
        key.erase(0, key.find_first_not_of(" \t"));
        key.erase(key.find_last_not_of(" \t") + 1);
        for (const auto& p : parameters) {
            if (p.path == key)
                return fail(key + " is both set (--set " + assignment + ") and swept (--param " + p.path +
                                "=...); every point would ignore the --set value, so drop one of them",
                            "--set " + assignment);
        }
    }
    return {};
}

Result<void> checkSweepParameters(const std::vector<SweepParameter>& parameters, int repeats)
{
    for (std::size_t i = 0; i < parameters.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (parameters[i].path == parameters[j].path)
                return fail("key " + parameters[i].path + " is swept twice; give its values in one --param",
                            "--param " + parameters[i].path);
        }
    }
    // Capped just above the limit as it is multiplied (values per key are at most 10,000), so
    // it cannot overflow.
    std::int64_t points = std::max(repeats, 1);
    std::string sizes;
    for (const SweepParameter& p : parameters) {
        sizes += (sizes.empty() ? "" : " × ") + thousands(static_cast<std::int64_t>(p.values.size()));
        points = std::min(points * std::max<std::int64_t>(1, static_cast<std::int64_t>(p.values.size())), kMaxSweepPoints + 1);
    }
    if (repeats > 1)
        sizes += " values × " + thousands(repeats) + " repeats";
    else
        sizes += " values";
    if (points > kMaxSweepPoints)
        return fail("the grid of " + sizes + " has more than " + thousands(kMaxSweepPoints) +
                        " points, each a whole run; narrow the ranges or split the sweep",
                    "--param");
    return {};
}

std::string sweepBaseId(const Scenario& base)
{
    // Every key's value, not the comment lines above them (warnings reworded by a newer
    // kvroute must not invalidate results), and the contents of the files the scenario reads.
    XXH64_state_t* state = XXH64_createState();
    KVROUTE_CHECK(state != nullptr, "XXH64 state allocation");
    XXH64_reset(state, 0);
    std::istringstream yaml(toYaml(base));
    for (std::string line; std::getline(yaml, line);) {
        if (line.starts_with('#'))
            continue;
        line.push_back('\n');
        XXH64_update(state, line.data(), line.size());
    }
    for (const std::string& path : {base.routing.epp.configFile, base.workload.trace.path}) {
        if (path.empty())
            continue;
        if (const auto text = builtinTraceText(path)) {
            XXH64_update(state, text->data(), text->size());
            continue;
        }
        std::ifstream file(path, std::ios::binary);
        std::array<char, 1 << 16> chunk{};
        while (file) {
            file.read(chunk.data(), chunk.size());
            XXH64_update(state, chunk.data(), static_cast<std::size_t>(file.gcount()));
        }
    }
    const auto digest = XXH64_digest(state);
    XXH64_freeState(state);
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(digest));
    return buf;
}

std::string sweepGridId(const SweepGrid& grid)
{
    // Length-prefixed fields, so no choice of values can make two grids hash alike by accident.
    std::string text = "repeats " + std::to_string(grid.repeats) + "\n";
    for (const auto& p : grid.parameters) {
        text += std::to_string(p.path.size()) + ":" + p.path + " " + std::to_string(p.values.size()) + "\n";
        for (const auto& v : p.values)
            text += std::to_string(v.size()) + ":" + v + "\n";
    }
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(XXH64(text.data(), text.size(), 0)));
    return buf;
}

Result<SweepShard> parseSweepShard(std::string_view text)
{
    const auto slash = text.find('/');
    const auto parse = [](std::string_view digits) -> std::optional<int> {
        if (digits.empty() || digits.size() > 6 || digits.find_first_not_of("0123456789") != std::string_view::npos)
            return std::nullopt;
        return std::stoi(std::string(digits));
    };
    const auto index = slash == std::string_view::npos ? std::nullopt : parse(text.substr(0, slash));
    const auto count = slash == std::string_view::npos ? std::nullopt : parse(text.substr(slash + 1));
    if (!index || !count)
        return fail("expected I/N, shard I (from 0) of N, e.g. 0/4 ... 3/4", "--shard " + std::string(text));
    if (*count < 1 || *count > 100000 || *index >= *count)
        return fail("the shard index must be in [0, N) and N in [1, 100000]", "--shard " + std::string(text));
    return SweepShard{*index, *count};
}

std::vector<SweepPoint> shardPoints(const std::vector<SweepPoint>& grid, SweepShard shard)
{
    std::vector<SweepPoint> out;
    for (std::size_t i = static_cast<std::size_t>(shard.index); i < grid.size(); i += static_cast<std::size_t>(shard.count))
        out.push_back(grid[i]);
    return out;
}

std::string SweepPoint::key() const
{
    auto sorted = assignments;
    std::sort(sorted.begin(), sorted.end());
    std::string k;
    for (const auto& [path, value] : sorted)
        k += path + "=" + value + ";";
    return k + "#" + std::to_string(repeat);
}

std::vector<SweepPoint> expandSweepGrid(const std::vector<SweepParameter>& parameters, int repeats, std::uint64_t baseSeed)
{
    std::vector<SweepPoint> points{SweepPoint{}};
    for (const auto& p : parameters) {
        std::vector<SweepPoint> next;
        for (const auto& partial : points) {
            for (const auto& v : p.values) {
                SweepPoint q = partial;
                q.assignments.emplace_back(p.path, v);
                next.push_back(std::move(q));
            }
        }
        points = std::move(next);
    }
    std::vector<SweepPoint> out;
    for (const auto& p : points) {
        for (int r = 0; r < std::max(1, repeats); ++r) {
            SweepPoint q = p;
            q.repeat = r;
            q.seed = baseSeed + static_cast<std::uint64_t>(r);
            out.push_back(std::move(q));
        }
    }
    return out;
}

Result<void> checkSweepValuesDistinct(const Scenario& base, const std::vector<SweepParameter>& parameters)
{
    for (const SweepParameter& p : parameters) {
        // Each value on the base alone: keys are independent, so two values that resolve alike
        // here give every point they are in twice. The resolved scenario compares what YAML
        // reads (01 and 1, 1 and 1.0), not the text.
        std::unordered_map<std::string, const std::string*> seen;
        for (const std::string& value : p.values) {
            Scenario s = base;
            if (!applyOverride(s, p.path + "=" + value, "--param"))
                continue; // validateSweep names it
            // Comments (warnings) may quote the value as written: only the keys compare.
            std::string resolved;
            std::istringstream lines(toYaml(s));
            for (std::string line; std::getline(lines, line);)
                if (!line.starts_with('#'))
                    resolved += line + '\n';
            const auto [it, added] = seen.emplace(std::move(resolved), &value);
            if (!added)
                return fail("values " + *it->second + " and " + value + " of " + p.path +
                                " give the same scenario; every point of the grid would run twice",
                            "--param " + p.path);
        }
    }
    return {};
}

Result<void> validateSweep(const Scenario& base, const std::vector<SweepPoint>& points)
{
    for (const auto& point : points) {
        auto s = pointScenario(base, point);
        if (!s)
            return std::unexpected(s.error());
        if (auto setup = prepareRun(*s); !setup)
            return fail(setup.error().toString(), "sweep point " + point.key());
    }
    return {};
}

void runSweep(const Scenario& base, const std::vector<SweepPoint>& points, int jobs,
              const std::function<void(const SweepOutcome&)>& onDone, const std::atomic<bool>* cancel)
{
    std::atomic<std::size_t> next{0};
    std::mutex doneMutex;
    const auto worker = [&] {
        while (true) {
            if (cancel && cancel->load())
                return;
            const std::size_t i = next.fetch_add(1);
            if (i >= points.size())
                return;
            const auto started = std::chrono::steady_clock::now();
            SweepOutcome outcome{points[i], fail("not run"), 0.0};
            auto scenario = pointScenario(base, points[i]);
            if (!scenario)
                outcome.results = std::unexpected(scenario.error());
            else
                outcome.results = runScenario(*scenario, RunControl{{}, cancel});
            outcome.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            const std::lock_guard lock(doneMutex);
            onDone(outcome);
        }
    };
    const int threads = std::max(1, std::min<int>(jobs, static_cast<int>(points.size())));
    std::vector<std::jthread> pool;
    for (int t = 1; t < threads; ++t)
        pool.emplace_back(worker);
    worker();
}

} // namespace kvroute::sim
