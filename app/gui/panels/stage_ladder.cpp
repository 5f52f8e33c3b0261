#include "app/gui/panels/stage_ladder.h"

namespace kvroute::app::stages {

std::vector<RisingRun> risingRuns(const std::vector<double>& rates)
{
    std::vector<RisingRun> runs;
    for (std::size_t i = 0; i < rates.size(); ++i) {
        if (runs.empty() || !(rates[i] > rates[i - 1]))
            runs.push_back(RisingRun{i, 0});
        ++runs.back().count;
    }
    return runs;
}

std::size_t ladderIndex(const std::vector<RisingRun>& runs)
{
    std::size_t best = 0;
    for (std::size_t i = 1; i < runs.size(); ++i) {
        if (runs[i].count >= runs[best].count)
            best = i;
    }
    return best;
}

} // namespace kvroute::app::stages
