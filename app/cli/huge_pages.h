#pragma once
// Simulations spend much of their time faulting in and walking memory (block pools, prefix
// indexes, request tables). glibc backs its heap with transparent huge pages when asked through
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (glibc 2.35+): about 4× fewer page faults and 10-12%
// less CPU on the llm-d benchmark and the 128-pod runs (bench/README.md). A tunable is read only
// when a process starts, so a simulating command re-executes itself once with it set.
//
// Not done when the user set GLIBC_TUNABLES (their tunables win), when KVROUTE_HUGE_PAGES=0, or
// when the kernel's THP mode is `never` or unknown. Results never depend on it: nothing in a
// simulation depends on addresses.

#include <string_view>

namespace kvroute::cli {

/// Whether to re-execute: `glibcTunables` is GLIBC_TUNABLES (nullptr when unset), `optOut` is
/// KVROUTE_HUGE_PAGES (nullptr when unset), `thpEnabled` the contents of
/// /sys/kernel/mm/transparent_hugepage/enabled (empty when unreadable).
[[nodiscard]] bool shouldReexecForHugePages(const char* glibcTunables, const char* optOut,
                                            std::string_view thpEnabled, bool simulating);

/// True for the commands that run simulations (run, sweep, compare-report, conformance).
[[nodiscard]] bool isSimulatingCommand(int argc, char** argv);

/// Re-executes this program with GLIBC_TUNABLES=glibc.malloc.hugetlb=1 when
/// shouldReexecForHugePages says so for `simulating`; returns (and the program runs as it is)
/// otherwise or when the exec fails. Call first thing in main(), before any thread starts.
void preferHugePages(char** argv, bool simulating);

/// What the heap of this process uses, for reports: "transparent huge pages" or "4 KiB pages".
[[nodiscard]] const char* heapPages();

} // namespace kvroute::cli
