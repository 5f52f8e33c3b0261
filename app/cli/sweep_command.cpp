#include "app/cli/commands.h"
#include "app/cli/number_range.h"
#include "app/cli/progress_bar.h"

#include "sim/sweep/sweep.h"
#include "sim/sweep/sweep_records.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <thread>

namespace kvroute::cli {

namespace {

struct SweepOptions {
    std::string scenario;
    std::vector<std::string> overrides;
    std::vector<std::string> params;
    int repeat = 1;
    int jobs = 0;
    std::string out;
    std::string shard;
    bool quiet = false;
};

int sweepCommand(const SweepOptions& o)
{
    if (const auto why = unwritable(o.out, false)) {
        std::cerr << "kvroute: " << o.out << ": cannot write there: " << *why << '\n';
        return kExitBadInput;
    }
    auto base = loadScenarioArgument(o.scenario, o.overrides);
    if (!base) {
        std::cerr << "kvroute: " << base.error().toString() << '\n';
        return kExitBadInput;
    }
    std::vector<sim::SweepParameter> parameters;
    for (const auto& text : o.params) {
        auto p = sim::parseSweepParameter(text);
        if (!p) {
            std::cerr << "kvroute: " << p.error().toString() << '\n';
            return kExitBadInput;
        }
        parameters.push_back(std::move(*p));
    }
    if (auto distinct = sim::checkSweepParameters(parameters, o.repeat); !distinct) {
        std::cerr << "kvroute: " << distinct.error().toString() << '\n';
        return kExitBadInput;
    }
    if (auto both = sim::checkSweepOverrides(parameters, o.overrides); !both) {
        std::cerr << "kvroute: " << both.error().toString() << '\n';
        return kExitBadInput;
    }
    if (auto distinct = sim::checkSweepValuesDistinct(*base, parameters); !distinct) {
        std::cerr << "kvroute: " << distinct.error().toString() << '\n';
        return kExitBadInput;
    }
    const sim::SweepGrid grid{parameters, o.repeat};
    std::optional<sim::SweepShard> shard;
    if (!o.shard.empty()) {
        auto parsed = sim::parseSweepShard(o.shard);
        if (!parsed) {
            std::cerr << "kvroute: " << parsed.error().toString() << '\n';
            return kExitBadInput;
        }
        shard = *parsed;
    }
    const auto whole = sim::expandSweepGrid(parameters, o.repeat, base->seed);
    // A shard runs, resumes and summarises its own slice; `sweep merge` puts the slices together.
    const auto all = shard ? sim::shardPoints(whole, *shard) : whole;
    if (auto r = sim::validateSweep(*base, all); !r) {
        std::cerr << "kvroute: " << r.error().toString() << '\n';
        return kExitBadInput;
    }

    // Resume: points of this base scenario already in the output file are not run again.
    auto previous = sim::readSweepRecords(o.out);
    if (!previous) {
        std::cerr << "kvroute: " << previous.error().toString() << '\n';
        return kExitBadInput;
    }
    if (previous->completeBytes) {
        // Killed while writing a line: drop the fragment so appending starts on a clean line.
        std::error_code ec;
        std::filesystem::resize_file(o.out, *previous->completeBytes, ec);
        if (ec) {
            std::cerr << "kvroute: " << o.out << ':' << previous->partialLine
                      << ": an incomplete last line, and it cannot be removed: " << ec.message() << '\n';
            return kExitRunFailed;
        }
        std::cerr << "kvroute: " << o.out << ':' << previous->partialLine
                  << ": dropped an incomplete last line (an interrupted sweep); that point runs again\n";
    }
    const std::string baseId = sim::sweepBaseId(*base);
    std::vector<sim::SweepRecord> records;
    std::size_t otherBase = 0;
    for (auto& record : previous->records) {
        if (record.base == baseId)
            records.push_back(std::move(record));
        else
            ++otherBase;
    }
    std::set<std::string> done;
    for (const auto& record : records)
        done.insert(record.key);
    std::vector<sim::SweepPoint> todo;
    for (const auto& p : all) {
        if (!done.contains(p.key()))
            todo.push_back(p);
    }
    if (!o.quiet) {
        if (otherBase > 0)
            std::cerr << otherBase << " records in " << o.out
                      << " come from another base scenario (the scenario, a --set, the seed or a file it reads "
                         "differs) or an older kvroute; they are kept but not reused\n";
        if (shard)
            std::cerr << "shard " << o.shard << " of " << whole.size() << " points: ";
        std::cerr << all.size() << " points, " << (all.size() - todo.size()) << " already in " << o.out << ", "
                  << todo.size() << " to run\n";
    }

    std::ofstream out(o.out, std::ios::app);
    if (out && previous->lastLineUnterminated)
        out << '\n';
    if (!out) {
        std::cerr << "kvroute: cannot write " << o.out << ": " << std::strerror(errno) << '\n';
        return kExitRunFailed;
    }
    const int jobs = o.jobs > 0 ? o.jobs : static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
    ProgressBar bar(!o.quiet);
    std::size_t finished = 0;
    int failures = 0;
    sim::runSweep(*base, todo, jobs, [&](const sim::SweepOutcome& outcome) {
        ++finished;
        if (!outcome.results) {
            ++failures;
            bar.finish();
            std::cerr << "kvroute: point " << outcome.point.key() << " failed: " << outcome.results.error().toString()
                      << '\n';
            return;
        }
        const auto record =
            sim::makeSweepRecord(outcome.point, *outcome.results, outcome.wallSeconds, baseId, grid, shard ? o.shard : "");
        out << sim::sweepRecordToJsonLine(record) << '\n';
        out.flush();
        records.push_back(record);
        bar.update(static_cast<double>(finished) / static_cast<double>(todo.size()),
                   std::to_string(finished) + "/" + std::to_string(todo.size()));
    });
    bar.finish();
    std::cout << sim::sweepSummaryTable(parameters, all, records);
    return failures ? kExitRunFailed : 0;
}

} // namespace

void addSweepCommand(CLI::App& app, int& exitCode)
{
    auto o = std::make_shared<SweepOptions>();
    auto* cmd = app.add_subcommand("sweep", "Run a grid of scenario variants in parallel, one JSON line per point");
    cmd->add_option("scenario", o->scenario, "built-in scenario name or YAML file");
    cmd->add_option("--param", o->params, "path=v1,v2,... or path=start:stop:step (repeatable; the grid is the product)");
    cmd->add_option("--set", o->overrides, "override a key of the base scenario (repeatable)");
    cmd->add_option("--repeat", o->repeat, "runs per point with seeds seed, seed+1, ...")->transform(numberIn(1, 1000));
    cmd->add_option("--jobs,-j", o->jobs, "parallel runs (default: all cores)")->transform(numberIn(1, 256));
    cmd->add_option("--out,-o", o->out, "results file (JSON Lines); points already in it are skipped");
    cmd->add_option("--shard", o->shard, "run only slice I of N (0-based; e.g. $(JOB_COMPLETION_INDEX)/8); merge with `sweep merge`")
        ->type_name("I/N");
    cmd->add_flag("--quiet,-q", o->quiet, "no progress output");
    // `sweep merge` and `sweep emit-job` are sub-commands; the sweep itself needs its arguments.
    addSweepMergeCommand(*cmd, exitCode);
    addSweepJobCommand(*cmd, exitCode);
    cmd->callback([cmd, o, &exitCode] {
        if (!cmd->get_subcommands().empty())
            return;
        for (const auto& [given, name] : {std::pair{!o->scenario.empty(), "SCENARIO"}, std::pair{!o->params.empty(), "--param"},
                                          std::pair{!o->out.empty(), "--out"}})
            if (!given) {
                std::cerr << "kvroute: sweep: " << name << " is required (kvroute sweep SCENARIO --param K=V,... --out FILE)\n";
                exitCode = kExitBadInput;
                return;
            }
        exitCode = sweepCommand(*o);
    });
}

} // namespace kvroute::cli
