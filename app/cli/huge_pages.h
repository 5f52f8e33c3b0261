#pragma once
// Simulations spend much of their time faulting in and walking memory (block pools, prefix
// indexes, request tables). glibc backs its heap with transparent huge pages when asked through
// GLIBC_TUNABLES=glibc.malloc.hugetlb=1 (glibc 2.35+): about 4× fewer page faults and 10-20%
// less CPU on the llm-d benchmark and the pod-count runs (bench/README.md); with
// glibc.malloc.mmap_threshold at 32 MiB, large tables stay in that heap too. A tunable is read
// only when a process starts, so a simulating command re-executes itself once with it set.
//
// Not done when the user set GLIBC_TUNABLES (their tunables win), when KVROUTE_HUGE_PAGES is 0,
// false, no or off, under valgrind, when started through ld.so, or when the kernel's THP mode is
// `never` or unknown. Results never depend on it: nothing in a simulation depends on addresses.

#include <string_view>

namespace kvroute::cli {

/// What decides a re-exec, read from the process and the machine.
struct ReexecContext {
    const char* glibcTunables = nullptr; ///< GLIBC_TUNABLES, nullptr when unset
    const char* optOut = nullptr;        ///< KVROUTE_HUGE_PAGES (0/false/no/off opt out), nullptr when unset
    const char* ldPreload = nullptr;     ///< LD_PRELOAD, nullptr when unset
    std::string_view thpEnabled;         ///< /sys/kernel/mm/transparent_hugepage/enabled, "" if unreadable
    std::string_view program;            ///< /proc/self/exe resolved, "" if unreadable
    bool simulating = false;
};

/// Whether to re-execute `program`. Never under valgrind (its preload is in LD_PRELOAD: the
/// re-executed program would run outside it) nor when the program file is the dynamic loader
/// (`ld.so kvroute run …`: executing it again would lose the program).
[[nodiscard]] bool shouldReexecForHugePages(const ReexecContext& context);

/// True for the commands that run simulations (run, sweep, compare-report, conformance).
[[nodiscard]] bool isSimulatingCommand(int argc, char** argv);

/// Re-executes this program (its resolved file, so ps and /proc/PID/comm still name it) with
/// GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432 when
/// shouldReexecForHugePages says so for `simulating`;
/// returns (and the program runs as it is) otherwise or when the exec fails. Call first thing in
/// main(), before any thread starts.
void preferHugePages(char** argv, bool simulating);

/// What the heap of this process uses, for reports: "transparent huge pages" or "4 KiB pages".
[[nodiscard]] const char* heapPages();

} // namespace kvroute::cli
