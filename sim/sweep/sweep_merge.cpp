#include "sim/sweep/sweep_merge.h"

#include <map>

namespace kvroute::sim {

namespace {

/// The record's results as written, without what legitimately differs between two runs of the
/// same point (wall time, the shard that ran it).
std::string resultsOf(SweepRecord r)
{
    r.wallSeconds = 0;
    r.shard.clear();
    return sweepRecordToJsonLine(r);
}

} // namespace

Result<SweepMerge> mergeSweepRecords(const std::vector<SweepMergeInput>& inputs)
{
    SweepMerge merge;
    const SweepRecord* first = nullptr;
    std::string firstWhere;
    std::map<std::string, std::pair<SweepRecord, std::string>> byKey; // key → record, where it was read
    for (const auto& input : inputs) {
        // Records are counted from 1 in file order (blank lines are skipped by the reader).
        int index = 0;
        for (const auto& r : input.file.records) {
            ++index;
            const std::string where = input.path + ": record " + std::to_string(index) + " (" + r.key + ")";
            if (!r.grid)
                return fail("has no grid information: it was written by a kvroute without sharding; rerun that sweep "
                            "or merge only newer files",
                            where);
            if (!first) {
                first = &r;
                firstWhere = where;
                merge.grid = *r.grid;
                merge.base = r.base;
                merge.gridId = r.gridId;
                merge.points = expandSweepGrid(merge.grid.parameters, merge.grid.repeats, r.seed - static_cast<std::uint64_t>(r.repeat));
            }
            if (r.base != merge.base)
                return fail("comes from another base scenario (" + r.base + ") than " + firstWhere + " (" + merge.base +
                                "): a different scenario, --set or seed; merge the shards of one sweep only",
                            where);
            if (r.gridId != merge.gridId)
                return fail("belongs to another grid (" + r.gridId + ") than " + firstWhere + " (" + merge.gridId +
                                "): different --param values or --repeat",
                            where);
            auto [it, added] = byKey.try_emplace(r.key, r, where);
            if (!added) {
                if (resultsOf(it->second.first) != resultsOf(r))
                    return fail("holds point " + r.key + " with other results than " + it->second.second +
                                    "; the same point of the same sweep must give identical results (a different kvroute "
                                    "version?)",
                                where);
                merge.duplicates.push_back(r.key);
            }
        }
    }
    if (!first)
        return fail("no records in the files to merge");
    std::map<std::string, bool> inGrid;
    for (const auto& p : merge.points)
        inGrid[p.key()] = true;
    for (const auto& [key, entry] : byKey)
        if (!inGrid.contains(key))
            return fail("holds point " + key + ", which is not in the sweep's grid", entry.second);
    for (const auto& p : merge.points) {
        const auto it = byKey.find(p.key());
        if (it == byKey.end()) {
            merge.missing.push_back(p.key());
            continue;
        }
        SweepRecord r = it->second.first;
        r.shard.clear();
        merge.records.push_back(std::move(r));
    }
    return merge;
}

} // namespace kvroute::sim
