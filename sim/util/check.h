#pragma once
// Invariant checks that stay on in release builds: a broken invariant in a simulator silently
// corrupts results, which is worse than stopping (ns-3 NS_ASSERT_MSG habit).

#include <cstdio>
#include <cstdlib>

#define KVROUTE_CHECK(cond, msg)                                                                   \
    do {                                                                                           \
        if (!(cond)) [[unlikely]] {                                                                \
            std::fprintf(stderr, "kvroute: invariant violated at %s:%d: %s (%s)\n", __FILE__,      \
                         __LINE__, msg, #cond);                                                    \
            std::abort();                                                                          \
        }                                                                                          \
    } while (false)
