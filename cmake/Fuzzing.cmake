# libFuzzer harnesses (tests/fuzz). Included by tests/fuzz/CMakeLists.txt when
# KVROUTE_BUILD_FUZZERS is ON, in a build directory of its own:
#   CC=clang-19 CXX=clang++-19 cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
#     -DKVROUTE_BUILD_FUZZERS=ON -DKVROUTE_BUILD_GUI=OFF -DKVROUTE_BUILD_BENCH=OFF
# (KVROUTE_BUILD_TESTS stays ON: tests/ is where the harnesses live; build only the fuzz_*
# targets.) Debian's clang 14 cannot compile std::expected with libstdc++ 12, clang 19 can.

if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang" OR CMAKE_CXX_COMPILER_VERSION VERSION_LESS 16)
  message(FATAL_ERROR "KVROUTE_BUILD_FUZZERS needs clang >= 16 with libFuzzer "
                      "(Debian: clang-19 libclang-rt-19-dev; configure with CC=clang-19 CXX=clang++-19)")
endif()

# Every target linking kvroute::options, the simulator library included, gets coverage
# instrumentation and the sanitizers; only the harnesses link libFuzzer's main. UBSan findings
# abort (no recovery) so that libFuzzer records them as crashes.
target_compile_options(kvroute_options INTERFACE
  -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer -g)
target_link_options(kvroute_options INTERFACE -fsanitize=address,undefined)

# kvroute_add_fuzzer(NAME SOURCE): a libFuzzer binary in <build>/fuzz.
function(kvroute_add_fuzzer name source)
  add_executable(${name} ${source})
  target_link_libraries(${name} PRIVATE kvroute::sim kvroute::options kvroute::warnings)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/fuzz)
endfunction()
