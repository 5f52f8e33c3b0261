// `kvroute sweep merge OUT FILE...`: shards' records into one results file and its summary.
#include "app/cli/commands.h"

#include "sim/sweep/sweep_merge.h"

#include <CLI/CLI.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

namespace kvroute::cli {

namespace {

struct MergeOptions {
    std::string out;
    std::vector<std::string> inputs;
    bool quiet = false;
};

int mergeCommand(const MergeOptions& o)
{
    std::error_code ec;
    for (const auto& in : o.inputs) {
        if (std::filesystem::equivalent(in, o.out, ec)) {
            std::cerr << "kvroute: " << o.out << " is also an input; write the merge to a new file\n";
            return kExitBadInput;
        }
        if (!std::filesystem::exists(in, ec)) {
            std::cerr << "kvroute: " << in << ": no such file\n";
            return kExitBadInput;
        }
    }
    if (const auto why = unwritable(o.out, false)) {
        std::cerr << "kvroute: " << o.out << ": cannot write there: " << *why << '\n';
        return kExitBadInput;
    }
    std::vector<sim::SweepMergeInput> inputs;
    for (const auto& path : o.inputs) {
        auto file = sim::readSweepRecords(path);
        if (!file) {
            std::cerr << "kvroute: " << file.error().toString() << '\n';
            return kExitBadInput;
        }
        if (file->completeBytes)
            std::cerr << "kvroute: " << path << ':' << file->partialLine
                      << ": an incomplete last line (a shard interrupted while writing) is left out\n";
        inputs.push_back({path, std::move(*file)});
    }
    auto merge = sim::mergeSweepRecords(inputs);
    if (!merge) {
        std::cerr << "kvroute: " << merge.error().toString() << '\n';
        return kExitBadInput;
    }
    // Written whole to a temporary file and renamed, so an interrupted merge leaves no half file.
    const std::string temporary = o.out + ".merging";
    {
        std::ofstream out(temporary, std::ios::trunc);
        for (const auto& r : merge->records)
            out << sim::sweepRecordToJsonLine(r) << '\n';
        out.close();
        if (!out) {
            std::cerr << "kvroute: cannot write " << temporary << ": " << std::strerror(errno) << '\n';
            std::filesystem::remove(temporary, ec);
            return kExitRunFailed;
        }
    }
    std::filesystem::rename(temporary, o.out, ec);
    if (ec) {
        std::cerr << "kvroute: cannot write " << o.out << ": " << ec.message() << '\n';
        return kExitRunFailed;
    }
    std::cout << sim::sweepSummaryTable(merge->grid.parameters, merge->points, merge->records);
    std::cerr << "merged " << merge->records.size() << " of " << merge->points.size() << " points from "
              << o.inputs.size() << " files into " << o.out << '\n';
    if (!merge->duplicates.empty())
        std::cerr << merge->duplicates.size() << " points were in more than one file with identical results (kept once), "
                  << "first: " << merge->duplicates.front() << '\n';
    if (!merge->missing.empty()) {
        std::cerr << "kvroute: " << merge->missing.size() << " points are missing (a shard did not finish?):\n";
        for (std::size_t i = 0; i < merge->missing.size() && i < 20; ++i)
            std::cerr << "  " << merge->missing[i] << '\n';
        if (merge->missing.size() > 20)
            std::cerr << "  ... and " << merge->missing.size() - 20 << " more\n";
        return kExitRunFailed;
    }
    return 0;
}

} // namespace

void addSweepMergeCommand(CLI::App& sweep, int& exitCode)
{
    auto o = std::make_shared<MergeOptions>();
    auto* cmd = sweep.add_subcommand("merge", "Merge the results files of a sweep's shards into one; report missing points");
    cmd->add_option("out", o->out, "merged results file (JSON Lines, grid order)")->required();
    cmd->add_option("files", o->inputs, "the shards' results files")->required();
    cmd->callback([o, &exitCode] { exitCode = mergeCommand(*o); });
}

} // namespace kvroute::cli
